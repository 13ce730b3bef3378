"""make_action: a window's QAction from its spec, so every action is named, keyed and explained alike."""

from PySide6.QtGui import QAction, QKeySequence


def make_action(parent, name, text, keys="", tip="", icon=None):
    """A QAction with objectName ``name``; its tooltip is ``tip`` with the shortcut in brackets, its status tip ``tip``."""
    action = QAction(text, parent) if icon is None else QAction(icon, text, parent)
    action.setObjectName(name)
    if keys:
        action.setShortcut(QKeySequence(keys))
    explain(action, tip)
    return action


def explain(action, tip):
    """Give ``action`` the tooltip ``tip`` with its shortcut in brackets, and the status tip ``tip``."""
    action.setStatusTip(tip)
    keys = action.shortcut()
    if not keys.isEmpty():
        native = keys.toString(QKeySequence.SequenceFormat.NativeText)
        tip = f"{tip} ({native})" if tip else native
    action.setToolTip(tip)
