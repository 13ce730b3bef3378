"""A checkpoint's archive on disk: opened only when it is a regular file, read one named member at a time.

Nothing is inflated before it is checked. A member's .npy header (dtype and shape) is read first and
must agree with what the reader expects and with the size the zip directory declares for the member;
only then is its data read, and the zip reader stops at that declared size. So a small file cannot make
the reader allocate more than the shapes the checkpoint names, and members no checkpoint has (a
gigabyte of compressed zeros, say) are refused by name without being opened.
"""

import contextlib
import math
import os
import stat
import zipfile

import numpy as np

MAX_HEADER_BYTES = 10_000  # of a .npy header (np.save writes 128); NumPy's own default limit


class CheckpointError(ValueError):
    """A checkpoint cannot be written or read; the message names the file and what is wrong."""


@contextlib.contextmanager
def open_archive(path):
    """The Archive of the checkpoint at ``path``; CheckpointError at once for anything but a regular .npz file."""
    path = os.fspath(path)
    name = os.path.basename(path)
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise CheckpointError(f"{name}: file not found at {path}") from None
    except IsADirectoryError:
        raise CheckpointError(f"{name}: is a folder, not a checkpoint") from None
    except PermissionError:
        raise CheckpointError(f"{name}: permission denied reading {path}") from None
    except OSError as exc:
        raise CheckpointError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise CheckpointError(f"{name}: is a folder, not a checkpoint")
        raise CheckpointError(f"{name}: is not a regular file (a pipe, a device or a socket); not a checkpoint")
    with os.fdopen(fd, "rb") as fh:
        try:
            head = fh.read(4)
            if not head:
                raise CheckpointError(f"{name}: the file is empty; not a checkpoint")
            if head not in (b"PK\x03\x04", b"PK\x05\x06"):
                raise CheckpointError(f"{name}: not a checkpoint (not a .npz archive)")
            fh.seek(0)
            archive = zipfile.ZipFile(fh)
        except CheckpointError:
            raise
        except Exception as exc:  # BadZipFile, OSError, EOFError, ValueError…: all mean a damaged archive
            raise _corrupt(name, exc) from None
        with archive:
            yield Archive(archive, name)


class Archive:
    """The members of an open checkpoint archive, by key ("W0" for the member "W0.npy", as np.load names them)."""

    def __init__(self, archive, name):
        self._archive = archive
        self.name = name  # the file's name, which every error message starts with
        members = {}
        for info in archive.infolist():  # "W0.npy" first, so that a member named exactly "W0" wins, as in np.load
            if info.filename.endswith(".npy"):
                members[info.filename[:-4]] = info
        for info in archive.infolist():
            if not info.filename.endswith(".npy"):
                members[info.filename] = info
        self._members = members

    def keys(self):
        return set(self._members)

    def __contains__(self, key):
        return key in self._members

    def read(self, key, what, *, shape=None, max_bytes=None):
        """Member ``key`` as an array, once its header shows ``shape`` (if given) and at most ``max_bytes``.

        ``what`` names the member in messages ("layer 1 of [2, 8, 2]", "the metadata"…).
        """
        name = self.name
        info = self._members.get(key)
        if info is None:
            raise CheckpointError(f"{name}: corrupt or truncated checkpoint ({key} is missing)")
        try:
            with self._archive.open(info) as fh:
                found, dtype = _header(fh, key, name)
                if shape is not None and found != shape:
                    raise CheckpointError(f"{name}: {key} has shape {found}, but {what} needs {shape}")
                nbytes = math.prod(found) * dtype.itemsize
                if max_bytes is not None and nbytes > max_bytes:
                    raise CheckpointError(f"{name}: {key} would take {nbytes:,} bytes; {what} takes at most "
                                          f"{max_bytes:,} in a checkpoint")
                if info.file_size != fh.tell() + nbytes:
                    raise CheckpointError(f"{name}: corrupt checkpoint ({key} declares {info.file_size:,} bytes, "
                                          f"but its shape {found} takes {fh.tell() + nbytes:,})")
            with self._archive.open(info) as fh:  # the checks passed: now the data, read to the declared size
                return np.lib.format.read_array(fh, allow_pickle=False, max_header_size=MAX_HEADER_BYTES)
        except CheckpointError:
            raise
        except Exception as exc:  # zlib.error, BadZipFile (a CRC), EOFError, a bad .npy header…
            raise _corrupt(name, exc) from None


def _header(fh, key, name):
    """(shape, dtype) from the .npy header at the start of ``fh``; CheckpointError for anything else."""
    try:
        version = np.lib.format.read_magic(fh)
    except ValueError:
        raise CheckpointError(f"{name}: corrupt checkpoint (entry {key!r} is not an array)") from None
    readers = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
    if version not in readers:
        raise CheckpointError(f"{name}: corrupt checkpoint (entry {key!r} is a .npy file of version "
                              f"{version[0]}.{version[1]}, which checkpoints never use)")
    shape, _, dtype = readers[version](fh, max_header_size=MAX_HEADER_BYTES)
    if dtype.hasobject:
        raise CheckpointError(f"{name}: holds pickled Python objects, which are never loaded (unsafe)")
    return shape, dtype


def _corrupt(name, exc):
    return CheckpointError(f"{name}: corrupt or truncated checkpoint ({type(exc).__name__}: {exc})")
