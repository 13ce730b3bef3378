"""What every main window gets besides its views: remembered layout and settings, the Help menu, the app
icon, colours that follow the system's light or dark palette, and a size and docks that fit small screens.
One call, at the end of the window's construction (the Help menu is then the last menu, and every dock
and splitter exists to be restored).
"""

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QFrame, QScrollArea

from gui.common.icons import app_icon, icon
from gui.shell.help_menu import HelpMenu
from gui.shell.palette_follower import PaletteFollower
from gui.shell.window_state import WindowState

TALL_DOCK = 480  # a dock whose content needs more height than this scrolls instead (logical pixels)
ACTION_ICONS = {"open_checkpoint": "open", "save_checkpoint": "save", "evaluate": "evaluate"}  # objectName → icon


def give_icons(window):
    """Our icons on the window's actions that have none yet (File and View menus)."""
    for name, icon_name in ACTION_ICONS.items():
        action = window.findChild(QAction, name)
        if action is not None and action.icon().isNull():
            action.setIcon(icon(icon_name))


def scroll_tall_docks(window):
    """Put the content of every dock taller than TALL_DOCK into a scroll area.

    Otherwise the tallest dock sets the window's minimum height: the draw pad's column alone needs ~750
    px, too much for a 1366×768 laptop or a 1080p screen at 150 % (720 logical pixels).
    """
    for dock in window.findChildren(QDockWidget):
        content = dock.widget()
        if content is None or isinstance(content, QScrollArea) or content.minimumSizeHint().height() <= TALL_DOCK:
            continue
        scroll = QScrollArea()
        scroll.setObjectName(f"{dock.objectName()}_scroll")
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidgetResizable(True)
        width = content.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width()
        scroll.setWidget(content)
        scroll.setMinimumWidth(width)  # never a horizontal scroll bar
        dock.setWidget(scroll)


def fit_to_screen(window):
    """Shrink the window's default size to its screen's free area (never below the window's minimum).

    A window opened larger than its screen is fitted to it only when a saved geometry is restored: the
    next start would then not open at the size the last one closed at.
    """
    area = window.screen().availableGeometry()
    window.resize(min(window.width(), area.width()), min(window.height(), area.height()))


def polish_window(window, restore_config=True):
    """Give ``window`` its WindowState, HelpMenu and PaletteFollower (as attributes of the same names)."""
    window.setWindowIcon(app_icon())
    give_icons(window)
    scroll_tall_docks(window)
    fit_to_screen(window)  # before the saved geometry, which replaces it when there is one
    window.palette_follower = PaletteFollower(window)
    window.help_menu = HelpMenu(window)
    window.window_state = WindowState(window, restore_config=restore_config)
    return window
