"""File ▸ Open data…: a person's CSV — its target column, test fraction and missing values asked in a small
dialog, then read in the background (DatasetStore.read_csv) with progress and Cancel."""

import os

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QProgressDialog,
)

from engine.data.csv_reader import csv_columns
from engine.data.datasets import DatasetError
from engine.training_config import CSV
from gui.common.action_spec import make_action

CSV_FILTER = "Tables (*.csv *.tsv *.txt);;All files (*)"


class OpenDataDialog(QDialog):
    """The target column (the last by default), the share of rows kept for testing, and missing values."""

    def __init__(self, name, columns, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Open {name}")
        self.setObjectName("open_data_dialog")
        form = QFormLayout(self)
        form.addRow(QLabel(f"{name}: {len(columns)} columns. The target is what the network learns to predict; "
                           "the other columns are its inputs."))
        self.target = QComboBox()
        self.target.setObjectName("target_column")
        self.target.addItems(columns)
        self.target.setCurrentIndex(len(columns) - 1)
        self.target.setToolTip("Words or a few whole numbers make a classification; other numbers a regression.")
        self.test_fraction = QDoubleSpinBox()
        self.test_fraction.setObjectName("test_fraction")
        self.test_fraction.setRange(0.05, 0.95)
        self.test_fraction.setSingleStep(0.05)
        self.test_fraction.setValue(0.2)
        self.test_fraction.setToolTip("The share of rows held out (drawn at random) to test the network on.")
        self.drop_missing = QCheckBox("Leave out rows with a missing value")
        self.drop_missing.setObjectName("drop_missing")
        self.drop_missing.setToolTip("Otherwise a missing value (empty, NA, ?) refuses the file, naming its line.")
        form.addRow("Target column", self.target)
        form.addRow("Test fraction", self.test_fraction)
        form.addRow(self.drop_missing)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def options(self):
        """``load_csv``'s keyword options the dialog shows."""
        return {"target": self.target.currentIndex(), "test_fraction": round(self.test_fraction.value(), 4),
                "drop_missing": self.drop_missing.isChecked()}


class OpenData(QObject):
    """The "open_data" action and what follows it; ``opened`` when the table is read and offered.

    parent : the widget the dialogs open over (the window). datasets : the DatasetStore that reads the file.
    notice : the NoticeBar that says what is wrong with a file.
    """

    opened = Signal()  # the DatasetStore now holds the table as dataset "csv"

    def __init__(self, parent, datasets, notice):
        super().__init__(parent)
        self._datasets, self._notice = datasets, notice
        self.action = make_action(self, "open_data", "Open &data…", "", "Reads your own table (a CSV of numbers) "
                                  "to train on: choose its target column; classification or regression follows.")
        self.action.triggered.connect(self.open_dialog)
        self.dialog = None  # the open OpenDataDialog, if any
        self.progress = None  # the QProgressDialog while a table is read
        self._folder = os.path.expanduser("~")
        datasets.loaded.connect(self._on_loaded)
        datasets.failed.connect(self._on_ended)
        datasets.cancelled.connect(self._on_ended)
        datasets.progress.connect(self._on_progress)

    def __repr__(self):
        return f"OpenData({'reading' if self.progress is not None else 'idle'})"

    @Slot()
    def open_dialog(self):
        path, _ = QFileDialog.getOpenFileName(self.parent(), "Open data", self._folder, CSV_FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path):
        """Ask for the target and the split of the CSV at ``path`` (window-modal), then read it."""
        name = os.path.basename(path)
        self._folder = os.path.dirname(os.path.abspath(path))
        try:
            columns = csv_columns(path)
        except DatasetError as exc:
            self._notice.show_message(f"Could not open {name}: {exc}", "error", sticky=True)
            return
        self.dialog = OpenDataDialog(name, columns, self.parent())
        self.dialog.accepted.connect(lambda: self.read(path, self.dialog.options()))
        self.dialog.finished.connect(self._forget_dialog)
        self.dialog.open()

    def read(self, path, options):
        """Read the CSV at ``path`` in the background with ``options``, showing progress and Cancel."""
        self.progress = QProgressDialog(f"Reading {os.path.basename(path)}…", "Cancel", 0, 1000, self.parent())
        self.progress.setObjectName("open_data_progress")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(300)  # a small table is read before the dialog would show
        self.progress.canceled.connect(self._datasets.cancel)
        self._datasets.read_csv(path, options)

    @Slot(int)
    def _forget_dialog(self, result):
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.deleteLater()

    @Slot(float)
    def _on_progress(self, fraction):
        if self.progress is not None:
            self.progress.setValue(int(fraction * 1000))

    @Slot(str)
    def _on_loaded(self, name):
        if name == CSV:
            self._on_ended(name)
            self.opened.emit()

    def _on_ended(self, name, *message):
        if name == CSV and self.progress is not None:
            progress, self.progress = self.progress, None
            progress.canceled.disconnect(self._datasets.cancel)
            progress.close()
            progress.deleteLater()
