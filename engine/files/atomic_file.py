"""Atomic writes: a file appears complete under its name, or the old one stays; never half of either."""

import os
import re
import secrets


def write_atomic(path, write):
    """Call ``write(fh)`` on a new binary file beside ``path``, flush it to disk, then rename it over ``path``.

    The temporary file (hidden, same folder, so the rename stays on one file system) is removed when
    anything fails, including an interrupt; the exception then propagates unchanged. Temporary files
    of ``path`` left by a save that was killed (``.NAME.xxxxxxxx.tmp``) are removed first.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    name = os.path.basename(path)
    remove_stale(folder, name)
    tmp = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
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


def remove_stale(folder, name):
    """Remove ``folder``'s temporary files of ``name`` that a killed save left behind; quietly, as far as allowed."""
    stale = re.compile(rf"\.{re.escape(name)}\.[0-9a-f]{{8}}\.tmp")
    try:
        entries = os.listdir(folder)
    except OSError:
        return
    for entry in entries:
        if stale.fullmatch(entry):
            try:
                os.remove(os.path.join(folder, entry))
            except OSError:
                pass
