"""Drawing the parts of the network view other than edges: nodes, input grid, labels, colour bars, cards."""

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPen

import gui.common.colormaps as cm

TEXT = QColor(200, 204, 212)  # ordinary labels
DIM_TEXT = QColor(130, 136, 146)  # secondary labels
OUTLINE = QColor(120, 126, 136)  # node outlines
ACCENT = QColor(255, 255, 255)  # highlighted layer, selection
EDGE_POSITIVE = QColor(*[int(c) for c in cm.diverging(np.array([1.0]))[0]])  # as a strong + edge is drawn
EDGE_NEGATIVE = QColor(*[int(c) for c in cm.diverging(np.array([-1.0]))[0]])
STRIP_HALF = 5.0  # half the width of the bars that stand for neurons too small to draw as circles


def small_font(painter, size=8.5, bold=False):
    font = QFont(painter.font())
    font.setPointSizeF(size)
    font.setBold(bold)
    painter.setFont(font)
    return font


def fills_for(values, lo, hi):
    """Sequential RGB (n, 3) of node values on [lo, hi]."""
    values = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        t = (values - lo) / (hi - lo) if hi > lo else np.zeros_like(values)
    return cm.sequential(t)


def draw_input_grid(painter, layout, pixels, cache=None):
    """The image input: one cell per input node, shaded by the pixel value (0–1), with a frame.

    ``cache`` (a dict) keeps the picture while the same ``pixels`` array and size come back.
    """
    x, y, side = layout.grid
    n = layout.grid_n
    if cache is not None and cache.get("pixels") is pixels and cache.get("side") == side:
        img = cache["image"]
    else:
        values = np.zeros(n * n) if pixels is None else np.clip(np.asarray(pixels, float), 0, 1)
        rgb = cm.sequential(values.reshape(n, n))
        cell = int(side // n)
        if cell >= 6:  # faint cell borders make the inputs read as nodes, not as a photo
            rgb = np.repeat(np.repeat(rgb, cell, axis=0), cell, axis=1)
            rgb[::cell] *= 0.72
            rgb[:, ::cell] *= 0.72
        img = cm.rgba_to_qimage(rgb)
        if cache is not None:
            cache.update(pixels=pixels, side=side, image=img)
    painter.setRenderHint(painter.RenderHint.SmoothPixmapTransform, False)
    painter.drawImage(QRectF(x, y, side, side), img)
    painter.setPen(QPen(OUTLINE, 1))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(QRectF(x, y, side, side))


def draw_circles(painter, centres, r, fills, outline=OUTLINE, width=1.0):
    """Nodes as circles of radius r filled with RGB ``fills`` (n, 3) (or a neutral grey)."""
    if r < 2.5 and len(centres) > 1:  # hundreds of neurons: a strip of bars, so their activations still show
        h = max(1.0, float(centres[1, 1] - centres[0, 1]))
        for j, (x, y) in enumerate(centres):
            c = fills[j] if fills is not None else (60, 64, 72)
            colour = QColor(int(c[0]), int(c[1]), int(c[2]))
            painter.fillRect(QRectF(x - STRIP_HALF, y - h / 2, 2 * STRIP_HALF, h), colour)
        return
    painter.setRenderHint(painter.RenderHint.Antialiasing, True)
    pen = QPen(outline, width) if r >= 2.5 else Qt.PenStyle.NoPen
    painter.setPen(pen)
    for j, (x, y) in enumerate(centres):
        c = fills[j] if fills is not None else (60, 64, 72)
        painter.setBrush(QColor(int(c[0]), int(c[1]), int(c[2])))
        painter.drawEllipse(QPointF(x, y), r, r)


def draw_blocks(painter, centres, cell, fills):
    """Nodes as squares of side ``cell`` (a 1-px gap between them) filled with RGB ``fills`` (n, 3)."""
    half = cell / 2 - 0.5
    for j, (x, y) in enumerate(centres):
        c = fills[j] if fills is not None else (60, 64, 72)
        painter.fillRect(QRectF(x - half, y - half, 2 * half, 2 * half), QColor(int(c[0]), int(c[1]), int(c[2])))


def draw_tiles(painter, centres, half, images, rings=None, outline=OUTLINE):
    """Nodes as square heat-map tiles (QImages), framed by the current input's activation colour."""
    painter.setRenderHint(painter.RenderHint.SmoothPixmapTransform, True)
    for j, (x, y) in enumerate(centres):
        rect = QRectF(x - half, y - half, 2 * half, 2 * half)
        if images is not None:
            painter.drawImage(rect, images[j])
        else:
            painter.fillRect(rect, QColor(60, 64, 72))
        if rings is not None:
            c = rings[j]
            painter.setPen(QPen(QColor(int(c[0]), int(c[1]), int(c[2])), 2.5))
        else:
            painter.setPen(QPen(outline, 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect)


def node_half_width(layout, k):
    """How far column k's nodes reach left and right of its centre line: tile, circle, block or strip of bars."""
    if layout.blocks and layout.blocks[k] is not None:
        return layout.block_width(k) / 2
    r = float(layout.radius[k])
    return STRIP_HALF if r < 2.5 and len(layout.centres[k]) > 1 and not layout.tiles[k] else r


def draw_band_note(painter, layout, k, rect, text, pad=4.0):
    """``text`` in layer k's band (``rect``), in the free space between the two columns' nodes.

    The band runs from node centre to node centre; the nodes are painted over it, so text drawn across
    the whole band would be partly hidden by heat-map tiles. It wraps, and shrinks, to fit between them.
    """
    x0, x1 = rect.left(), rect.right()
    if not (k == 0 and layout.grid is not None):  # the input grid's band already starts at its edge
        x0 = max(x0, layout.column_x(k) + node_half_width(layout, k))
    x1 = min(x1, layout.column_x(k + 1) - node_half_width(layout, k + 1))
    free = QRectF(x0 + pad, rect.top(), x1 - x0 - 2 * pad, rect.height())
    flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
    painter.setPen(DIM_TEXT)
    for size in (8.5, 7.5, 6.5):
        small_font(painter, size)
        if free.width() > 0 and \
                painter.fontMetrics().boundingRect(free.toRect(), int(flags), text).width() <= free.width():
            painter.drawText(free, flags, text)
            return
    if free.width() >= painter.fontMetrics().height():  # too narrow for a word: along the gap, bottom to top
        painter.save()
        painter.translate(free.center())
        painter.rotate(-90)
        painter.drawText(QRectF(-free.height() / 2, -free.width() / 2, free.height(), free.width()), flags, text)
        painter.restore()


def draw_input_labels(painter, layout, names):
    """A table's column names beside its input neurons, over the start of the first band of edges."""
    centres, r = layout.centres[0], layout.radius[0]
    small_font(painter, float(np.clip(r * 0.9, 6.5, 8.5)))
    painter.setPen(TEXT)
    for (x, y), name in zip(centres, names):
        painter.drawText(QRectF(x + r + 3, y - 9, 110, 18), Qt.AlignmentFlag.AlignVCenter, str(name)[:18])


def draw_axis_labels(painter, rect, extent, x_name, y_name):
    """The ends and names of a square plot's axes: under it, and left of it; ``rect`` is (x, y, side)."""
    x, y, side = rect
    xmin, xmax, ymin, ymax = extent
    small_font(painter, 7.5)
    painter.setPen(DIM_TEXT)
    below = QRectF(x, y + side + 2, side, 14)
    painter.drawText(below, Qt.AlignmentFlag.AlignLeft, f"{xmin:.2g}")
    painter.drawText(below, Qt.AlignmentFlag.AlignHCenter, x_name)
    painter.drawText(below, Qt.AlignmentFlag.AlignRight, f"{xmax:.2g}")
    left = QRectF(x - 40, y, 36, side)
    painter.drawText(left, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, f"{ymax:.2g}")
    painter.drawText(left, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, y_name)
    painter.drawText(left, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom, f"{ymin:.2g}")


def draw_header(painter, x, text, width=130, accent=False):
    small_font(painter, 8.5, bold=accent)
    painter.setPen(ACCENT if accent else DIM_TEXT)
    painter.drawText(QRectF(x - width / 2, 6, width, 18), Qt.AlignmentFlag.AlignCenter, text)


def colour_bar_image(width=128):
    """A 1-pixel-high strip of the diverging map as it looks on the backdrop."""
    t = np.linspace(-1, 1, width)
    back = np.array(cm.BACKGROUND, float)
    rgb = back + (cm.diverging(t) - back) * np.maximum(cm.edge_alpha(t), 0.35)[:, None]
    return cm.rgba_to_qimage(rgb[None, :, :])


def weights_image(w, side):
    """A (side × side) QImage of one neuron's incoming weights on their own symmetric scale."""
    w = np.asarray(w, dtype=np.float64).reshape(side, side)
    s = float(np.abs(w).max()) or 1.0
    return cm.rgba_to_qimage(cm.diverging(w / s))


def draw_card(painter, anchor, lines, bounds, image=None, image_caption="", zoom=1.0):
    """A small panel of text ``lines`` (and an optional image) near ``anchor``, kept inside ``bounds``; its
    words at ``zoom`` times 9 pt."""
    size = 9.0 * zoom
    small_font(painter, size)
    metrics = painter.fontMetrics()
    line_h = metrics.height()
    text_w = max(metrics.horizontalAdvance(s) for s in [*lines, image_caption if image is not None else ""])
    img_side = round(112 * zoom) if image is not None else 0
    w = max(text_w, img_side) + 16
    h = line_h * len(lines) + 12 + (img_side + line_h + 6 if image is not None else 0)
    x, y = anchor.x() + 16, anchor.y() + 12
    if x + w > bounds.right():
        x = anchor.x() - w - 12
    if y + h > bounds.bottom():
        y = bounds.bottom() - h - 2
    x, y = max(bounds.left() + 2, x), max(bounds.top() + 2, y)
    painter.setRenderHint(painter.RenderHint.Antialiasing, True)
    painter.setPen(QPen(QColor(90, 96, 108), 1))
    painter.setBrush(QBrush(QColor(32, 35, 42, 240)))
    painter.drawRoundedRect(QRectF(x, y, w, h), 5, 5)
    painter.setPen(TEXT)
    for i, s in enumerate(lines):
        if i == 0:
            small_font(painter, size, bold=True)
        painter.drawText(QPointF(x + 8, y + 6 + metrics.ascent() + i * line_h), s)
        if i == 0:
            small_font(painter, size)
    if image is not None:
        top = y + 10 + line_h * len(lines)
        painter.setRenderHint(painter.RenderHint.SmoothPixmapTransform, False)
        painter.drawImage(QRectF(x + 8, top, img_side, img_side), image)
        painter.setPen(DIM_TEXT)
        painter.drawText(QPointF(x + 8, top + img_side + metrics.ascent() + 2), image_caption)


def points_image(points, labels, extent, side):
    """The data points drawn once into a transparent QImage of ``side`` px (they don't change in training)."""
    from PySide6.QtGui import QPainter

    img = QImage(max(1, int(side)), max(1, int(side)), QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(0)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    xmin, xmax, ymin, ymax = extent
    pts = np.asarray(points, dtype=np.float64)
    px = (pts[:, 0] - xmin) / (xmax - xmin) * side
    py = (ymax - pts[:, 1]) / (ymax - ymin) * side
    r = 2.6 if len(pts) < 1500 else 1.8
    p.setPen(QPen(QColor(240, 240, 240), 0.9))
    for k in np.unique(labels):
        c = cm.class_color(k)
        p.setBrush(QColor(*c))
        for x, y in zip(px[labels == k], py[labels == k]):
            p.drawEllipse(QPointF(x, y), r, r)
    p.end()
    return img
