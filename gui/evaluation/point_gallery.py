"""PointGallery: samples of a 2-D dataset as marked points on the plane, and the same samples in a table.

The plane shows every point of the split (small, in its true class's colour) over the network's
decision regions (faint class colours), and the samples picked (``set_samples``) as large rings.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QRectF, Qt, Signal, Slot
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QSplitter, QTableView, QVBoxLayout, QWidget

import gui.common.colormaps as cm
from gui.common.formatting import sig3

GRID = 128  # decision-map resolution per side (it covers the visible range, recomputed when that changes)
PAPER = np.array((255.0, 255.0, 255.0))
COLUMNS = ("#", "x", "y", "true", "predicted", "p")


def decision_backdrop(probs, n):
    """RGB (n, n, 3) 0–255, row 0 at the top: the likeliest class's colour, paler where the network is unsure."""
    k = probs.shape[0]
    best = probs.argmax(axis=0)
    sure = np.clip((probs.max(axis=0) - 1 / k) / (1 - 1 / k), 0, 1) if k > 1 else np.ones(best.shape)
    palette = np.array([cm.class_color(c) for c in range(k)], dtype=np.float64)
    mix = (0.10 + 0.25 * sure)[:, None]
    return (PAPER + (palette[best] - PAPER) * mix).reshape(n, n, 3)


def plane_extent(points, margin=0.1):
    """(xmin, xmax, ymin, ymax) as floats: a square around ``points`` (n, 2) with a margin."""
    lo, hi = points.min(axis=0).astype(float), points.max(axis=0).astype(float)
    centre, half = (lo + hi) / 2, max(float((hi - lo).max()) / 2, 1e-3) * (1 + margin)
    return float(centre[0] - half), float(centre[0] + half), float(centre[1] - half), float(centre[1] + half)


