"""TrainingSession: the training side of the window, without widgets.

It owns the TrainingWorker and its QThread, builds each network and Trainer (on the GUI thread) and
hands the trainer over, keeps a *copy* of the network that follows the worker's throttled updates, and
re-emits the worker's signals for the current trainer only (a reset bumps the generation, and what an
older trainer sent is dropped). Views read the copy; nothing on the GUI thread touches the trainer
except its thread-safe ``set_hyperparameters`` — and a trainer being replaced, which ``install`` first
settles between two whole batches, so whoever wants to keep it (Undo reset) can read it then.
"""

from PySide6.QtCore import QObject, Signal, Slot

from engine.optimizers import get_optimizer
from engine.training_config import build
from gui.common.worker_thread import WorkerThread
from gui.training.display_budget import DisplayBudget
from gui.training.worker import TrainingWorker, WalkInProgress


class TrainingSession(QObject):
    """Play, pause, step and rebuild; the current trainer, network copy and dataset."""

    network_reset = Signal(object)  # the copy of a freshly built NeuralNetwork
    updated = Signal(object)  # a TrainingUpdate, after the copy took its weights
    epoch_finished = Signal(object)  # engine EpochDone
    diverged = Signal(object)  # engine Diverged (the last good weights are back; the run has ended)
    failed = Signal(str)  # the error and its traceback (the run has ended)
    run_ended = Signal(object)  # engine Finished, when a run ends by itself: completed, diverged or failed
    playing_changed = Signal(bool)
    phase_reached = Signal(object)  # PhaseStep: the next phase of the batch being walked, then its end
    about_to_replace = Signal()  # the current trainer is settled and about to be replaced: read it now
    stepped_back = Signal(object)  # SteppedBack: training went back (the copy holds those weights already)
    can_step_back_changed = Signal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.generation = 0  # bumped by every rebuild
        self.trainer = None  # the worker's Trainer; only its thread-safe setters are used here
        self.network = None  # the GUI thread's copy of the network, following the updates
        self.dataset = None
        self.config = None  # the TrainingConfig the current network was built from
        self.playing = False  # what the user asked for: a run in progress, or paused
        self.back_steps = 0  # batches one can step back, as the worker last said
        self._walking = False  # a batch is being walked phase by phase (its phases can be stepped back)
        self._could_step_back = False  # what can_step_back_changed said last
        self.worker = TrainingWorker()
        # Stopped after the batch in progress and joined by ``shutdown``, or when the session is deleted. The
        # worker outlives its thread: the window's ``worker`` is read after it closed (running, thread()).
        self._training = WorkerThread(self.worker, "training", cancel=self.worker.stop, keep_worker=True)
        self.training_thread = self._training.thread
        self.display_budget = DisplayBudget(self.worker, self)  # full speed: updates as often as the GUI affords
        self.worker.batch_finished.connect(self._on_batch_finished)
        self.worker.epoch_finished.connect(self._on_epoch_finished)
        self.worker.diverged.connect(self._on_diverged)
        self.worker.failed.connect(self._on_failed)
        self.worker.finished.connect(self._on_finished)
        self.worker.phase_reached.connect(self._on_phase_reached)
        self.worker.stepped_back.connect(self._on_stepped_back)
        self._training.stop_with(self).start()

    def __repr__(self):
        return f"TrainingSession(generation {self.generation}, playing={self.playing})"

    # -- control -----------------------------------------------------------------------------------
    def rebuild(self, config, dataset):
        """A fresh network and trainer from ``config`` (same seed → same initial weights); pauses."""
        net, trainer = build(config, dataset)
        self.install(config, dataset, net, trainer)

    def install(self, config, dataset, net, trainer):
        """Make ``trainer`` (training ``net`` on ``dataset``, as ``config`` describes) the current one; pauses.

        The trainer it replaces is settled first and ``about_to_replace`` says so; the worker never touches
        it again.
        """
        if self.trainer is not None:
            self.settle()
            self.about_to_replace.emit()
        self.generation += 1
        self.trainer, self.config, self.dataset, self.network = trainer, config.copy(), dataset, net.clone()
        self.worker.set_epoch_limit(config.epochs)
        self.worker.set_trainer(trainer, self.generation)
        self._set_playing(False)
        self._walking = False
        self._set_back_steps(0)
        self.network_reset.emit(self.network)

    def epochs_done(self):
        """True when the trainer has done every planned epoch."""
        return self.trainer is not None and self.trainer.epoch >= self.worker.epoch_limit

    def is_fresh(self):
        """True when the current network has not been trained at all."""
        return self.trainer is not None and self.trainer.steps == 0 and not self.playing

    def play(self):
        if self.trainer is None or self.playing or self.epochs_done():
            return
        self.worker.play()
        self._set_playing(True)

    def pause(self):
        self.worker.pause()
        self._set_playing(False)

    def step_batch(self):
        """Pause if playing, then train exactly one mini-batch."""
        if self.trainer is None or self.epochs_done():
            return
        self.worker.step_batch()
        self._set_playing(False)

    def step_phase(self):
        """Pause if playing, then walk the current (or next) mini-batch one phase further."""
        if self.trainer is None or self.epochs_done():
            return
        self.worker.step_phase()
        self._set_playing(False)

    def step_back(self):
        """Pause if playing, then go back one phase of a walked batch, else one batch, bit for bit."""
        if self.trainer is None:
            return
        self.worker.step_back()
        self._set_playing(False)

    @property
    def frame_interval(self):
        """Seconds the views should leave between two frames: the display budget's at full speed, else 0."""
        return self.display_budget.interval if self.display_budget.active else 0.0

    @property
    def can_step_back(self):
        """True when there is a batch (or phase) to go back to, or a run that has one by now."""
        return self.trainer is not None and (self.back_steps > 0 or self.playing or self._walking)

    @property
    def speed(self):
        """Batches a second a run is paced at; 0 is full speed."""
        return self.worker.speed

    def set_speed(self, batches_per_second):
        """Pace training at this many batches a second (0: full speed), from now on."""
        self.worker.set_speed(batches_per_second)
        self.display_budget.follow(self.playing, self.worker.speed)

    def set_live(self, values):
        """Hyperparameters for the running trainer (lr, batch_size, l2, …); they apply from the next batch."""
        if self.trainer is None:
            return
        self.trainer.set_hyperparameters(**values)
        if "epochs" in values:
            self.worker.set_epoch_limit(values["epochs"])

    def set_optimizer(self, config):
        """Swap in ``config``'s optimiser (fresh state, same weights) before the next batch."""
        if self.trainer is None:
            return
        optimizer = get_optimizer(config.optimizer, lr=config.lr, l2=config.l2, **config.optimizer_settings())
        self.worker.replace_optimizer(self.trainer, optimizer)

    def pause_and_wait(self):
        """Pause and wait for the batch in progress; True when a step is left half walked (phase by phase)."""
        self.pause()
        try:
            self.worker.call_between_batches(_nothing)
        except WalkInProgress:
            return True
        except RuntimeError:  # the training thread has stopped: nothing trains any more
            pass
        return False

    def settle(self):
        """Pause and wait until the trainer is between two whole batches; a step being walked is finished first.

        Then the worker holds no half-done step and runs nothing: the trainer may be read from here.
        """
        if self.pause_and_wait():
            self.worker.step_batch()  # finishes the walked batch, nothing more
            self.pause_and_wait()

    def shutdown(self):
        """Stop after the batch in progress and wait for the thread (idempotent)."""
        self._set_playing(False)
        self._training.stop()

    def _set_playing(self, playing):
        if playing != self.playing:
            self.playing = playing
            self.display_budget.follow(playing, self.worker.speed)
            self._set_back_steps(self.back_steps)
            self.playing_changed.emit(playing)

    def _set_back_steps(self, n):
        self.back_steps = n
        can = self.can_step_back
        if can != self._could_step_back:
            self._could_step_back = can
            self.can_step_back_changed.emit(can)

    # -- the worker's signals ------------------------------------------------------------------------
    @Slot(object)
    def _on_batch_finished(self, update):
        if update.generation == self.generation:
            self.display_budget.count_update()
            self.network.set_weights(update.weights)
            self._set_back_steps(update.back_steps)
            self.updated.emit(update)

    @Slot(object)
    def _on_stepped_back(self, back):
        if back.generation == self.generation:
            self.network.set_weights(back.weights)
            self._walking = False
            self._set_back_steps(back.back_steps)
            self.stepped_back.emit(back)

    @Slot(int, object)
    def _on_epoch_finished(self, generation, event):
        if generation == self.generation:
            self.epoch_finished.emit(event)

    @Slot(int, object)
    def _on_diverged(self, generation, event):
        if generation == self.generation:
            self.diverged.emit(event)

    @Slot(int, str)
    def _on_failed(self, generation, text):
        if generation == self.generation:
            self.failed.emit(text)

    @Slot(int, object)
    def _on_phase_reached(self, generation, step):
        if generation == self.generation:
            self._walking = step.kind != "done"
            self._set_back_steps(self.back_steps)
            self.phase_reached.emit(step)

    @Slot(int, object)
    def _on_finished(self, generation, event):
        if generation != self.generation or event.reason == "stopped":
            return  # "stopped" answers a pause, step or rebuild asked for here
        self._set_playing(False)
        self.run_ended.emit(event)


def _nothing(trainer):
    """Run between two batches to wait for them (see ``settle``)."""
