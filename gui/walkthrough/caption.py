"""WalkthroughCaption: the panel that explains the phase being shown, with its equation in real numbers.

Above the text, a strip names every step of the walk (Forward 1 2 3 › Loss › Backward 3 2 1 › Update
1 2 3 › Done) with the current one lit. The equations are rich text rounded to 3 significant digits;
hovering them shows the exact values.
"""

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout

from gui.common.theme import pick
from gui.walkthrough.phase_captions import IDLE

ACCENT = "#b4500f"  # the current step (the network view's accent, darkened for a light panel)
DONE_GREY, TODO_GREY = "#303030", "#a0a0a0"
DARK_COLOURS = ("#f0a060", "#e0e0e0", "#7a7a80")  # accent, done, to do on a dark panel
TABLE_ROOM = "<table>" + "<tr><td>0</td></tr>" * 3 + "</table>"  # the loss's table: class names, p, target
ROOM_LINES = 3  # lines of text, and of equations, a walking caption keeps room for


def walk_steps(n_layers):
    """[(group, label)] of a walk through a network of ``n_layers`` layers, in order."""
    L = n_layers
    return ([("Forward", str(k)) for k in range(1, L + 1)] + [("Loss", "")]
            + [("Backward", str(k)) for k in range(L, 0, -1)] + [("Update", str(k)) for k in range(1, L + 1)]
            + [("Done", "")])


def progress_html(n_layers, index):
    """The strip of steps as rich text, step ``index`` lit (None: nothing lit, everything grey)."""
    parts, group = [], None
    accent, done, todo = pick((ACCENT, DONE_GREY, TODO_GREY), DARK_COLOURS)
    for i, (name, label) in enumerate(walk_steps(n_layers)):
        colour = accent if i == index else (done if index is not None and i < index else todo)
        text = label if name == group else (f"{name} {label}".strip())
        if name != group and group is not None:
            parts.append(f'<span style="color:{todo}"> › </span>')
        bold = ("<b>", "</b>") if i == index else ("", "")
        parts.append(f'<span style="color:{colour}">{bold[0]}{text}{bold[1]}</span>')
        group = name
    return " ".join(parts)


def _scale_font(widget, factor):
    font = widget.font()
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
        widget.setFont(font)


class WalkthroughCaption(QFrame):
    """Title and step strip, one or two sentences, the equations (exact values in their tooltip)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("walkthrough_caption")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.caption = None  # the Caption shown
        self.progress = QLabel()
        self.progress.setObjectName("caption_progress")
        self.progress.setTextFormat(Qt.TextFormat.RichText)
        self.progress.setToolTip("The steps of one training step; Shift+→ moves to the next.")
        _scale_font(self.progress, 1.1)
        self.title = QLabel()
        self.title.setObjectName("caption_title")
        self.title.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # muted, on light and dark
        self.text = QLabel()
        self.text.setObjectName("caption_text")
        self.text.setWordWrap(True)
        self.equations = QLabel()
        self.equations.setObjectName("caption_equations")
        self.equations.setTextFormat(Qt.TextFormat.RichText)
        self.equations.setWordWrap(True)
        self.equations.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        _scale_font(self.equations, 1.2)
        self.table = QLabel()
        self.table.setObjectName("caption_table")
        self.table.setTextFormat(Qt.TextFormat.RichText)
        self.table.setToolTip("The outputs of sample 1 against its target; the column in bold is the one "
                              "the equation is about.")
        top = QHBoxLayout()
        top.addWidget(self.progress, 1)
        top.addWidget(self.title)
        column = QVBoxLayout(self)
        column.setContentsMargins(10, 6, 10, 6)
        column.setSpacing(4)
        column.addLayout(top)
        column.addWidget(self.text)
        column.addWidget(self.equations)
        column.addWidget(self.table)  # below, not beside: 10 outputs' table would squeeze the equations
        column.addStretch(1)  # the room kept for longer captions stays below the text
        self._base_sizes = {label: label.font().pointSizeF() for label in self._labels()}  # at zoom 1
        self.zoom = 1.0
        self._kept = (0, 0)  # (width, height): the tallest any caption needed at this width
        self._walking = False
        self.show_caption(IDLE)

    def __repr__(self):
        return f"WalkthroughCaption({self.caption.title if self.caption else 'empty'!r})"

    def show_caption(self, caption, n_layers=None, index=None):
        """Show ``caption``; with ``n_layers`` the step strip, lighting step ``index``."""
        self.caption = caption
        self.progress.setText(progress_html(n_layers, index) if n_layers else f"<b>{caption.title}</b>")
        self.title.setText(caption.title if n_layers else "")
        self.text.setText(caption.text)
        self.equations.setText("<br>".join(caption.equations))
        self.equations.setToolTip(caption.tooltip)
        self.equations.setVisible(bool(caption.equations))
        self.table.setText(caption.table)
        self.table.setVisible(bool(caption.table))
        self._walking = bool(n_layers)
        self._keep_height()

    def _need(self, width):
        """The height the caption needs at ``width``; while walking, at least what a caption of ROOM_LINES
        lines of text and of equations and the loss's table would need (most fit in that)."""
        need = self.heightForWidth(width) if self.hasHeightForWidth() else self.sizeHint().height()
        labels = (self.text, self.equations, self.table)
        kept = [(label, label.text(), label.isHidden()) for label in labels]
        self.text.setText("\n".join("0" * ROOM_LINES))
        self.equations.setText("<br>".join(["0"] * ROOM_LINES))
        self.table.setText(TABLE_ROOM)
        for label in labels:
            label.setVisible(True)
        room = self.heightForWidth(width) if self.hasHeightForWidth() else self.sizeHint().height()
        for label, text, hidden in kept:  # given back before anything is painted
            label.setText(text)
            label.setVisible(not hidden)
        return max(need, room)

    def _keep_height(self):
        """While walking, never shorter than the tallest caption so far at this width, with room for the loss's
        table: the views above keep their place from phase to phase instead of jumping with each caption."""
        if not self._walking:  # outside a walk the caption is as tall as its text
            self._kept = (0, 0)
            self.setMinimumHeight(0)
            return
        width = self.width()
        need = self._need(width)
        kept = self._kept[1] if self._kept[0] == width else 0
        self._kept = (width, max(kept, need))
        self.setMinimumHeight(self._kept[1])

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._kept = (0, 0)  # another width wraps the lines anew
            self.setMinimumHeight(0)
            self._keep_height()

    def _labels(self):
        return (self.progress, self.title, self.text, self.equations, self.table)

    def set_zoom(self, zoom):
        """Every line of the caption at ``zoom`` times its normal size."""
        self.zoom = float(zoom)
        for label, size in self._base_sizes.items():
            if size > 0:
                font = label.font()
                font.setPointSizeF(size * self.zoom)
                label.setFont(font)
        self._kept = (0, 0)
        self._keep_height()

    def plain_text(self):
        """Everything the panel says, as plain text (the rich text's tags removed)."""
        from PySide6.QtGui import QTextDocument

        doc = QTextDocument()
        parts = []
        for label in self._labels():
            if label.isVisibleTo(self):
                doc.setHtml(label.text())
                parts.append(doc.toPlainText())
        return "\n".join(parts)
