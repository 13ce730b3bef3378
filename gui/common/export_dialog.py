"""ExportDialog: choose what to export and in which format, then the file (one dialog for models and figures).

The formats are radio buttons; one that cannot be written here is greyed out with the reason beside it
(e.g. the package to install). "Export…" asks for the file with the chosen format's filter and suffix,
then the dialog closes and emits ``chosen(format key, path)``; the caller writes the file.
"""

import os
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
)


@dataclass(frozen=True)
class ExportFormat:
    """One choice: ``key`` (what the caller gets back), ``label``, file ``suffix`` (".png"), the file dialog's
    ``filter`` and, when it cannot be written here, ``unavailable``: why, and how to get it."""

    key: str
    label: str
    suffix: str
    filter: str
    unavailable: str = ""


class ExportDialog(QDialog):
    """Format radio buttons (and optionally a "what" box above them), Export… and Cancel; see the module docstring.

    suggested : a function of the chosen format giving the path the file dialog starts with.
    targets : [(key, title)] to choose what to export, or None; ``target()`` is the chosen key.
    """

    chosen = Signal(str, str)  # format key, path

    def __init__(self, parent, title, formats, suggested, targets=None, target=None, intro=""):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("export_dialog")
        self.setMinimumWidth(460)
        self._formats = {f.key: f for f in formats}
        self._suggested = suggested
        layout = QVBoxLayout(self)
        if intro:
            text = QLabel(intro, self)
            text.setWordWrap(True)
            layout.addWidget(text)
        form = QFormLayout()
        self.target_box = None
        if targets:
            self.target_box = QComboBox(self, objectName="export_target")
            for key, name in targets:
                self.target_box.addItem(name, key)
            if target is not None:
                self.target_box.setCurrentIndex(max(0, self.target_box.findData(target)))
            form.addRow("Figure:", self.target_box)
        column = QVBoxLayout()
        self.group = QButtonGroup(self)
        self.buttons = {}  # format key → its QRadioButton
        for fmt in formats:
            button = QRadioButton(fmt.label, self, objectName=f"format_{fmt.key}")
            button.setEnabled(not fmt.unavailable)
            button.setToolTip(fmt.unavailable)
            self.group.addButton(button)
            self.buttons[fmt.key] = button
            column.addWidget(button)
            if fmt.unavailable:
                why = QLabel(fmt.unavailable, self, objectName=f"format_{fmt.key}_unavailable")
                why.setWordWrap(True)
                why.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # to copy the command
                why.setContentsMargins(22, 0, 0, 4)  # under its radio button's text
                column.addWidget(why)
        form.addRow("Format:", column)
        layout.addLayout(form)
        first = next((b for b in self.buttons.values() if b.isEnabled()), None)
        if first is not None:
            first.setChecked(True)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = box.addButton("Export…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("export_button")
        self.export_button.setEnabled(first is not None)
        box.accepted.connect(self.ask_file)
        box.rejected.connect(self.reject)
        layout.addWidget(box)

    def __repr__(self):
        return f"ExportDialog({self.windowTitle()!r}, {self.format()})"

    def format(self):
        """The chosen format's key (None when none can be written)."""
        button = self.group.checkedButton()
        return next((k for k, b in self.buttons.items() if b is button), None)

    def target(self):
        return None if self.target_box is None else self.target_box.currentData()

    def select(self, key):
        """Choose the format ``key`` (as a click on its radio button would)."""
        self.buttons[key].click()

    @Slot()
    def ask_file(self):
        """The file dialog for the chosen format; with a file, close and emit ``chosen``."""
        fmt = self._formats.get(self.format())
        if fmt is None:
            return
        start = os.path.splitext(self._suggested(fmt.key))[0] + fmt.suffix
        path, _ = QFileDialog.getSaveFileName(self, self.windowTitle(), start, f"{fmt.filter};;All files (*)")
        if not path:
            return  # the dialog stays: another format, or Cancel
        if not os.path.splitext(path)[1]:
            path += fmt.suffix
        self.accept()
        self.chosen.emit(fmt.key, path)
