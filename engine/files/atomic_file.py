"""Atomic writes: a file appears complete under its name, or the old one stays; never half of either."""

import os
import secrets


def write_atomic(path, write):
    """Call ``write(fh)`` on a new binary file beside ``path``, flush it to disk, then rename it over ``path``.

    The temporary file (hidden, same folder, so the rename stays on one file system) is removed when
    anything fails, including an interrupt; the exception then propagates unchanged.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "xb") as fh:  # "x": never clobber; plain open keeps the user's umask
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise
