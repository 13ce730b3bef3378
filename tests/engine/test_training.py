"""The Trainer: determinism, stopping between batches, live hyperparameters, phases, divergence."""

import numpy as np
import pytest

from engine import NeuralNetwork
from engine.data.toy_datasets import make_toy
from engine.phases import Backward, Forward, Loss, Update
from engine.training import BatchDone, Diverged, EpochDone, Finished, Trainer

SIZES = {1: [2, 3], 2: [2, 6, 3], 3: [2, 6, 5, 3]}


@pytest.fixture(scope="module")
def blobs():
    return make_toy("blobs", n=200, seed=0)  # 160 train, 40 test, 3 classes


def _net(n_layers=2, optimizer="adam", lr=0.01, loss="ce", seed=0, **kw):
    return NeuralNetwork.build(SIZES[n_layers], "tanh", loss, optimizer=optimizer, lr=lr, seed=seed, **kw)


def _same_weights(a, b):
    return all(np.array_equal(Wa, Wb) and np.array_equal(ba, bb) for (Wa, ba), (Wb, bb) in zip(a, b))


def test_seeded_training_is_deterministic(blobs):
    runs = []
    for _ in range(2):
        net = _net(seed=7)
        events = list(Trainer(net, blobs, batch_size=16, epochs=2, seed=3).run())
        runs.append((net.weights(), [e.loss for e in events if isinstance(e, BatchDone)]))
    assert _same_weights(runs[0][0], runs[1][0])
    assert runs[0][1] == runs[1][1]
    other = _net(seed=7)
    list(Trainer(other, blobs, batch_size=16, epochs=2, seed=4).run())  # another shuffling seed
    assert not _same_weights(runs[0][0], other.weights())


@pytest.mark.parametrize("k", [1, 3, 10, 11])  # 10 is the last batch of epoch 1 (160 / 16)
def test_stop_between_any_two_batches(blobs, k):
    net = _net()
    trainer = Trainer(net, blobs, batch_size=16, epochs=5, seed=0)
    seen = []
    for event in trainer.run():
        seen.append(event)
        if isinstance(event, BatchDone) and event.step == k:
            trainer.request_stop()
    batches = [e for e in seen if isinstance(e, BatchDone)]
    assert len(batches) == k == trainer.steps
    assert seen[-1] == Finished("stopped", trainer.epoch, seen[-1].seconds)
    assert len(trainer.history.batch_loss) == k
    twin = _net()
    twin_trainer = Trainer(twin, blobs, batch_size=16, epochs=5, seed=0)
    for _ in range(k):
        twin_trainer.step()
    assert _same_weights(net.weights(), twin.weights())
    # run() again resumes where it stopped
    trainer.epochs = trainer.epoch + 1
    rest = [e for e in trainer.run() if isinstance(e, BatchDone)]
    assert rest and rest[0].step == k + 1


def test_hyperparameters_apply_from_the_next_batch(blobs):
    net = _net(optimizer="sgd", lr=0.1)
    trainer = Trainer(net, blobs, batch_size=16, epochs=1, seed=0)
    trainer.step()
    phases = trainer.step_phases(record=True)
    first = next(phases)
    assert isinstance(first, Forward) and first.a_in.shape[1] == 16
    trainer.set_hyperparameters(lr=0.5, batch_size=10)  # mid-batch: this batch keeps its settings
    rest = list(phases)
    assert [u.lr for u in rest if isinstance(u, Update)] == [0.1, 0.1]
    assert [e.batch_size for e in rest if isinstance(e, BatchDone)] == [16]
    events = trainer.step()
    assert events[0].batch_size == 10 and net.lr == 0.5
    updates = [p for p in trainer.step_phases(record=True) if isinstance(p, Update)]
    assert [u.lr for u in updates] == [0.5, 0.5]
    for u, layer in zip(updates, net.layers):  # the new lr is the one actually applied
        assert np.array_equal(u.W_after, u.W_before - np.float32(0.5) * layer.dW)
    with pytest.raises(ValueError):
        trainer.set_hyperparameters(batch_size=0)
    with pytest.raises(ValueError):
        trainer.set_hyperparameters(colour="red")
    for bad in ({"lr": -0.1}, {"lr": float("nan")}, {"epochs": -1}, {"epochs": 2.5}, {"momentum": 1.0},
                {"l2": -1.0}, {"lr": "fast"}, {"lr": 0.2, "beta2": 1.5}):
        with pytest.raises(ValueError):
            trainer.set_hyperparameters(**bad)
    assert trainer.step()[0].batch_size == 10 and net.lr == 0.5  # nothing of a refused call was queued


def test_n_batches_is_the_count_batch_done_reports(blobs):
    trainer = Trainer(_net(), blobs, batch_size=48, epochs=2, seed=0)  # 160 train: 48, 48, 48, 16
    assert trainer.n_batches == 4
    counts = []
    for event in trainer.run():
        if isinstance(event, BatchDone):
            counts.append(event.n_batches)
            if event.step == 2:
                trainer.set_hyperparameters(batch_size=16)  # 64 left after the next batch: 4 more of 16
                assert trainer.n_batches == 4  # it applies from the next batch
    assert counts == [4, 4] + [6] * 4 + [10] * 10 and trainer.n_batches == 10


