"""Opening a saved training in the window resumes it exactly, in the training thread, on MNIST too."""

import gc
import types

import pytest

import gui.shell.main_window as main_window
from engine.files.checkpoint import load_checkpoint
from engine.files.trainer_state import resume
from gui.shell.main_window import MainWindow
from tests.gui.checkpoint_helpers import assert_same_weights, make_window, reference, weights
from tests.gui.window_helpers import TIMEOUT, action, step

pytestmark = pytest.mark.usefixtures("discard_on_close")  # windows closed after training their file lacks


# -- exact resume ---------------------------------------------------------------------------------
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
    action(window, "play_pause").trigger()
    qtbot.waitUntil(lambda: not window.worker.busy, timeout=TIMEOUT)
    net, extra = load_checkpoint(tmp_path / "run.npz")
    steps = extra["trainer"]["steps"]
    straight = reference(window, steps)
    assert_same_weights(weights(net), weights(straight.net))  # the weights belong to exactly that step
    resumed = resume(net, window.dataset(), extra)
    resumed.step()
    straight.step()
    assert_same_weights(weights(resumed.net), weights(straight.net))


# -- the training thread --------------------------------------------------------------------------
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


def test_an_mnist_checkpoint_opened_while_mnist_loads_opens_when_it_is_there(qtbot, tmp_path, mnist_subset_dir,
                                                                              monkeypatch):
    monkeypatch.setattr(main_window, "discover_mnist", lambda: (mnist_subset_dir, None))
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


