"""The Help menu: the shortcuts dialog lists the window's real shortcuts; the About box names versions and accuracy."""

import re

import numpy
import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox

from gui.shell.help_menu import app_version, shortcut_rows
from gui.shell.main_window import MainWindow
from tests.gui.window_helpers import assert_freed_by_reference_counting, exposed_window


def native(keys):
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


def test_help_is_the_last_menu_with_its_two_actions(qtbot):
    window = exposed_window(qtbot)
    menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
    assert menus[-1].objectName() == "help_menu"
    names = [a.objectName() for a in menus[-1].actions()]
    assert names == ["show_shortcuts", "about"]
    assert window.findChild(QAction, "show_shortcuts").shortcut() == QKeySequence("F1")


def test_f1_opens_a_list_of_every_shortcut_of_the_window(qtbot):
    window = exposed_window(qtbot)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = window.help_menu.shortcuts_dialog
    assert dialog is not None and dialog.isVisible()
    shown = {(keys, name) for _, keys, name, _ in dialog.rows()}
    for action in window.findChildren(QAction):
        for sequence in action.shortcuts():
            assert any(native(sequence.toString()) in keys and name == action.text().replace("&", "")
                       for keys, name in shown), action.objectName()
    for keys in ("Space", "Right", "Shift+Right", "Ctrl+R", "F1", "Esc", "Ctrl+Z", "Right-click"):
        assert any(native(keys) == k or keys == k for k, _ in shown), keys
    assert ("Anywhere in the window", native("Space"), "Play", "Trains continuously; press again to pause.") in dialog.rows()
    pad_rows = [row for row in dialog.rows() if row[0] == "On the draw pad"]
    assert {row[1] for row in pad_rows} == {native("Esc"), native("Ctrl+Z"), "Right-click"}


def test_the_list_is_built_from_the_actions_so_it_never_goes_stale(qtbot):
    window = exposed_window(qtbot)
    extra = QAction("Zoom to fit", window)
    extra.setShortcut(QKeySequence("Ctrl+0"))
    extra.setToolTip("Fits the network into the view (Ctrl+0).")
    window.addAction(extra)
    rows = shortcut_rows(window)
    assert ("Anywhere in the window", native("Ctrl+0"), "Zoom to fit", "Fits the network into the view.") in rows
    window.findChild(QAction, "reset").setShortcut(QKeySequence("Ctrl+Shift+N"))
    window.findChild(QAction, "show_shortcuts").trigger()
    keys = {row[1] for row in window.help_menu.shortcuts_dialog.rows()}
    assert native("Ctrl+Shift+N") in keys and native("Ctrl+R") not in keys


def test_about_names_the_version_the_libraries_and_the_bundled_models_accuracy(qtbot):
    window = exposed_window(qtbot)
    window.findChild(QAction, "about").trigger()
    box = window.findChild(QMessageBox, "about_dialog")
    assert box is not None and box.isVisible()
    text = box.text()
    with open("pyproject.toml", encoding="utf-8") as f:
        version = re.search(r'^version\s*=\s*"([^"]+)"', f.read(), re.MULTILINE).group(1)
    assert app_version() == version and f"Backprop Studio {version}" in text
    for part in (f"Qt {qVersion()}", f"PySide6 {PySide6.__version__}", f"NumPy {numpy.__version__}", "98.82 %"):
        assert part in text, part
    box.accept()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "about_dialog") is None)


def test_help_menu_entries_are_reachable_from_the_menu_bar(qtbot):
    window = exposed_window(qtbot)
    help_menu = window.findChild(QMenu, "help_menu")
    assert help_menu.title().replace("&", "") == "Help"
    assert all(a.text() and a.statusTip() for a in help_menu.actions())


def test_the_window_is_still_freed_by_reference_counting_after_its_dialogs(qtbot):
    # A reference cycle through the window would leave it to the cycle collector, which may free it while Qt
    # paints (a crash): the Help menu, its dialogs, the remembered state and the palette follower hold none.
    window = MainWindow(dataset="circles")
    window.show()
    window.findChild(QAction, "show_shortcuts").trigger()
    window.findChild(QAction, "about").trigger()
    window.palette_follower.apply()
    window.close()
    windows = [window]
    del window
    assert_freed_by_reference_counting(windows)
