"""Random distortions of MNIST-like batches, so a network trained on MNIST also reads digits people draw.

Drawn digits differ from MNIST in position, angle, size, slant and stroke thickness even after
preprocessing; training on randomly moved, turned, scaled, slanted, thickened and thinned copies
teaches the network to ignore those differences. Everything is vectorised over the batch: one
inverse affine map per image, then bilinear sampling of the whole batch at once.
"""

import functools
import math
from dataclasses import dataclass, fields

import numpy as np

SIDE = 28  # images are SIDE×SIDE
_CENTRE = (SIDE - 1) / 2  # rotate and scale about the image's middle (pixel centres at 0 … 27)
_GRID = np.stack(np.mgrid[0:SIDE, 0:SIDE], axis=-1).reshape(-1, 2).astype(np.float64)  # (784, 2) (row, col)
_AXIS = np.arange(SIDE, dtype=np.float64)
_INK = 0.1  # as in preprocessing: below this fraction of the brightest pixel is not ink


@dataclass(frozen=True)
class AugmentSettings:
    """How strongly to distort: each image draws every amount uniformly from ±max (or the range).

    The defaults measured best on real pen strokes (benchmarks/drawn_digits_offline.py); larger
    rotations, full-strength thickness changes, elastic wobble and refitting measured no better or worse.
    """

    shift: float = 2.0  # max translation per axis, in pixels
    rotate: float = 15.0  # max rotation, in degrees
    scale: tuple = (0.85, 1.15)  # range of the size factor
    shear: float = 0.3  # max horizontal slant: x moves by shear·(row offset from the middle)
    thickness: float = 0.5  # max stroke change: +1 is a full 3×3 dilation, −1 a full 3×3 erosion
    elastic: float = 0.0  # RMS of a smooth random displacement field, in pixels (0 = none)
    refit: bool = False  # after turning and slanting, fit to 20 px and centre the mass again, as preprocessing does

    def __post_init__(self):
        for name, (low, high) in LIMITS.items():
            value = getattr(self, name)
            values = value if name == "scale" else (value,)
            if (name == "scale" and (not isinstance(value, tuple) or len(value) != 2 or value[0] > value[1])) or not all(
                    isinstance(v, (int, float)) and math.isfinite(v) and low <= v <= high for v in values):
                what = "a range low:high, both" if name == "scale" else "a number"
                raise ValueError(f"augment {name} must be {what} from {low:g} to {high:g}, got {value!r}")

    def __repr__(self):
        return (f"AugmentSettings(shift ±{self.shift:g} px, rotate ±{self.rotate:g}°, "
                f"scale {self.scale[0]:g}–{self.scale[1]:g}, shear ±{self.shear:g}, "
                f"thickness ±{self.thickness:g}, elastic {self.elastic:g} px{', refit' if self.refit else ''})")


# The amounts that still leave a digit on the 28×28 image: anything else is refused.
LIMITS = {"shift": (0.0, SIDE / 2), "rotate": (0.0, 180.0), "scale": (0.25, 4.0), "shear": (0.0, 2.0),
          "thickness": (0.0, 1.0), "elastic": (0.0, 5.0)}

NONE = AugmentSettings(shift=0.0, rotate=0.0, scale=(1.0, 1.0), shear=0.0, thickness=0.0)  # the identity
_KNOTS = 5  # elastic fields are smooth blends of this many × this many random displacements


def make_augment(text):
    """augment_batch with AugmentSettings from 'key=value,…' (a range as low:high); '' = the defaults.

    ValueError names the setting that is unknown, not a number or out of ``LIMITS``.
    """
    values = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        key, sep, value = item.partition("=")
        key = key.strip()
        try:
            if not sep:
                raise ValueError(item)
            values[key] = tuple(float(v) for v in value.split(":")) if ":" in value else float(value)
        except ValueError:
            raise ValueError(f"augment settings are key=value pairs joined by ',', e.g. 'shear=0.3'; "
                             f"got {item!r}") from None
        if key == "scale" and not (isinstance(values[key], tuple) and len(values[key]) == 2):
            raise ValueError(f"augment scale is a range low:high, e.g. 'scale=0.9:1.1'; got {item!r}")
        if key == "refit":
            values[key] = bool(values[key])
    names = [f.name for f in fields(AugmentSettings)]
    unknown = [key for key in values if key not in names]
    if unknown:
        raise ValueError(f"augment knows {', '.join(names)}; got {', '.join(unknown)}")
    return functools.partial(augment_batch, settings=AugmentSettings(**values))


