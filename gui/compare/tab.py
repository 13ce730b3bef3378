"""CompareTab: runs to compare (current set-up, configuration files, presets), trained side by side in one thread.

The runs train round-robin, one batch each in turn, through engine.compare.Comparison in a WorkerThread;
the curves and the results table follow at most ten times a second. A run that finishes goes into the
history (engine/compare_history.py). Stop keeps what was trained: Start goes on from there; Start after
every run has finished trains them all again from scratch.
"""

import os

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from engine.compare import CompareRun, Comparison, RunSpec, articles_preset, inits_preset, result_record
from engine.compare_history import append_history
from engine.run_config import ConfigError, read_config
from engine.training_config import DEFAULT_TOY, MNIST, config_from_values, dataset_title, defaults_for
from gui.common.action_spec import make_action
from gui.common.formatting import duration, percent, sig3
from gui.common.notice_bar import NoticeBar
from gui.common.worker_thread import WorkerThread
from gui.compare.curves import CompareCurves, run_color
from gui.compare.history_dialog import HistoryDialog
from gui.compare.worker import CompareWorker

COLUMNS = ("Run", "Configuration", "Epochs", "Test accuracy", "Best", "Test loss", "Samples/s", "Time")
# objectName, text, text on its button, tooltip
ACTION_SPECS = [
    ("compare_start", "Start", "Start", "Trains every run, one batch of each in turn; goes on after Stop."),
    ("compare_stop", "Stop", "Stop", "Stops after the batch in progress; Start goes on from there."),
    ("compare_remove", "Remove run", "Remove", "Removes the selected run (its curves and row)."),
    ("compare_history", "History…", "History…", "Every run compared so far: sort it, export it as CSV."),
    ("compare_add_current", "Add current set-up", "Current set-up", "Adds a run with the set-up the controls show."),
    ("compare_add_file", "Add from file…", "From file…",
     "Adds a run from a configuration file (.json) exported earlier."),
    ("compare_articles", "The articles' four configurations", "Articles' four",
     "Adds the articles' four runs: LeakyReLU or Sigmoid at the output × MSE or cross-entropy, on MNIST."),
    ("compare_inits", "Initialisations", "Initialisations",
     "Adds one run per way of drawing the first weights (on a 2-D set when MNIST is not here)."),
]
ADD_ACTIONS = ("compare_add_current", "compare_add_file", "compare_articles", "compare_inits")
TOY_INITS = {"hidden": [8, 8], "activations": ["tanh", "tanh"], "lr": 0.03, "batch_size": 16, "epochs": 20}


