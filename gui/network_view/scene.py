"""The network view's layers above the edges: neurons, headers, colour bars and the 2-D decision map."""

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

import gui.network_view.painter as npaint

TARGET_COLOUR = QColor(90, 200, 110)  # the target output while the loss is shown


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


def paint_chosen_edges(p, edges, snap, mode, scales, chosen):
    """On top of the edge pictures: a chosen neuron's incoming and outgoing edges, and chosen edges
    (haloed). ``chosen`` holds targets ("neuron", col, j) or ("edge", k, e), or None."""

    def draw(k, idx):
        values = snap.values(mode, k)
        if values is not None and k in scales:
            edges[k].draw_subset(p, idx, values.ravel(), scales[k])

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
        if lay.tiles[col]:
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
        elif lay.tiles[col]:
            r = lay.radius[col] + 2.5
            p.drawRect(QRectF(x - r, y - r, 2 * r, 2 * r))
        else:
            r = lay.radius[col] + 2.5
            p.drawEllipse(QPointF(x, y), r, r)


def paint_target(p, lay, j):
    """A green ring around output neuron j and the word "target" beside it (the loss compares with it)."""
    x, y = lay.centres[-1][j]
    r = lay.radius[-1] + 5.0
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(QPen(TARGET_COLOUR, 2.5))
    p.drawEllipse(QPointF(x, y), r, r)
    npaint.small_font(p, 8.0, bold=True)
    p.drawText(QRectF(x - r - 52, y - 9, 48, 18), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, "target")


def column_title(snap, lay, col):
    """The header of a column: its size and activation (the output names its softmax)."""
    n = snap.sizes[col]
    if col == 0:
        return f"input {lay.grid_n}×{lay.grid_n}" if lay.grid is not None else f"input {n}"
    act = getattr(snap.acts[col - 1], "name", "")
    if col == snap.n_layers:
        return f"output {n} · {'softmax' if snap.loss.name == 'ce' else act}"
    return f"{n} · {act}"


def paint_labels(p, lay, snap, highlight, class_names, scales, symbol, strip, notes=None):
    """Output labels, column headers, and a colour bar under each band whose edges are drawn.

    ``notes`` maps a layer to a remark for its bar (such as which edges are left out).
    """
    if snap.sizes[-1] == 1 and getattr(snap.acts[-1], "name", "") == "identity":  # a regression: ŷ, no classes
        fwd = snap.forward() if snap.lit(snap.n_layers) else None
        value = "" if fwd is None else f" = {npaint.sig3(float(fwd[-1][1][0]))}"
        npaint.draw_output_labels(p, lay, [f"ŷ{value}"], None)
    else:
        npaint.draw_output_labels(p, lay, class_names, snap.probabilities() if snap.lit(snap.n_layers) else None)
    for col in range(len(snap.sizes)):
        lit = highlight is not None and col == highlight + 1
        npaint.draw_header(p, lay.column_x(col), column_title(snap, lay, col), accent=lit)
    for k, scale in scales.items():
        x0, x1 = lay.bands[k]
        w = min(150.0, max(40.0, x1 - x0 - 30))
        rect = QRectF((x0 + x1) / 2 - w / 2, lay.height - 40, w, 7)
        title = f"{symbol}{k + 1}" + (f" · {notes[k]}" if notes and k in notes else "")
        npaint.draw_colour_bar(p, rect, scale, title, strip)


def paint_plane(p, lay, snap, points_img):
    """The decision map with the data points on it and a ring at the current input."""
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
    npaint.draw_header(p, x + side / 2, "decision map", width=side)
    xmin, xmax, ymin, ymax = plane["extent"]
    npaint.draw_axis_labels(p, lay.map_rect, plane["extent"], "x₁", "x₂")
    if snap.input is not None:
        u = (snap.input[0] - xmin) / (xmax - xmin) * side + x
        v = (ymax - snap.input[1]) / (ymax - ymin) * side + y
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(QPen(QColor(255, 255, 255), 2))
        p.drawEllipse(QPointF(u, v), 6, 6)
