"""The View menu: which tab the centre shows, and "Evaluate now"; and the menus kept in the usual order.

Menus are added by different parts of the window in no fixed order, so the menu bar is watched: whenever
a menu is added, the menus are put back in the order people know from other apps: File, Edit, View,
the others (in the order they came), Help.
"""

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QMenu

from gui.common.action_spec import make_action

# objectName, text, shortcut, one-sentence tooltip
TAB_SPECS = [
    ("show_training", "Training", "Ctrl+1", "Shows the network view and the loss plot."),
    ("show_evaluation", "Evaluation", "Ctrl+2",
     "Shows the test accuracy, the confusion matrix, the mistakes and the dataset browser."),
]
EVALUATE_SPEC = ("evaluate", "Evaluate now", "F5",
                 "Evaluates the current network on the test set (or the set chosen in the Evaluation tab).")
RANK = {"file": 0, "edit": 1, "view": 2, "help": 9}  # menu title → place; any other menu ranks 5


def menu_title(action):
    """A menu's title as people read it: "&File" → "file"."""
    return action.text().replace("&", "").strip().lower()


def _action(window, spec):
    return make_action(window, *spec)


class ViewMenu(QObject):
    """The View menu of ``window``: one checkable action per tab (exclusive), then "Evaluate now"."""

    def __init__(self, window):
        super().__init__(window)
        self.actions = {}  # objectName → QAction
        self._group = QActionGroup(self)  # the tab actions: exactly one is checked
        self.menu = QMenu("&View", window)
        self.menu.setObjectName("view_menu")
        self.menu.setToolTipsVisible(True)
        for spec in TAB_SPECS:
            action = self.actions[spec[0]] = _action(window, spec)
            action.setCheckable(True)
            self._group.addAction(action)
            self.menu.addAction(action)
        self.actions["show_training"].setChecked(True)
        self.menu.addSeparator()
        self.actions["evaluate"] = _action(window, EVALUATE_SPEC)
        self.menu.addAction(self.actions["evaluate"])
        window.addActions(list(self.actions.values()))  # shortcuts work wherever the focus is in the window
        self._bar = window.menuBar()
        self._placing = False  # True while the menus are being reordered (the bar then reports our own adds)
        self._bar.addMenu(self.menu)
        self._place()
        self._bar.installEventFilter(self)

    def __repr__(self):
        return f"ViewMenu({', '.join(self.actions)})"

    def __getitem__(self, name):
        return self.actions[name]

    def show_tab(self, name):
        """Check the action of tab ``name`` ("show_training" or "show_evaluation") without triggering it."""
        self.actions[name].setChecked(True)

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.ActionAdded and not self._placing:
            self._place()
        return False

    def _place(self):
        """Put the menus in RANK order (a stable sort: menus of equal rank keep their order)."""
        menus = self._bar.actions()
        ordered = sorted(menus, key=lambda a: RANK.get(menu_title(a), 5))
        if ordered == menus:
            return
        self._placing = True
        try:
            for action in menus:
                self._bar.removeAction(action)
            self._bar.addActions(ordered)
        finally:
            self._placing = False
