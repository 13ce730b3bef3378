"""LossPlot: live batch loss (raw and smoothed), per-epoch train/test loss, and test accuracy (a regression's
test RMSE, in the target's units, instead).

Items are created once and fed with ``setData`` from buffers that double when full (gui/training/loss_series.py);
the per-batch ones stop growing at a bound and thin themselves evenly instead, so memory and redraw cost
stay bounded however long training runs, and the curves always span the whole run. Long curves are
peak-downsampled to the view's width. The x axis is in epochs (samples seen / training-set size), so
the curves stay aligned when the batch size changes mid-run. Losses are stored with their log10 and
plotted as such under a log-labelled axis (pyqtgraph's own log mode would take the log of the whole
curve on every update). Redraws are coalesced to at most REDRAW_RATE a second.
"""

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGraphicsView

from gui.common.formatting import percent, sig3
from gui.training.loss_series import EnvelopeSeries, GrowingSeries, nearest, nice_ceiling, smoothed
from gui.training.plot_hover import PlotHover

DOWNSAMPLE_FACTOR = 1.5  # bins a pixel of the per-batch curves' peak downsampling (pyqtgraph's default: 5)
REDRAW_RATE = 10  # redraws a second at most, however often data arrives (each costs ~7 ms of the GUI thread)
MARKED_EPOCHS = 30  # epoch curves show a marker per epoch up to this many epochs, plain lines beyond
_FLOOR = 1e-12  # losses are clipped here before the log axis (a perfect batch has loss 0)
COMPACT_HEIGHT = 260  # px (× zoom): a shorter plot names its curves in its title, not in a legend over them

BLUE, DARK_BLUE = (31, 119, 180), (10, 70, 140)
ORANGE, RED, GREEN = (230, 120, 20), (200, 40, 40), (40, 150, 60)
PURPLE = (130, 60, 190)  # the timeline's moment
TITLE_NAMES = [(BLUE, "━ batch"), (DARK_BLUE, "━ smoothed"), (ORANGE, "● train"), (RED, "■ test")]  # compact legend


