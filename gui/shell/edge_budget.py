"""EdgeBudget: View ▸ Edges per neuron — every edge, or only each neuron's strongest few, remembered between runs.

A network of 784-128-64-10 has 108,000 edges: drawn all at once they are a haze. The strongest 4 or 16
inputs of each neuron show its structure; clicking a neuron then shows its own strongest edges alone.
"""

from PySide6.QtCore import QObject
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QMenu

from gui.common.action_spec import make_action
from gui.common.settings import app_settings

KEY = "view/edge_limit"
CHOICES = [  # objectName, text, the view's edge limit, tooltip
    ("edges_auto", "Automatic", "auto", "Every edge up to 100,352 per layer; beyond, each neuron's strongest 64."),
    ("edges_all", "Every edge", None, "Every edge of every layer (a big network becomes a haze)."),
    ("edges_64", "Strongest 64 per neuron", 64, "Each neuron's 64 strongest incoming edges."),
    ("edges_16", "Strongest 16 per neuron", 16, "Each neuron's 16 strongest incoming edges."),
    ("edges_4", "Strongest 4 per neuron", 4, "Each neuron's 4 strongest incoming edges: the network's skeleton."),
]


def _stored(limit):
    return "all" if limit is None else str(limit)


class EdgeBudget(QObject):
    """The "Edges per neuron" submenu (``menu``; ``actions`` by objectName), applied to the network ``view``."""

    def __init__(self, view, parent):
        super().__init__(parent)
        self._view = view
        self.menu = QMenu("Edges per neuron", parent)
        self.menu.setObjectName("edges_menu")
        self.menu.setToolTipsVisible(True)
        self.actions = {}
        group = QActionGroup(self)
        remembered = app_settings().value(KEY, "auto")
        chosen = next((c for c in CHOICES if _stored(c[2]) == remembered), CHOICES[0])
        for name, text, limit, tip in CHOICES:
            action = self.actions[name] = make_action(self, name, text, "", tip)
            action.setCheckable(True)
            action.setChecked(name == chosen[0])
            action.triggered.connect(lambda _=False, k=limit: self.set_limit(k))
            group.addAction(action)
            self.menu.addAction(action)
        view.set_edge_limit(chosen[2])

    def __repr__(self):
        return f"EdgeBudget({next(n for n, a in self.actions.items() if a.isChecked())})"

    def set_limit(self, limit):
        """Draw every edge (None), each neuron's strongest ``limit``, or "auto"; remembered."""
        self._view.set_edge_limit(limit)
        app_settings().setValue(KEY, _stored(limit))
