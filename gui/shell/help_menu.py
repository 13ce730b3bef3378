"""The Help menu: "Keyboard shortcuts" (F1) and "About Backprop Studio".

The shortcuts dialog is built, each time it opens, from the QActions the window holds, so it lists what
the keys really do now and never goes stale; the draw pad's right-click (a mouse gesture, not an
action) is added by hand.
"""

import os
import platform
import re
from html import escape

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMenu, QMessageBox, QTextBrowser, QVBoxLayout

from gui.common.action_spec import make_action
from gui.common.icons import app_icon
from gui.common.paths import PROJECT_DIR

WINDOW = "Anywhere in the window"
AREA = {"DrawPad": "On the draw pad", "DigitPanel": "On the draw pad"}  # a widget's shortcuts, by its class
EXTRA = [("On the draw pad", "Right-click", "Clear", "Erases the drawing.")]  # gestures that are not actions


def _native(sequence):
    return sequence.toString(QKeySequence.SequenceFormat.NativeText)


def _without_keys(text, keys):
    """``text`` without a closing "(Space)" or "(Esc, or …)" that repeats the keys (shown in their own column)."""
    found = re.search(r"\s*\(([^()]*)\)(\.?)\s*$", text)
    if found and any(k in found.group(1) for k in keys):
        return text[: found.start()] + found.group(2)
    return text


def shortcut_rows(window):
    """[(where, keys, name, what it does)] for every QAction under ``window`` that has a shortcut."""
    rows = []
    for action in window.findChildren(QAction):
        keys = [_native(s) for s in action.shortcuts() if not s.isEmpty()]
        if not keys:
            continue
        name = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        what = action.statusTip() or action.toolTip()
        what = "" if what.replace("&", "") == name else _without_keys(what, keys)
        context = action.shortcutContext()
        if context in (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut):
            where = WINDOW
        else:
            owner = action.parent()
            title = owner.windowTitle() if hasattr(owner, "windowTitle") else ""
            where = AREA.get(type(owner).__name__, f"In {title or type(owner).__name__}")
        rows.append((where, ", ".join(keys), name, what))
    return rows + [row for row in EXTRA if any(r[0] == row[0] for r in rows)]


def app_version():
    """The installed package's version, else the one in pyproject.toml, else "unknown"."""
    from importlib import metadata

    try:
        return metadata.version("backprop-studio")
    except metadata.PackageNotFoundError:
        pass
    try:
        with open(os.path.join(PROJECT_DIR, "pyproject.toml"), encoding="utf-8") as f:
            found = re.search(r'^version\s*=\s*"([^"]+)"', f.read(), re.MULTILINE)
        return found.group(1) if found else "unknown"
    except OSError:
        return "unknown"


def about_html():
    """The About box's text: version, the libraries it runs on, the bundled model's accuracy."""
    import numpy
    import pyqtgraph
    import PySide6
    from PySide6.QtCore import qVersion

    from engine.files.checkpoint import CheckpointError, load_checkpoint
    from gui.draw_pad.model_store import BUNDLED_MODEL

    try:
        net, extra = load_checkpoint(BUNDLED_MODEL)
        accuracy = float(extra["test_accuracy"])
        model = (f"The draw pad's bundled model ({'-'.join(map(str, net.sizes))}) classifies {100 * accuracy:.2f} % "
                 "of the MNIST test digits correctly.")
    except (CheckpointError, KeyError, TypeError, ValueError):
        model = "The draw pad's bundled model could not be read."
    return (f"<h3>Backprop Studio {app_version()}</h3>"
            "<p>See a neural network learn: a from-scratch NumPy engine, with every weight, gradient and "
            "update drawn as it happens.</p>"
            f"<p>{model}</p>"
            f"<p>Python {platform.python_version()} · Qt {qVersion()} · PySide6 {PySide6.__version__} · "
            f"NumPy {numpy.__version__} · pyqtgraph {pyqtgraph.__version__}</p>"
            "<p>MIT licence.</p>")


class ShortcutsDialog(QDialog):
    """Every keyboard shortcut of the window, grouped by where it works; refreshed each time it opens."""

    def __init__(self, window):
        super().__init__(window)
        self._rows = []  # [(where, keys, name, what)] as shown
        self.setObjectName("shortcuts_dialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.text = QTextBrowser()  # a table that wraps long descriptions and follows the palette
        self.text.setOpenLinks(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(620, 440)

    def __repr__(self):
        return f"ShortcutsDialog({len(self._rows)} shortcuts)"

    def refresh(self):
        """Rebuild the list from the window's actions."""
        self._rows = shortcut_rows(self.parentWidget())
        parts, where_before = ["<table cellspacing='0' cellpadding='3' width='100%'>"], None
        for where, keys, name, what in self._rows:
            if where != where_before:
                top = "12" if where_before else "0"
                parts.append(f"<tr><td colspan='3' style='padding-top:{top}px'><b>{escape(where)}</b></td></tr>")
                where_before = where
            parts.append(f"<tr><td style='white-space:nowrap'><b>{escape(keys)}</b></td>"
                         f"<td style='white-space:nowrap'>{escape(name)}</td><td>{escape(what)}</td></tr>")
        self.text.setHtml("".join(parts) + "</table>")

    def rows(self):
        """[(where, keys, name, what)] as shown."""
        return list(self._rows)


class HelpMenu(QObject):
    """The Help menu (``menu``) of ``window``, whose actions the shortcuts dialog lists; ``actions[objectName]``."""

    def __init__(self, window):
        super().__init__(window)  # the window, whose actions are listed and over which the dialogs open
        self.shortcuts_dialog = None  # built on first use
        self.about_box = None  # the About box, while it exists
        self.menu = QMenu("&Help", window)
        self.menu.setObjectName("help_menu")
        self.actions = {}  # objectName → QAction
        for name, text, keys, tip, slot in (
                ("show_shortcuts", "&Keyboard shortcuts", "F1", "Lists every keyboard shortcut of the window.",
                 self.show_shortcuts),
                ("about", "&About Backprop Studio", "", "Version, libraries and the bundled model's accuracy.",
                 self.show_about)):
            action = make_action(self, name, text, keys, tip)
            action.setMenuRole(QAction.MenuRole.AboutRole if name == "about" else QAction.MenuRole.NoRole)
            action.triggered.connect(slot)
            self.menu.addAction(action)
            self.actions[name] = action

    def __repr__(self):
        return f"HelpMenu({', '.join(self.actions)})"

    @Slot()
    def show_shortcuts(self):
        """Open (or raise) the keyboard shortcuts dialog, listing the shortcuts as they are now."""
        if self.shortcuts_dialog is None:
            self.shortcuts_dialog = ShortcutsDialog(self.parent())
        self.shortcuts_dialog.refresh()
        self.shortcuts_dialog.show()
        self.shortcuts_dialog.raise_()

    @Slot()
    def show_about(self):
        """Open the About box (window-modal, not blocking)."""
        box = QMessageBox(self.parent())
        box.setObjectName("about_dialog")
        box.setWindowTitle("About Backprop Studio")
        box.setIconPixmap(app_icon().pixmap(64, 64))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(about_html())
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.destroyed.connect(self._forget_about)
        self.about_box = box
        box.open()

    @Slot()
    def _forget_about(self):
        self.about_box = None
