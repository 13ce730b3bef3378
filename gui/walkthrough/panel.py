"""WalkthroughPanel: under the views, the caption of a training step walked phase by phase, and the timeline.

It connects the session's phase steps to the network view (PhasePresenter) and the caption; the
"One sample" toolbar action (batch size 1, so every number refers to one example); and the timeline's
past moments to the network view and the loss plot. While a batch is walked or a past moment shown,
the network view's feed is held so live updates do not overwrite what is on screen.
"""

from PySide6.QtCore import QSignalBlocker, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout, QWidget

from gui.training.phase_walk import WalkRecord
from gui.walkthrough.caption import WalkthroughCaption
from gui.walkthrough.phase_captions import IDLE, CaptionContext, caption_for
from gui.walkthrough.presenter import PhasePresenter
from gui.walkthrough.timeline import TimelineBar, moment_text


class WalkthroughPanel(QWidget):
    """The caption and the timeline, wired to ``session``, the ``controls``' batch size and the ``loss_plot``.

    The window puts ``one_sample`` in its toolbar and lets its Step phase action call ``timeline.go_live``.
    """

    def __init__(self, session, controls, loss_plot, parent=None):
        super().__init__(parent)
        self._batch_spin, self._loss_plot = controls.batch_size, loss_plot
        self._mode_box = None  # the toolbar's edge-mode selector, given with the view
        self.session = session
        self.record = WalkRecord()  # the phases of the batch being walked
        self.selected = None  # (column, index) chosen in the network view, or None
        self.view = self.feed = self.presenter = None  # the NetworkView followed, its feed and presenter
        self._badge = None  # a label over the view while it shows a past moment
        self.caption = WalkthroughCaption()
        self.timeline = TimelineBar(session)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 4, 0, 2)
        column.setSpacing(4)
        column.addWidget(self.caption)
        column.addWidget(self.timeline)

        self.one_sample = QAction("One sample", self)
        self.one_sample.setObjectName("one_sample")
        self.one_sample.setCheckable(True)
        self.one_sample.setToolTip("Batch size 1, so every number of the walkthrough refers to one example; "
                                   "unticked, the batch size before comes back.")
        self._batch_before = None  # the batch size "One sample" replaced
        self.one_sample.toggled.connect(self._on_one_sample)
        controls.live_changed.connect(self._on_live_changed)

        session.phase_reached.connect(self._on_phase_reached)
        session.updated.connect(self._on_updated)
        session.network_reset.connect(self._on_network_reset)
        session.failed.connect(self._on_failed)
        session.stepped_back.connect(self._on_stepped_back)
        self.timeline.moment_shown.connect(self._on_moment_shown)
        self.timeline.live_resumed.connect(self._on_live_resumed)

    def __repr__(self):
        return f"WalkthroughPanel({self.record!r}, {self.timeline!r})"

    def set_view(self, view, feed, mode_box):
        """Follow this NetworkView, the feed that keeps it live, and its edge-mode selector (``mode_box``)."""
        if self.view is not None:
            self.view.neuron_selected.disconnect(self._on_neuron_selected)
        self.view, self.feed, self._mode_box = view, feed, mode_box
        self.presenter = PhasePresenter(view)
        # Over the view while it shows a past moment, so nobody takes the past for the present.
        self._badge = QLabel(view)
        self._badge.setObjectName("past_moment_badge")
        self._badge.setStyleSheet("background: rgba(130, 60, 190, 220); color: white; padding: 3px 8px; "
                                  "border-radius: 4px; font-weight: bold")
        self._badge.hide()
        self.selected = None
        view.neuron_selected.connect(self._on_neuron_selected)

    # -- the walk ----------------------------------------------------------------------------------
    def _context(self):
        net = self.session.network
        dataset = self.session.dataset
        return CaptionContext(acts=[layer.act for layer in net.layers], loss=net.loss_function.name,
                              class_names=list(dataset.class_names) if dataset is not None else None,
                              selected=self.selected)

    def _show(self):
        """Caption and view for the record's current step."""
        step = self.record.current
        if step is None or self.session.network is None:
            self.caption.show_caption(IDLE)
            return
        caption = caption_for(self.record, self._context())
        self.caption.show_caption(caption, len(step.weights), step.index)
        if self.presenter is not None:
            self.presenter.show(self.record, caption.neuron)
            self._show_mode(self.view.mode())

    @Slot(object)
    def _on_phase_reached(self, step):
        self.record.add(step)
        if self.feed is not None:
            if self.record.active:
                self.feed.hold("walkthrough")
            else:  # the batch has ended: its update may be shown (the same new weights)
                self.feed.release("walkthrough")
        self._show()

    @Slot(object)
    def _on_updated(self, update):
        """A later batch trained another way (play, step batch; or a walk cut short by an error): the view
        is the feed's again."""
        walked = self.record.current
        if walked is not None and update.batch.step > walked.step:
            self._end_walk()

    def _end_walk(self):
        self.record.clear()
        if self.presenter is not None and self.presenter.walking:
            self.presenter.end()
            self._show_mode(self.view.mode())
        if self.feed is not None:
            self.feed.release("walkthrough")
        self.caption.show_caption(IDLE)

    @Slot(object)
    def _on_network_reset(self, net):
        self._end_walk()
        self.selected = None
        if self.one_sample.isChecked() and self._batch_spin.value() != 1:
            self._on_one_sample(True)  # a new dataset brought its own batch size: one sample still

    @Slot(object)
    def _on_stepped_back(self, back):
        """Training went back before the walked batch: it is no longer being walked."""
        walked = self.record.current
        if walked is not None and walked.step > back.step:
            self._end_walk()

    @Slot(str)
    def _on_failed(self, text):
        if self.record.active:  # the walked batch will not end: give the view back to the feed
            self._end_walk()

    @Slot(object)
    def _on_neuron_selected(self, info):
        self.selected = None if info is None else (info.layer, info.index)
        if self.record.current is not None:
            self._show()

    def _show_mode(self, mode):
        """The toolbar's edge-mode selector follows what the walk shows (without feeding back)."""
        combo = None if self._mode_box is None else self._mode_box.findChild(QComboBox, "view_mode")
        if combo is not None and combo.currentData() != mode:
            with QSignalBlocker(combo):
                combo.setCurrentIndex(combo.findData(mode))

    # -- one sample ------------------------------------------------------------------------------------
    @Slot(bool)
    def _on_one_sample(self, on):
        spin = self._batch_spin
        if on:
            if spin.value() != 1:
                self._batch_before = spin.value()
                spin.setValue(1)  # → live_changed: the trainer takes it from the next batch
        elif self._batch_before is not None:
            before, self._batch_before = self._batch_before, None
            if spin.value() == 1:
                spin.setValue(before)

    @Slot(dict)
    def _on_live_changed(self, values):
        if self.one_sample.isChecked() and values.get("batch_size", 1) != 1:
            self._batch_before = None  # the user chose another batch size: one sample is off
            self.one_sample.setChecked(False)

    # -- the timeline ----------------------------------------------------------------------------------
    @Slot(object)
    def _on_moment_shown(self, snap):
        if self.feed is not None:
            self.feed.hold("timeline")
        if self.view is not None and self.view.snapshot() is not None:
            self.view.set_weights(snap.weights)
            self.view.set_gradients(snap.gradients)
            self.view.set_deltas(snap.deltas)
        self._loss_plot.set_moment(snap.epoch_x)
        if self._badge is not None:
            self._badge.setText(f"The past: {moment_text(snap)} · Live returns to now")
            self._badge.adjustSize()
            self._badge.move(8, 28)
            self._badge.show()
            self._badge.raise_()

    @Slot()
    def _on_live_resumed(self):
        self._loss_plot.set_moment(None)
        if self._badge is not None:
            self._badge.hide()
        if self.feed is not None:
            self.feed.release("timeline", restore=True)
        if self.record.active and self.presenter is not None:
            self.presenter.forget_weights()
            self._show()