def augment_batch(images, rng, out=None, settings=AugmentSettings()):
    """Randomly distorted copies of ``images``: shape (n, 784) or (n, 28, 28), float32 in [0, 1].

    rng : numpy.random.Generator, the only source of randomness (same state → same result).
    out : optional float32 array of the same shape to write into (may not be ``images`` itself).
    Returns ``out`` (or a new array) with the same shape as ``images``.

    Order: thickness; shear and rotation about the middle; with ``refit``, the fit to 20 px and the
    centre of mass to (14, 14); then scale and shift (a jitter around the fit when refitting).
    """
    images = np.asarray(images, dtype=np.float32)
    shape = images.shape
    if images.ndim not in (2, 3) or shape[1:] not in ((SIDE * SIDE,), (SIDE, SIDE)):
        raise ValueError(f"images must have shape (n, 784) or (n, 28, 28), got {shape}")
    if out is not None and (out.shape != shape or out.dtype != np.float32 or not out.flags.c_contiguous):
        raise ValueError(f"out must be a C-contiguous float32 array of shape {shape}")
    batch = images.reshape(-1, SIDE, SIDE)
    n = batch.shape[0]
    s = settings
    thickness = rng.uniform(-s.thickness, s.thickness, n)
    angle = np.deg2rad(rng.uniform(-s.rotate, s.rotate, n))
    scale = rng.uniform(s.scale[0], s.scale[1], n)
    shear = rng.uniform(-s.shear, s.shear, n)
    shift = rng.uniform(-s.shift, s.shift, (n, 2))
    if s.thickness:
        batch = change_thickness(batch, thickness)
    matrices = affine_matrices(angle, np.ones(n), shear, np.zeros((n, 2)))
    pivot = np.full((n, 2), _CENTRE)
    if s.refit:
        matrices = fit_matrices(batch, matrices)
        pivot[:] = FIT_COM
    # then scale about the pivot and shift: p → scale·(p − pivot) + pivot + shift
    matrices *= scale[:, None, None]
    matrices[:, :, 2] += (1 - scale)[:, None] * pivot + shift
    field = elastic_field(n, rng, s.elastic) if s.elastic else None
    warped = affine_warp(batch, matrices, out=None if out is None else out.reshape(n, SIDE, SIDE), displacement=field)
    return warped.reshape(shape) if out is None else out


def affine_matrices(angle, scale, shear, shift):
    """Forward maps (n, 2, 3) [A | t]: a pixel at p = (row, col) moves to A p + t.

    About the image's middle c: first shear (col += shear·row), then scale, then rotate by
    ``angle`` radians (counter-clockwise as seen on screen), then shift (d_row, d_col) in pixels.
    """
    angle, scale, shear = (np.asarray(v, dtype=np.float64) for v in (angle, scale, shear))
    cos, sin = np.cos(angle) * scale, np.sin(angle) * scale
    m = np.empty((len(angle), 2, 3), dtype=np.float64)
    # rotation in (row, col) with rows pointing down: [[cos, -sin], [sin, cos]] turns counter-clockwise
    m[:, 0, 0] = cos
    m[:, 0, 1] = -sin
    m[:, 1, 0] = sin
    m[:, 1, 1] = cos
    m[:, :, 0] += m[:, :, 1] * shear[:, None]  # (R·S) @ [[1, 0], [shear, 1]]: col gains shear·row first
    # p' = A (p − c) + c + shift  ⇒  t = c − A c + shift
    m[:, :, 2] = _CENTRE - m[:, :, :2].sum(axis=2) * _CENTRE + np.asarray(shift, dtype=np.float64)
    return m


