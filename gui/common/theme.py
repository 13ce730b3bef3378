"""Light or dark: what the palette says, the system's colour scheme followed, and colours that read on both.

Widgets ask ``is_dark()`` when they pick a colour Qt's palette has no role for (a plot's background, a
notice's tint). The app follows the system: Qt 6.5+ reports the colour scheme (``colorScheme()``,
``colorSchemeChanged``); most platform themes then hand the Fusion style a dark palette themselves, and
where one does not, ``follow_system_scheme`` installs ``dark_palette()``. Everything keys off the palette
(not the scheme), so a palette set by hand — as the tests do — switches the app just the same.
"""

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QColor, QGuiApplication, QPalette

# What pyqtgraph plots use on each kind of background (RGB tuples; the data colours are the plots' own).
PLOT_COLORS = {
    False: {"background": (255, 255, 255), "text": (60, 60, 60), "title": (40, 40, 40), "axis": (150, 150, 150),
            "legend_text": (40, 40, 40), "legend_brush": (255, 255, 255, 200)},
    True: {"background": (32, 33, 37), "text": (200, 201, 206), "title": (225, 226, 230), "axis": (105, 107, 115),
           "legend_text": (215, 216, 221), "legend_brush": (32, 33, 37, 200)},
}

# The dark palette installed when the system asks for dark and the style offers only a light one.
_DARK = {  # role: (active/inactive colour, disabled colour or None for the same)
    "Window": ("#2b2b2e", None), "WindowText": ("#e4e4e6", "#7d7d82"), "Base": ("#1f1f22", "#262629"),
    "AlternateBase": ("#303034", None), "ToolTipBase": ("#3a3a3f", None), "ToolTipText": ("#eeeeee", None),
    "PlaceholderText": ("#8e8e94", "#5f5f64"), "Text": ("#e4e4e6", "#7d7d82"), "Button": ("#36363a", "#2f2f32"),
    "ButtonText": ("#e4e4e6", "#77777c"), "BrightText": ("#ff6b6b", None), "Light": ("#4b4b50", None),
    "Midlight": ("#404045", None), "Mid": ("#2a2a2d", None), "Dark": ("#1c1c1e", None), "Shadow": ("#0a0a0a", None),
    "Highlight": ("#3d7ad6", "#4a4a4f"), "HighlightedText": ("#ffffff", "#a0a0a0"), "Link": ("#6cb0ff", None),
    "LinkVisited": ("#b58cff", None),
}


def is_dark(palette=None):
    """True when ``palette`` (default: the application's) draws light text on a dark window."""
    palette = palette if palette is not None else QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < palette.color(QPalette.ColorRole.WindowText).lightness()


def pick(light, dark, palette=None):
    """``dark`` under a dark palette, else ``light`` (for colours the palette has no role for)."""
    return dark if is_dark(palette) else light


def plot_colors(dark=None):
    """The PLOT_COLORS entry for a dark (True) or light (False) palette; None asks the application's."""
    return PLOT_COLORS[is_dark() if dark is None else bool(dark)]


def dark_palette():
    """A complete dark QPalette (all three colour groups) in the Fusion style's spirit."""
    palette = QPalette()
    for name, (normal, disabled) in _DARK.items():
        role = getattr(QPalette.ColorRole, name)
        palette.setColor(QPalette.ColorGroup.All, role, QColor(normal))
        if disabled is not None:
            palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled))
    return palette


class SchemeFollower(QObject):
    """Installs ``dark_palette()`` when the system turns dark and the style stayed light; removes it after."""

    def __init__(self, app):
        super().__init__(app)
        self._app = app
        self.installed = False  # True while our dark palette is the application's
        hints = app.styleHints()
        if hasattr(hints, "colorSchemeChanged"):  # Qt 6.5+
            hints.colorSchemeChanged.connect(self.apply)
        self.apply()

    def __repr__(self):
        return f"SchemeFollower(installed={self.installed})"

    @Slot()
    def apply(self, scheme=None):
        hints = self._app.styleHints()
        scheme = scheme if scheme is not None else getattr(hints, "colorScheme", lambda: None)()
        if scheme == Qt.ColorScheme.Dark and not is_dark(self._app.palette()):
            self._app.setPalette(dark_palette())
            self.installed = True
        elif scheme == Qt.ColorScheme.Light and self.installed:
            self._app.setPalette(QPalette())  # a palette with nothing set: the style's own again
            self.installed = False


def follow_system_scheme(app):
    """Make ``app`` follow the system's light/dark scheme (once per application); returns the follower."""
    follower = app.findChild(SchemeFollower)
    return follower if follower is not None else SchemeFollower(app)


def style_plot_view(view, dark=None):
    """Background, axes, titles and legends of a pyqtgraph view for the palette (data colours untouched)."""
    import pyqtgraph as pg

    c = plot_colors(dark)
    view.setBackground(c["background"])
    for item in view.scene().items():
        if isinstance(item, pg.AxisItem):
            item.setPen(pg.mkPen(*c["axis"]))
            item.setTextPen(pg.mkPen(*c["text"]))
            if item.labelText:  # the label's other CSS (size, family) stays; setLabel would reset SI prefixes
                item.labelStyle = {**item.labelStyle, "color": pg.mkColor(*c["text"]).name()}
                item._updateLabel()
        elif isinstance(item, pg.LegendItem):
            item.setLabelTextColor(c["legend_text"])
            for _, label in item.items:  # setLabelTextColor stores the colour; the text shows it once re-set
                label.setText(label.text)
            item.setBrush(pg.mkBrush(*c["legend_brush"]))
        elif isinstance(item, pg.PlotItem) and item.titleLabel.text:
            item.titleLabel.setText(item.titleLabel.text, color=pg.mkColor(*c["title"]).name())
