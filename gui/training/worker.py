"""The training worker: a QObject living in its own QThread that drives ``engine.training.Trainer``.

Control flows in from the GUI thread through plain, thread-safe methods (``play``, ``pause``,
``step_batch``, ``set_trainer``, ``stop``); the ones that must run in the worker thread post a queued
signal to a slot here. A run of batches lasts while its *token* is current: every pause, step, reset or
stop bumps the token, so a run ends after the batch in progress and never misses a later request.

Phase stepping walks one batch through ``Trainer.step_phases(record=True)`` (a PhaseWalk): each
``step_phase`` request sends the next phase as a PhaseStep, and the request after the last update ends
the batch like any other (BatchDone, EpochDone, an update of the views). A batch step or a run first
finishes a walk in progress; a new trainer discards it.

``set_speed`` paces a run: at n batches a second the worker waits between batches on an Event that every
pause, step, stop and speed change sets, so those stay instant; 0 is full speed. At paced speeds every
batch is sent. ``step_back`` puts the trainer back to where it stood before its latest batch, bit for
bit (engine/training_undo.py: a state kept before every batch stepped or paced, every 50 ms at full
speed), or, in a walked batch, one phase back.

``call_between_batches`` runs a function in the worker thread between two batches while the caller
waits (at most one batch): how a consistent copy of the trainer is taken for a checkpoint.

``busy`` is true from the moment a request is posted until the worker has handled it (and ended the run
it started): a step asked for while playing is still waiting when the run reports not ``running``.

Results flow out as past-tense signals carrying copies, throttled to ≤ ``max_rate`` updates a second
(the batch losses of the skipped updates travel with the next one, so no loss is lost). An epoch's end
is sent at once when paced or stepped; at full speed it follows the next update (a small network's epoch
ends several times a second, and each forced update cost the GUI thread, and so training, ~3 ms). Every signal
carries the trainer's *generation* so the GUI can drop what a replaced trainer sent before a reset.
How requests are counted and calls carried: worker_requests.py; what an update holds: updates.py.
"""

import threading
import time
import traceback

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from engine.training import BatchDone, Diverged, EpochDone, Finished
from engine.training_undo import UndoRing
from gui.training.phase_walk import PhaseWalk
from gui.training.updates import SteppedBack, make_update
from gui.training.worker_requests import Call, WalkInProgress, answers_a_request


