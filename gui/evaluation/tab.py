"""EvaluationTab: when the window's Evaluation tab evaluates, and switching between it and the Training tab.

The window puts its centre in two tabs, "Training" (network view and loss plot, the walkthrough under
them) and "Evaluation" (an EvaluationView that judges the session's copy of the network on its dataset,
in the view's own thread). This tab evaluates by itself only when it is worth it and cheap to afford:
- when the tab is shown and the weights changed since the last evaluation (or there is none yet);
- while the tab is shown: at the end of an epoch, when a run stops (paused or ended), after a reset —
  never more often than every AUTO_INTERVAL seconds (a 2-D set's epoch lasts milliseconds), and never
  on every batch.
While the tab is hidden nothing is cloned or evaluated; "Evaluate now" (F5) evaluates at once.
"""

import time

from PySide6.QtCore import QObject, QTimer, Slot

AUTO_INTERVAL = 1.0  # seconds at least between the starts of two evaluations the tab begins by itself


class EvaluationTab(QObject):
    """Evaluates ``session``'s network in ``view``, the Evaluation page of ``tabs`` (``training_page`` the other).

    ``dataset_changed`` : the window's signal carrying the Dataset the network trains on.
    """

    def __init__(self, session, view, tabs, training_page, dataset_changed, parent=None):
        super().__init__(parent)
        self.session, self.view, self.tabs, self.training_page = session, view, tabs, training_page
        self._closed = False  # shut down: nothing is evaluated any more (signals may still arrive)
        self._changed = True  # the weights changed since the last evaluation began (or none began yet)
        self._wanted = False  # an automatic evaluation is due as soon as the interval and the worker allow
        self._last_auto = -AUTO_INTERVAL  # perf_counter() when the tab last began an evaluation by itself
        self._timer = QTimer(self)  # begins a due evaluation once the interval has passed
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._evaluate_if_due)

        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.view.evaluate_button.clicked.connect(self._on_evaluation_begun)
        self.view.split_box.currentIndexChanged.connect(self._on_evaluation_begun)
        for signal in (self.view.evaluation_finished, self.view.evaluation_failed):
            signal.connect(self._evaluate_if_due)
        self.view.evaluation_cancelled.connect(self._on_cancelled)
        session.network_reset.connect(self._on_network_reset)
        session.updated.connect(self._on_updated)
        session.epoch_finished.connect(self._on_epoch_finished)
        session.worker.finished.connect(self._on_run_stopped)  # after the run's last update: pause or end
        dataset_changed.connect(self._on_dataset_changed)
        if session.network is not None:
            self.view.set_model(session.network, session.dataset)

    def __repr__(self):
        return f"EvaluationTab(showing {'evaluation' if self.showing_evaluation else 'training'}, {self.view!r})"

    @property
    def showing_evaluation(self):
        return self.tabs.currentWidget() is self.view

    # -- actions ----------------------------------------------------------------------------------
    @Slot()
    def show_training(self):
        self.tabs.setCurrentWidget(self.training_page)

    @Slot()
    def show_evaluation(self):
        """Show the Evaluation tab (it evaluates if the weights changed since it last did)."""
        self.tabs.setCurrentWidget(self.view)

    @Slot()
    def evaluate_now(self):
        """Evaluate the current network at once (an evaluation in progress starts over) and show the result."""
        self._evaluate()
        self.show_evaluation()

    def shutdown(self):
        """Cancel any evaluation and wait for its thread (idempotent); nothing is evaluated afterwards."""
        if not self._closed:  # destroying the tabs later switches pages: nothing of ours must answer then
            self.tabs.currentChanged.disconnect(self._on_tab_changed)
        self._closed = True
        self._timer.stop()
        self._wanted = False
        self.view.shutdown()

    # -- the window -> the view -------------------------------------------------------------------
    @Slot(object)
    def _on_dataset_changed(self, dataset):
        self.view.set_model(self.session.network, dataset)  # the browser describes the new dataset at once

    @Slot(object)
    def _on_network_reset(self, net):
        self._changed = True
        self.view.set_model(net, self.session.dataset)
        self._want_evaluation()

    @Slot(object)
    def _on_updated(self, update):
        self._changed = True
        if self.showing_evaluation:  # the view's model follows (its result is marked out of date)
            self.view.set_model(self.session.network, self.session.dataset)

    @Slot(object)
    def _on_epoch_finished(self, event):
        self._want_evaluation()

    @Slot(int, object)
    def _on_run_stopped(self, generation, event):
        if generation == self.session.generation:
            self._want_evaluation()

    @Slot(int)
    def _on_tab_changed(self, index):
        if self.showing_evaluation and (self._changed or self.view.result() is None and not self.view.running):
            self._evaluate()

    # -- when to evaluate -------------------------------------------------------------------------
    def _evaluate(self):
        self._timer.stop()
        self._wanted = False
        if self.session.network is None or self._closed:
            return
        self.view.set_model(self.session.network, self.session.dataset)
        self._changed = False
        self.view.evaluate()

    def _want_evaluation(self):
        if self.showing_evaluation and self._changed:
            self._wanted = True
            self._evaluate_if_due()

    @Slot()
    def _evaluate_if_due(self):
        """Begin the wanted evaluation when the tab shows, the worker is free and the interval has passed."""
        if not (self._wanted and self._changed and self.showing_evaluation):
            self._wanted = False
            return
        if self.view.running:  # the evaluation in progress calls back here when it ends
            return
        wait = self._last_auto + AUTO_INTERVAL - time.perf_counter()
        if wait > 0:
            if not self._timer.isActive():
                self._timer.start(int(wait * 1000) + 1)
            return
        self._last_auto = time.perf_counter()
        self._evaluate()

    @Slot()
    def _on_evaluation_begun(self):
        """The view's own button or split box may have begun an evaluation of the model it holds."""
        if self.view.running:
            self._changed = False

    @Slot()
    def _on_cancelled(self):
        self._changed = True  # what was asked was not judged
        self._wanted = False  # and the person asked to stop: no automatic evaluation until the next trigger
