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
    """Watches ``window`` for a palette change and re-colours the pyqtgraph ``views`` and its notice bars.

    loss_plot : the LossPlot among the views, whose smoothed line has a colour of its own.
    """

    def __init__(self, window, views, loss_plot):
        super().__init__(window)
        self._views = list(views)  # pyqtgraph views that follow the palette
        self._loss_plot = loss_plot
        self.dark = False  # what the plots show now (they are built light)
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
        for bar in self.parent().findChildren(NoticeBar):  # their style sheets keep the palette change from them
            bar.retint()
        self._loss_plot.smooth_curve.setPen(pg.mkPen(*SMOOTHED[dark]))

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.ApplicationPaletteChange and obj is self.parent():
            self.apply()
        return False
