"""ClassGrid: one row per class of an image dataset — its name, sample count, mean image and examples."""

import numpy as np
from PySide6.QtCore import QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

import gui.common.colormaps as cm
from gui.common.formatting import percent, sig3

THUMB = 56  # thumbnail side: a 28×28 image at 2 px per pixel
ROW_GAP, GAP = 8, 4  # pixels between rows / between thumbnails
TOP = 24  # the column headings' strip
NAME_W, COUNT_W = 44, 120  # widths of the name and count columns
MAX_EXAMPLES = 16  # examples per class at most (as many as fit are painted)
INK, MUTED, BAR = QColor(40, 40, 40), QColor(120, 120, 120), QColor(*cm.POSITIVE)


class ClassGrid(QWidget):
    """Painted rows: class name │ count and bar │ mean image │ examples; tooltips give exact values."""

    sample_clicked = Signal(int)  # index of an example within the shown split

    def __init__(self, parent=None):
        super().__init__(parent)
        self._names = []  # class names
        self._counts = None  # (k,) samples per class in the shown split
        self._means = None  # (k, features) mean image per class, stored units × scale (0–1)
        self._examples = []  # k arrays of sample indices
        self._images = None  # (n, features) stored rows of the shown split
        self._shape, self._scale, self._split = (28, 28), 1.0, "train"
        self._thumbs = {}  # ("mean", c) or ("sample", i) → QImage
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip("One row per class: how many samples it has, its mean image and some examples.")

    def __repr__(self):
        return f"ClassGrid({len(self._names)} classes, {self._split})"

    def set_classes(self, names, counts, means, examples, images, shape, scale, split):
        """Show ``counts`` (k,), ``means`` (k, features) in stored units and ``examples`` (k arrays) of ``images``."""
        self._names, self._counts, self._examples = list(names), np.asarray(counts), list(examples)
        self._means = np.asarray(means, dtype=np.float64) * scale
        self._images, self._shape, self._scale, self._split = images, tuple(shape), float(scale), split
        self._thumbs.clear()
        self.updateGeometry()
        self.setMinimumHeight(self.sizeHint().height())
        self.update()

    def sizeHint(self):
        k = len(self._names)
        return QSize(NAME_W + COUNT_W + (THUMB + GAP) * 10 + 40, TOP + max(1, k) * (THUMB + ROW_GAP))

    # -- geometry ---------------------------------------------------------------------------------
    def _mean_x(self):
        return NAME_W + COUNT_W + 8

    def _examples_x(self):
        return self._mean_x() + THUMB + 20

    def n_fitting(self):
        """How many examples per class fit the current width."""
        return max(0, min(MAX_EXAMPLES, (self.width() - self._examples_x()) // (THUMB + GAP)))

    def item_at(self, pos):
        """("name" | "mean", class) or ("sample", class, index) under ``pos``, or None."""
        row, y = divmod(pos.y() - TOP, THUMB + ROW_GAP)
        if row < 0 or row >= len(self._names) or y >= THUMB:
            return None
        x = pos.x()
        if x < self._mean_x():
            return ("name", int(row))
        if x < self._mean_x() + THUMB:
            return ("mean", int(row))
        col, cx = divmod(x - self._examples_x(), THUMB + GAP)
        examples = self._examples[row]
        if x >= self._examples_x() and cx < THUMB and col < min(len(examples), self.n_fitting()):
            return ("sample", int(row), int(examples[col]))
        return None

    def example_rect(self, c, j):
        """The QRect of the j-th example of class c."""
        return QRect(self._examples_x() + j * (THUMB + GAP), TOP + c * (THUMB + ROW_GAP), THUMB, THUMB)

    # -- events -----------------------------------------------------------------------------------
    def mousePressEvent(self, event):
        item = self.item_at(event.position().toPoint())
        if item and item[0] == "sample" and event.button() == Qt.MouseButton.LeftButton:
            self.sample_clicked.emit(item[2])
        super().mousePressEvent(event)

    def event(self, event):
        if event.type() == event.Type.ToolTip and self._counts is not None:
            item = self.item_at(event.pos())
            if item is not None:
                QToolTip.showText(event.globalPos(), self.tooltip_for(item), self)
                return True
        return super().event(event)

    def tooltip_for(self, item):
        c = item[1]
        name, count, total = self._names[c], int(self._counts[c]), int(self._counts.sum())
        if item[0] == "name":
            share = count / total if total else float("nan")
            return (f"Class “{name}”: {count:,} {self._split} samples, {percent(share)} of {total:,} "
                    f"(exactly {share:.6g}).")
        if item[0] == "mean":
            m = self._means[c]
            peak = float(np.nanmax(m)) if count else float("nan")
            return (f"The mean of the {count:,} {self._split} images of “{name}”: each pixel is the average "
                    f"brightness (0–1) there; drawn with its brightest pixel, {sig3(peak)} (exactly {peak:.6g}), "
                    "as white.")
        return f"{self._split.capitalize()} sample #{item[2]:,}, class “{name}”."

    # -- painting ---------------------------------------------------------------------------------
    def _image(self, key):
        img = self._thumbs.get(key)
        if img is None:
            if key[0] == "mean":  # shown with its brightest pixel white: means are dim
                m = np.nan_to_num(self._means[key[1]])
                pixels = (m / m.max() if m.max() > 0 else m).reshape(self._shape)
            else:
                pixels = self._images[key[1]].reshape(self._shape).astype(np.float32) * np.float32(self._scale)
            img = self._thumbs[key] = cm.rgba_to_qimage(cm.sequential(np.nan_to_num(pixels)))
        return img

    def paintEvent(self, event):
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(255, 255, 255))
        if self._counts is None:
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)  # crisp pixels
        fm = painter.fontMetrics()
        top_count = max(1, int(self._counts.max()))
        fitting = self.n_fitting()
        painter.setPen(MUTED)
        for x, text in ((NAME_W, "samples"), (self._mean_x(), "mean"), (self._examples_x(), "examples")):
            painter.drawText(QRect(x, 0, 200, TOP - 4), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, text)
        for c, name in enumerate(self._names):
            y = TOP + c * (THUMB + ROW_GAP)
            if not QRect(0, y, self.width(), THUMB).intersects(event.rect()):
                continue
            painter.setPen(INK)
            painter.drawText(QRect(0, y, NAME_W - 8, THUMB),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             fm.elidedText(name, Qt.TextElideMode.ElideRight, NAME_W - 8))
            count = int(self._counts[c])
            bar = QRect(NAME_W, y + THUMB // 2 + 2, int((COUNT_W - 16) * count / top_count), 6)
            painter.fillRect(QRect(NAME_W, bar.y(), COUNT_W - 16, 6), QColor(238, 238, 238))
            painter.fillRect(bar, BAR)
            painter.drawText(QRect(NAME_W, y, COUNT_W - 16, THUMB // 2), Qt.AlignmentFlag.AlignLeft |
                             Qt.AlignmentFlag.AlignBottom, f"{count:,}")
            if count:
                painter.drawImage(QRectF(self._mean_x(), y, THUMB, THUMB), self._image(("mean", c)))
            for j, i in enumerate(self._examples[c][:fitting]):
                painter.drawImage(QRectF(self.example_rect(c, j)), self._image(("sample", int(i))))
        painter.setPen(MUTED)
        painter.drawLine(self._examples_x() - 10, TOP, self._examples_x() - 10, self.height() - ROW_GAP)
