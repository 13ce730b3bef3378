"""The finishing touches of a main window once its docks and actions exist: icons on the menus' actions,
and docks that fit small screens."""

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QFrame, QScrollArea

from gui.common.icons import icon

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