class _SampleTable(QAbstractTableModel):
    """Rows: the samples picked; columns: index, x, y, true, predicted, probability of the prediction."""

    def __init__(self):
        super().__init__()
        self.rows = np.empty(0, dtype=np.int64)  # sample indices, in order
        self.points = None  # (n, 2) the split's points
        self.result = None

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):
        return len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            return ("Sample number in the split", "First input", "Second input", "True class",
                    "Predicted class", "Probability of the predicted class")[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        i, col = int(self.rows[index.row()]), index.column()
        r, exact = self.result, role == Qt.ItemDataRole.ToolTipRole
        if col == 0:
            return f"{i:,}"
        if col in (1, 2):
            v = float(self.points[i, col - 1])
            return f"{v:.9g}" if exact else sig3(v)
        if col in (3, 4):
            return r.class_names[int((r.labels if col == 3 else r.predicted)[i])]
        q = float(r.confidence[i])
        return f"{q:.9g}" if exact else sig3(q)

    def set_rows(self, result, points, rows):
        self.beginResetModel()
        self.result, self.points, self.rows = result, points, rows
        self.endResetModel()


class PointGallery(QWidget):
    """The picked samples of a 2-D dataset, on the plane and in a table; same API as SampleGallery."""

    sample_clicked = Signal(int)  # index of the sample within its split

    def __init__(self, parent=None):
        super().__init__(parent)
        self._indices = np.empty(0, dtype=np.int64)  # samples shown, in order
        self._points = None  # (n, 2) points of the shown split
        self.plot = pg.PlotWidget(self, background="w")
        self.plot.setAspectLocked(True)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.setToolTip("The split's points in their true class's colour, over the network's decision "
                             "regions; large rings: the samples listed in the table (click one to see it in the "
                             "network view).")
        for axis in ("left", "bottom"):
            self.plot.getAxis(axis).setTextPen(pg.mkPen(60, 60, 60))
            self.plot.getAxis(axis).setPen(pg.mkPen(150, 150, 150))
        self.backdrop = pg.ImageItem()  # decision regions, set once per evaluation
        self.all_points = pg.ScatterPlotItem(size=5, pen=None)  # every point of the split
        self.marked = pg.ScatterPlotItem(size=13, pen=pg.mkPen(30, 30, 30, width=2))  # the samples shown
        self.current = pg.ScatterPlotItem(size=24, pen=pg.mkPen(0, 0, 0, width=2), brush=None)  # table row
        self._net = None  # the network whose decision regions the backdrop shows (read only)
        self._n_classes = 0
        self.plot.addItem(self.backdrop, ignoreBounds=True)  # it follows the view, never sizes it
        for item in (self.all_points, self.marked, self.current):
            self.plot.addItem(item)
        self.plot.sigRangeChanged.connect(self._paint_backdrop)
        self.marked.sigClicked.connect(self._on_point_clicked)
        self.model = _SampleTable()
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setToolTip("The samples shown, hardest first; select a row to ring its point.")
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.plot)
        splitter.addWidget(self.table)
        splitter.setSizes([3000, 2000])  # scaled to the real height when laid out
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def __repr__(self):
        return f"PointGallery({len(self._indices)} samples)"

    def set_samples(self, result, dataset, indices):
        """Show samples ``indices`` of ``result``'s split of ``dataset`` (a 2-D dataset), in that order."""
        self._indices = np.asarray(indices if indices is not None else [], dtype=np.int64)
        points = None if dataset is None or result is None else dataset.split(result.split)[0]
        if points is not self._points:
            self._points = points
            if points is None:
                self.all_points.setData([], [])
            else:
                brushes = [pg.mkBrush(*cm.class_color(c), 150) for c in range(max(2, dataset.n_classes))]
                labels = dataset.split(result.split)[1]
                self.all_points.setData(points[:, 0], points[:, 1], brush=[brushes[c] for c in labels])
        if points is None or not len(self._indices):
            self.marked.setData([], [])
        else:
            p = points[self._indices]
            fill = [pg.mkBrush(*cm.class_color(int(c))) for c in result.labels[self._indices]]
            self.marked.setData(p[:, 0], p[:, 1], brush=fill, data=self._indices)
        self.current.setData([], [])
        self.model.set_rows(result, points, self._indices)

    def set_decision(self, net, dataset, split="test"):
        """Show the decision regions of ``net`` (2 inputs) under the points of ``split``; None clears.

        ``net`` is only read (``predict_proba``), again whenever the visible range changes.
        """
        self._net = net if dataset is not None and dataset.features == 2 else None
        self._n_classes = 0 if dataset is None else max(2, dataset.n_classes)
        if self._net is None:
            self.backdrop.clear()
            return
        points = dataset.split(split)[0]
        view = plane_extent(points if len(points) else np.array([[-1.0, -1.0], [1.0, 1.0]]))
        self.plot.setRange(xRange=view[:2], yRange=view[2:], padding=0)  # also repaints the backdrop
        self._paint_backdrop()

    @Slot()
    def _paint_backdrop(self):
        if self._net is None:
            return
        (xmin, xmax), (ymin, ymax) = self.plot.viewRange()
        gx, gy = np.meshgrid(np.linspace(xmin, xmax, GRID), np.linspace(ymax, ymin, GRID))
        probs = self._net.predict_proba(np.stack([gx.ravel(), gy.ravel()]))[: self._n_classes]
        rgb = decision_backdrop(np.asarray(probs, dtype=np.float64), GRID)
        # ImageItem reads [x, y] with y upward: flip the rows (top first) and swap the axes
        self.backdrop.setImage(np.ascontiguousarray(rgb[::-1].transpose(1, 0, 2)).astype(np.uint8), levels=(0, 255))
        self.backdrop.setRect(QRectF(xmin, ymin, xmax - xmin, ymax - ymin))

    def indices(self):
        """The sample indices shown, in order."""
        return self._indices.copy()

    @Slot(object, object)
    def _on_point_clicked(self, item, spots):
        if len(spots):
            i = int(spots[0].data())
            row = int(np.flatnonzero(self._indices == i)[0])
            self.table.selectRow(row)
            self.sample_clicked.emit(i)

    @Slot(QModelIndex, QModelIndex)
    def _on_row_changed(self, current, previous):
        if not current.isValid() or self._points is None:
            self.current.setData([], [])
            return
        x, y = self._points[int(self._indices[current.row()])]
        self.current.setData([x], [y])
