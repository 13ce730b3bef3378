"""Training a person can watch: the speed control paces batches, Step back undoes them bit for bit."""

import time

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QSpinBox

from tests.gui.gui_thread import wait_signal_in_gui_thread
from tests.gui.window_helpers import TIMEOUT, action, make_window, phase, step

WINDOW = 3.0  # seconds over which a paced rate is measured


def speed_box(window):
    box = window.findChild(QSpinBox, "training_speed")
    assert box is not None
    return box


def optimiser_state(window):
    """The trainer's optimiser step count and moments (read between batches, while paused)."""
    net = window.worker.call_between_batches(lambda trainer: trainer.net)
    params = [layer.W for layer in net.layers] + [layer.b for layer in net.layers]
    return window.worker.call_between_batches(lambda trainer: net.optimizer.state_arrays(params))


def trainer_weights(window):
    return window.worker.call_between_batches(lambda trainer: trainer.net.weights())


def test_five_batches_a_second_trains_five_batches_a_second(qtbot):
    window = make_window(qtbot, "spirals")
    speed_box(window).setValue(5)
    assert window.session.speed == 5
    steps = []
    window.session.updated.connect(lambda update: steps.append((time.perf_counter(), update.batch.step)))
    action(window, "play_pause").trigger()
    qtbot.waitUntil(lambda: len(steps) >= 2, timeout=TIMEOUT)  # the run is under way
    first = steps[-1]
    qtbot.wait(round(WINDOW * 1000))
    action(window, "play_pause").trigger()
    last = steps[-1]
    rate = (last[1] - first[1]) / (last[0] - first[0])
    # A loaded machine may fall behind the pace (slower), never ahead of it.
    assert 2.0 <= rate <= 6.5, rate
    # Every batch reached the views: one update each.
    seen = [s for _, s in steps]
    assert seen == list(range(seen[0], seen[-1] + 1))


def test_full_speed_and_pause_are_not_paced(qtbot):
    window = make_window(qtbot, "spirals")
    box = speed_box(window)
    box.setValue(1)
    with qtbot.waitSignal(window.session.updated, timeout=TIMEOUT):
        action(window, "play_pause").trigger()
    with wait_signal_in_gui_thread(qtbot, window.worker.finished, timeout=TIMEOUT):  # a pause ends the wait at once
        action(window, "play_pause").trigger()
    box.setValue(0)
    assert box.text() == "Full speed"
    with wait_signal_in_gui_thread(qtbot, window.worker.finished, timeout=60_000) as finished:
        action(window, "play_pause").trigger()
    assert finished.args[1].reason == "completed"  # 100 epochs: 5,000 batches, at 1 a second ~80 min


def test_brackets_step_the_speed_and_it_is_remembered(qtbot):
    window = make_window(qtbot, "spirals")
    box = speed_box(window)
    assert box.value() == 0
    action(window, "slower").trigger()
    assert box.value() == 100 and window.session.speed == 100
    for _ in range(10):
        action(window, "slower").trigger()
    assert box.value() == 1
    action(window, "faster").trigger()
    action(window, "faster").trigger()
    assert box.value() == 5
    window.close()
    again = make_window(qtbot, "spirals")
    assert speed_box(again).value() == 5 and again.session.speed == 5


def test_three_steps_back_give_the_weights_and_optimiser_after_reset_bit_for_bit(qtbot):
    window = make_window(qtbot, "spirals")
    back = action(window, "step_back")
    assert not back.isEnabled()  # nothing to go back to
    fresh_weights, fresh_state = trainer_weights(window), optimiser_state(window)
    step(window, qtbot, 3)
    assert back.isEnabled()
    after_three = trainer_weights(window)
    assert not np.array_equal(after_three[0][0], fresh_weights[0][0])
    for _ in range(3):
        with qtbot.waitSignal(window.session.stepped_back, timeout=TIMEOUT):
            back.trigger()
    weights, state = trainer_weights(window), optimiser_state(window)
    for (W, b), (W0, b0) in zip(weights, fresh_weights):
        assert np.array_equal(W, W0) and np.array_equal(b, b0)
    assert state.keys() == fresh_state.keys()
    for key in state:
        assert np.array_equal(state[key], fresh_state[key]), key
    assert not back.isEnabled()
    for (W, b), (W0, b0) in zip(window.network().weights(), fresh_weights):  # the views' copy too
        assert np.array_equal(W, W0) and np.array_equal(b, b0)
    assert window.status.progress_label.text().endswith("not trained yet")
    assert len(window.loss_plot.batch) == 0
    step(window, qtbot, 3)  # the same three batches again: the same weights
    for (W, b), (W1, b1) in zip(trainer_weights(window), after_three):
        assert np.array_equal(W, W1) and np.array_equal(b, b1)


def test_step_back_in_a_walked_batch_goes_back_one_phase(qtbot):
    window = make_window(qtbot, "spirals")
    back = action(window, "step_back")
    steps = [phase(window, qtbot) for _ in range(3)]  # the very first batch: no batch to go back to, but phases
    assert [s.index for s in steps] == [0, 1, 2] and back.isEnabled()
    with qtbot.waitSignal(window.session.phase_reached, timeout=TIMEOUT) as reached:
        back.trigger()
    qtbot.waitUntil(lambda: window.walkthrough.record.current.index == 1, timeout=TIMEOUT)
    assert reached.args[0].step == 1
    assert phase(window, qtbot).index == 2  # and on again from there
    for _ in range(3):  # back to before the walk: nothing walked, nothing trained
        back.trigger()
    qtbot.waitUntil(lambda: window.walkthrough.record.current is None, timeout=TIMEOUT)
    assert not back.isEnabled() and window.worker.call_between_batches(lambda trainer: trainer.steps) == 0