FIT_BOX = 20.0  # what preprocessing does to drawings: the ink's longer side becomes 20 px …
FIT_COM = (14.0, 14.0)  # … and its centre of mass lands here (0-based row, col)


def fit_matrices(batch, matrices):
    """``matrices`` (n, 2, 3) followed by the scaling and shift that fit the moved ink as preprocessing would.

    The moved ink's box (from its pixels' moved centres, one pixel added for their size) gets a
    longer side of FIT_BOX pixels and its centre of mass (moved exactly, as maps are affine) lands at
    FIT_COM, shifted back if the box would leave the image. Blank images keep their map.
    """
    n = batch.shape[0]
    flat = batch.reshape(n, SIDE * SIDE)
    a, t = matrices[:, :, :2], matrices[:, :, 2]
    ink = (flat >= _INK * flat.max(axis=1, keepdims=True)) & (flat > 0)
    lo, hi = np.empty((n, 2)), np.empty((n, 2))
    rows, cols = _GRID[:, 0].astype(np.float32), _GRID[:, 1].astype(np.float32)
    for i in range(2):  # where every pixel centre goes, (n, 784), one output axis at a time
        moved = a[:, i, 0, None].astype(np.float32) * rows + a[:, i, 1, None].astype(np.float32) * cols
        lo[:, i] = np.where(ink, moved, np.inf).min(axis=1) + t[:, i]
        hi[:, i] = np.where(ink, moved, -np.inf).max(axis=1) + t[:, i]
    mass = flat.sum(axis=1, dtype=np.float64)
    blank = mass <= 0
    zoom = FIT_BOX / np.where(blank, 1.0, (hi - lo).max(axis=1) + 1)
    centre = np.stack([flat.reshape(n, SIDE, SIDE).sum(axis=2) @ _AXIS, flat.reshape(n, SIDE, SIDE).sum(axis=1) @ _AXIS], 1)
    com = np.einsum("nij,nj->ni", a, centre / np.where(blank, 1.0, mass)[:, None]) + t
    target = np.asarray(FIT_COM, dtype=np.float64)
    # the ink's outer edges after the fit; move back inside [−0.5, 27.5] if needed
    first = zoom[:, None] * (lo - com) + target - zoom[:, None] / 2
    last = zoom[:, None] * (hi - com) + target + zoom[:, None] / 2
    nudge = np.maximum(-0.5 - first, 0) + np.minimum(SIDE - 0.5 - last, 0)
    out = np.empty_like(matrices)
    out[:, :, :2] = zoom[:, None, None] * a
    out[:, :, 2] = zoom[:, None] * (t - com) + target + nudge
    out[blank] = matrices[blank]
    return out


def refit(images):
    """Images (n, 28, 28) fitted like preprocessed drawings: ink's longer side 20 px, centre of mass at (14, 14)."""
    images = np.asarray(images, dtype=np.float32).reshape(-1, SIDE, SIDE)
    identity = np.zeros((len(images), 2, 3))
    identity[:, 0, 0] = identity[:, 1, 1] = 1.0
    return affine_warp(images, fit_matrices(images, identity))


def elastic_field(n, rng, rms):
    """Smooth random displacements (2, n, 28, 28) in pixels, with RMS ``rms`` everywhere.

    Gaussian bumps on a coarse grid of knots, each with a random normal weight: cheap (a few
    numbers per image) and smooth over several pixels, like a hand's wobble rather than noise.
    """
    centres = np.linspace(0, SIDE - 1, _KNOTS)
    width = (SIDE - 1) / (_KNOTS - 1)
    basis = np.exp(-0.5 * ((np.arange(SIDE)[:, None] - centres[None, :]) / width) ** 2)  # (28, knots)
    basis /= np.sqrt((basis**2).sum(axis=1, keepdims=True))  # unit variance at every pixel
    basis = basis.astype(np.float32)
    knots = rng.standard_normal((2, n, _KNOTS, _KNOTS), dtype=np.float32)
    return (basis @ knots @ basis.T) * np.float32(rms)


