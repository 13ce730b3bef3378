"""Nothing lost on Reset and Save: a file belongs to its network, Reset asks, Edit ▸ Undo reset brings a network back."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QMessageBox, QToolButton

from engine.files.checkpoint import load_checkpoint
from engine.training_config import build
from tests.gui.checkpoint_helpers import (
    answer_dialogs,
    answer_questions,
    assert_same_weights,
    make_window,
    reference,
    weights,
)
from tests.gui.window_helpers import TIMEOUT, action, phase, step

BUTTONS = QMessageBox.StandardButton


def optimizer_state(net):
    """The optimiser's step count and moments, copied."""
    return {k: v.copy() for k, v in net.optimizer.state_arrays(net.params()).items()}


def assert_same_state(a, b):
    assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def history(trainer):
    return {k: list(v) for k, v in vars(trainer.history).items()}


def ctrl(qtbot, widget, key):
    """Press Ctrl+``key`` with the focus on ``widget``, as a person does."""
    widget.setFocus()
    assert widget.hasFocus()
    qtbot.keyClick(widget, key, Qt.KeyboardModifier.ControlModifier)


@pytest.fixture
def window(qtbot):
    """A window on the spirals with Adam (it has state), 25 batches of 32 an epoch, active for its shortcuts."""
    w = make_window(qtbot, optimizer="adam", batch_size=32, epochs=10)
    w.activateWindow()
    qtbot.waitActive(w)
    return w


# -- a file belongs to its network --------------------------------------------------------------------
def test_saving_after_a_reset_never_overwrites_the_file_of_the_network_before(window, qtbot, tmp_path, monkeypatch):
    a = tmp_path / "a.npz"
    step(window, qtbot, times=30)
    calls = answer_dialogs(monkeypatch, a)
    action(window, "save_checkpoint").trigger()
    saved = a.read_bytes()
    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        action(window, "open_checkpoint").trigger()
    assert window.windowTitle().startswith("a.npz[*] — ")
    asked = answer_questions(monkeypatch, BUTTONS.Cancel)
    qtbot.mouseClick(window.controls.architecture.add_button, Qt.MouseButton.LeftButton)  # another architecture
    assert window.trainer.steps == 30 and "Reset" in window.reset_notice.text()
    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        action(window, "reset").trigger()
    assert asked == []  # nothing trained since a.npz was opened: nothing to ask
    assert window.network().sizes == [2, 8, 8, 8, 2] and window.trainer.steps == 0  # three hidden layers now
    assert window.windowTitle().startswith("Untitled[*] — ") and window.file_actions.path is None
    step(window, qtbot, times=3)

    window.close()  # Cancel: the question names what is really unsaved
    assert window.isVisible() and asked == [
        "Save the network trained since Reset?\n\nThe network trained since Reset (3 batches) is not saved: a.npz "
        "holds another network, not this one. Without saving, that training is lost."]

    b = tmp_path / "b.npz"
    calls = answer_dialogs(monkeypatch, b)
    ctrl(qtbot, window.network_view, Qt.Key.Key_S)
    assert [c[:2] for c in calls] == [("save", "Save checkpoint")]  # asked where, as Save As
    assert calls[0][2].endswith("spirals-2-8-8-8-2.npz")  # suggests a name of its own, not a.npz
    assert a.read_bytes() == saved and b.exists()
    assert window.windowTitle().startswith("b.npz[*] — ") and not window.isWindowModified()


def test_the_close_question_says_since_when_the_file_lacks_the_training(window, qtbot, tmp_path, monkeypatch):
    step(window, qtbot, times=2)
    window.file_actions.save_to(tmp_path / "run.npz")
    step(window, qtbot, times=2)
    asked = answer_questions(monkeypatch, BUTTONS.Cancel)
    window.close()
    assert asked[-1] == ("Save changes to run.npz?\n\nThe network has trained 2 batches since run.npz was saved. "
                         "Without saving, that training is lost.")
    assert not window.file_actions.open_recent(str(tmp_path / "run.npz"))  # asks first: Cancel opens nothing
    assert len(asked) == 2 and window.trainer.steps == 4

    other = make_window(qtbot)  # a window that only opened the file
    assert other.file_actions.open_recent(str(tmp_path / "run.npz"))
    step(other, qtbot)
    other.close()
    assert "The network has trained 1 batch since run.npz was opened." in asked[-1] and other.isVisible()
    answer_questions(monkeypatch, BUTTONS.Discard)