def test_status_speaks_of_speed_only_while_training_runs(qtbot):
    window = make_window(qtbot, "spirals", epochs=1000)  # still running when paused
    label = window.status.progress_label
    with qtbot.waitSignal(window.session.updated, timeout=TIMEOUT):
        action(window, "play_pause").trigger()
    qtbot.waitUntil(lambda: "samples/s" in label.text(), timeout=TIMEOUT)
    with wait_signal_in_gui_thread(qtbot, window.worker.finished, timeout=TIMEOUT):
        action(window, "play_pause").trigger()
    qtbot.waitUntil(lambda: "samples/s" not in label.text() and "ETA" not in label.text(), timeout=TIMEOUT)
    assert label.text().endswith("paused")


def test_batch_count_follows_the_batch_size_at_once(qtbot):
    window = make_window(qtbot, "spirals", batch_size=16)  # 800 points: 50 batches an epoch
    step(window, qtbot, 2)
    assert "batch 2/50" in window.status.progress_label.text()
    window.controls.batch_size.setValue(32)  # 2 done (32 samples), 768 left: 24 more batches
    assert "batch 2/26" in window.status.progress_label.text()


def test_timeline_wording_follows_play_and_pause(qtbot):
    window = make_window(qtbot, "spirals", epochs=1000)  # still running when paused
    step(window, qtbot, 3)
    bar = window.walkthrough.timeline
    bar.show_index(0)
    assert "training is paused" in bar.label.text()
    with qtbot.waitSignal(window.session.playing_changed, timeout=TIMEOUT):
        action(window, "play_pause").trigger()
    assert "training goes on" in bar.label.text()
    action(window, "play_pause").trigger()
    assert "training is paused" in bar.label.text()


def test_a_pending_dataset_change_shows_the_network_it_will_build(qtbot):
    window = make_window(qtbot, "spirals")
    step(window, qtbot, 1)  # trained: a dataset change waits for Reset
    window.controls.dataset.setCurrentIndex(window.controls.dataset.findData("circles"))
    assert window.session.config.dataset == "spirals"  # not rebuilt yet
    summary = window.controls.architecture.summary_label.text()
    assert summary.startswith("2 → 8 → 8 → 2 ·"), summary


def test_space_plays_while_a_number_field_has_focus_and_esc_leaves_it(qtbot):
    window = make_window(qtbot, "spirals")
    window.activateWindow()
    field = window.controls.lr
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=TIMEOUT)
    with qtbot.waitSignal(window.session.playing_changed, timeout=TIMEOUT):
        qtbot.keyClick(field, Qt.Key.Key_Space)
    assert window.session.playing
    with qtbot.waitSignal(window.session.playing_changed, timeout=TIMEOUT):
        qtbot.keyClick(field, Qt.Key.Key_Space)
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert not field.hasFocus()


def test_step_back_after_a_full_speed_run_is_one_batch_exactly(qtbot):
    window = make_window(qtbot, "spirals", epochs=1000)  # 50,000 batches: still running when paused
    latest = []
    window.session.updated.connect(lambda update: latest.append(update.batch.step))
    action(window, "play_pause").trigger()
    qtbot.waitUntil(lambda: bool(latest) and latest[-1] >= 200, timeout=TIMEOUT)  # states kept only now and then
    with wait_signal_in_gui_thread(qtbot, window.worker.finished, timeout=TIMEOUT):
        action(window, "play_pause").trigger()
    steps = window.worker.call_between_batches(lambda trainer: trainer.steps)
    weights = trainer_weights(window)
    backs = []
    window.session.stepped_back.connect(backs.append)
    # SteppedBack comes first, then the update that shows where training stands: the status follows that one.
    with qtbot.waitSignal(window.session.updated, timeout=TIMEOUT,
                          check_params_cb=lambda update: update.batch.step == steps - 1):
        action(window, "step_back").trigger()
    assert [back.step for back in backs] == [steps - 1]
    assert f"batch {(steps - 1) % 50 or 50}/50" in window.status.progress_label.text()
    step(window, qtbot)  # the same batch again: the same weights
    for (W, b), (W1, b1) in zip(trainer_weights(window), weights):
        assert np.array_equal(W, W1) and np.array_equal(b, b1)


def test_an_opened_checkpoint_is_not_called_untrained_beside_its_curves(qtbot, tmp_path, discard_on_close):
    window = make_window(qtbot, "spirals")
    step(window, qtbot, 3)
    path = str(tmp_path / "three.npz")
    assert window.file_actions.save_to(path)
    again = make_window(qtbot, "spirals")
    assert again.file_actions.open_path(path)
    text = again.walkthrough.timeline.label.text()
    assert "no training yet" not in text and "3 batches" in text
    assert len(again.loss_plot.batch) == 3


def test_help_lists_the_speed_and_step_back_keys(qtbot):
    window = make_window(qtbot, "spirals")
    action(window, "show_shortcuts").trigger()
    rows = {(keys, name) for _, keys, name, _ in window.help_menu.shortcuts_dialog.rows()}

    def native(keys):
        return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)

    assert {(native("["), "Slower"), (native("]"), "Faster"), (native("Left"), "Step back")} <= rows
