"""Initialisation as a choice (engine/initializers.py): each one's statistics, the symmetry of zeros, its places."""

import json
import warnings

import numpy as np
import pytest

from engine import INITIALIZERS, Layer, LeakyReLU, MSELoss, NeuralNetwork, NonFiniteLossWarning, Sigmoid
from engine.files.checkpoint import load_checkpoint, save_checkpoint
from engine.hyperparameters import HYPERPARAMETERS
from engine.run_config import ConfigError, config_text, parse_config
from engine.training_config import TrainingConfig, build_network

INS, OUTS = 400, 300  # 120,000 weights: sample statistics within a few per cent


def _layer(init, act="tanh", seed=0):
    return Layer(INS, OUTS, act, rng=seed, init=init, dtype=np.float64)


@pytest.mark.parametrize("init, w_std, b_std", [
    ("he", np.sqrt(2 / INS), 0.0),
    ("xavier", np.sqrt(2 / (INS + OUTS)), 0.0),
    ("small", 1 / (INS * OUTS), 1 / OUTS),
    ("uniform", 1 / np.sqrt(INS) / np.sqrt(3), 1 / np.sqrt(INS) / np.sqrt(3)),  # U(±a) has std a/√3
    ("zeros", 0.0, 0.0),
])
def test_each_initialisation_draws_weights_and_biases_of_its_spread(init, w_std, b_std):
    layer = _layer(init)
    assert layer.init == init
    assert abs(layer.W.mean()) <= 0.02 * w_std + 1e-300
    assert layer.W.std() == pytest.approx(w_std, rel=0.02)
    assert layer.b.std() == pytest.approx(b_std, rel=0.25)  # only 300 biases
    if init == "uniform":
        assert np.abs(layer.W).max() <= 1 / np.sqrt(INS) and np.abs(layer.b).max() <= 1 / np.sqrt(INS)


def test_auto_chooses_he_for_relu_like_layers_and_xavier_for_the_others():
    assert [Layer(4, 3, act, init="auto").init for act in ("relu", "leaky_relu", "tanh", "sigmoid", "identity")] == [
        "he", "he", "xavier", "xavier", "xavier"]


def test_the_same_seed_draws_the_same_weights_and_an_unknown_name_is_refused():
    for init in INITIALIZERS:
        assert np.array_equal(_layer(init, seed=3).W, _layer(init, seed=3).W)
    assert not np.array_equal(_layer("he", seed=3).W, _layer("he", seed=4).W)
    with pytest.raises(ValueError, match="unknown initialisation 'glorot'; use one of auto, he"):
        Layer(4, 3, init="glorot")


def test_a_bare_layer_starts_as_in_the_articles_and_the_app_starts_with_auto():
    assert Layer(784, 16, LeakyReLU()).init == "small"
    assert Layer(784, 16, LeakyReLU()).W.std() < 1e-3  # He would be 0.05
    assert [layer.init for layer in NeuralNetwork.build([784, 16, 10], "leaky_relu", "ce").layers] == ["he", "xavier"]
    assert TrainingConfig().init == "auto" == HYPERPARAMETERS["init"].default


def test_zeros_keeps_every_hidden_neuron_a_copy_of_the_others():
    """Same weights in, same gradient out: training cannot tell the neurons apart (the symmetry lesson)."""
    net = NeuralNetwork([Layer(2, 5, Sigmoid(), rng=0, init="zeros"), Layer(5, 5, Sigmoid(), rng=0, init="zeros"),
                         Layer(5, 2, Sigmoid(), rng=0, init="zeros")], MSELoss(), 0.5)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 64))
    t = np.stack([X[0] > 0, X[1] > 0]).astype(float)
    for _ in range(200):
        net.train(X, t)
    for layer in net.layers[:2]:
        assert np.all(layer.W != 0)  # they did learn …
        assert np.allclose(layer.W, layer.W[:1], rtol=1e-4, atol=0)  # … all the same thing
        assert np.allclose(layer.b, layer.b[:1], rtol=1e-4, atol=0)
    he = NeuralNetwork.build([2, 5, 5, 2], "sigmoid", "mse", lr=0.5, seed=0)
    assert not np.allclose(he.layers[0].W, he.layers[0].W[:1], rtol=1e-4, atol=0)


