"""The network view's layers above the edges: neurons, colour bars, the words (planned in labels.py) and the
2-D decision map."""

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

import gui.network_view.labels as labels
import gui.network_view.painter as npaint


def _column_fills(snap, col, fwd):
    """Sequential fills (n, 3) of column ``col`` for the current input, or None without one."""
    if col == 0:
        return None if snap.input is None else npaint.fills_for(snap.input, -1.0, 1.0)
    if fwd is None or not snap.lit(col):
        return None
    if col == snap.n_layers:  # output neurons show the probability the loss reads from them
        return npaint.fills_for(snap.probabilities(), 0.0, 1.0)
    values = fwd[col - 1][1]
    return npaint.fills_for(values, *snap.activation_range(col, values))


def strongest(values, idx, limit):
    """The ``limit`` entries of ``idx`` with the largest |values| (all of them when ``limit`` is None)."""
    if values is None or limit is None or len(idx) <= limit:
        return idx
    return idx[np.argpartition(np.abs(values[idx]), -limit)[-limit:]]


def paint_chosen_edges(p, edges, snap, mode, scales, chosen, limit=None):
    """On top of the edge pictures: a chosen neuron's incoming and outgoing edges (its strongest ``limit``
    each way, or all), and chosen edges (haloed). ``chosen`` holds targets ("neuron", col, j) or
    ("edge", k, e), or None."""

    def draw(k, idx):
        values = snap.values(mode, k)
        if values is not None and k in scales:
            flat = values.ravel()
            edges[k].draw_subset(p, strongest(flat, idx, limit), flat, scales[k])

    for target in chosen:
        if target is None:
            continue
        kind, a, b = target
        if kind == "neuron":
            if a >= 1:
                ins = snap.sizes[a - 1]
                draw(a - 1, b * ins + np.arange(ins))
            if a < snap.n_layers:
                draw(a, np.arange(snap.sizes[a + 1]) * snap.sizes[a] + b)
        elif kind == "edge":
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.setPen(QPen(QColor(255, 255, 255, 200), 4.0))
            p.drawLine(edges[a].segment(b))
            draw(a, np.array([b]))


def paint_chosen_inputs(p, lay, snap, mode, target, limit):
    """A chosen first-layer neuron's strongest ``limit`` inputs framed on the input grid, orange or blue by
    sign: which pixels it reads most."""
    if target is None or target[0] != "neuron" or target[1] != 1 or lay.grid is None:
        return
    values = snap.values(mode, 0)
    if values is None:
        return
    row = values[target[2]]
    idx = strongest(row, np.arange(row.size), limit or len(row))
    cell = lay.grid[2] / lay.grid_n
    p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    p.setBrush(Qt.BrushStyle.NoBrush)
    for i in idx:
        x, y = lay.centres[0][i]
        p.setPen(QPen(npaint.EDGE_POSITIVE if row[i] > 0 else npaint.EDGE_NEGATIVE, 2.0))
        p.drawRect(QRectF(x - cell / 2 + 1, y - cell / 2 + 1, cell - 2, cell - 2))


def paint_nodes(p, lay, snap, highlight, chosen, grid_cache=None):
    """Every column's nodes, then rings around the chosen ones [(("neuron", col, j) or other, width)]."""
    fwd = snap.forward()
    plane = snap.plane_maps() if lay.map_rect is not None and snap.sizes[0] == 2 else None
    for col, centres in enumerate(lay.centres):
        if col == 0 and lay.grid is not None:
            npaint.draw_input_grid(p, lay, snap.input, grid_cache)
            continue
        fills = _column_fills(snap, col, fwd)
        lit = highlight is not None and col == highlight + 1
        outline = npaint.ACCENT if lit else npaint.OUTLINE
        if lay.blocks and lay.blocks[col] is not None:
            npaint.draw_blocks(p, centres, lay.blocks[col][2], fills)
        elif lay.tiles[col]:
            npaint.draw_tiles(p, centres, lay.radius[col], plane["tiles"][col] if plane else None, fills, outline)
        else:
            npaint.draw_circles(p, centres, lay.radius[col], fills, outline, 1.6 if lit else 1.0)
    p.setBrush(Qt.BrushStyle.NoBrush)
    if snap.focus is not None:
        chosen = [*chosen, (("neuron", *snap.focus), 2.0)]
    if snap.target is not None:
        paint_target(p, lay, snap.target)
    for target, width in chosen:
        if target is None or target[0] != "neuron":
            continue
        col, j = target[1], target[2]
        x, y = lay.centres[col][j]
        p.setPen(QPen(npaint.ACCENT, width))
        if col == 0 and lay.grid is not None:
            cell = lay.grid[2] / lay.grid_n
            p.drawRect(QRectF(x - cell / 2, y - cell / 2, cell, cell))
        elif lay.tiles[col] or (lay.blocks and lay.blocks[col] is not None):
            r = lay.radius[col] + (2.5 if lay.tiles[col] else 1.5)
            p.drawRect(QRectF(x - r, y - r, 2 * r, 2 * r))
        else:
            r = lay.radius[col] + 2.5
            p.drawEllipse(QPointF(x, y), r, r)


