"""The Trainer: epochs of shuffled mini-batches over a Dataset, as a stream of plain events.

Everything a view needs arrives as immutable events (BatchDone, EpochDone, Diverged, Finished, and
the phase events of engine/phases.py when stepping one phase at a time). Nothing here knows of Qt.
"""

import math
import numbers
import threading
import time
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from engine.evaluation import regression_scores
from engine.hyperparameters import LIVE_KEYS
from engine.last_good_weights import LastGoodWeights
from engine.optimizers import check_setting
from engine.phases import Loss
from engine.tasks import network_problem
from engine.training_history import TrainingHistory

_clock = time.perf_counter


class BatchDone(NamedTuple):
    """One mini-batch trained: its loss (before the step) and where training stands.

    Immutable like the other events, but a named tuple: one is made per batch, in 0.33 µs where a frozen
    dataclass takes 1.0 µs (a percent of a small network's batch). ``_replace`` makes a changed copy.
    """

    epoch: int  # 0-based epoch the batch belongs to
    batch: int  # 1-based batch number within the epoch
    n_batches: int  # batches in this epoch at the current batch size
    loss: float
    batch_size: int
    samples_seen: int  # samples trained on since the trainer was made
    samples_per_second: float  # over the current epoch so far
    step: int  # 1-based number of batches trained since the trainer was made


@dataclass(frozen=True)
class EpochDone:
    """An epoch finished: mean train loss over its batches, and the test set's loss and accuracy (or fit)."""

    epoch: int  # 0-based
    epochs: int
    train_loss: float
    test_loss: float
    test_accuracy: float  # nan for a regression
    seconds: float  # training time of this epoch (evaluation excluded)
    test_rmse: float = math.nan  # regression only: root mean squared error in the target's own units
    test_r2: float = math.nan  # regression only: R², the share of the targets' variance explained


@dataclass(frozen=True)
class Diverged:
    """The loss or the weights became NaN/inf; the last good weights were restored."""

    epoch: int
    batch: int
    message: str


@dataclass(frozen=True)
class Finished:
    """Training ended: ``reason`` is "completed", "stopped" or "diverged"."""

    reason: str
    epochs_done: int
    seconds: float


