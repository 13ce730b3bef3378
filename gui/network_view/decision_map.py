"""Heat maps for 2-D networks: the decision map over the input plane and one map per neuron.

Like TensorFlow Playground: every neuron is evaluated on a grid of the input plane (64 × 64 by
default), so its tile shows which region of the plane switches it on.
"""

import numpy as np

import gui.common.colormaps as cm

GRID = 96  # heat-map resolution per side (the decision map is stretched to a few hundred px)


def plane_extent(points=None, margin=0.15):
    """(xmin, xmax, ymin, ymax): a square around ``points`` (n, 2) with a margin; [−1.2, 1.2]² without."""
    if points is None or len(points) == 0:
        return (-1.2, 1.2, -1.2, 1.2)
    p = np.asarray(points, dtype=np.float64)
    lo, hi = p.min(axis=0), p.max(axis=0)
    centre, half = (lo + hi) / 2, max(float((hi - lo).max()) / 2, 1e-3) * (1 + margin)
    return (centre[0] - half, centre[0] + half, centre[1] - half, centre[1] + half)


def plane_inputs(extent, n=GRID, dtype=np.float32):
    """The grid's points as network input X of shape (2, n·n); row 0 of the image is the top (largest y)."""
    xmin, xmax, ymin, ymax = extent
    xs = np.linspace(xmin, xmax, n)
    ys = np.linspace(ymax, ymin, n)
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()]).astype(dtype)


def plane_point(rect, extent, x, y):
    """The input point (x₁, x₂) drawn at widget pixel (x, y) of a map at ``rect`` (x, y, side); None outside."""
    left, top, side = rect
    u, v = (x - left) / side, (y - top) / side
    if not (0 <= u <= 1 and 0 <= v <= 1):
        return None
    xmin, xmax, ymin, ymax = extent
    return xmin + u * (xmax - xmin), ymax - v * (ymax - ymin)


def forward_all(weights, acts, X):
    """[X, a₁, a₂, …]: every column's activations for inputs X (ins, N), from copies of the weights."""
    out = [X]
    for (W, b), act in zip(weights, acts):
        out.append(act.f(W @ out[-1] + b))
    return out


def decision_rgb(probs, n=GRID):
    """RGB (n, n, 3): the classes' colours weighted by probability, muted where the network is unsure.

    Blending by probability (not colouring the argmax) keeps the boundary smooth when the small
    grid is stretched, and shows the uncertain band along it.
    """
    probs = np.clip(np.asarray(probs, dtype=np.float64), 0, 1)
    k = probs.shape[0]
    palette = np.array([cm.class_color(i) for i in range(k)], dtype=np.float64)
    back = np.array(cm.BACKGROUND, dtype=np.float64)
    if k < 2:
        confidence, colour = probs[0], np.broadcast_to(palette[0], (probs.shape[1], 3))
    else:
        confidence = np.clip((probs.max(axis=0) - 1 / k) / (1 - 1 / k), 0, 1)
        colour = (probs / np.maximum(probs.sum(axis=0), 1e-12)).T @ palette
    mix = 0.12 + 0.43 * confidence[:, None]  # muted, so the data points on top stand out
    return (back + (colour - back) * mix).reshape(n, n, 3)


def tile_rgbs(a, n=GRID):
    """One RGB (n, n, 3) per neuron of a layer's activations a (m, n·n), on the layer's own range."""
    a = np.asarray(a, dtype=np.float64)
    lo, hi = float(a.min()), float(a.max())
    t = (a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)
    return [cm.sequential(row).reshape(n, n, 3) for row in t]
