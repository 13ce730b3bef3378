"""Datasets for the window: built-in 2-D sets made on the spot, MNIST read once in a background thread.

Reading MNIST takes ~0.7 s, so the window shows at once and trains on it when ``loaded`` arrives.
"""

import traceback

from PySide6.QtCore import QObject, Signal, Slot

from engine.data.datasets import DatasetError, load_mnist
from engine.data.toy_datasets import TOY_DATASETS
from engine.training_config import MNIST, dataset_title, make_builtin
from gui.common.worker_thread import WorkerThread


class DatasetLoader(QObject):
    """Lives in its own QThread; ``request(name, folder)`` loads there and answers with a signal."""

    loaded = Signal(str, object)  # dataset id, Dataset
    failed = Signal(str, str)  # dataset id, what went wrong (one paragraph people can act on)
    _requested = Signal(str, str)

    def __init__(self):
        super().__init__()
        self._requested.connect(self._load)

    def __repr__(self):
        return "DatasetLoader()"

    def request(self, name, folder):
        """Load dataset ``name`` ("mnist") from ``folder``; call from any thread."""
        self._requested.emit(name, folder)

    @Slot(str, str)
    def _load(self, name, folder):
        try:
            dataset = load_mnist(folder)
        except DatasetError as exc:
            self.failed.emit(name, str(exc))
        except Exception:  # noqa: BLE001 - report, never kill the thread
            self.failed.emit(name, traceback.format_exc())
        else:
            self.loaded.emit(name, dataset)


class DatasetStore(QObject):
    """Datasets by id, each made or read once; ``get`` answers at once or starts a background read."""

    loaded = Signal(str)  # a dataset id that ``get`` now returns
    failed = Signal(str, str)  # dataset id, what went wrong

    def __init__(self, mnist_folder=None, parent=None):
        super().__init__(parent)
        self.mnist_folder = mnist_folder  # where MNIST is read from; None when it is not available
        self.loading = None  # the id being read in the background, if any
        self._cache = {}  # dataset id → Dataset
        self._loader = DatasetLoader()
        self._loader.loaded.connect(self._on_loaded)
        self._loader.failed.connect(self._on_failed)
        self._loading = WorkerThread(self._loader, "dataset loading").stop_with(self).start()

    def __repr__(self):
        return f"DatasetStore({sorted(self._cache)}, loading={self.loading!r})"

    def get(self, name):
        """The Dataset ``name``, or None while MNIST is being read (``loaded`` or ``failed`` follows)."""
        if name in self._cache:
            return self._cache[name]
        if name != MNIST:
            dataset = self._cache[name] = make_builtin(name)
            return dataset
        if self.loading != name and self._loading.running():  # after shutdown nothing is read any more
            self.loading = name
            self._loader.request(name, self.mnist_folder or "")
        return None

    def choices(self):
        """[(id, title), …] of the datasets on offer: MNIST when its folder is known, then the 2-D sets."""
        mnist = [(MNIST, dataset_title(MNIST))] if self.mnist_folder else []
        return mnist + [(key, title) for key, (title, _, _) in TOY_DATASETS.items()]

    def set_mnist_folder(self, folder):
        """Read MNIST from ``folder`` from now on (forgetting what was read before)."""
        self.mnist_folder = folder
        self._cache.pop(MNIST, None)

    @property
    def _thread(self):
        return self._loading.thread

    def shutdown(self):
        """End the loading thread (a read in progress finishes first, within WorkerThread's wait)."""
        self._loading.stop()

    @Slot(str, object)
    def _on_loaded(self, name, dataset):
        self._cache[name] = dataset
        self.loading = None
        self.loaded.emit(name)

    @Slot(str, str)
    def _on_failed(self, name, message):
        self.loading = None
        self.failed.emit(name, message)