def test_the_set_up_builds_with_its_initialisation():
    class Shape:
        features, n_classes, n_outputs = 784, 10, 10

    net = build_network(TrainingConfig(init="zeros"), Shape())
    assert all(layer.init == "zeros" and not layer.W.any() for layer in net.layers)
    assert [layer.init for layer in build_network(TrainingConfig(), Shape()).layers] == ["he", "he", "xavier"]


def test_configuration_files_carry_the_initialisation_and_older_files_still_load():
    text = config_text({"dataset": "spirals", "init": "uniform"})
    assert json.loads(text)["init"] == "uniform"
    assert parse_config(text)["init"] == "uniform"
    assert "init" not in parse_config('{"format": "backprop-studio-config", "version": 1, "dataset": "xor"}')
    with pytest.raises(ConfigError, match='"init" must be one of auto, he, xavier, small, uniform, zeros; got "ones"'):
        parse_config('{"format": "backprop-studio-config", "version": 1, "dataset": "xor", "init": "ones"}')


def test_a_checkpoint_keeps_each_layers_initialisation_and_reads_files_without_one(tmp_path):
    net = NeuralNetwork([Layer(3, 4, "tanh", rng=0, init="uniform"), Layer(4, 2, "identity", rng=0, init="small")],
                        "ce")
    save_checkpoint(tmp_path / "a.npz", net)
    loaded, _ = load_checkpoint(tmp_path / "a.npz")
    assert [layer.init for layer in loaded.layers] == ["uniform", "small"]
    assert all(np.array_equal(a.W, b.W) for a, b in zip(net.layers, loaded.layers))

    with np.load(tmp_path / "a.npz", allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    meta = json.loads(str(arrays["meta"]))
    del meta["architecture"]["init"]  # as files saved before the choice existed
    arrays["meta"] = np.array(json.dumps(meta))
    np.savez(tmp_path / "old.npz", **arrays)
    old, _ = load_checkpoint(tmp_path / "old.npz")
    assert [layer.init for layer in old.layers] == ["xavier", "xavier"]  # as they were drawn then
    assert all(np.array_equal(a.W, b.W) for a, b in zip(net.layers, old.layers))


def test_a_non_finite_loss_is_told_once_with_its_likely_cause_and_numpy_stays_quiet():
    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, (784, 1)).astype(float)  # raw pixels
    X[0] = 255
    net = NeuralNetwork([Layer(784, 16, LeakyReLU(), rng=0, init="he"), Layer(16, 10, LeakyReLU(), rng=1, init="he")],
                        MSELoss(), 0.5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        losses = [net.train(X, np.eye(10)[:, [3]]) for _ in range(20)]
    assert not np.isfinite(losses[-1])
    assert [w.category for w in caught] == [NonFiniteLossWarning]
    assert "inputs reach 255: scale them to 0..1" in str(caught[0].message)
    assert "learning rate (now 0.5)" in str(caught[0].message)
    assert caught[0].filename == __file__  # it points at the caller's line


def test_a_too_large_step_on_scaled_inputs_is_blamed_on_the_learning_rate():
    net = NeuralNetwork([Layer(4, 4, LeakyReLU(), rng=0, init="he"), Layer(4, 2, LeakyReLU(), rng=1, init="he")],
                        MSELoss(), 1e6)
    X = np.random.default_rng(0).uniform(0, 1, (4, 8))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(50):
            net.train(X, np.ones((2, 8)))
    assert [w.category for w in caught] == [NonFiniteLossWarning]
    assert "the steps are too large: lower the learning rate (now 1e+06)" in str(caught[0].message)


def test_train_takes_init_from_the_table_and_refuses_an_unknown_one(tmp_path, capsys):
    import main

    out = tmp_path / "z.npz"
    assert main.main(["train", "--dataset", "xor", "--init", "zeros", "--epochs", "1", "--quiet", "--out",
                      str(out)]) == 0
    net, _ = load_checkpoint(out)
    assert [layer.init for layer in net.layers] == ["zeros"] * 3
    assert np.allclose(net.layers[0].W, net.layers[0].W[:1])  # the hidden neurons learnt as one
    capsys.readouterr()
    assert main.main(["train", "--dataset", "xor", "--init", "ones"]) == 2
    err = capsys.readouterr().err
    assert "argument --init: invalid choice: 'ones'" in err and "uniform" in err and err.count("\n") == 1
