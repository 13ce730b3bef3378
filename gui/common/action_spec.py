"""make_action: a window's QAction from its spec, so every action is named, keyed and explained alike."""

from PySide6.QtGui import QAction, QKeySequence


def make_action(parent, name, text, keys="", tip="", icon=None):
    """A QAction with objectName ``name``; its tooltip is ``tip`` with the shortcut in brackets, its status tip ``tip``."""
    action = QAction(text, parent) if icon is None else QAction(icon, text, parent)
    action.setObjectName(name)
    action.setStatusTip(tip)
    if keys:
        action.setShortcut(QKeySequence(keys))
        native = QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)
        tip = f"{tip} ({native})" if tip else native
    action.setToolTip(tip)
    return action
