"""UndoRing: the states of a Trainer before its last few batches, so training can step back bit for bit.

``keep(trainer)`` runs before each batch (where the trainer trains); ``back(trainer)`` puts the newest kept
state back: every W and b, the optimiser's step count and moments, the sample order and position, the
random generator, the counters and the loss history — exactly as they were, so training on from there
gives the very same batches and numbers. Learning rate and other live settings are not part of a state:
they stay what the controls say.

A keep costs two array copies (weights, optimiser moments, each in one call into recycled buffers) and a
few integers: a few microseconds, small beside a batch. The ring forgets everything when the optimiser is
replaced, the network's arrays change, or the loss history merges its points (after ~10⁶ batches), since
those cannot be undone exactly.
"""

import numpy as np

DEFAULT_DEPTH = 32  # batches one can step back


class _Flat:
    """Copies a fixed list of arrays into one flat buffer in one call, and back."""

    def __init__(self, arrays):
        self.arrays = arrays
        self._sources = [a.reshape(-1) for a in self.arrays]  # views of C-contiguous arrays
        dtype = np.result_type(*self.arrays) if self.arrays else np.float64
        self.buffer = np.empty(sum(a.size for a in self.arrays), dtype)

    def follows(self, arrays):
        return arrays is self.arrays or (len(arrays) == len(self.arrays) and all(map(_same, arrays, self.arrays)))

    def take(self):
        if self._sources:
            np.concatenate(self._sources, out=self.buffer)

    def give_back(self, targets=None):
        """Copy the buffer into ``targets`` (arrays shaped like the ones taken; by default those)."""
        at = 0
        for array in self.arrays if targets is None else targets:
            np.copyto(array, self.buffer[at : at + array.size].reshape(array.shape))
            at += array.size


class _State:
    """One kept state (see the module docstring); its buffers are reused when the ring wraps."""

    def __init__(self, arrays, n_layers):
        self.arrays = _Flat(arrays)  # every W and b, then the optimiser's moments
        views, at = [], 0
        for array in arrays[: 2 * n_layers]:
            views.append(self.arrays.buffer[at : at + array.size].reshape(array.shape))
            at += array.size
        self.weights = list(zip(views[:n_layers], views[n_layers:]))  # [(W, b), …] as kept
        self.t = 0
        self.counters = None  # epoch, batch_in_epoch, samples_seen, steps, position, loss sum, seconds
        self.order = None  # the epoch's sample order (the trainer replaces it, never changes it)
        self.rng = None
        self.history = None  # (len, tail, last value) of both batch series, and the epochs' count
        self.tag = None  # what the caller kept with it (e.g. the batch before)


class UndoRing:
    """The last ``depth`` states of one trainer, newest last; see the module docstring."""

    def __init__(self, depth=DEFAULT_DEPTH):
        self.depth = int(depth)
        self._states = []  # newest last
        self._spare = []  # states dropped, whose buffers the next keep reuses
        self._optimizer = None
        self._stride = None
        self._cached = None  # the arrays a state copies, while they stay the same
        self._rng = (None, None)  # ((generator, epoch), its state then)

    def __len__(self):
        return len(self._states)

    def __repr__(self):
        return f"UndoRing({len(self)}/{self.depth} states)"

    def clear(self):
        self._spare.extend(self._states)
        self._states = []

    def keep(self, trainer, tag=None):
        """Remember ``trainer``'s state now (before a batch); the oldest goes when ``depth`` are kept."""
        opt, history = trainer.net.optimizer, trainer.history
        if opt is not self._optimizer or history.batch_loss.stride != self._stride:
            self.clear()
            self._spare = []
            self._optimizer, self._stride = opt, history.batch_loss.stride
        arrays = self._arrays(trainer.net)
        state = self._recycled(arrays, len(trainer.net.layers))
        state.arrays.take()
        state.t = opt.t
        state.counters = (trainer.epoch, trainer.batch_in_epoch, trainer.samples_seen, trainer.steps, trainer._pos,
                          trainer._epoch_loss_sum, trainer._epoch_seconds)
        state.order = trainer._order
        state.rng = self._rng_state(trainer)
        state.history = (_series_mark(history.batch_loss), _series_mark(history.batch_samples),
                         len(history.epoch_train_loss))
        state.tag = tag
        self._states.append(state)

    def _rng_state(self, trainer):
        """The random generator's state. Without augmentation it only moves when an epoch's order is drawn, so
        the state read at the start of an epoch serves every batch of it (reading it costs microseconds)."""
        key = (trainer.rng, trainer.epoch)
        if trainer.augment is None and trainer._pos < trainer._n_train and self._rng[0] == key:
            return self._rng[1]
        state = trainer.rng.bit_generator.state
        self._rng = (key, state)
        return state

    def _arrays(self, net):
        """Every W and b, then the optimiser's moments of each (the same list while none of them changes)."""
        cached, opt = self._cached, net.optimizer
        layers = net.layers
        if cached is not None and cached[0] is layers[0].W and cached[2 * len(layers) - 1] is layers[-1].b and (
                not opt.n_slots or opt._state.get(id(layers[0].W), (None, None))[1] is cached[2 * len(layers)]):
            return cached
        params = [layer.W for layer in layers] + [layer.b for layer in layers]
        self._cached = params + ([s for p in params for s in opt._slots(p)[1:]] if opt.n_slots else [])
        return self._cached

    def _recycled(self, arrays, n_layers):
        if len(self._states) >= self.depth:
            self._spare.append(self._states.pop(0))
        while self._spare:
            state = self._spare.pop()
            if state.arrays.follows(arrays):
                return state
        return _State(arrays, n_layers)

    @property
    def weights_before(self):
        """[(W, b), …] as the newest state holds them (views, valid until the next keep): the weights before
        the latest batch. None when nothing is kept."""
        return self._states[-1].weights if self._states else None

    @property
    def newest_tag(self):
        """The tag kept with the newest state (None when nothing is kept)."""
        return self._states[-1].tag if self._states else None

    def back(self, trainer):
        """Put the newest kept state back into ``trainer`` and forget it; False when there was none to put back."""
        if not self._states:
            return False
        state = self._states[-1]
        opt = trainer.net.optimizer
        arrays = self._arrays(trainer.net)
        if opt is not self._optimizer or len(arrays) != len(state.arrays.arrays):
            self.clear()
            return False
        self._states.pop()
        self._spare.append(state)
        # Into today's arrays: the moments are new ones when the optimiser was reset (a divergence), same shapes.
        state.arrays.give_back(arrays)
        opt.t = state.t
        (trainer.epoch, trainer.batch_in_epoch, trainer.samples_seen, trainer.steps, trainer._pos,
         trainer._epoch_loss_sum, trainer._epoch_seconds) = state.counters
        trainer._order = state.order
        trainer.rng.bit_generator.state = state.rng
        loss_mark, samples_mark, epochs = state.history
        history = trainer.history
        _rewind_series(history.batch_loss, loss_mark)
        _rewind_series(history.batch_samples, samples_mark)
        for name in ("epoch_train_loss", "epoch_test_loss", "epoch_test_accuracy"):
            del getattr(history, name)[epochs:]
        trainer._good.keep(trainer.net)  # the restored weights are the last good ones
        return True


def _same(a, b):
    return a is b


def _series_mark(series):
    n = len(series)
    return n, series.tail, (series._values[n - 1] if n else None)


def _rewind_series(series, mark):
    n, tail, last = mark
    series._n, series.tail = n, tail
    if n:
        series._values[n - 1] = last