class TrainingWorker(QObject):
    """Runs, pauses and steps a Trainer in the thread it is moved to; see the module docstring."""

    started = Signal(int)  # generation: a run of batches began
    batch_finished = Signal(object)  # TrainingUpdate (throttled; forced on pause, step, paced epoch end)
    epoch_finished = Signal(int, object)  # generation, engine EpochDone: after the update with its last batch
    diverged = Signal(int, object)  # generation, engine Diverged (the last good weights are back)
    failed = Signal(int, str)  # generation, the error and its traceback
    finished = Signal(int, object)  # generation, engine Finished: a run ended and the worker is idle
    phase_reached = Signal(int, object)  # generation, PhaseStep: the next phase of the batch being walked
    stepped_back = Signal(object)  # SteppedBack, before the update that shows where training stands again

    # Requests posted to the worker thread (queued: the worker lives there).
    _run_requested = Signal(int)
    _step_requested = Signal()
    _phase_requested = Signal()
    _back_requested = Signal()
    _trainer_offered = Signal(object, int)
    _call_requested = Signal(object)  # a Call; the caller waits until it has run

    def __init__(self, max_rate=30.0):
        super().__init__()
        self.min_interval = 1.0 / max_rate  # seconds between two batch_finished signals
        self._trainer = None  # used only in the worker thread once set
        self._generation = 0
        self._token = 0  # a run continues while this equals the token it started with
        self._epoch_limit = 1  # the run completes at this many epochs (read each batch)
        self._optimizer_swap = None  # (trainer, optimizer) to install before that trainer's next batch
        self._lock = threading.Lock()
        self._running = False
        self._pending = 0  # requests posted to the worker thread and not answered yet (guarded by _lock)
        self._last_emit = 0.0
        self._last_batch = None
        self._dirty = False  # trained (or restored) since the last update was sent
        self._batches = []  # BatchDone events not yet sent (their losses and places travel with the next update)
        self._epochs = []  # EpochDone events not yet sent: they follow the update that holds their last batch
        self._undo = UndoRing()  # the trainer's states before its latest batches (for step back)
        self._pace = 0.0  # batches a second in a run; 0: as fast as it goes
        self._wake = threading.Event()  # ends a wait between paced batches early (pause, step, speed change)
        self._last_start = 0.0  # perf_counter() when the latest paced batch started
        self._rate_t0, self._rate_s0 = 0.0, 0  # wall clock and samples at the start of the run
        self._walk = None  # PhaseWalk: the batch being walked phase by phase, if any
        self._run_requested.connect(self._run)
        self._step_requested.connect(self._step)
        self._phase_requested.connect(self._step_phase)
        self._back_requested.connect(self._step_back)
        self._trainer_offered.connect(self._set_trainer)
        self._call_requested.connect(self._call, Qt.ConnectionType.BlockingQueuedConnection)

    def __repr__(self):
        return f"TrainingWorker(generation={self._generation}, running={self._running})"

    # -- control, from the GUI thread ------------------------------------------------------
    @property
    def running(self):
        """True while a run of batches is in progress."""
        return self._running

    @property
    def busy(self):
        """True while a run is in progress or a request (play, a step, a trainer) waits for the worker thread."""
        with self._lock:
            return self._running or self._pending > 0

    def _post(self, request, *args):
        """Queue ``request`` to the worker thread, counted as pending until its slot has answered it."""
        with self._lock:
            self._pending += 1
        request.emit(*args)

    def _interrupt(self):
        """End the run in progress after its batch, or at once while it waits for its pace."""
        self._token += 1
        self._wake.set()

    def play(self):
        """Start a run of batches (after any request already queued)."""
        self._interrupt()
        self._post(self._run_requested, self._token)

    def pause(self):
        """End the current run after the batch in progress."""
        self._interrupt()

    def step_batch(self):
        """Pause, then train exactly one mini-batch."""
        self._interrupt()
        self._post(self._step_requested)

    def step_phase(self):
        """Pause, then send the next phase of the batch being walked (starting a walk if none is)."""
        self._interrupt()
        self._post(self._phase_requested)

    def step_back(self):
        """Pause, then go back one phase in a walked batch, else one batch (when there is one to go back to)."""
        self._interrupt()
        self._post(self._back_requested)

    @property
    def speed(self):
        """Batches a second a run is paced at; 0 is full speed."""
        return self._pace

    def set_speed(self, batches_per_second):
        """Pace runs at this many batches a second (0: full speed); applies to the run in progress at once."""
        self._pace = max(0.0, float(batches_per_second))
        self._wake.set()

    def set_trainer(self, trainer, generation):
        """Pause and hand over a new Trainer (built on the GUI thread, never touched there again)."""
        self._interrupt()
        self._post(self._trainer_offered, trainer, generation)

    @property
    def epoch_limit(self):
        """A run completes when the trainer has done this many epochs."""
        return self._epoch_limit

    def set_epoch_limit(self, epochs):
        """A run completes when this many epochs are done; applies from the next batch."""
        self._epoch_limit = int(epochs)

    def replace_optimizer(self, trainer, optimizer):
        """Install ``optimizer`` in ``trainer``'s network before its next batch (fresh state)."""
        with self._lock:
            self._optimizer_swap = (trainer, optimizer)

    def stop(self):
        """End any run after the batch in progress; the owner then quits and waits for the thread."""
        self._interrupt()

    def call_between_batches(self, fn):
        """Pause, then run ``fn(trainer)`` in the worker thread, after the requests already queued; its result.

        The caller waits (a batch at most). A waiting optimiser swap is installed first, so ``fn`` sees
        what the next batch would use. Raises WalkInProgress while a batch is half walked, and what
        ``fn`` raised. For saving a consistent copy of a trainer that lives in this thread.
        """
        call = Call(fn)
        if QThread.currentThread() is self.thread():
            self._call(call)
        elif not self.thread().isRunning():
            raise RuntimeError("the training thread has stopped")
        else:
            self._interrupt()
            self._call_requested.emit(call)
        return call.outcome()

    # -- work, in the worker thread --------------------------------------------------------
    @Slot(object, int)
    @answers_a_request
    def _set_trainer(self, trainer, generation):
        self._trainer, self._generation = trainer, generation
        self._walk = None
        self._undo = UndoRing()
        self._last_batch = None
        self._dirty = False
        self._batches.clear()
        self._epochs.clear()

    @Slot(object)
    def _call(self, call):
        try:
            if self._walk is not None:
                raise WalkInProgress("a training step is being walked phase by phase")
            if self._trainer is not None:
                self._swap_optimizer(self._trainer)
            call.result = call.fn(self._trainer)
        except Exception as exc:  # noqa: BLE001 - handed to the waiting caller
            call.error = exc

    @Slot(int)
    @answers_a_request
    def _run(self, token):
        trainer = self._trainer
        if token != self._token or trainer is None:
            return
        self._running = True
        self._rate_t0, self._rate_s0 = time.perf_counter(), trainer.samples_seen
        generation, reason = self._generation, "stopped"
        self.started.emit(generation)
        try:
            # A batch half walked is finished first; if that batch diverged, the run ends there.
            walked = self._finish_walk(trainer) if self._walk is not None else [None]
            if isinstance(walked[-1], Diverged):
                reason = "diverged"
            while reason != "diverged" and token == self._token:
                if trainer.epoch >= self._epoch_limit:
                    reason = "completed"
                    break
                if self._pace == 0:
                    reason = self._full_speed(trainer, token) or reason
                    continue
                if not self._wait_for_pace(token):
                    break
                if isinstance(self._train_batch(trainer)[-1], Diverged):
                    reason = "diverged"
        except Exception:  # noqa: BLE001 - any failure must reach the GUI, not kill the thread
            reason = "failed"
            self.failed.emit(generation, traceback.format_exc())
        finally:
            self._running = False
            self._flush(trainer)
            elapsed = time.perf_counter() - self._rate_t0
            self.finished.emit(generation, Finished(reason, trainer.epoch, elapsed))

    @Slot()
    @answers_a_request
    def _step(self):
        trainer = self._trainer
        if trainer is None:
            return
        self._rate_t0, self._rate_s0 = time.perf_counter(), trainer.samples_seen
        try:
            if self._walk is not None:  # a batch half walked: finish it rather than start another
                self._finish_walk(trainer)
            else:
                self._train_batch(trainer)
        except Exception:  # noqa: BLE001
            self.failed.emit(self._generation, traceback.format_exc())
        self._flush(trainer)

    @Slot()
    @answers_a_request
    def _step_phase(self):
        trainer = self._trainer
        if trainer is None:
            return
        self._rate_t0, self._rate_s0 = time.perf_counter(), trainer.samples_seen
        try:
            if self._walk is None:
                self._before_batch(trainer)
                self._walk = PhaseWalk(trainer, self._generation)
            step, events = self._walk.advance()
            if events:
                self._walk = None
            self.phase_reached.emit(self._generation, step)
            self._handle(trainer, events)
        except Exception:  # noqa: BLE001
            self._walk = None
            self.failed.emit(self._generation, traceback.format_exc())
        self._flush(trainer)

    def _wait_for_pace(self, token):
        """At a set pace, wait until the next batch is due (from the start of the one before, so a slow machine
        goes slower, never faster); False when the run was ended meanwhile."""
        while True:
            pace = self._pace
            wait = self._last_start + 1.0 / pace - time.perf_counter() if pace > 0 else 0.0
            if wait <= 0:
                break
            self._wake.wait(wait)
            self._wake.clear()  # every setter changes the token or the pace first: both are read again here
            if token != self._token:
                return False
        self._last_start = time.perf_counter()
        return True

    @Slot()
    @answers_a_request
    def _step_back(self):
        trainer = self._trainer
        if trainer is None:
            return
        try:
            if self._walk is not None:
                self._phase_back(trainer)
            elif self._undo.back_steps(trainer):
                self._rewind(trainer, trainer.steps - 1)
        except Exception:  # noqa: BLE001
            self._walk = None
            self.failed.emit(self._generation, traceback.format_exc())

    def _rewind(self, trainer, steps):
        """Back to where training stood after ``steps`` batches; tells the GUI, then shows it. Batch ``steps`` is
        trained again from the state before it when that is kept, so its ΔW and gradients are shown too."""
        undo = self._undo
        if steps >= 1 and undo.back(trainer, steps - 1):
            undo.keep(trainer, tag=undo.tag)
            self._last_batch = next((e for e in trainer.step() if isinstance(e, BatchDone)), undo.tag)
        elif undo.back(trainer, steps):
            self._last_batch = undo.tag
        else:
            return
        self._batches.clear()
        self.stepped_back.emit(SteppedBack(
            self._generation, trainer.steps, trainer.epoch, trainer.samples_seen, len(trainer.dataset.y_train),
            trainer.net.weights(), trainer.history.as_arrays(), undo.back_steps(trainer)))
        self._dirty = self._last_batch is not None
        self._flush(trainer)

    def _phase_back(self, trainer):
        """One phase back in the walked batch: the batch is undone and walked again to the phase before
        (every phase is sent again, so the GUI's record holds what its captions need); before the first
        phase, the walk is undone altogether."""
        walked, self._walk = self._walk, None
        target = walked.index - 1
        if target < 0:
            self._rewind(trainer, walked.step - 1)
            return
        if not self._undo.back(trainer, walked.step - 1):  # kept before every walk: never here
            raise RuntimeError("the state before the walked batch was not kept")
        self._last_batch = self._undo.tag
        self._before_batch(trainer)
        walk = self._walk = PhaseWalk(trainer, self._generation)
        for _ in range(target + 1):
            step, _events = walk.advance()
            self.phase_reached.emit(self._generation, step)

    def _finish_walk(self, trainer):
        """Run the rest of the batch being walked; sends its end like a phase. Returns the engine's events."""
        walk, self._walk = self._walk, None
        step, events = walk.finish()
        self.phase_reached.emit(self._generation, step)
        return self._handle(trainer, events)

    def _before_batch(self, trainer):
        """Install a new optimiser if one is waiting and, stepping, paced or when due at full speed, keep the
        trainer's state (to step back to)."""
        if self._optimizer_swap is not None:  # read without the lock: a swap asked for now waits a batch at most
            self._swap_optimizer(trainer)
        if not (self._running and self._pace == 0) or self._undo.due(trainer):
            self._undo.keep(trainer, tag=self._last_batch)

    def _swap_optimizer(self, trainer):
        with self._lock:
            swap, self._optimizer_swap = self._optimizer_swap, None
        if swap is not None and swap[0] is trainer:
            trainer.net.optimizer = swap[1]

    def _full_speed(self, trainer, token):
        """Batches while the token holds and the pace is 0: ``_train_batch`` with its per-batch steps inlined (a
        small network's batch takes ~100 µs, and each Python call here is a percent of it: this loop costs ~0.4 µs
        a batch, ~1.2 µs when it called a method per batch and read the clock twice). Returns "completed" or
        "diverged" when the run ends so, None when the token or the pace changed."""
        step, undo, clock = trainer.step, self._undo, time.perf_counter
        batches, epochs = self._batches, self._epochs  # emptied in place when sent
        add = batches.append
        while token == self._token and self._pace == 0:
            if trainer.epoch >= self._epoch_limit:
                return "completed"
            if self._optimizer_swap is not None:
                self._swap_optimizer(trainer)
            now = clock()
            if now >= undo.next_due or trainer.has_pending_settings:
                undo.keep(trainer, tag=batches[-1] if batches else self._last_batch)
            events = step()
            if type(events[0]) is not BatchDone:  # diverged
                if isinstance(self._handle(trainer, events)[-1], Diverged):
                    return "diverged"
                continue
            add(events[0])
            if len(events) > 1:  # the epoch's end waits for the next update, as its batches do: at full
                epochs.append(events[1])  # speed a small epoch ends several times a second
            if now >= self._last_emit + self.min_interval:  # the clock read before the batch: one call a batch
                self._flush(trainer)
        return None

    def _train_batch(self, trainer):
        """One mini-batch; sends what it produced (throttled). Returns the engine's events."""
        self._before_batch(trainer)
        return self._handle(trainer, trainer.step())

    def _handle(self, trainer, events):
        """Send what a batch's engine events say (updates throttled); returns ``events``."""
        for event in events:
            if isinstance(event, BatchDone):
                self._note(event)
                if 0 < self._pace <= 1.0 / self.min_interval or \
                        time.perf_counter() - self._last_emit >= self.min_interval:
                    self._flush(trainer)
            elif isinstance(event, EpochDone):
                self._epochs.append(event)
                self._flush(trainer)
            elif isinstance(event, Diverged):
                self._dirty = True
                self._flush(trainer)
                self.diverged.emit(self._generation, event)
        return events

    def _note(self, batch):
        """Keep a BatchDone (its loss and place) for the next update."""
        self._batches.append(batch)
        self._last_batch = batch

    def _flush(self, trainer):
        """Send a TrainingUpdate with the batches not yet sent and copies of the weights (when there are any),
        then the epoch ends not yet sent."""
        if self._batches:
            self._last_batch, self._dirty = self._batches[-1], True
        if self._dirty and self._last_batch is not None:
            self._send_update(trainer)
        epochs = self._epochs[:]
        self._epochs.clear()
        for event in epochs:
            self.epoch_finished.emit(self._generation, event)

    def _send_update(self, trainer):
        now = time.perf_counter()
        rate = (trainer.samples_seen - self._rate_s0) / (now - self._rate_t0) if now > self._rate_t0 else 0.0
        if now - self._rate_t0 < 0.5 or rate <= 0:  # too early for a wall-clock rate
            rate = self._last_batch.samples_per_second
        remaining = max(0, self._epoch_limit * len(trainer.dataset.y_train) - trainer.samples_seen)
        eta = remaining / rate if rate > 0 else float("nan")
        update = make_update(trainer, self._generation, self._batches, self._last_batch, self._epoch_limit, eta,
                             self._undo.back_steps(trainer))
        self._batches.clear()
        self._dirty = False
        self._last_emit = now
        self.batch_finished.emit(update)
