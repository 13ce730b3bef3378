"""ConfusionMatrixView: counts of (true class, predicted class) as a grid of cells; click one to pick it.

Right answers (the diagonal) are blue, shaded by the share of their class; mistakes are orange, shaded
by their count relative to the largest mistake cell, so a handful of errors is still visible next to a
diagonal of a thousand. Blue and orange are the app's positive/negative pair (colour-blind safe).
"""

import numpy as np
from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

import gui.common.colormaps as cm
from gui.common.formatting import percent
from gui.common.theme import is_dark, pick

EMPTY = (246, 246, 246)  # a cell with no samples
PAPER = (255, 255, 255)  # where shades start from
INK = QColor(40, 40, 40)
DARK_PAPER, DARK_EMPTY, DARK_INK = (32, 33, 37), (44, 45, 50), QColor(215, 216, 221)  # the same under a dark palette
MAX_CELL, MIN_CELL = 64, 14  # cell side in pixels
MAX_CELL_FEW = 110  # cell side at most when there are only a few classes


def cell_rgb(count, row_total, is_diagonal, max_wrong, paper=PAPER):
    """RGB 0–255 of one cell: blue by the row share on the diagonal, orange by count relative off it."""
    if count == 0:
        return EMPTY if paper == PAPER else DARK_EMPTY
    if is_diagonal:
        t, end = count / max(row_total, 1), cm.POSITIVE
    else:
        t, end = np.sqrt(count / max(max_wrong, 1)), cm.NEGATIVE  # sqrt: single errors still show
    t = 0.12 + 0.88 * float(t)
    return tuple(int(round(p + (e - p) * t)) for p, e in zip(paper, end))


