"""Presentation: the window for a room — full screen with the side panels hidden (F11), and one zoom for the
words of the network view, the caption and the plots (Ctrl+= / Ctrl+- / Ctrl+0), remembered between runs.
Each side panel can also be shown or hidden on its own."""

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QKeySequence

from gui.common.action_spec import make_action
from gui.common.settings import app_settings

ZOOMS = (0.8, 0.9, 1.0, 1.15, 1.3, 1.5, 1.75, 2.0, 2.5)  # the steps of Larger / Smaller text
ZOOM_KEY = "view/zoom"
SPECS = [
    ("presentation", "Presentation", "F11", "Full screen with the side panels hidden, for a projector; again to leave."),
    ("zoom_in", "Larger text", "Ctrl+=", "Larger words in the network view, the caption and the plots."),
    ("zoom_out", "Smaller text", "Ctrl+-", "Smaller words in the network view, the caption and the plots."),
    ("zoom_reset", "Normal text size", "Ctrl+0", "The words at their normal size again."),
]
PANEL_NAMES = {"controls_dock": ("show_controls", "Controls panel"),
               "draw_pad_dock": ("show_draw_pad", "Draw pad panel")}  # dock → its View menu action


def remembered_zoom():
    """The zoom of the last run (one of ZOOMS), 1.0 when none or when what was saved is not one of them."""
    try:
        value = float(app_settings().value(ZOOM_KEY, 1.0))
    except (TypeError, ValueError):
        return 1.0
    return value if value in ZOOMS else 1.0


class Presentation(QObject):
    """The Presentation, zoom and panel actions (``actions``, objectName → QAction) of ``window``.

    docks : the side panels (QDockWidget) that presentation hides. zoomed : callables given each new zoom
    (the network view's, the caption's and the plots' set_zoom).
    """

    def __init__(self, window, docks, zoomed):
        super().__init__(window)
        self._docks, self._zoomed = list(docks), list(zoomed)  # the window is parent(): no cycle through it
        self._before = None  # (window state, docks shown) from before presentation; None outside it
        self.zoom = 1.0
        self.actions = {spec[0]: make_action(self, *spec) for spec in SPECS}
        self.actions["presentation"].setCheckable(True)
        self.actions["presentation"].toggled.connect(self.set_presenting)
        self.actions["zoom_in"].setShortcuts([QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])
        self.actions["zoom_in"].triggered.connect(lambda: self.step_zoom(1))
        self.actions["zoom_out"].triggered.connect(lambda: self.step_zoom(-1))
        self.actions["zoom_reset"].triggered.connect(lambda: self.set_zoom(1.0))
        for dock in self._docks:
            self._add_panel_action(dock)
        self.set_zoom(remembered_zoom(), remember=False)

    def __repr__(self):
        return f"Presentation({'on' if self.presenting else 'off'}, zoom {self.zoom:g})"

    def _add_panel_action(self, dock):
        """A checked action while ``dock`` is open (a tab behind another counts as open)."""
        name, text = PANEL_NAMES.get(dock.objectName(), (f"show_{dock.objectName()}", dock.windowTitle()))
        toggle = self.actions[name] = make_action(self, name, text, "", f"Shows or hides the {text.lower()}.")
        toggle.setCheckable(True)
        toggle.setChecked(not dock.isHidden())
        toggle.toggled.connect(dock.setVisible)
        dock.visibilityChanged.connect(lambda _: toggle.setChecked(not dock.isHidden()))

    @property
    def presenting(self):
        return self._before is not None

    @Slot(bool)
    def set_presenting(self, on):
        """Full screen, side panels hidden (on); the window and panels as they were before (off)."""
        if on == self.presenting:
            return
        window = self.parent()
        if on:
            self._before = (window.windowState(), [d for d in self._docks if d.isVisible()])
            for dock in self._docks:
                dock.hide()
            window.setWindowState(window.windowState() | Qt.WindowState.WindowFullScreen)
        else:
            state, shown = self._before
            self._before = None
            window.setWindowState(state)
            for dock in shown:
                dock.show()
        if self.actions["presentation"].isChecked() != on:
            self.actions["presentation"].setChecked(on)

    def step_zoom(self, steps):
        """``steps`` steps larger (> 0) or smaller (< 0) along ZOOMS."""
        i = min(range(len(ZOOMS)), key=lambda k: abs(ZOOMS[k] - self.zoom))
        self.set_zoom(ZOOMS[max(0, min(len(ZOOMS) - 1, i + steps))])

    def set_zoom(self, zoom, remember=True):
        """Every zoomed part at ``zoom`` (1.0: normal); remembered for the next run unless told not to."""
        self.zoom = float(zoom)
        for apply in self._zoomed:
            apply(self.zoom)
        self.actions["zoom_in"].setEnabled(self.zoom < ZOOMS[-1])
        self.actions["zoom_out"].setEnabled(self.zoom > ZOOMS[0])
        if remember:
            app_settings().setValue(ZOOM_KEY, self.zoom)
