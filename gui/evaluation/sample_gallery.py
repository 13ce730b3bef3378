"""SampleGallery: image samples as cards (thumbnail, true → predicted, top-3 probabilities), scrollable.

Only the cards in view are painted and only their thumbnails are made, so ten thousand samples
scroll as smoothly as ten.
"""

import numpy as np
from PySide6.QtCore import QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QAbstractScrollArea, QToolTip

import gui.common.colormaps as cm
from gui.common.formatting import sig3

CARD_W, CARD_H, GAP = 112, 152, 6  # card size and the space between cards, in pixels
THUMB = 84  # thumbnail side: a 28×28 image at 3 px per pixel
TOP_K = 3  # probabilities listed on each card
MAX_CACHED = 3000  # thumbnails kept before the cache starts over
INK, MUTED = QColor(40, 40, 40), QColor(120, 120, 120)
RIGHT, WRONG, OTHER = QColor(*cm.POSITIVE), QColor(*cm.NEGATIVE), QColor(200, 200, 200)


def short_probability(q):
    """A probability for a card: 3 significant digits, or "<0.001" (the tooltip has the exact value)."""
    return sig3(q) if q >= 0.001 or q == 0 else "<0.001"


class SampleGallery(QAbstractScrollArea):
    """A grid of image samples of one EvaluationResult (``set_samples``), in the order given."""

    sample_clicked = Signal(int)  # index of the sample within its split

    def __init__(self, parent=None):
        super().__init__(parent)
        self._result = None  # the EvaluationResult the cards describe
        self._images = None  # (n, features) stored rows of the result's split
        self._shape = (28, 28)  # (h, w) of one image
        self._scale = 1.0  # stored value × scale = pixel in [0, 1]
        self._indices = np.empty(0, dtype=np.int64)  # samples shown, in order
        self._thumbs = {}  # sample index → QImage (made when first painted)
        self.empty_text = "Nothing to show."  # painted when there are no samples
        self.viewport().setMouseTracking(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verticalScrollBar().setSingleStep(CARD_H // 4)
        self.setToolTip("Each card: the image, true → predicted class, and the top probabilities. "
                        "Blue bar: the true class; orange: a wrong guess. Click a card to see it in the network view.")

    def __repr__(self):
        return f"SampleGallery({len(self._indices)} samples)"

    def set_samples(self, result, dataset, indices):
        """Show samples ``indices`` of ``result``'s split of ``dataset`` (an image dataset), in that order."""
        images = None if dataset is None or result is None else dataset.split(result.split)[0]
        if images is not self._images:
            self._thumbs.clear()
        self._result, self._images = result, images
        if dataset is not None:
            self._shape, self._scale = tuple(dataset.input_shape), float(dataset.scale)
        self._indices = np.asarray(indices if indices is not None else [], dtype=np.int64)
        self.verticalScrollBar().setValue(0)
        self._update_scroll_range()
        self.viewport().update()

    def indices(self):
        """The sample indices shown, in order."""
        return self._indices.copy()

    # -- geometry ---------------------------------------------------------------------------------
    def _columns(self):
        return max(1, (self.viewport().width() - GAP) // (CARD_W + GAP))

    def _left(self):
        """x of the first column: the grid is centred in the viewport."""
        cols = min(self._columns(), max(1, len(self._indices)))
        return max(GAP, (self.viewport().width() - cols * (CARD_W + GAP) + GAP) // 2)

    def card_rect(self, position):
        """The QRect of the card at ``position`` in the shown order, in viewport coordinates."""
        cols = self._columns()
        row, col = divmod(int(position), cols)
        return QRect(self._left() + col * (CARD_W + GAP), GAP + row * (CARD_H + GAP) - self.verticalScrollBar().value(),
                     CARD_W, CARD_H)

    def position_at(self, pos):
        """Position in the shown order of the card under viewport point ``pos``, or None."""
        y = pos.y() + self.verticalScrollBar().value() - GAP
        x = pos.x() - self._left()
        if x < 0 or y < 0:
            return None
        col, cx = divmod(x, CARD_W + GAP)
        row, cy = divmod(y, CARD_H + GAP)
        if cx >= CARD_W or cy >= CARD_H or col >= self._columns():
            return None
        position = int(row * self._columns() + col)
        return position if position < len(self._indices) else None

    def _update_scroll_range(self):
        rows = -(-len(self._indices) // self._columns())
        height = GAP + rows * (CARD_H + GAP)
        bar = self.verticalScrollBar()
        bar.setRange(0, max(0, height - self.viewport().height()))
        bar.setPageStep(self.viewport().height())

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._update_scroll_range()

    # -- events -----------------------------------------------------------------------------------
    def mousePressEvent(self, event):
        position = self.position_at(event.position().toPoint())
        if position is not None and event.button() == Qt.MouseButton.LeftButton:
            self.sample_clicked.emit(int(self._indices[position]))
        super().mousePressEvent(event)

    def viewportEvent(self, event):
        if event.type() == event.Type.ToolTip:
            position = self.position_at(event.pos())
            if position is not None:
                QToolTip.showText(event.globalPos(), self.tooltip_for(int(self._indices[position])), self.viewport())
                return True
        return super().viewportEvent(event)

    def tooltip_for(self, i):
        """What a card's tooltip says about sample ``i``: classes, exact probabilities, top 3."""
        r = self._result
        names = r.class_names
        t, p = int(r.labels[i]), int(r.predicted[i])
        order, probs = r.top(i, TOP_K)
        top = ", ".join(f"{names[c]}: {sig3(float(q))}" for c, q in zip(order, probs))
        return (f"{r.split.capitalize()} sample #{i:,}: true “{names[t]}”, predicted “{names[p]}” with "
                f"probability {sig3(float(r.confidence[i]))} (exactly {float(r.confidence[i]):.6g}); "
                f"true class: {float(r.probabilities[t, i]):.6g}. Top {len(order)}: {top}.")

    # -- painting ---------------------------------------------------------------------------------
    def _thumbnail(self, i):
        img = self._thumbs.get(i)
        if img is None:
            if len(self._thumbs) >= MAX_CACHED:
                self._thumbs.clear()
            pixels = self._images[i].reshape(self._shape).astype(np.float32) * np.float32(self._scale)
            img = self._thumbs[i] = cm.rgba_to_qimage(cm.sequential(pixels))
        return img

    def paintEvent(self, event):
        painter = QPainter(self.viewport())
        painter.fillRect(self.viewport().rect(), QColor(255, 255, 255))
        n = len(self._indices)
        if n == 0 or self._result is None:
            painter.setPen(MUTED)
            painter.drawText(self.viewport().rect().adjusted(12, 12, -12, -12),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.empty_text)
            return
        cols = self._columns()
        scroll = self.verticalScrollBar().value()
        first_row = max(0, (scroll - GAP) // (CARD_H + GAP))
        last_row = (scroll + self.viewport().height()) // (CARD_H + GAP)
        small = QFont(self.font())
        small.setPointSizeF(max(6.5, self.font().pointSizeF() - 1.5))
        bold = QFont(self.font())
        bold.setBold(True)
        for position in range(first_row * cols, min(n, (last_row + 1) * cols)):
            self._paint_card(painter, self.card_rect(position), int(self._indices[position]), small, bold)

    def _paint_card(self, painter, rect, i, small, bold):
        r = self._result
        t, p = int(r.labels[i]), int(r.predicted[i])
        painter.setPen(QPen(QColor(215, 215, 215), 1))
        painter.setBrush(QColor(250, 250, 250))
        painter.drawRect(rect.adjusted(0, 0, -1, -1))
        thumb = QRect(rect.x() + (CARD_W - THUMB) // 2, rect.y() + 6, THUMB, THUMB)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)  # crisp pixels
        painter.drawImage(QRectF(thumb), self._thumbnail(i))
        # "true → predicted", the prediction coloured by whether it is right
        names = r.class_names
        painter.setFont(bold)
        fm = painter.fontMetrics()
        parts = [(names[t], INK), (" → ", MUTED), (names[p], RIGHT if t == p else WRONG)]
        width = sum(fm.horizontalAdvance(s) for s, _ in parts)
        x, y = rect.x() + max(4, (CARD_W - width) // 2), thumb.bottom() + 4
        for text, color in parts:
            painter.setPen(color)
            painter.drawText(QRect(x, y, CARD_W, fm.height()), Qt.AlignmentFlag.AlignLeft, text)
            x += fm.horizontalAdvance(text)
        y += fm.height() + 2
        # top-k bars: class name, bar, probability
        painter.setFont(small)
        fm = painter.fontMetrics()
        order, probs = r.top(i, TOP_K)
        row_h = fm.height() + 1
        label_w, value_w = 16, fm.horizontalAdvance("<0.001") + 4
        bar_w = CARD_W - 12 - label_w - value_w
        for c, q in zip(order, probs):
            x = rect.x() + 6
            painter.setPen(INK)
            painter.drawText(QRect(x, y, label_w, row_h), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             fm.elidedText(names[c], Qt.TextElideMode.ElideRight, label_w))
            color = RIGHT if c == t else WRONG if c == p else OTHER
            painter.fillRect(QRect(x + label_w, y + 3, bar_w, row_h - 6), QColor(238, 238, 238))
            painter.fillRect(QRect(x + label_w, y + 3, max(1, int(round(bar_w * float(q)))), row_h - 6), color)
            painter.drawText(QRect(x + label_w + bar_w, y, value_w, row_h),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, short_probability(float(q)))
            y += row_h
