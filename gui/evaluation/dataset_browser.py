"""DatasetBrowser: what the network learns from — samples per class, mean image per class, examples.

Image datasets show a ClassGrid; 2-D datasets show their points (with each class's mean point as a
cross) and a table of counts and means.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

import gui.common.colormaps as cm
from engine.evaluation import class_counts, class_means, examples_per_class
from gui.common.formatting import percent, sig3
from gui.evaluation.class_grid import MAX_EXAMPLES, ClassGrid

SPLITS = (("train", "Training set"), ("test", "Test set"))


class DatasetBrowser(QWidget):
    """Counts, means and examples per class of one split of a Dataset (``set_dataset``)."""

    sample_clicked = Signal(str, int)  # split, index of an example within it

    def __init__(self, parent=None):
        super().__init__(parent)
        self._dataset = None
        self._summary = None  # (split, counts (k,), means (k, features) stored units, examples)
        self.title = QLabel("No dataset yet.")
        self.title.setToolTip("The dataset the model learns from.")
        self.split_box = QComboBox()
        for key, text in SPLITS:
            self.split_box.addItem(text, key)
        self.split_box.setToolTip("Which part of the dataset to describe: the samples trained on, or the "
                                  "held-out samples the model is tested on.")
        self.split_box.currentIndexChanged.connect(self._on_split_changed)
        self.grid = ClassGrid()
        self.grid.sample_clicked.connect(self._on_grid_sample_clicked)
        scroll = QScrollArea()
        scroll.setWidget(self.grid)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setAspectLocked(True)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.setToolTip("Every point of the split in its class's colour; crosses: each class's mean point.")
        for axis in ("left", "bottom"):
            self.plot.getAxis(axis).setTextPen(pg.mkPen(60, 60, 60))
            self.plot.getAxis(axis).setPen(pg.mkPen(150, 150, 150))
        self.points = pg.ScatterPlotItem(size=5, pen=None)
        self.centres = pg.ScatterPlotItem(size=18, symbol="x", pen=pg.mkPen(20, 20, 20, width=1.5))
        self.plot.addItem(self.points)
        self.plot.addItem(self.centres)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["class", "samples", "mean x", "mean y"])
        self.table.verticalHeader().setVisible(False)
        self.table.setToolTip("Samples per class and each class's mean point.")
        points_page = QWidget()
        row = QHBoxLayout(points_page)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.plot, 1)
        row.addWidget(self.table)
        self.table.setMaximumWidth(340)
        self.pages = QStackedWidget()
        self.pages.addWidget(scroll)
        self.pages.addWidget(points_page)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.split_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)

    def __repr__(self):
        return f"DatasetBrowser({self._dataset!r}, {self.split()})"

    def split(self):
        return self.split_box.currentData()

    def set_split(self, split):
        self.split_box.setCurrentIndex(self.split_box.findData(split))

    def set_dataset(self, dataset):
        """Describe ``dataset`` (None clears); nothing is recomputed for the dataset already shown."""
        if dataset is self._dataset:
            return
        self._dataset = dataset
        self._show()

    def counts(self):
        """Samples per class of the shown split, shape (k,)."""
        return None if self._summary is None else self._summary[1].copy()

    def means(self):
        """Mean sample per class of the shown split in stored units, shape (k, features)."""
        return None if self._summary is None else self._summary[2].copy()

    @Slot(int)
    def _on_split_changed(self, _index):
        self._show()

    @Slot(int)
    def _on_grid_sample_clicked(self, i):
        self.sample_clicked.emit(self.split(), i)

    def _show(self):
        ds = self._dataset
        if ds is None:
            self._summary = None
            self.title.setText("No dataset yet.")
            return
        split = self.split()
        x, y = ds.split(split)
        if ds.is_regression:  # no classes to count or average
            self._summary = None
            low, high = (float(v) for v in ds.target_units(y[[y.argmin(), y.argmax()]])) if len(y) else (0, 0)
            self.title.setText(f"<b>{ds.title}</b>: {len(ds.y_train):,} training and {len(ds.y_test):,} test samples, "
                               f"a regression; the {split} targets run from {low:.4g} to {high:.4g}")
            return
        k = ds.n_classes
        counts, means = class_counts(y, k), class_means(x, y, k)
        examples = examples_per_class(y, k, MAX_EXAMPLES, seed=0)
        self._summary = (split, counts, means, examples)
        n_train, n_test = len(ds.y_train), len(ds.y_test)
        self.title.setText(f"<b>{ds.title}</b>: {n_train:,} training and {n_test:,} test samples, {k} classes, "
                           f"{' × '.join(map(str, ds.input_shape))} inputs each")
        if ds.is_image:
            self.grid.set_classes(ds.class_names, counts, means, examples, x, ds.input_shape, ds.scale, split)
            self.pages.setCurrentIndex(0)
        else:
            self._show_points(ds, x, y, counts, means)
            self.pages.setCurrentIndex(1)

    def _show_points(self, ds, x, y, counts, means):
        brushes = [pg.mkBrush(*cm.class_color(c), 170) for c in range(ds.n_classes)]
        xy = x.reshape(len(x), -1)[:, :2] if len(x) else np.zeros((0, 2))
        self.points.setData(xy[:, 0], xy[:, 1], brush=[brushes[c] for c in y])
        present = counts > 0
        self.centres.setData(means[present, 0], means[present, 1],
                             brush=None, pen=[pg.mkPen(*cm.class_color(c), width=3) for c in np.flatnonzero(present)])
        total = max(1, int(counts.sum()))
        self.table.setRowCount(ds.n_classes)
        for c, name in enumerate(ds.class_names):
            cells = [(name, f"Class “{name}”"),
                     (f"{int(counts[c]):,}", f"{int(counts[c]):,} samples, {percent(counts[c] / total)} of the split")]
            for j in range(2):
                v = means[c, j]
                cells.append((sig3(v) if np.isfinite(v) else "–", f"exactly {v:.9g}"))
            for col, (text, tip) in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                if col == 0:
                    item.setForeground(pg.mkColor(*cm.class_color(c)).darker(130))
                self.table.setItem(c, col, item)
        self.table.resizeColumnsToContents()
