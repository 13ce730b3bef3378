"""How the main window's parts are laid out: the centre's notices and tabs, docks, and the finishing touches
once every dock and action exists (icons on the menus' actions, docks that fit small screens)."""

from typing import NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QFrame, QScrollArea, QSplitter, QTabWidget, QVBoxLayout, QWidget

from gui.common.icons import icon
from gui.evaluation.view import EvaluationView

TALL_DOCK = 480  # a dock whose content needs more height than this scrolls instead (logical pixels)
ACTION_ICONS = {"open_checkpoint": "open", "save_checkpoint": "save", "evaluate": "evaluate"}  # objectName → icon


class Centre(NamedTuple):
    """The window's central widget and the parts of it the window hands on."""

    widget: QWidget
    splitter: QSplitter  # network view over loss plot
    tabs: QTabWidget  # Training, Evaluation
    training_page: QWidget
    evaluation_view: EvaluationView


def build_centre(notices, network_view, loss_plot, walkthrough):
    """The ``notices`` over two tabs: Training (``network_view`` over ``loss_plot`` in a splitter, the
    ``walkthrough`` under them) and Evaluation (a new EvaluationView)."""
    splitter = QSplitter(Qt.Orientation.Vertical)
    splitter.setChildrenCollapsible(False)
    splitter.addWidget(network_view)
    splitter.addWidget(loss_plot)
    splitter.setStretchFactor(0, 3)
    splitter.setStretchFactor(1, 2)
    training_page = QWidget()
    page = QVBoxLayout(training_page)
    page.setContentsMargins(0, 0, 0, 0)
    page.addWidget(splitter, 1)
    page.addWidget(walkthrough)
    evaluation_view = EvaluationView()
    tabs = QTabWidget()
    tabs.setObjectName("centre_tabs")
    tabs.setDocumentMode(True)
    tabs.addTab(training_page, "Training")
    tabs.addTab(evaluation_view, "Evaluation")
    tabs.setTabToolTip(0, "The network learning: its weights, the loss and the accuracy, live (Ctrl+1).")
    tabs.setTabToolTip(1, "How good the network is: accuracy, confusion matrix, mistakes, and the "
                          "dataset it learns from (Ctrl+2).")
    central = QWidget()
    column = QVBoxLayout(central)
    column.setContentsMargins(6, 6, 6, 0)
    for notice in notices:
        column.addWidget(notice)
    column.addWidget(tabs, 1)
    return Centre(central, splitter, tabs, training_page, evaluation_view)


def add_dock(window, title, name, area, widget):
    """A movable dock named ``name`` holding ``widget`` in ``window``'s ``area``."""
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
    dock.setWidget(widget)
    window.addDockWidget(area, dock)
    return dock


def scrolled(widget):
    """``widget`` in a scroll area just wide enough for it."""
    scroll = QScrollArea()
    scroll.setWidget(widget)
    scroll.setWidgetResizable(True)
    scroll.setMinimumWidth(widget.sizeHint().width() + 24)
    return scroll


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
