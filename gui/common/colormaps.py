"""Colour maps of the network view: diverging for signed values, sequential for activations, classes.

Weights (and gradients, and weight changes) share one diverging map, symmetric around zero:
orange = negative, blue = positive, zero close to the dark background. Orange against blue stays
distinguishable for the common colour-vision deficiencies. Values are drawn in a few bins, one
colour per bin, so that thousands of edges become a few draw calls.
"""

import numpy as np
from PySide6.QtGui import QColor, QImage

N_BINS = 21  # odd: the middle bin is centred on zero
HUE_POWER = 0.5  # < 1 lifts small values so weak weights still show their sign
BACKGROUND = (22, 24, 29)  # the view's backdrop; zero-valued edges fade into it
NEGATIVE = (245, 140, 30)  # orange end of the diverging map
POSITIVE = (45, 150, 245)  # blue end of the diverging map
ZERO = (78, 82, 90)  # a grey a little lighter than the backdrop, so weak edges still read as edges
# Okabe–Ito: eight colours that colour-blind readers can tell apart (class colours of 2-D maps).
CLASS_COLORS = [(230, 159, 0), (86, 180, 233), (0, 158, 115), (240, 228, 66), (0, 114, 178),
                (213, 94, 0), (204, 121, 167), (170, 170, 170)]


def symmetric_scale(values, quantile=0.99):
    """A robust half-range s > 0 for ``values``: the ``quantile`` of |values| (outliers clip to ±s)."""
    a = np.abs(np.asarray(values, dtype=np.float64).ravel())
    a = a[np.isfinite(a)]
    if a.size == 0:
        return 1.0
    k = min(a.size - 1, int(quantile * (a.size - 1) + 0.5))
    s = float(np.partition(a, k)[k])
    if s <= 0:
        s = float(a.max())
    return s if s > 0 else 1.0


def weight_bins(values, scale, n_bins=N_BINS):
    """Bin index (int32, same shape) of each value on [−scale, +scale]; values beyond clip to the ends."""
    v = np.asarray(values, dtype=np.float32)
    t = np.clip(v * np.float32(1.0 / scale), -1, 1)
    if not np.isfinite(t).all():  # a diverged network: NaN draws as zero
        t = np.nan_to_num(t, nan=0.0)
    idx = ((t + 1) * np.float32(n_bins / 2)).astype(np.int32)
    np.clip(idx, 0, n_bins - 1, out=idx)
    return idx


def bin_centres(n_bins=N_BINS):
    """The value of each bin's centre on [−1, 1], shape (n_bins,)."""
    return (np.arange(n_bins) + 0.5) / n_bins * 2 - 1


def draw_order(n_bins=N_BINS):
    """Bins from weakest to strongest |centre|, so strong edges are drawn last (on top)."""
    return np.argsort(np.abs(bin_centres(n_bins)), kind="stable")


def diverging(t):
    """RGB (…, 3) float in 0–255 for values t in [−1, 1]: orange ← grey → blue."""
    t = np.clip(np.nan_to_num(np.asarray(t, dtype=np.float64), nan=0.0), -1, 1)
    m = np.abs(t)[..., None] ** HUE_POWER
    end = np.where((t < 0)[..., None], np.array(NEGATIVE, float), np.array(POSITIVE, float))
    return np.array(ZERO, float) * (1 - m) + end * m


def edge_alpha(t):
    """Opacity (0–1) of an edge with normalised magnitude |t| in [0, 1]: faint near zero, solid at the ends."""
    t = np.clip(np.abs(np.asarray(t, dtype=np.float64)), 0, 1)
    return 0.06 + 0.94 * t ** 1.6


def edge_width(t):
    """Pen width (px) of an edge with normalised magnitude |t| in [0, 1]."""
    t = np.clip(np.abs(np.asarray(t, dtype=np.float64)), 0, 1)
    return 0.7 + 2.3 * t ** 2


def bin_colors(n_bins=N_BINS):
    """RGBA of each bin, shape (n_bins, 4): RGB 0–255 from the diverging map, alpha 0–1."""
    c = bin_centres(n_bins)
    return np.concatenate([diverging(c), edge_alpha(c)[:, None]], axis=1)


def value_color(value, scale):
    """The QColor of one signed value on the symmetric scale (opaque)."""
    r, g, b = diverging(float(value) / scale)
    return QColor(int(r), int(g), int(b))


def sequential(t):
    """RGB (…, 3) float 0–255 for t in [0, 1]: dark slate → white (activations, input pixels)."""
    t = np.clip(np.nan_to_num(np.asarray(t, dtype=np.float64), nan=0.0), 0, 1)[..., None]
    dark, bright = np.array((34, 37, 44), float), np.array((250, 250, 245), float)
    return dark + (bright - dark) * t ** 0.8


def class_color(k):
    """The RGB tuple of class ``k`` (colours repeat after eight classes)."""
    return CLASS_COLORS[int(k) % len(CLASS_COLORS)]


def rgba_to_qimage(rgb, alpha=None):
    """An ARGB32 premultiplied QImage (a copy) from RGB (h, w, 3) 0–255 and optional alpha (h, w) 0–1."""
    h, w = rgb.shape[:2]
    rgb = np.nan_to_num(rgb, nan=0.0)
    buf = np.empty((h, w, 4), dtype=np.uint8)
    if alpha is None:
        buf[..., 2::-1] = np.clip(rgb, 0, 255)  # little-endian ARGB32 is B, G, R, A in memory
        buf[..., 3] = 255
    else:
        a = np.clip(alpha, 0, 1)[..., None]
        buf[..., 2::-1] = np.clip(rgb * a, 0, 255)
        buf[..., 3] = np.clip(a[..., 0] * 255, 0, 255)
    img = QImage(buf.data, w, h, 4 * w, QImage.Format.Format_ARGB32_Premultiplied)
    return img.copy()  # the QImage must not outlive ``buf``


def premultiplied_to_qimage(buf):
    """A QImage (sharing memory: keep ``buf`` alive) from BGRA premultiplied uint8 (h, w, 4)."""
    h, w = buf.shape[:2]
    img = QImage(buf.data, w, h, 4 * w, QImage.Format.Format_ARGB32_Premultiplied)
    img._keep = buf  # the image reads the array's memory; tie their lifetimes together
    return img
