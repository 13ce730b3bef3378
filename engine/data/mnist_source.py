"""Where MNIST comes from: a folder the user names, the environment, the user cache, or a download.

Lookup order: the folder passed in (``--data DIR`` or a GUI setting), then ``$BACKPROP_STUDIO_MNIST``,
then the user cache (``platformdirs.user_cache_dir("backprop-studio")/mnist``), then a download into that
cache (engine/data/mnist_download.py). A named folder that lacks the files is an error, not a silent fallback:
the user asked for that folder. The cache is trusted only when every .gz file has the published SHA-256
(hashing the 11.6 MB takes ~15–30 ms, so it is simply done on every lookup; no marker file to go stale).
"""

import os

from engine.data.datasets import MNIST_FILES
from engine.data.mnist_files import (  # noqa: F401  (MNIST_SIZES: callers read it here too)
    HOW_TO_GET_MNIST,
    MNIST_ENV,
    MNIST_SHA256,
    MNIST_SIZES,
    MnistUnavailable,
    cache_dir,
    file_is_verified,
)


def missing_files(folder):
    """Base names of the MNIST files absent from ``folder`` (each may be .gz or raw); [] when complete."""
    folder = os.fspath(folder)
    return [base for base in MNIST_FILES.values()
            if not any(os.path.isfile(os.path.join(folder, base + ext)) for ext in (".gz", ""))]


def has_mnist(folder, verify=False):
    """True when ``folder`` holds all four files; with ``verify``, all four .gz with the right SHA-256."""
    if not folder or not os.path.isdir(folder):
        return False
    if verify:
        return all(file_is_verified(os.path.join(folder, name)) for name in MNIST_SHA256)
    return not missing_files(folder)


def _check_named(folder, where):
    """Raise MnistUnavailable when a folder the user named does not hold MNIST."""
    folder = os.fspath(folder)
    if not os.path.isdir(folder):
        raise MnistUnavailable(f"{where} names {folder}, which is not a folder. {HOW_TO_GET_MNIST}")
    missing = missing_files(folder)
    if missing:
        names = ", ".join(f"{m}.gz" for m in missing)
        raise MnistUnavailable(f"{where} names {folder}, which has no {names} (.gz or uncompressed). "
                               f"{HOW_TO_GET_MNIST}")
    return folder


def find_mnist(folder=None, cache=None):
    """The folder to load MNIST from, or None when only a download would help; never uses the network.

    folder : a folder the user named; checked first, and an error (MnistUnavailable) if incomplete.
    Then ``$BACKPROP_STUDIO_MNIST`` (also an error if set but incomplete), then ``cache`` (default
    ``cache_dir()``), which counts only when its four .gz files pass their SHA-256 check.
    """
    if folder:
        return _check_named(folder, "The MNIST folder given")
    env = os.environ.get(MNIST_ENV)
    if env:
        return _check_named(env, f"The environment variable {MNIST_ENV}")
    cache = os.fspath(cache) if cache is not None else cache_dir()
    return cache if has_mnist(cache, verify=True) else None


def ensure_mnist(folder=None, progress=None, cancel=None, mirrors=None, timeout=15.0, cache=None):
    """The folder to load MNIST from, downloading the official files into the cache when not found.

    Raises MnistUnavailable when a named folder is incomplete, DownloadError when every mirror failed
    (the message lists each file, mirror and answer), DownloadCancelled when ``cancel`` fired.
    ``progress``, ``cancel``, ``mirrors`` and ``timeout`` are passed to ``download_mnist``.
    """
    found = find_mnist(folder, cache)
    if found is not None:
        return found
    from engine.data.mnist_download import MIRRORS, download_mnist  # the network code loads only when needed

    cache = os.fspath(cache) if cache is not None else cache_dir()
    return download_mnist(cache, progress=progress, cancel=cancel,
                          mirrors=MIRRORS if mirrors is None else mirrors, timeout=timeout)
