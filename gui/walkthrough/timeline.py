"""TimelineBar: a slider back through snapshots of the weights and metrics; training, if it runs, goes on meanwhile.

Snapshots come from the session's updates into an ``engine.timeline.Timeline`` (every N batches,
thinned when full). The slider's last position is "live"; any other shows that moment: the bar
emits ``moment_shown`` with the Snapshot and the window's views show it until ``live_resumed``.
"""

import dataclasses

from PySide6.QtCore import QSignalBlocker, Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from engine.timeline import Snapshot, Timeline
from gui.common.formatting import percent, sig3
from gui.common.live_label import LiveLabel
from gui.common.theme import pick


def moment_text(snap, live=False):
    """"batch 1,234 · epoch 3 · loss 0.21 · test accuracy 91.2 %" for a snapshot (epoch 1-based)."""
    text = f"batch {snap.step:,} · epoch {snap.epoch + 1} · loss {sig3(snap.loss)}"
    if snap.test_accuracy is not None:
        text += f" · test accuracy {percent(snap.test_accuracy)}"
    return ("live · " if live else "") + text


class TimelineBar(QWidget):
    """A "Timeline" slider over the kept snapshots (the last position is live), a label and a Live button."""

    moment_shown = Signal(object)  # Snapshot: the views should show this past moment
    live_resumed = Signal()  # the views should follow training again

    def __init__(self, session, timeline=None, parent=None):
        super().__init__(parent)
        self.session = session
        self.timeline = timeline if timeline is not None else Timeline()
        self.shown = None  # the Snapshot shown while scrubbing; None when live
        self._accuracy = None  # the latest test accuracy, attached to the snapshots that follow it
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Timeline")
        title.setToolTip("Snapshots of the weights kept as training goes (thinned evenly when there are many).")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("timeline_slider")
        self.slider.setToolTip("Drag back to see the network and the loss at an earlier moment; "
                               "training, if it runs, goes on meanwhile. The right end is live.")
        self.slider.setRange(0, 0)
        self.slider.setEnabled(False)
        self.label = LiveLabel("live · no training yet")  # changes with every update
        self.label.setObjectName("timeline_label")
        self.label.setMinimumWidth(330)
        self.live_button = QPushButton("Live")
        self.live_button.setObjectName("timeline_live")
        self.live_button.setToolTip("Back to the present: the views follow training again.")
        self.live_button.setEnabled(False)
        row.addWidget(title)
        row.addWidget(self.slider, 1)
        row.addWidget(self.label)
        row.addWidget(self.live_button)
        self.slider.valueChanged.connect(self._on_slider)
        self.live_button.clicked.connect(self.go_live)
        session.updated.connect(self._on_updated)
        session.epoch_finished.connect(self._on_epoch_finished)
        session.network_reset.connect(self._on_network_reset)
        session.stepped_back.connect(self._on_stepped_back)
        session.playing_changed.connect(self._show_past_label)

    def __repr__(self):
        where = "live" if self.shown is None else f"batch {self.shown.step}"
        return f"TimelineBar({where}, {self.timeline!r})"

    @property
    def live(self):
        return self.shown is None

    def show_index(self, i):
        """Show snapshot i (as if the slider were dragged there); the last position is live."""
        self.slider.setValue(i)

    @Slot()
    def go_live(self):
        """Back to the present (the slider's right end)."""
        self.slider.setValue(self.slider.maximum())
        self._on_slider(self.slider.maximum())

    # -- the session -----------------------------------------------------------------------------
    @Slot(object)
    def _on_updated(self, update):
        batch = update.batch
        epoch_x = float(update.epoch_x[-1]) if len(update.epoch_x) else batch.samples_seen / max(1, update.n_train)
        snap = Snapshot(step=batch.step, epoch=batch.epoch, epoch_x=epoch_x, loss=batch.loss,
                        weights=update.weights, gradients=update.gradients, deltas=update.deltas,
                        test_accuracy=self._accuracy)
        self.timeline.offer(snap)
        self._refresh(latest=snap)

    @Slot(object)
    def _on_epoch_finished(self, event):
        """The epoch's test accuracy: kept with the snapshots that follow, and told by the live label now (the
        update with the epoch's last batch came just before it, so its snapshot knew the epoch before's)."""
        self._accuracy = event.test_accuracy
        latest = self.timeline.latest
        if self.shown is None and latest is not None:
            self.label.setText(moment_text(dataclasses.replace(latest, test_accuracy=self._accuracy), live=True))

    @Slot(object)
    def _on_network_reset(self, net):
        was_live = self.live
        self.timeline.clear()
        self.shown, self._accuracy = None, None
        self._refresh()
        trainer = self.session.trainer
        steps = trainer.steps if trainer is not None else 0  # an opened checkpoint's, before it trains here
        self.label.setText(f"live · {steps:,} batches trained when opened · snapshots start with the next"
                           if steps else "live · no training yet")
        self.label.setToolTip("")
        if not was_live:
            self.live_resumed.emit()

    @Slot(object)
    def _on_stepped_back(self, back):
        """Training went back to batch ``back.step``: the moments after it never happened."""
        self.timeline.drop_after(back.step)
        history = back.history["epoch_test_accuracy"]
        self._accuracy = float(history[-1]) if len(history) else None
        if self.shown is not None and self.shown.step > back.step:
            self.go_live()
        self._refresh()
        if self.live:
            latest = self.timeline.latest
            self.label.setText(moment_text(latest, live=True) if latest is not None and latest.step == back.step
                               else f"live · batch {back.step:,}" if back.step else "live · no training yet")

    # -- the slider --------------------------------------------------------------------------------
    def _refresh(self, latest=None):
        """Slider range and position after the snapshots changed; the label when live."""
        n = len(self.timeline)
        with QSignalBlocker(self.slider):
            self.slider.setRange(0, n)
            self.slider.setEnabled(n > 0)
            if self.shown is None:
                self.slider.setValue(n)
            else:  # thinning may have moved (or dropped) the moment shown: stay on the nearest one
                self.slider.setValue(self.timeline.index_of(self.shown.step))
        if self.shown is None and latest is not None:
            self.label.setText(moment_text(latest, live=True))
            self.label.setToolTip(f"exact loss {latest.loss!r}")

    @Slot(int)
    def _on_slider(self, value):
        n = len(self.timeline)
        if value >= n:
            was_live, self.shown = self.live, None
            self.live_button.setEnabled(False)
            self.label.setStyleSheet("")
            if not was_live:
                self.live_resumed.emit()
            return
        snap = self.timeline[value]
        if snap is self.shown:
            return
        self.shown = snap
        self.live_button.setEnabled(True)
        self._show_past_label()
        self.label.setToolTip(f"exact loss {snap.loss!r}; {len(self.timeline)} snapshots, one every "
                              f"{self.timeline.every} batch{'es' if self.timeline.every > 1 else ''}")
        self.label.setStyleSheet(f"color: {pick('rgb(130, 60, 190)', 'rgb(200, 160, 255)')}; font-weight: bold")
        self.moment_shown.emit(snap)

    @Slot()
    def _show_past_label(self):
        """The moment shown, and whether training goes on meanwhile or waits (it follows play and pause)."""
        if self.shown is not None:
            now = "training goes on" if self.session.playing else "training is paused"
            self.label.setText(f"{moment_text(self.shown)}  (the past: {now})")
