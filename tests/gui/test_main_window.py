"""MainWindow driven through its real QActions and controls: train, pause, step, reset, change, close."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QPushButton,
    QToolButton,
)

import gui.shell.main_window as main_window
from engine.activations import Tanh
from engine.optimizers import Momentum
from engine.training_config import build, defaults_for
from gui.shell.main_window import MainWindow
from tests.gui.window_helpers import TIMEOUT, action, make_window, step


def type_into(qtbot, spin, text):
    """Select all in a spin box, type ``text`` and press Enter, as a person would."""
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), text)
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)


def test_actions_have_names_shortcuts_and_tooltips(qtbot):
    window = make_window(qtbot)
    expected = {"play_pause": "Space", "step_batch": "Right", "step_phase": "Shift+Right", "reset": "Ctrl+R"}
    for name, keys in expected.items():
        act = action(window, name)
        assert act.shortcut() == QKeySequence(keys) and act.toolTip()
    # (step_phase's enabled state belongs to the walkthrough's tests)
    assert all(action(window, n).isEnabled() for n in ("play_pause", "step_batch", "reset"))


def test_every_control_explains_itself_in_a_tooltip(qtbot):
    window = make_window(qtbot)
    kinds = (QComboBox, QAbstractSpinBox, QAbstractButton)
    controls = [w for kind in kinds for w in window.controls.findChildren(kind)]
    assert len(controls) >= 12
    missing = [w.objectName() or type(w).__name__ for w in controls if not w.toolTip().strip()]
    assert missing == []


def test_without_mnist_it_opens_on_a_builtin_set_and_says_so(qtbot, monkeypatch):
    monkeypatch.setattr(main_window, "discover_mnist", lambda: (None, None))
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.dataset() is not None and not window.dataset().is_image
    assert window.notice.isVisible() and "MNIST was not found" in window.notice.text()
    assert window.controls.dataset.findData("mnist") == -1
    assert window.network().sizes == [2, 8, 8, window.dataset().n_classes]


def test_with_mnist_it_opens_on_the_seed_network(qtbot, mnist_subset_dir, monkeypatch):
    monkeypatch.setattr(main_window, "discover_mnist", lambda: (mnist_subset_dir, None))
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.network() is not None, timeout=TIMEOUT)
    assert window.dataset().name == "mnist"
    assert window.network().sizes == [784, 16, 16, 10]
    assert not window.notice.isVisible()
    step(window, qtbot)
    assert window.trainer.steps == 1


def test_play_trains_and_pause_stops_within_one_batch(qtbot):
    window = make_window(qtbot, epochs=100_000)
    trainer = window.trainer
    with qtbot.waitSignal(window.weights_updated, timeout=TIMEOUT):
        action(window, "play_pause").trigger()
    assert window.playing and action(window, "play_pause").text() == "Pause"
    qtbot.waitUntil(lambda: trainer.steps > 100, timeout=TIMEOUT)
    asked_at = trainer.steps
    action(window, "play_pause").trigger()
    qtbot.waitUntil(lambda: not window.worker.busy, timeout=TIMEOUT)
    assert trainer.steps <= asked_at + 1
    stopped_at = trainer.steps
    qtbot.wait(150)
    assert trainer.steps == stopped_at and not window.playing
    assert action(window, "play_pause").text() == "Play"
    assert len(window.loss_plot.batch) > 0
    assert window.status.progress_label.text().startswith("epoch ")


def test_step_batch_trains_exactly_one_batch_and_updates_the_views(qtbot):
    window = make_window(qtbot)
    step(window, qtbot)
    assert window.trainer.steps == 1 and len(window.loss_plot.batch) == 1
    step(window, qtbot, times=2)
    assert window.trainer.steps == 3 and len(window.loss_plot.batch) == 3
    qtbot.waitUntil(lambda: "batch 3/" in window.status.progress_label.text(), timeout=TIMEOUT)
    # The window's copy of the network carries the trained weights (the trainer is idle now).
    for (W, b), layer in zip(window.network().weights(), window.trainer.net.layers):
        np.testing.assert_array_equal(W, layer.W)
        np.testing.assert_array_equal(b, layer.b)


def test_step_while_playing_pauses_then_steps(qtbot):
    window = make_window(qtbot, epochs=100_000)
    action(window, "play_pause").trigger()
    qtbot.waitUntil(lambda: window.trainer.steps > 20, timeout=TIMEOUT)
    action(window, "step_batch").trigger()
    assert not window.playing
    qtbot.waitUntil(lambda: not window.worker.busy, timeout=TIMEOUT)  # the run has ended and the step is done
    settled = window.trainer.steps
    qtbot.wait(100)
    assert window.trainer.steps == settled


def test_the_network_view_follows_training_and_shows_the_last_steps_change(qtbot):
    window = make_window(qtbot)
    view = window.network_view
    assert view is not None and view.snapshot().sizes == window.network().sizes
    step(window, qtbot)
    before = [W.copy() for W, _ in window.network().weights()]
    step(window, qtbot)
    after = [W.copy() for W, _ in window.network().weights()]

    def shows_latest():
        snap = view.snapshot()
        return snap.deltas is not None and all(np.array_equal(a, W) for a, (W, _) in zip(after, snap.weights))

    qtbot.waitUntil(shows_latest, timeout=TIMEOUT)
    for (dW, _), a, b in zip(view.snapshot().deltas, after, before):
        np.testing.assert_allclose(dW, a - b, atol=1e-6)
    assert view.snapshot().gradients is not None
    selector = window.toolbar.findChild(QComboBox, "view_mode")
    selector.setCurrentIndex(selector.findData("gradient"))
    assert view.mode() == "gradient"


def test_reset_rebuilds_the_same_initial_network_and_clears_the_views(qtbot, discard_unsaved):
    window = make_window(qtbot)
    initial = [W.copy() for W, _ in window.network().weights()]
    step(window, qtbot, times=3)
    old_trainer = window.trainer
    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        action(window, "reset").trigger()  # asks first: the training is in no file (answered Discard)
    assert len(discard_unsaved) == 1
    assert window.trainer is not old_trainer and window.trainer.steps == 0
    assert len(window.loss_plot.batch) == 0
    assert all(np.array_equal(a, W) for a, (W, _) in zip(initial, window.network().weights()))
    fresh, _ = build(window.controls.config(), window.dataset())
    assert all(np.array_equal(a, layer.W) for a, layer in zip(initial, fresh.layers))
    step(window, qtbot)
    assert window.trainer.steps == 1 and len(window.loss_plot.batch) == 1


def test_hyperparameter_changes_reach_the_trainer_from_the_next_batch(qtbot):
    window = make_window(qtbot)
    step(window, qtbot)
    type_into(qtbot, window.controls.lr, "0.0005")
    type_into(qtbot, window.controls.batch_size, "64")
    type_into(qtbot, window.controls.l2, "0.001")
    with qtbot.waitSignal(window.weights_updated, timeout=TIMEOUT) as blocker:
        action(window, "step_batch").trigger()
    optimizer = window.trainer.net.optimizer
    assert optimizer.lr == pytest.approx(0.0005) and optimizer.l2 == pytest.approx(0.001)
    assert blocker.args[0].batch.batch_size == 64
    window.controls.optimizer.setCurrentIndex(window.controls.optimizer.findData("momentum"))
    step(window, qtbot)
    assert isinstance(window.trainer.net.optimizer, Momentum)
    assert window.trainer.net.optimizer.lr == pytest.approx(0.0005)


def test_changing_the_architecture_asks_for_a_reset(qtbot, discard_unsaved):
    window = make_window(qtbot)
    step(window, qtbot)
    net_before = window.trainer.net
    qtbot.mouseClick(window.controls.architecture.add_button, Qt.MouseButton.LeftButton)
    assert window.reset_notice.isVisible() and "architecture" in window.reset_notice.text().lower()
    assert window.trainer.net is net_before and len(net_before.layers) == 3
    combo = window.controls.findChild(QComboBox, "activation_1")
    combo.setCurrentIndex(combo.findData("tanh"))
    reset_now = [b for b in window.reset_notice.findChildren(QPushButton) if b.text() == "Reset now"]
    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        qtbot.mouseClick(reset_now[0], Qt.MouseButton.LeftButton)  # asks first (answered Discard)
    assert len(discard_unsaved) == 1
    assert window.network().sizes == [2, 8, 8, 8, window.dataset().n_classes]
    assert isinstance(window.trainer.net.layers[0].act, Tanh)
    assert not window.reset_notice.isVisible()


def test_removing_a_layer_before_training_applies_at_once(qtbot):
    window = make_window(qtbot)
    remove = window.controls.findChild(QToolButton, "remove_layer_2")
    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert window.network().sizes == [2, 8, window.dataset().n_classes]
    assert not window.reset_notice.isVisible()


def test_switching_dataset_loads_its_defaults(qtbot):
    window = make_window(qtbot)
    combo = window.controls.dataset
    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        combo.setCurrentIndex(combo.findData("blobs"))
    assert window.dataset().name == "blobs" and window.network().sizes[-1] == 3
    assert window.controls.config().lr == defaults_for("blobs").lr


def test_keyboard_shortcut_steps_a_batch(qtbot):
    window = make_window(qtbot)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=TIMEOUT)
    window.loss_plot.setFocus()
    with qtbot.waitSignal(window.weights_updated, timeout=TIMEOUT):
        qtbot.keyClick(window.loss_plot, Qt.Key.Key_Right)
    assert window.trainer.steps == 1


def test_completing_all_epochs_pauses_and_says_so(qtbot):
    window = make_window(qtbot, epochs=2)
    with qtbot.waitSignal(window.session.run_ended, timeout=TIMEOUT):
        action(window, "play_pause").trigger()
    qtbot.waitUntil(lambda: not window.playing, timeout=TIMEOUT)
    assert window.trainer.epoch == 2
    qtbot.waitUntil(lambda: "finished" in window.notice.text(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: len(window.loss_plot.accuracy) == 2, timeout=TIMEOUT)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_divergence_pauses_with_a_message_and_finite_weights(qtbot):
    window = make_window(qtbot, optimizer="sgd", lr=100.0, epochs=1000, activations=["leaky_relu"] * 2)
    with qtbot.waitSignal(window.session.diverged, timeout=TIMEOUT):
        action(window, "play_pause").trigger()
    qtbot.waitUntil(lambda: not window.playing and "diverged" in window.notice.text(), timeout=TIMEOUT)
    assert all(np.isfinite(W).all() for W, _ in window.network().weights())


def test_closing_during_training_twenty_times_never_hangs(qtbot):
    for k in range(20):
        window = MainWindow(dataset="circles")
        if k % 4 == 0:  # closing runs the same path shown or not; a first paint costs ~0.5 s, so 5 of 20
            window.show()
        window.controls.epochs.setValue(100_000)  # still training when the window closes, however slow the paint
        with qtbot.waitSignal(window.weights_updated, timeout=TIMEOUT):
            action(window, "play_pause").trigger()
        assert window.worker.running and window.playing
        thread = window.worker.thread()
        window.close()
        assert thread.isFinished() and not window.worker.running
        window.deleteLater()


RUN_APP_PROBE = """
import json
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from threadpoolctl import threadpool_info
import gui.shell.main_window as main_window
from gui.shell.app import make_application, run_app

