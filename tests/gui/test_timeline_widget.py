"""The timeline in the window: snapshots as training goes, scrubbing shows them, training is undisturbed."""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QPushButton, QSlider

from engine.timeline import Snapshot
from engine.training_config import build
from gui.shell.main_window import MainWindow
from gui.walkthrough.timeline import moment_text

TIMEOUT = 10_000  # ms


def make_window(qtbot):
    window = MainWindow(dataset="circles")
    qtbot.addWidget(window)
    window.show()
    return window


def step(window, qtbot, times=1):
    for _ in range(times):
        with qtbot.waitSignal(window.weights_updated, timeout=TIMEOUT):
            window.findChild(QAction, "step_batch").trigger()


def parts(window):
    return (window.findChild(QSlider, "timeline_slider"), window.findChild(QLabel, "timeline_label"),
            window.findChild(QPushButton, "timeline_live"))


def same_weights(a, b):
    return all(np.array_equal(Wa, Wb) and np.array_equal(ba, bb) for (Wa, ba), (Wb, bb) in zip(a, b))


def test_every_step_leaves_a_snapshot_and_the_slider_follows_live(qtbot):
    window = make_window(qtbot)
    slider, label, live = parts(window)
    assert not slider.isEnabled() and "no training yet" in label.text()
    kept = []
    for _ in range(4):
        step(window, qtbot)
        kept.append(window.network().weights())
    timeline = window.walkthrough.timeline.timeline
    assert [s.step for s in timeline] == [1, 2, 3, 4]
    assert all(same_weights(s.weights, w) for s, w in zip(timeline, kept))
    assert slider.isEnabled() and slider.maximum() == 4 and slider.value() == 4  # the right end is live
    assert label.text() == moment_text(timeline[3], live=True) and label.text().startswith("live · batch 4 · epoch 1")
    assert not live.isEnabled()


def test_scrubbing_shows_the_stored_moment_in_the_view_and_the_loss_plot(qtbot):
    window = make_window(qtbot)
    step(window, qtbot, 5)
    slider, label, live = parts(window)
    view, plot = window.network_view, window.loss_plot
    slider.setFocus()
    for _ in range(3):  # the keyboard moves the slider, as a person would
        qtbot.keyClick(slider, Qt.Key.Key_Left)
    shown = window.walkthrough.timeline.timeline[2]
    assert slider.value() == 2 and shown.step == 3
    assert same_weights(view.snapshot().weights, shown.weights)
    assert all(np.array_equal(g, s) for (g, _), (s, _) in zip(view.snapshot().gradients, shown.gradients))
    assert plot.moment == shown.epoch_x and shown.epoch_x == 3 * 16 / 800  # 3 batches of 16 of 800 samples
    assert label.text().startswith(f"batch 3 · epoch 1 · loss {moment_text(shown).split('loss ')[1]}")
    assert live.isEnabled()
    badge = view.findChild(QLabel, "past_moment_badge")  # over the view: this is the past
    assert badge.isVisible() and "batch 3 ·" in badge.text()
    qtbot.mouseClick(live, Qt.MouseButton.LeftButton)
    assert slider.value() == slider.maximum() and plot.moment is None and not badge.isVisible()
    assert same_weights(view.snapshot().weights, window.network().weights())


def test_training_goes_on_underneath_a_scrubbed_view(qtbot):
    window = make_window(qtbot)
    step(window, qtbot, 3)
    slider, label, live = parts(window)
    slider.setValue(0)
    shown = window.walkthrough.timeline.timeline[0]
    step(window, qtbot, 4)  # while the past is shown
    qtbot.wait(250)  # give the view feed every chance to overwrite the view (it must not)
    assert window.trainer.steps == 7 and len(window.loss_plot.batch) == 7
    assert same_weights(view_weights(window), shown.weights) and slider.value() == 0
    assert label.text().startswith("batch 1 ·") and window.loss_plot.moment == shown.epoch_x
    net, trainer = build(window.session.config, window.dataset())  # the same 7 batches, headless
    for _ in range(7):
        trainer.step()
    assert same_weights(window.network().weights(), net.weights())
    assert slider.maximum() == 7
    qtbot.mouseClick(live, Qt.MouseButton.LeftButton)
    assert same_weights(view_weights(window), window.network().weights())
    step(window, qtbot)  # live again: the view follows training
    qtbot.waitUntil(lambda: same_weights(view_weights(window), window.network().weights()), timeout=TIMEOUT)


def view_weights(window):
    return window.network_view.snapshot().weights


def test_playing_while_scrubbed_keeps_the_moment_and_reset_goes_live(qtbot, discard_unsaved):
    window = make_window(qtbot)
    step(window, qtbot, 2)
    slider, label, live = parts(window)
    slider.setValue(1)
    shown = window.walkthrough.timeline.timeline[1]
    # Enough epochs that the run is still going when the pause comes (100 epochs of circles end in ~1.5 s,
    # which a loaded machine can spend before the test looks again).
    window.controls.epochs.setValue(window.controls.epochs.maximum())
    play = window.findChild(QAction, "play_pause")
    play.trigger()
    qtbot.waitUntil(lambda: window.trainer.steps > 60, timeout=TIMEOUT)
    play.trigger()
    qtbot.waitUntil(lambda: not window.worker.busy, timeout=TIMEOUT)
    assert same_weights(view_weights(window), shown.weights) and window.walkthrough.timeline.shown is shown
    assert len(window.walkthrough.timeline.timeline) <= 200
    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        window.findChild(QAction, "reset").trigger()
    assert window.walkthrough.timeline.live and len(window.walkthrough.timeline.timeline) == 0
    assert window.loss_plot.moment is None and not slider.isEnabled()
    assert same_weights(view_weights(window), window.network().weights())


def test_step_phase_returns_to_live(qtbot):
    window = make_window(qtbot)
    step(window, qtbot, 2)
    slider, _, _ = parts(window)
    slider.setValue(0)
    with qtbot.waitSignal(window.session.phase_reached, timeout=TIMEOUT):
        window.findChild(QAction, "step_phase").trigger()
    assert window.walkthrough.timeline.live and window.loss_plot.moment is None
    assert same_weights(view_weights(window), window.network().weights())  # the batch starts from the present


def test_moment_text_reads_like_the_brief():
    W, b = np.zeros((2, 2)), np.zeros((2, 1))
    snap = Snapshot(step=1234, epoch=2, epoch_x=2.5, loss=0.2134, weights=[(W, b)], test_accuracy=0.9123)
    assert moment_text(snap) == "batch 1,234 · epoch 3 · loss 0.213 · test accuracy 91.2 %"


def test_the_live_label_tells_the_test_accuracy_of_the_epoch_just_ended(qtbot):
    window = make_window(qtbot)
    _, label, _ = parts(window)
    epochs = []
    window.session.epoch_finished.connect(epochs.append)
    batches = window.trainer.n_batches
    step(window, qtbot, batches)  # the first epoch's last batch: its end follows that batch's update
    qtbot.waitUntil(lambda: len(epochs) == 1, timeout=TIMEOUT)
    accuracy = moment_text(Snapshot(1, 0, 1.0, 0.1, [], test_accuracy=epochs[0].test_accuracy)).split(" · ")[-1]
    assert label.text().startswith(f"live · batch {batches:,} · epoch 1") and label.text().endswith(accuracy)
    assert window.walkthrough.timeline.timeline.latest.test_accuracy is None  # unknown when that batch ended
