"""TrainingWorker in its own QThread: runs, pauses between batches, steps one batch, throttles, recovers."""

import dataclasses
import threading

import numpy as np
import pytest
from PySide6.QtCore import QObject, QThread, Slot

from engine.optimizers import Momentum
from engine.training_config import TrainingConfig, build, defaults_for, make_builtin
from gui.training.updates import TrainingUpdate
from gui.training.worker import TrainingWorker
from tests.gui.gui_thread import wait_signal_in_gui_thread

TIMEOUT = 10_000  # ms; generous for a loaded machine, never reached when things work


class Recorder(QObject):
    """Collects worker signals in the main thread (a plain lambda would run in the worker's thread)."""

    def __init__(self, worker):
        super().__init__()
        self.updates, self.epochs, self.diverged = [], [], []
        self.heard = []  # ("update", samples seen) and ("epoch", epoch index) in the order they arrived
        worker.batch_finished.connect(self.on_update)
        worker.epoch_finished.connect(self.on_epoch)
        worker.diverged.connect(self.on_diverged)

    @Slot(object)
    def on_update(self, update):
        self.updates.append(update)
        self.heard.append(("update", update.batch.samples_seen))

    @Slot(int, object)
    def on_epoch(self, generation, event):
        self.epochs.append(event)
        self.heard.append(("epoch", event.epoch))

    @Slot(int, object)
    def on_diverged(self, generation, event):
        self.diverged.append(event)


@pytest.fixture
def dataset():
    return make_builtin("circles")


@pytest.fixture
def worker(qtbot):
    """A worker moved to a started QThread; stopped and joined afterwards."""
    worker = TrainingWorker()
    thread = QThread()
    worker.moveToThread(thread)
    thread.start()
    yield worker
    worker.stop()
    thread.quit()
    assert thread.wait(TIMEOUT)


def give(worker, qtbot, config, dataset, generation=1, epochs=None):
    """Build a trainer from ``config`` and hand it to the worker; returns the trainer."""
    _, trainer = build(config, dataset)
    worker.set_epoch_limit(epochs or config.epochs)
    worker.set_trainer(trainer, generation)
    return trainer


def test_step_batch_trains_exactly_one_batch_and_sends_copies(worker, qtbot, dataset):
    trainer = give(worker, qtbot, defaults_for("circles"), dataset)
    before = [W.copy() for W, _ in trainer.net.weights()]
    with wait_signal_in_gui_thread(qtbot, worker.batch_finished, TIMEOUT) as blocker:
        worker.step_batch()
    update = blocker.args[0]
    assert isinstance(update, TrainingUpdate)
    assert trainer.steps == 1 and update.batch.step == 1 and len(update.losses) == 1
    assert update.generation == 1
    # The weights sent are the trained ones, and copies: training further leaves them alone.
    sent = [W.copy() for W, _ in update.weights]
    assert any(not np.array_equal(a, b) for a, b in zip(before, sent))
    with wait_signal_in_gui_thread(qtbot, worker.batch_finished, TIMEOUT):
        worker.step_batch()
    assert trainer.steps == 2
    assert all(np.array_equal(a, W) for a, (W, _) in zip(sent, update.weights))
    assert [g[0].shape for g in update.gradients] == [W.shape for W in sent]


def test_play_runs_until_paused_and_pause_acts_between_batches(worker, qtbot, dataset):
    config = defaults_for("circles")
    trainer = give(worker, qtbot, config, dataset, epochs=10_000)
    with wait_signal_in_gui_thread(qtbot, worker.started, TIMEOUT):
        worker.play()
    qtbot.waitUntil(lambda: trainer.steps > 200, timeout=TIMEOUT)  # several epochs: not stopping at epoch ends
    with wait_signal_in_gui_thread(qtbot, worker.finished, TIMEOUT) as blocker:
        steps_when_asked = trainer.steps
        worker.pause()
    assert blocker.args[1].reason == "stopped"
    assert trainer.steps <= steps_when_asked + 1  # at most the batch in progress finished
    stopped_at = trainer.steps
    qtbot.wait(100)
    assert trainer.steps == stopped_at and not worker.running and not worker.busy


