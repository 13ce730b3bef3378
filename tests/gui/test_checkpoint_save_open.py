"""The File menu through its real QActions: save and open, recent files, configuration files."""

import json
import os

import numpy as np
import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu, QPushButton

from engine.files.checkpoint import load_checkpoint
from engine.run_config import MAX_HIDDEN, MAX_NEURONS, NUMBERS
from gui.common.settings import recent_files
from gui.training.architecture_editor import MAX_HIDDEN as EDITOR_MAX_HIDDEN
from gui.training.architecture_editor import MAX_NEURONS as EDITOR_MAX_NEURONS
from tests.gui.checkpoint_helpers import answer_dialogs, assert_same_weights, make_window, weights
from tests.gui.window_helpers import TIMEOUT, action, step

pytestmark = pytest.mark.usefixtures("discard_on_close")  # windows closed after training their file lacks


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
    from gui.files.checkpoint_contents import config_values

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


