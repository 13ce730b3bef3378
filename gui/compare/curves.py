"""CompareCurves: every run's training loss and test accuracy overlaid, one colour per run, legend, values on hover."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gui.common.colormaps import class_color
from gui.common.formatting import percent, sig3

HOVER_PIXELS = 12  # how near the pointer must be to a point for its value to show


RUN_ORDER = (0, 1, 2, 6, 5, 4, 3, 7)  # Okabe–Ito: the two blues apart, yellow late (poor on a light plot)


def run_color(k):
    """The colour of run ``k`` (the Okabe–Ito colours, repeating after eight runs)."""
    return pg.mkColor(*class_color(RUN_ORDER[k % len(RUN_ORDER)]))


class CompareCurves(QWidget):
    """Loss (mean batch loss by epoch) beside test accuracy (after each epoch); ``hover`` names the point pointed at."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.loss_plot = pg.PlotWidget()
        self.loss_plot.setObjectName("compare_loss_plot")
        self.accuracy_plot = pg.PlotWidget()
        self.accuracy_plot.setObjectName("compare_accuracy_plot")
        for plot, title, unit in ((self.loss_plot, "Training loss", "loss"),
                                  (self.accuracy_plot, "Test accuracy", "accuracy (%)")):
            plot.setTitle(title)
            plot.setLabel("bottom", "epoch")
            plot.setLabel("left", unit)
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.setMinimumSize(200, 150)
            plot.getAxis("bottom").enableAutoSIPrefix(False)  # "epoch", never "epoch (x0.001)"
            plot.scene().sigMouseMoved.connect(lambda pos, p=plot: self._on_hover(p, pos))
        self.loss_plot.setLogMode(y=True)
        self.accuracy_plot.setYRange(0, 100)
        self.accuracy_plot.setToolTip("One point per run at the end of each epoch (the test set is evaluated then).")
        self.legend = self.loss_plot.addLegend(offset=(-10, 10), brush=pg.mkBrush(128, 128, 128, 70))
        self.hover = QLabel(" ")
        self.hover.setObjectName("compare_hover")
        self.hover.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        plots = QHBoxLayout()
        plots.addWidget(self.loss_plot)
        plots.addWidget(self.accuracy_plot)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(plots, 1)
        column.addWidget(self.hover)
        self._runs = []  # per run: name, loss xs, loss ys, accuracy xs, accuracy ys, the two curve items

    def __repr__(self):
        return f"CompareCurves({len(self._runs)} runs)"

    def set_runs(self, names):
        """One pair of curves per name, coloured in order; a name shown before keeps its points."""
        kept = {run["name"]: run for run in self._runs}
        self.loss_plot.clear()
        self.accuracy_plot.clear()
        self.legend.clear()
        self._runs = []
        for k, name in enumerate(names):
            pen = pg.mkPen(run_color(k), width=2)
            loss = self.loss_plot.plot([], [], pen=pen, name=name)
            acc = self.accuracy_plot.plot([], [], pen=pen, symbol="o", symbolSize=7, symbolBrush=run_color(k),
                                          symbolPen=None)
            old = kept.get(name, {"loss": ([], []), "acc": ([], [])})
            loss.setData(*old["loss"])
            acc.setData(*old["acc"])
            self._runs.append({"name": name, "loss": old["loss"], "acc": old["acc"], "items": (loss, acc)})
        self.hover.setText(" ")

    def add_loss(self, k, x, loss):
        if np.isfinite(loss) and loss > 0:  # the log axis has no place for 0 or a diverged NaN
            self._append(k, "loss", 0, x, loss)

    def add_accuracy(self, k, epoch, accuracy):
        if np.isfinite(accuracy):
            self._append(k, "acc", 1, epoch, 100 * accuracy)

    def points(self, k):
        """(loss points, accuracy points) of run ``k``, each a list of (x, y) (accuracy in %)."""
        run = self._runs[k]
        return list(zip(*run["loss"])), list(zip(*run["acc"]))

    def _append(self, k, key, item, x, y):
        run = self._runs[k]
        xs, ys = run[key]
        xs.append(float(x))
        ys.append(float(y))
        run["items"][item].setData(xs, ys)

    def _on_hover(self, plot, pos):
        """Name the run and value of the point nearest the pointer, if one is near."""
        view = plot.getPlotItem().getViewBox()
        key = "loss" if plot is self.loss_plot else "acc"
        best = None
        for run in self._runs:
            xs, ys = run[key]
            if not xs:
                continue
            data_y = np.log10(ys) if key == "loss" else np.asarray(ys)
            scene = [view.mapViewToScene(pg.Point(x, y)) for x, y in zip(xs, data_y)]
            dist = [np.hypot(p.x() - pos.x(), p.y() - pos.y()) for p in scene]
            i = int(np.argmin(dist))
            if dist[i] <= HOVER_PIXELS and (best is None or dist[i] < best[0]):
                best = (dist[i], run["name"], xs[i], ys[i])
        if best is None:
            return
        _, name, x, y = best
        value = f"loss {sig3(y)}" if key == "loss" else f"test accuracy {percent(y / 100)}"
        self.hover.setText(f"{name}: {value} at epoch {x:.2f}")
