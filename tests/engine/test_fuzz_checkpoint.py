"""Fuzzing the checkpoint reader: whatever the file holds, a CheckpointError naming it, or a usable network.

test_checkpoint.py refuses known damage one case at a time and fuzzes truncations and flipped bytes of
load_checkpoint; this fuzzes what a hand-edited or hostile file can hold: random bytes, mutated metadata
JSON (wrong types, absurd or negative sizes, other versions), arrays of any dtype and shape, pickled
objects, zip archives with the wrong members or members of compressed zeros, the app's keys of ``extra``
holding anything, and checkpoint_info on all of them. test_hostile_checkpoint.py has the named cases.
"""

import io
import json
import os
import tempfile
import tracemalloc

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from engine import NeuralNetwork
from engine.data.toy_datasets import MAX_POINTS, make_toy
from engine.files.checkpoint import CheckpointError, checkpoint_info, load_checkpoint, save_checkpoint
from tests.npz_mutations import (
    ANY_DTYPE,
    APP_EXTRA,
    COMPRESSIONS,
    FILE_STARTS,
    FUZZ,
    deflated_zeros_npy,
    flipped,
    flips,
    npy_bytes,
    npz_bytes,
    with_deflated_member,
    zip_bytes,
)

NAME = "fuzzed.npz"
X = np.linspace(-1, 1, 20).reshape(4, 5)


def _valid():
    """A trained 4-6-3 Adam network saved with extra data: (file bytes, arrays, meta dict, network)."""
    net = NeuralNetwork.build([4, 6, 3], "relu", "ce", optimizer="adam", lr=0.01, seed=1)
    rng = np.random.default_rng(0)
    for _ in range(3):
        net.train(rng.normal(size=(4, 5)), rng.integers(0, 3, 5))
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "valid.npz")
        save_checkpoint(path, net, extra={"history": {"loss": np.linspace(2, 1, 7)}, "notes": [1, "two", None]})
        with open(path, "rb") as fh:
            data = fh.read()
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    return data, arrays, json.loads(str(arrays["meta"])), net


VALID_BYTES, VALID_ARRAYS, VALID_META, VALID_NET = _valid()


def load_or_none(tmp_path, data):
    """load_checkpoint and checkpoint_info on ``data`` as a file: both refuse it, or the load succeeds."""
    path = tmp_path / NAME
    path.write_bytes(data)
    try:
        checkpoint_info(path)
    except CheckpointError as exc:
        assert NAME in str(exc)
    try:
        loaded = load_checkpoint(path)
    except CheckpointError as exc:
        assert NAME in str(exc)
        return None
    net, extra = loaded
    assert isinstance(extra, dict)
    assert all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in net.weights())
    # What a loaded network must do: compute, and train on (any finite learning rate may overflow later).
    assert net.infer(X.astype(net.dtype)).shape == (net.sizes[-1], 5)
    trained, _ = load_checkpoint(path)  # a second copy: the caller compares the first with the original
    with np.errstate(all="ignore"):
        trained.train(X.astype(net.dtype), np.arange(5) % net.sizes[-1])
    return loaded


# -- bytes ------------------------------------------------------------------------------------------
@FUZZ
@given(data=st.binary(max_size=400), prefix=FILE_STARTS)
def test_random_bytes_are_refused(tmp_path, data, prefix):
    assert load_or_none(tmp_path, prefix + data) is None


@FUZZ
@given(cut=st.integers(0, len(VALID_BYTES) - 1))
def test_truncated_files_are_refused_by_both_readers(tmp_path, cut):
    assert load_or_none(tmp_path, VALID_BYTES[:cut]) is None


@FUZZ
@given(where_masks=flips(VALID_BYTES))
def test_flipped_bytes_are_refused_or_change_nothing_that_is_read(tmp_path, where_masks):
    loaded = load_or_none(tmp_path, flipped(VALID_BYTES, where_masks))
    if loaded is not None:  # zip CRCs guard the members: only unread bytes (timestamps, say) may differ
        assert np.array_equal(loaded[0].infer(X), VALID_NET.infer(X))


