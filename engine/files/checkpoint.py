"""Checkpoints: a network, its optimiser state and caller data in one .npz file (no pickle).

Layout of the archive (every entry a plain NumPy array; nothing is pickled):
  meta        0-d unicode array holding JSON: format id, version, architecture, optimiser, ``extra``
  W0, b0, …   each layer's weights (outs, ins) and biases (outs, 1)
  opt.<key>   the optimiser's state from ``Optimizer.state_arrays`` (step count, moments, …)
  extra_<i>   arrays found inside ``extra`` (e.g. a TrainingHistory's curves); the JSON holds
              ``{"$array": "extra_<i>"}`` where each one was, so ``extra`` comes back as it went in.

``extra`` is free for the caller, for example::

    {"hyperparameters": {"lr": 0.001, "batch_size": 64}, "dataset": {"name": "spirals", "params": {...}},
     "history": trainer.history.as_arrays(), "trainer": {"epoch": 3, "rng": rng.bit_generator.state}}
"""

import json
import math
import os

import numpy as np

from engine.activations import get_activation
from engine.files.atomic_file import write_atomic
from engine.initializers import DEFAULT_INIT, INITIALIZERS
from engine.layers import Layer
from engine.losses import get_loss
from engine.network import NeuralNetwork
from engine.optimizers import OPTIMIZERS

FORMAT_VERSION = 1  # bump when the layout changes; readers refuse files newer than they know
FORMAT_ID = "backprop-studio-checkpoint"
_DTYPES = ("float32", "float64")
_ARRAY_REF = "$array"  # marks where an array of ``extra`` was in the JSON


class CheckpointError(ValueError):
    """A checkpoint cannot be written or read; the message names the file and what is wrong."""


# -- writing --------------------------------------------------------------------------------------
def save_checkpoint(path, net, *, extra=None):
    """Write ``net`` (architecture, weights, optimiser state) and ``extra`` to ``path`` atomically.

    extra : dict of JSON values (str keys) and NumPy arrays at any depth, or None.
    The file appears complete or not at all: it is written to a temporary file in the same folder,
    then renamed over ``path``.
    """
    path = os.fspath(path)
    name = os.path.basename(path)
    arrays = {}
    for k, (W, b) in enumerate(net.weights()):
        if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
            raise CheckpointError(f"{name}: layer {k + 1} has NaN or infinite weights; not saved")
        arrays[f"W{k}"], arrays[f"b{k}"] = W, b
    opt = net.optimizer
    if OPTIMIZERS.get(opt.name) is not type(opt):
        raise CheckpointError(f"{name}: cannot save optimizer {opt!r}; known ones: {', '.join(OPTIMIZERS)}")
    state = opt.state_arrays(net.params())
    arrays.update({f"opt.{key}": np.asarray(value) for key, value in state.items()})
    extra_arrays = {}
    extra_json = _encode_extra({} if extra is None else extra, extra_arrays, name, "extra")
    arrays.update(extra_arrays)
    config = net.config()
    config["init"] = [layer.init for layer in net.layers]
    meta = {
        "format": FORMAT_ID,
        "version": FORMAT_VERSION,
        "architecture": config,
        "optimizer": {"name": opt.name, "settings": opt.settings(), "state": sorted(state)},
        "extra": extra_json,
    }
    arrays["meta"] = np.array(json.dumps(meta))
    write_atomic(path, lambda fh: np.savez(fh, **arrays))  # complete under its name, or not at all


def _encode_extra(value, arrays, name, where):
    """JSON-ready copy of ``value``; NumPy arrays move into ``arrays`` and leave a reference."""
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise CheckpointError(f"{name}: {where} is an object array; only plain arrays can be saved")
        key = f"extra_{len(arrays)}"
        arrays[key] = value
        return {_ARRAY_REF: key}
    if isinstance(value, np.generic):
        value = value.item()  # NumPy scalars (np.float32(0.5), np.int64(3)) become Python numbers
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise CheckpointError(f"{name}: {where} has key {k!r}; keys must be strings")
            if k.startswith("$"):
                raise CheckpointError(f"{name}: {where} has key {k!r}; keys starting with '$' are reserved")
            out[k] = _encode_extra(v, arrays, name, f"{where}[{k!r}]")
        return out
    if isinstance(value, (list, tuple)):
        return [_encode_extra(v, arrays, name, f"{where}[{i}]") for i, v in enumerate(value)]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise CheckpointError(f"{name}: {where} is a {type(value).__name__}; extra holds JSON values and arrays")


