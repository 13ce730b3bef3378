"""The File menu through its real QActions: save, open, exact resume, damaged files, recent files, configurations."""

import gc
import json
import os
import types
import zipfile

import numpy as np
import pytest
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QPushButton

import gui.main_window as main_window
from engine.checkpoint import load_checkpoint, save_checkpoint
from engine.network import NeuralNetwork
from engine.run_config import MAX_HIDDEN, MAX_NEURONS, NUMBERS
from engine.toy_datasets import make_toy
from engine.trainer_state import resume, save_training
from engine.training import Trainer
from gui.architecture_editor import MAX_HIDDEN as EDITOR_MAX_HIDDEN
from gui.architecture_editor import MAX_NEURONS as EDITOR_MAX_NEURONS
from gui.main_window import MainWindow
from gui.settings import recent_files
from gui.training_config import build

TIMEOUT = 10_000  # ms


def make_window(qtbot, dataset="spirals", **changes):
    window = MainWindow(dataset=dataset)
    qtbot.addWidget(window)
    window.show()
    if changes:
        config = window.controls.config()
        for key, value in changes.items():
            setattr(config, key, value)
        window.controls.set_config(config)
        window.reset()
    return window


def action(window, name):
    found = window.findChild(QAction, name)
    assert found is not None, name
    return found


def step(window, qtbot, times=1):
    for _ in range(times):
        with qtbot.waitSignal(window.weights_updated, timeout=TIMEOUT):
            action(window, "step_batch").trigger()


def answer_dialogs(monkeypatch, path):
    """QFileDialog's static methods answer ``path`` (tests never block on a dialog); returns the calls."""
    calls = []

    def answer(kind):
        def dialog(parent, caption, folder, filters):
            calls.append((kind, caption, folder, filters))
            return str(path), filters.split(";;")[0]
        return staticmethod(dialog)

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer("save"))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", answer("open"))
    return calls


def answer_questions(monkeypatch, button):
    """QMessageBox.question answers ``button`` (tests never block on a dialog); returns the texts asked."""
    asked = []

    def question(parent, title, text, buttons, default):
        asked.append(text)
        return button
    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


@pytest.fixture(autouse=True)
def discard_on_close(monkeypatch):
    """Windows closed at the end of a test with training their file lacks are closed without saving."""
    return answer_questions(monkeypatch, QMessageBox.StandardButton.Discard)


def weights(net):
    return [(W.copy(), b.copy()) for W, b in net.weights()]


def assert_same_weights(a, b):
    for (Wa, ba), (Wb, bb) in zip(a, b):
        assert np.array_equal(Wa, Wb) and np.array_equal(ba, bb)


def reference(window, steps):
    """The same config trained straight through in the engine, ``steps`` batches."""
    net, trainer = build(window.session.config, window.dataset())
    for _ in range(steps):
        trainer.step()
    return trainer


def state_of(window):
    """What opening a bad file must leave unchanged."""
    return (window.trainer, window.session.generation, window.controls.config(), weights(window.network()),
            len(window.loss_plot.batch), window.windowTitle())


# -- the menu --------------------------------------------------------------------------------------
def test_the_file_menu_comes_first_with_named_actions_shortcuts_and_tooltips(qtbot):
    window = make_window(qtbot)
    menus = [a.menu() for a in window.menuBar().actions()]
    assert menus[0].objectName() == "file_menu" and menus[0].title() == "&File"
    expected = {"open_checkpoint": "Ctrl+O", "save_checkpoint": "Ctrl+S", "save_checkpoint_as": "Ctrl+Shift+S",
                "export_config": "", "import_config": "", "quit": "Ctrl+Q"}
    for name, keys in expected.items():
        act = action(window, name)
        assert act.shortcut() == QKeySequence(keys) and act.toolTip() and act in menus[0].actions()
    assert menus[0].findChild(QMenu, "recent_files") is not None


def test_the_configuration_limits_are_the_controls_limits(qtbot):
    window = make_window(qtbot)
    c = window.controls
    for key, widget in (("batch_size", c.batch_size), ("epochs", c.epochs), ("seed", c.seed),
                        ("momentum", c.momentum), ("beta1", c.beta1), ("beta2", c.beta2)):
        assert (widget.minimum(), widget.maximum()) == pytest.approx(NUMBERS[key][1:]), key
    assert (MAX_HIDDEN, MAX_NEURONS) == (EDITOR_MAX_HIDDEN, EDITOR_MAX_NEURONS)


