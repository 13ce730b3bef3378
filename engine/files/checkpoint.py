"""Checkpoints: a network, its optimiser state and caller data in one .npz file (no pickle).

Layout of the archive (every entry a plain NumPy array; nothing is pickled):
  meta        0-d unicode array holding JSON: format id, version, architecture, optimiser, ``extra``
  W0, b0, …   each layer's weights (outs, ins) and biases (outs, 1)
  opt.<key>   the optimiser's state from ``Optimizer.state_arrays`` (step count, moments, …)
  extra_<i>   arrays found inside ``extra`` (e.g. a TrainingHistory's curves); the JSON holds
              ``{"$array": "extra_<i>"}`` where each one was, so ``extra`` comes back as it went in.

``extra`` is free for the caller, for example::

    {"hyperparameters": {"lr": 0.001, "batch": 64}, "dataset": "spirals", "dataset_params": {...},
     "history": trainer.history.as_arrays(), "trainer": {"epoch": 3, "rng": rng.bit_generator.state}}

except that the keys the app and the CLI use (those above, "config", "test_accuracy") must hold what
they write: reading checks them (engine/files/checkpoint_extra.py). Reading never allocates more than
the limits below, whatever the file asks for (engine/files/checkpoint_archive.py).
"""

import json
import os

import numpy as np

from engine.activations import get_activation
from engine.files.atomic_file import write_atomic
from engine.files.checkpoint_archive import CheckpointError, open_archive
from engine.files.checkpoint_extra import check_extra, finite_number
from engine.initializers import DEFAULT_INIT, INITIALIZERS
from engine.layers import Layer
from engine.losses import get_loss
from engine.network import NeuralNetwork
from engine.optimizers import OPTIMIZERS

FORMAT_VERSION = 1  # bump when the layout changes; readers refuse files newer than they know
FORMAT_ID = "backprop-studio-checkpoint"
_DTYPES = ("float32", "float64")
_ARRAY_REF = "$array"  # marks where an array of ``extra`` was in the JSON
# What a checkpoint may ask the reader to allocate. The largest network the app builds (MNIST, six hidden
# layers of 512) has 1.7 million parameters; a long run's history is 5 curves of at most 2²⁰ float64 points.
MAX_PARAMETERS = 2**25  # weights and biases together (128 MB in float32, 256 MB in float64)
MAX_META_BYTES = 4 * 2**20  # the metadata JSON as a .npy of UTF-32 text: 1M characters (a real one has a few k)
MAX_EXTRA_ARRAY_BYTES = 16 * 2**20  # each array of extra (a history curve, the sample order of 10⁶ points)
MAX_EXTRA_BYTES = 64 * 2**20  # all arrays of extra together


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
    """(net, extra) from a file written by ``save_checkpoint``; CheckpointError when it cannot be used.

    Only the members the metadata names are read, each checked before it is inflated
    (engine/files/checkpoint_archive.py); an archive holding any other member is refused unread.
    The app's and the CLI's keys of ``extra`` are checked too (engine/files/checkpoint_extra.py).
    """
    with open_archive(path) as archive:
        name = archive.name
        meta = _read_meta(archive)
        extra_meta = meta.get("extra", {})
        if not isinstance(extra_meta, dict):
            raise CheckpointError(f"{name}: corrupt checkpoint (extra is not a dictionary)")
        try:
            refs = sorted(_array_refs(extra_meta, name))
        except RecursionError:
            raise CheckpointError(f"{name}: corrupt checkpoint (extra is nested too deeply)") from None
        net = _build_network(meta, archive, refs)
        arrays, total = {}, 0
        for key in refs:
            arrays[key] = archive.read(key, "an array of extra", max_bytes=MAX_EXTRA_ARRAY_BYTES)
            total += arrays[key].nbytes
            if total > MAX_EXTRA_BYTES:
                raise CheckpointError(f"{name}: its extra arrays take over {MAX_EXTRA_BYTES:,} bytes; "
                                      "no checkpoint holds that much")
    try:
        extra = _decode_extra(extra_meta, arrays)
    except RecursionError:
        raise CheckpointError(f"{name}: corrupt checkpoint (extra is nested too deeply)") from None
    try:
        check_extra(extra)
    except ValueError as exc:
        raise CheckpointError(f"{name}: corrupt checkpoint ({exc})") from None
    return net, extra


def checkpoint_info(path):
    """The metadata of a checkpoint (format, version, architecture, optimiser, extra without arrays)."""
    with open_archive(path) as archive:
        return _read_meta(archive)


def _read_meta(archive):
    name = archive.name
    if "meta" not in archive:
        raise CheckpointError(f"{name}: not a Backprop Studio checkpoint (no metadata)")
    meta = archive.read("meta", "the metadata", max_bytes=MAX_META_BYTES)
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


