"""FineTuneWorker: fine-tunes a copy of the draw pad's model on the user's digits, in its own QThread."""

import threading
import time

from PySide6.QtCore import QObject, Signal, Slot

from engine.fine_tune import fine_tune

STEPS = 200  # mini-batches of 128: a few seconds
SHARE = 0.125  # of each batch from the personal digits (16 of 128); the rest is MNIST
LR = 3e-4  # small next to training's 1e-3: nudge the model, do not retrain it
# Measured on UNIPEN writers the bundled model reads worst: after teaching 30 of a writer's digits, their
# other digits went from 86–90 % to 91–98 % right, MNIST test accuracy fell by 0.1–0.3 points.


class FineTuneWorker(QObject):
    """Runs in a WorkerThread (``run`` when it starts); emits progress, then finished or failed.

    net : the model to start from (a clone is trained; the original is never touched).
    personal_X (784, m), personal_y (m,) : the user's digits. mnist : a Dataset, or None to look it up.
    """

    progressed = Signal(int, int, float)  # step, steps, batch loss
    finished = Signal(object, object)  # the fine-tuned network, and a report dict
    failed = Signal(str)  # a message for people

    def __init__(self, net, personal_X, personal_y, mnist=None, steps=STEPS, seed=0):
        super().__init__()
        self._net = net.clone()  # trained here only
        self._X, self._y = personal_X, personal_y  # the personal digits
        self._mnist = mnist  # loaded in run() when None
        self._steps = int(steps)
        self._seed = seed
        self._stop = threading.Event()  # set from the GUI thread; checked every batch

    def request_stop(self):
        """Stop after the batch in progress (any thread)."""
        self._stop.set()

    @Slot()
    def run(self):
        try:
            self._run()
        except Exception as exc:  # noqa: BLE001 — a message in the panel beats a silent dead thread
            self.failed.emit(f"Fine-tuning failed: {exc}")

    def _run(self):
        from engine.data.augment import augment_batch

        mnist = self._mnist or _find_mnist()
        if mnist is None:
            self.failed.emit("Fine-tuning mixes your digits with MNIST so the network does not forget "
                             "everyone else's handwriting: download MNIST first (toolbar).")
            return
        net = self._net
        Xt, yt = mnist.columns("test")
        before = {"personal": net.accuracy(self._X, self._y), "mnist": net.accuracy(Xt, yt)}
        start = time.perf_counter()
        last_emit = 0.0
        step = 0
        tuning = fine_tune(net, self._X, self._y, mnist, steps=self._steps, share=SHARE, lr=LR, seed=self._seed,
                           augment=augment_batch)
        for event in tuning:
            step = event.step
            now = time.perf_counter()
            if now - last_emit > 0.05 or step == event.steps:  # ≤ 20 updates a second
                last_emit = now
                self.progressed.emit(event.step, event.steps, event.loss)
            if self._stop.is_set():
                break
        after = {"personal": net.accuracy(self._X, self._y), "mnist": net.accuracy(Xt, yt)}
        report = {"before": before, "after": after, "steps": step, "n_personal": len(self._y),
                  "seconds": time.perf_counter() - start, "stopped": self._stop.is_set(), "mnist": mnist}
        self.finished.emit(net, report)

    def __repr__(self):
        return f"FineTuneWorker({len(self._y)} personal digits, {self._steps} steps)"


def _find_mnist():
    """MNIST as the app finds it (folder setting, environment, verified cache), or None; never downloads."""
    from engine.data.datasets import load_mnist
    from engine.data.mnist_source import MnistUnavailable, find_mnist

    try:
        folder = find_mnist()
    except MnistUnavailable:
        return None
    return None if folder is None else load_mnist(folder)
