"""Configuration files: round trips, clear errors, and fuzzing that only ever finds ConfigError."""

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.run_config import (
    CONFIG_VERSION,
    FORMAT_ID,
    KEYS,
    MAX_BYTES,
    NUMBERS,
    ConfigError,
    check_config,
    config_text,
    parse_config,
    read_config,
    write_config,
)

FULL = {"dataset": "spirals", "hidden": [8, 4], "activations": ["tanh", "leaky_relu"], "loss": "ce",
        "optimizer": "momentum", "lr": 0.03, "batch_size": 16, "epochs": 100, "l2": 1e-4, "seed": 7,
        "momentum": 0.8, "beta1": 0.9, "beta2": 0.999}


def valid_doc(**changes):
    doc = {"format": FORMAT_ID, "version": CONFIG_VERSION, **FULL}
    doc.update(changes)
    return doc


def test_write_then_read_gives_the_same_settings(tmp_path):
    write_config(tmp_path / "setup.json", FULL)
    assert read_config(tmp_path / "setup.json") == FULL
    assert os.listdir(tmp_path) == ["setup.json"]  # no temporary file left


def test_the_file_is_small_readable_json_one_key_a_line(tmp_path):
    write_config(tmp_path / "setup.json", FULL)
    text = (tmp_path / "setup.json").read_text("utf-8")
    assert len(text) < 600 and text.count("\n") == len(FULL) + 4
    doc = json.loads(text)
    assert list(doc)[:3] == ["format", "version", "dataset"] and doc["version"] == CONFIG_VERSION
    assert '"hidden": [8, 4]' in text


def test_only_the_dataset_is_required_besides_format_and_version():
    assert parse_config(json.dumps({"format": FORMAT_ID, "version": 1, "dataset": "xor"})) == {"dataset": "xor"}


def test_whole_numbers_are_accepted_where_numbers_are_and_come_back_as_floats():
    values = parse_config(json.dumps(valid_doc(lr=1, l2=0)))
    assert values["lr"] == 1.0 and isinstance(values["lr"], float) and values["l2"] == 0.0


@pytest.mark.parametrize("doc, match", [
    (valid_doc(lrr=0.1), r'x\.json: unknown key "lrr"; did you mean "lr"\?'),
    (valid_doc(colour="red"), r'unknown key "colour"; known keys: dataset'),
    (valid_doc(format="something-else"), "not a Backprop Studio configuration"),
    (valid_doc(version=CONFIG_VERSION + 1), "newer version of Backprop Studio"),
    (valid_doc(version="1"), r'"version" must be a whole number'),
    (valid_doc(dataset="cifar"), r'"dataset" must be one of mnist, quadrants'),
    (valid_doc(lr=0), r'"lr" must be a number from 1e-06 to 1000, got 0'),
    (valid_doc(lr="fast"), r'"lr" must be a number'),
    (valid_doc(lr=True), r'"lr" must be a number'),
    (valid_doc(batch_size=16.0), r'"batch_size" must be a whole number from 1 to 512, got 16.0'),
    (valid_doc(batch_size=10**400), r'"batch_size" must be a whole number'),
    (valid_doc(epochs=0), r'"epochs" must be a whole number from 1'),
    (valid_doc(l2=1e-9), r'\(or 0 for off\)'),
    (valid_doc(beta2=1.0), r'"beta2"'),
    (valid_doc(hidden=[8, 0]), r'"hidden" layer 2 must have 1 to 512 neurons, got 0'),
    (valid_doc(hidden=[8] * 7, activations=["tanh"] * 7), r'"hidden" must be a list of at most 6'),
    (valid_doc(activations=["tanh"]), r'"activations" must list one activation per hidden layer \(2\)'),
    (valid_doc(activations=["tanh", "swish"]), r'"activations" 2 must be one of leaky_relu'),
    (valid_doc(optimizer="rmsprop"), r'"optimizer" must be one of sgd, momentum, adam; got "rmsprop"'),
    ({k: v for k, v in valid_doc().items() if k != "activations"}, r'"activations" is missing'),
    ({k: v for k, v in valid_doc().items() if k != "dataset"}, r'"dataset" is missing'),
])
def test_bad_values_are_named_with_the_file_and_key(doc, match):
    with pytest.raises(ConfigError, match=match):
        parse_config(json.dumps(doc), "x.json")


