"""TrainingStatusBar: "epoch 3/10 · batch 212/469 · 41,000 samples/s · ETA 0:12" and a progress bar."""

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from .formatting import duration, sig3


class TrainingStatusBar(QStatusBar):
    """The window's status bar: where training stands (left, permanent) and overall progress (right)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.progress_label = QLabel()  # epoch · batch · speed · ETA
        self.progress_label.setToolTip("Where training stands: epoch, batch within it, speed and time left.")
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setFixedWidth(220)
        self.progress_bar.setTextVisible(True)
        self.progress_bar.setFormat("%p %")
        self.progress_bar.setToolTip("Progress through all planned epochs.")
        self.addPermanentWidget(self.progress_label, 1)
        self.addPermanentWidget(self.progress_bar)
        self.show_idle(0)

    def __repr__(self):
        return f"TrainingStatusBar({self.progress_label.text()!r})"

    @Slot(int)
    def show_idle(self, epochs):
        """A fresh network: nothing trained yet."""
        self.progress_label.setText(f"epoch 0/{epochs} · not trained yet" if epochs else "")
        self.progress_label.setToolTip("Where training stands: epoch, batch within it, speed and time left.")
        self.progress_bar.setValue(0)

    @Slot(object)
    def show_update(self, update):
        """Show a worker's TrainingUpdate: epoch k/N, batch, samples/s (3 significant digits) and ETA."""
        b = update.batch
        rate = b.samples_per_second
        parts = [f"epoch {b.epoch + 1}/{update.epochs}", f"batch {b.batch}/{b.n_batches}",
                 f"{sig3(rate)} samples/s"]
        if update.progress < 1.0:
            parts.append(f"ETA {duration(update.eta_seconds)}")
        self.progress_label.setText(" · ".join(parts))
        self.progress_label.setToolTip(
            f"Epoch {b.epoch + 1} of {update.epochs}, batch {b.batch} of {b.n_batches} "
            f"(batch size {b.batch_size}); {b.samples_seen:,} samples and {b.step:,} batches trained; "
            f"{rate:,.1f} samples/s over this epoch's training time; last batch loss {b.loss!r}.")
        self.progress_bar.setValue(round(1000 * update.progress))
