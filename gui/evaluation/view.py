"""EvaluationView: judge a model — accuracy, confusion matrix, its mistakes, and the dataset it learns from.

The evaluation runs in an EvaluationWorker in a WorkerThread of the view's own (started by the first
evaluation). Closing the view, the application quitting, the view being deleted or garbage-collected all
cancel the evaluation in progress, end the thread's event loop and wait for it.
"""

import functools
import threading

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from engine.evaluation import DEFAULT_CHUNK, mismatch
from gui.common.fitting_splitter import FittingSplitter
from gui.common.formatting import percent, sig3
from gui.common.worker_thread import WorkerThread
from gui.evaluation.confusion_matrix import ConfusionMatrixView
from gui.evaluation.dataset_browser import DatasetBrowser
from gui.evaluation.point_gallery import PointGallery
from gui.evaluation.sample_gallery import SampleGallery
from gui.evaluation.worker import EvaluationWorker

SPLITS = (("test", "Test set"), ("train", "Training set"))


def _cancel_all(stops):
    """Cancel every evaluation still asked (their events are set; the worker stops between two chunks)."""
    for stop in list(stops.values()):
        stop.set()


class EvaluationView(QWidget):
    """Evaluate a network on a dataset split (off the GUI thread) and show what it gets right and wrong."""

    evaluation_finished = Signal(object)  # engine EvaluationResult
    evaluation_cancelled = Signal()
    evaluation_failed = Signal(str)  # the error and its traceback
    progressed = Signal(int, int)  # samples done, samples in the split
    sample_clicked = Signal(str, int)  # split, index of a sample clicked in a gallery or the browser

    def __init__(self, parent=None):
        super().__init__(parent)
        self.chunk = DEFAULT_CHUNK  # samples per chunk (progress and cancel happen between chunks)
        self._net = None  # our own clone of the model: nobody else mutates it
        self._dataset = None
        self._problem = None  # why the model cannot be evaluated on the dataset, if it cannot
        self._result = None  # the latest EvaluationResult
        self._result_net = self._result_dataset = None  # what that result was computed from
        self._stale = False  # the model changed since the result
        self._filter = None  # (true, predicted) picked in the matrix; None: all mistakes
        self._job = 0  # the evaluation we wait for; answers to other jobs are dropped
        self._job_inputs = None  # (net, dataset) of that job
        self._running = False
        self._stops = {}  # job → its threading.Event, until the worker answers (shared with the thread's stop)
        self._jobs = self._new_thread()  # started by the first evaluation
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        self._build()
        self._fill_gallery()
        self._show_state()

    def __repr__(self):
        return f"EvaluationView({self._dataset!r}, {self._result!r}, running={self._running})"

    # -- layout -----------------------------------------------------------------------------------
    def _build(self):
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_bar())
        errors = self._build_errors()
        self.browser = DatasetBrowser()
        self.browser.sample_clicked.connect(self.sample_clicked)
        self.tabs = QTabWidget()
        self.tabs.addTab(errors, "Errors")
        self.tabs.addTab(self.browser, "Dataset")
        self.tabs.setTabToolTip(0, "The confusion matrix and the samples the model gets wrong.")
        self.tabs.setTabToolTip(1, "Samples per class, the mean image of each class, and examples.")
        layout.addWidget(self.tabs, 1)

    def _build_bar(self):
        """Evaluate, the split, progress and Cancel, then the accuracy and the summary, in a row."""
        self.evaluate_button = QPushButton("Evaluate")
        self.evaluate_button.setToolTip("Runs the model on every sample of the chosen set and shows what it "
                                        "gets right and wrong.")
        self.evaluate_button.clicked.connect(self.evaluate)
        self.split_box = QComboBox()
        for key, text in SPLITS:
            self.split_box.addItem(text, key)
        self.split_box.setToolTip("Which samples to judge the model on: the held-out test set, or the "
                                  "training set it learned from.")
        self.split_box.currentIndexChanged.connect(self._on_split_changed)
        self.progress_bar = QProgressBar()
        self.progress_bar.setToolTip("Samples evaluated so far.")
        self.progress_bar.setMaximumWidth(220)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stops the evaluation after the chunk of samples in progress.")
        self.cancel_button.clicked.connect(self.cancel)
        self.accuracy_label = QLabel()
        big = QFont(self.accuracy_label.font())
        big.setPointSizeF(big.pointSizeF() * 1.5)
        big.setBold(True)
        self.accuracy_label.setFont(big)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        bar = QHBoxLayout()
        for w in (self.evaluate_button, self.split_box, self.progress_bar, self.cancel_button):
            bar.addWidget(w)
        bar.addSpacing(12)
        bar.addWidget(self.accuracy_label)
        bar.addWidget(self.summary_label, 1)
        return bar

    def _build_errors(self):
        """The confusion matrix beside the gallery of the samples picked in it (a splitter)."""
        self.confusion_matrix = ConfusionMatrixView()
        self.confusion_matrix.cell_clicked.connect(self._on_cell_clicked)
        matrix_title = _heading("Confusion matrix")
        matrix_title.setToolTip("How often each true class was predicted as each class.")
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 6, 0)
        column.addWidget(matrix_title)
        column.addWidget(self.confusion_matrix, 1)

        self.sample_gallery = SampleGallery()
        self.point_gallery = PointGallery()
        for g in (self.sample_gallery, self.point_gallery):
            g.sample_clicked.connect(self._on_gallery_sample_clicked)
        self.galleries = QStackedWidget()
        self.galleries.addWidget(self.sample_gallery)
        self.galleries.addWidget(self.point_gallery)
        self.gallery_title = _heading("Mistakes")
        self.gallery_title.setWordWrap(True)  # a long title wraps rather than widening the gallery
        self.gallery_title.setToolTip("The samples picked: all mistakes, or the cell clicked in the matrix.")
        self.all_mistakes_button = QPushButton("Show all mistakes")
        self.all_mistakes_button.setToolTip("Shows every wrongly predicted sample again, most confident first.")
        self.all_mistakes_button.clicked.connect(self.show_mistakes)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(6, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.gallery_title, 1)
        head.addWidget(self.all_mistakes_button)
        column.addLayout(head)
        column.addWidget(self.galleries, 1)

        m = self.confusion_matrix  # as wide as its cells can use at its height (+ the column's margin)
        self.splitter = FittingSplitter(lambda: m.width_for_height(m.height()) + 6)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        return self.splitter

    def _new_thread(self):
        worker = EvaluationWorker()
        worker.progressed.connect(self._on_progressed)
        worker.finished.connect(self._on_finished)
        worker.cancelled.connect(self._on_cancelled)
        worker.failed.connect(self._on_failed)
        return WorkerThread(worker, "evaluation", cancel=functools.partial(_cancel_all, self._stops)).stop_with(self)

    @property
    def _thread(self):
        return self._jobs.thread

    # -- API --------------------------------------------------------------------------------------
    def set_model(self, net, dataset):
        """Judge ``net`` (cloned here: the caller may keep training it) on ``dataset``; call evaluate() to run."""
        self._net = None if net is None else net.clone()
        if dataset is not self._dataset:
            if self._running:  # its answer would describe the old dataset
                self._cancel_jobs()
                self._job += 1
                self._running = False
            self._dataset = dataset
            self.browser.set_dataset(dataset)
            self.galleries.setCurrentIndex(0 if dataset is None or dataset.is_image else 1)
            self.confusion_matrix.set_classes([] if dataset is None else dataset.class_names)
        problem = None if self._net is None or dataset is None else mismatch(self._net, dataset)
        if problem:
            problem = f"{problem[:1].upper()}{problem[1:]}: build a network for this dataset to evaluate it."
        elif dataset is not None and dataset.is_regression:
            problem = ("A regression: its test RMSE and R² (in the target's units) are in the loss plot and the "
                       "status bar; this tab judges classifications.")
        self._problem = problem
        if self._result is not None:
            if dataset is not self._result_dataset:
                self._set_result(None, None, None)  # its sample indices mean nothing in another dataset
            else:
                self._stale = True
        self._show_state()

    def result(self):
        """The latest EvaluationResult, or None."""
        return self._result

    @property
    def running(self):
        return self._running

    @property
    def evaluation_thread(self):
        """The QThread evaluations run in (started by the first one, ended by ``shutdown``)."""
        return self._thread

    @property
    def gallery(self):
        """The gallery in use: SampleGallery for images, PointGallery for 2-D points."""
        return self.galleries.currentWidget()

    def split(self):
        return self.split_box.currentData()

    def set_split(self, split):
        self.split_box.setCurrentIndex(self.split_box.findData(split))

    @Slot()
    def evaluate(self):
        """Start evaluating the model on the chosen split (an evaluation in progress is cancelled)."""
        if self._net is None or self._dataset is None or self._problem:
            return
        self._cancel_jobs()
        self._job += 1
        stop = self._stops[self._job] = threading.Event()
        self._job_inputs = (self._net, self._dataset)
        if not self._jobs.running():
            if not self._jobs.alive() or self._thread.isFinished():  # shut down before: a thread anew
                self._jobs = self._new_thread()
            self._jobs.start()
        self._running = True
        n = len(self._dataset.split(self.split())[1])
        self._show_progress(0, n)
        self._jobs.worker.request(self._job, self._net, self._dataset, self.split(), int(self.chunk), stop)
        self._show_state()

    @Slot()
    def cancel(self):
        """Stop the evaluation in progress after its current chunk (``evaluation_cancelled`` follows)."""
        if self._running:
            self._cancel_jobs()
            self.summary_label.setText("Cancelling…")

    @Slot()
    def shutdown(self):
        """Cancel any evaluation, end the worker's thread and wait for it (idempotent)."""
        self._job += 1  # whatever is still queued from the worker is dropped
        self._running = False
        self._jobs.stop()
        _cancel_all(self._stops)  # an evaluation asked but never begun is not begun later either
        self._stops.clear()

    def closeEvent(self, event):
        self.shutdown()
        self._show_state()
        super().closeEvent(event)

    @Slot()
    def show_mistakes(self):
        """Show every wrongly predicted sample in the gallery, most confident first."""
        self._filter = None
        self.confusion_matrix.select(None, None)
        self._fill_gallery()

    def show_pair(self, true, predicted):
        """Show the samples of class ``true`` predicted as ``predicted`` (as a click on that cell does)."""
        self._filter = (int(true), int(predicted))
        self.confusion_matrix.select(true, predicted)
        self._fill_gallery()

    # -- worker -> view ---------------------------------------------------------------------------
    @Slot(int, int, int)
    def _on_progressed(self, job, done, total):
        if job != self._job:
            return
        self._show_progress(done, total)
        self.progressed.emit(done, total)

    @Slot(int, object)
    def _on_finished(self, job, result):
        self._stops.pop(job, None)  # each job is answered exactly once
        if job != self._job:
            return
        self._running = False
        net, dataset = self._job_inputs
        self._set_result(result, net, dataset)
        self._stale = net is not self._net
        self._show_state()
        self.evaluation_finished.emit(result)

    @Slot(int)
    def _on_cancelled(self, job):
        self._stops.pop(job, None)  # each job is answered exactly once
        if job != self._job:
            return
        self._running = False
        self._show_state()
        self.summary_label.setText(self.summary_label.text() + " Evaluation cancelled.")
        self.evaluation_cancelled.emit()

    @Slot(int, str)
    def _on_failed(self, job, message):
        self._stops.pop(job, None)  # each job is answered exactly once
        if job != self._job:
            return
        self._running = False
        self._show_state()
        self.summary_label.setText("The evaluation failed: " + message.strip().splitlines()[-1])
        self.summary_label.setToolTip(message)
        self.evaluation_failed.emit(message)

    # -- view -> view -----------------------------------------------------------------------------
    @Slot(int)
    def _on_split_changed(self, _index):
        if self._result is not None or self._running:  # judging already: judge the new split
            self.evaluate()

    @Slot(int, int)
    def _on_cell_clicked(self, true, predicted):
        self.show_pair(true, predicted)

    @Slot(int)
    def _on_gallery_sample_clicked(self, i):
        if self._result is not None:
            self.sample_clicked.emit(self._result.split, i)

    # -- internals --------------------------------------------------------------------------------
    def _cancel_jobs(self):
        for stop in self._stops.values():
            stop.set()

    def _show_progress(self, done, total):
        self.progress_bar.setRange(0, max(1, total))
        self.progress_bar.setValue(done)
        self.progress_bar.setFormat(f"{done:,} / {total:,}")

    def _set_result(self, result, net, dataset):
        self._result, self._result_net, self._result_dataset = result, net, dataset
        self._filter = None
        self.confusion_matrix.set_result(result)
        if dataset is not None and not dataset.is_image and result is not None:
            self.point_gallery.set_decision(net, dataset, result.split)
        self._fill_gallery()

    def _fill_gallery(self):
        r, ds = self._result, self._result_dataset
        self.all_mistakes_button.setVisible(self._filter is not None)
        if r is None:
            for g in (self.sample_gallery, self.point_gallery):
                g.set_samples(None, None, [])
            self.gallery_title.setText("Mistakes")
            self.sample_gallery.empty_text = "Evaluate the model to see the samples it gets wrong."
            return
        if self._filter is None:
            idx = r.misclassified()
            text = f"All {len(idx):,} mistakes, most confident first" if len(idx) else "No mistakes"
            self.sample_gallery.empty_text = f"The model gets every {r.split} sample right."
        else:
            t, p = self._filter
            idx = r.pair(t, p)
            names = r.class_names
            order = "least confident first" if t == p else "most confident first"
            text = f"True “{names[t]}” predicted as “{names[p]}”: {len(idx):,} samples, {order}"
            self.sample_gallery.empty_text = "No samples in this cell."
        self.gallery_title.setText(text)
        self.gallery.set_samples(r, ds, idx)

    def _show_state(self):
        running = self._running
        self.evaluate_button.setEnabled(self._net is not None and self._dataset is not None and not self._problem)
        self.evaluate_button.setText("Evaluate again" if self._result is not None else "Evaluate")
        self.cancel_button.setEnabled(running)
        self.progress_bar.setVisible(running)
        r = self._result
        if self._problem:
            self.accuracy_label.setText("")
            self.summary_label.setText(self._problem)
            return
        if running:
            self.summary_label.setText(f"Evaluating on the {self.split()} set…")
            return
        if r is None:
            self.accuracy_label.setText("")
            self.summary_label.setText("Press Evaluate to judge the model." if self._net is not None
                                       else "No model yet.")
            return
        what = "Test" if r.split == "test" else "Training"
        self.accuracy_label.setText(f"{what} accuracy {percent(r.accuracy)}")
        self.accuracy_label.setToolTip(f"{r.n_correct:,} of {r.n:,} right: exactly {r.accuracy:.6g}.")
        stale = " The model has changed since: Evaluate again to update." if self._stale else ""
        self.summary_label.setText(f"{r.n_correct:,} of {r.n:,} right, {r.n - r.n_correct:,} wrong · mean loss "
                                   f"{sig3(r.loss)} · {sig3(r.seconds * 1000)} ms.{stale}")
        self.summary_label.setToolTip(f"Mean loss exactly {r.loss:.9g}; evaluated in {r.seconds:.6g} s.")


def _heading(text):
    label = QLabel(text)
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    return label
