"""Where the network view's words go: column headers, output labels, colour-bar legends, the map's axes.

Every label is planned before it is painted: it is measured in its font, shrunk, shortened or elided
until it fits the room its column or band has, and its rectangle is kept (Label.rect), so no two labels
print on top of each other and none leaves the view, whatever the size, zoom or screen scale.
"""

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF

from gui.common.formatting import sig3
from gui.network_view.painter import ACCENT, DIM_TEXT, TEXT

TARGET_COLOUR = QColor(90, 200, 110)  # the target output while the loss is shown
HEADER_PT, OUTPUT_PT, LEGEND_PT, MIN_PT = 10.0, 10.0, 8.5, 6.5  # point sizes at zoom 1
GAP = 3.0  # least room between two labels, and between a label and the view's edge
BAR_MAX_W, BAR_H = 150.0, 7.0


@dataclass
class Label:
    """One line of text: ``rect`` is exactly where it is painted (its measured size)."""

    rect: QRectF
    text: str
    size: float  # points
    bold: bool = False
    colour: QColor = None  # None: TEXT


def font_of(base, size, bold=False):
    """``base`` (the view's font) at ``size`` points."""
    font = QFont(base)
    font.setPointSizeF(size)
    font.setBold(bool(bold))
    return font


def fitted(base, texts, width, sizes, bold=False):
    """(text, size, metrics) of the first of ``texts`` that fits ``width`` in one of the two largest
    ``sizes``, else of the first that fits in a smaller one; at the smallest size the last text elided
    when none fits; None when fewer than 3 of its characters would."""
    for tries in (sizes[:2], sizes[2:]):  # a shorter text before a much smaller font
        for text in texts:
            for size in tries:
                fm = QFontMetricsF(font_of(base, size, bold))
                if fm.horizontalAdvance(text) <= width:
                    return text, size, fm
    fm = QFontMetricsF(font_of(base, sizes[-1], bold))
    text = fm.elidedText(texts[-1], Qt.TextElideMode.ElideRight, width)
    shown = len(text) - 1 if text.endswith("…") else len(text)
    return (text, sizes[-1], fm) if shown >= min(3, len(texts[-1])) and fm.horizontalAdvance(text) <= width else None


def _sizes(top, zoom):
    """Point sizes to try, largest first: ``top`` at this zoom down to MIN_PT (never below it)."""
    top = top * zoom
    return [s for s in (top, top * 0.9, top * 0.8, top * 0.7) if s >= MIN_PT] or [MIN_PT]


def _place(fm, text, size, x, y, align="centre", bold=False, colour=TEXT):
    """A Label of ``text`` whose box is centred on (x, y) (align "left": starts at x; "right": ends at x)."""
    w, h = fm.horizontalAdvance(text), fm.height()
    left = {"centre": x - w / 2, "left": x, "right": x - w}[align]
    return Label(QRectF(left, y - h / 2, w, h), text, size, bold, colour)


def short_percent(p):
    """A probability for a label: 3 significant digits, and "< 0.1 %" below that (the card is exact)."""
    return "< 0.1 %" if p < 0.001 else f"{sig3(100 * p)} %"


def header_texts(snap, lay, col):
    """The header of a column, longest first: size and activation, then shorter forms."""
    n = snap.sizes[col]
    if col == 0:
        full = f"input {lay.grid_n}×{lay.grid_n}" if lay.grid is not None else f"input {n}"
        return [full, f"in {n}" if lay.grid is None else f"{lay.grid_n}×{lay.grid_n}"]
    act = getattr(snap.acts[col - 1], "name", "")
    if col == snap.n_layers:
        return [f"output {n} · {'softmax' if snap.loss.name == 'ce' else act}", f"output {n}", f"out {n}"]
    return [f"{n} · {act}", f"{n}"]


def _header_xs(lay):
    """The x of each column's header: the column's centre line (the input grid's middle)."""
    return [lay.column_x(col) for col in range(len(lay.centres))]


def plan_headers(base, lay, snap, highlight, zoom=1.0):
    """One header per column, each within half the distance to its neighbours (and the view)."""
    xs = _header_xs(lay)
    right_end = lay.map_rect[0] - GAP if lay.map_rect is not None else lay.width - GAP
    labels = []
    for col, x in enumerate(xs):
        lo = (xs[col - 1] + x) / 2 + GAP / 2 if col else GAP
        hi = (x + xs[col + 1]) / 2 - GAP / 2 if col + 1 < len(xs) else right_end
        half = min(x - lo, hi - x)
        lit = highlight is not None and col == highlight + 1
        found = fitted(base, header_texts(snap, lay, col), 2 * half, _sizes(HEADER_PT, zoom), bold=lit)
        if found is not None:
            text, size, fm = found
            labels.append(_place(fm, text, size, x, lay.top / 2, bold=lit, colour=ACCENT if lit else DIM_TEXT))
    if lay.map_rect is not None:
        mx, _, side = lay.map_rect
        found = fitted(base, ["decision map", "map"], side, _sizes(HEADER_PT, zoom))
        if found is not None:
            labels.append(_place(found[2], found[0], found[1], mx + side / 2, lay.top / 2, colour=DIM_TEXT))
    return labels