main_window.discover_mnist = lambda: (None, None)
blas = lambda: sorted({i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"})
seen = {"before": blas()}

def look_and_quit():
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, main_window.MainWindow) and w.isVisible()]
    seen.update(windows=len(windows), during=blas(), name=QApplication.applicationName(),
                organization=QApplication.organizationName())
    QApplication.instance().quit()

make_application([])
QTimer.singleShot(500, look_and_quit)
seen["status"] = run_app([])
seen["after"] = blas()
print(json.dumps(seen))
"""


def test_run_app_shows_the_window_with_one_blas_thread_and_restores_it():
    # In a child process: once a QApplication's exec() has returned, Qt may not wake new threads'
    # event loops reliably, which would break the tests that run after this one in the same process.
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("OPENBLAS_NUM_THREADS", None)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = subprocess.run([sys.executable, "-c", RUN_APP_PROBE], cwd=root, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["before"] == seen["after"]
    if (os.cpu_count() or 1) > 1:
        assert seen["before"] != [1]  # BLAS would use more threads: the limit is the GUI's doing
    assert seen["during"] == [1] and seen["windows"] == 1 and seen["status"] == 0
    assert seen["name"] == seen["organization"] == "Backprop Studio"


def test_raising_epochs_after_the_last_one_shows_the_new_total_at_once(qtbot):
    window = make_window(qtbot, epochs=1)
    with qtbot.waitSignal(window.session.run_ended, timeout=TIMEOUT):
        action(window, "play_pause").trigger()
    qtbot.waitUntil(lambda: window.status.progress_bar.value() == 1000, timeout=TIMEOUT)
    assert window.status.progress_label.text().startswith("epoch 1/1 ")
    type_into(qtbot, window.controls.epochs, "3")
    label = window.status.progress_label.text()
    assert label.startswith("epoch 1/3 · ") and label.endswith("paused")  # no batch trained since
    assert "ETA" not in label and "samples/s" not in label  # nothing runs: no speed, no time left
    assert window.status.progress_bar.value() == 333
    type_into(qtbot, window.controls.epochs, "1")  # back to one: done again
    assert window.status.progress_label.text().startswith("epoch 1/1 ") and window.status.progress_bar.value() == 1000


def test_changing_epochs_of_a_fresh_network_shows_the_new_total(qtbot):
    window = make_window(qtbot, epochs=2)
    assert window.status.progress_label.text() == "epoch 0/2 · not trained yet"
    type_into(qtbot, window.controls.epochs, "7")
    assert window.status.progress_label.text() == "epoch 0/7 · not trained yet"


def test_action_finds_any_of_the_windows_actions_by_name(qtbot):
    window = make_window(qtbot)
    for name in ("play_pause", "download_mnist", "evaluate", "show_evaluation", "open_checkpoint", "quit"):
        assert window.action(name) is action(window, name)
    window.action("show_evaluation").trigger()  # the real QAction: the Evaluation tab shows
    assert window.evaluation.showing_evaluation
    try:  # (pytest.raises would keep the traceback, and with it the window, alive in a reference cycle)
        window.action("no_such_action")
        message = None
    except KeyError as error:
        message = str(error)
    assert "no_such_action" in message and "evaluate" in message and "play_pause" in message


def test_status_messages_show_beside_the_training_progress(qtbot):
    window = make_window(qtbot)
    step(window, qtbot)
    status = window.status
    status.showMessage("Saved run.npz", 5000)
    shown = [label for label in status.findChildren(QLabel) if label.isVisible() and "Saved run.npz" in label.text()]
    assert shown, "the message is on screen"
    label = shown[0]
    assert label.width() >= label.fontMetrics().horizontalAdvance(label.text())  # all of it
    assert not label.geometry().intersects(status.progress_label.geometry())
    assert status.progress_label.isVisible() and status.progress_label.text().startswith("epoch 1/")
    status.clearMessage()
    assert not any("Saved" in label.text() for label in status.findChildren(QLabel))


def test_an_epochs_result_does_not_cover_a_message_of_its_own_at_once(qtbot, monkeypatch):
    import gui.training.status_bar as status_bar

    window = make_window(qtbot)
    now = [1000.0]
    monkeypatch.setattr(status_bar.time, "monotonic", lambda: now[0])
    window.status.showMessage("Saved run.npz", 5000)
    epochs = []
    window.session.epoch_finished.connect(epochs.append)
    for _ in range(window.trainer.n_batches):  # to the first epoch's end
        step(window, qtbot)
    qtbot.waitUntil(lambda: len(epochs) == 1, timeout=TIMEOUT)
    assert window.status.currentMessage() == "Saved run.npz"  # an epoch ended 0 s after it: not covered
    now[0] += status_bar.OWN_MESSAGE_SECONDS
    for _ in range(window.trainer.n_batches):
        step(window, qtbot)
    qtbot.waitUntil(lambda: len(epochs) == 2, timeout=TIMEOUT)
    assert window.status.currentMessage().startswith("Epoch 2: test accuracy ")