def test_updates_are_throttled_but_carry_every_batch_loss(worker, qtbot, dataset):
    worker.min_interval = 1e6  # nothing may be sent mid-run: only the forced update when the run ends
    trainer = give(worker, qtbot, defaults_for("circles"), dataset, epochs=10_000)
    recorder = Recorder(worker)
    received = recorder.updates
    worker.play()
    qtbot.waitUntil(lambda: trainer.steps > 30, timeout=TIMEOUT)
    with wait_signal_in_gui_thread(qtbot, worker.finished, TIMEOUT):
        worker.pause()
    # Heard in the GUI thread, `finished` comes after the updates sent before it: every batch's loss is here.
    assert sum(len(u.losses) for u in received) == trainer.steps
    # One update per epoch end (forced) plus the one at the pause, far fewer than the batches trained.
    epochs_done = trainer.epoch
    assert len(received) <= epochs_done + 1 < trainer.steps
    losses = np.concatenate([u.losses for u in received])
    assert len(losses) == trainer.steps
    np.testing.assert_allclose(losses, trainer.history.batch_loss)
    xs = np.concatenate([u.epoch_x for u in received])
    assert np.all(np.diff(xs) > 0) and xs[-1] == pytest.approx(trainer.samples_seen / len(dataset.y_train))


def test_at_full_speed_an_epoch_end_waits_for_the_next_update_and_follows_it(worker, qtbot, dataset):
    worker.min_interval = 1e6  # no update is due mid-run: epoch ends must not force one either
    trainer = give(worker, qtbot, defaults_for("circles"), dataset, epochs=10_000)
    recorder = Recorder(worker)
    worker.play()
    qtbot.waitUntil(lambda: trainer.epoch >= 3, timeout=TIMEOUT)
    with wait_signal_in_gui_thread(qtbot, worker.finished, TIMEOUT):
        worker.pause()
    n_train = len(dataset.y_train)
    assert len(recorder.updates) == 1 and recorder.heard[0] == ("update", trainer.samples_seen)
    assert [e.epoch for e in recorder.epochs] == list(range(trainer.epoch))  # every epoch, in order, after it
    assert all(e.seconds > 0 and 0.0 <= e.test_accuracy <= 1.0 for e in recorder.epochs)
    assert trainer.samples_seen >= trainer.epoch * n_train


@pytest.mark.parametrize("pace", [400, 25])  # 25: each batch's update is sent as it ends, before its EpochDone
def test_a_paced_epoch_end_is_sent_at_once(worker, qtbot, dataset, pace):
    config = dataclasses.replace(defaults_for("circles"), batch_size=128)  # a few batches an epoch
    trainer = give(worker, qtbot, config, dataset, epochs=10_000)
    recorder = Recorder(worker)
    worker.set_speed(pace)  # the epoch's end comes right after its last batch's update
    worker.play()
    qtbot.waitUntil(lambda: len(recorder.epochs) >= 2, timeout=TIMEOUT)
    with wait_signal_in_gui_thread(qtbot, worker.finished, TIMEOUT):
        worker.pause()
    n_train = len(dataset.y_train)
    for k, (kind, value) in enumerate(recorder.heard):
        if kind == "epoch":
            assert recorder.heard[k - 1] == ("update", (value + 1) * n_train)


def test_epoch_end_and_completion(worker, qtbot, dataset):
    trainer = give(worker, qtbot, defaults_for("circles"), dataset, epochs=2)
    recorder = Recorder(worker)
    epochs = recorder.epochs
    with wait_signal_in_gui_thread(qtbot, worker.finished, TIMEOUT) as blocker:
        worker.play()
    assert blocker.args[1].reason == "completed"
    qtbot.waitUntil(lambda: len(epochs) == 2, timeout=TIMEOUT)
    assert [e.epoch for e in epochs] == [0, 1] and trainer.epoch == 2
    assert 0.0 <= epochs[-1].test_accuracy <= 1.0


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_divergence_pauses_and_keeps_the_last_good_weights(worker, qtbot, dataset):
    config = TrainingConfig(dataset="circles", hidden=[8], activations=["relu"], loss="ce", optimizer="sgd",
                            lr=0.1, batch_size=16, epochs=100)
    trainer = give(worker, qtbot, config, dataset)
    recorder = Recorder(worker)
    updates, diverged = recorder.updates, recorder.diverged
    for _ in range(3):  # a few good batches: their weights are the ones to keep
        with wait_signal_in_gui_thread(qtbot, worker.batch_finished, TIMEOUT):
            worker.step_batch()
    trainer.set_hyperparameters(lr=1e30)  # weights of ~1e28 after one batch (still finite), then overflow
    with wait_signal_in_gui_thread(qtbot, worker.finished, TIMEOUT) as blocker:
        worker.play()
    assert blocker.args[1].reason == "diverged"
    qtbot.waitUntil(lambda: bool(diverged) and len(updates) > 3, timeout=TIMEOUT)
    assert "diverged" in diverged[0].message
    kept = trainer.net.weights()  # the last good weights, restored
    assert all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in kept)
    for (W, b), (W1, b1) in zip(updates[-1].weights, kept):  # and the GUI is sent them
        assert np.array_equal(W, W1) and np.array_equal(b, b1)
    assert all(not dW.any() for dW, _ in updates[-1].deltas)  # the batch undone changed nothing


