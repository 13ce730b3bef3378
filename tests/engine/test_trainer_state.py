"""Exact resume: training, saving, loading and training on equals training straight through, bit for bit."""

import json
import zipfile

import numpy as np
import pytest

from engine.data.toy_datasets import make_toy
from engine.files.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from engine.files.trainer_state import STATE_VERSION, capture, has_state, load_training, resume, save_training
from engine.network import NeuralNetwork
from engine.training import Trainer

OPTIMIZERS = [("sgd", {"lr": 0.1}), ("momentum", {"lr": 0.05, "momentum": 0.9}),
              ("adam", {"lr": 0.01, "l2": 1e-3})]


@pytest.fixture(scope="module")
def spirals():
    return make_toy("spirals", n=250, seed=3)  # 200 train: batches of 32 leave a short last one


def make_trainer(dataset, optimizer="adam", settings=None, dtype=np.float32, seed=7):
    settings = settings or {"lr": 0.01}
    net = NeuralNetwork.build([2, 9, 7, 2], "tanh", "ce", optimizer=optimizer, seed=seed, dtype=dtype, **settings)
    return Trainer(net, dataset, batch_size=32, epochs=2, seed=seed)


def train_batches(trainer, n):
    for _ in range(n):
        trainer.step()


def assert_same_training(a, b):
    """Weights, optimiser state, history and position are identical (not merely close)."""
    for (Wa, ba), (Wb, bb) in zip(a.net.weights(), b.net.weights()):
        assert Wa.dtype == Wb.dtype and np.array_equal(Wa, Wb) and np.array_equal(ba, bb)
    sa, sb = a.net.optimizer.state_arrays(a.net.params()), b.net.optimizer.state_arrays(b.net.params())
    assert sa.keys() == sb.keys() and all(np.array_equal(sa[k], sb[k]) for k in sa)
    ha, hb = a.history.as_arrays(), b.history.as_arrays()
    assert all(np.array_equal(ha[k], hb[k]) for k in ha)
    sa, sb = a.state_dict(), b.state_dict()
    for key in ("epoch", "batch_in_epoch", "samples_seen", "steps", "position", "epoch_loss_sum", "pending"):
        assert sa[key] == sb[key], key
    assert np.array_equal(sa["order"], sb["order"]) and sa["rng"] == sb["rng"]
    assert np.array_equal(a.rng.integers(0, 2**62, 4), b.rng.integers(0, 2**62, 4))


@pytest.mark.parametrize("optimizer, settings", OPTIMIZERS, ids=[o for o, _ in OPTIMIZERS])
def test_two_epochs_equal_one_then_save_load_one(tmp_path, spirals, optimizer, settings):
    straight = make_trainer(spirals, optimizer, settings)
    list(straight.run())
    assert straight.epoch == 2

    first = make_trainer(spirals, optimizer, settings)
    first.epochs = 1
    list(first.run())
    save_training(tmp_path / "run.npz", first)
    resumed, _ = load_training(tmp_path / "run.npz", spirals)
    resumed.epochs = 2
    list(resumed.run())
    assert_same_training(straight, resumed)


@pytest.mark.parametrize("optimizer, settings", OPTIMIZERS, ids=[o for o, _ in OPTIMIZERS])
@pytest.mark.parametrize("stop_after", [1, 4, 7, 10])  # mid-epoch, at the end of one (7 batches), and later
def test_saving_mid_epoch_resumes_exactly(tmp_path, spirals, optimizer, settings, stop_after):
    straight = make_trainer(spirals, optimizer, settings)
    train_batches(straight, 12)
    first = make_trainer(spirals, optimizer, settings)
    train_batches(first, stop_after)
    save_training(tmp_path / "run.npz", first)
    resumed, _ = load_training(tmp_path / "run.npz", spirals)
    train_batches(resumed, 12 - stop_after)
    assert_same_training(straight, resumed)


