"""PaletteFollower: the main window's plots and notices turn dark with the palette, and light again.

Qt repaints widgets in the new palette by itself; pyqtgraph plots have their colours set once, and a
widget with a style sheet (the notices) never hears of the application's new palette, so they are
re-coloured here when the window learns that the palette changed between light and dark. The network view
and the draw pad are dark canvases in both (zero weights fade into the view's dark backdrop; digits are
white on black as in MNIST) and need nothing. Light plots keep the colours their widgets gave them.
"""

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject

from gui.common.notice_bar import NoticeBar
from gui.common.theme import is_dark, style_plot_view

SMOOTHED = {False: (10, 70, 140), True: (120, 180, 245)}  # the loss plot's smoothed batch line: dark blue on white


class PaletteFollower(QObject):
    """Watches ``window`` for a palette change and re-colours its pyqtgraph views and notice bars."""

    def __init__(self, window):
        super().__init__(window)
        self._views = []  # pyqtgraph views that follow the palette
        self.dark = False  # what the plots show now (they are built light)
        for view in (getattr(window, "loss_plot", None), getattr(getattr(window, "digit_panel", None), "bars_plot", None)):
            if view is not None:
                self._views.append(view)
        window.installEventFilter(self)
        self.apply()

    def __repr__(self):
        return f"PaletteFollower({'dark' if self.dark else 'light'}, {len(self._views)} plots)"

    def follow(self, view):
        """Let the pyqtgraph ``view`` follow the palette too (it is coloured for the current one now)."""
        self._views.append(view)
        if self.dark:
            style_plot_view(view, True)

    def apply(self):
        """Colour the plots for the application's palette, if it changed between light and dark."""
        dark = is_dark()
        if dark == self.dark:
            return
        self.dark = dark
        for view in self._views:
            style_plot_view(view, dark)
        window = self.parent()  # the window is only ever reached through Qt: no reference cycle keeps it alive
        for bar in window.findChildren(NoticeBar):  # their style sheets keep the palette change from them
            bar.retint()
        loss_plot = getattr(window, "loss_plot", None)
        if loss_plot is not None and hasattr(loss_plot, "smooth_curve"):
            loss_plot.smooth_curve.setPen(pg.mkPen(*SMOOTHED[dark]))

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.ApplicationPaletteChange and obj is self.parent():
            self.apply()
        return False
