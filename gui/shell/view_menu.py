"""The View menu: which tab the centre shows, "Evaluate now", and the window's presentation and panels."""

from PySide6.QtCore import QObject
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QMenu

from gui.common.action_spec import make_action

# objectName, text, shortcut, one-sentence tooltip
TAB_SPECS = [
    ("show_training", "Training", "Ctrl+1", "Shows the network view and the loss plot."),
    ("show_evaluation", "Evaluation", "Ctrl+2",
     "Shows the test accuracy, the confusion matrix, the mistakes and the dataset browser."),
    ("show_compare", "Compare", "Ctrl+3", "Shows several set-ups trained side by side, their curves and results."),
]
EVALUATE_SPEC = ("evaluate", "Evaluate now", "F5",
                 "Evaluates the current network on the test set (or the set chosen in the Evaluation tab).")


class ViewMenu(QObject):
    """The View menu (``menu``, over ``parent``): one checkable action per tab (exclusive), then "Evaluate now"."""

    def __init__(self, parent):
        super().__init__(parent)
        self.actions = {}  # objectName → QAction
        self._group = QActionGroup(self)  # the tab actions: exactly one is checked
        self.menu = QMenu("&View", parent)
        self.menu.setObjectName("view_menu")
        self.menu.setToolTipsVisible(True)
        for spec in TAB_SPECS:
            action = self.actions[spec[0]] = make_action(self, *spec)
            action.setCheckable(True)
            self._group.addAction(action)
            self.menu.addAction(action)
        self.actions["show_training"].setChecked(True)
        self.menu.addSeparator()
        self.actions["evaluate"] = make_action(self, *EVALUATE_SPEC)
        self.menu.addAction(self.actions["evaluate"])

    def __repr__(self):
        return f"ViewMenu({', '.join(self.actions)})"

    def __getitem__(self, name):
        return self.actions[name]

    def add_section(self, actions):
        """A separator, then ``actions`` (objectName → QAction), which become the menu's too."""
        self.menu.addSeparator()
        for name, action in actions.items():
            self.actions[name] = action
            self.menu.addAction(action)

    def add_submenu(self, menu, actions):
        """``menu`` in this one, its ``actions`` (objectName → QAction) made the menu's too."""
        self.menu.addMenu(menu)
        self.actions.update(actions)

    def show_tab(self, index):
        """Check the action of tab ``index`` (0 Training, 1 Evaluation, 2 Compare) without triggering it."""
        self.actions[TAB_SPECS[index][0]].setChecked(True)
