"""Fuzzing .npz readers: hypothesis settings, strategies for hostile content, archives built from raw members,
zip bombs built in milliseconds."""

import io
import struct
import zipfile
import zlib
from datetime import timedelta

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# The deadline is a hang guard, far above the milliseconds one example takes.
FUZZ = settings(max_examples=60, deadline=timedelta(seconds=5),
                suppress_health_check=[HealthCheck.function_scoped_fixture])
# What random bytes start with: nothing, a zip entry or end record, a .npy header.
FILE_STARTS = st.sampled_from([b"", b"PK\x03\x04", b"PK\x05\x06", b"\x93NUMPY"])
# Every kind of dtype np.save can write: numbers, byte and unicode strings, structured records.
ANY_DTYPE = (hnp.scalar_dtypes() | hnp.byte_string_dtypes(max_len=4) | hnp.unicode_string_dtypes(max_len=4)
             | hnp.nested_dtypes(max_itemsize=16))
COMPRESSIONS = st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])


def flips(data):
    """Strategy: 1 to 8 (position, xor mask) pairs inside ``data``."""
    return st.lists(st.tuples(st.integers(0, len(data) - 1), st.integers(1, 255)), min_size=1, max_size=8)


def flipped(data, where_masks):
    """``data`` with the byte at each position xor-ed with its mask."""
    damaged = bytearray(data)
    for where, mask in where_masks:
        damaged[where] ^= mask
    return bytes(damaged)


def npz_bytes(arrays):
    """The .npz archive np.savez writes for ``arrays`` (object arrays get pickled, as a hostile file would)."""
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def npy_bytes(array):
    """The .npy file np.save writes for ``array``."""
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def zip_bytes(members, compress=zipfile.ZIP_STORED):
    """A zip archive of ``members``, (name, bytes) pairs in order: duplicate names and any name allowed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compress) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def deflated_zeros_npy(mib, descr="<f8", shape=None):
    """(raw deflate stream, CRC-32, size) of a .npy file of ``mib`` MiB of zeros: a zip bomb's member.

    The header says ``descr`` and ``shape`` (default: the shape those zeros really have as float64).
    The stream is made of one compressed MiB repeated (each ends in a full flush, so the pieces are
    identical and join into one valid stream): ~1 kB per MiB, built in milliseconds, not by deflating it all.
    """
    block = bytes(2**20)
    header = io.BytesIO()
    shape = (mib * 2**17,) if shape is None else shape
    np.lib.format.write_array_header_1_0(header, {"descr": descr, "fortran_order": False, "shape": shape})
    header = header.getvalue()
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = deflate.compress(header) + deflate.flush(zlib.Z_FULL_FLUSH)
    piece = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    raw = first + piece * mib + deflate.flush()
    crc = zlib.crc32(header)
    for _ in range(mib):
        crc = zlib.crc32(block, crc)
    return raw, crc, len(header) + mib * 2**20


def with_deflated_member(archive, name, raw, crc, size):
    """``archive`` (zip bytes) plus a member ``name`` whose deflated bytes are ``raw`` (size < 4 GiB).

    zipfile writes ``raw`` as a stored member; its local and central headers then say what it really is:
    deflated, with ``crc`` and ``size`` uncompressed bytes.
    """
    buffer = io.BytesIO(archive)
    with zipfile.ZipFile(buffer, "a") as zf:
        zf.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), raw, zipfile.ZIP_STORED)
        offset = zf.getinfo(name).header_offset
    data = bytearray(buffer.getvalue())
    struct.pack_into("<H", data, offset + 8, zipfile.ZIP_DEFLATED)
    struct.pack_into("<L", data, offset + 14, crc)
    struct.pack_into("<L", data, offset + 22, size)
    entry = data.rindex(b"PK\x01\x02")  # the last central directory entry: the member just written
    encoded = name.encode()
    assert data[entry + 46 : entry + 46 + len(encoded)] == encoded
    struct.pack_into("<H", data, entry + 10, zipfile.ZIP_DEFLATED)
    struct.pack_into("<L", data, entry + 16, crc)
    struct.pack_into("<L", data, entry + 24, size)
    return bytes(data)


# JSON scalars a hand-edited file may hold where a number or a name belongs.
JSON_SCALARS = (st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats() | st.text(max_size=8)
                | st.sampled_from([0, -1, 1, 4, 60_000_000, 2**63, 10**400, 0.5, 1.0, -0.01, 1e-300, "1000"]))
JSON_ANY = st.recursive(JSON_SCALARS, lambda inner: st.lists(inner, max_size=3)
                        | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=8)
# What the app's and the CLI's keys of a checkpoint's extra may hold in a hostile file: their own keys with
# any value, or anything at all in their place.
APP_EXTRA = st.fixed_dictionaries({}, optional={
    "dataset": st.sampled_from(["mnist", "spirals", "xor", "cifar"]) | JSON_ANY,
    "dataset_params": st.fixed_dictionaries({}, optional={k: JSON_SCALARS for k in ("n", "noise", "seed",
                                                                                     "test_fraction")}) | JSON_ANY,
    "hyperparameters": st.fixed_dictionaries({}, optional={k: JSON_SCALARS | JSON_ANY for k in (
        "batch", "epochs", "seed", "lr", "optimizer", "augment", "lr_decay", "styles")}) | JSON_ANY,
    "config": JSON_ANY,
    "test_accuracy": JSON_SCALARS,
    "trainer": JSON_ANY,
    "history": JSON_ANY,
})
