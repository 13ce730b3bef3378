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
# Training paced at SLOW batches a second or fewer is watched batch by batch: every update is shown, and its
# change eases in over ANIMATION seconds (shorter when batches come faster), a frame every FRAME seconds,
# unless a frame costs more than SMOOTH_FRAME (then the change is shown at once).
SLOW, ANIMATION, FRAME, SMOOTH_FRAME = 10, 0.2, 0.04, 0.03

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
    At slow speeds (``session.speed`` ≤ SLOW batches a second) every update is shown, its change animated.
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
        self._shown = None  # (weights, gradients, deltas) last given to the view, to ease from
        self._easing = None  # (from, to, start time, duration) while a change eases in
        self._frame_cost = 0.0  # seconds the latest frame took
        self._ease_timer = QTimer(self)
        self._ease_timer.setInterval(round(FRAME * 1000))
        self._ease_timer.timeout.connect(self._ease_frame)
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
        self._stop_easing()

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
        self._stop_easing()
        self._shown = None
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
        if self.session.playing and 0 < self.session.speed <= SLOW:  # watched batch by batch: show each
            self._ease_to(update)
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
        self._stop_easing()
        start = time.perf_counter()
        self._paint((update.weights, update.gradients, update.deltas))
        cost = time.perf_counter() - start
        if self.session.playing:  # stepping by hand: every step is shown, whatever it costs
            # At full speed the session's display budget may space frames further (its interval, else 0).
            self._next_time = start + max(MIN_INTERVAL, cost / BUDGET, LONG_FRAME_INTERVAL * (cost > LONG_FRAME),
                                          self.session.frame_interval)
        else:
            self._next_time = start + MIN_INTERVAL

    # -- easing a change in, at slow speeds ----------------------------------------------------------
    def _paint(self, arrays):
        """Give the view these (weights, gradients, deltas) and paint now (to measure what it costs)."""
        start = time.perf_counter()
        weights, gradients, deltas = arrays
        self.view.set_weights(weights)
        self.view.set_gradients(gradients)
        self.view.set_deltas(deltas)
        self.view.repaint()
        self._shown = arrays
        self._frame_cost = time.perf_counter() - start

    def _ease_to(self, update):
        """Show ``update`` now, its change from what the view shows easing in over a few frames (until the last
        frame it stays pending, so a hold meanwhile shows it when it ends)."""
        target = (update.weights, update.gradients, update.deltas)
        start = self._shown
        if start is None or self._frame_cost > SMOOTH_FRAME or not _same_shapes(start[0], target[0]):
            self._stop_easing()
            self._pending = None
            self._paint(target)
            return
        if self._easing is not None:  # the change before is still easing in: this one starts from its end
            start = self._easing[1]
        duration = min(ANIMATION, 0.5 / max(self.session.speed, 1e-9))
        self._easing = (start, target, time.perf_counter(), duration)
        self._ease_frame()
        if self._easing is not None:
            self._ease_timer.start()

    @Slot()
    def _ease_frame(self):
        if self._easing is None or self._held:
            self._stop_easing()
            return
        start, target, t0, duration = self._easing
        t = min(1.0, (time.perf_counter() - t0) / duration)
        if t >= 1.0 or self._frame_cost > SMOOTH_FRAME:
            self._stop_easing()
            self._pending = None
            self._paint(target)
            return
        eased = t * t * (3 - 2 * t)  # smoothstep: starts and ends gently
        self._paint(tuple(_between(a, b, eased) for a, b in zip(start, target)))
        self._shown = start  # until the end, the change eases from the start

    def _stop_easing(self):
        self._easing = None
        self._ease_timer.stop()


def _between(a, b, t):
    """[(W, b), …] a fraction ``t`` of the way from pairs ``a`` to pairs ``b`` (``b`` when either is None)."""
    if a is None or b is None:
        return b
    return [(A + (B - A) * t, c + (d - c) * t) for (A, c), (B, d) in zip(a, b)]


def _same_shapes(a, b):
    return len(a) == len(b) and all(W.shape == V.shape for (W, _), (V, _) in zip(a, b))