# -- save and open ---------------------------------------------------------------------------------
def test_save_then_open_restores_weights_config_and_history(qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot, optimizer="momentum", lr=0.05, batch_size=32, hidden=[6, 5],
                         activations=["tanh", "relu"], seed=3, epochs=7)
    step(window, qtbot, times=30)  # 800 samples, batches of 32: one epoch (25 batches) and 5 more
    path = tmp_path / "run.npz"
    calls = answer_dialogs(monkeypatch, path)
    action(window, "save_checkpoint").trigger()  # the first Save asks where
    assert [c[0] for c in calls] == ["save"] and path.exists()
    assert window.windowTitle().startswith("run.npz[*]") and not window.isWindowModified()
    step(window, qtbot, times=3)
    assert window.isWindowModified()
    action(window, "save_checkpoint").trigger()  # now it saves to the same file without asking
    assert len(calls) == 1 and not window.isWindowModified()
    saved_weights, saved_config = weights(window.trainer.net), window.controls.config()
    history = {k: list(v) for k, v in vars(window.trainer.history).items()}

    window.controls.lr.setValue(0.2)
    window.controls.seed.setValue(9)
    action(window, "reset").trigger()
    step(window, qtbot)
    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        action(window, "open_checkpoint").trigger()
    assert calls[-1][0] == "open" and calls[-1][2] == str(tmp_path)  # the dialog starts beside the file
    assert window.trainer.steps == 33 and window.controls.config() == saved_config
    assert window.session.config == saved_config
    assert_same_weights(weights(window.trainer.net), saved_weights)
    assert_same_weights(weights(window.network()), saved_weights)  # the views' copy too
    assert {k: list(v) for k, v in vars(window.trainer.history).items()} == history
    plot = window.loss_plot
    assert len(plot.batch) == 33 and np.array_equal(plot.batch.y, history["batch_loss"])
    np.testing.assert_array_equal(plot.batch.x, np.array(history["batch_samples"]) / 800)
    assert len(plot.epoch_train) == 1 and plot.epoch_train.y[0] == history["epoch_train_loss"][0]
    assert window.network_view.snapshot().sizes == [2, 6, 5, 2]
    assert window.status.progress_label.text().startswith("epoch 2/7 · batch 8/25 · 1,056 samples trained")
    assert window.windowTitle().startswith("run.npz[*]") and not window.isWindowModified()


def test_raising_epochs_after_opening_shows_the_new_total_at_once(qtbot, tmp_path):
    window = make_window(qtbot, batch_size=32, epochs=2)  # 25 batches an epoch
    step(window, qtbot, times=30)
    window.file_actions.save_to(tmp_path / "run.npz")
    window.reset()
    window.file_actions.open_path(tmp_path / "run.npz")
    status = window.status
    assert status.progress_label.text().startswith("epoch 2/2 · batch 5/25 · 960 samples trained")
    assert status.progress_bar.value() == 600
    window.controls.epochs.setValue(4)
    assert status.progress_label.text().startswith("epoch 2/4 · batch 5/25 · 960 samples trained · opened from run")
    assert status.progress_bar.value() == 300


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_resuming_in_the_window_is_bit_exact(qtbot, tmp_path, optimizer):
    window = make_window(qtbot, optimizer=optimizer, lr=0.02 if optimizer != "sgd" else 0.1, batch_size=16)
    step(window, qtbot, times=7)
    assert window.file_actions.save_to(tmp_path / "run.npz")
    step(window, qtbot, times=4)  # training on after the save: the file must not follow
    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        assert window.file_actions.open_path(tmp_path / "run.npz")
    step(window, qtbot, times=9)
    straight = reference(window, 16)
    assert_same_weights(weights(window.trainer.net), weights(straight.net))
    assert window.trainer.history.batch_loss == straight.history.batch_loss


def test_play_after_opening_continues_exactly(qtbot, tmp_path):
    window = make_window(qtbot, batch_size=32, epochs=2)  # 25 batches an epoch
    step(window, qtbot, times=11)
    window.file_actions.save_to(tmp_path / "run.npz")
    window.reset()
    window.file_actions.open_path(tmp_path / "run.npz")
    with qtbot.waitSignal(window.session.run_ended, timeout=TIMEOUT):
        action(window, "play_pause").trigger()
    straight = reference(window, 0)
    list(straight.run())  # two epochs straight through
    assert window.trainer.epoch == 2 and window.trainer.steps == straight.steps == 50
    assert_same_weights(weights(window.trainer.net), weights(straight.net))
    assert window.trainer.history.epoch_test_loss == straight.history.epoch_test_loss


