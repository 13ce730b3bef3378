"""DrawPad: a square canvas to draw a digit on, white ink on black like MNIST, classified as you draw."""

import math
import time

import numpy as np
from PySide6.QtCore import QPointF, Qt, Signal, Slot
from PySide6.QtGui import QAction, QColor, QImage, QKeySequence, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from engine.data.preprocess import preprocess

SIDE = 280  # default canvas side in pixels (MNIST's 28 × 10)
PEN_WIDTH = 18.0  # default pen width in pixels: after fitting to 20 px it is MNIST's stroke width
PEN_RANGE = (4.0, 48.0)  # allowed pen widths
LIVE_BUDGET = 0.010  # seconds: predict live while drawing only if preprocessing + inference fits in this
LIVE_INTERVAL = 0.040  # seconds between live predictions while the pen moves (≤ 25 per second)
REACH = 10  # points are clamped to REACH canvas sides around the canvas: a drag may leave it, not go to 3·10⁹


class DrawPad(QWidget):
    """The drawing surface: left-button drags (or a tablet pen) draw strokes; the network reads the result.

    After each stroke (and live while drawing, when that is fast) the drawing is preprocessed into the
    28×28 image the network sees (engine.data.preprocess) and ``prediction_changed`` carries the 10 class
    probabilities. Right-click or Esc clears, Ctrl+Z undoes the last stroke.
    """

    prediction_changed = Signal(object)  # ndarray (10,): class probabilities for the current drawing
    input_changed = Signal(object)  # ndarray (784, 1): the network's input for the drawing; None when cleared
    cleared = Signal()  # the pad became empty (clear, or undo of the only stroke)

    def __init__(self, parent=None, side=SIDE, pen_width=PEN_WIDTH):
        super().__init__(parent)
        self._side = int(side)  # canvas side in pixels; the widget has exactly this size
        self._pen_width = float(pen_width)  # width of the next stroke
        self._image = QImage(self._side, self._side, QImage.Format_RGB32)  # the canvas; red = green = blue
        self._image.fill(Qt.black)
        # The finished strokes alone: a stroke that ends is painted onto it once, so its cost never depends
        # on the ink drawn before (re-rendering every stroke took 0.7 s per stroke after 300 strokes).
        self._ink = QImage(self._image)
        self._strokes = []  # finished strokes: (pen width, [QPointF, …]) — kept to undo and redraw
        self._current = None  # the stroke being drawn: [QPointF, …], or None while the pen is up
        self._net = None  # private clone of the model: training elsewhere never races with predictions
        self._probs = None  # ndarray (10,) of the latest prediction, or None
        self._steps = None  # engine.data.preprocess.Preprocessed of the latest prediction, or None
        self._cost = 0.0  # seconds the last prediction took (decides whether live prediction is cheap)
        self._last_live = 0.0  # perf_counter() of the last live prediction
        self.setFixedSize(self._side, self._side)
        self.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setAttribute(Qt.WA_OpaquePaintEvent)
        self.setCursor(Qt.CrossCursor)
        self.setToolTip("Draw a digit with the left mouse button or a pen. Right-click or Esc clears; "
                        "Ctrl+Z undoes the last stroke.")

        self.clear_action = QAction("Clear", self, objectName="clear_pad")
        self.clear_action.setShortcut(QKeySequence(Qt.Key_Escape))
        self.clear_action.setShortcutContext(Qt.WidgetWithChildrenShortcut)
        self.clear_action.setToolTip("Erase the drawing (Esc, or right-click on the pad).")
        self.clear_action.triggered.connect(self.clear)
        self.undo_action = QAction("Undo stroke", self, objectName="undo_stroke")
        self.undo_action.setShortcut(QKeySequence.Undo)
        self.undo_action.setShortcutContext(Qt.WidgetWithChildrenShortcut)
        self.undo_action.setToolTip("Remove the last stroke (Ctrl+Z).")
        self.undo_action.triggered.connect(self.undo)
        self.addActions([self.clear_action, self.undo_action])

    # -- model ------------------------------------------------------------------------------
    def set_model(self, net):
        """Classify with (a private clone of) ``net``: 784 inputs, 10 outputs; None stops predicting."""
        if net is not None:
            sizes = net.sizes
            if sizes[0] != 784 or sizes[-1] != 10:
                raise ValueError(f"the draw pad needs a network with 784 inputs and 10 outputs, got {sizes}")
            net = net.clone()
        self._net = net
        if self._strokes:
            self._predict()
        else:
            self._probs = None

    def prediction_seconds(self):
        """How long the last prediction took: preprocessing, inference and the views it updated."""
        return self._cost

    def model(self):
        """The private copy of the model the pad predicts with (None without a model)."""
        return self._net

    # -- state ------------------------------------------------------------------------------
    def probabilities(self):
        """The latest 10 class probabilities, shape (10,), or None (empty pad or no model)."""
        return None if self._probs is None else self._probs.copy()

    def preprocessed(self):
        """Every preprocessing step of the latest prediction (engine.data.preprocess.Preprocessed), or None."""
        return self._steps

    def image(self):
        """The canvas as the network's preprocessing reads it: (side, side) uint8, 0 = black."""
        return _gray_array(self._image)

    def strokes(self):
        """The finished strokes: a list of (pen width, (k, 2) float array of x, y in canvas pixels)."""
        return [(w, np.array([[p.x(), p.y()] for p in pts])) for w, pts in self._strokes]

    def is_empty(self):
        return not self._strokes and self._current is None

    def pen_width(self):
        return self._pen_width

    @Slot(float)
    def set_pen_width(self, width):
        """Width of the strokes drawn from now on, in canvas pixels (clipped to PEN_RANGE)."""
        self._pen_width = float(min(max(width, PEN_RANGE[0]), PEN_RANGE[1]))

    # -- editing ----------------------------------------------------------------------------
    @Slot()
    def clear(self):
        """Erase everything: no strokes, no prediction."""
        was_empty = self.is_empty() and self._probs is None
        self._strokes.clear()
        self._current = None
        self._image.fill(Qt.black)
        self._ink.fill(Qt.black)
        self._probs = self._steps = None
        self.update()
        if not was_empty:
            self.input_changed.emit(None)
            self.cleared.emit()

    @Slot()
    def undo(self):
        """Remove the last finished stroke and classify what is left."""
        if self._current is not None or not self._strokes:
            return
        self._strokes.pop()
        if not self._strokes:
            self.clear()
            return
        self._redraw()
        self._predict()

    def draw_strokes(self, strokes, width=None):
        """Add whole strokes at once ((k, 2) arrays of x, y in canvas pixels), then classify once."""
        width = self._pen_width if width is None else float(width)
        added = [(width, points) for points in map(self._points, strokes) if points]
        self._strokes += added
        self._paint_strokes(self._ink, added)
        self._show_ink()
        if self._strokes:
            self._predict()

    # -- input events -----------------------------------------------------------------------
    def mousePressEvent(self, event):
        if event.button() == Qt.LeftButton:
            self._begin(event.position())
        elif event.button() == Qt.RightButton:
            self._current = None
            self.clear()
        event.accept()

    def mouseMoveEvent(self, event):
        if self._current is not None:
            self._extend(event.position())
        event.accept()

    def mouseReleaseEvent(self, event):
        if event.button() == Qt.LeftButton and self._current is not None:
            self._extend(event.position())
            self._end()
        event.accept()

    def tabletEvent(self, event):
        # Handled here (and accepted) so Qt does not also synthesise mouse events for the pen.
        kind = event.type()
        if kind == event.Type.TabletPress and event.button() == Qt.LeftButton:
            self._begin(event.position())
        elif kind == event.Type.TabletMove and self._current is not None:
            self._extend(event.position())
        elif kind == event.Type.TabletRelease and self._current is not None:
            self._extend(event.position())
            self._end()
        elif kind == event.Type.TabletPress and event.button() == Qt.RightButton:
            self.clear()
        event.accept()

    def _points(self, stroke):
        """A (k, 2) array of x, y as clamped QPointF, without the points that are not numbers."""
        points = (self._clamped(QPointF(x, y)) for x, y in np.asarray(stroke, dtype=float).reshape(-1, 2))
        return [p for p in points if p is not None]

    def _clamped(self, pos):
        """``pos`` (a QPointF) moved to within REACH canvas sides of the canvas; None when not a number."""
        x, y = pos.x(), pos.y()
        if not (math.isfinite(x) and math.isfinite(y)):
            return None
        low, high = -REACH * self._side, (REACH + 1) * self._side
        return QPointF(min(max(x, low), high), min(max(y, low), high))

    def _begin(self, pos):
        if self._current is not None:  # a release was lost (e.g. to another window): keep that stroke
            self._end()
        pos = self._clamped(QPointF(pos))
        if pos is None:
            return
        self.setFocus(Qt.MouseFocusReason)
        self._current = [pos]
        self._paint_segment(self._current[0], self._current[0], self._pen_width)
        self.update()  # the whole pad: the "draw a digit" hint goes away

    def _extend(self, pos):
        last = self._current[-1]
        pos = self._clamped(QPointF(pos))
        if pos is None or pos == last:
            return
        self._current.append(pos)
        self._paint_segment(last, pos, self._pen_width)
        now = time.perf_counter()
        if self._net is not None and self._cost < LIVE_BUDGET and now - self._last_live >= LIVE_INTERVAL:
            self._last_live = now
            self._predict()

    def _end(self):
        stroke = (self._pen_width, self._current)
        self._strokes.append(stroke)
        self._current = None
        self._paint_strokes(self._ink, [stroke])  # as one path: smooth joins, no overdrawn segment ends
        self._show_ink()
        self._predict()

    # -- drawing ----------------------------------------------------------------------------
    def _pen(self, width):
        return QPen(QColor(255, 255, 255), width, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin)

    def _paint_segment(self, a, b, width):
        """Draw one segment of the stroke in progress straight into the canvas."""
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(self._pen(width))
        if a == b:
            painter.drawPoint(a)
        else:
            painter.drawLine(a, b)
        painter.end()
        r = width / 2 + 2
        x0, x1 = min(a.x(), b.x()) - r, max(a.x(), b.x()) + r
        y0, y1 = min(a.y(), b.y()) - r, max(a.y(), b.y()) + r
        self.update(int(x0), int(y0), int(x1 - x0) + 2, int(y1 - y0) + 2)

    def _redraw(self):
        """Render every finished stroke again (after an undo), and the one in progress."""
        self._ink.fill(Qt.black)
        self._paint_strokes(self._ink, self._strokes)
        self._show_ink()

    def _show_ink(self):
        """The canvas becomes the finished strokes plus the one in progress (as one path)."""
        self._image = QImage(self._ink)
        if self._current:
            self._paint_strokes(self._image, [(self._pen_width, self._current)])
        self.update()

    def _paint_strokes(self, image, strokes):
        """Paint ``strokes`` [(pen width, [QPointF, …]), …] onto ``image``, each as one path."""
        if not strokes:
            return
        painter = QPainter(image)
        painter.setRenderHint(QPainter.Antialiasing)
        for width, points in strokes:
            painter.setPen(self._pen(width))
            if len(points) == 1:
                painter.drawPoint(points[0])
                continue
            path = QPainterPath(points[0])
            for p in points[1:]:
                path.lineTo(p)
            painter.drawPath(path)
        painter.end()

    def paintEvent(self, event):
        painter = QPainter(self)
        painter.drawImage(event.rect(), self._image, event.rect())
        painter.setPen(QColor(128, 128, 128))  # a frame, so the black pad stands out from a dark window too
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        if self.is_empty():
            painter.setPen(QColor(120, 120, 120))
            font = painter.font()
            font.setPointSizeF(font.pointSizeF() * 1.3)
            painter.setFont(font)
            painter.drawText(self.rect(), Qt.AlignCenter, "draw a digit here")
        painter.end()

    # -- classification ---------------------------------------------------------------------
    def _predict(self):
        """Preprocess the canvas and classify it; emits input_changed and prediction_changed."""
        start = time.perf_counter()
        steps = preprocess(self.image())
        if steps.empty:
            return
        self._steps = steps
        x = steps.x
        self.input_changed.emit(x)
        if self._net is None:
            return
        self._probs = np.asarray(self._net.predict_proba(x), dtype=np.float64).reshape(-1)
        self.prediction_changed.emit(self._probs.copy())
        self._cost = time.perf_counter() - start  # the views that listen count too: they run right here

    def __repr__(self):
        return f"DrawPad({self._side}×{self._side}, pen {self._pen_width:g} px, {len(self._strokes)} strokes)"


def _gray_array(image):
    """One channel of an RGB32 QImage as a (h, w) uint8 array (a copy)."""
    h, w = image.height(), image.width()
    buf = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    return buf.reshape(h, image.bytesPerLine())[:, : 4 * w].reshape(h, w, 4)[:, :, 1].copy()
