"""Activations and losses: values, derivatives, fast paths, numerical safety, lookup by name."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from engine import (
    ACTIVATIONS,
    CrossEntropyLoss,
    Identity,
    LeakyReLU,
    MSELoss,
    ReLU,
    Sigmoid,
    Tanh,
    get_activation,
    get_loss,
)
from engine.activations import activation_spec

HYPO = settings(max_examples=40, deadline=None)


# -- activations ------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_does_not_overflow(dtype):
    x = np.array([-1000, -100, 0, 100, 1000], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
            s = Sigmoid().f(x)
            d = Sigmoid().df(x)
            out = Sigmoid().forward(x, np.empty_like(x))
    assert s[0] == 0 and s[-1] == 1 and s[2] == 0.5
    assert np.array_equal(out, s)
    assert np.all(np.isfinite(d)) and d[2] == 0.25


def test_sigmoid_matches_the_textbook_formula_where_it_is_safe():
    x = np.linspace(-30, 30, 601)
    np.testing.assert_allclose(Sigmoid().f(x), 1 / (1 + np.exp(-x)), rtol=1e-12, atol=0)
    s = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(Sigmoid().df(x), s * (1 - s), rtol=1e-10, atol=1e-300)


def test_activation_values():
    x = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    assert np.array_equal(ReLU().f(x), [0, 0, 0, 0.5, 2])
    assert np.array_equal(ReLU().df(x), [0, 0, 0, 1, 1])
    assert np.array_equal(LeakyReLU(0.2).f(x), [-0.4, -0.1, 0, 0.5, 2])
    assert np.array_equal(LeakyReLU(0.2).df(x), [0.2, 0.2, 0.2, 1, 1])
    np.testing.assert_allclose(Tanh().f(x), np.tanh(x))
    np.testing.assert_allclose(Tanh().df(x), 1 - np.tanh(x) ** 2)
    assert np.array_equal(Identity().f(x), x)
    assert np.array_equal(Identity().df(x), np.ones(5))


ALL_ACTS = [LeakyReLU(), LeakyReLU(0.3), ReLU(), Sigmoid(), Tanh(), Identity()]


@pytest.mark.parametrize("act", ALL_ACTS, ids=repr)
@HYPO
@given(data=st.data())
def test_fast_path_equals_f_and_df(act, data):
    """forward/backward into buffers compute what f and df say, for any finite inputs."""
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    shape = data.draw(st.tuples(st.integers(1, 6), st.integers(1, 9)))
    finite = st.floats(-50, 50, width=32)
    z = data.draw(arrays(dtype, shape, elements=finite))
    grad = data.draw(arrays(dtype, shape, elements=finite))
    a = act.forward(z, np.empty_like(z))
    assert a.dtype == dtype
    np.testing.assert_array_equal(a, act.f(z).astype(dtype))
    out = act.backward(z, a, grad, np.empty_like(z))
    tol = 1e-6 if dtype == np.float32 else 1e-13
    np.testing.assert_allclose(out, grad * act.df(z), rtol=tol, atol=tol * 1e-3)


def test_get_activation_by_name():
    for name, cls in ACTIVATIONS.items():
        act = get_activation(name)
        assert type(act) is cls and act.name == name
        assert get_activation(activation_spec(act)) == act
    assert get_activation("leaky_relu:0.2") == LeakyReLU(0.2)
    assert get_activation("leaky_relu:0.2").alpha == 0.2
    assert get_activation(" LeakyReLU ") == LeakyReLU()
    assert get_activation("linear") == Identity()
    assert get_activation(activation_spec(LeakyReLU(0.05))) == LeakyReLU(0.05)
    tanh = Tanh()
    assert get_activation(tanh) is tanh


@pytest.mark.parametrize("bad", ["softsign", "", "relu:0.2", "leaky_relu:abc", "leaky_relu:1.5", "leaky_relu:0"])
def test_get_activation_refuses_bad_names(bad):
    with pytest.raises(ValueError):
        get_activation(bad)


# -- losses -----------------------------------------------------------------------------------
def _naive_ce(values, idx):
    """−log softmax, one column at a time, written the obvious way."""
    total = 0.0
    for j in range(values.shape[1]):
        col = values[:, j]
        total += -np.log(np.exp(col[idx[j]]) / np.sum(np.exp(col)))
    return total / values.shape[1]


@HYPO
@given(values=arrays(np.float64, st.tuples(st.integers(2, 6), st.integers(1, 8)), elements=st.floats(-8, 8)),
       data=st.data())
def test_cross_entropy_equals_the_naive_formula(values, data):
    idx = np.array(data.draw(st.lists(st.integers(0, values.shape[0] - 1), min_size=values.shape[1],
                                      max_size=values.shape[1])))
    ce = CrossEntropyLoss()
    assert ce.loss(values, idx) == pytest.approx(_naive_ce(values, idx), rel=1e-10, abs=1e-12)
    probs = np.exp(values) / np.exp(values).sum(axis=0)
    onehot = np.zeros_like(values)
    onehot[idx, np.arange(len(idx))] = 1
    np.testing.assert_allclose(ce.dloss(values, idx), (probs - onehot) / values.shape[1], rtol=1e-10, atol=1e-14)
    out = np.empty_like(values)
    loss, grad = ce.loss_and_grad(values, idx, out)
    assert loss == pytest.approx(ce.loss(values, idx), rel=1e-12) and grad is out
    np.testing.assert_allclose(out, ce.dloss(values, idx), rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(ce.loss_and_grad(values, idx)[1], out)  # without a buffer: a new array


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_is_finite_for_huge_logits(dtype):
    values = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4], [0.0, 0.0, -1e4]], dtype=dtype)
    idx = np.array([1, 1, 0])  # wrong, right, and partly right columns
    ce = CrossEntropyLoss()
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        loss = ce.loss(values, idx)
        grad = ce.dloss(values, idx)
        out = np.empty_like(values)
        fused, _ = ce.loss_and_grad(values, idx, out)
    assert np.isfinite(loss) and np.isfinite(fused)
    assert loss == pytest.approx((2e4 + 0 + 1e4) / 3, rel=1e-6)
    assert np.all(np.isfinite(grad)) and np.all(np.isfinite(out))


def test_cross_entropy_accepts_int_and_int_array_targets():
    ce = CrossEntropyLoss()
    col = np.array([0.5, 2.0, -1.0])
    expected = -np.log(np.exp(2.0) / np.exp(col).sum())
    assert ce.loss(col, 1) == pytest.approx(expected)
    assert ce.loss(col[:, None], np.int32(1)) == pytest.approx(expected)
    assert ce.loss(col[:, None], [1]) == pytest.approx(expected)
    assert ce.dloss(col, 1).shape == (3,)
    batch = np.stack([col, col[::-1]], axis=1)
    for targets in ([1, 1], np.array([1, 1], dtype=np.int8), np.array([1, 1], dtype=np.uint64), np.array([1.0, 1.0])):
        assert ce.loss(batch, targets) == pytest.approx(expected)


def test_cross_entropy_refuses_bad_targets():
    ce = CrossEntropyLoss()
    with pytest.raises(TypeError):
        ce.loss(np.zeros((3, 2)), np.array([0.5, 1.0]))
    with pytest.raises(ValueError):
        ce.loss(np.zeros((3, 2)), [0, 1, 2])


@HYPO
@given(shape=st.tuples(st.integers(1, 5), st.integers(1, 5)), data=st.data())
def test_mse_is_exactly_the_seed_formula(shape, data):
    values = data.draw(arrays(np.float64, shape, elements=st.floats(-1e3, 1e3)))
    expected = data.draw(arrays(np.float64, shape, elements=st.floats(-1e3, 1e3)))
    mse = MSELoss()
    assert mse.loss(values, expected) == float(np.mean((values - expected) ** 2))
    assert np.array_equal(mse.dloss(values, expected), 2 * (values - expected) / values.size)


@HYPO
@given(shape=st.tuples(st.integers(1, 10), st.integers(1, 40)), data=st.data())
def test_mse_loss_and_grad_is_loss_and_dloss_bit_for_bit(shape, data):
    """The training step's one-pass MSE gives exactly what loss and dloss give, in either float type."""
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    values = data.draw(arrays(dtype, shape, elements=st.floats(-1e3, 1e3, width=32)))
    expected = data.draw(arrays(dtype, shape, elements=st.floats(-1e3, 1e3, width=32)))
    mse = MSELoss()
    loss, grad = mse.loss_and_grad(values, expected, np.empty_like(values))
    assert loss == mse.loss(values, expected)
    assert grad.dtype == dtype and np.array_equal(grad, mse.dloss(values, expected))


def test_mse_targets_are_one_hot_for_labels():
    onehot = MSELoss().targets(np.array([2, 0]), 3, np.float32)
    assert onehot.dtype == np.float32
    assert np.array_equal(onehot, [[0, 1], [0, 0], [1, 0]])
    floats = np.ones((3, 2))
    assert np.array_equal(MSELoss().targets(floats, 3, np.float64), floats)


def test_probabilities_sum_to_one():
    values = np.array([[1.0, -3.0], [2.0, 0.0], [0.5, 4.0]])
    p = CrossEntropyLoss().probabilities(values)
    np.testing.assert_allclose(p.sum(axis=0), 1)
    assert np.array_equal(p.argmax(axis=0), values.argmax(axis=0))
    q = MSELoss().probabilities(values)
    np.testing.assert_allclose(q.sum(axis=0), 1)
    assert np.all(q >= 0)


def test_get_loss_by_name():
    assert isinstance(get_loss("mse"), MSELoss)
    assert isinstance(get_loss("CE"), CrossEntropyLoss)
    assert isinstance(get_loss("cross_entropy"), CrossEntropyLoss)
    with pytest.raises(ValueError):
        get_loss("hinge")
