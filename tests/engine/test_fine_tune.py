"""Fine-tuning on personal digits mixed with a base dataset moves the network towards the personal labels."""

import numpy as np
import pytest

from engine import NeuralNetwork
from engine.data.augment import augment_batch
from engine.data.datasets import Dataset
from engine.fine_tune import FineTuneStep, fine_tune


def _base(n=600, seed=0):
    """A stand-in for MNIST: ten blobs of random pixels, one per class."""
    rng = np.random.default_rng(seed)
    centres = rng.integers(0, 256, (10, 784))
    y = np.arange(n) % 10
    x = np.clip(centres[y] + rng.normal(0, 30, (n, 784)), 0, 255).astype(np.uint8)
    return Dataset("blobs784", "blobs", (28, 28), [str(d) for d in range(10)], x, y, x[:100], y[:100], scale=1 / 255)


def _bars(m=6):
    """m vertical bars: the personal digits, all labelled 7."""
    X = np.zeros((m, 28, 28), np.float32)
    for i in range(m):
        X[i, 4:24, 11 + i % 4 : 15 + i % 4] = 1.0
    return X.reshape(m, 784).T, np.full(m, 7)


def test_fine_tuning_learns_the_personal_digits_and_keeps_the_base():
    base = _base()
    net = NeuralNetwork.build([784, 32, 10], "relu", "ce", optimizer="adam", lr=1e-3, seed=0)
    for _ in range(100):
        idx = np.random.default_rng(_).integers(0, 600, 64)
        X, y = base.batch("train", idx)
        net.train(np.ascontiguousarray(X), y)
    Xp, yp = _bars()
    base_before = net.accuracy(*base.columns("test"))
    events = list(fine_tune(net, Xp, yp, base, steps=60, batch=64, lr=1e-3, augment=augment_batch))
    assert [e.step for e in events] == list(range(1, 61)) and all(isinstance(e, FineTuneStep) for e in events)
    assert all(np.isfinite(e.loss) for e in events)
    assert net.accuracy(Xp, yp) == 1.0
    assert net.accuracy(*base.columns("test")) >= base_before - 0.05


def test_stopping_early_leaves_a_usable_network():
    net = NeuralNetwork.build([784, 16, 10], "relu", "ce", seed=0)
    Xp, yp = _bars(2)
    steps = fine_tune(net, Xp, yp, _base(100), steps=1000)
    for event in steps:
        if event.step == 3:
            break
    assert all(np.isfinite(layer.W).all() for layer in net.layers)


@pytest.mark.parametrize("X, y", [(np.zeros((784, 0)), np.zeros(0)), (np.zeros((100, 2)), np.zeros(2)),
                                  (np.zeros((784, 2)), np.zeros(3))])
def test_bad_personal_digits_are_refused(X, y):
    net = NeuralNetwork.build([784, 16, 10], "relu", "ce", seed=0)
    with pytest.raises(ValueError):
        next(fine_tune(net, X, y, _base(100)))
