"""Checkpoints: exact round trips, resumable optimiser state, atomic writes, clear refusals."""

import json
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import NeuralNetwork
from engine.data.toy_datasets import make_toy
from engine.files.checkpoint import FORMAT_VERSION, CheckpointError, checkpoint_info, load_checkpoint, save_checkpoint
from engine.training import Trainer, TrainingHistory

HYPO = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _trained(sizes=(4, 6, 3), act="relu", loss="ce", optimizer="adam", dtype=np.float32, steps=3, **kw):
    net = NeuralNetwork.build(list(sizes), act, loss, optimizer=optimizer, lr=0.01, seed=1, dtype=dtype, **kw)
    rng = np.random.default_rng(0)
    for _ in range(steps):
        net.train(rng.normal(size=(sizes[0], 5)), rng.integers(0, sizes[-1], 5))
    return net


def _arrays(path):
    with np.load(path, allow_pickle=False) as npz:
        return {k: npz[k] for k in npz.files}


def _rewrite(src, dst, change=None, meta_change=None):
    """Copy checkpoint ``src`` to ``dst`` after editing its arrays and/or its metadata dict."""
    arrays = _arrays(src)
    if meta_change is not None:
        meta = json.loads(str(arrays["meta"]))
        meta_change(meta)
        arrays["meta"] = np.array(json.dumps(meta))
    if change is not None:
        change(arrays)
    np.savez(dst, **arrays)
    return dst


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "model.npz"
    save_checkpoint(path, _trained(), extra={"dataset": "blobs"})
    return path


# -- round trips ----------------------------------------------------------------------------------
@pytest.mark.parametrize("act, loss, optimizer, dtype", [
    ("relu", "ce", "adam", np.float32),
    ("leaky_relu:0.2", "mse", "momentum", np.float64),
    (["sigmoid", "tanh", "identity"], "ce", "sgd", np.float32),
])
def test_round_trip_gives_the_same_network(tmp_path, act, loss, optimizer, dtype):
    net = _trained((4, 6, 5, 3), act, loss, optimizer, dtype, l2=1e-3)
    path = tmp_path / "m.npz"
    save_checkpoint(path, net)
    back, extra = load_checkpoint(path)
    assert extra == {}
    assert back.config() == net.config()
    assert back.dtype == dtype and repr(back) == repr(net)
    assert [layer.init for layer in back.layers] == [layer.init for layer in net.layers]
    assert back.optimizer.settings() == net.optimizer.settings() and back.optimizer.t == net.optimizer.t
    X = np.random.default_rng(5).normal(size=(4, 20))
    assert np.array_equal(back.infer(X), net.infer(X))
    for a, b in zip(back.optimizer.state_arrays(back.params()).values(),
                    net.optimizer.state_arrays(net.params()).values()):
        assert np.array_equal(a, b)


@pytest.mark.parametrize("optimizer", ["adam", "momentum"])
def test_resuming_takes_the_same_next_step_as_not_saving(tmp_path, optimizer):
    net = _trained(optimizer=optimizer)
    save_checkpoint(tmp_path / "m.npz", net)
    back, _ = load_checkpoint(tmp_path / "m.npz")
    rng = np.random.default_rng(9)
    for _ in range(3):
        X, t = rng.normal(size=(4, 5)), rng.integers(0, 3, 5)
        assert back.train(X, t) == net.train(X, t)
        for (W1, b1), (W2, b2) in zip(back.weights(), net.weights()):
            assert np.array_equal(W1, W2) and np.array_equal(b1, b2)


def test_resuming_without_optimizer_state_would_differ(tmp_path):
    """The previous test can fail: a fresh Adam (no moments) steps differently."""
    net = _trained()
    fresh = net.clone()
    X, t = np.ones((4, 5)), np.zeros(5, dtype=int)
    net.train(X, t)
    fresh.train(X, t)
    assert not np.array_equal(net.layers[0].W, fresh.layers[0].W)


