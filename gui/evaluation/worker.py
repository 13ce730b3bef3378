"""EvaluationWorker: runs ``engine.evaluation.evaluate`` in the QThread it is moved to.

Each request carries a job number and its own ``threading.Event``; setting the event cancels that
job between two chunks. Every signal carries the job number so the view can drop answers to jobs it
no longer waits for.
"""

import time
import traceback

from PySide6.QtCore import QObject, Signal, Slot

from engine.evaluation import evaluate


class EvaluationWorker(QObject):
    """Evaluates networks on dataset splits in its own thread; see the module docstring."""

    progressed = Signal(int, int, int)  # job, samples done, samples in the split (≤ ~30 a second)
    finished = Signal(int, object)  # job, EvaluationResult
    cancelled = Signal(int)  # job: stopped between two chunks
    failed = Signal(int, str)  # job, the error and its traceback
    _requested = Signal(int, object, object, str, int, object)  # posted to the worker's thread (queued)

    def __init__(self, max_rate=30.0):
        super().__init__()
        self.min_interval = 1.0 / max_rate  # seconds between two progressed signals
        self._requested.connect(self._run)

    def __repr__(self):
        return f"EvaluationWorker(thread={self.thread().objectName() or 'unnamed'})"

    def request(self, job, net, dataset, split, chunk, stop):
        """Evaluate ``net`` (used only by the worker from now on) on ``split``; ``stop`` is a threading.Event."""
        self._requested.emit(job, net, dataset, split, chunk, stop)

    @Slot(int, object, object, str, int, object)
    def _run(self, job, net, dataset, split, chunk, stop):
        if stop.is_set():
            self.cancelled.emit(job)
            return
        last = [0.0]  # when progressed was last emitted

        def progress(done, total):
            now = time.perf_counter()
            if done in (0, total) or now - last[0] >= self.min_interval:
                last[0] = now
                self.progressed.emit(job, done, total)

        try:
            result = evaluate(net, dataset, split, chunk=chunk, progress=progress, should_stop=stop.is_set)
        except Exception:  # noqa: BLE001 - report, never kill the thread
            self.failed.emit(job, traceback.format_exc())
            return
        if result is None:
            self.cancelled.emit(job)
        else:
            self.finished.emit(job, result)
