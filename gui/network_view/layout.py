"""Where the network view puts things: node centres per column, the input grid, bands, the 2-D map."""

import math
from dataclasses import dataclass

import numpy as np

TOP = 30  # room for the column headers
BOTTOM = 44  # room for the colour bars under the bands
SIDE = 14  # left and right margins
LABEL_W = 86  # output labels: class and probability


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

    def __repr__(self):
        return f"ViewLayout({'-'.join(map(str, self.sizes))} in {self.width}×{self.height})"

    def column_x(self, k):
        return float(self.centres[k][0, 0]) if self.grid is None or k else self.grid[0] + self.grid[2] / 2

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


def compute_layout(sizes, width, height, plane=False):
    """The layout for ``sizes`` (e.g. [784, 16, 16, 10]); ``plane``: a 2-D input with a decision map, or a 1-D
    input with a function plot, in ``map_rect``."""
    sizes = [int(s) for s in sizes]
    width, height = max(int(width), 200), max(int(height), 160)
    avail = height - TOP - BOTTOM
    n_cols = len(sizes)
    img = image_side(sizes[0])
    plane = bool(plane) and sizes[0] in (1, 2)
    right = width - SIDE
    map_rect = None
    if plane:
        side = max(60.0, min(avail, 0.34 * width))
        map_rect = (right - side, TOP + (avail - side) / 2, side)
        right -= side + 46  # room for the x₂ axis labels
    label_x = right - LABEL_W
    centres, radius, tiles, grid = [], [], [], None
    if img:
        side = min(avail, 0.3 * width, 14.0 * img)
        side = max(img, side // img * img)  # whole pixels per cell: a crisp grid
        grid = (float(SIDE), TOP + (avail - side) / 2, float(side))
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
        pts, spacing = _column(n, x, TOP, avail, max_spacing)
        if is_tile:
            r = max(2.0, min(spacing * 0.84, 46.0) / 2)
        else:
            lo = 3.0 if k == n_cols - 1 else 1.0
            r = max(lo, min(spacing * 0.38, 12.0))
        centres.append(pts)
        radius.append(r)
        tiles.append(is_tile)
    bands = []
    for k in range(n_cols - 1):
        x0 = grid[0] + grid[2] if (k == 0 and img) else float(centres[k][0, 0])
        bands.append((x0, float(centres[k + 1][0, 0])))
    label_x = float(centres[-1][0, 0]) + radius[-1] + 7
    return ViewLayout(width=width, height=height, sizes=sizes, centres=centres, radius=radius, tiles=tiles,
                      grid=grid, grid_n=img or 0, bands=bands, map_rect=map_rect, label_x=label_x)