def test_extra_round_trips_hyperparameters_dataset_history_and_rng(tmp_path):
    dataset = make_toy("blobs", n=100, seed=2)
    net = NeuralNetwork.build([2, 5, 3], "tanh", "ce", optimizer="adam", lr=0.01, seed=0)
    trainer = Trainer(net, dataset, batch_size=10, epochs=2, seed=0)
    list(trainer.run())
    extra = {
        "hyperparameters": {"lr": net.lr, "batch_size": np.int64(10), "l2": 0.0, "epochs": 2},
        "dataset": dataset.name, "dataset_params": dataset.params,
        "history": trainer.history.as_arrays(),
        "trainer": {"epoch": trainer.epoch, "rng": trainer.rng.bit_generator.state},
        "notes": ("tuple", None, True, 1.5),
        "labels": np.arange(6, dtype=np.uint8).reshape(2, 3),
    }
    save_checkpoint(tmp_path / "m.npz", net, extra=extra)
    _, back = load_checkpoint(tmp_path / "m.npz")
    assert back["hyperparameters"] == {"lr": net.lr, "batch_size": 10, "l2": 0.0, "epochs": 2}
    assert back["dataset"] == "blobs" and back["dataset_params"] == dataset.params
    assert back["notes"] == ["tuple", None, True, 1.5]
    assert back["labels"].dtype == np.uint8 and np.array_equal(back["labels"], extra["labels"])
    history = TrainingHistory()
    history.load_arrays(back["history"])
    assert vars(history) == vars(trainer.history)
    assert len(history.batch_loss) == 16  # 80 train samples, batches of 10, 2 epochs
    rng = np.random.default_rng()
    rng.bit_generator.state = back["trainer"]["rng"]
    assert np.array_equal(rng.permutation(50), trainer.rng.permutation(50))
    info = checkpoint_info(tmp_path / "m.npz")
    assert info["version"] == FORMAT_VERSION and info["architecture"]["sizes"] == [2, 5, 3]
    assert info["extra"]["dataset"] == "blobs"


@pytest.mark.parametrize("extra", [
    {"s": {1, 2}}, {1: "int key"}, {"$array": "x"}, {"obj": np.array([None, 1], dtype=object)}, {"f": len},
])
def test_extra_that_cannot_be_stored_is_refused_before_writing(tmp_path, extra):
    with pytest.raises(CheckpointError):
        save_checkpoint(tmp_path / "m.npz", _trained(), extra=extra)
    assert os.listdir(tmp_path) == []


def test_non_finite_weights_are_not_saved(tmp_path):
    net = _trained()
    net.layers[1].b[0, 0] = np.inf
    with pytest.raises(CheckpointError, match="layer 2"):
        save_checkpoint(tmp_path / "m.npz", net)
    assert os.listdir(tmp_path) == []


# -- atomic writes --------------------------------------------------------------------------------
class _Boom(RuntimeError):
    pass


def _failing_savez(fh, **arrays):
    fh.write(b"PK\x03\x04 half a file")
    raise _Boom("disk full")


def test_failed_write_leaves_no_file_and_no_temp(tmp_path, monkeypatch):
    monkeypatch.setattr(np, "savez", _failing_savez)
    with pytest.raises(_Boom):
        save_checkpoint(tmp_path / "m.npz", _trained())
    assert os.listdir(tmp_path) == []


def test_failed_write_keeps_the_previous_file(tmp_path, monkeypatch, saved):
    before = saved.read_bytes()
    monkeypatch.setattr(np, "savez", _failing_savez)
    with pytest.raises(_Boom):
        save_checkpoint(saved, _trained(steps=5))
    assert saved.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.npz"]


def test_saving_over_a_file_replaces_it(tmp_path, saved):
    save_checkpoint(saved, _trained(steps=6), extra={"dataset": "xor"})
    assert load_checkpoint(saved)[1] == {"dataset": "xor"}
    assert load_checkpoint(saved)[0].optimizer.t == 6
    assert os.listdir(tmp_path) == ["model.npz"]


# -- refusals ---------------------------------------------------------------------------------------
def _refused(path, match):
    with pytest.raises(CheckpointError, match=match) as info:
        load_checkpoint(path)
    assert os.path.basename(path) in str(info.value)
    return str(info.value)


def test_missing_empty_and_foreign_files(tmp_path):
    _refused(tmp_path / "nowhere.npz", "not found")
    (tmp_path / "empty.npz").write_bytes(b"")
    _refused(tmp_path / "empty.npz", "empty")
    (tmp_path / "text.npz").write_text("hello, I am not an archive\n")
    _refused(tmp_path / "text.npz", "not a checkpoint")
    np.save(tmp_path / "array.npy", np.zeros(3))
    _refused(tmp_path / "array.npy", "not a checkpoint")
    np.savez(tmp_path / "other.npz", a=np.zeros(3))
    _refused(tmp_path / "other.npz", "not a Backprop Studio checkpoint")
    (tmp_path / "folder.npz").mkdir()
    _refused(tmp_path / "folder.npz", "folder")