def affine_warp(batch, matrices, out=None, displacement=None):
    """Images (n, 28, 28) moved by forward maps (n, 2, 3) [A | t] (p → A p + t), bilinear, zeros outside.

    displacement : optional (2, n, 28, 28) offsets (rows, cols) added to where each output pixel reads.
    """
    n = batch.shape[0]
    a = matrices[:, :, :2]
    det = a[:, 0, 0] * a[:, 1, 1] - a[:, 0, 1] * a[:, 1, 0]
    inv = np.stack([np.stack([a[:, 1, 1], -a[:, 0, 1]], -1), np.stack([-a[:, 1, 0], a[:, 0, 0]], -1)], 1)
    inv /= det[:, None, None]
    offset = -np.einsum("nij,nj->ni", inv, matrices[:, :, 2])  # source = A⁻¹ (p − t) = A⁻¹ p + offset
    grid = np.arange(SIDE, dtype=np.float32)
    inv32, off32 = inv.astype(np.float32), offset.astype(np.float32)
    # coordinates (n, 28, 28) in the padded image (one zero pixel of border on every side)
    src_r = (inv32[:, 0, 0, None, None] * grid[:, None] + inv32[:, 0, 1, None, None] * grid[None, :]
             + (off32[:, 0, None, None] + 1))
    src_c = (inv32[:, 1, 0, None, None] * grid[:, None] + inv32[:, 1, 1, None, None] * grid[None, :]
             + (off32[:, 1, None, None] + 1))
    if displacement is not None:
        src_r += displacement[0]
        src_c += displacement[1]
    np.clip(src_r, 0, SIDE + 1, out=src_r)
    np.clip(src_c, 0, SIDE + 1, out=src_c)
    r0 = np.minimum(src_r.astype(np.int32), SIDE)  # so r0 + 1 is still inside the padded image
    c0 = np.minimum(src_c.astype(np.int32), SIDE)
    fr = src_r - r0
    fc = src_c - c0
    padded = np.zeros((n, SIDE + 2, SIDE + 2), dtype=np.float32)
    padded[:, 1:-1, 1:-1] = batch
    flat = padded.reshape(-1)
    idx = r0 * (SIDE + 2) + c0
    idx += (np.arange(n, dtype=np.int32) * (SIDE + 2) ** 2)[:, None, None]
    top = flat[idx]
    top += fc * (flat[idx + 1] - top)
    idx += SIDE + 2
    bottom = flat[idx]
    bottom += fc * (flat[idx + 1] - bottom)
    bottom -= top
    bottom *= fr
    if out is None:
        out = np.empty((n, SIDE, SIDE), dtype=np.float32)
    np.add(top, bottom, out=out)
    return np.clip(out, 0.0, 1.0, out=out)


def change_thickness(batch, amount):
    """Strokes thickened (amount > 0, towards a 3×3 dilation) or thinned (< 0, towards a 3×3 erosion).

    batch : (n, 28, 28) float32; amount : (n,) in [−1, 1], the blend towards the full operation.
    """
    amount = np.asarray(amount, dtype=np.float32)[:, None, None]
    grow = amount > 0
    dilated = _filter3(batch, np.maximum)
    eroded = _filter3(batch, np.minimum)
    target = np.where(grow, dilated, eroded)
    return batch + np.abs(amount) * (target - batch)


def _filter3(batch, op):
    """3×3 max or min filter of (n, 28, 28) images; outside the image counts as background (0)."""
    padded = np.zeros((batch.shape[0], SIDE + 2, SIDE + 2), dtype=np.float32)
    padded[:, 1:-1, 1:-1] = batch
    rows = op(op(padded[:, :-2], padded[:, 1:-1]), padded[:, 2:])
    return op(op(rows[:, :, :-2], rows[:, :, 1:-1]), rows[:, :, 2:])
