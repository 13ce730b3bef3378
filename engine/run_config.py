"""A training setup as a small readable JSON file, to share it; strict reading with clear errors.

    {
      "format": "backprop-studio-config",
      "version": 1,
      "dataset": "spirals",
      "hidden": [8, 8],
      "activations": ["tanh", "tanh"],
      "loss": "ce",
      "optimizer": "adam",
      "lr": 0.03,
      "momentum": 0.9,
      "beta1": 0.9,
      "beta2": 0.999,
      "batch_size": 16,
      "epochs": 100,
      "l2": 0.0,
      "seed": 0,
      "init": "auto"
    }

"format", "version" and "dataset" are required; any other key may be left out (the app then uses
that dataset's default). "hidden" and "activations" come together, one activation per hidden layer.
Unknown keys, values of the wrong type or outside the ranges of engine/hyperparameters.py, duplicated
keys, NaN, files over 64 kB and text that is not UTF-8 JSON are refused with a ConfigError naming the
file and the key; reading never raises anything else.
"""

import difflib
import json
import os

from engine.activations import ACTIVATIONS
from engine.data.toy_datasets import REGRESSION_DATASETS, TOY_DATASETS
from engine.files.atomic_file import write_atomic
from engine.hyperparameters import (  # noqa: F401 - part of the format's limits
    CONFIG_CHOICES,
    CONFIG_NUMBERS,
    HYPERPARAMETERS,
    MAX_HIDDEN,
    MAX_NEURONS,
    check_layers,
    short,
)
from engine.losses import LOSSES
from engine.optimizers import OPTIMIZERS

FORMAT_ID = "backprop-studio-config"
CONFIG_VERSION = 1  # bump when the meaning of a key changes; readers refuse newer files
MAX_BYTES = 64 * 1024  # a configuration is a few hundred bytes; anything this big is not one
DATASETS = ("mnist", *TOY_DATASETS, *REGRESSION_DATASETS, "csv")  # "csv": a person's table, named in a checkpoint

# key → (kind, low, high): the ranges of engine/hyperparameters.py, which the controls accept too
NUMBERS = {key: (HYPERPARAMETERS[key].kind, HYPERPARAMETERS[key].low, HYPERPARAMETERS[key].high)
           for key in CONFIG_NUMBERS}
CHOICES = {"dataset": DATASETS, "loss": tuple(LOSSES), "optimizer": tuple(OPTIMIZERS),
           **{key: HYPERPARAMETERS[key].choices for key in CONFIG_CHOICES}}
KEYS = ("format", "version", "dataset", "hidden", "activations", "loss", "optimizer", *NUMBERS, *CONFIG_CHOICES)


class ConfigError(ValueError):
    """A configuration file cannot be read or written; the message names the file and what is wrong."""


# -- reading ----------------------------------------------------------------------------------------
def read_config(path):
    """The settings in a configuration file, as a dict of checked values (see the module docstring)."""
    path = os.fspath(path)
    name = os.path.basename(path) or path
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f"{name}: file not found at {path}") from None
    except IsADirectoryError:
        raise ConfigError(f"{name}: is a folder, not a configuration file") from None
    except OSError as exc:
        raise ConfigError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    return parse_config(data, name)


