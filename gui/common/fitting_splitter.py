"""FittingSplitter: a side-by-side splitter whose first pane takes the width its content can use.

A confusion matrix can only use as much width as its height allows (its cells are square); whatever
is left goes to the pane beside it. After each resize the first pane gets ``wanted_width()`` (at most
``max_share`` of the whole), until the person drags the handle: from then on their widths stay.
"""

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import QSplitter


class FittingSplitter(QSplitter):
    """Two panes side by side; the first one sized by ``wanted_width()`` after every resize."""

    def __init__(self, wanted_width, max_share=0.6, parent=None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.wanted_width = wanted_width  # () -> pixels the first pane can use at its current height
        self.max_share = max_share  # the first pane never takes more than this share of the width
        self.by_hand = False  # the handle was dragged: the widths are the person's
        self._timer = QTimer(self)  # fits once the panes' own layouts have settled after a resize
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.fit)
        self.splitterMoved.connect(self._on_moved)

    def __repr__(self):
        return f"FittingSplitter({self.sizes()}, by_hand={self.by_hand})"

    @Slot()
    def fit(self):
        """Give the first pane the width it wants (at most ``max_share``), the second the rest."""
        if self.count() < 2 or self.by_hand:
            return
        total = sum(self.sizes())
        first = min(int(self.wanted_width()), int(total * self.max_share))
        self.setSizes([first, total - first])

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if not self.by_hand:
            self._timer.start(0)

    @Slot(int, int)
    def _on_moved(self, _pos, _index):
        self.by_hand = True