@pytest.mark.parametrize("n_layers", [1, 2, 3])
def test_step_phases_sequence_and_shapes(blobs, n_layers):
    net = _net(n_layers)
    trainer = Trainer(net, blobs, batch_size=8, epochs=1, seed=0)
    events = list(trainer.step_phases(record=True))
    L, n = n_layers, 8
    kinds = [getattr(e, "kind", type(e).__name__) for e in events]
    assert kinds == ["forward"] * L + ["loss"] + ["backward"] * L + ["update"] * L + ["BatchDone"]
    assert [e.layer for e in events[:L]] == list(range(L))
    assert [e.layer for e in events[L + 1 : 2 * L + 1]] == list(range(L - 1, -1, -1))
    assert [e.layer for e in events[2 * L + 1 : 3 * L + 1]] == list(range(L))
    sizes = SIZES[n_layers]
    for e in events:
        if isinstance(e, Forward):
            ins, outs = sizes[e.layer], sizes[e.layer + 1]
            assert (e.a_in.shape, e.z.shape, e.a.shape) == ((ins, n), (outs, n), (outs, n))
        elif isinstance(e, Loss):
            assert e.outputs.shape == e.grad.shape == (3, n) and e.targets.shape == (n,)
            assert np.isfinite(e.value)
        elif isinstance(e, Backward):
            ins, outs = sizes[e.layer], sizes[e.layer + 1]
            assert e.grad_out.shape == e.delta.shape == (outs, n)
            assert (e.dW.shape, e.db.shape, e.grad_in.shape) == ((outs, ins), (outs, 1), (ins, n))
        elif isinstance(e, Update):
            ins, outs = sizes[e.layer], sizes[e.layer + 1]
            assert e.W_before.shape == e.W_after.shape == (outs, ins) and e.b_after.shape == (outs, 1)
    fwd = [e for e in events if isinstance(e, Forward)]
    for a, b in zip(fwd, fwd[1:]):  # each layer reads what the previous one produced
        assert np.array_equal(a.a, b.a_in)
    assert np.array_equal(fwd[-1].a, events[L].outputs)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("n_layers", [1, 2, 3])
def test_finishing_all_phases_equals_step(blobs, n_layers, optimizer):
    a, b = _net(n_layers, optimizer), _net(n_layers, optimizer)
    ta = Trainer(a, blobs, batch_size=12, epochs=2, seed=5)
    tb = Trainer(b, blobs, batch_size=12, epochs=2, seed=5)
    for _ in range(15):  # crosses the epoch boundary (14 batches per epoch)
        phased = [e for e in ta.step_phases(record=True) if isinstance(e, (BatchDone, EpochDone))]
        stepped = tb.step()
        assert [type(e) for e in phased] == [type(e) for e in stepped]
        assert phased[0].loss == stepped[0].loss
        assert _same_weights(a.weights(), b.weights())
    assert a.optimizer.t == b.optimizer.t == 15


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning", "ignore:invalid value:RuntimeWarning")
def test_huge_learning_rate_diverges_and_restores_the_last_good_weights(blobs):
    net = _net(2, "sgd", lr=1e4, loss="mse", out_act="identity")
    trainer = Trainer(net, blobs, batch_size=16, epochs=50, seed=0)
    good = net.weights()
    events = []
    for event in trainer.run():
        events.append(event)
        if isinstance(event, BatchDone):
            good = net.weights()
    diverged = [e for e in events if isinstance(e, Diverged)]
    assert len(diverged) == 1 and events[-1].reason == "diverged"
    assert trainer.steps > 1  # some good batches came first, so "last good" is not just the start
    assert "learning rate" in diverged[0].message
    assert all(np.all(np.isfinite(W)) and np.all(np.isfinite(b)) for W, b in net.weights())
    assert _same_weights(net.weights(), good)
    assert len(trainer.history.batch_loss) == trainer.steps - 1  # the diverged batch is not recorded


def test_nan_in_the_weights_is_caught_and_undone(blobs):
    net = _net()
    trainer = Trainer(net, blobs, batch_size=16, epochs=1, seed=0)
    trainer.step()
    trainer.step()
    good = net.weights()
    net.layers[1].W[0, 0] = np.nan
    events = trainer.step()
    assert isinstance(events[-1], Diverged)
    assert "NaN" in events[-1].message
    assert _same_weights(net.weights(), good)
    after = trainer.step()  # and training goes on from the restored weights
    assert isinstance(after[0], BatchDone) and np.isfinite(after[0].loss)
    assert not _same_weights(net.weights(), good)


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning", "ignore:overflow:RuntimeWarning")
def test_a_non_finite_bias_is_never_kept_as_good(blobs):
    net = _net()
    trainer = Trainer(net, blobs, batch_size=16, epochs=1, seed=0)
    trainer.step()
    good = net.weights()
    phases = trainer.step_phases(record=True)
    for phase in phases:
        if isinstance(phase, Update) and phase.layer == len(net.layers) - 1:
            net.layers[-1].b[0, 0] = np.inf  # as if this batch's update had overflowed one bias
            break
    events = list(phases)
    if not any(isinstance(e, Diverged) for e in events):
        events += trainer.step()
    assert any(isinstance(e, Diverged) for e in events)
    assert all(np.all(np.isfinite(W)) and np.all(np.isfinite(b)) for W, b in net.weights())
    assert _same_weights(net.weights(), good)