class CompareTab(QWidget):
    """The Compare tab. controls: the ControlsPanel (its ``config()``); datasets: the DatasetStore;
    mnist_buttons: () → the Download / Choose folder offer of a notice that says MNIST is missing.

    ``open_setup`` asks for a run's TrainingConfig in the Training tab's controls (double-click a row).
    """

    open_setup = Signal(object)
    running_changed = Signal(bool)

    def __init__(self, controls, datasets, mnist_buttons, parent=None):
        super().__init__(parent)
        self.setObjectName("compare_tab")
        self._controls, self._datasets, self._mnist_buttons = controls, datasets, mnist_buttons
        self.specs, self._runs = [], []  # RunSpecs, and their CompareRun once built (None before)
        self._recorded = set()  # id() of the CompareRuns already written to the history
        self._job = None  # the WorkerThread while training
        self._waiting_for = None  # a dataset id being read before Start can go on
        self.compare_actions = {}
        bars = [QToolBar(), QToolBar()]  # what to do with the runs; what to add (two rows fit a narrow tab)
        bars[1].addWidget(QLabel("Add: "))
        for name, text, button_text, tip in ACTION_SPECS:
            action = self.compare_actions[name] = make_action(self, name, text, "", tip)
            action.setIconText(button_text)
            bars[name in ADD_ACTIONS].addAction(action)
        for bar in bars:
            bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for name, slot in (("compare_add_current", self.add_current), ("compare_add_file", self.add_from_file),
                           ("compare_articles", self.add_articles), ("compare_inits", self.add_inits),
                           ("compare_remove", self.remove_selected), ("compare_start", self.start),
                           ("compare_stop", self.stop), ("compare_history", self.show_history)):
            self.compare_actions[name].triggered.connect(slot)
        self.notice = NoticeBar()
        self.state = QLabel("Add runs, then Start. Each trains on its own copy of the same data.")
        self.state.setObjectName("compare_state")
        self.curves = CompareCurves()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("compare_table")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(1, self.table.horizontalHeader().ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.setMinimumHeight(110)
        self.table.setToolTip("Double-click a run to open its set-up in the Training tab's controls.")
        self.table.cellDoubleClicked.connect(self._on_double_click)
        self.table.itemSelectionChanged.connect(self._show_state)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("compare_splitter")
        splitter.addWidget(self.curves)
        splitter.addWidget(self.table)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 1)
        column = QVBoxLayout(self)
        for bar in bars:
            column.addWidget(bar)
        column.addWidget(self.notice)
        column.addWidget(self.state)
        column.addWidget(splitter, 1)
        datasets.loaded.connect(self._on_dataset_loaded)
        datasets.failed.connect(self._on_dataset_failed)
        self._show_state()

    def __repr__(self):
        return f"CompareTab({len(self.specs)} runs, running={self.running})"

    def __getitem__(self, name):
        return self.compare_actions[name]

    @property
    def running(self):
        return self._job is not None

    # -- adding and removing runs ----------------------------------------------------------------
    @Slot()
    def add_current(self):
        config = self._controls.config()
        self._add([RunSpec(f"{dataset_title(config.dataset)} {'-'.join(map(str, config.hidden))} "
                           f"{config.optimizer} lr {config.lr:g}", config.copy())])

    @Slot()
    def add_from_file(self):
        path, _ = QFileDialog.getOpenFileName(self, "Add a run from a configuration file", "",
                                              "Configuration files (*.json);;All files (*)")
        if not path:
            return
        try:
            config = config_from_values(read_config(path))
        except ConfigError as exc:
            self.notice.show_message(f"Not added: {exc}", "error")
            return
        if config.dataset == MNIST and not self._datasets.mnist_folder:
            self._say_mnist_missing(f"{os.path.basename(path)} trains on MNIST digits")
            return
        self._add([RunSpec(os.path.splitext(os.path.basename(path))[0], config)])

    @Slot()
    def add_articles(self):
        if not self._datasets.mnist_folder:
            self._say_mnist_missing("The articles' four configurations train on MNIST digits")
            return
        self._add(articles_preset())

    @Slot()
    def add_inits(self):
        specs = inits_preset()
        if not self._datasets.mnist_folder:  # the same comparison on a 2-D set, in seconds
            for spec in specs:
                spec.config = defaults_for(DEFAULT_TOY)
                spec.config.init = spec.name
                for key, value in TOY_INITS.items():
                    setattr(spec.config, key, list(value) if isinstance(value, list) else value)
            self.notice.show_message(f"MNIST was not found, so the initialisations are compared on "
                                     f"{dataset_title(DEFAULT_TOY)}.", "info", self._mnist_buttons())
        self._add(specs)

    def _add(self, specs):
        if self.running:
            return
        names = {spec.name for spec in self.specs}
        for spec in specs:
            base, n = spec.name, 2
            while spec.name in names:  # names tell runs apart in the legend, the table and the history
                spec.name, n = f"{base} ({n})", n + 1
            names.add(spec.name)
            self.specs.append(spec)
            self._runs.append(None)
        self._show_runs()

    @Slot()
    def remove_selected(self):
        rows = self.table.selectionModel().selectedRows()
        if self.running or not rows:
            return
        k = rows[0].row()
        del self.specs[k], self._runs[k]
        self._show_runs()

    # -- training ----------------------------------------------------------------------------------
    @Slot()
    def start(self):
        """Train every run (building those not built yet) in the background; nothing happens without runs."""
        if self.running or not self.specs:
            return
        needed = {spec.config.dataset for spec in self.specs}
        if MNIST in needed and not self._datasets.mnist_folder:
            self._say_mnist_missing("Some runs train on MNIST digits")
            return
        datasets = {}
        for name in sorted(needed):
            datasets[name] = self._datasets.get(name)
            if datasets[name] is None:  # being read: Start again once it is there
                self._waiting_for = name
                self.state.setText(f"Reading {dataset_title(name)}…")
                return
        self._waiting_for = None
        if all(run is not None and run.finished is not None for run in self._runs):
            self._runs = [None] * len(self.specs)  # all done: train them again from scratch
            self.curves.set_runs([])
        try:
            self._runs = [run or CompareRun(spec, datasets[spec.config.dataset])
                          for spec, run in zip(self.specs, self._runs)]
        except ValueError as exc:
            self.notice.show_message(f"Cannot start: {exc}", "error")
            return
        self._show_runs()
        indices = [k for k, r in enumerate(self._runs) if r.finished is None]
        worker = CompareWorker(Comparison.of_runs([self._runs[k] for k in indices]), indices)
        worker.progress.connect(self._on_progress)  # a slot of this GUI-thread object: queued to it
        worker.failed.connect(self._on_failed)
        worker.ended.connect(self._on_ended)
        self._job = WorkerThread(worker, "comparison", run=worker.run, cancel=worker.cancel).quit_on(worker.ended)
        self._job.stop_with(self).start()
        self.notice.clear()
        self._show_state()
        self.running_changed.emit(True)

    @Slot()
    def stop(self):
        """Stop after the batch in progress (the runs keep what they learnt)."""
        if self._job is not None:
            self._job.cancel()

    def shutdown(self):
        """Stop training and wait for the thread (closing the window)."""
        if self._job is not None:
            self._job.stop()

    @Slot(object)
    def _on_progress(self, report):
        for k, kind, value in report:
            if kind == "loss":
                self.curves.add_loss(k, *value)
                continue
            event, result = value
            if kind == "epoch":
                self.curves.add_accuracy(k, event.epoch + 1, event.test_accuracy)
            self._show_result(k, result, finished=kind == "finished")
            if kind == "finished":
                self._record(k, result)

    @Slot(str)
    def _on_failed(self, text):
        last = text.strip().splitlines()[-1] if text.strip() else "unknown error"
        self.notice.show_message(f"The comparison stopped on an error: {last}", "error", tooltip=text)

    @Slot()
    def _on_ended(self):
        self._job = None
        self._show_state()
        self.running_changed.emit(False)

    def _record(self, k, result):
        run = self._runs[k]
        if id(run) in self._recorded:
            return
        self._recorded.add(id(run))
        try:
            append_history([result_record(run.spec, result, run.dataset.title)])
        except OSError as exc:
            self.notice.show_message(f"The history could not be written: {exc.strerror or exc}", "warning")

    @Slot(str)
    def _on_dataset_loaded(self, name):
        if name == self._waiting_for:
            self.start()

    @Slot(str, str)
    def _on_dataset_failed(self, name, message):
        if name == self._waiting_for:
            self._waiting_for = None
            self.notice.show_message(f"{dataset_title(name)} could not be read: {message}", "error")
            self._show_state()

    # -- showing -----------------------------------------------------------------------------------
    def _show_runs(self):
        """The table's rows and the curves for the current runs (the curves of trained runs are kept)."""
        self.curves.set_runs([spec.name for spec in self.specs])
        self.table.setRowCount(len(self.specs))
        for k, spec in enumerate(self.specs):
            self._set_row(k, [spec.name, spec.describe()] + [""] * (len(COLUMNS) - 2))
            self.table.item(k, 0).setForeground(run_color(k))
            run = self._runs[k]
            if run is not None:
                self._show_result(k, run.result, run.finished is not None)
        self.table.resizeColumnToContents(0)
        self._show_state()

    def _show_result(self, k, result, finished):
        seconds = result.train_seconds
        self._set_row(k, [None, None, f"{result.epochs}" + (" ✓" if finished and not result.diverged else ""),
                          percent(result.test_accuracy), percent(result.best_test_accuracy),
                          sig3(result.test_loss), sig3(result.samples_per_second) if seconds else "–",
                          duration(seconds) if seconds else "–"])
        if result.diverged:
            self.table.item(k, 2).setToolTip(result.diverged)
            self.table.item(k, 2).setText(f"{result.epochs} (diverged)")

    def _set_row(self, k, texts):
        for c, text in enumerate(texts):
            if text is None:
                continue
            item = self.table.item(k, c)
            if item is None:
                item = QTableWidgetItem()
                if c >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(k, c, item)
            item.setText(text)

    def _show_state(self):
        running, has_runs = self.running, bool(self.specs)
        for name in ("compare_add_current", "compare_add_file", "compare_articles", "compare_inits"):
            self.compare_actions[name].setEnabled(not running)
        selected = bool(self.table.selectionModel().selectedRows())
        self.compare_actions["compare_remove"].setEnabled(not running and selected)
        self.compare_actions["compare_start"].setEnabled(not running and has_runs)
        self.compare_actions["compare_stop"].setEnabled(running)
        if running:
            self.state.setText(f"Training {len(self.specs)} runs, one batch of each in turn…")
        elif has_runs:
            done = sum(run is not None and run.finished is not None for run in self._runs)
            self.state.setText(f"{len(self.specs)} runs, {done} finished. Double-click a run to open its "
                               "set-up in the Training tab.")

    def _say_mnist_missing(self, what):
        self.notice.show_message(f"{what}, which were not found on this computer. Download MNIST once (11.6 MB), "
                                 "or choose a folder that holds the four MNIST files.", "info",
                                 self._mnist_buttons(), sticky=True)

    @Slot(int, int)
    def _on_double_click(self, row, _column):
        if 0 <= row < len(self.specs):
            self.open_setup.emit(self.specs[row].config.copy())

    @Slot()
    def show_history(self):
        dialog = HistoryDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.history_dialog = dialog  # tests and tools reach the open dialog here
        dialog.open()