# -- Reset asks -----------------------------------------------------------------------------------------
def test_reset_with_unsaved_training_asks_and_cancel_keeps_the_network(window, qtbot, tmp_path, monkeypatch):
    step(window, qtbot, times=3)
    trainer, before = window.trainer, weights(window.trainer.net)
    asked = answer_questions(monkeypatch, BUTTONS.Cancel)
    action(window, "reset").trigger()
    assert asked == ["Save the trained network before reset?\n\nThe network has trained 3 batches and is not saved in "
                     "any file. Reset puts another network in its place; Edit ▸ Undo reset brings this one back "
                     "until the next reset."]
    assert window.trainer is trainer and window.trainer.steps == 3
    assert_same_weights(weights(window.trainer.net), before)

    asked = answer_questions(monkeypatch, BUTTONS.Save)
    calls = answer_dialogs(monkeypatch, "")  # Save asks where; the dialog is cancelled: nothing happens
    action(window, "reset").trigger()
    assert len(asked) == 1 and len(calls) == 1 and window.trainer is trainer

    calls = answer_dialogs(monkeypatch, tmp_path / "kept.npz")  # Save, then the reset
    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        action(window, "reset").trigger()
    assert window.trainer is not trainer and window.trainer.steps == 0
    assert load_checkpoint(tmp_path / "kept.npz")[1]["trainer"]["steps"] == 3
    assert window.windowTitle().startswith("Untitled")  # the file belongs to the network Reset replaced

    step(window, qtbot)
    asked = answer_questions(monkeypatch, BUTTONS.Discard)
    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        action(window, "reset").trigger()
    assert len(asked) == 1 and window.trainer.steps == 0


def test_cancel_while_playing_keeps_playing_the_same_network(window, qtbot, monkeypatch):
    window.controls.epochs.setValue(window.controls.epochs.maximum())
    action(window, "play_pause").trigger()
    qtbot.waitUntil(lambda: window.trainer.steps > 5, timeout=TIMEOUT)
    trainer, asked = window.trainer, []

    def question(parent, title, text, buttons, default):
        asked.append((text, trainer.steps, window.worker.running))
        return BUTTONS.Cancel
    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    action(window, "reset").trigger()
    (text, steps, running), = asked
    assert f"has trained {steps:,} batches" in text and not running  # paused: it counts what Save would write
    assert window.playing and window.trainer is trainer  # then it goes on
    qtbot.waitUntil(lambda: trainer.steps > steps, timeout=TIMEOUT)


def test_reset_never_asks_when_nothing_would_be_lost(window, qtbot, tmp_path, monkeypatch):
    asked = answer_questions(monkeypatch, BUTTONS.Cancel)
    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        action(window, "reset").trigger()  # nothing trained at all
    step(window, qtbot, times=2)
    window.file_actions.save_to(tmp_path / "run.npz")
    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        action(window, "reset").trigger()  # nothing trained since the save
    assert asked == []


def test_a_failed_save_keeps_the_network(window, qtbot, tmp_path, monkeypatch):
    step(window, qtbot)
    window.file_actions.save_to(tmp_path / "run.npz")
    step(window, qtbot)
    phase(window, qtbot)  # half way through a step: a checkpoint cannot hold it
    trainer = window.trainer
    asked = answer_questions(monkeypatch, BUTTONS.Save)
    action(window, "reset").trigger()
    assert len(asked) == 1 and asked[0].startswith("Save changes to run.npz before reset?")
    assert window.trainer is trainer and "walked phase by phase" in window.notice.text()


def test_a_step_walked_phase_by_phase_comes_back_whole(window, qtbot, monkeypatch):
    step(window, qtbot, times=2)
    for _ in range(3):
        phase(window, qtbot)  # forward, forward, forward: half way through step 3
    answer_questions(monkeypatch, BUTTONS.Discard)
    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        action(window, "reset").trigger()
    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        action(window, "undo_reset").trigger()
    assert window.trainer.steps == 3 and not window.walkthrough.record.active
    assert_same_weights(weights(window.trainer.net), weights(reference(window, 3).net))


# -- Edit ▸ Undo reset -------------------------------------------------------------------------------
def test_the_edit_menu_sits_between_file_and_view(window):
    titles = [a.menu().objectName() for a in window.menuBar().actions()]
    assert titles[:3] == ["file_menu", "edit_menu", "view_menu"] and titles[-1] == "help_menu"
    edit = window.menuBar().findChild(QMenu, "edit_menu") or window.findChild(QMenu, "edit_menu")
    undo, redo = action(window, "undo_reset"), action(window, "redo_reset")
    assert undo in edit.actions() and redo in edit.actions()
    assert not undo.isEnabled() and not redo.isEnabled()  # nothing reset yet
    assert "Only the last reset can be undone." in undo.toolTip() and "(Ctrl+Z)" in undo.toolTip()


