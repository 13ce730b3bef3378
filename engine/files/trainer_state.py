"""Exact resume: what a Trainer needs to continue bit for bit, stored in a checkpoint's ``extra``.

A checkpoint already holds the network and its optimiser state (engine/files/checkpoint.py). For training
to continue exactly as if it had never stopped — mid-epoch too — the trainer adds:

  extra["trainer"]  version, epoch, epochs, batch_size, batch_in_epoch, samples_seen, steps, n_train,
                    position (next index into ``order``), epoch_loss_sum, epoch_seconds,
                    rng (the bit generator's state; its big integers as decimal strings, so any JSON
                    reader keeps them exact), order (int64 array: this epoch's sample order),
                    pending (hyperparameters set for the next batch, not applied yet: lr, batch_size, …)
  extra["history"]  TrainingHistory.as_arrays(): batch_loss, batch_samples, epoch_* curves, and batch_stride
                    or epoch_stride once a long run's curves have merged points (engine/thinned_series.py)

``capture`` must run where the trainer trains (its thread, between two batches).
"""

import os

import numpy as np

from engine.files.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from engine.files.checkpoint_extra import finite_number
from engine.training import Trainer, TrainingHistory, check_batch_size

STATE_VERSION = 1  # of extra["trainer"]; readers refuse newer ones
_COUNTERS = ("epoch", "epochs", "batch_size", "batch_in_epoch", "samples_seen", "steps", "n_train", "position")
_HISTORY_KEYS = tuple(vars(TrainingHistory()))
_GRID_KEYS = ("batch_stride", "epoch_stride")  # present once a long run's curves have merged points


def capture(trainer):
    """{"trainer": …, "history": …} for ``extra``: copies, so training may go on at once."""
    state = trainer.state_dict()
    state.update(
        version=STATE_VERSION,
        rng=_ints_to_text(state["rng"]),
        pending={k: (v.item() if isinstance(v, np.generic) else v) for k, v in state["pending"].items()},
    )
    return {"trainer": state, "history": trainer.history.as_arrays()}


def save_training(path, trainer, *, extra=None):
    """Write ``trainer``'s network, optimiser and exact training state (plus ``extra``) to ``path`` atomically."""
    extra = dict(extra or {})
    extra.update(capture(trainer))
    save_checkpoint(path, trainer.net, extra=extra)


def has_state(extra):
    """True when a checkpoint's ``extra`` holds a trainer's state (files made by `train --out` hold none)."""
    return isinstance(extra, dict) and "trainer" in extra


def resume(net, dataset, extra, *, name="checkpoint", augment=None):
    """A Trainer for ``net`` on ``dataset`` that continues exactly where the saved one stopped.

    ``net`` comes from the same checkpoint (weights and optimiser state). Raises CheckpointError naming
    ``name`` when the state is missing, damaged, newer than this version, or made on other data.
    """
    state = _checked_state(extra, name)
    try:
        trainer = Trainer(net, dataset, batch_size=state["batch_size"], epochs=state["epochs"], augment=augment)
    except ValueError as exc:
        raise CheckpointError(f"{name}: does not fit {dataset.title} ({exc})") from None
    restore(trainer, extra, name=name)
    return trainer


def load_training(path, dataset, *, augment=None):
    """(trainer, extra) from a file written by ``save_training``, ready to continue on ``dataset``."""
    net, extra = load_checkpoint(path)
    return resume(net, dataset, extra, name=_name(path), augment=augment), extra


def restore(trainer, extra, *, name="checkpoint"):
    """Put a saved state into ``trainer`` (whose network holds the saved weights); all checks come first."""
    state = _checked_state(extra, name)
    n_train = len(trainer.dataset.y_train)
    if state["n_train"] != n_train:
        raise CheckpointError(f"{name}: was trained on {state['n_train']:,} samples per epoch, but "
                              f"{trainer.dataset.title} has {n_train:,}; it belongs to other data")
    history = _checked_history(extra.get("history"), state, name)
    pending = state.get("pending", {})
    if not isinstance(pending, dict) or not all(finite_number(v) for v in pending.values()):
        raise CheckpointError(f"{name}: corrupt trainer state (pending settings: {str(pending)[:80]})")
    try:
        rng = _text_to_ints(state["rng"])
    except ValueError as exc:
        raise CheckpointError(f"{name}: corrupt trainer state (random generator: {exc})") from None
    try:
        trainer.load_state_dict({**state, "rng": rng, "pending": pending})  # changes nothing when it refuses
    except (KeyError, TypeError, ValueError) as exc:
        raise CheckpointError(f"{name}: corrupt trainer state ({exc})") from None
    trainer.history = history