def _build_network(meta, archive, refs):
    """The network the metadata describes, with the stored weights and optimiser state."""
    name = archive.name
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
    # The sizes are only the file's word: a few bytes of JSON could otherwise ask for gigabytes of weights.
    n_params = sum((ins + 1) * outs for ins, outs in zip(sizes[:-1], sizes[1:]))
    if n_params > MAX_PARAMETERS:
        raise CheckpointError(f"{name}: its architecture {sizes} has {n_params:,} parameters; a checkpoint holds "
                              f"at most {MAX_PARAMETERS:,}")
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
    opt_name, settings = opt_meta.get("name"), opt_meta.get("settings")
    if not isinstance(opt_name, str) or opt_name not in OPTIMIZERS or not isinstance(settings, dict):
        raise CheckpointError(f"{name}: unknown optimizer {opt_name!r}; known ones: {', '.join(OPTIMIZERS)}")
    _check_members(archive, n_layers, OPTIMIZERS[opt_name].n_slots, refs)

    # Each array is checked (shape, then values) before any layer is made.
    stored = []
    for k, (ins, outs) in enumerate(zip(sizes[:-1], sizes[1:])):
        what = f"layer {k + 1} of {sizes}"
        stored.append([_checked_array(archive, f"{key}{k}", shape, dtype, what)
                       for key, shape in (("W", (outs, ins)), ("b", (outs, 1)))])
    layers = []
    for (ins, outs, act, init), (W, b) in zip(zip(sizes[:-1], sizes[1:], activations, inits), stored):
        layer = Layer(ins, outs, act, rng=0, init=init or DEFAULT_INIT, dtype=dtype)  # weights read, not drawn
        layer.W[...], layer.b[...] = W, b
        layers.append(layer)

    for key, value in settings.items():
        if not finite_number(value):
            raise CheckpointError(f"{name}: bad settings for optimizer {opt_name!r} ({key} = {value!r})")
    try:
        optimizer = OPTIMIZERS[opt_name](**settings)
    except (TypeError, ValueError) as exc:
        raise CheckpointError(f"{name}: bad settings for optimizer {opt_name!r} ({exc})") from None
    net = NeuralNetwork(layers, loss, optimizer=optimizer)
    params = net.params()
    state = {}
    for key, blank in optimizer.state_arrays(params).items():  # the names and shapes this optimiser keeps
        if f"opt.{key}" not in archive:
            raise CheckpointError(f"{name}: corrupt optimizer state (opt.{key} is missing)")
        state[key] = archive.read(f"opt.{key}", "the optimizer state there", shape=blank.shape)
    try:
        for key, value in state.items():
            if not np.issubdtype(value.dtype, np.number) or not np.all(np.isfinite(value)):
                raise ValueError(f"entry {key} is not finite numbers")
        optimizer.load_state_arrays(params, state)
        if optimizer.t < 0:
            raise ValueError(f"step count {optimizer.t}")
    except (KeyError, ValueError, TypeError, OverflowError) as exc:
        raise CheckpointError(f"{name}: corrupt optimizer state ({exc})") from None
    return net


def _check_members(archive, n_layers, n_slots, refs):
    """Refuse an archive holding members that no checkpoint of this network has (they are never read)."""
    name = archive.name
    if f"W{n_layers}" in archive:
        raise CheckpointError(f"{name}: holds more layers than its architecture")
    named = {"meta", *refs, "opt.t"}
    for k in range(n_layers):
        named.update((f"W{k}", f"b{k}"))
    named.update(f"opt.p{i}_s{j}" for i in range(2 * n_layers) for j in range(n_slots))
    others = sorted(archive.keys() - named)
    if others:
        shown = ", ".join(repr(key) for key in others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
        raise CheckpointError(f"{name}: corrupt checkpoint (holds {shown}, which no checkpoint of this network has)")


def _checked_array(archive, key, shape, dtype, what):
    """Member ``key`` as ``dtype``, when it has ``shape`` and finite values there."""
    name = archive.name
    value = archive.read(key, what, shape=shape)
    if value.dtype.kind != "f":
        raise CheckpointError(f"{name}: {key} holds {value.dtype} values; weights must be floating point")
    with np.errstate(over="ignore"):
        value = value.astype(dtype, copy=False)  # checked after the cast: 1e300 is finite in float64 only
    if not np.all(np.isfinite(value)):
        raise CheckpointError(f"{name}: {key} holds NaN or infinite values")
    return value


def _array_refs(value, name):
    """The members ``extra``'s JSON refers to ({"$array": "extra_<i>"}); CheckpointError for a bad one."""
    if isinstance(value, dict):
        if set(value) == {_ARRAY_REF}:
            key = value[_ARRAY_REF]
            if not isinstance(key, str) or not key.startswith("extra_"):
                raise CheckpointError(f"{name}: corrupt checkpoint (extra array {key!r} is missing)")
            return {key}
        return set().union(*(_array_refs(v, name) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_array_refs(v, name) for v in value))
    return set()


def _decode_extra(value, arrays):
    """``extra`` as saved: each array reference replaced by its array (all of them read already)."""
    if isinstance(value, dict):
        if set(value) == {_ARRAY_REF}:
            return arrays[value[_ARRAY_REF]]
        return {k: _decode_extra(v, arrays) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode_extra(v, arrays) for v in value]
    return value