class Trainer:
    """Trains ``net`` on ``dataset`` in shuffled mini-batches; stoppable between any two batches.

    ``augment`` (optional) maps a batch of rows (n, features) float32 and a Generator to new rows.
    Hyperparameters may change from another thread with ``set_hyperparameters``; they apply from
    the next batch.
    """

    def __init__(self, net, dataset, *, batch_size=32, epochs=1, seed=0, augment=None):
        problem = network_problem(net, dataset)
        if problem:
            raise ValueError(problem)
        self.net = net
        self.dataset = dataset
        self.batch_size = check_batch_size(batch_size)
        self.epochs = int(epochs)  # epochs to run before ``run`` finishes
        self.augment = augment
        self.rng = np.random.default_rng(seed)  # shuffling and augmentation
        self.history = TrainingHistory()
        self.epoch = 0  # current epoch, 0-based
        self.batch_in_epoch = 0  # batches done in the current epoch
        self.samples_seen = 0
        self.steps = 0
        self._n_train = len(dataset.y_train)
        self._order = self.rng.permutation(self._n_train)  # the current epoch's sample order
        self._pos = 0  # next position in _order
        self._epoch_loss_sum = 0.0  # Σ loss·batch size over the current epoch
        self._epoch_seconds = 0.0
        self._gather, self._gather_capacity = None, 0  # Dataset.gatherer into a reused (n, features) buffer
        self._pending = {}  # hyperparameters set from another thread, applied at the next batch
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._good = LastGoodWeights(net)  # last weights known finite, restored on divergence

    # -- control (any thread) ---------------------------------------------------------------
    def set_hyperparameters(self, **values):
        """Queue lr, batch_size, l2, momentum, beta1, beta2, epochs changes; they apply at the next batch.

        ValueError, queueing nothing, for an unknown name or a value out of range (lr ≤ 0, epochs < 0, …).
        """
        values = _checked_hyperparameters(values)
        with self._lock:
            self._pending.update(values)

    def request_stop(self):
        """Ask ``run`` to stop after the batch in progress."""
        self._stop.set()

    @property
    def done(self):
        return self.epoch >= self.epochs

    @property
    def n_batches(self):
        """Batches in the current epoch at the current batch size: those done and those left."""
        return self.batch_in_epoch + -(-(self._n_train - self._pos) // self.batch_size)

    @property
    def epoch_started(self):
        """True before the first batch of an epoch has been drawn from its sample order."""
        return self._pos < self._n_train

    # -- state ------------------------------------------------------------------------------
    def position(self):
        """Where the run stands, cheaply (no copies; a new epoch draws a new order array), for a step back.

        Call it where the trainer trains; ``restore_position`` takes it back. The network, the optimiser and
        the random generator are the caller's to keep.
        """
        return (self.epoch, self.batch_in_epoch, self.samples_seen, self.steps, self._pos, self._epoch_loss_sum,
                self._epoch_seconds, self._order)

    def restore_position(self, position):
        """Stand where ``position()`` said; the weights now held are taken as the last good ones."""
        (self.epoch, self.batch_in_epoch, self.samples_seen, self.steps, self._pos, self._epoch_loss_sum,
         self._epoch_seconds, self._order) = position
        self._good.keep(self.net)

    def weights_before_last_batch(self):
        """[(W, b), …] as they were before the latest batch (views, valid until the next one), or None when unknown.

        Unknown before any batch, after one that diverged and after ``restore_position``/``load_state_dict``.
        The window shows each batch's change ΔW from these, at no cost per batch (see engine/last_good_weights.py).
        """
        return self._good.before()

    @property
    def has_pending_settings(self):
        """True while settings queued by ``set_hyperparameters`` wait for the next batch (a cheap hint, no lock)."""
        return bool(self._pending)

    def pending_settings(self):
        """A copy of the settings queued by ``set_hyperparameters`` and not applied yet."""
        with self._lock:
            return dict(self._pending)

    def replace_pending(self, pending):
        """Queue exactly ``pending`` (already checked, as ``pending_settings`` gave it), dropping what was queued."""
        with self._lock:
            self._pending = dict(pending or {})

    def state_dict(self):
        """What continuing exactly needs besides the network and ``history``: plain values and copies.

        Call it where the trainer trains (its thread, between two batches); ``load_state_dict`` takes it back.
        """
        with self._lock:
            pending = dict(self._pending)  # e.g. the CLI's decayed lr, queued at an epoch's end
        return {
            "epoch": self.epoch, "epochs": self.epochs, "batch_size": self.batch_size,
            "batch_in_epoch": self.batch_in_epoch, "samples_seen": self.samples_seen, "steps": self.steps,
            "n_train": self._n_train, "position": self._pos,
            "epoch_loss_sum": float(self._epoch_loss_sum), "epoch_seconds": float(self._epoch_seconds),
            "rng": self.rng.bit_generator.state,
            "order": np.array(self._order, dtype=np.int64),
            "pending": pending,
        }

    def load_state_dict(self, state):
        """Continue from ``state_dict()`` output; the network must already hold the weights saved with it.

        Everything is checked first: on ValueError (or KeyError for a missing entry) nothing has changed.
        """
        n_train = self._n_train
        if state["n_train"] != n_train:
            raise ValueError(f"{state['n_train']:,} samples per epoch, but {self.dataset.title} has {n_train:,}")
        position = state["position"]
        if not 0 <= position <= n_train:
            raise ValueError(f"position {position} past {n_train}")
        order = np.asarray(state["order"])
        if order.shape != (n_train,) or not np.array_equal(np.sort(order), np.arange(n_train)):
            raise ValueError(f"the sample order is not a permutation of {n_train:,} samples")
        rng = np.random.Generator(type(self.rng.bit_generator)())
        try:
            rng.bit_generator.state = state["rng"]
        except (TypeError, ValueError, KeyError, OverflowError) as exc:
            raise ValueError(f"random generator: {exc}") from None
        try:
            pending = _checked_hyperparameters(state["pending"])
        except (TypeError, ValueError) as exc:
            raise ValueError(f"pending settings: {exc}") from None
        batch_size = check_batch_size(state["batch_size"])
        # Everything checked: nothing below can fail halfway.
        self.rng = rng
        self.epoch, self.epochs, self.batch_size = int(state["epoch"]), int(state["epochs"]), batch_size
        self.batch_in_epoch, self.samples_seen, self.steps = (
            int(state["batch_in_epoch"]), int(state["samples_seen"]), int(state["steps"]))
        self._order, self._pos = order.astype(np.intp), int(position)
        self._epoch_loss_sum, self._epoch_seconds = float(state["epoch_loss_sum"]), float(state["epoch_seconds"])
        with self._lock:
            self._pending = pending
        self._good = LastGoodWeights(self.net)  # the restored weights are the last good ones

    # -- training ---------------------------------------------------------------------------
    def run(self):
        """Train until ``epochs`` are done or a stop is requested; yields every event."""
        self._stop.clear()
        start = time.perf_counter()
        reason = "completed"
        stopping, step = self._stop.is_set, self.step
        while self.epoch < self.epochs:  # not self.done (a property costs a call per batch)
            if stopping():
                reason = "stopped"
                break
            events = step()
            yield from events
            if type(events[-1]) is Diverged:
                reason = "diverged"
                break
        yield Finished(reason, self.epoch, time.perf_counter() - start)

    def step(self):
        """Train exactly one mini-batch; returns its events (BatchDone, then EpochDone at an epoch's end)."""
        if self._pending:
            self._apply_pending()
        t0 = _clock()
        X, labels = self._next_batch()
        loss = self.net.train_step(X, labels)  # what step_phases does, without phase events to skip
        self._epoch_seconds += _clock() - t0
        event = self._batch_done(loss, len(labels))
        return [event, self._end_epoch()] if self._pos >= self._n_train and type(event) is BatchDone else [event]

    def step_phases(self, record=True):
        """One mini-batch, yielding its phases (Forward, Loss, Backward, Update) then its events.

        ``NeuralNetwork.train_phases`` makes the same layer and optimiser calls as ``train_step``, which
        ``step`` uses, so finishing the phases leaves the network exactly as ``step`` would.
        """
        self._apply_pending()
        t0 = time.perf_counter()
        X, labels = self._next_batch()
        loss = None
        if record:
            for phase in self.net.train_phases(X, labels, record=True):
                if isinstance(phase, Loss):
                    loss = phase.value
                yield phase
        else:
            loss = self.net.train_step(X, labels)
        loss = self.net.last_loss if loss is None else loss
        self._epoch_seconds += time.perf_counter() - t0
        event = self._batch_done(loss, len(labels))
        yield event
        if type(event) is BatchDone and self._pos >= self._n_train:
            yield self._end_epoch()

    def _next_batch(self):
        pos = self._pos
        if pos >= self._n_train:
            self._new_epoch_order()
            pos = 0
        idx = self._order[pos : pos + self.batch_size]
        self._pos = pos + len(idx)
        if len(idx) > self._gather_capacity:  # the first batch, or a larger batch size
            rows = np.empty((len(idx), self.dataset.features), dtype=self.net.dtype)
            # The order is a permutation of the samples (load_state_dict checks one read from a file), so
            # the gather may skip its bounds check.
            self._gather = self.dataset.gatherer("train", rows, in_range=True)
            self._gather_capacity = len(idx)
        X, labels = self._gather(idx)
        if self.augment is not None:
            X = np.ascontiguousarray(self.augment(X.T, self.rng), dtype=self.net.dtype).T
        return X, labels

    def _new_epoch_order(self):
        self._order = self.rng.permutation(self._n_train)
        self._pos = 0

    def _batch_done(self, loss, n):
        """Count the batch just trained: its BatchDone, or Diverged (the last good weights restored)."""
        self.steps += 1
        self.batch_in_epoch += 1
        if not math.isfinite(loss) or not self._good.keep(self.net, after_batch=True):
            return self._diverged(loss)
        self.samples_seen = seen = self.samples_seen + n
        self._epoch_loss_sum += loss * n
        self.history.add_batch(loss, seen)
        pos, seconds = self._pos, self._epoch_seconds
        n_batches = self.batch_in_epoch + -(-(self._n_train - pos) // self.batch_size)  # self.n_batches, inline
        return BatchDone(self.epoch, self.batch_in_epoch, n_batches, float(loss), n, seen,
                         pos / seconds if seconds > 0 else 0.0, self.steps)  # samples per second this epoch

    def _end_epoch(self):
        test_loss, test_acc = self.evaluate("test")
        train_loss = self._epoch_loss_sum / max(self._pos, 1)
        self.history.add_epoch(train_loss, test_loss, test_acc)
        fit = (regression_scores(test_loss, self.dataset.y_test, self.dataset.target_scaling[1])
               if self.dataset.is_regression else ())
        event = EpochDone(self.epoch, self.epochs, train_loss, test_loss, test_acc, self._epoch_seconds, *fit)
        self.epoch += 1
        self.batch_in_epoch = 0
        self._epoch_loss_sum = 0.0
        self._epoch_seconds = 0.0
        self._new_epoch_order()
        return event

    def _diverged(self, loss):
        self.net.set_weights(self._good.weights())
        self._good.forget_before()
        self.net.optimizer.reset()
        what = "loss" if not np.isfinite(loss) else "weights"
        message = (f"Training diverged at epoch {self.epoch + 1}, batch {self.batch_in_epoch}: the {what} became "
                   f"{'NaN' if np.isnan(loss) else 'infinite' if not np.isfinite(loss) else 'non-finite'}. "
                   f"The last good weights were restored; try a smaller learning rate "
                   f"(now {self.net.lr:g}).")
        return Diverged(self.epoch, self.batch_in_epoch, message)

    def evaluate(self, which="test", chunk=2000):
        """(mean loss, accuracy) of the network on a split, in chunks (bounded memory); accuracy nan in regression."""
        x, y = self.dataset.split(which)
        if len(y) == 0:
            return float("nan"), float("nan")
        lossf = self.net.loss_function
        total, correct = 0.0, 0
        for start in range(0, len(y), chunk):
            X, labels = self.dataset.columns(which, start, start + chunk, dtype=self.net.dtype)
            out = self.net.infer(X)
            target = lossf.targets(labels, out.shape[0], self.net.dtype)
            total += lossf.loss(out, target) * len(labels)
            correct += int(np.sum(np.argmax(out, axis=0) == labels))
        return total / len(y), float("nan") if self.dataset.is_regression else correct / len(y)

    def _apply_pending(self):
        if not self._pending:
            return
        with self._lock:
            pending, self._pending = self._pending, {}
        opt = self.net.optimizer
        for key, value in pending.items():
            if key == "batch_size":
                self.batch_size = check_batch_size(value)
            elif key == "epochs":
                self.epochs = int(value)
            elif hasattr(opt, key):
                setattr(opt, key, float(value))


def check_batch_size(value):
    """``value`` as an int when it is a batch size the trainer takes (1 … 65536); ValueError otherwise."""
    value = int(value)
    if not 1 <= value <= 65536:
        raise ValueError(f"batch size must be between 1 and 65536, got {value}")
    return value


def _checked_hyperparameters(values):
    """``values`` for ``set_hyperparameters`` when every name is known and every value in range; ValueError else."""
    unknown = set(values) - set(LIVE_KEYS)
    if unknown:
        raise ValueError(f"unknown hyperparameter(s): {', '.join(sorted(map(str, unknown)))}")
    checked = {}
    for key, value in values.items():
        if not isinstance(value, numbers.Real) or isinstance(value, bool) or math.isnan(value):
            raise ValueError(f"{key} must be a number, got {value!r}")
        if key == "batch_size":
            check_batch_size(value)
        elif key == "epochs":
            if not 0 <= value < 2**63 or value != int(value):
                raise ValueError(f"epochs must be a whole number, 0 or more, got {value!r}")
        elif not (key == "lr" and value == math.inf):  # an infinite lr is a way to watch divergence happen
            check_setting(key, value)
        checked[key] = value
    return checked
