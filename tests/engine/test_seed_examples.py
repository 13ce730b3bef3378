"""The examples the engine grew from still work exactly as written."""

import numpy as np
import pytest

from engine import Identity, Layer, LeakyReLU, MSELoss, NeuralNetwork, Sigmoid


def _demo_network():
    # He weights: with the articles' tiny default (std 1/(rows·cols)) three layers at lr 0.001 barely move in
    # 30,000 steps (loss −1 %), which is the lesson of engine/initializers.py, not what this demo checks.
    layers = [
        Layer(3, 7, LeakyReLU(), rng=0, init="he"),
        Layer(7, 7, LeakyReLU(), rng=1, init="he"),
        Layer(7, 3, LeakyReLU(), rng=2, init="he"),
    ]
    return NeuralNetwork(layers, MSELoss(), 0.001)


def test_network_demo_runs():
    net = _demo_network()
    x = np.array([[1.0], [2.0], [3.0]])  # one sample: a column
    out = net.forward_pass(x)
    assert out.shape == (3, 1)
    assert np.all(np.isfinite(out))
    assert net.sizes == [3, 7, 7, 3]
    assert repr(net.layers[0]) == "Layer(3 → 7, LeakyReLU(0.1))"
    # a 1-D sample is read as one column too
    assert np.array_equal(net.forward_pass(np.array([1.0, 2.0, 3.0])), out)


def test_demo_training_reduces_the_loss_on_a_tiny_problem():
    net = _demo_network()
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (3, 8))
    t = np.stack([X[0] + X[1], X[1] - X[2], 0.5 * X[0]])  # a small linear target, one column per sample
    first = net.loss(net.forward_pass(X), t)
    losses = [net.train(X, t) for _ in range(3000)]
    assert losses[0] == pytest.approx(first)
    assert losses[-1] < 0.6 * first
    assert all(b <= a + 1e-12 for a, b in zip(losses, losses[1:]))  # small lr: monotone descent


def test_mse_dloss_of_the_seed():
    assert np.array_equal(MSELoss().dloss(np.array([1, 2, 3, 4]), np.zeros(4)), [0.5, 1, 1.5, 2])


def test_leaky_relu_df_of_the_seed():
    assert np.array_equal(LeakyReLU().df(np.array([-2, -1, 3, 4])), [0.1, 0.1, 1, 1])


def test_incompatible_layers_are_refused():
    with pytest.raises(ValueError, match="Layers should have compatible shapes"):
        NeuralNetwork([Layer(3, 7), Layer(6, 2)], MSELoss(), 0.001)


def test_compatible_layers_are_accepted():
    net = NeuralNetwork([Layer(3, 7), Layer(7, 2)], MSELoss(), 0.001)
    assert net.forward_pass(np.ones((3, 5))).shape == (2, 5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_default_optimizer_is_plain_sgd(dtype):
    """After net.train, W == W_before − lr·dW exactly, for every layer."""
    layers = [Layer(3, 5, LeakyReLU(), rng=0, dtype=dtype), Layer(5, 2, Sigmoid(), rng=1, dtype=dtype)]
    net = NeuralNetwork(layers, MSELoss(), 0.05)
    before = net.weights()
    X = np.random.default_rng(0).normal(size=(3, 4)).astype(dtype)
    net.train(X, np.array([[0, 1, 0, 1], [1, 0, 1, 0]], dtype=dtype))
    for (W, b), layer in zip(before, net.layers):
        assert not np.array_equal(layer.W, W)  # the step did something
        assert np.array_equal(layer.W, W - net.lr * layer.dW)
        assert np.array_equal(layer.b, b - net.lr * layer.db)


def test_train_returns_the_loss_before_the_step():
    net = NeuralNetwork([Layer(2, 2, Identity(), rng=0)], MSELoss(), 0.1)
    X, t = np.eye(2), np.zeros((2, 2))
    expected = net.loss(net.forward_pass(X), t)
    assert net.train(X, t) == pytest.approx(expected, rel=1e-6)
    assert net.loss(net.forward_pass(X), t) < expected