def test_saving_while_playing_keeps_playing_and_saves_a_consistent_state(qtbot, tmp_path):
    window = make_window(qtbot, epochs=100_000)
    action(window, "play_pause").trigger()
    qtbot.waitUntil(lambda: window.trainer.steps > 30, timeout=TIMEOUT)
    assert window.file_actions.save_to(tmp_path / "run.npz")
    assert window.playing
    qtbot.waitUntil(lambda: window.worker.running, timeout=TIMEOUT)
    with qtbot.waitSignal(window.worker.finished, timeout=TIMEOUT):
        action(window, "play_pause").trigger()
    net, extra = load_checkpoint(tmp_path / "run.npz")
    steps = extra["trainer"]["steps"]
    straight = reference(window, steps)
    assert_same_weights(weights(net), weights(straight.net))  # the weights belong to exactly that step
    resumed = resume(net, window.dataset(), extra)
    resumed.step()
    straight.step()
    assert_same_weights(weights(resumed.net), weights(straight.net))


def test_a_live_change_waiting_for_the_next_batch_is_saved(qtbot, tmp_path):
    window = make_window(qtbot)
    step(window, qtbot, times=2)
    window.controls.lr.setValue(0.004)
    window.controls.optimizer.setCurrentIndex(window.controls.optimizer.findData("sgd"))
    window.file_actions.save_to(tmp_path / "run.npz")
    net, extra = load_checkpoint(tmp_path / "run.npz")
    assert net.optimizer.name == "sgd"  # the swap waiting for the next batch was made first
    assert extra["trainer"]["pending"]["lr"] == pytest.approx(0.004)  # the new rate still waits, as it did
    assert extra["config"]["optimizer"] == "sgd" and extra["config"]["lr"] == pytest.approx(0.004)
    window.file_actions.open_path(tmp_path / "run.npz")
    assert window.controls.config().lr == pytest.approx(0.004)
    step(window, qtbot)
    assert window.trainer.net.lr == pytest.approx(0.004)


def test_saving_during_a_phase_walk_offers_to_finish_the_step(qtbot, tmp_path):
    window = make_window(qtbot)
    step(window, qtbot)
    with qtbot.waitSignal(window.session.phase_reached, timeout=TIMEOUT):
        action(window, "step_phase").trigger()
    assert not window.file_actions.save_to(tmp_path / "run.npz")
    assert not (tmp_path / "run.npz").exists() and "walked phase by phase" in window.notice.text()
    button = next(b for b in window.notice.findChildren(QPushButton) if b.text() == "Finish step and save")
    button.click()
    _, extra = load_checkpoint(tmp_path / "run.npz")
    assert extra["trainer"]["steps"] == 2


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


# -- recent files ----------------------------------------------------------------------------------
def test_recent_files_list_opens_and_forgets_missing_files(qtbot, tmp_path):
    window = make_window(qtbot)
    step(window, qtbot)
    for name in ("a.npz", "b.npz"):
        window.file_actions.save_to(tmp_path / name)
    assert recent_files() == [str(tmp_path / "b.npz"), str(tmp_path / "a.npz")]
    recent = window.findChild(QMenu, "recent_files")
    entries = [a for a in recent.actions() if a.objectName().startswith("recent_file_")]
    assert [a.text() for a in entries] == ["&1 b.npz", "&2 a.npz"]
    step(window, qtbot)
    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        entries[1].trigger()
    assert window.trainer.steps == 1 and recent_files()[0] == str(tmp_path / "a.npz")
    os.remove(tmp_path / "b.npz")
    entry = next(a for a in recent.actions() if a.data() == str(tmp_path / "b.npz"))
    generation = window.session.generation
    entry.trigger()
    assert window.session.generation == generation and "b.npz is no longer at" in window.notice.text()
    assert recent_files() == [str(tmp_path / "a.npz")]
    assert [a.data() for a in recent.actions() if a.objectName().startswith("recent_file_")] == [str(tmp_path / "a.npz")]
    for k in range(10):
        window.file_actions.save_to(tmp_path / f"r{k}.npz")
    assert len(recent_files()) == 8 and recent_files()[0].endswith("r9.npz")


