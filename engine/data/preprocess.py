"""A drawn digit → what MNIST looks like: crop to the ink, fit the longer side to 20 px, centre of mass to the middle.

MNIST's digits were size-normalised to a 20×20 box with anti-aliasing, then placed in 28×28 so their
centre of mass sits in the middle — (14.0, 14.0) in 0-based (row, col) pixel coordinates on average.
A network trained on MNIST only reads drawings that went through the same steps, so every step is
kept for the GUI to show. Resampling is by pixel area (a box filter) for any ratio, down or up.

Drawings also differ from MNIST in ways MNIST never had to handle: a stray speck far from the digit
is left out of the crop, and strokes far from MNIST's width after fitting (a small digit drawn with a
wide pen, a large one with a fine pen) are thinned or thickened (benchmarks/drawn_digits_offline.py).
"""

from dataclasses import dataclass

import numpy as np

SIZE = 28  # side of the network's input image
BOX = 20  # the digit's longer side after fitting, as in MNIST
TARGET_COM = (14.0, 14.0)  # MNIST's mean centre of mass, 0-based (row, col)
INK = 0.1  # fraction of the brightest pixel below which a pixel is anti-aliasing, not ink
BLANK = 0.02  # a canvas whose brightest pixel is dimmer than this is empty
SPECK = 0.05  # a separate blob with less than this fraction of all ink …
SPECK_GAP = 0.1  # … lying farther than this fraction of the digit's size from the rest is a stray speck
MAX_STROKE = 3.0  # strokes wider than this after fitting (a tiny digit drawn with a wide pen) are thinned …
MIN_STROKE = 1.2  # … and narrower than this (a big digit drawn with a fine pen) thickened, to this width
_GRID = 96  # speck search runs on a grid of about this many cells per side
_WORK = 60  # re-stroking works on a copy whose longer side is at least this many pixels (3× the fitted box) …
_WORK_STROKE = 3.0  # … and where strokes are at least this many pixels wide, up to the canvas's own size
_MAX_DEPTH = 12  # at most this many one-pixel erosions or dilations (a filled blob stays a blob)


@dataclass(frozen=True, eq=False)
class Preprocessed:
    """Every step from the drawing to the network's 28×28 input (float32 images in [0, 1])."""

    drawn: np.ndarray  # (H, W) the canvas as given, scaled to [0, 1]
    cleaned: np.ndarray  # (H, W) the canvas with stray specks removed
    cropped: np.ndarray  # (h, w) the ink's bounding box of ``cleaned`` (re-stroked if ``thinned``); (0, 0) when empty
    fitted: np.ndarray  # (20, 20) the crop scaled so its longer side is 20 px, centred in the box
    centred: np.ndarray  # (28, 28) the fitted digit moved so its centre of mass is at TARGET_COM
    empty: bool  # no ink at all: the other images are black
    bbox: tuple = None  # (top, bottom, left, right) of the ink in ``drawn``, bottom/right exclusive
    specks: int = 0  # how many stray specks were ignored
    stroke: float = 0.0  # estimated stroke width after fitting, in output pixels, before any thinning
    thinned: bool = False  # the strokes were too wide or too narrow and ``cropped`` holds the re-stroked digit

    @property
    def x(self):
        """The network input: a column of shape (784, 1)."""
        return self.centred.reshape(SIZE * SIZE, 1)

    def __repr__(self):
        if self.empty:
            return f"Preprocessed(empty, canvas {self.drawn.shape})"
        return (f"Preprocessed(canvas {self.drawn.shape}, ink box {self.cropped.shape}, "
                f"stroke {self.stroke:.1f} px{' thinned' if self.thinned else ''}, {self.specks} specks ignored)")


