"""UndoRing: kept states of a Trainer, so training can go back batch by batch, bit for bit.

``keep(trainer)`` (before a batch, where the trainer trains) copies every W and b and the optimiser's
moments (one call into a recycled buffer), its step count and settings, the sample order and position, the
random generator, the counters and marks of the loss history. ``back(trainer, steps)`` puts the trainer
back to where it stood after ``steps`` batches: from the newest kept state at or before that, training the
batches in between again. Training is deterministic — the same weights, moments, order, generator and
settings give the same numbers — so the result is exactly what it was, and training on gives the very same
batches again.

Keeping a state costs a few microseconds plus copying the parameters three times (Adam): stepping by hand
or at a watched pace keeps one before every batch; at full speed ``due`` keeps one every KEEP_EVERY
seconds (and before any batch that takes new settings), so going back from there trains up to that long
again. Live settings (learning rate, batch size, …) are the controls' and stay as they are after going
back. The ring forgets everything when the optimiser is replaced or the loss history merges its points
(after ~10⁶ batches), since those cannot be undone exactly.
"""

import time

import numpy as np

from engine.training import BatchDone

DEFAULT_DEPTH = 32  # states kept at most
DEFAULT_MAX_BYTES = 64 * 2**20  # and fewer when their arrays would take more memory than this
KEEP_EVERY = 0.05  # seconds between two states kept at full speed (a 784-128-64-10 Adam state: ~0.3 ms to keep)


class _Flat:
    """Copies a fixed list of arrays into one flat buffer in one call, and back."""

    def __init__(self, arrays):
        self.arrays = arrays
        # Flat views of C-contiguous arrays; None for a strided one (W in a [W | b] block), read anew each take.
        self._sources = [a.reshape(-1) if a.flags.c_contiguous else None for a in arrays]
        self._strided = any(view is None for view in self._sources)
        dtype = np.result_type(*arrays) if arrays else np.float64
        self.buffer = np.empty(sum(a.size for a in arrays), dtype)

    def follows(self, arrays):
        return arrays is self.arrays or (len(arrays) == len(self.arrays) and all(map(_same, arrays, self.arrays)))

    def take(self):
        if self._sources:
            sources = self._sources
            if self._strided:
                sources = [a.ravel() if view is None else view for view, a in zip(sources, self.arrays)]
            np.concatenate(sources, out=self.buffer)

    def give_back(self, targets):
        """Copy the buffer into ``targets`` (arrays shaped like the ones taken)."""
        at = 0
        for array in targets:
            np.copyto(array, self.buffer[at : at + array.size].reshape(array.shape))
            at += array.size


class _State:
    """One kept state (see the module docstring); its buffer is reused when the ring wraps."""

    def __init__(self, arrays):
        self.arrays = _Flat(arrays)  # every W and b, then the optimiser's moments
        self.steps = 0  # batches trained when it was kept
        self.t = 0  # the optimiser's step count
        self.settings = None  # the optimiser's settings and the batch size, then the settings waiting
        self.position = None  # Trainer.position(): counters, place in the epoch, its sample order (not copied)
        self.rng = None
        self.history = None  # TrainingHistory.mark(): where each loss curve stood
        self.tag = None  # what the caller kept with it (e.g. the latest BatchDone)