def test_float64_and_a_saved_then_changed_batch_size_resume_exactly(tmp_path, spirals):
    straight = make_trainer(spirals, dtype=np.float64)
    train_batches(straight, 3)
    straight.set_hyperparameters(batch_size=10, lr=0.002)
    train_batches(straight, 9)
    first = make_trainer(spirals, dtype=np.float64)
    train_batches(first, 3)
    first.set_hyperparameters(batch_size=10, lr=0.002)  # waiting for the next batch when saved: saved waiting
    save_training(tmp_path / "run.npz", first)
    assert first.batch_size == 32 and first.net.lr == 0.01  # saving changed nothing
    resumed, extra = load_training(tmp_path / "run.npz", spirals)
    assert extra["trainer"]["pending"] == {"batch_size": 10, "lr": 0.002} and resumed.net.lr == 0.01
    train_batches(resumed, 9)
    assert resumed.batch_size == 10 and resumed.net.lr == 0.002 and resumed.net.dtype == np.float64
    assert_same_training(straight, resumed)
    assert resumed.history.batch_samples[3] - resumed.history.batch_samples[2] == 10


def test_the_saved_state_is_a_copy_and_extra_is_kept(tmp_path, spirals):
    trainer = make_trainer(spirals)
    train_batches(trainer, 2)
    state = capture(trainer)
    order = state["trainer"]["order"].copy()
    train_batches(trainer, 9)  # a new epoch reshuffles: the captured order must not change with it
    assert np.array_equal(state["trainer"]["order"], order)
    save_training(tmp_path / "run.npz", trainer, extra={"dataset": "spirals", "note": [1, 2]})
    _, extra = load_checkpoint(tmp_path / "run.npz")
    assert has_state(extra) and extra["dataset"] == "spirals" and extra["note"] == [1, 2]
    assert extra["trainer"]["version"] == STATE_VERSION and extra["trainer"]["steps"] == 11
    json.dumps(extra["trainer"]["rng"])  # plain JSON: 128-bit numbers travel as text


def test_a_file_without_training_state_says_so(tmp_path, spirals):
    trainer = make_trainer(spirals)
    save_checkpoint(tmp_path / "weights.npz", trainer.net, extra={"dataset": "spirals"})
    with pytest.raises(CheckpointError, match="weights.npz: .*no training state"):
        load_training(tmp_path / "weights.npz", spirals)


def test_other_data_is_refused(tmp_path, spirals):
    trainer = make_trainer(spirals)
    train_batches(trainer, 2)
    save_training(tmp_path / "run.npz", trainer)
    with pytest.raises(CheckpointError, match="run.npz: was trained on 200 samples per epoch.*other data"):
        load_training(tmp_path / "run.npz", make_toy("spirals", n=300, seed=3))
    with pytest.raises(CheckpointError, match="run.npz: does not fit"):
        load_training(tmp_path / "run.npz", make_toy("blobs", n=250))  # 3 classes, 2 outputs


def _rewrite_extra(path, change):
    """Rewrite the checkpoint's metadata JSON with ``change(meta['extra'])`` applied."""
    with zipfile.ZipFile(path) as zf:
        arrays = {n[:-4]: np.load(zf.open(n), allow_pickle=False) for n in zf.namelist()}
    meta = json.loads(str(arrays["meta"]))
    change(meta["extra"])
    arrays["meta"] = np.array(json.dumps(meta))
    text = arrays["meta"].item()  # arrays no longer referred to leave, as the writer would not write them
    np.savez(path, **{k: v for k, v in arrays.items() if not k.startswith("extra_") or f'"{k}"' in text})