# -- reading --------------------------------------------------------------------------------------
def load_checkpoint(path):
    """(net, extra) from a file written by ``save_checkpoint``; CheckpointError when it cannot be used."""
    path = os.fspath(path)
    name = os.path.basename(path)
    arrays = _read_arrays(path, name)
    meta = _read_meta(arrays, name)
    net = _build_network(meta, arrays, name)
    try:
        extra = _decode_extra(meta.get("extra", {}), arrays, name)
    except RecursionError:
        raise CheckpointError(f"{name}: corrupt checkpoint (extra is nested too deeply)") from None
    if not isinstance(extra, dict):
        raise CheckpointError(f"{name}: corrupt checkpoint (extra is not a dictionary)")
    return net, extra


def checkpoint_info(path):
    """The metadata of a checkpoint (format, version, architecture, optimiser, extra without arrays)."""
    path = os.fspath(path)
    name = os.path.basename(path)
    return _read_meta(_read_arrays(path, name), name)


def _read_arrays(path, name):
    """Every array in the archive, loaded eagerly with pickle refused."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
            if not head:
                raise CheckpointError(f"{name}: the file is empty; not a checkpoint")
            if head not in (b"PK\x03\x04", b"PK\x05\x06"):
                raise CheckpointError(f"{name}: not a checkpoint (not a .npz archive)")
            fh.seek(0)
            with np.load(fh, allow_pickle=False) as npz:
                arrays = {key: npz[key] for key in npz.files}
            for key, value in arrays.items():
                if not isinstance(value, np.ndarray):  # np.load gives the raw bytes of a member that is no .npy
                    raise CheckpointError(f"{name}: corrupt checkpoint (entry {key!r} is not an array)")
            return arrays
    except CheckpointError:
        raise
    except FileNotFoundError:
        raise CheckpointError(f"{name}: file not found at {path}") from None
    except IsADirectoryError:
        raise CheckpointError(f"{name}: is a folder, not a checkpoint") from None
    except PermissionError:
        raise CheckpointError(f"{name}: permission denied reading {path}") from None
    except Exception as exc:
        # A damaged archive fails in many ways (BadZipFile, zlib.error, EOFError, ValueError from a bad
        # .npy header, NotImplementedError for an odd compression, MemoryError for an absurd shape…);
        # all of them mean the same thing to the person holding the file.
        if "allow_pickle" in str(exc):
            raise CheckpointError(f"{name}: holds pickled Python objects, which are never loaded (unsafe)") from None
        raise CheckpointError(f"{name}: corrupt or truncated checkpoint ({type(exc).__name__}: {exc})") from None


def _read_meta(arrays, name):
    meta = arrays.get("meta")
    if meta is None:
        raise CheckpointError(f"{name}: not a Backprop Studio checkpoint (no metadata)")
    if meta.ndim != 0 or meta.dtype.kind != "U":
        raise CheckpointError(f"{name}: corrupt checkpoint (metadata is not a text entry)")
    try:
        meta = json.loads(str(meta))
    except (ValueError, RecursionError) as exc:  # RecursionError: nested deeper than Python's stack
        raise CheckpointError(f"{name}: corrupt checkpoint (metadata is not valid JSON: {exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_ID:
        raise CheckpointError(f"{name}: not a Backprop Studio checkpoint")
    version = meta.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise CheckpointError(f"{name}: corrupt checkpoint (format version {version!r})")
    if version > FORMAT_VERSION:
        raise CheckpointError(f"{name}: made by a newer version of Backprop Studio (format {version}); "
                              f"this version reads format {FORMAT_VERSION}")
    return meta


def _build_network(meta, arrays, name):
    """The network the metadata describes, with the stored weights and optimiser state."""
    arch, opt_meta = meta.get("architecture"), meta.get("optimizer")
    if not isinstance(arch, dict) or not isinstance(opt_meta, dict):
        raise CheckpointError(f"{name}: corrupt checkpoint (architecture or optimizer missing)")
    sizes, acts = arch.get("sizes"), arch.get("activations")
    if (not isinstance(sizes, list) or len(sizes) < 2
            or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 1 for s in sizes)):
        raise CheckpointError(f"{name}: corrupt checkpoint (layer sizes {sizes!r})")
    n_layers = len(sizes) - 1
    if not isinstance(acts, list) or len(acts) != n_layers:
        raise CheckpointError(f"{name}: corrupt checkpoint ({acts!r} as activations for {n_layers} layers)")
    dtype = arch.get("dtype")
    if dtype not in _DTYPES:
        raise CheckpointError(f"{name}: unsupported dtype {dtype!r}; expected one of {', '.join(_DTYPES)}")
    inits = arch.get("init", [None] * n_layers)
    if not isinstance(inits, list) or len(inits) != n_layers or not all(
            i is None or (isinstance(i, str) and i in INITIALIZERS) for i in inits):
        raise CheckpointError(f"{name}: corrupt checkpoint (init {inits!r})")
    try:
        activations = [get_activation(str(a)) for a in acts]
        loss = get_loss(str(arch.get("loss")))
    except ValueError as exc:
        raise CheckpointError(f"{name}: {exc}") from None

    # The stored arrays are checked before any layer is made: the sizes are only the file's word, and a
    # few bytes of JSON could otherwise ask for gigabytes of weights.
    stored = []
    for k, (ins, outs) in enumerate(zip(sizes[:-1], sizes[1:])):
        what = f"layer {k + 1} of {sizes}"
        stored.append([_checked_array(arrays, f"{key}{k}", shape, dtype, name, what)
                       for key, shape in (("W", (outs, ins)), ("b", (outs, 1)))])
    if f"W{n_layers}" in arrays:
        raise CheckpointError(f"{name}: holds more layers than its architecture {sizes}")
    layers = []
    for (ins, outs, act, init), (W, b) in zip(zip(sizes[:-1], sizes[1:], activations, inits), stored):
        layer = Layer(ins, outs, act, rng=0, init=init or DEFAULT_INIT, dtype=dtype)  # weights read, not drawn
        layer.W[...], layer.b[...] = W, b
        layers.append(layer)

    opt_name, settings = opt_meta.get("name"), opt_meta.get("settings")
    if not isinstance(opt_name, str) or opt_name not in OPTIMIZERS or not isinstance(settings, dict):
        raise CheckpointError(f"{name}: unknown optimizer {opt_name!r}; known ones: {', '.join(OPTIMIZERS)}")
    for key, value in settings.items():
        if not _finite_number(value):
            raise CheckpointError(f"{name}: bad settings for optimizer {opt_name!r} ({key} = {value!r})")
    try:
        optimizer = OPTIMIZERS[opt_name](**settings)
    except (TypeError, ValueError) as exc:
        raise CheckpointError(f"{name}: bad settings for optimizer {opt_name!r} ({exc})") from None
    net = NeuralNetwork(layers, loss, optimizer=optimizer)
    state = {key[len("opt."):]: value for key, value in arrays.items() if key.startswith("opt.")}
    try:
        for key, value in state.items():
            if not np.issubdtype(value.dtype, np.number) or not np.all(np.isfinite(value)):
                raise ValueError(f"entry {key} is not finite numbers")
        optimizer.load_state_arrays(net.params(), state)
        if optimizer.t < 0:
            raise ValueError(f"step count {optimizer.t}")
    except (KeyError, ValueError, TypeError) as exc:
        raise CheckpointError(f"{name}: corrupt optimizer state ({exc})") from None
    return net


def _finite_number(value):
    """True for an int or float that is finite as a float (a bool is no number here)."""
    try:
        return not isinstance(value, bool) and math.isfinite(value)
    except (TypeError, OverflowError):  # a string, a list…; an int past 1e308
        return False


def _checked_array(arrays, key, shape, dtype, name, what):
    """``arrays[key]`` as ``dtype``, when it has ``shape`` and finite values there."""
    value = arrays.get(key)
    if value is None:
        raise CheckpointError(f"{name}: corrupt or truncated checkpoint ({key} is missing)")
    if value.dtype.kind != "f":
        raise CheckpointError(f"{name}: {key} holds {value.dtype} values; weights must be floating point")
    if value.shape != shape:
        raise CheckpointError(f"{name}: {key} has shape {value.shape}, but {what} needs {shape}")
    with np.errstate(over="ignore"):
        value = value.astype(dtype, copy=False)  # checked after the cast: 1e300 is finite in float64 only
    if not np.all(np.isfinite(value)):
        raise CheckpointError(f"{name}: {key} holds NaN or infinite values")
    return value


def _decode_extra(value, arrays, name):
    """``extra`` as saved: each array reference replaced by its array."""
    if isinstance(value, dict):
        if set(value) == {_ARRAY_REF}:
            key = value[_ARRAY_REF]
            if not isinstance(key, str) or not key.startswith("extra_") or key not in arrays:
                raise CheckpointError(f"{name}: corrupt checkpoint (extra array {key!r} is missing)")
            return arrays[key]
        return {k: _decode_extra(v, arrays, name) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode_extra(v, arrays, name) for v in value]
    return value
