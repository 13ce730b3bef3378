"""Backpropagation against central finite differences, in float64, for every activation × loss."""

import numpy as np
import pytest

from engine import NeuralNetwork
from engine.activations import ACTIVATIONS
from engine.losses import LossFunction
from engine.phases import Backward

EPS = 1e-6  # central-difference step
MARGIN = 1e-2  # |z| kept above this, so ReLU/LeakyReLU kinks are never crossed by a step of EPS
N_OUT = 4
SIZES = {1: [3, N_OUT], 2: [3, 5, N_OUT], 3: [3, 5, 4, N_OUT]}
LOSS_CASES = ("mse_onehot", "mse_float", "ce_indices", "logcosh_float")


class LogCosh(LossFunction):
    """A loss that defines only ``loss`` and ``dloss``: it trains through LossFunction.loss_and_grad."""

    name = "logcosh"

    def loss(self, values, expected):
        return float(np.mean(np.log(np.cosh(values - expected))))

    def dloss(self, values, expected):
        return np.tanh(values - expected) / values.size


LOSSES = {"mse_onehot": "mse", "mse_float": "mse", "ce_indices": "ce", "logcosh_float": LogCosh()}


def _targets(case, rng, n):
    """(what train_phases takes, what net.loss takes) for a loss case."""
    if case in ("mse_float", "logcosh_float"):
        t = rng.uniform(-1, 1, (N_OUT, n))
        return t, t
    labels = rng.integers(0, N_OUT, n)
    if case == "mse_onehot":
        onehot = np.zeros((N_OUT, n))
        onehot[labels, np.arange(n)] = 1
        return labels, onehot
    return labels, labels


def _min_abs_z(net, X):
    """Smallest |z| over every layer's pre-activations for X."""
    a, smallest = X, np.inf
    for layer in net.layers:
        z = layer.W @ a + layer.b
        smallest = min(smallest, np.abs(z).min())
        a = layer.act.f(z)
    return smallest


def _problem(act, case, n_layers, n):
    """A float64 network, inputs and targets whose pre-activations all keep clear of 0."""
    for seed in range(200):
        rng = np.random.default_rng(seed)
        net = NeuralNetwork.build(SIZES[n_layers], act, LOSSES[case], out_act=act, seed=seed, dtype=np.float64)
        for layer in net.layers:
            layer.b[...] = rng.uniform(-0.5, 0.5, layer.b.shape)  # non-zero biases get checked too
        X = rng.normal(0, 1, (3, n))
        if _min_abs_z(net, X) > MARGIN:
            return net, X, *_targets(case, rng, n)
    raise AssertionError("no seed kept every pre-activation away from 0")


def _backward_events(net, X, t):
    """Run train_phases(record=True) up to the last Backward event and stop before any Update."""
    events = {}
    gen = net.train_phases(X, t, record=True)
    for event in gen:
        if isinstance(event, Backward):
            events[event.layer] = event
            if event.layer == 0:
                break
    gen.close()
    return events


def _numeric_grad(f, param):
    """∂f/∂param by central differences, perturbing ``param`` in place."""
    grad = np.zeros_like(param)
    for idx in np.ndindex(param.shape):
        old = param[idx]
        param[idx] = old + EPS
        up = f()
        param[idx] = old - EPS
        down = f()
        param[idx] = old
        grad[idx] = (up - down) / (2 * EPS)
    return grad


@pytest.mark.parametrize("n", [1, 7])
@pytest.mark.parametrize("n_layers", [1, 2, 3])
@pytest.mark.parametrize("case", LOSS_CASES)
@pytest.mark.parametrize("act", sorted(ACTIVATIONS))
def test_backprop_matches_finite_differences(act, case, n_layers, n):
    net, X, t_train, t_loss = _problem(act, case, n_layers, n)
    before = net.weights()
    events = _backward_events(net, X, t_train)
    assert sorted(events) == list(range(n_layers))
    for (W, b), layer in zip(before, net.layers):  # stopped before Update: nothing changed
        assert np.array_equal(layer.W, W) and np.array_equal(layer.b, b)

    def loss():
        return net.loss(net.forward_pass(X), t_loss)

    assert net.last_loss == pytest.approx(loss(), rel=1e-12)
    grads = [(layer.dW.copy(), layer.db.copy()) for layer in net.layers]
    for k, layer in enumerate(net.layers):
        dW, db = grads[k]
        np.testing.assert_allclose(events[k].dW, dW, rtol=0, atol=0)
        np.testing.assert_allclose(events[k].db, db, rtol=0, atol=0)
        np.testing.assert_allclose(dW, _numeric_grad(loss, layer.W), rtol=1e-5, atol=1e-9,
                                   err_msg=f"dW of layer {k}")
        np.testing.assert_allclose(db, _numeric_grad(loss, layer.b), rtol=1e-5, atol=1e-9,
                                   err_msg=f"db of layer {k}")
    # ∂L/∂input, which record mode computes for layer 0 too.
    X_var = X.copy()
    grad_in = _numeric_grad(lambda: net.loss(net.forward_pass(X_var), t_loss), X_var)
    np.testing.assert_allclose(events[0].grad_in, grad_in, rtol=1e-5, atol=1e-9)


@pytest.mark.parametrize("act", sorted(ACTIVATIONS))
def test_layer_backward_matches_finite_differences(act):
    """Layer.backward alone: for L = Σ G ⊙ f(W a + b), dW, db and ∂L/∂a_in match differences."""
    net, X, _, _ = _problem(act, "mse_float", 1, 5)
    layer = net.layers[0]
    G = np.random.default_rng(1).normal(size=(layer.outs, 5))

    def loss():
        return float(np.sum(G * layer.act.f(layer.W @ X + layer.b)))

    layer.forward(X)
    grad_in = layer.backward(G.copy())
    np.testing.assert_allclose(layer.dW, _numeric_grad(loss, layer.W), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(layer.db, _numeric_grad(loss, layer.b), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(grad_in, _numeric_grad(loss, X), rtol=1e-6, atol=1e-9)


def test_gradient_check_detects_a_wrong_gradient():
    """The comparison above is sharp enough to notice a gradient off by 1 %."""
    net, X, t_train, t_loss = _problem("tanh", "ce_indices", 2, 7)
    _backward_events(net, X, t_train)
    layer = net.layers[0]
    numeric = _numeric_grad(lambda: net.loss(net.forward_pass(X), t_loss), layer.W)
    with pytest.raises(AssertionError):
        np.testing.assert_allclose(layer.dW * 1.01, numeric, rtol=1e-5, atol=1e-9)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_one_column_backward_stores_what_the_batch_formulas_give(dtype):
    """A single column (per-sample training) takes its own path: dW = δ a_inᵀ and db = Σ δ exactly as matmul/sum."""
    from engine import Layer

    rng = np.random.default_rng(3)
    layer = Layer(30, 7, "leaky_relu", rng=1, init="auto", dtype=dtype)
    x = rng.standard_normal((30, 1)).astype(dtype)
    a = layer.forward(x)
    np.testing.assert_allclose(a, layer.act.f(layer.W @ x + layer.b), rtol=1e-5)
    grad_out = rng.standard_normal((7, 1)).astype(dtype)
    grad_in = layer.backward(grad_out)
    delta = grad_out * layer.act.df(layer.z)
    assert np.array_equal(layer.dW, np.matmul(delta, x.T))
    assert np.array_equal(layer.db, delta.sum(axis=1, keepdims=True))
    np.testing.assert_allclose(grad_in, layer.W.T @ delta, rtol=1e-5)
