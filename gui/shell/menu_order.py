"""MenuOrder: the menu bar keeps its menus in the order people know from other apps.

Whenever a menu is added (by the window or later, by anything), the menus are put back in order: File,
Edit, View, the others (in the order they came), Help.
"""

from PySide6.QtCore import QEvent, QObject

RANK = {"file": 0, "edit": 1, "view": 2, "help": 9}  # menu title → place; any other menu ranks 5


def menu_title(action):
    """A menu's title as people read it: "&File" → "file"."""
    return action.text().replace("&", "").strip().lower()


class MenuOrder(QObject):
    """Watches the menu ``bar`` and keeps its menus in RANK order."""

    def __init__(self, bar):
        super().__init__(bar)
        self._placing = False  # True while the menus are being reordered (the bar then reports our own adds)
        self._place()
        bar.installEventFilter(self)

    def __repr__(self):
        return f"MenuOrder({', '.join(menu_title(a) for a in self.parent().actions())})"

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.ActionAdded and not self._placing:
            self._place()
        return False

    def _place(self):
        """Put the menus in RANK order (a stable sort: menus of equal rank keep their order)."""
        bar = self.parent()
        menus = bar.actions()
        ordered = sorted(menus, key=lambda a: RANK.get(menu_title(a), 5))
        if ordered == menus:
            return
        self._placing = True
        try:
            for action in menus:
                bar.removeAction(action)
            bar.addActions(ordered)
        finally:
            self._placing = False
