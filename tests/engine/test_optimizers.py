"""Optimisers: convergence on a quadratic, the exact update rules, L2 decay, saved state."""

import numpy as np
import pytest

from engine import SGD, Adam, Momentum, NeuralNetwork, get_optimizer

A = np.array([[1.0, 4.0], [0.5, 2.0]])  # curvatures of f(w) = ½ Σ a (w − c)²
C = np.array([[3.0, -1.0], [0.25, -2.0]])  # its minimum


def _minimise(opt, steps):
    w = np.zeros_like(C)
    for _ in range(steps):
        opt.step([(w, A * (w - C), True)])
    return w


@pytest.mark.parametrize("opt, steps", [
    (SGD(lr=0.2), 200),
    (Momentum(lr=0.05, momentum=0.9), 300),
    (Adam(lr=0.05), 1000),
], ids=["sgd", "momentum", "adam"])
def test_converges_on_a_quadratic(opt, steps):
    w = _minimise(opt, steps)
    np.testing.assert_allclose(w, C, atol=1e-3)
    assert opt.t == steps


def test_sgd_diverges_when_lr_is_too_large():
    """Sanity check of the quadratic: above 2/max curvature, SGD must blow up."""
    w = _minimise(SGD(lr=0.6), 50)
    assert np.abs(w - C).max() > 1e3


@pytest.mark.parametrize("scale", [1e-4, 1.0, 1e4])
def test_adam_first_step_has_magnitude_lr(scale):
    rng = np.random.default_rng(0)
    w = rng.normal(size=(3, 4))
    before = w.copy()
    grad = rng.normal(size=(3, 4)) * scale
    Adam(lr=0.01).step([(w, grad, True)])
    np.testing.assert_allclose(np.abs(w - before), 0.01, rtol=1e-3)
    assert np.array_equal(np.sign(before - w), np.sign(grad))


def test_adam_matches_the_textbook_update_for_several_steps():
    rng = np.random.default_rng(1)
    w = rng.normal(size=5)
    ref = w.copy()
    m = np.zeros(5)
    v = np.zeros(5)
    opt = Adam(lr=0.01, beta1=0.8, beta2=0.99, eps=1e-8)
    for t in range(1, 6):
        g = rng.normal(size=5)
        opt.step([(w, g, True)])
        m = 0.8 * m + 0.2 * g
        v = 0.99 * v + 0.01 * g * g
        m_hat, v_hat = m / (1 - 0.8**t), v / (1 - 0.99**t)
        ref -= 0.01 * m_hat / (np.sqrt(v_hat) + 1e-8)
        np.testing.assert_allclose(w, ref, rtol=1e-12, atol=1e-12)


def test_momentum_update_rule():
    w = np.array([1.0, 2.0])
    opt = Momentum(lr=0.1, momentum=0.5)
    g1, g2 = np.array([1.0, -2.0]), np.array([0.5, 0.5])
    opt.step([(w, g1, True)])
    v = -0.1 * g1
    np.testing.assert_allclose(w, [1.0, 2.0] + v)
    opt.step([(w, g2, True)])
    v = 0.5 * v - 0.1 * g2
    np.testing.assert_allclose(w, [1.0, 2.0] - 0.1 * g1 + v)


