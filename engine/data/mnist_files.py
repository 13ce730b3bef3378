"""The four official MNIST files: their names, published SHA-256 and sizes, where the cache keeps them.

Shared by the lookup (engine/data/mnist_source.py) and the download (engine/data/mnist_download.py):
both import these from here, so the download never imports the lookup (the lookup loads the download
only when it must fetch the files).
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
