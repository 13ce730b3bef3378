"""Regression as a task: one identity output with MSE; RMSE in the target's units and R² in training and evaluation."""

import math

import numpy as np
import pytest

from engine import NeuralNetwork
from engine.data.csv_dataset import load_csv
from engine.data.toy_datasets import make_toy
from engine.evaluation import RegressionResult, evaluate, regression_scores
from engine.losses import MSELoss
from engine.tasks import head_for, head_problem, network_problem
from engine.training import EpochDone, Trainer


def regressor(features, hidden=(16, 16), act="tanh", seed=0, lr=0.01):
    loss, out_act = head_for(make_toy("sine", n=20))
    return NeuralNetwork.build([features, *hidden, 1], act, loss, out_act=out_act, optimizer="adam", lr=lr, seed=seed)


def epochs_of(trainer):
    return [e for e in trainer.run() if isinstance(e, EpochDone)]


def test_a_sine_is_fitted_to_within_its_noise():
    ds = make_toy("sine", n=200, noise=0.1, seed=0)
    net = regressor(1)
    assert [layer.act.name for layer in net.layers] == ["tanh", "tanh", "identity"]
    epochs = epochs_of(Trainer(net, ds, batch_size=32, epochs=300, seed=0))
    last = epochs[-1]
    assert last.test_rmse <= 0.15 and last.test_r2 > 0.9
    assert math.isnan(last.test_accuracy)
    assert epochs[0].test_rmse > 0.3  # it learnt: an untrained net is far off
    result = evaluate(net, ds)
    assert isinstance(result, RegressionResult) and result.n == 40
    assert result.rmse == pytest.approx(last.test_rmse, rel=1e-4) and result.r2 == pytest.approx(last.test_r2, abs=1e-4)
    true_curve = np.sin(np.pi * ds.x_test[:, 0])
    assert np.sqrt(np.mean((result.predicted - true_curve) ** 2)) < 0.1  # near the sine itself, not just the dots


def test_rmse_is_in_the_targets_own_units(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, 300)
    price = 50_000 + 20_000 * x + rng.normal(0, 1_000, 300)
    path = tmp_path / "prices.csv"
    path.write_text("x,price\n" + "".join(f"{a:.5f},{p:.2f}\n" for a, p in zip(x, price)))
    ds = load_csv(path)
    net = regressor(1, hidden=(8,))
    last = epochs_of(Trainer(net, ds, batch_size=32, epochs=60, seed=0))[-1]
    result = evaluate(net, ds)
    assert 500 < result.rmse < 3_000 and last.test_rmse == pytest.approx(result.rmse, rel=1e-3)
    assert result.rmse == pytest.approx(np.sqrt(np.mean(result.residuals**2)), rel=1e-6)
    assert np.abs(result.targets[:, None] - price[None, :]).min(axis=1).max() < 0.05  # the file's own prices
    assert result.r2 > 0.9
    worst = result.worst()
    assert abs(result.residuals[worst[0]]) == np.abs(result.residuals).max()


def test_regression_scores_match_their_definitions():
    rng = np.random.default_rng(1)
    targets, predicted = rng.normal(size=50), rng.normal(size=50)
    mse = float(np.mean((predicted - targets) ** 2))
    rmse, r2 = regression_scores(mse, targets, target_std=3.0)
    assert rmse == pytest.approx(3.0 * np.sqrt(mse))
    ss_res, ss_tot = np.sum((targets - predicted) ** 2), np.sum((targets - targets.mean()) ** 2)
    assert r2 == pytest.approx(1 - ss_res / ss_tot)
    assert regression_scores(0.0, targets) == (0.0, 1.0)
    assert all(math.isnan(v) for v in regression_scores(0.5, np.array([])))
    assert math.isnan(regression_scores(0.5, np.ones(5))[1])  # constant targets: R² undefined


def test_mse_reads_real_targets_as_one_row():
    targets = MSELoss().targets(np.array([0.5, -1.5], dtype=np.float32), 1, np.float32)
    assert targets.shape == (1, 2) and targets.tolist() == [[0.5, -1.5]]
    onehot = MSELoss().targets(np.array([1, 0]), 2, np.float32)  # integer labels: one-hot as before
    assert onehot.tolist() == [[0, 1], [1, 0]]


@pytest.mark.parametrize("loss, out_act, reason", [
    ("ce", "identity", "mean squared error"),
    ("mse", "sigmoid", "identity, not sigmoid"),
    ("mse", "tanh", "identity, not tanh"),
])
def test_a_regression_refuses_other_heads_with_a_reason(loss, out_act, reason):
    ds = make_toy("sine", n=50)
    assert reason in head_problem(ds, loss, out_act)
    with pytest.raises(ValueError, match=reason):
        head_for(ds, loss, out_act)
    net = NeuralNetwork.build([1, 4, 1], "tanh", loss, out_act=out_act, seed=0)
    with pytest.raises(ValueError, match=reason):
        Trainer(net, ds)
    with pytest.raises(ValueError, match=reason):
        evaluate(net, ds)


def test_heads_default_by_task():
    assert head_for(make_toy("cubic", n=50)) == ("mse", "identity")
    assert head_for(make_toy("xor", n=50)) == ("ce", None)
    assert head_for(make_toy("xor", n=50), "mse", "sigmoid") == ("mse", "sigmoid")  # classification: any head
    assert head_problem(make_toy("xor", n=50), "mse", "sigmoid") is None


def test_a_regression_network_has_exactly_one_output():
    ds = make_toy("surface", n=50)
    net = NeuralNetwork.build([2, 4, 2], "tanh", "mse", out_act="identity", seed=0)
    assert "2 outputs" in network_problem(net, ds) and "one number" in network_problem(net, ds)
    with pytest.raises(ValueError, match="2 outputs"):
        Trainer(net, ds)
    assert network_problem(NeuralNetwork.build([2, 4, 1], "tanh", "mse", out_act="identity", seed=0), ds) is None


def test_classification_checks_are_unchanged():
    ds = make_toy("blobs", n=60)
    with pytest.raises(ValueError, match="2 outputs but Gaussian blobs has 3 classes"):
        Trainer(NeuralNetwork.build([2, 4, 2], "tanh", "ce", seed=0), ds)
    with pytest.raises(ValueError, match="takes 3 inputs"):
        Trainer(NeuralNetwork.build([3, 4, 3], "tanh", "ce", seed=0), ds)
    last = epochs_of(Trainer(NeuralNetwork.build([2, 8, 3], "tanh", "ce", seed=0), ds, epochs=2))[-1]
    assert 0 <= last.test_accuracy <= 1 and math.isnan(last.test_rmse) and math.isnan(last.test_r2)
