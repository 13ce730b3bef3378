"""KeyRouting: which of a window's keys go to the focused field and which to the window's shortcuts.

Space plays and pauses anywhere in the window, number fields included (a space is no part of a number);
only a text field takes it, to type it. Arrow keys stay with the widgets that move by them (sliders, number
and text fields, lists, tab bars), and are Step back / Step batch / Step phase everywhere else. Esc leaves
a number or text field, so the keys are the window's again.
"""

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (QAbstractItemView, QAbstractSlider, QAbstractSpinBox, QApplication, QLineEdit,
                               QPlainTextEdit, QTabBar, QTextEdit)

ARROWS = (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down)
MOVES_BY_ARROWS = (QAbstractSlider, QAbstractSpinBox, QLineEdit, QAbstractItemView, QTextEdit, QPlainTextEdit,
                   QTabBar)
TEXT_FIELDS = (QLineEdit, QTextEdit, QPlainTextEdit)


def _number_field(widget):
    """The spin box ``widget`` is or edits (its line edit), else None."""
    for w in (widget, widget.parentWidget()):
        if isinstance(w, QAbstractSpinBox):
            return w
    return None


class KeyRouting(QObject):
    """Installed on the application for ``window``: routes Space, the arrows and Esc (module docstring)."""

    def __init__(self, window):
        super().__init__(window)
        QApplication.instance().installEventFilter(self)

    def __repr__(self):
        return f"KeyRouting({type(self.parent()).__name__})"

    def eventFilter(self, obj, event):
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) or not obj.isWidgetType():
            return False
        if obj.window() is not self.parent():
            return False
        key = event.key()
        if kind == QEvent.Type.ShortcutOverride:
            if key == Qt.Key.Key_Space and event.modifiers() == Qt.KeyboardModifier.NoModifier:
                if _number_field(obj) is not None:
                    event.ignore()  # not the field's: the window's Space shortcut (play/pause) takes it
                    return True
            elif key in ARROWS and isinstance(obj, MOVES_BY_ARROWS):
                event.accept()  # the slider, field or list moves by it; the step shortcuts do not fire
                return True
            return False
        if key == Qt.Key.Key_Escape and (_number_field(obj) is not None or isinstance(obj, TEXT_FIELDS)):
            field = _number_field(obj) or obj
            field.clearFocus()
            self.parent().setFocus(Qt.FocusReason.ShortcutFocusReason)
            return True
        return False