def _checked_state(extra, name):
    state = extra.get("trainer") if isinstance(extra, dict) else None
    if state is None:
        raise CheckpointError(f"{name}: holds a network but no training state, so training cannot resume exactly")
    if not isinstance(state, dict):
        raise CheckpointError(f"{name}: corrupt trainer state (not a dictionary)")
    version = state.get("version")
    if not _is_int(version) or version < 1:
        raise CheckpointError(f"{name}: corrupt trainer state (version {version!r})")
    if version > STATE_VERSION:
        raise CheckpointError(f"{name}: its training state was made by a newer version of Backprop Studio "
                              f"(state {version}); this version reads state {STATE_VERSION}")
    for key in _COUNTERS:
        if not _is_int(state.get(key)) or state[key] < 0:
            raise CheckpointError(f"{name}: corrupt trainer state ({key} is {state.get(key)!r})")
    try:
        check_batch_size(state["batch_size"])
    except ValueError as exc:
        raise CheckpointError(f"{name}: corrupt trainer state ({exc})") from None
    for key in ("epoch_loss_sum", "epoch_seconds"):
        value = state.get(key)
        if not finite_number(value):
            raise CheckpointError(f"{name}: corrupt trainer state ({key} is {value!r})")
    order = state.get("order")
    if not isinstance(order, np.ndarray) or order.dtype.kind not in "iu" or order.ndim != 1:
        raise CheckpointError(f"{name}: corrupt trainer state (no sample order)")
    if not isinstance(state.get("rng"), dict):
        raise CheckpointError(f"{name}: corrupt trainer state (no random generator state)")
    return state


def _checked_history(arrays, state, name):
    """A TrainingHistory from saved curves whose lengths agree with each other and with the epoch counter."""
    if not isinstance(arrays, dict) or not set(_HISTORY_KEYS) <= set(arrays) <= {*_HISTORY_KEYS, *_GRID_KEYS}:
        raise CheckpointError(f"{name}: corrupt training history (expected {', '.join(_HISTORY_KEYS)})")
    for key, value in arrays.items():
        if not isinstance(value, np.ndarray) or value.ndim != 1 or value.dtype.kind != "f":
            raise CheckpointError(f"{name}: corrupt training history ({key} is not a list of numbers)")
    n_epochs = len(arrays["epoch_train_loss"])
    if len(arrays["batch_samples"]) != len(arrays["batch_loss"]) or any(
            len(arrays[k]) != n_epochs for k in ("epoch_test_loss", "epoch_test_accuracy")):
        raise CheckpointError(f"{name}: corrupt training history (its curves' lengths disagree)")
    history = TrainingHistory()
    try:
        history.load_arrays(arrays)  # merges an old file's longer curves to fit, as training would have
    except ValueError as exc:
        raise CheckpointError(f"{name}: corrupt training history ({exc})") from None
    if history.epochs != state["epoch"]:
        raise CheckpointError(f"{name}: corrupt training history (its curves' lengths disagree: "
                              f"{history.epochs} epochs, but the trainer has done {state['epoch']})")
    return history


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _ints_to_text(value):
    """The bit generator's state with every integer as a decimal string (128-bit values stay exact)."""
    if isinstance(value, dict):
        return {k: _ints_to_text(v) for k, v in value.items()}
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return str(int(value))
    return value


def _text_to_ints(value):
    if isinstance(value, dict):
        return {k: (v if k == "bit_generator" else _text_to_ints(v)) for k, v in value.items()}
    if isinstance(value, str):
        if not value.isdigit() or len(value) > 60:
            raise ValueError(f"{value[:20]!r} is not a state number")
        return int(value)
    raise ValueError(f"unexpected {type(value).__name__} in the state")


def _name(path):
    return os.path.basename(os.fspath(path))