def paint_target(p, lay, j):
    """A green ring around output neuron j (the loss compares with it; the word "target" is a label)."""
    x, y = lay.centres[-1][j]
    r = lay.radius[-1] + 5.0
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(QPen(labels.TARGET_COLOUR, 2.5))
    p.drawEllipse(QPointF(x, y), r, r)


def plan_labels(base, lay, snap, highlight, class_names, scales, symbol, notes=None, zoom=1.0):
    """(bars, words): the colour bars [(QRectF or None, scale)] and every Label the view paints over the nodes:
    output labels, the target's word, column headers, each drawn band's bar legend, the map's axes.

    ``scales`` maps a layer whose edges are drawn to its ± scale; ``notes`` a layer to a remark for its bar
    (such as which edges are left out). ``base`` is the view's font, ``zoom`` the words' scale.
    """
    if snap.sizes[-1] == 1 and getattr(snap.acts[-1], "name", "") == "identity":  # a regression: ŷ, no classes
        fwd = snap.forward() if snap.lit(snap.n_layers) else None
        class_names, probs = ["ŷ" + ("" if fwd is None else f" = {npaint.sig3(float(fwd[-1][1][0]))}")], None
    else:
        probs = snap.probabilities() if snap.lit(snap.n_layers) else None
    words = labels.plan_output_labels(base, lay, class_names, probs, zoom)
    if snap.target is not None:
        words.append(labels.plan_target(base, lay, snap.target, zoom))
    words += labels.plan_headers(base, lay, snap, highlight, zoom)
    bars = []
    for (bar, legend), scale in zip(labels.plan_colour_bars(base, lay, scales, symbol, notes, zoom),
                                    [scales[k] for k in sorted(scales)]):
        bars.append((bar, scale))
        words += legend
    if lay.map_rect is not None and snap.sizes[0] == 2:  # a 1-D input's function plot labels its own axes
        words += labels.plan_plane_axes(base, lay, snap.plane_maps()["extent"], zoom)
    return bars, words


def paint_labels(p, base, bars, words, strip):
    """The planned colour bars (``strip`` stretched, framed) and words."""
    for bar, _ in bars:
        if bar is not None:
            p.drawImage(bar, strip)
            p.setPen(QPen(npaint.OUTLINE, 1))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(bar)
    labels.draw_labels(p, base, words)


def paint_plane(p, lay, snap, points_img):
    """The decision map with the data points on it and a ring at the current input (its axes are labels)."""
    plane = snap.plane_maps()
    x, y, side = lay.map_rect
    rect = QRectF(x, y, side, side)
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    p.drawImage(rect, plane["decision"])
    if points_img is not None:
        p.drawImage(rect.topLeft(), points_img)
    p.setPen(QPen(npaint.OUTLINE, 1))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(rect)
    xmin, xmax, ymin, ymax = plane["extent"]
    if snap.input is not None:
        u = (snap.input[0] - xmin) / (xmax - xmin) * side + x
        v = (ymax - snap.input[1]) / (ymax - ymin) * side + y
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(QPen(QColor(255, 255, 255), 2))
        p.drawEllipse(QPointF(u, v), 6, 6)
