"""LocalKeysFirst: a window-wide shortcut gives way inside a part that has its own action on the same keys.

Qt finds two active shortcuts on one key ambiguous and triggers neither: the window's Ctrl+Z (Undo
reset) and the draw pad's (undo a stroke, active in the pad's panel) would both be dead there. So
while the focus is inside a widget with its own action on those keys, the window's action matches
nothing (its context becomes the window widget itself, which never has the focus); elsewhere it is a
window shortcut again. Its menu item works throughout and shows the same keys.
"""

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QApplication

LOCAL = (Qt.ShortcutContext.WidgetWithChildrenShortcut, Qt.ShortcutContext.WidgetShortcut)


class LocalKeysFirst(QObject):
    """Watches the focus in ``window`` and lets its ``actions`` give way to local ones on the same keys."""

    def __init__(self, window, actions):
        super().__init__(window)
        self._actions = list(actions)
        QApplication.instance().focusChanged.connect(self._on_focus)

    def __repr__(self):
        return f"LocalKeysFirst({', '.join(a.objectName() for a in self._actions)})"

    @Slot(object, object)
    def _on_focus(self, old, new):
        for action in self._actions:
            local = _has_local_action(new, self.parent(), action)
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut if local else
                                      Qt.ShortcutContext.WindowShortcut)


def _has_local_action(widget, window, action):
    """True when ``widget`` or a parent inside ``window`` has another action on ``action``'s keys, active there."""
    keys, first = action.shortcut(), widget
    while widget is not None and widget is not window:
        for other in widget.actions():
            context = other.shortcutContext()
            if other is not action and other.shortcut() == keys and context in LOCAL and (
                    context == Qt.ShortcutContext.WidgetWithChildrenShortcut or widget is first):
                return True
        widget = widget.parentWidget()
    return False
