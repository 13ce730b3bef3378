"""The flat ParameterBuffer: layers' arrays are its views, whole-network updates equal per-layer ones, rebinding."""

import numpy as np
import pytest

from engine import Layer, NeuralNetwork
from engine.activations import ACTIVATIONS, LeakyReLU, get_activation
from engine.data.toy_datasets import make_toy
from engine.training import BatchDone, Diverged, Trainer

SIZES = [4, 6, 5, 3]


def _net(optimizer="adam", dtype=np.float32, seed=0, **kw):
    return NeuralNetwork.build(SIZES, "leaky_relu", "ce", optimizer=optimizer, lr=0.05, seed=seed, dtype=dtype, **kw)


def _batch(n=8, seed=1, dtype=np.float32):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(SIZES[0], n)).astype(dtype), rng.integers(0, SIZES[-1], n)


def _same(a, b):
    return all(np.array_equal(Wa, Wb) and np.array_equal(ba, bb) for (Wa, ba), (Wb, bb) in zip(a.weights(), b.weights()))


def test_every_array_of_every_layer_is_a_view_of_the_buffer():
    net = _net()
    params = net.parameter_buffer()
    for layer in net.layers:
        assert layer.W.base is params.values and layer.b.base is params.values
        assert layer.dW.base is params.grads and layer.db.base is params.grads
        assert layer.W.shape == (layer.outs, layer.ins) and layer.b.shape == (layer.outs, 1)
    assert net.layers[0].W.flags.c_contiguous  # the first layer's W as it is: its wide product is fastest so
    folded = [(layer, block, grad_block) for layer, block, grad_block
              in zip(net.layers, params.blocks(params.values), params.blocks(params.grads)) if block is not None]
    assert [layer for layer, _, _ in folded] == net.layers[1:]  # small layers after the first
    for layer, block, grad_block in folded:
        # A folded layer's rows: a neuron's weights, then its bias ([W | b]); the same for dW and db.
        assert np.shares_memory(block, layer.W) and np.array_equal(block, np.hstack([layer.W, layer.b]))
        layer.dW[...], layer.db[...] = 1.0, 2.0
        assert np.array_equal(grad_block, np.hstack([np.ones_like(layer.W), np.full_like(layer.b, 2.0)]))
    assert params.values.size == net.n_params()
    params.values[:] = 0.5  # a write to the buffer is a write to the layers
    assert all(np.all(layer.W == 0.5) and np.all(layer.b == 0.5) for layer in net.layers)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("optimizer, settings", [("sgd", {}), ("sgd", {"l2": 0.01}), ("momentum", {"l2": 0.01}),
                                                 ("adam", {}), ("adam", {"l2": 0.01})])
def test_one_update_of_the_whole_buffer_equals_the_per_layer_updates(optimizer, settings, dtype):
    """train_step updates the flat buffer in one go; train_phases layer by layer: the same bits, step after step."""
    flat, layered = _net(optimizer, dtype, **settings), _net(optimizer, dtype, **settings)
    for step in range(5):
        X, y = _batch(seed=step, dtype=dtype)
        flat.train_step(X, y)
        for _ in layered.train_phases(X, y):
            pass
        assert _same(flat, layered)
    for a, b in zip(flat.optimizer.state_arrays(flat.params()).values(),
                    layered.optimizer.state_arrays(layered.params()).values()):
        assert np.array_equal(a, b)


def test_slot_arrays_of_a_layer_are_views_of_the_whole_networks_moments():
    net = _net("adam")
    net.train_step(*_batch())
    m, v = net.optimizer.slot_arrays(net.layers[1].W)
    assert m.shape == net.layers[1].W.shape and np.any(m != 0) and np.all(v > 0)
    m[...] = 0  # the layer's moments are the ones the next whole-network update reads
    v[...] = 1
    before = net.layers[1].W.copy()
    net.train_step(*_batch(seed=2))
    expected_step = net.lr * np.sqrt(1 - 0.999**2) / (1 - 0.9**2)  # Adam's bias-corrected step at t = 2
    assert np.all(np.abs(net.layers[1].W - before) <= expected_step * 1.01)


def test_an_array_assigned_to_a_layer_is_trained_from_its_values():
    net, twin = _net("sgd"), _net("sgd", seed=5)
    new_W = twin.layers[0].W.copy()
    net.layers[0].W = new_W  # assigned from outside: no longer a view of the buffer
    assert net.layers[0].W is new_W
    twin.set_weights(net.weights())
    X, y = _batch()
    net.train_step(X, y)
    twin.train_step(X, y)
    assert _same(net, twin)  # the new values were trained, not the old buffer's
    assert net.layers[0].W.base is net.parameter_buffer().values  # a view again
    assert not np.array_equal(net.layers[0].W, new_W)  # so the array given is left as it was


