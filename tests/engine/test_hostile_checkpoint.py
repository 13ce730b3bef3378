"""Hostile checkpoints are refused without the memory or the time they ask for: zip bombs, absurd dataset
settings, values of the wrong type in ``extra``, files that are not files."""

import json
import os
import stat
import threading
import tracemalloc

import numpy as np
import pytest

from engine import NeuralNetwork
from engine.data.toy_datasets import MAX_POINTS, make_toy
from engine.files.checkpoint import (
    MAX_EXTRA_ARRAY_BYTES,
    MAX_META_BYTES,
    MAX_PARAMETERS,
    CheckpointError,
    checkpoint_info,
    load_checkpoint,
    save_checkpoint,
)
from tests.npz_mutations import deflated_zeros_npy, npz_bytes, with_deflated_member, zip_bytes

NAME = "hostile.npz"


@pytest.fixture(scope="module")
def valid(tmp_path_factory):
    """(bytes, arrays) of a small checkpoint whose extra holds one array (extra_0) and the app's keys."""
    net = NeuralNetwork.build([2, 5, 2], "tanh", "ce", optimizer="adam", lr=0.01, seed=0)
    path = tmp_path_factory.mktemp("valid") / "valid.npz"
    save_checkpoint(path, net, extra={"dataset": "spirals", "dataset_params": make_toy("spirals", n=50).params,
                                      "history": {"batch_loss": np.linspace(1, 0, 5)}})
    with np.load(path, allow_pickle=False) as npz:
        return path.read_bytes(), {key: npz[key] for key in npz.files}