def plan_output_labels(base, lay, names, probs, zoom=1.0):
    """Class name and probability right of each output neuron (the likeliest in bold white), in a font no
    taller than the neurons' spacing; where they are still too close, every other label is left out."""
    centres = lay.centres[-1]
    best = int(np.argmax(probs)) if probs is not None else -1
    spacing = float(centres[1, 1] - centres[0, 1]) if len(centres) > 1 else lay.height
    right_end = (lay.map_rect[0] - lay.axis_gap + 2 if lay.map_rect is not None else lay.width) - GAP
    width = right_end - lay.label_x
    sizes = [s for s in _sizes(OUTPUT_PT, zoom) if QFontMetricsF(font_of(base, s, True)).height() <= spacing]
    sizes = sizes or [MIN_PT]
    labels = []
    for j in map(int, np.argsort([j != best for j in range(len(centres))], kind="stable")):  # likeliest first
        x, y = centres[j]
        name = names[j] if names is not None and j < len(names) else str(j)
        texts = [name] if probs is None else [f"{name}  {short_percent(float(probs[j]))}", name]
        found = fitted(base, texts, width, sizes, bold=(j == best))
        if found is None:
            continue
        label = _place(found[2], found[0], found[1], lay.label_x, y, "left", j == best,
                       ACCENT if j == best else TEXT)
        if any(label.rect.intersects(other.rect.adjusted(0, -1, 0, 1)) for other in labels):
            continue
        labels.append(label)
    return labels


def plan_target(base, lay, j, zoom=1.0):
    """The word "target" left of output neuron j's ring."""
    x, y = lay.centres[-1][j]
    fm = QFontMetricsF(font_of(base, 8.0 * zoom, True))
    return _place(fm, "target", 8.0 * zoom, x - lay.radius[-1] - 9, y, "right", True, TARGET_COLOUR)


def bar_room(lay, k):
    """(x0, x1): the part of the bottom strip that layer k's colour bar and its legend may use."""
    x0, x1 = lay.bands[k]
    return x0 + GAP, x1 - GAP


def plan_colour_bars(base, lay, scales, symbol, notes=None, zoom=1.0):
    """[(bar QRectF or None, [Label])] under each band with a ``scales`` entry: the bar with − and + at
    its ends, "W1  ±0.25" below it with the band's note (such as which edges are left out) when it fits."""
    out = []
    bar_y = lay.height - lay.bottom + 8 * zoom
    for k, scale in sorted(scales.items()):
        x0, x1 = bar_room(lay, k)
        mid, room = (x0 + x1) / 2, x1 - x0
        labels = []
        sign = fitted(base, ["−"], room, _sizes(LEGEND_PT, zoom))
        bar = None
        if sign is not None:
            sw = sign[2].horizontalAdvance("+") + 3
            w = min(BAR_MAX_W * zoom, room - 2 * sw)
            if w >= 24:
                bar = QRectF(mid - w / 2, bar_y, w, BAR_H * zoom)
                cy = bar.center().y()
                labels.append(_place(sign[2], "−", sign[1], bar.left() - 2, cy, "right", colour=DIM_TEXT))
                labels.append(_place(sign[2], "+", sign[1], bar.right() + 2, cy, "left", colour=DIM_TEXT))
        y = max([bar_y + BAR_H * zoom + 2] + [label.rect.bottom() for label in labels])  # under the − and +
        found = fitted(base, legend_texts(symbol, k, scale, notes.get(k) if notes else None), room,
                       _sizes(LEGEND_PT, zoom))
        if found is not None:
            label = _place(found[2], found[0], found[1], mid, y + found[2].height() / 2, colour=DIM_TEXT)
            if label.rect.bottom() <= lay.height - 1:
                labels.append(label)
        out.append((bar, labels))
    return out


def legend_texts(symbol, k, scale, note=None):
    """The legend under layer k's bar, longest first: "W1  ±0.25 · strongest 64/neuron" down to "W1"."""
    title = f"{symbol}{k + 1}  ±{sig3(scale)}"
    shorter = [title, f"{symbol}{k + 1}"]
    if not note:
        return shorter
    n = note.split()[1].split("/")[0] if note.startswith("strongest ") else None
    notes = [note] if n is None else [f"strongest {n}/neuron", f"top {n}"]
    return [f"{title} · {text}" for text in notes] + shorter


def plan_plane_axes(base, lay, extent, zoom=1.0):
    """The decision map's axis labels: x₁ range under it, x₂ range left of it."""
    x, y, side = lay.map_rect
    xmin, xmax, ymin, ymax = extent
    fm = QFontMetricsF(font_of(base, LEGEND_PT * zoom))
    size = LEGEND_PT * zoom
    below = y + side + 2 + fm.height() / 2
    h = fm.height()
    wanted = [_place(fm, f"{xmin:.2g}", size, x, below, "left", colour=DIM_TEXT),  # the ends first
              _place(fm, f"{xmax:.2g}", size, x + side, below, "right", colour=DIM_TEXT),
              _place(fm, f"{ymax:.2g}", size, x - 4, y + h / 2, "right", colour=DIM_TEXT),
              _place(fm, f"{ymin:.2g}", size, x - 4, y + side - h / 2, "right", colour=DIM_TEXT),
              _place(fm, "x₁", size, x + side / 2, below, colour=DIM_TEXT),
              _place(fm, "x₂", size, x - 4, y + side / 2, "right", colour=DIM_TEXT)]
    labels = []
    for label in wanted:  # on a small map the names give way to the ranges
        if not any(label.rect.intersects(kept.rect) for kept in labels):
            labels.append(label)
    return labels


def draw_labels(painter, base, labels):
    """Paint ``labels`` in their planned places and fonts."""
    for label in labels:
        painter.setFont(font_of(base, label.size, label.bold))
        painter.setPen(label.colour if label.colour is not None else TEXT)
        painter.drawText(label.rect, int(Qt.AlignmentFlag.AlignCenter), label.text)
