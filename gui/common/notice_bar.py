"""NoticeBar: a slim, non-modal message strip above the views, with optional buttons and a close box."""

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton

from gui.common.theme import is_dark

_STYLES = {  # background, border, text
    "info": ("#e8f1fb", "#9cc0e8", "#13395e"),
    "warning": ("#fdf3df", "#e6c07a", "#5c3d00"),
    "error": ("#fbe6e6", "#e09a9a", "#6b1111"),
}
_DARK_STYLES = {  # the same tints on a dark palette: deep background, light text
    "info": ("#1c2f45", "#3d6791", "#d3e6fb"),
    "warning": ("#3a2e14", "#8c6c2c", "#f6e2b3"),
    "error": ("#40201f", "#904848", "#f8d0d0"),
}


class NoticeBar(QFrame):
    """One message at a time; ``show_message`` replaces it, the ✕ or ``clear`` hides the bar."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.kind = "info"  # "info", "warning" or "error"
        self.sticky = False  # the message shown survives ``clear_passing`` (MNIST missing)
        self._dark = None  # whether the tint in use is the dark palette's (None: none yet)
        self._buttons = []  # the buttons of the current message
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 5, 4, 5)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label, 1)
        self._button_layout = QHBoxLayout()
        layout.addLayout(self._button_layout)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Hides this message.")
        self.close_button.clicked.connect(self.clear)
        layout.addWidget(self.close_button)
        self.hide()

    def __repr__(self):
        return f"NoticeBar({self.kind}, {self.text()!r})"

    def text(self):
        """The message shown, or "" when the bar is hidden."""
        return "" if self.isHidden() else self.label.text()

    def show_message(self, text, kind="info", buttons=(), tooltip="", sticky=False):
        """Show ``text``; ``buttons`` are (label, tooltip, callable) triples placed at the right.

        Unless ``sticky``, ``clear_passing`` (the window's reset) hides it.
        """
        self.kind = kind
        self.sticky = sticky
        self._dark = is_dark()
        self.retint()
        self.label.setText(text)
        self.label.setToolTip(tooltip)
        for button in self._buttons:
            self._button_layout.removeWidget(button)
            button.deleteLater()
        self._buttons = []
        for label, tip, callback in buttons:
            button = QPushButton(label)
            button.setToolTip(tip)
            button.clicked.connect(callback)
            self._button_layout.addWidget(button)
            self._buttons.append(button)
        self.show()

    def retint(self):
        """Colour the bar for the application palette (light or dark); the window calls this when it changes."""
        if self._dark is None:
            return  # nothing shown yet: show_message tints
        self._dark = is_dark()
        background, border, color = (_DARK_STYLES if self._dark else _STYLES)[self.kind]
        self.setStyleSheet(f"NoticeBar {{ background: {background}; border: 1px solid {border}; border-radius: 4px; }}"
                           f" NoticeBar QLabel {{ color: {color}; }}")

    def clear_passing(self):
        """Hide the message unless it was shown ``sticky``."""
        if not self.sticky:
            self.clear()

    @Slot()
    def clear(self):
        self.label.clear()
        self.hide()
