"""Datasets for the window: built-in sets made on the spot, MNIST and a person's CSV read in a background thread.

Reading MNIST takes ~0.7 s, so the window shows at once and trains on it when ``loaded`` arrives. A CSV
reports its progress and can be cancelled between two blocks of rows.
"""

import threading
import traceback

from PySide6.QtCore import QObject, Signal, Slot

from engine.data.csv_dataset import load_csv
from engine.data.datasets import DatasetError, load_mnist
from engine.data.toy_datasets import REGRESSION_DATASETS, TOY_DATASETS
from engine.training_config import CSV, MNIST, dataset_title, make_builtin
from gui.common.worker_thread import WorkerThread


class DatasetLoader(QObject):
    """Lives in its own QThread; ``request(name, folder)`` and ``request_csv`` load there and answer with a signal."""

    loaded = Signal(str, object)  # dataset id, Dataset
    failed = Signal(str, str)  # dataset id, what went wrong (one paragraph people can act on)
    cancelled = Signal(str)  # dataset id whose reading ``cancel`` stopped
    progress = Signal(float)  # the fraction of a CSV read so far
    _requested = Signal(str, str)
    _requested_csv = Signal(str, object)

    def __init__(self):
        super().__init__()
        self._stop = threading.Event()  # set from the GUI thread, read between blocks of rows
        self._requested.connect(self._load)
        self._requested_csv.connect(self._load_csv)

    def __repr__(self):
        return "DatasetLoader()"

    def request(self, name, folder):
        """Load dataset ``name`` ("mnist") from ``folder``; call from any thread."""
        self._requested.emit(name, folder)

    def request_csv(self, path, options):
        """Read the CSV at ``path`` with ``load_csv``'s keyword ``options``; answers as dataset id "csv"."""
        self._stop.clear()
        self._requested_csv.emit(path, dict(options))

    def cancel(self):
        """Stop a CSV being read (any thread); ``cancelled`` follows."""
        self._stop.set()

    @Slot(str, str)
    def _load(self, name, folder):
        self._answer(name, lambda: load_mnist(folder))

    @Slot(str, object)
    def _load_csv(self, path, options):
        self._answer(CSV, lambda: load_csv(path, **options, progress=self.progress.emit,
                                           should_stop=self._stop.is_set))

    def _answer(self, name, load):
        try:
            dataset = load()
        except DatasetError as exc:
            self.failed.emit(name, str(exc))
        except Exception:  # noqa: BLE001 - report, never kill the thread
            self.failed.emit(name, traceback.format_exc())
        else:
            if dataset is None:
                self.cancelled.emit(name)
            else:
                self.loaded.emit(name, dataset)


class DatasetStore(QObject):
    """Datasets by id, each made or read once; ``get`` answers at once or starts a background read."""

    loaded = Signal(str)  # a dataset id that ``get`` now returns
    failed = Signal(str, str)  # dataset id, what went wrong
    cancelled = Signal(str)  # dataset id whose reading was cancelled
    progress = Signal(float)  # fraction of a CSV read so far
    started = Signal(str)  # a dataset id being read in the background from now on

    def __init__(self, mnist_folder=None, parent=None):
        super().__init__(parent)
        self.mnist_folder = mnist_folder  # where MNIST is read from; None when it is not available
        self.loading = None  # the id being read in the background, if any
        self._cache = {}  # dataset id → Dataset
        self._loader = DatasetLoader()
        self._loader.loaded.connect(self._on_loaded)
        self._loader.failed.connect(self._on_failed)
        self._loader.cancelled.connect(self._on_cancelled)
        self._loader.progress.connect(self.progress)
        self._loading = WorkerThread(self._loader, "dataset loading").stop_with(self).start()

    def __repr__(self):
        return f"DatasetStore({sorted(self._cache)}, loading={self.loading!r})"

    def get(self, name):
        """The Dataset ``name``, or None while MNIST is being read (``loaded`` or ``failed`` follows), or when
        no CSV was read."""
        if name in self._cache:
            return self._cache[name]
        if name == CSV:
            return None
        if name != MNIST:
            dataset = self._cache[name] = make_builtin(name)
            return dataset
        if self.loading != name and self._loading.running():  # after shutdown nothing is read any more
            self.loading = name
            self._loader.request(name, self.mnist_folder or "")
        return None

    def cached(self, name):
        """The Dataset ``name`` if it is already made or read, else None (never starts a read)."""
        return self._cache.get(name)

    def choices(self):
        """[(id, title), …] of the datasets on offer: MNIST when its folder is known, the 2-D sets, the
        regressions, and the CSV read last."""
        mnist = [(MNIST, dataset_title(MNIST))] if self.mnist_folder else []
        table = [(CSV, self._cache[CSV].title)] if CSV in self._cache else []
        builtin = [(key, title) for key, (title, _, _) in TOY_DATASETS.items()]
        regressions = [(key, f"{title} (regression)") for key, (title, _, _) in REGRESSION_DATASETS.items()]
        return mnist + builtin + regressions + table

    def read_csv(self, path, options):
        """Read a person's CSV in the background (``load_csv``'s keyword ``options``); ``loaded("csv")``,
        ``failed`` or ``cancelled`` follows, ``progress`` meanwhile."""
        if self._loading.running():
            self.loading = CSV
            self._loader.request_csv(path, options)
            self.started.emit(CSV)

    def add_csv(self, dataset):
        """Offer ``dataset`` (a CSV Dataset read elsewhere, e.g. for a checkpoint) as the table."""
        self._cache[CSV] = dataset

    def cancel(self):
        """Stop a CSV being read."""
        self._loader.cancel()

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

    @Slot(str)
    def _on_cancelled(self, name):
        self.loading = None
        self.cancelled.emit(name)
