"""A diverging run keeps its last good weights and names the cause; empty data is refused in one line."""

import gzip
import json
import os
import struct
import subprocess
import sys

import numpy as np
import pytest

import main
from engine.files.checkpoint import load_checkpoint, save_checkpoint
from engine.network import NeuralNetwork

MAIN = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "main.py")


def test_divergence_saves_the_last_good_weights_and_says_so_without_numpy_warnings(tmp_path):
    out = tmp_path / "d.npz"
    run = subprocess.run([sys.executable, MAIN, "train", "--dataset", "spirals", "--loss", "mse", "--out-act",
                          "identity", "--optimizer", "sgd", "--lr", "100", "--out", str(out), "--quiet"],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 1
    assert "Warning" not in run.stderr and "Traceback" not in run.stderr and run.stderr.count("\n") == 1
    assert "training diverged at epoch 1" in run.stderr and "--lr 100 overshoots" in run.stderr
    assert f"The last good weights were saved to {out}" in run.stderr
    assert json.loads(run.stdout.splitlines()[-1])["model"] == str(out)
    net, _ = load_checkpoint(out)
    assert all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in net.weights())


@pytest.mark.parametrize("args, cause", [
    (["--optimizer", "sgd", "--lr", "1000", "--l2", "0.5"], "--l2 0.5 with --lr 1000"),
    (["--optimizer", "momentum", "--momentum", "0.999", "--lr", "10", "--loss", "mse", "--out-act", "identity"],
     "--momentum 0.999 keeps almost all of every step"),
])
def test_the_advice_names_the_setting_that_caused_it(args, cause, tmp_path, capsys):
    assert main.main(["train", "--dataset", "blobs", "--epochs", "5", "--quiet", *args]) == 1
    err = capsys.readouterr().err
    assert cause in err and "were not kept (pass --out to keep them)" in err


def _idx(path, magic, shape):
    with gzip.open(path, "wb") as fh:
        fh.write(struct.pack(">I", magic) + b"".join(struct.pack(">I", n) for n in shape))
        fh.write(bytes(int(np.prod(shape))))


def _mnist_folder(folder, n_train, n_test):
    folder.mkdir()
    for split, n in (("train", n_train), ("t10k", n_test)):
        _idx(folder / f"{split}-images-idx3-ubyte.gz", 2051, (n, 28, 28))
        _idx(folder / f"{split}-labels-idx1-ubyte.gz", 2049, (n,))
    return str(folder)


@pytest.mark.parametrize("n_train, n_test, what", [(0, 5, "0 training samples"), (5, 0, "0 test samples")])
def test_a_data_folder_with_an_empty_split_is_refused(tmp_path, capsys, n_train, n_test, what):
    folder = _mnist_folder(tmp_path / "mnist", n_train, n_test)
    assert main.main(["train", "--data", folder, "--arch", "784-4-10", "--epochs", "1", "--quiet"]) == 1
    out, err = capsys.readouterr()
    assert what in err and err.count("\n") == 1 and "NaN" not in out


def test_evaluating_on_an_empty_test_set_is_refused(tmp_path, capsys):
    folder = _mnist_folder(tmp_path / "mnist", 5, 0)
    model = tmp_path / "m.npz"
    save_checkpoint(model, NeuralNetwork.build([784, 4, 10], "relu", "ce", seed=0), extra={"dataset": "mnist"})
    assert main.main(["evaluate", str(model), "--data", folder]) == 1
    assert "0 test samples; nothing to test with" in capsys.readouterr().err


def test_adams_advice_is_about_its_own_settings():
    from engine.cli.advice import divergence_advice
    from engine.optimizers import Adam

    assert "--beta2 0.5 is below --beta1²" in divergence_advice(Adam(lr=0.1, beta1=0.9, beta2=0.5))
    advice = divergence_advice(Adam(lr=10))
    assert "ε = 1e-08 only guards a division" in advice and "try --lr 1" in advice
