"""Where `train --out` saves: the path checked before training, and a fallback when the save still fails."""

import os
import stat
import tempfile
import time

from engine.cli.parser import UsageError

TMP_EXTRA = len(".") + len(".00000000.tmp")  # what write_atomic adds to a name for its temporary file


class SaveFailed(OSError):
    """Neither the user's path nor any fallback could be written; the message says both."""


def check_out_path(text):
    """The absolute path ``--out text`` names, when a model can be written there; UsageError saying why not.

    Refused: an empty name, a missing folder, a folder, a symbolic link or anything not a regular file
    (never replaced), a name too long for the temporary file beside it, a folder that cannot be written.
    """
    if not text or not text.strip():
        raise UsageError("--out needs a file name, e.g. --out model.npz")
    path = os.path.abspath(text)
    folder, name = os.path.split(path)
    if text.endswith(os.sep) or os.path.isdir(path):
        raise UsageError(f"--out {text}: is a folder; name a file in it, e.g. {os.path.join(text, 'model.npz')}")
    if not os.path.isdir(folder):
        what = "does not exist" if not os.path.exists(folder) else "is not a folder"
        raise UsageError(f"--out {text}: the folder {folder} {what}")
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise UsageError(f"--out {text}: cannot be checked ({exc.strerror or exc})") from None
    if mode is not None and stat.S_ISLNK(mode):
        raise UsageError(f"--out {text}: is a symbolic link; not replaced (name the file it points to, or another)")
    if mode is not None and not stat.S_ISREG(mode):
        raise UsageError(f"--out {text}: is not a regular file (a device, pipe or socket); not replaced")
    name_max = _name_max(folder)
    size = len(os.fsencode(name))
    if size + TMP_EXTRA > name_max:
        raise UsageError(f"--out: the file name is {size} bytes long; at most {name_max - TMP_EXTRA} bytes fit here")
    try:  # the only sure test that the folder takes a new file (permissions, read-only disks, ACLs)
        fd, probe = tempfile.mkstemp(prefix=".backprop-studio-", suffix=".probe", dir=folder)
        os.close(fd)
        os.remove(probe)
    except OSError as exc:
        raise UsageError(f"--out {text}: cannot write in {folder} ({exc.strerror or exc})") from None
    return path


def _name_max(folder):
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return 255


def save_with_fallback(path, write):
    """``write(path)``; if that fails with an OSError, ``write`` to a fallback file instead.

    Returns (path written, None) or (fallback written, a sentence naming ``path``, why it failed and the
    fallback). SaveFailed when no place could be written.
    """
    try:
        write(path)
        return path, None
    except OSError as exc:
        reason = exc.strerror or str(exc)
    tried = []
    for fallback in fallback_paths(path):
        try:
            write(fallback)
        except OSError as exc:
            tried.append(f"{fallback} ({exc.strerror or exc})")
            continue
        return fallback, f"could not save {path} ({reason}); the model was saved to {fallback} instead"
    raise SaveFailed(f"could not save {path} ({reason}), nor to {'; nor to '.join(tried)}; the model is lost")


def fallback_paths(path):
    """Other places for a model that could not be saved at ``path``: the temporary folder, then home."""
    stem = os.path.splitext(os.path.basename(path))[0][:64] or "model"
    name = f"{stem}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.npz"
    folders = [tempfile.gettempdir(), os.path.expanduser("~")]
    return [os.path.join(f, name) for f in dict.fromkeys(folders) if f and os.path.isdir(f)]
