"""Built-in datasets: generated, seeded, small enough that every edge of the network shows.

Classification (TOY_DATASETS): float32 points in roughly [-1, 1]², one class each. Regression
(REGRESSION_DATASETS): a function of x (or of a point) plus Gaussian noise — the classic first picture of
what hidden neurons do. ``make_toy`` makes either, with a train/test split.
"""

import math
import numbers

import numpy as np

from engine.data.datasets import CLASSIFICATION, REGRESSION, Dataset


def _finish(name, title, x, y, class_names, n, noise, seed, test_fraction, rng, task=CLASSIFICATION):
    order = rng.permutation(len(y))
    regression = task == REGRESSION
    x, y = x[order].astype(np.float32), y[order].astype(np.float32 if regression else np.int64)
    n_test = int(round(len(y) * test_fraction))
    if not 0 < n_test < len(y):
        raise ValueError(f"test_fraction {test_fraction} leaves no train or no test samples of {len(y)}")
    features = x.shape[1]
    return Dataset(
        name=name, title=title, input_shape=(features,), class_names=class_names,
        x_train=x[n_test:], y_train=y[n_test:], x_test=x[:n_test], y_test=y[:n_test],
        params={"n": n, "noise": noise, "seed": seed, "test_fraction": test_fraction}, task=task,
        feature_names=["x"] if features == 1 else [f"x{i + 1}" for i in range(features)] if regression else [],
    )


def quadrants(rng, n, noise):
    """Points in [-1, 1]² labelled by their quadrant (0: x>0,y>0; 1: x<0,y>0; 2: x<0,y<0; 3: x>0,y<0)."""
    x = rng.uniform(-1, 1, (n, 2))
    y = np.where(x[:, 1] >= 0, np.where(x[:, 0] >= 0, 0, 1), np.where(x[:, 0] < 0, 2, 3))
    return x + rng.normal(0, noise, x.shape), y, ["I", "II", "III", "IV"]


def xor(rng, n, noise):
    """Class 1 where x and y have opposite signs (the exclusive-or of their signs)."""
    x = rng.uniform(-1, 1, (n, 2))
    x += np.sign(x) * 0.05  # a thin margin at the axes, as in the classic picture
    y = (x[:, 0] * x[:, 1] < 0).astype(int)
    return x + rng.normal(0, noise, x.shape), y, ["same sign", "opposite signs"]


def circles(rng, n, noise):
    """An inner disc (class 0) inside a ring (class 1)."""
    half = n // 2
    r = np.concatenate([rng.uniform(0, 0.45, half), rng.uniform(0.65, 1.0, n - half)])
    t = rng.uniform(0, 2 * np.pi, n)
    x = np.stack([r * np.cos(t), r * np.sin(t)], axis=1)
    y = np.concatenate([np.zeros(half, int), np.ones(n - half, int)])
    return x + rng.normal(0, noise, x.shape), y, ["inner", "outer"]


def spirals(rng, n, noise):
    """Two interleaved spirals, one per class."""
    half = n // 2
    t = np.sqrt(rng.uniform(0, 1, n)) * 3 * np.pi  # denser sampling where the arms are long
    r = t / (3 * np.pi)
    y = np.concatenate([np.zeros(half, int), np.ones(n - half, int)])
    angle = t + np.pi * y
    x = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)
    return x + rng.normal(0, noise, x.shape), y, ["arm A", "arm B"]


def blobs(rng, n, noise, k=3):
    """k Gaussian blobs on a circle, one class each."""
    centres = 0.6 * np.stack([np.cos(2 * np.pi * np.arange(k) / k), np.sin(2 * np.pi * np.arange(k) / k)], 1)
    y = rng.integers(0, k, n)
    x = centres[y] + rng.normal(0, 0.15 + noise, (n, 2))
    return x, y, [f"blob {i + 1}" for i in range(k)]


# -- regression: (x, y) with y = f(x) + noise; x of shape (n, 1) or (n, 2), y of shape (n,) -------------
def _curve(rng, n, noise, f, low=-1.0, high=1.0):
    x = rng.uniform(low, high, (n, 1))
    return x, f(x[:, 0]) + rng.normal(0, noise, n), []


