"""How the main window's parts are laid out: the centre's notices and tabs, docks, and the finishing touches
once every dock and action exists (icons on the menus' actions, docks that fit small screens)."""

from typing import NamedTuple

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QFrame, QScrollArea, QSplitter, QTabWidget, QVBoxLayout, QWidget

from gui.common.icons import icon
from gui.evaluation.view import EvaluationView

ONE_SIDE_COLUMN_BELOW = 1360  # on screens narrower than this (logical pixels) the side panels share one column
LOSS_PLOT_LEAST = 150  # the loss plot's least height: on a short screen the network view gets the rest
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
    loss_plot.setMinimumHeight(LOSS_PLOT_LEAST)
    splitter.setStretchFactor(0, 2)  # the network view is what a room looks at: it gets the most
    splitter.setStretchFactor(1, 1)
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


def zoom_plot(loss_plot, zoom):
    """The loss plot's words at ``zoom``, and its least height with them (else its ticks run together)."""
    loss_plot.set_zoom(zoom)
    loss_plot.setMinimumHeight(round(LOSS_PLOT_LEAST * min(max(1.0, zoom), 1.3)))  # the view keeps the rest


def add_dock(window, title, name, area, widget):
    """A movable dock named ``name`` holding ``widget`` in ``window``'s ``area``."""
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
    dock.setWidget(widget)
    window.addDockWidget(area, dock)
    return dock


def fit_docks_to_screen(window, first, second):
    """On a narrow screen (a projector, a laptop at 150 %) put dock ``second`` as a tab behind ``first``: two
    side columns would leave the network view a strip."""
    screen = window.screen()
    if screen is not None and screen.availableGeometry().width() < ONE_SIDE_COLUMN_BELOW:
        window.tabifyDockWidget(first, second)
        first.raise_()


class WrappingScrollArea(QScrollArea):
    """A scroll area whose content is never shorter than its wrapped text needs at the width it is given
    (a plain one gives it only its minimum size hint, which reckons with unwrapped lines: rows get squeezed)."""

    def setWidget(self, widget):
        super().setWidget(widget)
        widget.installEventFilter(self)  # its text changes: the height it needs does too

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._fit()

    def eventFilter(self, watched, event):
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            QTimer.singleShot(0, self, self._fit)  # once the content's layout has taken the change
        return False

    def _fit(self):
        content = self.widget()
        if content is None or not content.hasHeightForWidth():
            return
        width = self.width() - 2 * self.frameWidth()
        need = content.heightForWidth(width)
        if need > self.height() - 2 * self.frameWidth():  # it scrolls: the scroll bar takes some width
            width -= self.verticalScrollBar().sizeHint().width()
            need = content.heightForWidth(width)
        content.setMinimumHeight(need)


def scrolled(widget):
    """``widget`` in a scroll area just wide enough for it."""
    scroll = WrappingScrollArea()
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
