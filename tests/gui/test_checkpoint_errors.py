"""What goes wrong with checkpoint files: saves that fail, files that cannot be opened, closing unsaved."""

import json
import os
import zipfile

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton

import gui.shell.main_window as main_window
from engine.data.toy_datasets import make_toy
from engine.files.checkpoint import load_checkpoint, save_checkpoint
from engine.files.trainer_state import save_training
from engine.network import NeuralNetwork
from engine.training import Trainer
from tests.gui.checkpoint_helpers import (
    answer_dialogs,
    answer_questions,
    assert_same_weights,
    make_window,
    state_of,
    weights,
)
from tests.gui.window_helpers import TIMEOUT, action, step, training_thread_ended

pytestmark = pytest.mark.usefixtures("discard_on_close")  # windows closed after training their file lacks


# -- saves that fail ------------------------------------------------------------------------------
def test_a_save_that_fails_says_so_and_keeps_the_file_name(qtbot, tmp_path):
    window = make_window(qtbot)
    step(window, qtbot)
    assert not window.file_actions.save_to(tmp_path / "missing-folder" / "run.npz")
    assert "Not saved" in window.notice.text() and window.file_actions.path is None


# -- files that cannot be opened -------------------------------------------------------------------
def _valid_file(tmp_path):
    dataset = make_toy("spirals", n=1000, seed=0)
    net = NeuralNetwork.build([2, 8, 8, 2], "tanh", "ce", optimizer="adam", lr=0.01, seed=1)
    trainer = Trainer(net, dataset, batch_size=16, epochs=3, seed=1)
    for _ in range(5):
        trainer.step()
    path = tmp_path / "good.npz"
    save_training(path, trainer, extra={"dataset": "spirals", "dataset_params": dataset.params})
    return path, trainer


def _newer(path):
    with zipfile.ZipFile(path) as zf:
        arrays = {n[:-4]: np.load(zf.open(n), allow_pickle=False) for n in zf.namelist()}
    meta = json.loads(str(arrays["meta"]))
    meta["version"] += 1
    arrays["meta"] = np.array(json.dumps(meta))
    np.savez(path, **arrays)


def _other_data(path):
    net = NeuralNetwork.build([2, 8, 8, 2], "tanh", "ce", seed=1)
    trainer = Trainer(net, make_toy("spirals", n=500, seed=0), batch_size=16, epochs=3)
    trainer.step()
    save_training(path, trainer, extra={"dataset": "spirals"})  # no params: the app's own spirals (1000)


@pytest.mark.parametrize("damage, message", [
    (lambda p: p.write_bytes(os.urandom(3000)), "not a checkpoint"),
    (lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]), "corrupt or truncated"),
    (lambda p: p.write_bytes(b""), "empty"),
    (_newer, "newer version of Backprop Studio"),
    (_other_data, "trained on 400 samples per epoch"),
    (lambda p: save_checkpoint(p, NeuralNetwork.build([784, 8, 10], "relu", "ce"), extra={"dataset": "spirals"}),
     "784 inputs"),
    (lambda p: save_checkpoint(p, NeuralNetwork.build([2, 8, 2], "relu", "ce"), extra={"dataset": "cifar"}),
     "dataset"),
    (lambda p: p.unlink(), "file not found"),
    (lambda p: save_checkpoint(p, NeuralNetwork.build([2, 8, 2], "relu", "ce"), extra={
        "dataset": "spirals", "dataset_params": {"n": 60_000_000, "noise": 0.03, "seed": 0, "test_fraction": 0.2}}),
     "4 to 1,000,000 points"),
    (lambda p: save_checkpoint(p, NeuralNetwork.build([2, 8, 2], "relu", "ce"), extra={
        "dataset": "spirals", "hyperparameters": [16, 100]}), "hyperparameters is [16, 100], not a dictionary"),
    (lambda p: (p.unlink(), os.mkfifo(p)), "not a regular file"),
])
def test_a_bad_file_shows_a_message_and_changes_nothing(qtbot, tmp_path, monkeypatch, damage, message):
    window = make_window(qtbot)
    step(window, qtbot, times=3)
    path, _ = _valid_file(tmp_path)
    damage(path)
    before = state_of(window)
    answer_dialogs(monkeypatch, path)
    action(window, "open_checkpoint").trigger()
    after = state_of(window)
    assert after[:3] == before[:3] and after[4:] == before[4:]
    assert_same_weights(after[3], before[3])
    text = window.notice.text()
    assert window.notice.kind == "error" and "good.npz" in text and message in text and "Nothing was changed" in text
    step(window, qtbot)  # training goes on as before
    assert window.trainer.steps == 4