def test_truncated_file(tmp_path, saved):
    data = saved.read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[: len(data) // 2])
    _refused(tmp_path / "cut.npz", "corrupt or truncated")


def test_newer_format_version(tmp_path, saved):
    path = _rewrite(saved, tmp_path / "new.npz", meta_change=lambda m: m.update(version=2))
    message = _refused(path, "newer")
    assert "made by a newer version of Backprop Studio (format 2); this version reads format 1" in message


@pytest.mark.parametrize("meta_change, match", [
    (lambda m: m.update(version="1"), "format version"),
    (lambda m: m.update(version=0), "format version"),
    (lambda m: m.update(format="something-else"), "not a Backprop Studio checkpoint"),
    (lambda m: m["architecture"]["activations"].__setitem__(0, "swish"), "unknown activation 'swish'"),
    (lambda m: m["architecture"].update(loss="hinge"), "unknown loss 'hinge'"),
    (lambda m: m["architecture"].update(dtype="int8"), "dtype"),
    (lambda m: m["architecture"].update(sizes=[4, 7, 3]), r"W0 has shape \(6, 4\).*\(7, 4\)"),
    (lambda m: m["architecture"].update(sizes=[4, 6]), "activations"),
    (lambda m: m["architecture"].update(sizes=[4, 6, 3, 2], activations=["relu"] * 3, init=["he"] * 3),
     "W2 is missing"),
    (lambda m: m["optimizer"].update(name="rmsprop"), "unknown optimizer 'rmsprop'"),
    (lambda m: m["optimizer"]["settings"].update(colour=1), "bad settings"),
    (lambda m: m["optimizer"]["settings"].update(lr=-0.01), r"bad settings.*lr must be a number greater than 0"),
    (lambda m: m["optimizer"]["settings"].update(eps=0), r"bad settings.*eps must be a number greater than 0"),
    (lambda m: m["optimizer"]["settings"].update(l2=-1e-3), r"bad settings.*l2"),
    (lambda m: m.pop("architecture"), "architecture"),
    (lambda m: m.update(extra={"h": {"$array": "extra_9"}}), "extra_9"),
])
def test_metadata_that_does_not_fit_is_refused(tmp_path, saved, meta_change, match):
    _refused(_rewrite(saved, tmp_path / "bad.npz", meta_change=meta_change), match)


@pytest.mark.parametrize("change, match", [
    (lambda a: a.update(W1=np.zeros((3, 7), np.float32)), r"W1 has shape \(3, 7\)"),
    (lambda a: a.update(b0=np.zeros(6, np.float32)), r"b0 has shape \(6,\)"),
    (lambda a: a.update(W0=np.full((6, 4), np.nan, np.float32)), "W0 holds NaN"),
    (lambda a: a.update(W0=np.zeros((6, 4), np.int32)), "floating point"),
    (lambda a: a.pop("W1"), "W1 is missing"),
    (lambda a: a.update(W2=np.zeros((3, 3), np.float32)), "more layers"),
    (lambda a: a.pop("opt.p0_s1"), "optimizer state"),
    (lambda a: a.update({"opt.p1_s0": np.zeros((2, 2), np.float32)}), "optimizer state"),
    (lambda a: a.update({"opt.t": np.array(np.inf)}), "optimizer state"),
    (lambda a: a.update(meta=np.array(b"{}")), "metadata is not a text entry"),
    (lambda a: a.update(meta=np.array("{not json")), "not valid JSON"),
    (lambda a: a.pop("meta"), "no metadata"),
])
def test_arrays_that_do_not_fit_are_refused(tmp_path, saved, change, match):
    _refused(_rewrite(saved, tmp_path / "bad.npz", change=change), match)


def test_object_arrays_are_refused(tmp_path):
    save_checkpoint(tmp_path / "model.npz", _trained(), extra={"labels": np.arange(3)})
    arrays = _arrays(tmp_path / "model.npz")
    arrays["extra_0"] = np.array([{"evil": "pickle"}], dtype=object)  # np.savez pickles it
    np.savez(tmp_path / "bad.npz", **arrays)
    _refused(tmp_path / "bad.npz", "holds pickled Python objects")


@pytest.fixture(scope="module")
def valid_bytes(tmp_path_factory):
    path = tmp_path_factory.mktemp("ck") / "model.npz"
    net = _trained()
    save_checkpoint(path, net, extra={"history": {"batch_loss": np.linspace(2, 1, 7)}, "dataset": "blobs"})
    return path.read_bytes(), net


@HYPO
@given(cut=st.floats(0, 1, exclude_max=True))
def test_any_truncation_is_a_checkpoint_error(tmp_path, valid_bytes, cut):
    data, _ = valid_bytes
    path = tmp_path / "cut.npz"
    path.write_bytes(data[: int(cut * len(data))])
    with pytest.raises(CheckpointError):
        load_checkpoint(path)


@HYPO
@given(flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)), min_size=1, max_size=3))
def test_flipped_bytes_give_a_checkpoint_error_or_the_same_network(tmp_path, valid_bytes, flips):
    data, net = valid_bytes
    damaged = bytearray(data)
    for where, mask in flips:
        damaged[int(where * len(data))] ^= mask
    path = tmp_path / "flipped.npz"
    path.write_bytes(bytes(damaged))
    try:
        back, extra = load_checkpoint(path)
    except CheckpointError:
        return
    # The flip hit something that does not matter (a timestamp, say): the content must be intact.
    X = np.linspace(-1, 1, 20).reshape(4, 5)
    assert np.array_equal(back.infer(X), net.infer(X))
    assert np.array_equal(extra["history"]["batch_loss"], np.linspace(2, 1, 7))
