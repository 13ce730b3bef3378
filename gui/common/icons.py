"""The app's own icons (resources/icons/*.svg), drawn in the palette's text colour so they read on light and dark.

The toolbar icons are single-colour SVGs that paint with ``currentColor``; a small QIconEngine swaps in
the palette's button-text colour (its disabled shade for disabled actions) each time an icon is drawn, at
the device pixel ratio of the screen, so they follow a change of palette and stay sharp at 200 %. The
app icon keeps its own colours. QtSvg ships with PySide6-Essentials; should it be missing, ``icon``
falls back to the style's standard icons.
"""

import os

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap

from gui.common.paths import RESOURCES_DIR

try:
    from PySide6.QtSvg import QSvgRenderer
except ImportError:  # a PySide6 without QtSvg: standard icons instead
    QSvgRenderer = None

ICON_DIR = os.path.join(RESOURCES_DIR, "icons")
NAMES = ("play", "pause", "step_back", "step_batch", "step_phase", "reset", "download", "open", "save", "evaluate")
# The standard icon each of ours replaces (the fallback without QtSvg, and what older code asks for).
STANDARD = {"play": "SP_MediaPlay", "pause": "SP_MediaPause", "step_back": "SP_MediaSkipBackward",
            "step_batch": "SP_MediaSkipForward",
            "step_phase": "SP_MediaSeekForward", "reset": "SP_BrowserReload", "download": "SP_ArrowDown",
            "open": "SP_DialogOpenButton", "save": "SP_DialogSaveButton", "evaluate": "SP_DialogApplyButton"}
OURS = {standard: name for name, standard in STANDARD.items()}
APP_SIZES = (16, 24, 32, 48, 64, 128, 256)  # sizes a window system may ask the app icon for


def svg_available():
    """True when SVG icons can be drawn (QtSvg imported)."""
    return QSvgRenderer is not None


def svg_path(name):
    return os.path.join(ICON_DIR, f"{name}.svg")


class TintedSvgEngine(QIconEngine):
    """Draws one SVG at any size, ``currentColor`` replaced by the application palette's colour for the mode."""

    def __init__(self, svg_text):
        super().__init__()
        self._svg = svg_text  # the SVG source, with currentColor where the tint goes
        self._renderers = {}  # colour name → QSvgRenderer of the tinted source
        self._pixmaps = {}  # (w, h, scale, mode, colour) → QPixmap, drawn once

    def __repr__(self):
        return f"TintedSvgEngine({len(self._svg)} chars)"

    @staticmethod
    def color_for(mode, palette=None):
        """The colour an icon takes in ``mode``: button text; its disabled shade; highlighted text."""
        palette = palette or QGuiApplication.palette()
        if mode == QIcon.Mode.Disabled:
            return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
        if mode == QIcon.Mode.Selected:
            return palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText)
        return palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText)

    def _renderer(self, color):
        key = color.name(color.NameFormat.HexArgb)
        renderer = self._renderers.get(key)
        if renderer is None:
            text = self._svg.replace("currentColor", color.name())
            if color.alpha() < 255:  # SVG colours carry no alpha: a translucent tint goes in as opacity
                text = text.replace("<svg ", f'<svg opacity="{color.alphaF():.3f}" ', 1)
            renderer = self._renderers[key] = QSvgRenderer(QByteArray(text.encode("utf-8")))
        return renderer

    def paint(self, painter, rect, mode, state):
        self._renderer(self.color_for(mode)).render(painter, QRectF(rect))

    def scaledPixmap(self, size, mode, state, scale):
        scale = max(1.0, float(scale))
        color = self.color_for(mode)
        key = (size.width(), size.height(), scale, mode, color.rgba())
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            pixmap = QPixmap(QSize(round(size.width() * scale), round(size.height() * scale)))
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            self._renderer(color).render(painter, QRectF(0, 0, pixmap.width(), pixmap.height()))
            painter.end()
            pixmap.setDevicePixelRatio(scale)
            if len(self._pixmaps) > 64:  # palettes and sizes come and go; keep the cache small
                self._pixmaps.clear()
            self._pixmaps[key] = pixmap
        return QPixmap(pixmap)

    def pixmap(self, size, mode, state):
        return self.scaledPixmap(size, mode, state, 1.0)

    def availableSizes(self, mode=QIcon.Mode.Normal, state=QIcon.State.Off):
        return [QSize(s, s) for s in APP_SIZES]

    def clone(self):
        return TintedSvgEngine(self._svg)

    def key(self):
        return "TintedSvgEngine"


def _standard(name):
    from PySide6.QtWidgets import QApplication, QStyle

    app = QApplication.instance()
    if app is None or not hasattr(QStyle.StandardPixmap, name):
        return QIcon()
    return app.style().standardIcon(getattr(QStyle.StandardPixmap, name))


def icon(name):
    """The QIcon called ``name`` (one of NAMES, or the standard pixmap name it replaces, e.g. "SP_MediaPlay").

    A name we have no drawing for gives the style's standard icon of that name (or an empty icon).
    """
    ours = OURS.get(name, name)
    path = svg_path(ours)
    if QSvgRenderer is None or not os.path.isfile(path):
        return _standard(STANDARD.get(ours, name))
    with open(path, encoding="utf-8") as f:
        return QIcon(TintedSvgEngine(f.read()))


def app_icon():
    """The app's icon (a small network, in its own colours), rendered at the sizes window systems ask for."""
    path = svg_path("app")
    if QSvgRenderer is None or not os.path.isfile(path):
        return QIcon()
    renderer = QSvgRenderer(path)
    result = QIcon()
    for side in APP_SIZES:
        pixmap = QPixmap(side, side)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, side, side))
        painter.end()
        result.addPixmap(pixmap)
    return result
