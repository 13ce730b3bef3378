"""CompareWorker: a Comparison trained round-robin in its own thread, reported at most ``max_rate`` a second."""

import copy
import time
import traceback

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from engine.training import BatchDone, EpochDone, Finished

MAX_RATE = 10  # progress reports a second: enough for a live curve, cheap for the GUI thread


class CompareWorker(QObject):
    """Runs ``comparison.events()`` once (``run``); ``progress`` carries what happened since the last report.

    A report is a list of (run index, kind, value): ("loss", (epoch_x, mean batch loss)) once per run
    per report, ("epoch", (EpochDone, RunResult copy)), ("finished", (Finished, RunResult copy)).
    ``ended`` follows the last report, once ``events()`` has returned (all finished, or stopped);
    ``failed`` carries the traceback of an unexpected error.
    """

    progress = Signal(object)
    ended = Signal()
    failed = Signal(str)

    def __init__(self, comparison, labels=None, max_rate=MAX_RATE):
        """``labels[i]``: the number reports give run ``i`` of the comparison (default: ``i``)."""
        super().__init__()
        self._comparison, self._interval = comparison, 1.0 / max_rate
        self._labels = list(labels) if labels is not None else list(range(len(comparison.runs)))

    def __repr__(self):
        return f"CompareWorker({len(self._comparison.runs)} runs)"

    def cancel(self):
        """Stop after the batch in progress (any thread)."""
        self._comparison.request_stop()

    @Slot()
    def run(self):
        try:
            with np.errstate(all="ignore"):  # a diverging run is told by its Diverged event
                self._train()
        except Exception:  # noqa: BLE001 - report, never kill the thread silently
            self.failed.emit(traceback.format_exc())
        self.ended.emit()

    def _train(self):
        report, losses = [], {}  # losses: run → [sum, count, epoch_x]
        last = time.monotonic()
        for item in self._comparison.events():
            event, k = item.event, self._labels[item.run]
            if isinstance(event, BatchDone):
                acc = losses.setdefault(k, [0.0, 0, 0.0])
                acc[0] += event.loss
                acc[1] += 1
                acc[2] = event.epoch + event.batch / event.n_batches
            elif isinstance(event, (EpochDone, Finished)):  # the result as it stands, copied in this thread
                kind = "epoch" if isinstance(event, EpochDone) else "finished"
                report.append((k, kind, (event, copy.deepcopy(self._comparison.runs[item.run].result))))
            now = time.monotonic()
            if now - last >= self._interval:
                self._send(report, losses)
                report, losses, last = [], {}, now
        self._send(report, losses)

    def _send(self, report, losses):
        points = [(k, "loss", (x, total / count)) for k, (total, count, x) in losses.items() if count]
        if points or report:
            self.progress.emit(points + report)  # losses first: an epoch's point ends the curve it closes
