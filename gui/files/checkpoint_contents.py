"""What the app puts in a checkpoint besides the network, and the TrainingConfig it reads back (no Qt).

The ``extra`` of a checkpoint saved by the app keeps the CLI's keys (``python main.py evaluate`` reads
them) and adds the controls' configuration and the trainer's exact state:

  dataset, dataset_params      the dataset id and how a built-in set was generated ({} for MNIST), or how a
                               CSV was read (its path, SHA-256, target column, task, split: reload_csv)
  dataset_description          a CSV's file, SHA-256, rows, target and task, for people
  hyperparameters              batch, epochs, seed, lr, optimizer (as `train --out` writes them)
  config                       the configuration file's contents (engine/run_config.py)
  test_accuracy                after the last epoch, or None
  trainer, history             engine/files/trainer_state.py
"""

import os
from dataclasses import asdict

from engine.data.csv_dataset import reload_csv
from engine.data.datasets import DatasetError
from engine.data.toy_datasets import make_toy
from engine.files.checkpoint import CheckpointError
from engine.run_config import CONFIG_VERSION, FORMAT_ID, NUMBERS, ConfigError, check_config
from engine.training_config import CSV, MNIST, config_from_values

# What makes two reads of a CSV the same dataset (engine/data/csv_dataset.py's reload_csv reads these).
_CSV_IDENTITY = ("sha256", "target_column", "task", "test_fraction", "seed", "drop_missing", "header", "delimiter")


class MnistMissing(Exception):
    """The checkpoint needs MNIST and no MNIST folder is known."""


def config_values(config):
    """The settings of a TrainingConfig as a configuration file holds them."""
    return asdict(config)


def trained_config(base, trainer, pending=None):
    """``base`` with the settings ``trainer`` trains with from its next batch (``pending`` changes included).

    Call it where the trainer trains (its thread, between batches).
    """
    config = base.copy()
    opt = trainer.net.optimizer
    config.optimizer, config.lr, config.l2 = opt.name, opt.lr, opt.l2
    for key in ("momentum", "beta1", "beta2"):
        if hasattr(opt, key):
            setattr(config, key, getattr(opt, key))
    config.batch_size, config.epochs = trainer.batch_size, trainer.epochs
    for key, value in (pending or {}).items():
        if hasattr(config, key):
            setattr(config, key, type(getattr(config, key))(value))
    return config


def checkpoint_extra(config, dataset, trainer):
    """The ``extra`` for a checkpoint of ``trainer`` (besides its state), as described above."""
    accuracy = trainer.history.epoch_test_accuracy
    described = {"dataset_description": dataset.description} if dataset.description else {}
    return {**described,
        "dataset": config.dataset,
        "dataset_params": {} if dataset.is_image else dict(dataset.params),
        "hyperparameters": {"batch": config.batch_size, "epochs": config.epochs, "seed": config.seed,
                            "lr": config.lr, "optimizer": config.optimizer},
        "config": {"format": FORMAT_ID, "version": CONFIG_VERSION, **config_values(config)},
        "test_accuracy": accuracy[-1] if accuracy else None,
    }


def config_from_checkpoint(net, extra, name):
    """The TrainingConfig that describes a checkpoint's network and training; CheckpointError if none fits.

    The network itself decides its layers, loss and optimiser; the stored configuration (or, in files
    written by ``train --out``, the hyperparameters) the dataset, batch size, epochs and seed.
    """
    dataset = extra.get("dataset")
    stored = extra.get("config")
    values = {}
    if stored is not None:
        try:
            if not isinstance(stored, dict):
                raise ConfigError(f"{name}: not a dictionary")
            values = check_config(stored, name)
        except ConfigError as exc:
            raise CheckpointError(f"{name}: its configuration is damaged ({str(exc).partition(': ')[2]})") from None
        if dataset is not None and values["dataset"] != dataset:
            raise CheckpointError(f"{name}: corrupt checkpoint (made on {dataset!r}, configured for "
                                  f"{values['dataset']!r})")
        if "hidden" in values and values["hidden"] != net.sizes[1:-1]:
            raise CheckpointError(f"{name}: corrupt checkpoint (the network's hidden layers are {net.sizes[1:-1]}, "
                                  f"its configuration says {values['hidden']})")
    else:
        if not isinstance(dataset, str):
            raise CheckpointError(f"{name}: does not say which dataset it was trained on")
        hyper = extra.get("hyperparameters") if isinstance(extra.get("hyperparameters"), dict) else {}
        for key, field in (("batch", "batch_size"), ("epochs", "epochs"), ("seed", "seed")):
            value, (_, low, high) = hyper.get(key), NUMBERS[field]
            if _is_int(value):
                values[field] = min(max(value, low), high)  # e.g. a batch of 1024 from the CLI: the controls' 512
        values["dataset"] = dataset

    opt = net.optimizer
    values.update(hidden=net.sizes[1:-1], activations=[_base_name(a) for a in net.activations[:-1]],
                  loss=net.loss_function.name, optimizer=opt.name, lr=opt.lr, l2=opt.l2)
    values.update({k: getattr(opt, k) for k in ("momentum", "beta1", "beta2") if hasattr(opt, k)})
    try:
        values = check_config({"format": FORMAT_ID, "version": CONFIG_VERSION, **values}, name)
    except ConfigError as exc:
        raise CheckpointError(f"{name}: this app cannot show its setup ({str(exc).partition(': ')[2]})") from None
    return config_from_values(values)


def _base_name(act):
    return act.name  # "leaky_relu" for any slope: the controls offer the activation, not its parameter


def dataset_for(datasets, config, extra, name):
    """The Dataset a checkpoint trained on, from a DatasetStore; None while MNIST loads.

    Raises MnistMissing when MNIST is not on this computer, CheckpointError when the file's dataset
    parameters are damaged. A built-in 2-D set made with other parameters (``train --samples 500``)
    is generated as the file records it.
    """
    if config.dataset == MNIST:
        if not datasets.mnist_folder:
            raise MnistMissing()
        return datasets.get(MNIST)
    if config.dataset == CSV:
        return _table_for(datasets, extra, name)
    builtin = datasets.get(config.dataset)
    params = extra.get("dataset_params") or {}  # checked by load_checkpoint with make_toy's own limits
    if not params or params == builtin.params:
        return builtin
    try:
        return make_toy(config.dataset, **{k: params[k] for k in ("n", "noise", "seed", "test_fraction") if k in params})
    except (TypeError, ValueError) as exc:
        raise CheckpointError(f"{name}: its dataset cannot be made ({exc})") from None


def _table_for(datasets, extra, name):
    """The CSV a checkpoint trained on: the table the window holds when it is the same, else read again from
    the path the checkpoint names (its SHA-256 checked); CheckpointError says what to do otherwise."""
    params = extra.get("dataset_params") or {}
    current = datasets.cached(CSV)
    if current is not None and all(current.params.get(k) == params.get(k) for k in _CSV_IDENTITY):
        return current
    what = extra.get("dataset_description") or params.get("file") or "a CSV file"
    path = params.get("path")
    if not isinstance(path, str) or not os.path.isfile(path):
        raise CheckpointError(f"{name}: it was trained on your own table, {what}, which is not at "
                              f"{path or 'the place it was read from'} any more. Open that very file with File ▸ "
                              "Open data… (same target column and test fraction), then open the checkpoint again")
    try:
        table = reload_csv(path, params)
    except DatasetError as exc:
        raise CheckpointError(f"{name}: it was trained on {what}; {exc}. Only that very file can be used") from None
    datasets.add_csv(table)
    return table


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)
