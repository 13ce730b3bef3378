"""ToolbarFit: the training toolbar drops the words beside its icons, one button at a time, until it fits.

At 1024 px wide (a projector) the words pushed the last controls (the edge selector) behind the toolbar's
» menu, where nobody finds them. So when the toolbar wants more than its width, the buttons named in
``drop_order`` show their icon alone, first to last, until everything fits; their tooltips and keys still
name them. A wider window gives the words back.
"""

from PySide6.QtCore import QEvent, QObject, Qt

WORDS, ICON = Qt.ToolButtonStyle.ToolButtonTextBesideIcon, Qt.ToolButtonStyle.ToolButtonIconOnly


class ToolbarFit(QObject):
    """Watches ``toolbar``'s width (its Resize events); ``drop_order``: the actions whose words go first."""

    def __init__(self, toolbar, drop_order):
        super().__init__(toolbar)
        self.toolbar, self.drop_order = toolbar, list(drop_order)
        toolbar.installEventFilter(self)

    def eventFilter(self, obj, event):
        if obj is self.toolbar and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.fit()
        return False

    def buttons(self):
        return [button for button in map(self.toolbar.widgetForAction, self.drop_order) if button is not None]

    def fit(self):
        """Words on every button, then icons alone on the first of ``drop_order`` until the toolbar fits."""
        width, buttons = self.toolbar.width(), self.buttons()
        for button in buttons:
            button.setToolButtonStyle(WORDS)
        for button in buttons:
            if self._wanted() <= width:
                break
            button.setToolButtonStyle(ICON)

    def _wanted(self):
        layout = self.toolbar.layout()
        layout.invalidate()
        return layout.sizeHint().width()