class UndoRing:
    """Kept states of one trainer, oldest first; see the module docstring."""

    def __init__(self, depth=DEFAULT_DEPTH, max_bytes=DEFAULT_MAX_BYTES):
        self.depth = int(depth)
        self.max_bytes = int(max_bytes)
        self._states = []  # oldest first
        self._spare = []  # states dropped, whose buffers the next keep reuses
        self._optimizer = None
        self._stride = None
        self._cached = None  # the arrays a state copies, while they stay the same
        self._rng = (None, None)  # ((generator, epoch), its state then)
        self.next_due = float("-inf")  # perf_counter() from which a run at full speed keeps a state again
        self.tag = None  # after ``back``: the tag of where training stands now (the latest BatchDone)

    def __len__(self):
        return len(self._states)

    def __repr__(self):
        return f"UndoRing({len(self)}/{self.depth} states)"

    def clear(self):
        self._spare.extend(self._states)
        self._states = []

    def back_steps(self, trainer):
        """How many batches ``trainer`` can go back."""
        return trainer.steps - self._states[0].steps if self._states else 0

    def due(self, trainer):
        """True when a run at full speed should keep a state before the next batch (see the module docstring)."""
        return trainer.has_pending_settings or time.perf_counter() >= self.next_due

    def keep(self, trainer, tag=None):
        """Remember ``trainer``'s state now (before a batch); the oldest goes when the ring is full."""
        opt, history = trainer.net.optimizer, trainer.history
        strides = tuple(series.stride for series in history.series())
        if opt is not self._optimizer or strides != self._stride:  # a merge: older marks cannot be rewound
            self.clear()
            self._spare = []
            self._optimizer, self._stride = opt, strides
        arrays = self._arrays(trainer.net)
        state = self._recycled(arrays)
        state.arrays.take()
        state.steps, state.t = trainer.steps, opt.t
        state.settings = (opt.settings(), trainer.batch_size, trainer.pending_settings() or None)
        state.position = trainer.position()
        state.rng = self._rng_state(trainer)
        state.history = history.mark()
        state.tag = tag
        self._states.append(state)
        self.next_due = time.perf_counter() + KEEP_EVERY

    def _rng_state(self, trainer):
        """The random generator's state. Without augmentation it only moves when an epoch's order is drawn, so
        the state read at the start of an epoch serves every batch of it (reading it costs microseconds)."""
        key = (trainer.rng, trainer.epoch)
        if trainer.augment is None and trainer.epoch_started and self._rng[0] == key:
            return self._rng[1]
        state = trainer.rng.bit_generator.state
        self._rng = (key, state)
        return state

    def _arrays(self, net):
        """Every W and b, then the optimiser's moments of each (the same list while none of them changes)."""
        cached, opt = self._cached, net.optimizer
        layers = net.layers
        if cached is not None and cached[0] is layers[0].W and cached[2 * len(layers) - 1] is layers[-1].b and (
                not opt.n_slots or opt.slot_arrays(layers[0].W)[0] is cached[2 * len(layers)]):
            return cached
        params = [layer.W for layer in layers] + [layer.b for layer in layers]
        self._cached = params + [s for p in params for s in opt.slot_arrays(p)]
        return self._cached

    def _recycled(self, arrays):
        size = max(1, sum(a.nbytes for a in arrays))
        while self._states and len(self._states) >= max(2, min(self.depth, self.max_bytes // size)):
            self._spare.append(self._states.pop(0))
        while self._spare:
            state = self._spare.pop()
            if state.arrays.follows(arrays):
                return state
        return _State(arrays)

    def back(self, trainer, steps):
        """Put ``trainer`` back to where it stood after ``steps`` batches; False (nothing changed) when no state
        that early is kept. ``tag`` then holds the tag of that moment: the one kept, or the last BatchDone
        of the batches trained again."""
        opt = trainer.net.optimizer
        if opt is not self._optimizer:
            self.clear()
        while self._states and self._states[-1].steps > steps:
            self._spare.append(self._states.pop())
        if not self._states:
            return False
        state = self._states[-1]
        now = (opt.settings(), trainer.batch_size, trainer.pending_settings())
        self._restore(trainer, state)
        tag = state.tag
        for _ in range(steps - state.steps):  # the batches after the state, trained again
            events = trainer.step()
            tag = next((e for e in events if isinstance(e, BatchDone)), tag)
        if state.steps == steps:  # training stands where it was kept: that state is the present now
            self._spare.append(self._states.pop())
        settings, batch_size, pending = now  # the controls' settings, as they were
        _set_settings(opt, settings)
        trainer.batch_size = batch_size
        trainer.replace_pending(pending)
        self.tag = tag
        return True

    def _restore(self, trainer, state):
        opt, history = trainer.net.optimizer, trainer.history
        # Into today's arrays: the moments are new ones when the optimiser was reset (a divergence), same shapes.
        state.arrays.give_back(self._arrays(trainer.net))
        opt.t = state.t
        settings, trainer.batch_size, pending = state.settings
        _set_settings(opt, settings)
        trainer.replace_pending(pending)
        trainer.rng.bit_generator.state = state.rng
        history.rewind(state.history)
        trainer.restore_position(state.position)  # the restored weights become the last good ones


def _set_settings(opt, settings):
    for key, value in settings.items():
        setattr(opt, key, value)


def _same(a, b):
    return a is b
