"""TrainingStatusBar: "epoch 3/10 · batch 212/469 · 41,000 samples/s · ETA 0:12" and a progress bar.

It remembers what it shows (nothing trained yet, the latest update, a checkpoint just opened), so a new
number of planned epochs or a new batch size is shown at once (``set_epochs``, ``set_batch_size``), not only
with the next batch. Speed and time left are shown only while training runs (``set_running``).
Temporary messages (``showMessage``) appear beside that text: QStatusBar would draw them where the
permanent widgets leave no room.
"""

import dataclasses
import time

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QProgressBar, QSizePolicy, QStatusBar

from gui.common.formatting import duration, sig3
from gui.common.live_label import LiveLabel

OWN_MESSAGE_SECONDS = 3.0  # a message of its own ("Saved run.npz") is not covered by an epoch's result sooner


class TrainingStatusBar(QStatusBar):
    """The window's status bar: where training stands (left), the latest message, overall progress (right)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.progress_label = LiveLabel()  # epoch · batch · speed · ETA (changes with every update)
        self.progress_label.setToolTip("Where training stands: epoch, batch within it, speed and time left.")
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setFixedWidth(220)
        self.progress_bar.setTextVisible(True)
        self.progress_bar.setFormat("%p %")
        self.progress_bar.setToolTip("Progress through all planned epochs.")
        self.message_label = LiveLabel()  # the temporary message, if any (its tooltip holds all of it)
        self.message_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # never widens
        self.messageChanged.connect(self._on_message_changed)
        self.addPermanentWidget(self.progress_label)
        self.addPermanentWidget(self.message_label, 1)
        self.addPermanentWidget(self.progress_bar)
        self._own_until = 0.0  # time.monotonic() until which the message shown is one of its own, not an epoch's
        self._shown = ("idle", None)  # what the label shows, to draw it again for another epoch total
        self.running = False  # a run of batches is going on: speed and time left mean something
        self.show_idle(0)

    def __repr__(self):
        return f"TrainingStatusBar({self.progress_label.text()!r})"

    def showMessage(self, text, timeout=0):
        """A message of its own (a save, a recording): epoch results do not cover it for a few seconds."""
        self._own_until = time.monotonic() + OWN_MESSAGE_SECONDS if text else 0.0
        super().showMessage(text, timeout)

    def show_epoch(self, text, timeout=8000):
        """An epoch's result, unless a message of its own came less than OWN_MESSAGE_SECONDS ago: at full speed
        a small network's epochs end several times a second and would cover "Saved run.npz" at once."""
        if time.monotonic() >= self._own_until:
            super().showMessage(text, timeout)

    @Slot(str)
    def _on_message_changed(self, text):
        self.message_label.setText(f"   {text}" if text else "")
        self.message_label.setToolTip(text)

    @Slot(int)
    def show_idle(self, epochs):
        """A fresh network: nothing trained yet."""
        self._shown = ("idle", None)
        self.progress_label.setText(f"epoch 0/{epochs} · not trained yet" if epochs else "")
        self.progress_label.setToolTip("Where training stands: epoch, batch within it, speed and time left.")
        self.progress_bar.setValue(0)

    @Slot(object)
    def show_update(self, update):
        """Show a worker's TrainingUpdate: epoch k/N, batch, samples/s (3 significant digits) and ETA."""
        self._shown = ("update", update)
        b = update.batch
        rate = b.samples_per_second
        parts = [f"epoch {b.epoch + 1}/{update.epochs}", f"batch {b.batch}/{b.n_batches}"]
        if self.running:
            parts.append(f"{sig3(rate)} samples/s")
            if update.progress < 1.0:
                parts.append(f"ETA {duration(update.eta_seconds)}")
        elif update.progress < 1.0:
            parts.append("paused")
        self.progress_label.setText(" · ".join(parts))
        self.progress_label.setToolTip(
            f"Epoch {b.epoch + 1} of {update.epochs}, batch {b.batch} of {b.n_batches} "
            f"(batch size {b.batch_size}); {b.samples_seen:,} samples and {b.step:,} batches trained; "
            f"{rate:,.1f} samples/s over this epoch's training time; last batch loss {b.loss!r}.")
        self.progress_bar.setValue(round(1000 * update.progress))

    def show_resumed(self, resumed):
        """Where a network brought back stands (a Resumed), until its first batch."""
        self._shown = ("resumed", resumed)
        r = resumed
        if r.batch == 0:  # between epochs
            where = f"epoch {r.epoch}/{r.epochs} done"
        else:
            where = f"epoch {r.epoch + 1}/{r.epochs} · batch {r.batch}/{r.n_batches}"
        self.progress_label.setText(f"{where} · {r.samples_seen:,} samples trained · {r.source}")
        self.progress_bar.setValue(round(1000 * min(1.0, r.samples_seen / max(1, r.epochs * r.n_train))))

    @Slot(bool)
    def set_running(self, running):
        """Training runs (speed and time left shown) or waits (they are not)."""
        self.running = bool(running)
        kind, what = self._shown
        if kind == "update":
            self.show_update(what)

    @Slot(int)
    def set_batch_size(self, batch_size):
        """The batch size changed: the batches of the epoch in progress counted at the new size, now."""
        kind, what = self._shown
        if kind != "update":
            return
        b = what.batch
        left = max(0, what.n_train - (b.samples_seen - b.epoch * what.n_train))
        n_batches = b.batch + -(-left // max(1, int(batch_size)))
        self.show_update(dataclasses.replace(what, batch=b._replace(n_batches=n_batches)))

    @Slot(int)
    def set_epochs(self, epochs):
        """The planned number of epochs changed: show the new total and progress now."""
        kind, what = self._shown
        if kind == "idle":
            self.show_idle(epochs)
        elif kind == "resumed":
            self.show_resumed(dataclasses.replace(what, epochs=epochs))
        else:
            self.show_update(dataclasses.replace(what, epochs=epochs, eta_seconds=_eta(what, epochs)))


@dataclasses.dataclass(frozen=True)
class Resumed:
    """Where the training of a network brought back stands (an opened checkpoint, Undo reset)."""

    source: str  # where it came from: "opened from run.npz", "reset undone"
    epoch: int  # epochs done
    batch: int  # batches done in the epoch in progress (0: between epochs)
    n_batches: int  # batches in that epoch
    samples_seen: int
    epochs: int  # epochs planned
    n_train: int  # training samples per epoch


def _eta(update, epochs):
    """The time left for ``epochs`` planned epochs, at the speed ``update``'s ETA was computed with."""
    seen, n_train = update.batch.samples_seen, update.n_train
    left_before = max(0, update.epochs * n_train - seen)
    rate = left_before / update.eta_seconds if left_before and update.eta_seconds > 0 else \
        update.batch.samples_per_second
    left = max(0, epochs * n_train - seen)
    return left / rate if rate > 0 else float("nan")