def test_a_checkpoint_trained_on_mnist_needs_mnist(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(main_window, "discover_mnist", lambda: (None, None))
    window = make_window(qtbot)
    path = tmp_path / "digits.npz"
    save_checkpoint(path, NeuralNetwork.build([784, 16, 10], "relu", "ce"), extra={"dataset": "mnist"})
    before = state_of(window)
    assert not window.file_actions.open_path(path)
    assert state_of(window)[:3] == before[:3]
    assert "digits.npz was trained on MNIST digits, which were not found" in window.notice.text()
    assert {b.text() for b in window.notice.findChildren(QPushButton)} >= {"Download MNIST…", "Choose folder…"}


def test_a_file_saved_without_training_state_opens_its_weights(qtbot, tmp_path):
    """What `python main.py train --out` writes: weights and hyperparameters, no trainer state."""
    window = make_window(qtbot, dataset="xor")
    net = NeuralNetwork.build([2, 12, 2], "relu", "ce", optimizer="sgd", lr=0.07, seed=4)
    save_checkpoint(tmp_path / "cli.npz", net, extra={
        "dataset": "xor", "dataset_params": make_toy("xor", n=600, seed=2).params,
        "hyperparameters": {"batch": 1024, "epochs": 5, "seed": 2}})
    assert window.file_actions.open_path(tmp_path / "cli.npz")
    config = window.controls.config()
    assert (config.hidden, config.activations, config.optimizer, config.batch_size, config.epochs) == (
        [12], ["relu"], "sgd", 512, 5)
    assert config.lr == pytest.approx(0.07) and len(window.dataset().y_train) == 480  # the file's 600 points
    assert_same_weights(weights(window.network()), weights(net))
    assert "no training state" in window.notice.text()
    step(window, qtbot)
    assert window.trainer.steps == 1



# -- closing with training the file lacks ----------------------------------------------------------
def test_quitting_after_training_since_the_save_asks_and_cancel_keeps_the_window(qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot)
    step(window, qtbot, times=2)
    assert window.file_actions.save_to(tmp_path / "run.npz")
    step(window, qtbot)
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Cancel)
    action(window, "quit").trigger()
    assert len(asked) == 1 and asked[0].startswith("Save changes to run.npz?")
    assert window.isVisible() and window.worker.thread().isRunning()  # still open, still able to train
    assert window.windowTitle().startswith("run.npz[*]") and window.isWindowModified()
    step(window, qtbot)
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Discard)
    window.close()
    assert len(asked) == 1 and not window.isVisible() and training_thread_ended(window)
    assert load_checkpoint(tmp_path / "run.npz")[1]["trainer"]["steps"] == 2  # discarded: the file is as saved


def test_save_on_close_writes_the_training_then_closes(qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot, epochs=100_000)
    step(window, qtbot)
    window.file_actions.save_to(tmp_path / "run.npz")
    action(window, "play_pause").trigger()  # closing while it trains
    qtbot.waitUntil(lambda: window.trainer.steps > 20, timeout=TIMEOUT)
    answer_questions(monkeypatch, QMessageBox.StandardButton.Cancel)
    window.close()
    assert window.isVisible() and window.playing  # cancelled: training goes on as it was
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Save)
    window.close()
    assert len(asked) == 1 and not window.isVisible()
    assert load_checkpoint(tmp_path / "run.npz")[1]["trainer"]["steps"] == window.trainer.steps > 20  # all of it


def test_a_save_that_fails_on_close_keeps_the_window_open(qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot)
    step(window, qtbot)
    window.file_actions.save_to(tmp_path / "run.npz")
    step(window, qtbot)
    with qtbot.waitSignal(window.session.phase_reached, timeout=TIMEOUT):
        action(window, "step_phase").trigger()  # half way through a step: a checkpoint cannot hold it
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Save)
    window.close()
    assert len(asked) == 1 and window.isVisible() and "walked phase by phase" in window.notice.text()
    assert load_checkpoint(tmp_path / "run.npz")[1]["trainer"]["steps"] == 1
    answer_questions(monkeypatch, QMessageBox.StandardButton.Discard)
    window.close()
    assert not window.isVisible()


def test_closing_never_asks_without_a_file_or_without_training_since(qtbot, tmp_path, monkeypatch):
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Cancel)
    never_saved = make_window(qtbot)
    step(never_saved, qtbot, times=3)  # trained, but nothing was ever saved: no nagging
    never_saved.close()
    opened = make_window(qtbot)
    step(opened, qtbot, times=2)
    opened.file_actions.save_to(tmp_path / "run.npz")
    opened.reset()
    opened.file_actions.open_path(tmp_path / "run.npz")
    opened.controls.lr.setValue(0.5)  # a setting, not training
    qtbot.wait(100)
    assert opened.isWindowModified()
    opened.close()
    reset = make_window(qtbot)
    step(reset, qtbot)
    reset.file_actions.save_to(tmp_path / "other.npz")
    action(reset, "reset").trigger()  # the file keeps the trained network; the fresh one is the seed's
    reset.close()
    assert asked == [] and not any(w.isVisible() for w in (never_saved, opened, reset))
