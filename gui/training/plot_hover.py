"""PlotHover: a hover read-out over linked pyqtgraph plots — a vertical line in each plot at the mouse's x, and
in the plot under the mouse a label with what ``text_at(x, plot)`` says is there."""

import pyqtgraph as pg
from PySide6.QtCore import QPointF


class PlotHover:
    """The read-out's items in each of ``plots`` (PlotItems of ``widget``, a GraphicsLayoutWidget); ``text``
    is what the label shows now ("" when hidden)."""

    def __init__(self, widget, plots, text_at):
        self.widget, self.plots, self.text_at = widget, list(plots), text_at
        self.text = ""
        self._lines, self._labels = {}, {}
        for plot in self.plots:
            line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(120, 120, 120, 140))
            label = pg.TextItem(color=(20, 20, 20), fill=pg.mkBrush(255, 255, 255, 225),
                                border=pg.mkPen(180, 180, 180))
            for item in (line, label):
                item.setZValue(20)
                item.hide()
                plot.addItem(item, ignoreBounds=True)
            self._lines[plot], self._labels[plot] = line, label
        widget.scene().sigMouseMoved.connect(self.follow)

    def follow(self, scene_pos):
        """Show the read-out at the mouse's scene position (hidden outside the plots or where nothing is)."""
        plot = next((p for p in self.plots if p.vb.sceneBoundingRect().contains(scene_pos)), None)
        point = plot.vb.mapSceneToView(scene_pos) if plot is not None else None
        text = self.text_at(point.x(), plot) if plot is not None else ""
        if not text:
            self.hide()
            return
        for line in self._lines.values():
            line.setPos(point.x())
            line.show()
        for other, label in self._labels.items():
            label.setVisible(other is plot)
        label = self._labels[plot]
        label.setText(text)
        # Keep the label inside the view: anchor it on the side of the cursor facing the centre.
        (x0, x1), (y0, y1) = plot.vb.viewRange()
        label.setAnchor((1 if point.x() > (x0 + x1) / 2 else 0, 0 if point.y() < (y0 + y1) / 2 else 1))
        label.setPos(QPointF(point.x(), point.y()))
        self.text = text
        self.widget.viewport().update()  # painted even while the plot ignores its scene's requests

    def hide(self):
        for item in (*self._lines.values(), *self._labels.values()):
            item.hide()
        self.text = ""
        self.widget.viewport().update()
