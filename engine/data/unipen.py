"""Real pen strokes (UNIPEN digits): read them, fit them onto a draw pad, render them like a round pen.

Used by tests and benchmarks to replay digits the way a person draws them on the pad. The caller
passes the path of a ``digits.jsonl.gz`` file; nothing here knows where data lives.
"""

import gzip
import json
import os

import numpy as np

_CHUNK = 16  # segments rendered together: one window, one (h, w, k) distance array


def load_unipen(path, with_ids=False):
    """Digits as a list of (label, strokes); each stroke is a (k, 2) float array of (x, y), y pointing DOWN.

    The file stores raw tablet units with y pointing up; here y is negated so screen code can use it.
    Digits holding a spurious (0, 0) point (a known data fault) are skipped. ``with_ids`` adds each
    digit's id as a third item: (label, strokes, id).
    """
    path = os.fspath(path)
    opener = gzip.open if path.endswith(".gz") else open
    digits = []
    with opener(path, "rt", encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                label = int(record["label"])
                strokes = [np.asarray(s, dtype=np.float64).reshape(-1, 2) for s in record["strokes"]]
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{os.path.basename(path)} line {line_no}: not a UNIPEN digit ({exc})") from None
            strokes = [s for s in strokes if len(s)]
            if not strokes or any(np.any(np.all(s == 0, axis=1)) for s in strokes):
                continue
            for s in strokes:
                s[:, 1] *= -1  # tablet y points up; screens count rows down
            digits.append((label, strokes, record.get("id")) if with_ids else (label, strokes))
    return digits


def fit_strokes(strokes, size=280, box_fraction=0.7, offset=(0.0, 0.0)):
    """Strokes scaled and moved onto a size×size pad: longer side = box_fraction·size (≤ 1), aspect kept.

    The digit's bounding box is centred at the pad centre plus ``offset`` (dx, dy) in pixels; the centre
    is clamped so the whole box stays on the pad. Returns new (k, 2) arrays in pad pixels, y down.
    """
    points = np.concatenate(strokes)
    lo, hi = points.min(axis=0), points.max(axis=0)
    span = float((hi - lo).max())
    box = float(box_fraction) * size
    scale = box / span if span > 0 else 1.0
    half = (hi - lo) * scale / 2
    centre = np.asarray([size / 2, size / 2], dtype=np.float64) + np.asarray(offset, dtype=np.float64)
    centre = np.clip(centre, half, size - half)  # keep the whole digit on the pad
    middle = (lo + hi) / 2
    return [(s - middle) * scale + centre for s in strokes]


def _thin(stroke, min_step):
    """Drop points less than ``min_step`` (|dx| + |dy|) from the last kept one; the last point is always kept."""
    if len(stroke) < 3 or min_step <= 0:
        return stroke
    keep = [0]
    last = stroke[0]
    for i in range(1, len(stroke) - 1):
        if abs(stroke[i, 0] - last[0]) + abs(stroke[i, 1] - last[1]) >= min_step:
            keep.append(i)
            last = stroke[i]
    keep.append(len(stroke) - 1)
    return stroke[keep]


def render_strokes(strokes, size=280, pen_width=18.0, min_step=1.0):
    """A size×size float32 image in [0, 1]: white strokes of a round-capped pen on black, anti-aliased.

    Each pixel's coverage is 1 inside the pen and falls linearly over one pixel at its edge,
    from the distance of the pixel's centre (x + 0.5, y + 0.5) to the nearest segment — close to what
    a QPainter round-cap, round-join pen draws. A single-point stroke is a dot.
    """
    image = np.zeros((size, size), dtype=np.float32)
    radius = pen_width / 2.0
    reach = radius + 1.0  # pixels farther than this from every segment stay black
    for stroke in strokes:
        pts = _thin(np.asarray(stroke, dtype=np.float64), min_step)
        if len(pts) == 1:
            pts = np.vstack([pts, pts])
        for k0 in range(0, len(pts) - 1, _CHUNK):
            _render_chunk(image, pts[k0 : k0 + _CHUNK + 1], radius, reach)
    return image


def _render_chunk(image, pts, radius, reach):
    """Paint the segments pts[i] → pts[i+1] into ``image`` (max of coverages)."""
    size_y, size_x = image.shape
    x0 = max(int(np.floor(pts[:, 0].min() - reach)), 0)
    x1 = min(int(np.ceil(pts[:, 0].max() + reach)) + 1, size_x)
    y0 = max(int(np.floor(pts[:, 1].min() - reach)), 0)
    y1 = min(int(np.ceil(pts[:, 1].max() + reach)) + 1, size_y)
    if x0 >= x1 or y0 >= y1:
        return
    px = (np.arange(x0, x1, dtype=np.float32) + 0.5)[None, :, None]  # pixel centres (1, w, 1)
    py = (np.arange(y0, y1, dtype=np.float32) + 0.5)[:, None, None]  # (h, 1, 1)
    a = pts[:-1].astype(np.float32)
    d = (pts[1:] - pts[:-1]).astype(np.float32)
    length2 = np.maximum(d[:, 0] ** 2 + d[:, 1] ** 2, np.float32(1e-12))
    rx, ry = px - a[:, 0], py - a[:, 1]  # (h, w, k) offsets from each segment's start
    t = np.clip((rx * d[:, 0] + ry * d[:, 1]) / length2, 0.0, 1.0)
    dist2 = ((rx - t * d[:, 0]) ** 2 + (ry - t * d[:, 1]) ** 2).min(axis=2)
    cover = np.clip(np.float32(radius + 0.5) - np.sqrt(dist2), 0.0, 1.0)
    window = image[y0:y1, x0:x1]
    np.maximum(window, cover, out=window)
