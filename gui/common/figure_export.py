"""Figures out of the window: a view as PNG (1×, 2×, 4× its size on screen) or SVG (vector).

A Figure names a widget the window shows. A PNG is QWidget.render into a QImage whose device pixel ratio
is the scale: everything is drawn again at that size as on a high-resolution screen — text, lines and
markers in proportion (pyqtgraph's ImageExporter enlarges the axes' text but not the legend's, and keeps
lines 1 pixel wide); pictures the widget caches are scaled. An SVG is the widget rendered into a
QSvgGenerator, a plot its pyqtgraph scene rendered there item by item: pyqtgraph 0.14.0's SVGExporter
raises ValueError on any closed path (legend swatches, round markers). ``region`` picks part of a widget (its children included), e.g. a row of
pictures inside a bigger panel. Every file is written whole or not at all (engine/files/atomic_file.py).
"""

import os
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRect, QRectF, QSize
from PySide6.QtGui import QImage, QPainter, QRegion
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QWidget

from engine.files.atomic_file import write_atomic

SCALES = (1, 2, 4)  # PNG sizes on offer, in multiples of the figure's size on screen
PNG, SVG = ".png", ".svg"


@dataclass(frozen=True)
class Figure:
    """A picture in the window: ``name`` (a file name's start), ``title`` (for people), and what to draw.

    widget : the QWidget shown. plot : its pyqtgraph item drawn in an SVG (a PlotItem or a layout),
    when it is a pyqtgraph widget. region : a callable giving the QRect of ``widget`` to take (default: all).
    clickable : the widgets whose right-click offers to export it (default: ``widget``).
    """

    name: str
    title: str
    widget: object
    plot: object = None
    region: Callable[[], QRect] | None = None
    clickable: tuple = ()

    def rect(self):
        """The part of the widget drawn, in its own coordinates."""
        if not self.widget.isVisible():  # a hidden widget is laid out when it is rendered: its size may change then
            QWidget.render(self.widget, QImage(1, 1, QImage.Format.Format_RGB32))
        return self.region() if self.region is not None else self.widget.rect()

    def menu_widgets(self):
        return self.clickable or (self.widget,)

    def size(self, scale=1):
        """The size of a PNG at ``scale``."""
        r = self.rect()
        return QSize(r.width() * scale, r.height() * scale)


def png_image(figure, scale=1):
    """The figure as a QImage ``scale`` times its size on screen: drawn again at that size, not enlarged."""
    rect = figure.rect()
    image = QImage(figure.size(scale), QImage.Format.Format_RGB32)
    image.setDevicePixelRatio(scale)
    image.fill(figure.widget.palette().window().color())
    QWidget.render(figure.widget, image, QPoint(0, 0), QRegion(rect))  # QGraphicsView's own render has no region
    image.setDevicePixelRatio(1)
    return image


def png_bytes(figure, scale=1):
    return _image_bytes(png_image(figure, scale))


def svg_bytes(figure):
    """The figure as an SVG document (UTF-8 bytes)."""
    rect = figure.rect()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(rect.size())
    generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
    generator.setTitle(figure.title)
    generator.setDescription("Backprop Studio")
    painter = QPainter(generator)
    if figure.plot is not None:  # the plot's scene drawn item by item: vector paths and text
        source = figure.plot.sceneBoundingRect()
        painter.fillRect(QRectF(0, 0, rect.width(), rect.height()), figure.widget.backgroundBrush())
        figure.widget.scene().render(painter, QRectF(0, 0, rect.width(), rect.height()), source)
    else:
        figure.widget.render(painter, QPoint(0, 0), QRegion(rect))
    painter.end()
    buffer.close()
    return bytes(data)


def save_figure(figure, path, scale=1):
    """Write ``figure`` to ``path``: SVG when it ends in .svg, else PNG at ``scale``; returns its size in bytes.

    OSError when the file cannot be written (nothing is left behind then).
    """
    data = svg_bytes(figure) if os.path.splitext(os.fspath(path))[1].lower() == SVG else png_bytes(figure, scale)
    write_atomic(path, lambda fh: fh.write(data))
    return len(data)


def _image_bytes(image, fmt="PNG"):
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, fmt):
        raise OSError(f"the picture could not be encoded as {fmt}")
    buffer.close()
    return bytes(data)