def sine(rng, n, noise):
    """y = sin(πx) on [-1, 1]: one full wave."""
    return _curve(rng, n, noise, lambda x: np.sin(np.pi * x))


def absolute(rng, n, noise):
    """y = |x| on [-1, 1]: two straight pieces and a kink (two ReLUs make it exactly)."""
    return _curve(rng, n, noise, np.abs)


def cubic(rng, n, noise):
    """y = x³ − x on [-1.5, 1.5]: a rise, a dip, a rise."""
    return _curve(rng, n, noise, lambda x: x**3 - x, -1.5, 1.5)


def step(rng, n, noise):
    """y = 0 for x < 0, 1 from x = 0 on: a jump that smooth units can only approach."""
    return _curve(rng, n, noise, lambda x: (x >= 0).astype(float))


def surface(rng, n, noise):
    """y = sin(πx₁)·cos(πx₂/2) over [-1, 1]²: a surface with a ridge and a trough."""
    x = rng.uniform(-1, 1, (n, 2))
    return x, np.sin(np.pi * x[:, 0]) * np.cos(np.pi * x[:, 1] / 2) + rng.normal(0, noise, n), []


REGRESSION_DATASETS = {
    "sine": ("Sine wave", sine, 0.1),
    "abs": ("|x|", absolute, 0.05),
    "cubic": ("x³ − x", cubic, 0.05),
    "step": ("Step", step, 0.05),
    "surface": ("Sine surface", surface, 0.05),
}

TOY_DATASETS = {
    "quadrants": ("Quadrants", quadrants, 0.05),
    "xor": ("XOR", xor, 0.05),
    "circles": ("Two circles", circles, 0.05),
    "spirals": ("Two spirals", spirals, 0.03),
    "blobs": ("Gaussian blobs", blobs, 0.05),
}


MAX_POINTS = 1_000_000  # points in a built-in set: 16 MB of coordinates and labels; a 2-D view shows no more
MAX_NOISE = 100.0  # σ, where the points are [-1, 1]²: 100 is already nothing but noise


def check_toy_params(n=1000, noise=None, seed=0, test_fraction=0.2):
    """``make_toy``'s settings as (n, noise, seed, test_fraction) when each is of its type and in range.

    The one set of limits for a built-in dataset, wherever its settings come from (a command line, a
    checkpoint's ``dataset_params``); ValueError naming the first one that is not.
    """
    def whole(value):
        return isinstance(value, numbers.Integral) and not isinstance(value, bool)

    def real(value):
        try:
            return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
        except OverflowError:  # an int past 1e308
            return False

    if not whole(n) or not 4 <= n <= MAX_POINTS:
        raise ValueError(f"a built-in dataset has 4 to {MAX_POINTS:,} points, got {n!r}")
    if noise is not None and (not real(noise) or not 0 <= noise <= MAX_NOISE):
        raise ValueError(f"noise must be a number from 0 to {MAX_NOISE:g}, got {noise!r}")
    if not whole(seed) or not 0 <= seed < 2**63:
        raise ValueError(f"seed must be a whole number from 0 to 2⁶³ − 1, got {seed!r}")
    if not real(test_fraction) or not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be a number between 0 and 1, got {test_fraction!r}")
    return int(n), None if noise is None else float(noise), int(seed), float(test_fraction)


def make_toy(name, n=1000, noise=None, seed=0, test_fraction=0.2):
    """A built-in dataset (of TOY_DATASETS or REGRESSION_DATASETS) with ``n`` points, ``noise`` (σ) and a seed.

    The settings are checked by check_toy_params (ValueError naming the first one out of range).
    """
    table = TOY_DATASETS if name in TOY_DATASETS else REGRESSION_DATASETS
    if name not in table:
        raise ValueError(f"unknown built-in dataset {name!r}; choose one of "
                         f"{', '.join([*TOY_DATASETS, *REGRESSION_DATASETS])}")
    n, noise, seed, test_fraction = check_toy_params(n, noise, seed, test_fraction)
    title, gen, default_noise = table[name]
    noise = default_noise if noise is None else float(noise)
    rng = np.random.default_rng(seed)
    x, y, class_names = gen(rng, n, noise)
    task = CLASSIFICATION if table is TOY_DATASETS else REGRESSION
    return _finish(name, title, x, y, class_names, n, noise, seed, test_fraction, rng, task)
