"""Fuzzing the IDX reader through files: whatever the bytes, a DatasetError naming the file, or the array.

test_idx.py fuzzes parse_idx on bytes in memory; this adds what only read_idx sees: gzip-wrapped junk,
mutated gzip streams, multi-member and padded gzip files, and small files that expand enormously.
"""

import gzip
import tracemalloc
import zlib
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from engine.data.datasets import DatasetError, read_idx

# The deadline is a hang guard, far above the milliseconds one example takes.
FUZZ = settings(max_examples=60, deadline=timedelta(seconds=5),
                suppress_health_check=[HealthCheck.function_scoped_fixture])
TYPE_CODES = {"u1": 0x08, "i1": 0x09, ">i2": 0x0B, ">i4": 0x0C, ">f4": 0x0D, ">f8": 0x0E}
NAME = "fuzzed-idx"


def idx_bytes(arr):
    """An IDX file holding ``arr``: magic (0, 0, type, ndim), big-endian sizes, big-endian data."""
    code = TYPE_CODES[arr.dtype.newbyteorder(">").str if arr.dtype.itemsize > 1 else arr.dtype.str[1:]]
    sizes = b"".join(int(d).to_bytes(4, "big") for d in arr.shape)
    return bytes([0, 0, code, arr.ndim]) + sizes + arr.astype(arr.dtype.newbyteorder(">")).tobytes()


VALID_ARRAY = np.random.default_rng(3).integers(0, 256, (4, 6, 5), dtype=np.uint8)
VALID = idx_bytes(VALID_ARRAY)


def read(tmp_path, data, expect_magic=None):
    """read_idx on ``data`` written to a file; a DatasetError must name the file."""
    path = tmp_path / NAME
    path.write_bytes(data)
    try:
        return read_idx(path, expect_magic)
    except DatasetError as exc:
        assert NAME in str(exc)
        raise


def read_or_none(tmp_path, data, expect_magic=None):
    try:
        return read(tmp_path, data, expect_magic)
    except DatasetError:
        return None


def consistent(arr, data):
    """An array read from IDX ``data`` accounts for every byte of it."""
    return 4 + 4 * arr.ndim + arr.nbytes == len(data)


@FUZZ
@given(data=st.binary(max_size=300), gz_magic=st.booleans(), magic=st.sampled_from([None, 2049, 2051]))
def test_random_files_raise_dataset_error(tmp_path, data, gz_magic, magic):
    data = (b"\x1f\x8b" + data) if gz_magic else data  # random bytes behind a gzip magic too
    arr = read_or_none(tmp_path, data, magic)
    assert arr is None or consistent(arr, data)


@FUZZ
@given(junk=st.binary(max_size=300), level=st.integers(0, 9))
def test_gzip_wrapped_junk_raises_dataset_error(tmp_path, junk, level):
    arr = read_or_none(tmp_path, gzip.compress(junk, level))
    assert arr is None or consistent(arr, junk)


@FUZZ
@given(dtype=st.sampled_from(sorted(TYPE_CODES)), shape=st.lists(st.integers(0, 4), min_size=1, max_size=4),
       new_dims=st.lists(st.integers(0, 2**32 - 1) | st.integers(0, 8), min_size=1, max_size=6),
       compress=st.booleans())
@example(dtype=">f4", shape=[0], new_dims=[0, 6, 8, 219162185, 219191080], compress=False)  # 0 bytes, yet too big
def test_header_sizes_changed_give_an_error_or_the_declared_shape(tmp_path, dtype, shape, new_dims, compress):
    """Valid data behind sizes that may not match it: refused, or read with exactly the declared sizes."""
    good = idx_bytes(np.zeros(shape, dtype=dtype))
    data = good[:3] + bytes([len(new_dims)]) + b"".join(d.to_bytes(4, "big") for d in new_dims)
    data += good[4 + 4 * len(shape):]
    arr = read_or_none(tmp_path, gzip.compress(data) if compress else data)
    if arr is not None:
        assert list(arr.shape) == new_dims and consistent(arr, data)


@FUZZ
@given(flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 255)), min_size=1, max_size=4))
def test_damaged_gzip_streams_give_an_error_or_the_same_array(tmp_path, flips):
    """CRC and length in the gzip trailer catch damage the IDX header cannot; harmless fields may differ."""
    damaged = bytearray(gzip.compress(VALID))
    for where, mask in flips:
        damaged[where % len(damaged)] ^= mask
    arr = read_or_none(tmp_path, bytes(damaged))
    assert arr is None or np.array_equal(arr, VALID_ARRAY)


@FUZZ
@given(cuts=st.lists(st.integers(0, len(VALID)), max_size=3), pad=st.integers(0, 64))
def test_multi_member_and_zero_padded_gzip_read_like_one(tmp_path, cuts, pad):
    """gzip allows several members and trailing zeros (as `cat a.gz b.gz` and some tools make)."""
    bounds = [0, *sorted(cuts), len(VALID)]
    data = b"".join(gzip.compress(VALID[a:b]) for a, b in zip(bounds, bounds[1:])) + b"\x00" * pad
    assert np.array_equal(read(tmp_path, data), VALID_ARRAY)


@FUZZ
@given(tail=st.binary(min_size=1, max_size=40), inside=st.booleans())
def test_bytes_after_the_data_are_refused(tmp_path, tail, inside):
    data = gzip.compress(VALID + tail) if inside else gzip.compress(VALID) + tail
    if not inside and not any(tail):
        assert np.array_equal(read(tmp_path, data), VALID_ARRAY)  # zero padding after a member is allowed
        return
    with pytest.raises(DatasetError):
        read(tmp_path, data)


def _deflate_zeros(head, megabytes):
    """A gzip file of ``head`` then ``megabytes`` MiB of zeros: a few hundred kB on disk."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [packer.compress(head)]
    block = bytes(1 << 20)
    parts += [packer.compress(block) for _ in range(megabytes)]
    return b"".join(parts) + packer.flush()


@pytest.mark.parametrize("dims, match", [
    ([5], "unexpected bytes"),  # five bytes declared, 64 MiB follow
    ([2**32 - 1] * 3, "truncated"),  # ~8·10²⁸ bytes declared, 64 MiB follow
], ids=["too much data", "absurd sizes"])
def test_a_small_gzip_file_never_expands_past_its_declared_size(tmp_path, dims, match):
    head = bytes([0, 0, 0x08, len(dims)]) + b"".join(d.to_bytes(4, "big") for d in dims)
    data = _deflate_zeros(head + bytes(5), 64)
    assert len(data) < 100_000
    tracemalloc.start()
    try:
        with pytest.raises(DatasetError, match=match):
            read(tmp_path, data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    if dims == [5]:
        assert peak < 4 * 2**20  # not the 64 MiB the stream holds
    else:
        assert peak < 128 * 2**20  # the 64 MiB read so far, growing, plus a chunk: never the declared size
