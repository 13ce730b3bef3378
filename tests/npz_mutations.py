"""Fuzzing .npz readers: hypothesis settings, strategies for hostile content, archives built from raw members."""

import io
import zipfile
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