def parse_config(data, name="configuration"):
    """Checked settings from the bytes (or text) of a configuration file; ConfigError when unusable."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if len(data) > MAX_BYTES:
        raise ConfigError(f"{name}: too large for a configuration file (over {MAX_BYTES // 1024} kB)")
    if not data.strip():
        raise ConfigError(f"{name}: the file is empty; not a configuration file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{name}: not a configuration file (not UTF-8 text)") from None
    try:
        values = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except _Duplicate as exc:
        raise ConfigError(f"{name}: the key {_short(exc.args[0])} appears twice") from None
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, NaN/Infinity, over-long integers, nesting
        raise ConfigError(f"{name}: not a configuration file (not valid JSON: {_short_text(exc)})") from None
    if not isinstance(values, dict):
        raise ConfigError(f"{name}: not a configuration file (expected a JSON object {{…}})")
    return check_config(values, name)


def check_config(values, name="configuration"):
    """``values`` checked and normalised (ints as int, numbers as float); ConfigError on the first problem."""
    if values.get("format") != FORMAT_ID:
        raise ConfigError(f"{name}: not a Backprop Studio configuration (\"format\" must be \"{FORMAT_ID}\")")
    version = values.get("version")
    if not _is_int(version) or version < 1:
        raise ConfigError(f"{name}: \"version\" must be a whole number ≥ 1, got {_short(version)}")
    if version > CONFIG_VERSION:
        raise ConfigError(f"{name}: made by a newer version of Backprop Studio (configuration version {version}); "
                          f"this version reads version {CONFIG_VERSION}")
    unknown = [k for k in values if k not in KEYS]
    if unknown:
        key = unknown[0]
        near = difflib.get_close_matches(str(key), KEYS, n=1)
        hint = f"; did you mean \"{near[0]}\"?" if near else f"; known keys: {', '.join(KEYS[2:])}"
        raise ConfigError(f"{name}: unknown key {_short(key)}{hint}")
    if "dataset" not in values:
        raise ConfigError(f"{name}: \"dataset\" is missing (one of {', '.join(DATASETS)})")
    out = {}
    for key, choices in CHOICES.items():
        if key in values:
            value = values[key]
            if not isinstance(value, str) or value not in choices:
                raise ConfigError(f"{name}: \"{key}\" must be one of {', '.join(choices)}; got {_short(value)}")
            out[key] = value
    out.update(_check_layers(values, name))
    for key in NUMBERS:
        if key in values:
            out[key] = _check_number(key, values[key], name)
    return out


def _check_layers(values, name):
    has_hidden, has_acts = "hidden" in values, "activations" in values
    if not has_hidden and not has_acts:
        return {}
    if has_hidden != has_acts:
        missing = "activations" if has_hidden else "hidden"
        raise ConfigError(f"{name}: \"{missing}\" is missing; \"hidden\" and \"activations\" come together")
    hidden, acts = values["hidden"], values["activations"]
    problem = check_layers(hidden, acts, tuple(ACTIVATIONS))
    if problem:
        raise ConfigError(f"{name}: {problem}")
    return {"hidden": list(hidden), "activations": list(acts)}


def _check_number(key, value, name):
    hp = HYPERPARAMETERS[key]
    if hp.kind is int and not _is_int(value):  # 3.0 is no whole number in a file
        raise ConfigError(f"{name}: \"{key}\" must be {hp.range_text()}, got {_short(value)}")
    try:
        return hp.check(value)
    except ValueError:
        raise ConfigError(f"{name}: \"{key}\" must be {hp.range_text()}, got {_short(value)}") from None


# -- writing ----------------------------------------------------------------------------------------
def config_text(values):
    """The file's text for ``values`` (checked first): format and version first, one key a line."""
    doc = {"format": FORMAT_ID, "version": CONFIG_VERSION}
    doc.update({k: v for k, v in values.items() if k not in ("format", "version")})
    checked = check_config(doc)
    ordered = {"format": FORMAT_ID, "version": CONFIG_VERSION}
    ordered.update({k: checked[k] for k in KEYS if k in checked})
    lines = [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in ordered.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def write_config(path, values):
    """Write ``values`` as a configuration file, atomically (a temporary file, then a rename)."""
    path = os.fspath(path)
    name = os.path.basename(path) or path
    try:
        text = config_text(values)
    except ConfigError as exc:
        raise ConfigError(f"{name}: not saved; {str(exc).partition(': ')[2]}") from None
    try:
        write_atomic(path, lambda fh: fh.write(text.encode("utf-8")))
    except OSError as exc:
        raise ConfigError(f"{name}: cannot be written ({exc.strerror or exc})") from None


# -- helpers ----------------------------------------------------------------------------------------
class _Duplicate(Exception):
    pass


def _no_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise _Duplicate(key)
        seen[key] = value
    return seen


def _no_constant(token):
    raise ValueError(f"{token} is not a number a configuration may hold")


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


_short = short


def _short_text(exc, limit=100):
    text = str(exc)
    return text if len(text) <= limit else text[: limit - 1] + "…"