class ConfusionMatrixView(QWidget):
    """The confusion matrix of an EvaluationResult, with each true class's accuracy beside its row."""

    cell_clicked = Signal(int, int)  # true class, predicted class

    def __init__(self, parent=None):
        super().__init__(parent)
        self._confusion = None  # (k, k) counts, rows = true class
        self._names = []  # class names, k of them
        self._accuracy = None  # (k,) per true class
        self._selected = None  # (true, predicted) of the highlighted cell, or None
        self._hover = None  # the cell under the mouse
        self.setMouseTracking(True)
        self.setMinimumSize(220, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setToolTip("Rows: true class; columns: predicted class. Click a cell to see its samples.")

    def __repr__(self):
        k = 0 if self._confusion is None else len(self._confusion)
        return f"ConfusionMatrixView({k}×{k}, selected={self._selected})"

    # -- data -------------------------------------------------------------------------------------
    def set_result(self, result):
        """Show ``result``'s matrix (None clears); the selection is dropped."""
        if result is None:
            self._confusion, self._accuracy = None, None  # the class names stay: they size the widget
        else:
            self._confusion = np.asarray(result.confusion)
            self._names = list(result.class_names)
            self._accuracy = result.per_class_accuracy()
        self._selected = self._hover = None
        self.updateGeometry()
        self.update()

    def set_classes(self, names):
        """The class names to expect (sizes the widget before any result arrives); drops the result."""
        self.set_result(None)
        self._names = list(names)
        self.updateGeometry()

    def confusion(self):
        return self._confusion

    def selected(self):
        """(true, predicted) of the highlighted cell, or None."""
        return self._selected

    def select(self, true, predicted):
        """Highlight a cell (None, None clears) without emitting ``cell_clicked``."""
        self._selected = None if true is None else (int(true), int(predicted))
        self.update()

    # -- geometry ---------------------------------------------------------------------------------
    def _layout(self):
        """(cell side, grid left, grid top) for the current size."""
        k = max(1, 0 if self._confusion is None else len(self._confusion))
        left, top, right, bottom = self._margins()
        side = min((self.width() - left - right) / k, (self.height() - top - bottom) / k)
        side = int(max(MIN_CELL, min(MAX_CELL if k > 4 else MAX_CELL_FEW, side)))
        # centre the whole block horizontally when there is room to spare
        spare = self.width() - (left + k * side + right)
        return side, left + max(0, spare // 2), top

    def _margins(self):
        """(left, top, right, bottom) around the cells: captions, class names, the accuracy column, the legend."""
        fm = self.fontMetrics()
        left = fm.height() + 6 + self._label_width()  # the rotated "true class" caption, then row names
        top = 2 * fm.height() + 10  # "predicted class" caption, then column names
        return left, top, self._accuracy_width() + 16, 2 * fm.height() + 16

    def width_for_height(self, height):
        """The width at which the cells are as large as ``height`` lets them be: more width adds only margin."""
        k = max(1, len(self._names))
        left, top, right, bottom = self._margins()
        side = max(MIN_CELL, min(MAX_CELL if k > 4 else MAX_CELL_FEW, (height - top - bottom) // k))
        return left + k * side + right

    def _label_width(self):
        fm = self.fontMetrics()
        return max([fm.horizontalAdvance(n) for n in self._names] + [fm.horizontalAdvance("0")]) + 10

    def _accuracy_width(self):
        fm = self.fontMetrics()
        texts = ["100 %", "right"] + ([] if self._accuracy is None else [percent(a) for a in self._accuracy])
        return max(fm.horizontalAdvance(t) for t in texts)

    def cell_rect(self, true, predicted):
        """The QRect of a cell in widget coordinates."""
        side, left, top = self._layout()
        return QRect(left + predicted * side, top + true * side, side, side)

    def cell_at(self, pos):
        """(true, predicted) under a widget position, or None."""
        if self._confusion is None:
            return None
        side, left, top = self._layout()
        col, row = (pos.x() - left) // side, (pos.y() - top) // side
        k = len(self._confusion)
        return (int(row), int(col)) if 0 <= row < k and 0 <= col < k else None

    def sizeHint(self):
        k = len(self._names) or 10
        side = 32 if k > 4 else 96  # 10 classes: room beside the matrix for three gallery columns
        return QSize(k * side + 2 * self._label_width() + 90, k * side + 120)

    # -- events -----------------------------------------------------------------------------------
    def mousePressEvent(self, event):
        cell = self.cell_at(event.position().toPoint())
        if cell is not None and event.button() == Qt.MouseButton.LeftButton:
            self._selected = cell
            self.update()
            self.cell_clicked.emit(*cell)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event):
        cell = self.cell_at(event.position().toPoint())
        if cell != self._hover:
            self._hover = cell
            self.setCursor(Qt.CursorShape.PointingHandCursor if cell else Qt.CursorShape.ArrowCursor)
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event):
        self._hover = None
        self.update()
        super().leaveEvent(event)

    def event(self, event):
        if event.type() == event.Type.ToolTip and self._confusion is not None:
            tip = self.tooltip_at(event.pos())
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)
                return True
        return super().event(event)

    def tooltip_at(self, pos):
        """The tooltip text for a widget position: a cell's counts or a row's accuracy."""
        cell = self.cell_at(pos)
        m = self._confusion
        if cell is not None:
            t, p = cell
            count, total = int(m[t, p]), int(m[t].sum())
            share = f" ({percent(count / total)} of the {total:,} “{self._names[t]}” samples; exactly " \
                    f"{count / total:.6g})" if total else ""
            what = "right" if t == p else "wrong"
            return (f"True “{self._names[t]}”, predicted “{self._names[p]}” ({what}): {count:,} samples"
                    f"{share}. Click to show them in the gallery.")
        side, left, top = self._layout()
        k = len(m)
        row = (pos.y() - top) // side
        if left + k * side <= pos.x() and 0 <= row < k:
            acc = self._accuracy[row]
            if np.isfinite(acc):
                return (f"Accuracy on true class “{self._names[row]}”: {percent(acc)} "
                        f"({int(m[row, row]):,} of {int(m[row].sum()):,} right; exactly {acc:.6g}).")
        return None

    # -- painting ---------------------------------------------------------------------------------
    def paintEvent(self, event):
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        dark = is_dark()
        paper, ink = (DARK_PAPER, DARK_INK) if dark else (PAPER, INK)
        painter.fillRect(self.rect(), QColor(*paper))
        if self._confusion is None:
            painter.setPen(QColor(120, 120, 120))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             "Evaluate the model to see its confusion matrix.")
            return
        m, k = self._confusion, len(self._confusion)
        side, left, top = self._layout()
        fm = self.fontMetrics()
        rows = m.sum(axis=1)
        off = m.copy()
        np.fill_diagonal(off, 0)
        max_wrong = int(off.max()) if off.size else 0
        small = QFont(self.font())
        small.setPointSizeF(max(6.0, min(self.font().pointSizeF(), side / 4.2)))
        painter.setFont(small)
        for t in range(k):
            for p in range(k):
                rect = QRect(left + p * side, top + t * side, side, side)
                rgb = cell_rgb(int(m[t, p]), int(rows[t]), t == p, max_wrong, paper)
                painter.fillRect(rect, QColor(*rgb))
                if m[t, p]:
                    deep = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2] < 150
                    painter.setPen(QColor(255, 255, 255) if deep else INK)
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"{int(m[t, p]):,}")
        painter.setPen(QPen(QColor(*pick((225, 225, 225), (70, 71, 78))), 1))
        for i in range(k + 1):
            painter.drawLine(left, top + i * side, left + k * side, top + i * side)
            painter.drawLine(left + i * side, top, left + i * side, top + k * side)
        painter.setFont(self.font())
        self._paint_labels(painter, side, left, top, k, fm, ink)
        self._paint_legend(painter, left, top + k * side + 8, fm, paper)
        for cell, pen in ((self._hover, QPen(QColor(90, 90, 90), 1)), (self._selected, QPen(ink, 3))):
            if cell is not None:
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(self.cell_rect(*cell).adjusted(1, 1, -1, -1))

    def _paint_labels(self, painter, side, left, top, k, fm, ink=INK):
        painter.setPen(ink)
        h = fm.height()
        for i, name in enumerate(self._names):
            painter.drawText(QRect(0, top + i * side, left - 6, side),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name)
            painter.drawText(QRect(left + i * side, top - h - 4, side, h), Qt.AlignmentFlag.AlignCenter,
                             fm.elidedText(name, Qt.TextElideMode.ElideRight, side))
        painter.setPen(QColor(*pick((100, 100, 100), (160, 162, 170))))
        painter.drawText(QRect(left, 2, k * side, h), Qt.AlignmentFlag.AlignCenter, "predicted class →")
        painter.save()
        painter.translate(QPointF(left - self._label_width() - h * 0.2, top + k * side / 2))
        painter.rotate(-90)
        painter.drawText(QRectF(-k * side / 2, -h, k * side, h * 1.2), Qt.AlignmentFlag.AlignCenter, "← true class")
        painter.restore()
        x = left + k * side + 8
        painter.drawText(QRect(x, top - h - 4, 80, h), Qt.AlignmentFlag.AlignLeft, "right")
        for i, acc in enumerate(self._accuracy):
            painter.setPen(ink if np.isfinite(acc) else QColor(150, 150, 150))
            painter.drawText(QRect(x, top + i * side, 80, side), Qt.AlignmentFlag.AlignLeft |
                             Qt.AlignmentFlag.AlignVCenter, percent(acc) if np.isfinite(acc) else "–")

    def _paint_legend(self, painter, x, y, fm, paper=PAPER):
        h = fm.height()
        for label, end in (("right (share of the class)", cm.POSITIVE), ("wrong (count)", cm.NEGATIVE)):
            for j in range(5):
                rgb = tuple(int(p + (e - p) * (0.12 + 0.22 * j)) for p, e in zip(paper, end))
                painter.fillRect(QRect(x + j * 8, y + 2, 8, h - 4), QColor(*rgb))
            painter.setPen(QColor(*pick((90, 90, 90), (170, 172, 180))))
            painter.drawText(QRect(x + 46, y, 400, h), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             label)
            y += h + 2
