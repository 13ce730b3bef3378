"""Where MNIST comes from: a folder the user names, the environment, the user cache, or a download.

Lookup order: the folder passed in (``--data DIR`` or a GUI setting), then ``$BACKPROP_STUDIO_MNIST``,
then the user cache (``platformdirs.user_cache_dir("backprop-studio")/mnist``), then a download into that
cache (engine/data/mnist_download.py). A named folder that lacks the files is an error, not a silent fallback:
the user asked for that folder. The cache is trusted only when every .gz file has the published SHA-256
(hashing the 11.6 MB takes ~15–30 ms, so it is simply done on every lookup; no marker file to go stale).
"""

import hashlib
import os

from engine.data.datasets import MNIST_FILES, DatasetError

MNIST_ENV = "BACKPROP_STUDIO_MNIST"  # names a folder holding the four MNIST IDX files

# Published SHA-256 and size of each official .gz file (the same values as the well-known mirrors).
MNIST_SHA256 = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
MNIST_SIZES = {
    "train-images-idx3-ubyte.gz": 9_912_422,
    "train-labels-idx1-ubyte.gz": 28_881,
    "t10k-images-idx3-ubyte.gz": 1_648_877,
    "t10k-labels-idx1-ubyte.gz": 4_542,
}
assert set(MNIST_SHA256) == {base + ".gz" for base in MNIST_FILES.values()}

HOW_TO_GET_MNIST = (
    "To use MNIST, do one of: name a folder holding the four MNIST files with --data DIR; "
    f"set {MNIST_ENV} to such a folder; or run `python main.py download` (needs the internet once)."
)


class MnistUnavailable(DatasetError):
    """MNIST is not where it was looked for; the message says where it looked and what to do."""


def cache_dir():
    """The folder MNIST is downloaded into: ``<user cache>/backprop-studio/mnist`` (may not exist yet)."""
    import platformdirs  # imported here so the engine loads without it until MNIST is wanted

    return os.path.join(platformdirs.user_cache_dir("backprop-studio"), "mnist")


def sha256_of(path, chunk=1 << 20):
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def file_is_verified(path):
    """True when ``path`` exists and has the published SHA-256 of its file name."""
    expected = MNIST_SHA256.get(os.path.basename(path))
    if expected is None or not os.path.isfile(path):
        return False
    try:
        return os.path.getsize(path) == MNIST_SIZES[os.path.basename(path)] and sha256_of(path) == expected
    except OSError:
        return False


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
