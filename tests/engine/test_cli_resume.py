"""`python main.py train --resume`: continuing a saved run equals running straight through, bit for bit."""

import numpy as np
import pytest

import main
from engine.files.checkpoint import load_checkpoint

COMMON = ["--dataset", "spirals", "--samples", "300", "--arch", "2-8-8-2", "--act", "tanh", "--batch", "16",
          "--seed", "4", "--quiet"]


def _train(args, out):
    assert main.main(["train", *args]) == 0
    return load_checkpoint(out)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_one_epoch_then_resume_equals_two_epochs(tmp_path, capsys, optimizer):
    opts = ["--optimizer", optimizer, "--lr-decay", "0.5"]
    a, extra_a = _train([*COMMON, *opts, "--epochs", "2", "--out", str(tmp_path / "a.npz")], tmp_path / "a.npz")
    _train([*COMMON, *opts, "--epochs", "1", "--out", str(tmp_path / "half.npz")], tmp_path / "half.npz")
    b, extra_b = _train(["--resume", str(tmp_path / "half.npz"), "--epochs", "2", "--quiet",
                         "--out", str(tmp_path / "b.npz")], tmp_path / "b.npz")
    for (Wa, ba), (Wb, bb) in zip(a.weights(), b.weights()):
        assert np.array_equal(Wa, Wb) and np.array_equal(ba, bb)
    for key in extra_a["history"]:
        assert np.array_equal(extra_a["history"][key], extra_b["history"][key])
    assert extra_a["test_accuracy"] == extra_b["test_accuracy"] and len(extra_b["history"]["epoch_test_loss"]) == 2
    assert a.lr == b.lr and extra_b["trainer"]["pending"]["lr"] == pytest.approx(extra_a["hyperparameters"]["lr"] / 4)
    assert extra_b["hyperparameters"]["epochs"] == 2 and extra_b["dataset_params"]["n"] == 300


def test_resuming_a_weights_only_file_says_it_cannot(tmp_path, capsys):
    _train([*COMMON, "--epochs", "1", "--weights-only", "--out", str(tmp_path / "w.npz")], tmp_path / "w.npz")
    assert main.main(["train", "--resume", str(tmp_path / "w.npz"), "--quiet"]) == 1
    assert "w.npz: holds a network but no training state" in capsys.readouterr().err


def test_resume_applies_the_options_a_running_trainer_takes_and_names_the_ignored_ones(tmp_path, capsys):
    half = tmp_path / "half.npz"
    _train([*COMMON, "--optimizer", "adam", "--epochs", "1", "--out", str(half)], half)
    capsys.readouterr()
    net, extra = _train(["--resume", str(half), "--epochs", "2", "--lr", "0.01", "--batch", "32", "--momentum", "0.5",
                         "--arch", "2-4-2", "--loss", "mse", "--quiet", "--out", str(tmp_path / "b.npz")],
                        tmp_path / "b.npz")
    err = capsys.readouterr().err.splitlines()
    assert err == ["resuming half.npz: --lr 0.01, --batch 32 apply from the next batch",
                   "resuming half.npz: --arch, --loss, --momentum ignored; the checkpoint's own are kept (adam optimiser)"]
    assert net.lr == 0.01 and extra["trainer"]["batch_size"] == 32 and net.sizes == [2, 8, 8, 2]