@pytest.mark.parametrize("data, match", [
    (b"", "empty"), (b"  \n", "empty"), (b"\xff\xfe{}", "not UTF-8"), (b"{", "not valid JSON"),
    (b"[1, 2]", "expected a JSON object"), (b'{"lr": NaN}', "NaN is not a number"),
    (b'{"a": 1, "a": 2}', 'the key "a" appears twice'), (b"[" * 50_000, "not valid JSON"),
    (b" " * (MAX_BYTES + 1), "too large"), (b"1" * 5000, "not valid JSON"),
])
def test_files_that_are_not_configurations(data, match):
    with pytest.raises(ConfigError, match=match):
        parse_config(data, "x.json")


def test_a_utf8_byte_order_mark_is_fine():
    assert parse_config(b"\xef\xbb\xbf" + json.dumps(valid_doc()).encode())["seed"] == 7


def test_missing_file_folder_and_unwritable_place(tmp_path):
    with pytest.raises(ConfigError, match="nope.json: file not found"):
        read_config(tmp_path / "nope.json")
    with pytest.raises(ConfigError, match="is a folder"):
        read_config(tmp_path)
    with pytest.raises(ConfigError, match="cannot be written"):
        write_config(tmp_path / "no-such-folder" / "x.json", FULL)


def test_invalid_settings_are_not_written(tmp_path):
    (tmp_path / "x.json").write_text("old")
    with pytest.raises(ConfigError, match=r'x\.json: not saved; "lr" must be'):
        write_config(tmp_path / "x.json", {**FULL, "lr": -1})
    assert (tmp_path / "x.json").read_text() == "old" and os.listdir(tmp_path) == ["x.json"]


def test_the_limits_are_the_controls_limits():
    """The file refuses what the controls could not show (kept in step with gui/training/controls_panel.py)."""
    assert NUMBERS["batch_size"][1:] == (1, 512) and NUMBERS["lr"][1:] == (1e-6, 1000.0)


# -- fuzzing: whatever the bytes, the answer is settings or a ConfigError ---------------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=20)
FUZZ = settings(max_examples=300, deadline=1000, suppress_health_check=[HealthCheck.too_slow])


def _parse_or_config_error(data):
    try:
        values = parse_config(data, "fuzz.json")
    except ConfigError as exc:
        assert str(exc).startswith("fuzz.json: ") and len(str(exc)) < 400
        return None
    assert set(values) <= set(KEYS) and "dataset" in values
    assert parse_config(config_text(values)) == values  # what was accepted is written back identically
    return values


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_give_a_config_error(data):
    assert _parse_or_config_error(data) is None


@FUZZ
@given(json_values)
def test_random_json_gives_a_config_error(value):
    _parse_or_config_error(json.dumps(value).encode())


@FUZZ
@given(st.sampled_from(KEYS), json_values, st.booleans())
def test_a_valid_file_with_one_value_changed_or_removed(key, value, remove):
    doc = valid_doc()
    if remove:
        doc.pop(key, None)
    else:
        doc[key] = value
    _parse_or_config_error(json.dumps(doc).encode())


@FUZZ
@given(st.data())
def test_a_valid_file_with_bytes_flipped_cut_or_inserted(data):
    raw = bytearray(config_text(FULL).encode())
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw) - 1))
        how = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if how == "flip":
            raw[at] ^= data.draw(st.integers(1, 255))
        elif how == "cut":
            del raw[at:]
            if not raw:
                break
        else:
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=8))
    _parse_or_config_error(bytes(raw))


@FUZZ
@given(st.dictionaries(st.sampled_from(KEYS[2:]), json_values, max_size=6))
def test_check_config_on_any_values_only_raises_config_error(values):
    try:
        check_config({"format": FORMAT_ID, "version": 1, **values})
    except ConfigError:
        pass