def refused_lean(path, match):
    """load_checkpoint refuses ``path`` with ``match`` while Python allocates under 8 MiB at its peak."""
    tracemalloc.start()  # NumPy reports its arrays to tracemalloc: an inflated member would show here
    try:
        with pytest.raises(CheckpointError, match=match) as info:
            load_checkpoint(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20, f"{peak / 2**20:.0f} MiB allocated to refuse the file"
    assert NAME in str(info.value)
    return str(info.value)


# -- zip bombs ---------------------------------------------------------------------------------------------
def test_an_unused_member_of_compressed_zeros_is_refused_without_being_inflated(tmp_path, valid):
    raw, crc, size = deflated_zeros_npy(256)  # 256 MiB in ~0.3 MB: the reader before inflated all of it
    path = tmp_path / NAME
    path.write_bytes(with_deflated_member(valid[0], "padding.npy", raw, crc, size))
    assert path.stat().st_size < 2**20
    refused_lean(path, r"holds 'padding', which no checkpoint of this network has")
    assert checkpoint_info(path)["format"] == "backprop-studio-checkpoint"  # the metadata alone is still read


@pytest.mark.parametrize("member, descr, shape, match", [
    ("W0", "<f8", None, r"W0 has shape \(33554432,\), but layer 1 .* needs \(5, 2\)"),
    ("W0", "<f4", (5, 2), r"W0 declares 268,435,584 bytes, but its shape \(5, 2\) takes 168"),
    ("extra_0", "<f8", None, f"extra_0 would take 268,435,456 bytes; .* at most {MAX_EXTRA_ARRAY_BYTES:,}"),
    ("meta", "<f8", None, "meta would take 268,435,456 bytes"),
    ("opt.t", "<i8", (), r"opt.t declares 268,435,584 bytes"),
])
def test_a_named_member_of_compressed_zeros_is_refused_by_its_header(tmp_path, valid, member, descr, shape, match):
    raw, crc, size = deflated_zeros_npy(256, descr, shape)
    arrays = {key + ".npy": data for key, data in valid[1].items() if key != member}
    path = tmp_path / NAME
    path.write_bytes(with_deflated_member(npz_bytes({k[:-4]: v for k, v in arrays.items()}), member + ".npy",
                                          raw, crc, size))
    refused_lean(path, match)


def test_an_architecture_too_big_to_hold_is_refused_before_its_weights_are_read(tmp_path, valid):
    meta = json.loads(str(valid[1]["meta"]))
    meta["architecture"].update(sizes=[2, 2**13, 2**13, 2], activations=["tanh"] * 3, init=["he"] * 3)
    path = tmp_path / NAME
    path.write_bytes(npz_bytes({**valid[1], "meta": np.array(json.dumps(meta))}))
    n_params = 3 * 2**13 + (2**13 + 1) * 2**13 + (2**13 + 1) * 2  # 67 million: 268 MB of float32 weights
    refused_lean(path, f"{n_params:,} parameters; a checkpoint holds at most {MAX_PARAMETERS:,}")


# -- extra -------------------------------------------------------------------------------------------------
def save_with(tmp_path, **extra):
    path = tmp_path / NAME
    save_checkpoint(path, NeuralNetwork.build([2, 5, 2], "tanh", "ce", seed=0), extra=extra)
    return path


@pytest.mark.parametrize("extra, match", [
    ({"dataset": "spirals", "dataset_params": {"n": 60_000_000, "noise": 0.03, "seed": 0, "test_fraction": 0.2}},
     f"dataset_params: a built-in dataset has 4 to {MAX_POINTS:,} points, got 60000000"),
    ({"dataset_params": [1000, 0.1]}, r"dataset_params is \[1000, 0.1\], not a dictionary"),
    ({"dataset_params": {"n": 100, "noise": -1}}, "noise must be a number from 0 to 100"),
    ({"dataset_params": {"n": 100, "seed": -5}}, "seed must be a whole number"),
    ({"dataset_params": {"n": 100, "test_fraction": 1.0}}, "test_fraction must be a number between 0 and 1"),
    ({"dataset_params": {"n": True}}, "points, got True"),
    ({"hyperparameters": ["lr", 0.1]}, "hyperparameters is .*, not a dictionary"),
    ({"hyperparameters": {"lr": -0.01}}, "hyperparameters: lr is -0.01"),
    ({"hyperparameters": {"batch": 0}}, "hyperparameters: batch is 0"),
    ({"hyperparameters": {"seed": -1}}, "hyperparameters: seed is -1"),
    ({"hyperparameters": {"epochs": 2.5}}, "hyperparameters: epochs is 2.5"),
    ({"hyperparameters": {"augment": {"shift": 2}}}, "hyperparameters: augment is"),
    ({"hyperparameters": {"lr_decay": 0}}, "hyperparameters: lr_decay is 0"),
    ({"hyperparameters": {"styles": "lots"}}, "hyperparameters: styles is 'lots'"),
    ({"hyperparameters": {"optimizer": ["adam"]}}, "hyperparameters: optimizer is"),
    ({"hyperparameters": {"lr_decay": None}}, "hyperparameters: lr_decay is None"),
    ({"hyperparameters": {"lr": 10**400}}, "hyperparameters: lr is 1000"),
    ({"dataset_params": {"noise": 10**400}}, "noise must be a number"),
    ({"dataset": ["mnist"]}, "dataset is .*, not a dataset name"),
    ({"dataset": "x" * 5000}, "not a dataset name"),
    ({"config": "spirals"}, "config is 'spirals', not a dictionary"),
    ({"trainer": [1, 2]}, "trainer is .*, not a dictionary"),
    ({"history": 3}, "history is 3, not a dictionary"),
    ({"test_accuracy": 1.5}, "test_accuracy is 1.5"),
    ({"test_accuracy": "high"}, "test_accuracy is 'high'"),
])
def test_the_app_keys_of_extra_are_checked(tmp_path, extra, match):
    refused_lean(save_with(tmp_path, **extra), match)


def test_what_the_app_and_the_cli_write_is_read(tmp_path):
    extra = {"dataset": "spirals", "dataset_params": make_toy("spirals", n=MAX_POINTS // 100).params,
             "hyperparameters": {"batch": 1024, "epochs": 5, "seed": 3, "augment": "shift=2", "lr": 0.001,
                                 "lr_decay": 0.85, "styles": 0.3, "optimizer": "adam"},
             "config": {"format": "backprop-studio-config"}, "test_accuracy": 0.98, "notes": [1, "two"]}
    _, back = load_checkpoint(save_with(tmp_path, **extra))
    assert back == extra


# -- files that are not files ------------------------------------------------------------------------------
def refused_at_once(path, match):
    """load_checkpoint and checkpoint_info refuse ``path``; run in a thread so a regression cannot hang the tests."""
    outcome = []

    def load():
        for read in (load_checkpoint, checkpoint_info):
            try:
                read(path)
                outcome.append("read")
            except CheckpointError as exc:
                outcome.append(str(exc))

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    thread.join(60)  # a guard against hanging, far above the microseconds a refusal takes; not a timing
    assert len(outcome) == 2, "reading a non-regular file blocked"
    for message in outcome:
        assert os.path.basename(path) in message and match in message, message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_at_once(tmp_path):
    path = tmp_path / NAME
    os.mkfifo(path)
    refused_at_once(path, "not a regular file")


@pytest.mark.skipif(not os.path.exists("/dev/zero") or not stat.S_ISCHR(os.stat("/dev/zero").st_mode),
                    reason="needs /dev/zero")
def test_a_device_is_refused_at_once():
    refused_at_once("/dev/zero", "not a regular file")


def test_a_folder_and_a_missing_file_are_refused(tmp_path):
    (tmp_path / NAME).mkdir()
    refused_at_once(tmp_path / NAME, "is a folder")
    refused_at_once(tmp_path / "gone.npz", "not found")


def test_a_zip_without_metadata_is_refused(tmp_path):
    path = tmp_path / NAME
    path.write_bytes(zip_bytes([("W0.npy", b"")]))
    refused_lean(path, "no metadata")


def test_metadata_longer_than_any_checkpoint_needs_is_refused_before_it_is_parsed(tmp_path, valid):
    text = str(valid[1]["meta"])
    padded = text[:-1] + ', "notes": "' + "x" * 2**20 + '"}'  # valid JSON of a million characters more
    path = tmp_path / NAME
    path.write_bytes(npz_bytes({**valid[1], "meta": np.array(padded)}))
    refused_lean(path, f"meta would take {4 * len(padded):,} bytes; the metadata takes at most {MAX_META_BYTES:,}")
