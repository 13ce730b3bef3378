"""HistoryDialog: every run compared so far (engine/compare_history.py) in a sortable table, exportable as CSV."""

import csv

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from engine.compare_history import CSV_COLUMNS, history_csv_text, read_history, write_history_csv

NUMERIC = {"lr", "batch_size", "seed", "epochs", "test_accuracy", "best_test_accuracy", "test_loss", "train_loss",
           "samples_per_second", "train_seconds"}


class HistoryDialog(QDialog):
    """The history's records, newest first; column headers sort; "Export CSV…" writes them all."""

    def __init__(self, parent=None, path=None):
        super().__init__(parent)
        self.setWindowTitle("Runs compared so far")
        self.setObjectName("compare_history_dialog")
        self.resize(900, 420)
        self.records = list(reversed(read_history(path)))
        self.table = QTableWidget(len(self.records), len(CSV_COLUMNS))
        self.table.setObjectName("compare_history_table")
        self.table.setHorizontalHeaderLabels([c.replace("_", " ") for c in CSV_COLUMNS])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        rows = history_csv_text(self.records).splitlines()[1:]  # the CSV's own flattening, one place
        for r, row in enumerate(csv.reader(rows)):
            for c, (key, text) in enumerate(zip(CSV_COLUMNS, row)):
                item = QTableWidgetItem()
                if key in NUMERIC and text:
                    item.setData(Qt.ItemDataRole.DisplayRole, float(text))  # sorts as a number
                else:
                    item.setText(text)
                self.table.setItem(r, c, item)
        self.table.setSortingEnabled(True)
        self.table.resizeColumnsToContents()
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setObjectName("compare_history_export")
        self.export_button.setToolTip("Writes every run of the history to a CSV file (spreadsheets open it).")
        self.export_button.setEnabled(bool(self.records))
        self.export_button.clicked.connect(self.export_csv)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(QLabel(f"{len(self.records)} runs, newest first. Click a column's header to sort by it."
                                if self.records else "No run has been compared yet."))
        column.addWidget(self.table, 1)
        column.addWidget(buttons)

    def __repr__(self):
        return f"HistoryDialog({len(self.records)} runs)"

    def export_csv(self):
        path, _ = QFileDialog.getSaveFileName(self, "Export history", "compare_history.csv", "CSV files (*.csv)")
        if not path:
            return
        try:
            write_history_csv(path, list(reversed(self.records)))  # oldest first, as in the history
        except OSError as exc:
            QMessageBox.warning(self, "Export history", f"Not exported: {exc.strerror or exc}")