# -- configuration files ---------------------------------------------------------------------------
def test_export_then_import_round_trips_the_configuration(qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot, dataset="circles", hidden=[5, 3, 4], activations=["relu", "sigmoid", "tanh"],
                         optimizer="momentum", momentum=0.7, lr=0.02, batch_size=8, epochs=12, l2=0.001, seed=42)
    shared = window.controls.config()
    path = tmp_path / "setup"
    answer_dialogs(monkeypatch, path)
    action(window, "export_config").trigger()
    text = (tmp_path / "setup.json").read_text()  # the suffix was added
    assert len(text) < 600 and json.loads(text)["hidden"] == [5, 3, 4]

    other = make_window(qtbot, dataset="xor")
    answer_dialogs(monkeypatch, tmp_path / "setup.json")
    with qtbot.waitSignal(other.network_reset, timeout=TIMEOUT):  # nothing trained yet: rebuilt at once
        action(other, "import_config").trigger()
    assert other.controls.config() == shared and other.session.config == shared
    assert other.network().sizes == [2, 5, 3, 4, 2] and other.dataset().name == "circles"


def test_importing_into_a_trained_network_waits_for_a_reset(qtbot, tmp_path):
    window = make_window(qtbot)
    step(window, qtbot, times=2)
    trainer = window.trainer
    config = window.controls.config()
    config.hidden, config.activations, config.lr = [3], ["relu"], 0.0123
    from engine.run_config import write_config
    from gui.checkpoint_contents import config_values

    write_config(tmp_path / "c.json", config_values(config))
    assert window.file_actions.import_config(tmp_path / "c.json")
    assert window.trainer is trainer and "Reset" in window.reset_notice.text()
    step(window, qtbot)
    assert trainer.net.lr == pytest.approx(0.0123)  # learning settings apply from the next batch


def test_a_bad_configuration_file_changes_nothing(qtbot, tmp_path):
    window = make_window(qtbot)
    before = window.controls.config()
    (tmp_path / "bad.json").write_text('{"format": "backprop-studio-config", "version": 1, "dataset": "spirals", '
                                       '"batch_size": 4096}')
    assert not window.file_actions.import_config(tmp_path / "bad.json")
    assert window.controls.config() == before
    assert 'bad.json: "batch_size" must be a whole number from 1 to 512' in window.notice.text()


def test_call_between_batches_runs_in_the_training_thread_while_playing(qtbot):
    window = make_window(qtbot, epochs=100_000)
    action(window, "play_pause").trigger()
    qtbot.waitUntil(lambda: window.trainer.steps > 5, timeout=TIMEOUT)
    window.session.pause()
    seen = window.worker.call_between_batches(lambda trainer: (trainer.steps, trainer is window.trainer))
    assert seen[1] and not window.worker.running
    with pytest.raises(ZeroDivisionError):
        window.worker.call_between_batches(lambda trainer: 1 / 0)


def test_a_failed_call_leaves_no_reference_cycle(qtbot):
    """An error's traceback holds the callers' frames, and so the window: were it part of a reference cycle,
    Python could free the window at any later moment, even while Qt paints it."""
    window = make_window(qtbot)
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        try:
            window.worker.call_between_batches(lambda trainer: 1 / 0)
        except ZeroDivisionError:
            pass
        gc.collect()
        cyclic_frames = [o.f_code.co_name for o in gc.garbage if isinstance(o, types.FrameType)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert cyclic_frames == []


def test_an_mnist_checkpoint_opened_while_mnist_loads_opens_when_it_is_there(qtbot, tmp_path, mnist_dir, monkeypatch):
    monkeypatch.setattr(main_window, "discover_mnist", lambda: (mnist_dir, None))
    window = MainWindow()
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.network() is not None, timeout=TIMEOUT)
    step(window, qtbot, times=2)
    assert window.file_actions.save_to(tmp_path / "digits.npz")
    saved = weights(window.trainer.net)

    other = MainWindow()  # reads MNIST in the background: the file waits for it
    qtbot.addWidget(other)
    assert other.datasets.loading == "mnist"
    assert not other.file_actions.open_path(tmp_path / "digits.npz")
    assert "to open digits.npz" in other.status.currentMessage()
    qtbot.waitUntil(lambda: other.trainer is not None and other.trainer.steps == 2, timeout=TIMEOUT)
    assert other.dataset().name == "mnist" and other.windowTitle().startswith("digits.npz")
    assert_same_weights(weights(other.network()), saved)
    step(other, qtbot)
    straight = reference(window, 3)
    assert_same_weights(weights(other.trainer.net), weights(straight.net))


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
    assert len(asked) == 1 and not window.isVisible() and window.worker.thread().isFinished()
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