def test_history_lengths(blobs):
    net = _net()
    trainer = Trainer(net, blobs, batch_size=50, epochs=3, seed=0)
    events = list(trainer.run())
    batches = [e for e in events if isinstance(e, BatchDone)]
    epochs = [e for e in events if isinstance(e, EpochDone)]
    assert len(batches) == 12  # 160 samples: 50 + 50 + 50 + 10, three times
    assert [e.batch_size for e in batches[:4]] == [50, 50, 50, 10]
    assert all(e.n_batches == 4 for e in batches)
    assert batches[-1].samples_seen == 480
    h = trainer.history
    assert len(h.batch_loss) == 12
    assert len(h.epoch_train_loss) == len(h.epoch_test_loss) == len(h.epoch_test_accuracy) == 3
    assert [e.epoch for e in epochs] == [0, 1, 2] and events[-1] == Finished("completed", 3, events[-1].seconds)
    weighted = (sum(h.batch_loss[:3]) * 50 + h.batch_loss[3] * 10) / 160  # mean over samples, not batches
    assert h.epoch_train_loss[0] == pytest.approx(weighted)
    arrays = h.as_arrays()
    assert {k: len(v) for k, v in arrays.items()} == {"batch_loss": 12, "batch_samples": 12, "epoch_train_loss": 3,
                                                      "epoch_test_loss": 3, "epoch_test_accuracy": 3}
    assert h.batch_samples[:5] == [50, 100, 150, 160, 210]  # the loss curve's x, even for a short last batch


def test_evaluate_matches_the_network(blobs):
    net = _net()
    trainer = Trainer(net, blobs, batch_size=16, epochs=5, seed=0)
    epoch_done = [e for e in trainer.run() if isinstance(e, EpochDone)][-1]
    X, y = blobs.columns("test")
    loss, acc = trainer.evaluate("test")
    assert acc == net.accuracy(X, y) == epoch_done.test_accuracy
    assert loss == pytest.approx(net.loss(net.infer(X), y), rel=1e-6)
    assert loss == pytest.approx(epoch_done.test_loss)
    X_train, y_train = blobs.columns("train")
    assert trainer.evaluate("train")[1] == net.accuracy(X_train, y_train)
    assert acc > 0.8  # a few epochs are enough for three blobs


def test_trainer_refuses_a_network_that_does_not_fit_the_data(blobs):
    with pytest.raises(ValueError):
        Trainer(NeuralNetwork.build([3, 4, 3], "tanh", "ce"), blobs)
    with pytest.raises(ValueError):
        Trainer(NeuralNetwork.build([2, 4, 2], "tanh", "ce"), blobs)


def test_huge_but_finite_weights_are_kept_as_good(blobs):
    """Only non-finite weights (or a sum past the dtype's range) count as divergence, not merely large ones."""
    net = _net(optimizer="sgd")  # tanh hidden layer: saturates, so the loss stays finite
    trainer = Trainer(net, blobs, batch_size=16, epochs=1, seed=0)
    net.layers[0].W[...] = 1e20  # Σw² would overflow float32; Σw does not
    assert isinstance(trainer.step()[-1], BatchDone)
    assert np.all(net.layers[0].W == np.float32(1e20))  # tanh′ = 0 there: the step left them as they were


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_a_large_network_s_non_finite_weight_is_caught_wherever_it_lies(where):
    """Past SUM_BLOCKS_FROM parameters the finiteness sum goes by blocks and a remainder: both are read."""
    from engine.last_good_weights import SUM_BLOCK, SUM_BLOCKS_FROM, LastGoodWeights

    net = NeuralNetwork.build([300, 256, 10], "relu", "ce", seed=0)
    flat = net.parameter_buffer().values
    assert flat.size >= SUM_BLOCKS_FROM and flat.size % SUM_BLOCK  # blocks and a remainder
    good = LastGoodWeights(net)
    assert good.keep(net, after_batch=True)
    assert good._sum(flat) == pytest.approx(float(np.sum(flat, dtype=np.float64)), rel=1e-4, abs=1e-2)
    kept = flat.copy()
    at = {"first": 0, "middle": flat.size // 2, "last": flat.size - 1}[where]  # the last lies in the remainder
    flat[at] = np.nan
    assert not good.keep(net, after_batch=True)
    assert np.array_equal(np.concatenate([np.concatenate([W.ravel(), b.ravel()]) for W, b in good.weights()]),
                          np.concatenate([np.concatenate([W.ravel(), b.ravel()]) for W, b in
                                          net.parameter_buffer().pairs(kept)]))
