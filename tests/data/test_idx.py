"""The IDX reader: exact round trips of generated files, and a DatasetError for every broken one."""

import gzip

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.data.datasets import DatasetError, parse_idx, read_idx

HYPO = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TYPE_CODES = {np.dtype(np.uint8): 0x08, np.dtype(np.int8): 0x09, np.dtype(">i2"): 0x0B, np.dtype(">i4"): 0x0C,
              np.dtype(">f4"): 0x0D, np.dtype(">f8"): 0x0E}


def idx_bytes(arr):
    """An IDX file holding ``arr``: magic (0, 0, type, ndim), big-endian sizes, big-endian data."""
    arr = np.asarray(arr)
    big = arr.dtype.newbyteorder(">") if arr.dtype.itemsize > 1 else arr.dtype
    head = bytes([0, 0, TYPE_CODES[big], arr.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in arr.shape)
    return head + arr.astype(big).tobytes()


def _arrays():
    rng = np.random.default_rng(0)
    return [
        rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),  # like MNIST images
        rng.integers(0, 10, 17, dtype=np.uint8),  # like MNIST labels
        rng.integers(-128, 128, (3, 4), dtype=np.int8),
        rng.integers(-30000, 30000, (2, 3, 4), dtype=np.int16),
        rng.integers(-2**31, 2**31, 9, dtype=np.int32),
        rng.normal(size=(4, 2)).astype(np.float32),
        rng.normal(size=(3,)),
        np.zeros((0, 28, 28), dtype=np.uint8),
    ]


@pytest.mark.parametrize("arr", _arrays(), ids=lambda a: f"{a.dtype}{a.shape}")
@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gz"])
def test_round_trip(tmp_path, arr, compress):
    data = idx_bytes(arr)
    path = tmp_path / ("data.idx.gz" if compress else "data.idx")
    path.write_bytes(gzip.compress(data) if compress else data)
    back = read_idx(path)
    assert back.shape == arr.shape and back.dtype == arr.dtype.newbyteorder("=")
    assert back.dtype.isnative
    assert np.array_equal(back, arr)
    assert np.array_equal(parse_idx(data), arr)


def test_magic_numbers_of_mnist():
    images = idx_bytes(np.zeros((2, 28, 28), np.uint8))
    labels = idx_bytes(np.zeros(2, np.uint8))
    assert int.from_bytes(images[:4], "big") == 2051 and int.from_bytes(labels[:4], "big") == 2049
    assert parse_idx(images, expect_magic=2051).shape == (2, 28, 28)
    with pytest.raises(DatasetError, match="labels.idx: magic number 2051, expected 2049"):
        parse_idx(images, "labels.idx", expect_magic=2049)


VALID = idx_bytes(np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4))
BROKEN = {
    "empty": (b"", "too short"),
    "short header": (VALID[:3], "too short"),
    "truncated sizes": (VALID[:9], "truncated header"),
    "truncated data": (VALID[:-1], "truncated"),
    "no data": (VALID[:16], "truncated"),
    "extra bytes": (VALID + b"\x00", "unexpected bytes"),
    "first byte not zero": (b"\x01" + VALID[1:], "not an IDX file"),
    "unknown type": (VALID[:2] + b"\x07" + VALID[3:], "not an IDX file"),
    "zero dimensions": (VALID[:3] + b"\x00" + VALID[4:], "not an IDX file"),
    "text": (b"<html>Not found</html>", "not an IDX file"),
}


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gz"])
@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_files_raise_dataset_error_naming_the_file(tmp_path, case, compress):
    data, match = BROKEN[case]
    path = tmp_path / ("broken-file.gz" if compress else "broken-file")
    path.write_bytes(gzip.compress(data) if compress else data)
    with pytest.raises(DatasetError, match=match) as info:
        read_idx(path)
    assert "broken-file" in str(info.value)


