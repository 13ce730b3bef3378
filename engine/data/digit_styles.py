"""Handwriting styles MNIST barely holds, added to training copies: slashed zeros, crossed sevens, flagged ones.

MNIST was written by American writers. Many people write a zero with a slash (Ø), a seven with a bar
across its stem, and a one with a long flag; a network that never saw them reads Ø as 8 or 4, and a
flagged 1 as 7. ``add_styles`` draws those strokes onto copies of MNIST digits, then fits each copy
again as preprocessing fits a drawing (longer side 20 px, centre of mass at (14, 14)).
"""

import dataclasses

import numpy as np

from engine.data.augment import SIDE, refit

_ROWS, _COLS = (g.astype(np.float32) for g in np.mgrid[0:SIDE, 0:SIDE])
_INK = 0.3  # pixels at least this bright outline a digit's box


def add_styles(images, labels, rng, fraction=0.3, digits=(0, 7, 1)):
    """Restyled copies of a ``fraction`` of the images of each digit in ``digits``: (copies, labels).

    images : (n, 784) or (n, 28, 28) in [0, 1] (uint8 is divided by 255); labels : (n,) ints.
    Returns copies of shape (m, 784), float32, and their labels (m,). Use them next to the originals.
    """
    images = np.asarray(images)
    scale = np.float32(1 / 255) if images.dtype == np.uint8 else np.float32(1)
    labels = np.asarray(labels)
    out_images, out_labels = [], []
    for digit in digits:
        if digit not in _STYLES:
            raise ValueError(f"no extra style for digit {digit}; styles exist for {sorted(_STYLES)}")
        pool = np.flatnonzero(labels == digit)
        chosen = rng.choice(pool, int(round(fraction * len(pool))), replace=False)
        if not len(chosen):
            continue
        batch = images[chosen].reshape(-1, SIDE, SIDE).astype(np.float32) * scale
        _STYLES[digit](batch, rng)
        out_images.append(refit(batch).reshape(-1, SIDE * SIDE))
        out_labels.append(np.full(len(chosen), digit, dtype=labels.dtype))
    if not out_images:
        return np.zeros((0, SIDE * SIDE), np.float32), np.zeros(0, labels.dtype)
    return np.concatenate(out_images), np.concatenate(out_labels)


def ink_boxes(batch):
    """(top, bottom, left, right) of each image's bright pixels, inclusive; shape (n, 4) float32."""
    rows, cols = batch.max(axis=2) > _INK, batch.max(axis=1) > _INK
    last = SIDE - 1
    return np.stack([rows.argmax(1), last - rows[:, ::-1].argmax(1), cols.argmax(1), last - cols[:, ::-1].argmax(1)],
                    axis=1).astype(np.float32)


def draw_segments(batch, start, end, width):
    """Anti-aliased straight strokes start → end ((n, 2) as row, col), ``width`` (n,) pixels, painted in place."""
    d = (end - start).astype(np.float32)
    length2 = np.maximum((d * d).sum(axis=1), 1e-6)[:, None, None]
    r = _ROWS - start[:, 0, None, None]
    c = _COLS - start[:, 1, None, None]
    t = np.clip((r * d[:, 0, None, None] + c * d[:, 1, None, None]) / length2, 0, 1)
    dist = np.hypot(r - t * d[:, 0, None, None], c - t * d[:, 1, None, None])
    np.maximum(batch, np.clip(width[:, None, None] / 2 + 0.5 - dist, 0, 1), out=batch)


def _pen(rng, n):
    return rng.uniform(1.6, 2.6, n).astype(np.float32)  # MNIST strokes are about 2–2.5 px wide


def slash_zeros(batch, rng):
    """A slash from below the lower left to above the upper right, through the whole ring."""
    n = len(batch)
    top, bottom, left, right = ink_boxes(batch).T
    jitter = rng.uniform(-1.5, 1.5, (4, n)).astype(np.float32)
    start = np.stack([bottom + 1.5 + jitter[0], left - 0.5 + jitter[1]], axis=1)
    end = np.stack([top - 1.5 + jitter[2], right + 0.5 + jitter[3]], axis=1)
    draw_segments(batch, start, end, _pen(rng, n))


def cross_sevens(batch, rng):
    """A short bar across the stem, a little below the middle."""
    n = len(batch)
    top, bottom, left, right = ink_boxes(batch).T
    row = top + (bottom - top) * rng.uniform(0.45, 0.6, n).astype(np.float32)
    stem = _ink_centre(batch, np.round(row).astype(int), (left + right) / 2)
    half = (right - left) * rng.uniform(0.2, 0.32, n).astype(np.float32) + 1
    tilt = rng.uniform(-1, 1, n).astype(np.float32)
    draw_segments(batch, np.stack([row + tilt, stem - half], 1), np.stack([row - tilt, stem + half], 1), _pen(rng, n))


def flag_ones(batch, rng):
    """A long flag from the top of the stem, down to the left."""
    n = len(batch)
    top, bottom, left, right = ink_boxes(batch).T
    stem = _ink_centre(batch, np.minimum(top.astype(int) + 1, SIDE - 1), (left + right) / 2)
    angle = np.deg2rad(rng.uniform(20, 55, n)).astype(np.float32)
    length = (bottom - top) * rng.uniform(0.3, 0.5, n).astype(np.float32)
    start = np.stack([top + 0.5, stem], axis=1)
    end = np.stack([top + 0.5 + length * np.sin(angle), stem - length * np.cos(angle)], axis=1)
    draw_segments(batch, start, end, _pen(rng, n))


def _ink_centre(batch, rows, fallback):
    """Mean column of the bright pixels in one row per image (``fallback`` where the row is dark)."""
    line = batch[np.arange(len(batch)), rows] > _INK  # (n, 28)
    count = line.sum(axis=1)
    centre = (line * np.arange(SIDE, dtype=np.float32)).sum(axis=1) / np.maximum(count, 1)
    return np.where(count > 0, centre, fallback).astype(np.float32)


_STYLES = {0: slash_zeros, 7: cross_sevens, 1: flag_ones}  # digit → what draws its extra style


def with_styles(dataset, fraction, seed):
    """MNIST ``dataset`` plus restyled copies (slashed 0, crossed 7, flagged 1) of ``fraction`` of those digits."""
    extra, labels = add_styles(dataset.x_train, dataset.y_train, np.random.default_rng(seed), fraction)
    return dataclasses.replace(
        dataset, x_train=np.concatenate([dataset.x_train, np.round(extra * 255).astype(dataset.x_train.dtype)]),
        y_train=np.concatenate([dataset.y_train, labels.astype(dataset.y_train.dtype)]))