# -- area resampling ----------------------------------------------------------------------------
def area_resample(image, axis, n_out, start=0.0, length=None):
    """Resample one axis by pixel area: input pixels [0, n_in) land on output span [start, start+length).

    Output pixel i covers [i, i+1) and receives the mean of the input over it (zero outside the span),
    so a constant image stays constant where the span covers the output, and total ink scales by
    length / n_in. The integral of piecewise-constant pixels is piecewise linear, so interpolating the
    cumulative sum at the output edges is exact for any ratio, shrinking or enlarging.
    """
    image = np.moveaxis(np.asarray(image, dtype=np.float32), axis, 0)
    n_in = image.shape[0]
    length = float(n_out if length is None else length)
    cum = np.zeros((n_in + 1,) + image.shape[1:], dtype=np.float64)
    np.cumsum(image, axis=0, out=cum[1:])
    edges = (np.arange(n_out + 1) - start) * (n_in / length)  # output edges in input pixels
    edges = np.clip(edges, 0.0, n_in)
    lo = np.minimum(edges.astype(np.int64), n_in - 1)
    frac = (edges - lo).reshape((-1,) + (1,) * (image.ndim - 1))
    at_edges = cum[lo] + frac * (cum[lo + 1] - cum[lo])  # the integral from 0 to each edge
    out = np.diff(at_edges, axis=0) * (length / n_in)
    return np.moveaxis(out.astype(np.float32), 0, axis)


def area_resize(image, shape):
    """``image`` (H, W) resampled by pixel area to ``shape`` (h, w), float32."""
    return area_resample(area_resample(image, 0, shape[0]), 1, shape[1])


def naive(image):
    """The baseline to beat: the whole canvas area-averaged down to 28×28, float32 in [0, 1]."""
    return np.clip(area_resize(as_canvas(image), (SIZE, SIZE)), 0.0, 1.0)


# -- the pipeline -------------------------------------------------------------------------------
def as_canvas(image):
    """A drawing as float32 in [0, 1]: uint8 is divided by 255, floats are clipped."""
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError(f"a drawing is a 2-D (H, W) array, got shape {image.shape}")
    if image.dtype == np.uint8:
        return image.astype(np.float32) / np.float32(255)
    return np.clip(image.astype(np.float32, copy=False), 0.0, 1.0)


def preprocess(image, *, subpixel=True, remove_specks=True, thin=True, box=BOX, target=TARGET_COM):
    """Preprocessed steps of a drawing (H, W), white ink on black, uint8 or float in [0, 1].

    ``subpixel`` places the centre of mass exactly (within the area resampling); otherwise the fitted
    box moves by whole pixels (which measured a little worse). ``thin`` erodes strokes wider than
    MAX_STROKE after fitting and thickens those narrower than MIN_STROKE. ``box`` is the longer side
    after fitting.
    """
    drawn = as_canvas(image)
    peak = float(drawn.max()) if drawn.size else 0.0
    if peak < BLANK:
        return _empty(drawn)
    mask = drawn >= INK * peak
    cleaned, specks = drawn, 0
    if remove_specks:
        keep, specks = _without_specks(mask, drawn)
        if specks:
            cleaned = np.where(keep, drawn, np.float32(0))
            mask &= keep
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    cropped = cleaned[top:bottom, left:right]
    stroke = stroke_width(cropped) * box / max(cropped.shape)
    thinned = thin and not MIN_STROKE <= stroke <= MAX_STROKE
    if thinned:
        cropped = _restroked(cropped, stroke, min(max(stroke, MIN_STROKE), MAX_STROKE), box)
    h, w = cropped.shape
    k = box / max(h, w)  # output pixels per canvas pixel
    fitted = _place(cropped, box, (box - h * k) / 2, (box - w * k) / 2, k)

    mass = float(cropped.sum())
    cy = float(cropped.sum(axis=1) @ (np.arange(h) + 0.5)) / mass  # centre of mass, continuous coords
    cx = float(cropped.sum(axis=0) @ (np.arange(w) + 0.5)) / mass
    start_y = target[0] + 0.5 - cy * k  # where the crop's top edge lands in 28×28 so the CoM hits target
    start_x = target[1] + 0.5 - cx * k
    if not subpixel:
        box_y, box_x = (SIZE - box) / 2 + (box - h * k) / 2, (SIZE - box) / 2 + (box - w * k) / 2
        start_y = box_y + round(start_y - box_y)
        start_x = box_x + round(start_x - box_x)
    start_y = min(max(start_y, 0.0), SIZE - h * k)  # clip: nothing may fall off the edge
    start_x = min(max(start_x, 0.0), SIZE - w * k)
    centred = _place(cropped, SIZE, start_y, start_x, k)
    return Preprocessed(drawn, cleaned, cropped, fitted, centred, False, (int(top), int(bottom), int(left), int(right)),
                        specks, stroke, thinned)