def test_l2_adds_lambda_w_to_weights_and_not_to_biases():
    W, b = np.array([[1.0, -2.0]]), np.array([[3.0]])
    gW, gb = np.array([[0.5, 0.5]]), np.array([[0.5]])
    opt = SGD(lr=0.1, l2=0.01)
    opt.step([(W, gW, True), (b, gb, False)])
    np.testing.assert_allclose(W, [[1.0, -2.0]] - 0.1 * (gW + 0.01 * np.array([[1.0, -2.0]])), rtol=1e-15)
    assert np.array_equal(b, [[3.0]] - 0.1 * gb)


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
def test_l2_in_a_network_step(name):
    """A network with L2 steps like one without, fed dW + λW for weights and db for biases."""
    kwargs = dict(seed=3, dtype=np.float64, lr=0.05)
    with_l2 = NeuralNetwork.build([3, 4, 2], "tanh", "mse", optimizer=name, l2=0.1, **kwargs)
    plain = NeuralNetwork.build([3, 4, 2], "tanh", "mse", optimizer=name, **kwargs)
    X = np.random.default_rng(0).normal(size=(3, 6))
    t = np.array([0, 1, 1, 0, 1, 0])
    for _ in range(3):
        before = with_l2.weights()
        with_l2.train(X, t)
        plain.set_weights(before)
        grads = _gradients(plain, X, t)
        plain.optimizer.begin_step()
        for layer, (W, _), (dW, db) in zip(plain.layers, before, grads):
            plain.optimizer.update(layer.W, dW + 0.1 * W, False)
            plain.optimizer.update(layer.b, db, False)
        for (W1, b1), (W2, b2) in zip(with_l2.weights(), plain.weights()):
            np.testing.assert_allclose(W1, W2, rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(b1, b2, rtol=1e-12, atol=1e-14)
    no_decay = NeuralNetwork.build([3, 4, 2], "tanh", "mse", optimizer=name, **kwargs)
    for _ in range(3):
        no_decay.train(X, t)
    assert not np.allclose(with_l2.layers[0].W, no_decay.layers[0].W, rtol=0, atol=1e-6)  # λ mattered


def _gradients(net, X, t):
    """[(dW, db), …] of every layer for batch (X, t), without updating."""
    gen = net.train_phases(X, t)
    for _ in range(len(net.layers) * 2 + 1):  # Forward ×L, Loss, Backward ×L
        next(gen)
    gen.close()
    return [(layer.dW.copy(), layer.db.copy()) for layer in net.layers]


@pytest.mark.parametrize("name", ["momentum", "adam"])
def test_state_arrays_round_trip(name):
    """An optimiser loaded from state_arrays takes the same next step as the original."""
    rng = np.random.default_rng(0)
    params = [rng.normal(size=(3, 2)), rng.normal(size=(3, 1))]
    opt = get_optimizer(name, lr=0.01)
    for _ in range(3):
        opt.step([(p, rng.normal(size=p.shape), True) for p in params])
    state = opt.state_arrays(params)
    copies = [p.copy() for p in params]
    twin = get_optimizer(name, lr=0.01)
    twin.load_state_arrays(copies, state)
    assert twin.t == opt.t == 3
    g = [rng.normal(size=p.shape) for p in params]
    opt.step([(p, gi, True) for p, gi in zip(params, g)])
    twin.step([(p, gi, True) for p, gi in zip(copies, g)])
    for a, b in zip(params, copies):
        assert np.array_equal(a, b)


def test_learning_rate_change_applies_to_the_next_step():
    w = np.array([1.0])
    opt = SGD(lr=0.1)
    opt.step([(w, np.array([1.0]), True)])
    opt.lr = 0.5
    opt.step([(w, np.array([1.0]), True)])
    assert w[0] == pytest.approx(1.0 - 0.1 - 0.5)


def test_get_optimizer():
    assert isinstance(get_optimizer("adam", lr=0.1), Adam)
    assert get_optimizer("SGD", lr=0.3).lr == 0.3
    assert get_optimizer("momentum", momentum=0.5).momentum == 0.5
    with pytest.raises(ValueError):
        get_optimizer("rmsprop")


@pytest.mark.parametrize("make", [lambda: SGD(lr=-0.1), lambda: SGD(lr=0), lambda: SGD(lr=float("nan")),
                                  lambda: SGD(lr=0.1, l2=-1), lambda: Momentum(lr=0.1, momentum=1.0),
                                  lambda: Adam(eps=0), lambda: Adam(eps=-1e-8), lambda: Adam(beta1=1.0),
                                  lambda: Adam(lr=True), lambda: get_optimizer("adam", lr="0.1")])
def test_settings_out_of_range_are_refused(make):
    with pytest.raises(ValueError, match="must be a number"):
        make()
