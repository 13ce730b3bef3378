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
        self._good = _LastGoodWeights(net)  # last weights known finite, restored on divergence

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
        The window shows each batch's change ΔW from these, at no cost per batch (see _LastGoodWeights).
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
        self._good = _LastGoodWeights(self.net)  # the restored weights are the last good ones

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


SUM_BLOCK = 2048  # parameters summed by one row of _LastGoodWeights' finiteness check …
SUM_BLOCKS_FROM = 65536  # … once there are this many (below, one dot with ones costs fewer calls)


class _LastGoodWeights:
    """The network's weights as of the last batch after which every W and b was finite.

    All W and b live in one flat array (the network's ParameterBuffer), so a batch costs a few calls: a sum
    tests it, and only a finite one is copied in. On a small network each NumPy call costs about as much as
    its arithmetic. Two copies take turns, so the one before is the weights before the latest batch: the
    window shows each batch's change ΔW from it without copying anything more.

    On a large network the sum reads the parameters once: blocks of SUM_BLOCK times one short row of ones (a
    BLAS matrix-vector product), then the partial sums. A dot with a row of ones as long as the parameters read twice as much,
    and that row took room in the CPU's cache from the weights: a 784-128-64-10 batch of 128 took 36 µs to
    check and copy, of 806 µs.
    """

    def __init__(self, net):
        self._good = None  # flat copy of the ParameterBuffer (of W₁, W₂, …, b₁, b₂, … for mixed dtypes)
        self._previous = None  # the good copy before it: the weights before the latest batch, when _after_batch
        self._after_batch = False  # True when the latest keep followed a batch from the good copy before it
        self._params = None  # the ParameterBuffer followed (None: a concatenation, for mixed dtypes)
        self._shapes = None  # [(W shape, b shape), …]
        self._follow(net, *self._flat(net))

    @staticmethod
    def _flat(net):
        """(every W, then every b, as one flat array; the ParameterBuffer it is, or None for a concatenation)."""
        params = net.parameter_buffer()
        if params is not None:
            return params.values, params
        layers = net.layers  # mixed dtypes: no buffer
        return np.concatenate([layer.W.ravel() for layer in layers] + [layer.b.ravel() for layer in layers]), None

    def _follow(self, net, flat, params):
        """Follow ``net``'s parameters; a new size or dtype makes the present weights the good ones."""
        self._params, self._shapes = params, [(layer.W.shape, layer.b.shape) for layer in net.layers]
        if self._good is None or self._good.shape != flat.shape or self._good.dtype != flat.dtype:
            self._good, self._previous, self._after_batch = flat.copy(), np.empty_like(flat), False
            # Up to SUM_BLOCKS_FROM parameters one dot with ones as long as them (one call: a small network's
            # batch notices every call); beyond, blocks.
            self._ones = np.ones(flat.size if flat.size < SUM_BLOCKS_FROM else SUM_BLOCK, flat.dtype)
            self._partial = np.empty(flat.size // SUM_BLOCK, flat.dtype)
        self._blocks = None  # (flat, its whole blocks as rows, the rest, ones as long as the rest): see _sum

    def _sum(self, flat):
        """Σ flat (its dtype's arithmetic): non-finite iff an element is, or the sum passes the dtype's range."""
        ones = self._ones
        if ones.size == flat.size:
            return np.dot(flat, ones)
        blocks = self._blocks
        if blocks is None or blocks[0] is not flat:
            rows = flat.size // SUM_BLOCK
            rest = flat[rows * SUM_BLOCK :]
            blocks = (flat, flat[: rows * SUM_BLOCK].reshape(rows, SUM_BLOCK), rest, ones[: rest.size])
            if flat is self._params_values():
                self._blocks = blocks  # the ParameterBuffer's: the same array every batch
        _, whole, rest, rest_ones = blocks
        np.dot(whole, ones, self._partial)
        return np.add.reduce(self._partial) + np.dot(rest, rest_ones)

    def _params_values(self):
        return None if self._params is None else self._params.values

    def keep(self, net, after_batch=False):
        """If every W and b is finite, copy them in as the good weights and return True; else return False.

        ``after_batch``: they are the weights one batch after the good ones (so ``before`` can tell ΔW).
        """
        params = net.parameter_buffer()
        if params is not None and params is self._params:
            flat = params.values
        else:
            flat, params = self._flat(net)
            self._follow(net, flat, params)
        # Σ of all W and b is non-finite iff some element is, or the parameters are ~1e38, which is divergence
        # too. (Σ w² would call weights of 1e20 non-finite: a huge learning rate's first batch is good, and
        # shown, before its second fails.)
        if not math.isfinite(self._sum(flat)):
            self._after_batch = False
            return False
        spare = self._previous
        np.copyto(spare, flat)
        self._previous, self._good, self._after_batch = self._good, spare, after_batch
        return True

    def weights(self):
        """[(W, b), …] views of the good copy, as ``NeuralNetwork.set_weights`` takes them."""
        return self._pairs(self._good)

    def before(self):
        """[(W, b), …] views of the weights before the latest batch, or None when that is not known."""
        return self._pairs(self._previous) if self._after_batch else None

    def forget_before(self):
        """The weights now are not one batch after the good ones before (a diverged batch was undone)."""
        self._after_batch = False

    def _pairs(self, flat):
        if self._params is not None:
            return self._params.pairs(flat)
        pairs, shapes = [], self._shapes
        w, b = 0, sum(math.prod(shape_W) for shape_W, _ in shapes)  # the W part comes first
        for shape_W, shape_b in shapes:
            nW, nb = math.prod(shape_W), math.prod(shape_b)
            pairs.append((flat[w : w + nW].reshape(shape_W), flat[b : b + nb].reshape(shape_b)))
            w, b = w + nW, b + nb
        return pairs


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
