"""DatasetLoader: reads MNIST in a background thread, so the window shows at once (reading takes ~0.7 s)."""

import traceback

from PySide6.QtCore import QObject, Signal, Slot

from engine.datasets import DatasetError, load_mnist


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