def test_empty_file(tmp_path):
    (tmp_path / "empty.idx").write_bytes(b"")
    with pytest.raises(DatasetError, match="empty.idx"):
        read_idx(tmp_path / "empty.idx")


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(DatasetError, match="nowhere.idx: file not found"):
        read_idx(tmp_path / "nowhere.idx")
    (tmp_path / "dir.idx").mkdir()
    with pytest.raises(DatasetError, match="dir.idx: is a folder"):
        read_idx(tmp_path / "dir.idx")


def test_truncated_gzip(tmp_path):
    packed = gzip.compress(VALID * 1)
    (tmp_path / "cut.gz").write_bytes(packed[: len(packed) - 12])
    with pytest.raises(DatasetError, match="cut.gz: not a valid gzip file"):
        read_idx(tmp_path / "cut.gz")


def test_bad_gzip_header(tmp_path):
    (tmp_path / "bad.gz").write_bytes(b"\x1f\x8b" + b"\xff" * 40)
    with pytest.raises(DatasetError, match="bad.gz: not a valid gzip file"):
        read_idx(tmp_path / "bad.gz")


def test_corrupt_deflate_stream(tmp_path):
    packed = bytearray(gzip.compress(idx_bytes(np.arange(2000, dtype=np.uint8).reshape(20, 100))))
    for i in range(12, len(packed) - 8):  # flip the compressed body; keep the gzip header and trailer
        packed[i] ^= 0xFF
    (tmp_path / "flipped.gz").write_bytes(bytes(packed))
    with pytest.raises(DatasetError, match="flipped.gz"):
        read_idx(tmp_path / "flipped.gz")


def test_sizes_whose_product_overflows():
    header = bytes([0, 0, 0x08, 3]) + b"".join(d.to_bytes(4, "big") for d in (2**31, 2**31, 4))
    with pytest.raises(DatasetError, match="overflow.idx"):
        parse_idx(header, "overflow.idx")


def test_huge_sizes_are_refused_without_allocating():
    header = bytes([0, 0, 0x08, 3]) + b"\xff\xff\xff\xff" * 3
    with pytest.raises(DatasetError, match="truncated"):
        parse_idx(header + b"\x00" * 10, "huge.idx")


@HYPO
@given(data=st.binary(max_size=200))
def test_random_bytes_never_raise_anything_but_dataset_error(data):
    try:
        arr = parse_idx(data, "random.idx")
    except DatasetError as exc:
        assert "random.idx" in str(exc)
    else:
        assert arr.size * arr.itemsize + 4 + 4 * arr.ndim == len(data)  # only a consistent file parses


@HYPO
@given(data=st.binary(min_size=4, max_size=64), type_code=st.sampled_from(sorted(TYPE_CODES.values())),
       ndim=st.integers(1, 4))
def test_random_bodies_behind_a_plausible_magic(data, type_code, ndim):
    try:
        parse_idx(bytes([0, 0, type_code, ndim]) + data, "plausible.idx")
    except DatasetError as exc:
        assert "plausible.idx" in str(exc)


@pytest.fixture(scope="module")
def valid_file():
    return idx_bytes(np.random.default_rng(1).integers(0, 256, (6, 7, 5), dtype=np.uint8))


@HYPO
@given(cut=st.floats(0, 1, exclude_max=True), compress=st.booleans())
def test_any_truncation_raises_dataset_error(tmp_path, valid_file, cut, compress):
    data = gzip.compress(valid_file) if compress else valid_file
    path = tmp_path / "truncated.gz"
    path.write_bytes(data[: int(cut * len(data))])
    with pytest.raises(DatasetError, match="truncated.gz"):
        read_idx(path)


@HYPO
@given(where=st.integers(0, 15), mask=st.integers(1, 255))
def test_damaged_header_raises_dataset_error_or_reads_the_same_size(valid_file, where, mask):
    """A flipped header byte is caught, except where it changes nothing the reader checks."""
    damaged = bytearray(valid_file)
    damaged[where] ^= mask
    try:
        arr = parse_idx(bytes(damaged), "damaged.idx")
    except DatasetError as exc:
        assert "damaged.idx" in str(exc)
    else:
        assert arr.nbytes == len(valid_file) - 16