def test_a_layer_swapped_in_is_trained():
    net = _net("sgd")
    new = Layer(SIZES[1], SIZES[2], "tanh", rng=3)
    net.layers[1] = new
    before = new.W.copy()
    net.train(*_batch())
    assert new.W.base is net.parameter_buffer().values
    assert not np.array_equal(new.W, before)
    assert net.layers[1].act == get_activation("tanh")


def test_a_layer_shared_by_two_networks_is_trained_by_both():
    """Two networks over the same layers step the same arrays, as two steps of one network would."""
    first, alone = _net("sgd"), _net("sgd")
    second = NeuralNetwork(first.layers, "ce", lr=0.05)  # takes the layers into its own buffer
    for k in range(2):
        X, y = _batch(seed=k)
        (first if k == 0 else second).train_step(X, y)  # the first takes the layers back, with their values
        alone.train_step(X, y)
    assert _same(first, alone) and _same(second, alone)


def test_a_network_of_mixed_dtypes_trains_without_a_buffer_and_restores_on_divergence():
    def mixed():
        return NeuralNetwork([Layer(2, 6, "relu", rng=0, dtype=np.float64), Layer(6, 3, "identity", rng=1)], "ce",
                             lr=0.05)

    net = mixed()
    assert net.parameter_buffer() is None
    data = make_toy("blobs", n=60, seed=0)
    trainer = Trainer(net, data, batch_size=8, epochs=1, seed=0)
    trainer.step()
    assert not _same(net, mixed())
    good = net.weights()
    net.layers[1].b[0, 0] = np.nan
    assert isinstance(trainer.step()[-1], Diverged)
    assert all(np.array_equal(W, W2) and np.array_equal(b, b2) for (W, b), (W2, b2) in zip(net.weights(), good))


@pytest.mark.parametrize("act", sorted(ACTIVATIONS))
@pytest.mark.parametrize("loss", ["ce", "mse"])
def test_one_column_training_equals_the_batch_path(act, loss):
    """A single column takes its own path (dot, outer product, δ written into db); a batch of that column
    twice takes the batch path and must give the same step (the mean of two equal terms is the term)."""
    out_act = "identity" if loss == "ce" else act
    one = NeuralNetwork.build(SIZES, act, loss, out_act=out_act, lr=0.05, seed=2)
    two = NeuralNetwork.build(SIZES, act, loss, out_act=out_act, lr=0.05, seed=2)
    rng = np.random.default_rng(4)
    for _ in range(3):
        x, label = rng.normal(size=(SIZES[0], 1)).astype(np.float32), rng.integers(0, SIZES[-1], 1)
        loss_one = one.train(x, label)
        loss_two = two.train(np.hstack([x, x]), np.concatenate([label, label]))
        assert loss_one == pytest.approx(loss_two, rel=1e-5)
        for (W1, b1), (W2, b2) in zip(one.weights(), two.weights()):
            np.testing.assert_allclose(W1, W2, rtol=1e-5, atol=1e-7)
            np.testing.assert_allclose(b1, b2, rtol=1e-5, atol=1e-7)


def test_activations_compare_by_their_settings_not_their_caches():
    a, b = LeakyReLU(0.2), LeakyReLU(0.2)
    z = np.ones((3, 2), np.float32)
    a.forward(z, np.empty_like(z))  # a remembers arrays for z; b does not
    assert a == b and hash(a) == hash(b) and a != LeakyReLU(0.3)
    a.alpha = 0.5  # a changed slope is used at once, not the remembered one
    out = a.forward(-z, np.empty_like(z))
    assert np.all(out == np.float32(-0.5))


def test_the_trainer_gather_equals_dataset_batch():
    data = make_toy("blobs", n=120, seed=0)
    idx = np.random.default_rng(0).permutation(len(data.y_train))[:10]
    X, y = data.batch("train", idx)
    rows = np.empty((16, data.features), np.float32)
    X2, y2 = data.gatherer("train", rows, in_range=True)(idx)
    assert np.array_equal(X, X2) and np.array_equal(y, y2) and X2.base is rows
    with pytest.raises(ValueError):
        data.gatherer("train", np.empty((4, data.features + 1), np.float32))


def test_events_are_the_same_through_run_and_step():
    data = make_toy("blobs", n=120, seed=0)
    a, b = (NeuralNetwork.build([2, 5, 3], "relu", "ce", seed=3) for _ in range(2))
    run = [e for e in Trainer(a, data, batch_size=10, epochs=2, seed=1).run() if isinstance(e, BatchDone)]
    trainer = Trainer(b, data, batch_size=10, epochs=2, seed=1)
    stepped = []
    while not trainer.done:
        stepped += [e for e in trainer.step() if isinstance(e, BatchDone)]
    assert [(e.epoch, e.batch, e.n_batches, e.loss, e.samples_seen) for e in run] == \
           [(e.epoch, e.batch, e.n_batches, e.loss, e.samples_seen) for e in stepped]
    assert len(run) == 2 * 10 and _same(a, b)