def test_undo_reset_brings_the_network_back_bit_for_bit(window, qtbot, tmp_path, monkeypatch):
    config = window.session.config.copy()
    step(window, qtbot, times=30)  # an epoch and 5 batches: epoch points and a batch curve
    window.controls.lr.setValue(0.004)  # waits for the next batch: it comes back waiting
    window.file_actions.save_to(tmp_path / "run.npz")
    step(window, qtbot, times=2)
    net = window.trainer.net
    before = dict(weights=weights(net), optimizer=optimizer_state(net), history=history(window.trainer),
                  config=window.controls.config(), title=window.windowTitle(),
                  plot=(window.loss_plot.batch.y.copy(), window.loss_plot.epoch_test.y.copy()))
    answer_questions(monkeypatch, BUTTONS.Discard)
    window.controls.seed.setValue(7)
    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        action(window, "reset").trigger()
    step(window, qtbot, times=4)  # the new network trains: Undo keeps it for Redo
    after_reset = weights(window.trainer.net)
    undo = action(window, "undo_reset")
    assert undo.isEnabled() and "Kept: 2 → 8 → 8 → 2 on Two spirals, 32 batches trained, run.npz." in undo.toolTip()

    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        ctrl(qtbot, window.network_view, Qt.Key.Key_Z)  # Ctrl+Z outside the draw pad
    net = window.trainer.net
    assert_same_weights(weights(net), before["weights"])
    assert_same_weights(weights(window.network()), before["weights"])  # the views' copy too
    assert_same_state(optimizer_state(net), before["optimizer"])
    assert history(window.trainer) == before["history"]
    assert window.controls.config() == before["config"] and window.session.config == before["config"]
    assert window.windowTitle() == before["title"] and window.isWindowModified()
    assert np.array_equal(window.loss_plot.batch.y, before["plot"][0])
    assert np.array_equal(window.loss_plot.epoch_test.y, before["plot"][1])
    assert window.status.progress_label.text() == "epoch 2/10 · batch 7/25 · 1,024 samples trained · reset undone"
    assert not window.reset_notice.isVisible()
    assert not undo.isEnabled() and action(window, "redo_reset").isEnabled()

    step(window, qtbot, times=3)  # training goes on exactly as if there had been no reset
    assert net.lr == pytest.approx(0.004)
    _, straight = build(config, window.dataset())
    for k in range(35):
        if k == 30:
            straight.set_hyperparameters(lr=0.004)
        straight.step()
    assert_same_weights(weights(net), weights(straight.net))
    assert_same_state(optimizer_state(net), optimizer_state(straight.net))

    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        action(window, "redo_reset").trigger()  # back to the network trained after the reset
    assert window.trainer.steps == 4 and window.windowTitle().startswith("Untitled")
    assert_same_weights(weights(window.trainer.net), after_reset)
    assert window.controls.config().seed == 7 and undo.isEnabled()


def test_ctrl_z_undoes_a_stroke_in_the_draw_pad_and_the_reset_elsewhere(window, qtbot, monkeypatch):
    step(window, qtbot, times=2)
    answer_questions(monkeypatch, BUTTONS.Discard)
    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        action(window, "reset").trigger()
    pad = window.digit_panel.draw_pad
    pad.draw_strokes([np.array([[100.0, 60.0], [100.0, 220.0]]), np.array([[60.0, 140.0], [220.0, 140.0]])])
    generation = window.session.generation
    ctrl(qtbot, pad, Qt.Key.Key_Z)
    assert len(pad.strokes()) == 1 and window.session.generation == generation  # a stroke, not the reset
    ctrl(qtbot, window.digit_panel.findChild(QToolButton), Qt.Key.Key_Z)  # anywhere in the pad's panel
    assert pad.is_empty() and window.session.generation == generation
    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        ctrl(qtbot, window.network_view, Qt.Key.Key_Z)
    assert window.trainer.steps == 2 and pad.is_empty()
    ctrl(qtbot, window.network_view, Qt.Key.Key_Z)  # nothing left to undo: nothing happens
    assert window.trainer.steps == 2


def test_undo_brings_back_the_network_an_opened_file_replaced(window, qtbot, tmp_path, monkeypatch):
    step(window, qtbot, times=2)
    window.file_actions.save_to(tmp_path / "run.npz")
    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        action(window, "reset").trigger()
    step(window, qtbot, times=5)
    trained = weights(window.trainer.net)
    asked = answer_questions(monkeypatch, BUTTONS.Discard)
    assert window.file_actions.open_recent(str(tmp_path / "run.npz"))
    assert len(asked) == 1 and window.trainer.steps == 2
    undo = action(window, "undo_reset")
    assert undo.text() == "&Undo open"
    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        undo.trigger()
    assert window.trainer.steps == 5 and window.windowTitle().startswith("Untitled")
    assert_same_weights(weights(window.trainer.net), trained)