# -- metadata ----------------------------------------------------------------------------------------
def _paths(value, path=()):
    """Every place in a JSON value, as a tuple of keys and indices."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, path + (i,))


META_PATHS = list(_paths(VALID_META))[1:]
SCALARS = (st.none() | st.booleans() | st.integers(-2**80, 2**80) | st.floats() | st.text(max_size=12)
           | st.sampled_from([0, -1, 1, 2, 2**31, 2**63, 10**400])
           | st.sampled_from(["relu", "float64", "sgd", "he", "$array", "extra_0"]))
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)


def _with_meta(meta):
    return npz_bytes({**VALID_ARRAYS, "meta": np.array(json.dumps(meta))})


def _edited(meta, path, how, value):
    """A copy of ``meta`` with the value at ``path`` replaced, deleted, or (in a list) a value inserted."""
    meta = json.loads(json.dumps(meta))
    *parents, last = path
    holder = meta
    for key in parents:
        holder = holder[key]
    if how == "delete":
        del holder[last]
    elif how == "insert" and isinstance(holder, list):
        holder.insert(last, value)
    else:
        holder[last] = value
    return meta


@FUZZ
@given(edits=st.lists(st.tuples(st.sampled_from(META_PATHS), st.sampled_from(["replace", "delete", "insert"]),
                                JSON_VALUES), min_size=1, max_size=3))
@example(edits=[(("architecture", "sizes"), "replace", [30000, 30000, 3])])  # 3.6 GB of weights asked for
@example(edits=[(("architecture", "sizes", 1), "replace", -6)])
@example(edits=[(("version",), "replace", 2)])
@example(edits=[(("optimizer", "settings", "lr"), "replace", float("nan"))])
@example(edits=[(("optimizer", "settings", "beta1"), "replace", 1.0)])  # Adam would divide by 1 − β₁ᵗ = 0
@example(edits=[(("optimizer", "settings", "lr"), "replace", 10**400)])  # no float holds it
@example(edits=[(("optimizer", "name"), "replace", [])])  # unhashable: was a TypeError
def test_mutated_metadata_is_refused_or_gives_a_usable_network(tmp_path, edits):
    meta = VALID_META
    for path, how, value in edits:
        try:
            meta = _edited(meta, path, how, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed or retyped this place
    load_or_none(tmp_path, _with_meta(meta))


@FUZZ
@given(sizes=st.lists(st.integers(-2**64, 2**64) | st.integers(-1, 8), min_size=0, max_size=5)
       | st.sampled_from([[4, 6.0, 3], [4, True, 3], "4-6-3", None, [[4], [6], [3]]]))
def test_layer_sizes_that_do_not_match_the_arrays_are_refused(tmp_path, sizes):
    meta = json.loads(json.dumps(VALID_META))
    meta["architecture"]["sizes"] = sizes
    if sizes == [4, 6, 3]:
        return
    assert load_or_none(tmp_path, _with_meta(meta)) is None


@FUZZ
@given(version=st.integers(-2**70, 2**70) | st.sampled_from([2, 0, -1, 1.0, "1", True, None, [1], 10**100]))
def test_versions_other_than_1_are_refused(tmp_path, version):
    meta = dict(VALID_META, version=version)
    if version == 1 and type(version) is int:
        assert load_or_none(tmp_path, _with_meta(meta)) is not None
    else:
        assert load_or_none(tmp_path, _with_meta(meta)) is None


@pytest.mark.parametrize("depth", [400, 700, 5000], ids=lambda d: f"depth {d}")
def test_deeply_nested_extra_is_refused_or_read(tmp_path, depth):
    deep = "[" * depth + "]" * depth
    text = json.dumps(VALID_META)[:-1] + f', "deep": {deep}}}'
    text = text.replace('"extra": {', f'"extra": {{"deep": {deep}, ', 1)
    loaded = load_or_none(tmp_path, npz_bytes({**VALID_ARRAYS, "meta": np.array(text)}))
    assert loaded is not None or depth > 400  # a sane depth is read back


# -- arrays ------------------------------------------------------------------------------------------
ANY_ARRAY = hnp.arrays(ANY_DTYPE, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=7))


@FUZZ
@pytest.mark.filterwarnings("ignore:Stored array in format 3.0")  # np.savez of a dtype with non-ASCII names
@given(key=st.sampled_from(sorted(VALID_ARRAYS)), array=ANY_ARRAY)
@example(key="W0", array=np.full((6, 4), 1e300))  # finite in float64, infinite as the float32 weights
@example(key="opt.t", array=np.array(-1))
def test_arrays_of_any_dtype_and_shape_are_refused_or_used(tmp_path, key, array):
    loaded = load_or_none(tmp_path, npz_bytes({**VALID_ARRAYS, key: array}))
    if loaded is not None and key[0] in "Wb":
        W, b = loaded[0].weights()[int(key[1:])]
        assert np.array_equal(W if key[0] == "W" else b, array.astype(np.float32))


@FUZZ
@given(key=st.sampled_from(sorted(VALID_ARRAYS)), value=st.sampled_from([{"evil": "pickle"}, None, len]))
def test_object_arrays_are_never_unpickled(tmp_path, key, value):
    objects = np.empty(2, dtype=object)
    objects[0] = value
    path = tmp_path / NAME
    path.write_bytes(npz_bytes({**VALID_ARRAYS, key: objects}))
    with pytest.raises(CheckpointError, match="pickled"):
        load_checkpoint(path)


# -- archives ----------------------------------------------------------------------------------------
MEMBER_NAMES = st.sampled_from(sorted(VALID_ARRAYS)) | st.sampled_from(
    ["meta", "W0", "dir/", "dir/W0.npy", "../W0.npy", "W0.npy.npy", "extra_0.txt"]) | st.text(
    st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=10)
# (zipfile cannot write an empty name, nor one that UTF-8 cannot encode: a lone surrogate such as '\ud800')
MEMBER_DATA = (st.binary(max_size=64) | st.sampled_from([npy_bytes(a) for a in VALID_ARRAYS.values()])
               | st.builds(npy_bytes, hnp.arrays(hnp.scalar_dtypes(), hnp.array_shapes(min_dims=0, max_dims=2))))


@FUZZ
@pytest.mark.filterwarnings("ignore:Duplicate name")
@given(members=st.lists(st.tuples(MEMBER_NAMES, MEMBER_DATA), max_size=8), keep=st.sets(st.sampled_from(
       sorted(VALID_ARRAYS))), compress=COMPRESSIONS)
def test_archives_with_the_wrong_members_are_refused_or_used(tmp_path, members, keep, compress):
    valid = [(key + ".npy", npy_bytes(VALID_ARRAYS[key])) for key in sorted(keep)]
    load_or_none(tmp_path, zip_bytes(valid + members, compress))  # duplicate names and non-.npy members included


@pytest.mark.parametrize("member", ["meta", "W0", "opt.t", "extra_0"])
def test_a_member_that_is_not_an_npy_file_is_refused(tmp_path, member):
    members = [(key, b"plain bytes, no .npy header") if key == member else (key + ".npy", npy_bytes(array))
               for key, array in VALID_ARRAYS.items()]
    path = tmp_path / NAME
    path.write_bytes(zip_bytes(members))
    with pytest.raises(CheckpointError, match=f"entry '{member}' is not an array"):
        load_checkpoint(path)


def test_a_member_declaring_a_huge_shape_is_refused(tmp_path):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f4", "fortran_order": False, "shape": (2**40,)})
    arrays = {key + ".npy": npy_bytes(value) for key, value in VALID_ARRAYS.items()}
    arrays["W0.npy"] = header.getvalue() + bytes(16)
    path = tmp_path / NAME
    path.write_bytes(zip_bytes(arrays.items()))
    with pytest.raises(CheckpointError, match=r"W0 has shape \(1099511627776,\), but layer 1 .* needs \(6, 4\)"):
        load_checkpoint(path)


@FUZZ
@pytest.mark.filterwarnings("ignore:Duplicate name")
@given(name=MEMBER_NAMES, descr=st.sampled_from(["<f8", "<f4", "<i8", "|u1", "<U4"]),
       shape=st.none() | hnp.array_shapes(min_dims=0, max_dims=3, max_side=2**20), replace=st.booleans())
@example(name="extra_0", descr="<f8", shape=None, replace=True)
@example(name="padding", descr="<f8", shape=None, replace=False)
def test_members_of_compressed_zeros_are_refused_unread_or_are_small(tmp_path, name, descr, shape, replace):
    raw, crc, size = deflated_zeros_npy(24, descr, shape)  # 24 MiB of zeros whatever the header says
    key = name[:-4] if name.endswith(".npy") else name
    kept = {k: v for k, v in VALID_ARRAYS.items() if not (replace and k == key)}
    data = with_deflated_member(npz_bytes(kept), name if name.endswith(".npy") else name + ".npy", raw, crc, size)
    tracemalloc.start()
    try:
        loaded = load_or_none(tmp_path, data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert loaded is None  # no checkpoint holds 24 MiB of anything where this one held kilobytes
    assert peak < 16 * 2**20


@FUZZ
@given(extra=APP_EXTRA)
@example(extra={"dataset_params": {"n": 60_000_000}})
@example(extra={"hyperparameters": [1, 2]})
@example(extra={"dataset_params": {"n": 100, "seed": 2**63}})
def test_the_app_keys_of_extra_are_refused_or_usable(tmp_path, extra):
    path = tmp_path / NAME
    try:
        save_checkpoint(path, VALID_NET, extra=extra)
    except CheckpointError:
        return  # what no writer can write ({"$": …} keys), no reader meets
    loaded = load_or_none(tmp_path, path.read_bytes())
    if loaded is None:
        return
    back = loaded[1]
    params = back.get("dataset_params") or {}
    if params:  # what `evaluate` and File ▸ Open then do with them: a dataset of bounded size
        known = {k: params[k] for k in ("n", "noise", "seed", "test_fraction") if k in params}
        assert len(make_toy("xor", **known).y_train) < MAX_POINTS
    hyper = back.get("hyperparameters") or {}
    assert isinstance(hyper, dict)
    np.random.default_rng(hyper.get("seed", 0))
    assert 0 < hyper.get("lr_decay", 1.0) ** 100 <= 1 and 0 <= hyper.get("styles", 0.0) <= 1
    assert isinstance(hyper.get("augment", ""), (str, type(None)))
    for key in ("config", "trainer", "history"):
        assert isinstance(back.get(key) or {}, dict)