def _place(cropped, size, start_y, start_x, k):
    """A size×size image holding ``cropped`` scaled by k with its top-left corner at (start_y, start_x)."""
    h, w = cropped.shape
    rows = area_resample(cropped, 0, size, start_y, h * k)
    return np.clip(area_resample(rows, 1, size, start_x, w * k), 0.0, 1.0)


def _empty(drawn):
    black = np.zeros((SIZE, SIZE), dtype=np.float32)
    return Preprocessed(drawn, drawn, np.zeros((0, 0), np.float32), np.zeros((BOX, BOX), np.float32), black, True)


# -- stroke width --------------------------------------------------------------------------------
def stroke_width(image):
    """Mean stroke width in pixels of an anti-aliased drawing, from its ink area and outline length.

    A stroke of width w and length L with round ends has area A = wL + πw²/4 and outline
    P = 2L + πw, so w = (P/2 − √(P²/4 − πA)) / (π/2). A is the image's sum; P its total variation
    Σ|∇image|, which measures outlines in any direction alike.
    """
    area = float(image.sum())
    if area <= 0:
        return 0.0
    gy, gx = np.gradient(np.pad(image, 1))
    outline = float(np.sqrt(gx * gx + gy * gy).sum())
    return (outline / 2 - np.sqrt(max(outline * outline / 4 - np.pi * area, 0.0))) / (np.pi / 2)


def _restroked(cropped, stroke, target, box):
    """``cropped`` eroded or dilated so that, once fitted to ``box``, its strokes are ``target`` wide; cropped again.

    Works on a copy at least _WORK pixels on the longer side (fine strokes get more, so they are
    still solid pixels there), so the cost does not follow the canvas. Eroding shrinks the ink box
    and dilating grows it, which changes the fit; the depth allows for that.
    """
    h, w = cropped.shape
    canvas_stroke = stroke * max(h, w) / box
    scale = min(max(_WORK / max(h, w), _WORK_STROKE / max(canvas_stroke, 1e-6)), 1.0)
    rows, cols = int(np.ceil(h * scale)), int(np.ceil(w * scale))
    # room for the ink to grow: the depth below, in work pixels, on every side
    depth = max(h, w) * scale * (stroke - target) / (2 * (box - target))  # > 0: remove, < 0: add
    depth = min(max(depth, -_MAX_DEPTH), _MAX_DEPTH)
    margin = 1 + int(np.ceil(max(-depth, 0)))
    work = area_resample(area_resample(cropped, 0, rows + 2 * margin, margin, h * scale), 1, cols + 2 * margin,
                         margin, w * scale)
    work = _morph(work, abs(depth), np.minimum if depth > 0 else np.maximum)
    peak = float(work.max())
    if peak < BLANK:
        return cropped
    mask = work >= INK * peak
    r, c = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return work[r[0] : r[-1] + 1, c[0] : c[-1] + 1]


def _morph(image, depth, op):
    """Grey erosion (op = np.minimum) or dilation (np.maximum) by about ``depth`` pixels.

    3×3 cross and square filters in turn grow or shrink like a round pen would.
    """
    whole = int(depth)
    for i in range(whole):
        image = _filter3(image, op, cross=(i % 2 == 0))
    part = depth - whole
    if part > 0:
        image = image + np.float32(part) * (_filter3(image, op, cross=(whole % 2 == 0)) - image)
    return image


def _filter3(image, op, cross):
    """3×3 minimum or maximum filter (a plus-shaped one when ``cross``); outside the image is black."""
    p = np.pad(image, 1)
    if cross:
        return op(op(op(p[1:-1, 1:-1], p[:-2, 1:-1]), op(p[2:, 1:-1], p[1:-1, :-2])), p[1:-1, 2:])
    rows = op(op(p[:-2], p[1:-1]), p[2:])
    return op(op(rows[:, :-2], rows[:, 1:-1]), rows[:, 2:])


