"""Where the network view puts things: node centres per column, the input grid, bands, the 2-D map."""

import math
from dataclasses import dataclass

import numpy as np

TOP = 30  # room for the column headers
BOTTOM = 40  # room for the colour bars under the bands and their line of legend
SIDE = 14  # left and right margins
LABEL_W = 86  # output labels: class and probability
AXIS_GAP = 46  # left of the decision map: its x₂ axis labels
BLOCK_BELOW_R = 2.5  # a column whose circles would be smaller than this is drawn as a block of squares
BLOCK_CELLS = (10, 9, 8, 7, 6, 5, 4)  # the squares' sides tried, largest first (pixels)
BLOCK_SHARE = 0.45  # a block is at most this share of the gap between two columns wide


def image_side(n_inputs):
    """Pixels per side if ``n_inputs`` reads as a square image (784 → 28), else None."""
    side = math.isqrt(int(n_inputs))
    return side if side * side == n_inputs and side >= 8 else None


@dataclass
class ViewLayout:
    """Positions in widget pixels for a network of ``sizes`` (input first) drawn in width × height."""

    width: int
    height: int
    sizes: list
    centres: list  # per column (0 = input): ndarray (n, 2) of node centres
    radius: list  # per column: circle radius, or half the side of a heat-map tile
    tiles: list  # per column: True where nodes are heat-map tiles (2-D networks), not circles
    grid: tuple = None  # (x, y, side) of the input grid when the input is an image
    grid_n: int = 0  # cells per side of that grid
    bands: list = None  # per layer: (x0, x1), where its edges are visible
    map_rect: tuple = None  # (x, y, side) of the decision map when the input is a 2-D point
    label_x: float = 0.0  # left edge of the output labels (right of the output neurons)
    top: float = TOP  # the headers' strip above the nodes
    bottom: float = BOTTOM  # the colour bars' strip below them
    axis_gap: float = AXIS_GAP  # between the output labels and the decision map
    blocks: list = None  # per column: (x, y, cell, rows) of its block of squares, or None (one column of nodes)

    def __repr__(self):
        return f"ViewLayout({'-'.join(map(str, self.sizes))} in {self.width}×{self.height})"

    def column_x(self, k):
        """The x of column k's middle (its header's place)."""
        if k == 0 and self.grid is not None:
            return self.grid[0] + self.grid[2] / 2
        block = self.blocks[k] if self.blocks else None
        if block is not None:
            return block[0] + self.block_width(k) / 2
        return float(self.centres[k][0, 0])

    def block_width(self, k):
        x, _, cell, rows = self.blocks[k]
        return cell * math.ceil(len(self.centres[k]) / rows)

    def column_span(self, k):
        """(left, right): how far column k's nodes reach (the input grid, a block, or circles)."""
        if k == 0 and self.grid is not None:
            return self.grid[0], self.grid[0] + self.grid[2]
        if self.blocks and self.blocks[k] is not None:
            return self.blocks[k][0], self.blocks[k][0] + self.block_width(k)
        x, r = float(self.centres[k][0, 0]), float(self.radius[k])
        return x - r, x + r

    def node_at(self, x, y, slack=2.0):
        """(column, index) of the node under (x, y), or None."""
        if self.grid is not None:
            gx, gy, side = self.grid
            if gx <= x < gx + side and gy <= y < gy + side:
                cell = side / self.grid_n
                return 0, int((y - gy) // cell) * self.grid_n + int((x - gx) // cell)
        for k, (pts, r) in enumerate(zip(self.centres, self.radius)):
            if k == 0 and self.grid is not None:
                continue
            if self.blocks and self.blocks[k] is not None:
                bx, by, cell, rows = self.blocks[k]
                if bx <= x < bx + self.block_width(k) and by <= y < by + rows * cell:
                    j = int((x - bx) // cell) * rows + int((y - by) // cell)
                    if j < len(pts):
                        return k, j
                continue
            if abs(x - pts[0, 0]) > r + slack:
                continue
            j = int(np.argmin(np.abs(pts[:, 1] - y)))
            dx, dy = x - pts[j, 0], y - pts[j, 1]
            reach = r + slack
            inside = max(abs(dx), abs(dy)) <= reach if self.tiles[k] else dx * dx + dy * dy <= reach * reach
            if inside:
                return k, j
        return None


def _column(n, x, top, height, max_spacing):
    """n centres evenly spread over [top, top + height], centred; and their spacing."""
    spacing = min(height / max(n, 1), max_spacing)
    y0 = top + height / 2 - spacing * (n - 1) / 2
    return np.stack([np.full(n, float(x)), y0 + spacing * np.arange(n)], axis=1), spacing


def _block(n, x, top, height, max_width):
    """(centres (n, 2), (x0, y0, cell, rows)) of n squares filling columns top to bottom, centred on x, at
    the largest BLOCK_CELLS side that keeps the block within ``max_width``; None when none does."""
    for cell in BLOCK_CELLS:
        rows = max(1, int(height // cell))
        cols = math.ceil(n / rows)
        if cols * cell <= max_width:
            rows = math.ceil(n / cols)  # as few rows as the columns need: a squarer block
            x0, y0 = x - cols * cell / 2, top + (height - rows * cell) / 2
            c, r = np.divmod(np.arange(n), rows)
            return np.stack([x0 + (c + 0.5) * cell, y0 + (r + 0.5) * cell], axis=1), (x0, y0, float(cell), rows)
    return None


def compute_layout(sizes, width, height, plane=False, zoom=1.0):
    """The layout for ``sizes`` (e.g. [784, 16, 16, 10]); ``plane``: a 2-D input with a decision map, or a 1-D
    input with a function plot, in ``map_rect``; ``zoom`` scales the strips kept for words (headers, legends,
    output labels) with their fonts."""
    sizes = [int(s) for s in sizes]
    width, height = max(int(width), 200), max(int(height), 160)
    top, bottom = TOP * zoom, BOTTOM * zoom
    axis_gap = min(AXIS_GAP * zoom, max(AXIS_GAP, 0.12 * width))  # left of the map, for its x₂ labels
    avail = height - top - bottom
    n_cols = len(sizes)
    img = image_side(sizes[0])
    plane = bool(plane) and sizes[0] in (1, 2)
    right = width - SIDE
    map_rect = None
    if plane:
        side = max(60.0, min(avail, 0.34 * width))
        map_rect = (right - side, top + (avail - side) / 2, side)
        right -= side + axis_gap  # room for the x₂ axis labels
    label_x = right - min(LABEL_W * zoom, max(LABEL_W, 0.22 * width))  # larger words: a share at most
    centres, radius, tiles, grid = [], [], [], None
    blocks = [None] if img else []
    if img:
        side = min(avail, 0.3 * width, 14.0 * img)
        side = max(img, side // img * img)  # whole pixels per cell: a crisp grid
        grid = (float(SIDE), top + (avail - side) / 2, float(side))
        cell = side / img
        r, c = np.divmod(np.arange(sizes[0]), img)
        centres.append(np.stack([grid[0] + (c + 0.5) * cell, grid[1] + (r + 0.5) * cell], axis=1))
        radius.append(cell / 2)
        tiles.append(False)
        x_first = grid[0] + side
    else:
        x_first = None
    # Columns after the input sit evenly between the input and the output, which leaves room for labels.
    x_out = label_x - 16
    first_width = 44.0 if plane and sizes[0] == 2 else 24.0
    x_in = x_first if x_first is not None else SIDE + first_width / 2
    gap = (x_out - x_in) / max(n_cols - 1, 1)
    for k, n in enumerate(sizes):
        if k == 0 and img:
            continue
        x = x_in + gap * k
        is_tile = plane and sizes[0] == 2 and k < n_cols - 1  # inputs and hidden neurons of a 2-D net: heat maps
        max_spacing = 56.0 if is_tile else 34.0
        pts, spacing = _column(n, x, top, avail, max_spacing)
        block = None
        if not is_tile and n > 1 and spacing * 0.38 < BLOCK_BELOW_R:  # too many for circles: a block
            block = _block(n, x, top, avail, BLOCK_SHARE * gap)
        blocks.append(None if block is None else block[1])
        if block is not None:
            pts, r = block[0], block[1][2] / 2
        elif is_tile:
            r = max(2.0, min(spacing * 0.84, 46.0) / 2)
        else:
            lo = 3.0 if k == n_cols - 1 else 1.0
            r = max(lo, min(spacing * 0.38, 12.0))
        centres.append(pts)
        radius.append(r)
        tiles.append(is_tile)
    lay = ViewLayout(width=width, height=height, sizes=sizes, centres=centres, radius=radius, tiles=tiles,
                     grid=grid, grid_n=img or 0, map_rect=map_rect, top=top, bottom=bottom, axis_gap=axis_gap,
                     blocks=blocks)
    # Edges are seen between the columns: from the input grid's or a block's edge, else from the centre line.
    lay.bands = [(lay.column_span(k)[1] if (k == 0 and img) or blocks[k] else float(centres[k][0, 0]),
                  lay.column_span(k + 1)[0] if blocks[k + 1] else float(centres[k + 1][0, 0]))
                 for k in range(n_cols - 1)]
    lay.label_x = lay.column_span(n_cols - 1)[1] + 7
    return lay