class LossPlot(pg.GraphicsLayoutWidget):
    """Two linked plots: losses (log scale) on the left, test accuracy on the right."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackground("w")
        self.setMinimumHeight(180)
        self._batch = EnvelopeSeries()  # raw batch losses (bounded: thinned to runs' lowest and highest)
        self._smooth = EnvelopeSeries()  # their bias-corrected EMA, thinned alike
        self._pending = []  # (epoch_x, losses) arrived and not yet folded into the two above (see add_batches)
        self._stale = False  # a redraw was skipped while the plot was hidden: it comes when shown
        self.epoch_train = GrowingSeries()
        self.epoch_test = GrowingSeries()
        self.accuracy = GrowingSeries()  # test accuracy in %, or a regression's test RMSE (see set_dataset)
        self.target_std = None  # a regression's target scaling: RMSE = √(test MSE) × this; None: classification
        self._ema, self._ema_n = 0.0, 0  # EMA state and batches folded into it
        self._ranges = None  # (x max, (log y min, log y max), (accuracy min, max)) last applied
        self._last_redraw = 0.0  # perf_counter() of the last redraw
        self._frame_interval = 0.0  # seconds between redraws asked for at full speed (set_frame_interval)
        self._epochs_drawn = -1  # epochs the epoch curves hold (-1: never drawn)
        self._redraw_timer = QTimer(self)  # a redraw that waits for its turn (REDRAW_RATE)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.timeout.connect(self._redraw)

        self.loss_plot = self.addPlot(row=0, col=0)
        self.acc_plot = self.addPlot(row=0, col=1)
        self.ci.layout.setColumnStretchFactor(0, 3)
        self.ci.layout.setColumnStretchFactor(1, 2)
        for plot, ylabel in ((self.loss_plot, "loss"), (self.acc_plot, "test accuracy (%)")):
            plot.setLabel("bottom", "epoch", color="#505050")
            plot.setLabel("left", ylabel, color="#505050")
            plot.setMenuEnabled(False)
            # A live monitor: ranges follow the data in coarse steps (see _fit_ranges), so the axes are
            # re-laid out a few times per decade instead of on every update; no mouse zoom to fight it.
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            plot.vb.disableAutoRange()
            plot.getAxis("bottom").enableAutoSIPrefix(False)  # "epoch", never "epoch (×0.001)"
            for axis in ("left", "bottom"):
                plot.getAxis(axis).setTextPen(pg.mkPen(60, 60, 60))
                plot.getAxis(axis).setPen(pg.mkPen(150, 150, 150))
        self.loss_plot.getAxis("left").setLogMode(True)  # the data are log10 already: only the labels change
        self._zoom, self._compact, self._acc_title = 1.0, False, "Test accuracy"
        self._set_titles()
        self.acc_plot.setXLink(self.loss_plot)
        self.acc_plot.getAxis("left").enableAutoSIPrefix(False)  # an RMSE of 0.13 reads 0.13, not 130 (×0.001)

        # Bottom left: a falling loss curve leaves that corner empty.
        legend = self.legend = self.loss_plot.addLegend(offset=(10, -10), labelTextColor=(40, 40, 40), brush=(255, 255, 255, 200))
        legend.setColumnCount(2)
        self.batch_curve = self.loss_plot.plot(pen=pg.mkPen(*BLUE, 40), name="batch")
        # Width-1 pens on the long curves: wider ones go through Qt's stroker and cost ~3× the paint time.
        self.smooth_curve = self.loss_plot.plot(pen=pg.mkPen(*DARK_BLUE), name="batch (smoothed)")
        self.train_curve = self.loss_plot.plot(pen=pg.mkPen(*ORANGE, width=2), symbol="o", symbolSize=6,
                                               symbolBrush=ORANGE, symbolPen=None, name="train (epoch)")
        self.test_curve = self.loss_plot.plot(pen=pg.mkPen(*RED, width=2, style=pg.QtCore.Qt.PenStyle.DashLine),
                                              symbol="s", symbolSize=6, symbolBrush=RED, symbolPen=None,
                                              name="test (epoch)")
        self.acc_curve = self.acc_plot.plot(pen=pg.mkPen(*GREEN, width=2), symbol="o", symbolSize=6,
                                            symbolBrush=GREEN, symbolPen=None)
        for curve in (self.batch_curve, self.smooth_curve):
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
            # Peak downsampling keeps each bin's lowest and highest point: 1.5 bins a pixel draw the same
            # envelope as pyqtgraph's default 5, in a third of the points (a frame at full speed ~2 ms less).
            curve.opts["autoDownsampleFactor"] = DOWNSAMPLE_FACTOR

        self._hover = PlotHover(self, (self.loss_plot, self.acc_plot), self.text_at)  # line and label under the mouse
        # The past moment the timeline shows, as a line in each plot (hidden while the views are live).
        self._moment_lines = [pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(*PURPLE, width=2))
                              for _ in (self.loss_plot, self.acc_plot)]
        for plot, line in zip((self.loss_plot, self.acc_plot), self._moment_lines):
            line.setZValue(15)
            line.hide()
            plot.addItem(line, ignoreBounds=True)
        self.moment = None  # the epoch position marked, or None
        # Shown while there is nothing to plot: how to get something.
        self.hint = pg.TextItem("Press Play (Space) to train,\nor Step batch (→) for one mini-batch.",
                                color=(120, 120, 120), anchor=(0.5, 0.5))
        self.loss_plot.addItem(self.hint, ignoreBounds=True)
        self._redraw()

    @property
    def batch(self):
        """The raw batch losses (EnvelopeSeries), with every batch that has arrived."""
        self._take_pending()
        return self._batch

    @property
    def smooth(self):
        """Their smoothed line (EnvelopeSeries), with every batch that has arrived."""
        self._take_pending()
        return self._smooth

    @property
    def hover_text(self):
        """What the hover label shows now ("" when hidden)."""
        return self._hover.text

    def __repr__(self):
        return f"LossPlot({len(self.batch)} batches, {len(self.epoch_test)} epochs)"

    def set_zoom(self, zoom):
        """Titles, axis labels, tick numbers and the hint at ``zoom`` times their normal size (a projector)."""
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * zoom)
        self._zoom = zoom
        self._set_titles()
        for plot in (self.loss_plot, self.acc_plot):
            for axis in ("left", "bottom"):
                plot.getAxis(axis).setStyle(tickFont=font)
                plot.getAxis(axis).label.setFont(font)
        self.hint.setFont(font)
        self._follow_height()

    def _set_titles(self):
        """The two titles at the zoom; a compact plot's loss title names the curves in their colours."""
        size = f"{10 * self._zoom:g}pt"
        title = "Loss"
        if self._compact:  # at most 12 pt: wider, it would squeeze the accuracy plot of a 1024 px window
            loss_size = f"{10 * min(self._zoom, 1.2):g}pt"
            title += "".join(f"&nbsp;&nbsp;<span style='color: #{r:02x}{g:02x}{b:02x}'>{name}</span>"
                             for (r, g, b), name in TITLE_NAMES)
        self.loss_plot.setTitle(title, color=(40, 40, 40), size=loss_size if self._compact else size)
        self.acc_plot.setTitle(self._acc_title, color=(40, 40, 40), size=size)

    def _follow_height(self):
        """Below COMPACT_HEIGHT the legend would cover the curves: the title names them instead."""
        if not hasattr(self, "legend"):  # a resize while it is being made
            return
        compact = self.height() < COMPACT_HEIGHT * self._zoom
        if compact != self._compact:
            self._compact = compact
            self._set_titles()
            self._show_legend()

    def _show_legend(self):
        """Nothing to tell apart yet (it would cover the hint); or named in the title of a short plot."""
        self.legend.setVisible(len(self.batch) > 0 and not self._compact)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._follow_height()

    # -- data --------------------------------------------------------------------------------
    @Slot()
    def clear_data(self):
        """Forget every curve (a reset). (``clear`` would be GraphicsLayoutWidget's: it removes the plots.)"""
        self._pending.clear()
        for series in (self._batch, self._smooth, self.epoch_train, self.epoch_test, self.accuracy):
            series.clear()
        self._ema, self._ema_n = 0.0, 0
        self._epochs_drawn = -1
        self._hover.hide()
        self.set_moment(None)
        self._redraw()

    def show_history(self, history, n_train):
        """Only these curves: ``history`` as ``TrainingHistory.as_arrays`` gives them, x in epochs of ``n_train``."""
        self.clear_data()
        if len(history["batch_loss"]):
            self.add_batches(np.asarray(history["batch_samples"], dtype=np.float64) / max(1, n_train),
                             history["batch_loss"])
        for k, values in enumerate(zip(history["epoch_train_loss"], history["epoch_test_loss"],
                                       history["epoch_test_accuracy"])):
            self.add_epoch(k + 1, *values)

    def set_dataset(self, dataset):
        """Show test accuracy for a classification, test RMSE (the target's own units) for a regression."""
        regression = dataset is not None and dataset.is_regression
        self.target_std = dataset.target_scaling[1] if regression else None
        self._acc_title = "Test RMSE" if regression else "Test accuracy"
        self._set_titles()
        self.acc_plot.setLabel("left", "test RMSE (target units)" if regression else "test accuracy (%)",
                               color="#505050")
        self._ranges = None

    def last_score(self):
        """"test accuracy 97.3 %" or "test RMSE 0.112" after the last epoch; "" before any."""
        if not len(self.accuracy):
            return ""
        return self._score_text(self.accuracy.y[-1])

    def _score_text(self, value):
        if self.target_std is not None:
            return f"test RMSE {sig3(value)}"
        return f"test accuracy {percent(value / 100)}"

    def set_moment(self, epoch_x):
        """Mark the moment at ``epoch_x`` (fractional epochs) with a vertical line; None removes it."""
        self.moment = None if epoch_x is None else float(epoch_x)
        for line in self._moment_lines:
            if self.moment is not None:
                line.setPos(self.moment)
            line.setVisible(self.moment is not None)

    def add_batches(self, epoch_x, losses):
        """Append batch losses at their fractional epochs (arrays of equal length).

        They are kept as they come and folded into the curves when these are next drawn or read: at full
        speed the plot redraws every second or two while updates come several times a second, and
        smoothing and thinning a few large arrays costs the GUI thread (and so training) less than many
        small ones.
        """
        if len(losses) == 0:
            return
        self._pending.append((epoch_x, losses))
        self._request_redraw()

    def _take_pending(self):
        """Fold the batches that arrived since the last time into the batch and smoothed curves."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        xs = np.concatenate([np.asarray(x, dtype=np.float64) for x, _ in pending])
        losses = np.maximum(np.concatenate([np.asarray(y, dtype=np.float64) for _, y in pending]), _FLOOR)
        smooth, self._ema, self._ema_n = smoothed(losses, self._ema, self._ema_n)
        self._batch.extend(xs, losses)
        self._smooth.extend(xs, smooth)

    def add_epoch(self, epoch_x, train_loss, test_loss, test_accuracy):
        """Append one epoch's mean train loss, test loss and test accuracy (a fraction) at ``epoch_x``."""
        self.epoch_train.extend([epoch_x], [max(train_loss, _FLOOR)])
        self.epoch_test.extend([epoch_x], [max(test_loss, _FLOOR)])
        score = (np.sqrt(max(test_loss, 0.0)) * self.target_std if self.target_std is not None
                 else 100.0 * test_accuracy)
        self.accuracy.extend([epoch_x], [score])
        self._request_redraw()

    def set_frame_interval(self, seconds):
        """Redraw at most every ``seconds`` (0: REDRAW_RATE a second) and, while that is set, paint only then.

        At full speed every paint is taken from training (the GIL); pyqtgraph repaints two to five times
        per redraw as its items settle, so the scene's own update requests are ignored meanwhile and the
        viewport is painted once per redraw (and on hover).
        """
        self._frame_interval = float(seconds)
        mode = (QGraphicsView.ViewportUpdateMode.NoViewportUpdate if seconds > 0
                else QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        if self.viewportUpdateMode() != mode:
            self.setViewportUpdateMode(mode)
            self.viewport().update()
        if self._redraw_timer.isActive():  # a redraw waiting for the old interval: now, or at the new one
            self._redraw_timer.stop()
            self._request_redraw()

    def _request_redraw(self):
        """Redraw now, or as soon as the frame interval allows (data arriving meanwhile joins that redraw)."""
        wait = self._last_redraw + max(1.0 / REDRAW_RATE, self._frame_interval) - time.perf_counter()
        if wait <= 0:
            self._redraw()
        elif not self._redraw_timer.isActive():
            self._redraw_timer.start(int(wait * 1000) + 1)

    @Slot()
    def _redraw(self):
        self._redraw_timer.stop()
        if getattr(self, "closed", False):  # pyqtgraph's close() has deleted every item
            return
        if not self.isVisible() and self.window().isVisible():  # another tab, or hidden: drawn when shown
            self._stale = True
            return
        self._stale = False
        self._last_redraw = time.perf_counter()
        self.hint.setVisible(len(self.batch) == 0)
        self._show_legend()
        self.batch_curve.setData(self.batch.x, self.batch.log_y)
        self.smooth_curve.setData(self.smooth.x, self.smooth.log_y)
        if self._epochs_drawn != len(self.accuracy):  # epoch curves change once an epoch, not per batch
            self._epochs_drawn = len(self.accuracy)
            marked = len(self.accuracy) <= MARKED_EPOCHS
            for curve, symbol in ((self.train_curve, "o"), (self.test_curve, "s"), (self.acc_curve, "o")):
                if (curve.opts["symbol"] is not None) != marked:
                    curve.setSymbol(symbol if marked else None)
            self.train_curve.setData(self.epoch_train.x, self.epoch_train.log_y)
            self.test_curve.setData(self.epoch_test.x, self.epoch_test.log_y)
            self.acc_curve.setData(self.accuracy.x, self.accuracy.y)
        self._fit_ranges()
        self.viewport().update()  # needed while the scene's own requests are ignored (set_frame_interval)

    def _fit_ranges(self):
        """Set the ranges to cover the data, rounded outwards to coarse steps (changes are rare)."""
        logs = [a for a in (self.batch.log_y, self.epoch_test.log_y, self.epoch_train.log_y) if len(a)]
        xs = [a[-1] for a in (self.batch.x, self.epoch_test.x) if len(a)]
        x_max = nice_ceiling(max(xs)) if xs else 1.0
        if logs:
            lo = min(a.min() for a in logs)
            hi = max(a.max() for a in logs)
            top = np.ceil(hi * 4) / 4
            # At least 2.5 decades: with fewer, the log axis crowds its minor labels (0.9, 0.8, 0.7…).
            y = (min(np.floor(lo * 4) / 4, top - 2.5), top)
        else:
            y = (-2.0, 0.5)
        if len(self.accuracy) and self.target_std is not None:  # RMSE: from 0 to a round ceiling
            acc = (0.0, nice_ceiling(max(float(np.nanmax(self.accuracy.y)), 1e-12)))
        elif len(self.accuracy):
            a_lo, a_hi = self.accuracy.y.min(), self.accuracy.y.max()
            step = 5.0 if a_lo >= 50 else 10.0
            bottom = np.floor(a_lo / step) * step
            acc = (bottom, min(100.0, max(np.ceil(a_hi / step) * step, bottom + step)))
        else:
            acc = (0.0, 100.0)
        ranges = (x_max, y, acc)
        if ranges == self._ranges:
            return
        self._ranges = ranges
        self.loss_plot.setXRange(0, x_max, padding=0.02)
        self.loss_plot.setYRange(*y, padding=0.02)
        self.acc_plot.setYRange(*acc, padding=0.04)
        self.hint.setPos(x_max / 2, sum(y) / 2)

    # -- hover ------------------------------------------------------------------------------
    def text_at(self, x, plot=None):
        """The read-out for epoch position ``x``: the nearest batch in the loss plot, epoch in the other."""
        if plot is self.acc_plot:
            i = nearest(self.accuracy.x, x)
            if i is None:
                return ""
            return (f"after epoch {self.accuracy.x[i]:.3g}: {self._score_text(self.accuracy.y[i])}\n"
                    f"test loss {sig3(self.epoch_test.y[i])} · train loss {sig3(self.epoch_train.y[i])}")
        i = nearest(self.batch.x, x)
        if i is None:
            return ""
        k = nearest(self.smooth.x, x)  # its own x: once thinned, the two curves keep different batches
        text = f"epoch {self.batch.x[i]:.3f}\nbatch loss {sig3(self.batch.y[i])}\nsmoothed {sig3(self.smooth.y[k])}"
        j = nearest(self.epoch_test.x, x)
        if j is not None and abs(self.epoch_test.x[j] - x) < 0.25:
            text += f"\ntest loss {sig3(self.epoch_test.y[j])} (epoch {self.epoch_test.x[j]:.3g})"
        return text

    def showEvent(self, event):
        super().showEvent(event)
        if self._stale:
            self._redraw()

    def leaveEvent(self, event):
        self._hover.hide()
        super().leaveEvent(event)
