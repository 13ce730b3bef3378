"""KeyRouting: which of a window's keys go to the focused field and which to the window's shortcuts.

Space plays and pauses anywhere in the window, number fields included (a space is no part of a number);
only a text field takes it, to type it. Arrow keys stay with the widgets that move by them (sliders, number
and text fields, lists, tab bars), and are Step back / Step batch / Step phase everywhere else. Esc leaves
a number or text field, so the keys are the window's again.
"""

from PySide6.QtCore import QEvent, QObject, Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

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
    """Routes Space, the arrows and Esc for ``window`` (module docstring): it filters the events of the window's
    focus widget only (keys go there first), so no other event pays for it."""

    def __init__(self, window):
        super().__init__(window)
        self._watched = None  # the focus widget whose events are filtered
        QApplication.instance().focusChanged.connect(self._on_focus_changed)
        self._on_focus_changed(None, QApplication.focusWidget())

    @Slot(QWidget, QWidget)
    def _on_focus_changed(self, old, now):
        if self._watched is not None:
            try:
                self._watched.removeEventFilter(self)
            except RuntimeError:  # already deleted
                pass
            self._watched = None
        if now is not None and now.window() is self.parent():
            now.installEventFilter(self)
            self._watched = now

    def __repr__(self):
        return f"KeyRouting({type(self.parent()).__name__})"

    def eventFilter(self, obj, event):
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
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
