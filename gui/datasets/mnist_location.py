"""Where the GUI reads MNIST from at start: the folder chosen in the app, the environment, or the cache."""

from engine.data import mnist_source
from engine.data.datasets import DatasetError
from gui.common.settings import remembered_mnist_folder


def discover_mnist():
    """(folder or None, why not found or None): where MNIST can be read from, without any download.

    The folder the user chose in the app (remembered in the settings) comes first, then find_mnist's
    order (environment variable, verified cache). A stale environment variable does not hide a verified
    download in the cache: that is where the "Download MNIST" action puts the files.
    """
    problem = None
    remembered = remembered_mnist_folder()
    if remembered:
        try:
            return mnist_source.find_mnist(remembered), None
        except DatasetError:
            problem = f"The MNIST folder chosen earlier, {remembered}, no longer holds the four files."
    try:
        folder = mnist_source.find_mnist()
    except DatasetError as exc:
        cache = mnist_source.cache_dir()
        if mnist_source.has_mnist(cache, verify=True):
            return cache, None
        why = str(exc).replace(mnist_source.HOW_TO_GET_MNIST, "").strip()  # its advice is for the CLI
        return None, " ".join(filter(None, (problem, why)))
    return folder, (problem if folder is None else None)
