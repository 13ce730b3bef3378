"""LiveLabel: a one-line QLabel whose text may change several times a second without laying the window out.

Every ``QLabel.setText`` asks its layout for a new layout, and Qt passes that request up through every
layout to the window, which lays everything out again: measured in the main window, ~2 ms of GUI-thread
time per change, against 0.3 ms for a label of fixed size. While training runs at full speed that time is
taken from training (the GIL). A LiveLabel repaints a new text that fits the room it has, and asks for a
layout only when a text outgrows that room (or has a second line); a shorter text leaves the room as it
is until the window is laid out for another reason. With a horizontal size policy of Ignored the room
never depends on the text, so no text asks for a layout.
"""

from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QSizePolicy


class LiveLabel(QLabel):
    """A QLabel for plain one-line text that changes often (counters, status); see the module docstring."""

    def __init__(self, text="", parent=None):
        super().__init__(text, parent)
        self._live = text  # the text shown; QLabel's own is the one the layout last measured

    def text(self):
        return self._live

    def setText(self, text):
        text = str(text)
        if text == self._live:
            return
        self._live = text
        self.setAccessibleName(text)  # QLabel's accessible text is its own, which may lag behind
        if "\n" in text or not self._fits(text):
            super().setText(text)  # a layout: more room, or another line
        else:
            self.update()

    def clear(self):
        self.setText("")

    def _fits(self, text):
        if self.sizePolicy().horizontalPolicy() == QSizePolicy.Policy.Ignored:
            return self.isVisible() or not text  # the layout gives it room whatever it says
        room = self.contentsRect().width() - 2 * self.margin() - max(self.indent(), 0)
        return self.isVisible() and self.fontMetrics().horizontalAdvance(text) <= room

    def paintEvent(self, event):
        if QLabel.text(self) == self._live:
            super().paintEvent(event)
            return
        painter = QPainter(self)
        margin = self.margin()
        rect = self.contentsRect().adjusted(margin, margin, -margin, -margin)
        self.style().drawItemText(painter, rect, int(self.alignment()), self.palette(), self.isEnabled(),
                                  self._live, self.foregroundRole())
        painter.end()