@pytest.mark.parametrize("change, match", [
    (lambda e: e["trainer"].update(version=STATE_VERSION + 1), "newer version"),
    (lambda e: e["trainer"].update(version="1"), "corrupt trainer state"),
    (lambda e: e["trainer"].update(steps=-1), r"steps is -1"),
    (lambda e: e["trainer"].update(epoch=True), r"epoch is True"),
    (lambda e: e["trainer"].update(batch_size=0), "batch size"),
    (lambda e: e["trainer"].update(position=10**6), "position"),
    (lambda e: e["trainer"].update(epoch_loss_sum=float("nan")), "epoch_loss_sum"),
    (lambda e: e["trainer"]["rng"].update(bit_generator="MT19937"), "random generator"),
    (lambda e: e["trainer"]["rng"]["state"].update(state="-5"), "random generator"),
    (lambda e: e["trainer"].pop("rng"), "random generator"),
    (lambda e: e["trainer"].update(epoch=3), "lengths disagree"),
    (lambda e: e["history"].pop("batch_samples"), "training history"),
    (lambda e: e.update(trainer=[1, 2]), "not a dictionary"),
    (lambda e: e["trainer"].update(pending={"lr": "fast"}), "pending settings"),
    (lambda e: e["trainer"].update(pending={"colour": 1}), "pending settings: unknown hyperparameter"),
    (lambda e: e["trainer"].update(pending={"batch_size": 0}), "pending settings: batch size"),
    (lambda e: e["trainer"].update(pending={"epochs": -3}), "pending settings: epochs must be a whole number"),
    (lambda e: e["trainer"].update(pending={"lr": -0.5}), "pending settings: lr must be a number greater than 0"),
    (lambda e: e["trainer"].update(pending=[1, 2]), "pending settings"),
    (lambda e: e["trainer"].update(pending={"lr": 10**400}), "pending settings"),  # overflowed math.isfinite
    (lambda e: e["trainer"].update(epoch_loss_sum=10**400), "epoch_loss_sum"),
])
def test_damaged_state_is_refused_with_a_message(tmp_path, spirals, change, match):
    trainer = make_trainer(spirals)
    train_batches(trainer, 9)
    path = tmp_path / "run.npz"
    save_training(path, trainer)
    _rewrite_extra(path, change)
    with pytest.raises(CheckpointError, match=match):
        load_training(path, spirals)


def test_a_sample_order_that_is_not_a_permutation_is_refused(tmp_path, spirals):
    trainer = make_trainer(spirals)
    train_batches(trainer, 2)
    net, extra = trainer.net, capture(trainer)
    extra["trainer"]["order"][0] = extra["trainer"]["order"][1]  # one sample twice, another never
    with pytest.raises(CheckpointError, match="not a permutation"):
        resume(net, spirals, extra, name="x.npz")


def test_state_dict_carries_a_trainer_to_another_without_a_file(spirals):
    straight = make_trainer(spirals)
    train_batches(straight, 10)
    first = make_trainer(spirals)
    train_batches(first, 4)
    first.set_hyperparameters(lr=0.003)
    other = make_trainer(spirals, seed=99)  # another shuffle and position, to be overwritten
    other.net.set_weights(first.net.weights())
    other.net.optimizer.load_state_arrays(other.net.params(), first.net.optimizer.state_arrays(first.net.params()))
    other.load_state_dict(first.state_dict())
    other.history = first.history
    straight.set_hyperparameters(lr=0.003)  # as first had, at the same point
    assert other.n_batches == first.n_batches == 7 and other.batch_in_epoch == 4
    train_batches(other, 6)
    train_batches(first, 6)
    assert_same_training(first, other)


def test_a_state_that_does_not_fit_changes_nothing(spirals):
    trainer = make_trainer(spirals)
    train_batches(trainer, 3)
    before = trainer.state_dict()
    good = make_trainer(spirals).state_dict()
    for change, match in [({"n_train": 10}, "samples per epoch"), ({"position": 500}, "position"),
                          ({"order": np.zeros(200, np.int64)}, "permutation"), ({"pending": {"lr": -1.0}}, "lr"),
                          ({"rng": {"bit_generator": "MT19937"}}, "random generator")]:
        with pytest.raises(ValueError, match=match):
            trainer.load_state_dict({**good, **change})
        after = trainer.state_dict()
        assert np.array_equal(after.pop("order"), before["order"])
        assert after == {k: v for k, v in before.items() if k != "order"}
