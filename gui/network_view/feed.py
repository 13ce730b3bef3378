"""NetworkViewFeed: keeps a NetworkView in step with the training session, and offers its mode selector."""

import time

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

BUDGET = 0.2  # the view may take at most this share of the GUI thread; updates beyond it are coalesced
MIN_INTERVAL = 0.1  # seconds between two view updates, however cheap (10 a second is smooth enough)
# A frame longer than LONG_FRAME freezes the window for that long (a 784×128 layer takes 50–100 ms):
# such frames come at most every LONG_FRAME_INTERVAL, so the GUI answers within 50 ms > 99 % of the time.
LONG_FRAME, LONG_FRAME_INTERVAL = 0.04, 2.0

STAND_IN = "stand_in"  # the hold while another network is shown (show_instead)

MODE_CHOICES = [  # (NetworkView mode, what people read)
    ("weights", "Weights W"),
    ("gradient", "Gradients ∂L/∂W"),
    ("delta", "Change ΔW"),
]


class NetworkViewFeed(QObject):
    """Gives ``view`` each new network, then the weights and gradients of the session's throttled updates.

    The view gets the session's GUI-thread copy of the network (never the trainer's), the dataset's class
    names, and for 2-D sets the training points; for images a first test image lights the input grid
    until something else (the draw pad) sets an input.

    ``show_instead(net)`` puts another network of the same input size in the view (the draw pad's
    pretrained model before any training); the session's networks and updates then wait for ``show_session``.

    Drawing every edge of a large network takes tens of milliseconds, so the feed measures each
    update + repaint and waits (cost / BUDGET, and longer after a long frame) before the next one; the
    latest update is kept and shown when its turn comes, so the view always ends on the newest weights.
    """

    stand_in_ended = Signal()  # show_instead ended because something else held the view (a walked step)

    def __init__(self, view, session, parent=None):
        super().__init__(parent)
        self.view = view
        self.session = session
        self._dataset = None  # the dataset the view was last given
        self._pending = None  # the newest TrainingUpdate not yet shown
        self._latest = None  # the newest TrainingUpdate received (shown again when a hold ends with restore)
        self._held = set()  # why the view is not fed now (a walked step, a past moment): updates wait
        self._stand_in = None  # the network shown instead of the session's (show_instead), or None
        self._next_time = 0.0  # perf_counter() time before which the view is not fed again
        self._timer = QTimer(self)  # shows the pending update when the budget allows
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_pending)
        session.network_reset.connect(self._on_network_reset)
        session.updated.connect(self._on_updated)
        if session.network is not None:
            self._on_network_reset(session.network)

    def __repr__(self):
        return f"NetworkViewFeed({type(self.view).__name__})"

    def mode_selector(self):
        """A labelled combo box (objectName "view_mode") choosing what colours the edges, for the toolbar."""
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(8, 0, 4, 0)
        row.addWidget(QLabel("Edges:"))
        combo = QComboBox()
        combo.setObjectName("view_mode")
        combo.setToolTip("What colours the edges: the weights, their gradients in the last batch, "
                         "or how much the last update changed them.")
        for mode, text in MODE_CHOICES:
            combo.addItem(text, mode)
        combo.setCurrentIndex(max(0, combo.findData(self.view.mode())))
        combo.currentIndexChanged.connect(self._on_mode_chosen)
        row.addWidget(combo)
        return box

    def hold(self, reason):
        """Stop feeding the view for ``reason`` (the view shows something else); updates wait, the newest kept."""
        if self._stand_in is not None and reason != STAND_IN:  # a walk, a past moment: about the session's network
            self.show_session()
            self.stand_in_ended.emit()
        self._held.add(reason)
        self._timer.stop()

    def release(self, reason, restore=False):
        """End the hold for ``reason``; once none is left, show what waits (with ``restore``: the newest anyway)."""
        self._held.discard(reason)
        if self._held:
            return
        if restore and self._pending is None:
            self._pending = self._latest
        self._show_pending()

    @property
    def held(self):
        return bool(self._held)

    def show_instead(self, net):
        """Show ``net`` instead of the session's network (same input size); the session's networks wait."""
        if net is self._stand_in:
            return
        self._stand_in = net
        self.hold(STAND_IN)
        self.view.set_network(net)

    def show_session(self):
        """End ``show_instead``: the view shows the session's network again, with its newest weights."""
        if self._stand_in is None:
            return
        self._stand_in = None
        if self.session.network is not None:
            self.view.set_network(self.session.network)
        self.release(STAND_IN, restore=True)

    @property
    def stand_in(self):
        """The network shown instead of the session's, or None."""
        return self._stand_in

    def detach(self):
        """Stop feeding the view (it is being replaced)."""
        self.session.network_reset.disconnect(self._on_network_reset)
        self.session.updated.disconnect(self._on_updated)

    @Slot(int)
    def _on_mode_chosen(self, index):
        self.view.set_mode(self.sender().itemData(index))

    @Slot(object)
    def _on_network_reset(self, net):
        self._pending, self._latest, self._next_time = None, None, 0.0
        self._timer.stop()
        dataset = self.session.dataset
        if self._stand_in is not None and (not dataset.is_image or net.sizes[0] != self._stand_in.sizes[0]):
            self._stand_in = None  # it cannot read this dataset's samples
            self._held.discard(STAND_IN)
        if self._stand_in is None:
            self.view.set_network(net)
        if dataset is self._dataset:
            return
        self._dataset = dataset
        self.view.set_class_names(dataset.class_names)
        self.view.set_input_names(None if dataset.is_image or dataset.features <= 2 else dataset.feature_names)
        if dataset.is_image:
            self.view.set_dataset_2d(None, None)
            X, _ = dataset.columns("test", 0, 1)
            self.view.set_input(X[:, 0])
        elif dataset.features == 2 and not dataset.is_regression:  # points coloured by class on the map
            self.view.set_dataset_2d(dataset.x_train, dataset.y_train)
        elif dataset.features == 1:  # the function plot: x against the target (or the class)
            self.view.set_dataset_1d(dataset.x_train[:, 0], dataset.y_train)
        else:
            self.view.set_dataset_2d(None, None)

    @Slot(object)
    def _on_updated(self, update):
        self._pending = self._latest = update
        if self._held:
            return
        wait = self._next_time - time.perf_counter()
        if wait <= 0:
            self._show_pending()
        elif not self._timer.isActive():
            self._timer.start(int(wait * 1000) + 1)

    @Slot()
    def _show_pending(self):
        if self._held:
            return
        update, self._pending = self._pending, None
        if update is None:
            return
        start = time.perf_counter()
        self.view.set_weights(update.weights)
        self.view.set_gradients(update.gradients)
        self.view.set_deltas(update.deltas)
        self.view.repaint()  # paint now, to measure what it costs
        cost = time.perf_counter() - start
        if self.session.playing:  # stepping by hand: every step is shown, whatever it costs
            self._next_time = start + max(MIN_INTERVAL, cost / BUDGET, LONG_FRAME_INTERVAL * (cost > LONG_FRAME))
        else:
            self._next_time = start + MIN_INTERVAL