def test_failure_is_reported_and_the_thread_survives(worker, qtbot, dataset):
    trainer = give(worker, qtbot, defaults_for("circles"), dataset)

    def broken_step():
        raise RuntimeError("boom in step")

    trainer.step = broken_step
    with wait_signal_in_gui_thread(qtbot, worker.failed, TIMEOUT) as blocker:
        worker.play()
    assert "boom in step" in blocker.args[1]
    # The worker still answers: a new trainer steps normally.
    good = give(worker, qtbot, defaults_for("circles"), dataset, generation=2)
    with wait_signal_in_gui_thread(qtbot, worker.batch_finished, TIMEOUT) as update:
        worker.step_batch()
    assert good.steps == 1 and update.args[0].generation == 2


def test_new_trainer_and_optimizer_swap_apply_before_the_next_batch(worker, qtbot, dataset):
    first = give(worker, qtbot, defaults_for("circles"), dataset, generation=1)
    with wait_signal_in_gui_thread(qtbot, worker.batch_finished, TIMEOUT):
        worker.step_batch()
    second = give(worker, qtbot, defaults_for("circles"), dataset, generation=2)
    momentum = Momentum(lr=0.01, momentum=0.5)
    worker.replace_optimizer(second, momentum)
    with wait_signal_in_gui_thread(qtbot, worker.batch_finished, TIMEOUT) as blocker:
        worker.step_batch()
    assert first.steps == 1 and second.steps == 1
    assert blocker.args[0].generation == 2
    assert second.net.optimizer is momentum and momentum.t == 1


def test_busy_until_every_request_is_answered_though_no_run_is_going(worker, qtbot, dataset):
    trainer = give(worker, qtbot, defaults_for("circles"), dataset)
    gate, step = threading.Event(), trainer.step

    def gated_step():  # the worker thread waits here until the test opens the gate
        assert gate.wait(TIMEOUT / 1000)
        return step()

    trainer.step = gated_step
    worker.step_batch()
    worker.step_batch()  # waits in the worker's queue behind the first
    assert worker.busy and not worker.running
    gate.set()
    qtbot.waitUntil(lambda: not worker.busy, timeout=TIMEOUT)
    assert trainer.steps == 2


def test_a_paused_full_speed_run_sends_the_last_batchs_own_change(worker, qtbot, dataset):
    """ΔW comes from the trainer's two last-good copies (nothing copied per batch): after a full-speed run it is
    exactly the latest batch's change, as going back one batch (bit for bit) shows."""
    config = TrainingConfig(dataset="circles", hidden=[8, 8], activations=["relu", "relu"], loss="ce",
                            optimizer="adam", lr=0.01, batch_size=8, epochs=1000)
    trainer = give(worker, qtbot, config, dataset)
    recorder = Recorder(worker)
    worker.play()
    qtbot.waitUntil(lambda: bool(recorder.updates) and recorder.updates[-1].batch.step > 300, timeout=TIMEOUT)
    with wait_signal_in_gui_thread(qtbot, worker.finished, TIMEOUT):
        worker.pause()
    qtbot.waitUntil(lambda: recorder.updates[-1].batch.step == trainer.steps, timeout=TIMEOUT)
    last = recorder.updates[-1]
    now = [(W.copy(), b.copy()) for W, b in trainer.net.weights()]
    with wait_signal_in_gui_thread(qtbot, worker.stepped_back, TIMEOUT):
        worker.step_back()
    qtbot.waitUntil(lambda: not worker.busy, timeout=TIMEOUT)
    before = trainer.net.weights()
    assert trainer.steps == last.batch.step - 1
    for (dW, db), (W, b), (W0, b0) in zip(last.deltas, now, before):
        assert np.array_equal(dW, W - W0) and np.array_equal(db, b - b0)
        assert dW.any()
