"""The keys the app and the CLI keep in a checkpoint's ``extra``, checked on reading with the engine's limits.

  dataset          "mnist" or a built-in 2-D set's name (a text; which names exist is the reader's business)
  dataset_params   {} for MNIST; else n, noise, seed, test_fraction within engine/data/toy_datasets.py's limits
  hyperparameters  batch, epochs, seed, lr, optimizer, augment, lr_decay, styles (as `train --out` writes them;
                   None only for augment, where it means none)
  config           a configuration (engine/run_config.py checks it where it is used)
  test_accuracy    a fraction, or None
  trainer, history engine/files/trainer_state.py checks them in full when training resumes

Every other key of ``extra`` is the caller's and passes unread. A value of the wrong type or out of range
raises ValueError, so no reader (``evaluate``, ``train --resume``, the app's File ▸ Open) can be made to
build a 60-million-point dataset or to trip over a list where a dictionary belongs.
"""

import math
import numbers

from engine.data.toy_datasets import check_toy_params
from engine.optimizers import OPTIMIZERS, check_setting
from engine.training import check_batch_size

MAX_TEXT = 1000  # characters of a text setting (a dataset name, augmentation settings)


def check_extra(extra):
    """Raise ValueError naming the first known key of ``extra`` (a dict) that holds what no writer puts there."""
    dataset = extra.get("dataset")
    if dataset is not None and not _text(dataset):
        raise ValueError(f"dataset is {_short(dataset)}, not a dataset name")
    params = extra.get("dataset_params")
    if params is not None:
        if not isinstance(params, dict):
            raise ValueError(f"dataset_params is {_short(params)}, not a dictionary")
        if params:
            try:
                check_toy_params(**{k: params[k] for k in ("n", "noise", "seed", "test_fraction") if k in params})
            except ValueError as exc:
                raise ValueError(f"dataset_params: {exc}") from None
    hyper = extra.get("hyperparameters")
    if hyper is not None:
        if not isinstance(hyper, dict):
            raise ValueError(f"hyperparameters is {_short(hyper)}, not a dictionary")
        for key, check in _HYPERPARAMETERS.items():
            if key in hyper and not (check(hyper[key]) or key == "augment" and hyper[key] is None):
                raise ValueError(f"hyperparameters: {key} is {_short(hyper[key])}")
    for key in ("config", "trainer", "history"):
        if extra.get(key) is not None and not isinstance(extra[key], dict):
            raise ValueError(f"{key} is {_short(extra[key])}, not a dictionary")
    accuracy = extra.get("test_accuracy")
    if accuracy is not None and not (finite_number(accuracy) and 0 <= accuracy <= 1):
        raise ValueError(f"test_accuracy is {_short(accuracy)}, not a fraction from 0 to 1")


def _whole(value, low, high):
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def finite_number(value):
    """True for a real number (not a bool) that is finite as a float; an int past 1e308 is not."""
    try:
        return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    except OverflowError:
        return False


def _text(value):
    return isinstance(value, str) and len(value) <= MAX_TEXT


def _passes(check, *args):
    try:
        check(*args)
    except (TypeError, ValueError):
        return False
    return True


_HYPERPARAMETERS = {
    "batch": lambda v: _whole(v, 1, 2**31) and _passes(check_batch_size, v),
    "epochs": lambda v: _whole(v, 0, 2**63 - 1),
    "seed": lambda v: _whole(v, 0, 2**63 - 1),
    "lr": lambda v: finite_number(v) and _passes(check_setting, "lr", v),
    "optimizer": lambda v: isinstance(v, str) and v in OPTIMIZERS,
    "augment": _text,
    "lr_decay": lambda v: finite_number(v) and 0 < v <= 1,
    "styles": lambda v: finite_number(v) and 0 <= v <= 1,
}


def _short(value):
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"