# -- stray specks -------------------------------------------------------------------------------
def _without_specks(mask, image):
    """(keep, n): a boolean (H, W) mask of the pixels that are not stray specks, and how many specks there were.

    Blobs are 8-connected groups of ink on a coarse grid (cells of f×f pixels), so strokes that
    nearly touch count as one. A blob is a speck when it holds little ink and lies apart from the
    bounding box of the big blobs — unless such blobs hold much of the ink together (a dotted digit).
    """
    H, W = mask.shape
    f = max(1, -(-max(H, W) // _GRID))
    gh, gw = -(-H // f), -(-W // f)
    padded = np.zeros((gh * f, gw * f), dtype=np.float32)
    padded[:H, :W] = np.where(mask, image, 0)
    cell_ink = padded.reshape(gh, f, gw * f).sum(axis=1).reshape(gh, gw, f).sum(axis=2)
    labels, n = _label(cell_ink > 0)
    if n < 2:
        return np.ones_like(mask), 0
    ink = np.bincount(labels.ravel(), weights=cell_ink.ravel(), minlength=n + 1)[1:]
    total = ink.sum()
    big = (ink >= SPECK * total) | (ink == ink.max())  # the largest blob always counts, even among many
    boxes = _boxes(labels, n)  # (n, 4) top, bottom, left, right in cells (bottom/right exclusive)
    main = np.array([boxes[big, 0].min(), boxes[big, 1].max(), boxes[big, 2].min(), boxes[big, 3].max()])
    gap_y = np.maximum(main[0] - boxes[:, 1], boxes[:, 0] - main[1])  # cells between a blob and the main box
    gap_x = np.maximum(main[2] - boxes[:, 3], boxes[:, 2] - main[3])
    gap = np.maximum(np.maximum(gap_y, gap_x), 0)
    speck = ~big & (gap > SPECK_GAP * max(main[1] - main[0], main[3] - main[2]))
    if not speck.any() or ink[speck].sum() > 2 * SPECK * total:  # many small pieces: a dotted drawing
        return np.ones_like(mask), 0
    keep_cells = ~np.isin(labels, np.flatnonzero(speck) + 1)
    keep = np.repeat(np.repeat(keep_cells, f, axis=0), f, axis=1)[:H, :W]
    return keep, int(speck.sum())


def _label(grid):
    """8-connected components of a small boolean grid: (labels with 0 = background, count)."""
    edges = np.diff(grid.astype(np.int8), axis=1, prepend=0, append=0)
    run_row, run_start = np.nonzero(edges == 1)
    run_end = np.nonzero(edges == -1)[1]  # exclusive; nonzero is row-major, so runs line up
    n_runs = len(run_start)
    parent = list(range(n_runs))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    row_first = np.searchsorted(run_row, np.arange(grid.shape[0] + 1))  # runs of row r: [row_first[r], row_first[r+1])
    for r in range(1, grid.shape[0]):
        i, i_end = row_first[r - 1], row_first[r]
        j, j_end = row_first[r], row_first[r + 1]
        while i < i_end and j < j_end:
            if run_start[i] <= run_end[j] and run_start[j] <= run_end[i]:  # touch, diagonals included
                a, b = find(i), find(j)
                if a != b:
                    parent[b] = a
            if run_end[i] < run_end[j]:
                i += 1
            else:
                j += 1
    roots = np.array([find(a) for a in range(n_runs)], dtype=np.int64)
    ids, run_label = np.unique(roots, return_inverse=True)
    labels = np.zeros(grid.shape, dtype=np.int32)
    for r, s, e, lab in zip(run_row, run_start, run_end, run_label + 1):
        labels[r, s:e] = lab
    return labels, len(ids)


def _boxes(labels, n):
    """Bounding boxes (n, 4) of labels 1..n: top, bottom, left, right (bottom/right exclusive)."""
    rr, cc = np.nonzero(labels)
    lab = labels[rr, cc] - 1
    boxes = np.empty((n, 4), dtype=np.int64)
    boxes[:, 0] = np.full(n, labels.shape[0])
    boxes[:, 1] = 0
    boxes[:, 2] = labels.shape[1]
    boxes[:, 3] = 0
    np.minimum.at(boxes[:, 0], lab, rr)
    np.maximum.at(boxes[:, 1], lab, rr + 1)
    np.minimum.at(boxes[:, 2], lab, cc)
    np.maximum.at(boxes[:, 3], lab, cc + 1)
    return boxes
