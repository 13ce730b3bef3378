"""The dataset a command names, looked up (never downloaded here), and the memory checks made before building."""

import itertools
import os

from engine.cli.parser import UsageError

TOY_BYTES_PER_POINT = 160  # a 2-D set's points, labels and the generator's temporaries, measured with room


def load_dataset(name, data_dir, samples=1000, noise=None, seed=0, need=("train", "test")):
    """The dataset by name; MNIST is looked up (--data, environment, cache). Refuses a split in ``need`` with 0 samples."""
    from engine.data.datasets import load_mnist
    from engine.data.mnist_source import HOW_TO_GET_MNIST, MnistUnavailable, find_mnist
    from engine.data.toy_datasets import REGRESSION_DATASETS, TOY_DATASETS, make_toy

    if name is None:
        name = "mnist" if (data_dir or find_mnist()) else None
        if name is None:
            raise UsageError(
                "no MNIST found: run `python main.py download`, pass --data DIR, set BACKPROP_STUDIO_MNIST, "
                f"or choose a built-in set with --dataset ({', '.join(TOY_DATASETS)}), or your own table with "
                "--data-csv FILE"
            )
    if name == "mnist":
        folder = find_mnist(data_dir)
        if folder is None:
            raise MnistUnavailable(f"MNIST was not found. {HOW_TO_GET_MNIST}")
        dataset = load_mnist(folder)
    elif name in TOY_DATASETS or name in REGRESSION_DATASETS:
        check_fits(samples * TOY_BYTES_PER_POINT, f"a {name} set of {samples:,} points")
        dataset = make_toy(name, n=samples, noise=noise, seed=seed)
    else:
        raise UsageError(f"unknown dataset {name!r}; choose mnist or one of "
                         f"{', '.join([*TOY_DATASETS, *REGRESSION_DATASETS])}")
    check_splits(dataset, need)
    return dataset


def load_csv_dataset(path, target=None, test_fraction=0.2, drop_missing=False, seed=0, params=None):
    """The CSV at ``path`` as a dataset; with ``params`` (a checkpoint's), made again exactly as it was trained."""
    from engine.data.csv_dataset import load_csv, reload_csv

    if params is not None:
        return reload_csv(path, params)
    if target is not None and target.lstrip("-").isdigit():
        target = int(target)  # a column index; a name made of digits is read as its index
    return load_csv(path, target, test_fraction=test_fraction, seed=seed, drop_missing=drop_missing)


def checkpoint_dataset(extra, data_dir, data_csv=None, name=None, need=("train", "test")):
    """The dataset a checkpoint's ``extra`` names (or ``name``, or the CSV ``data_csv``); UsageError when a CSV
    model is given no file."""
    name = name or extra.get("dataset")
    params = (extra.get("dataset_params") or {}) if name and name != "mnist" else {}
    if data_csv is not None:
        dataset = load_csv_dataset(data_csv, params=params if name == "csv" else None)
    elif name == "csv":
        what = extra.get("dataset_description") or params.get("file", "a CSV file")
        raise UsageError(f"the model was trained on your own table, {what}; pass that file with --data-csv FILE")
    else:
        return load_dataset(name, data_dir, samples=params.get("n", 1000), noise=params.get("noise"),
                            seed=params.get("seed", 0), need=need)
    check_splits(dataset, need)
    return dataset


def check_splits(dataset, need):
    """ValueError when a split in ``need`` holds no samples."""
    where = f" in {dataset.params['folder']}" if "folder" in dataset.params else ""
    for split in need:
        if len(dataset.split(split)[1]) == 0:
            what = "training" if split == "train" else "test"
            raise ValueError(f"{dataset.title}{where} holds 0 {what} samples; nothing to "
                             f"{'train on' if split == 'train' else 'test with'}")


def available_memory():
    """Bytes of memory free for a new allocation (MemAvailable on Linux), or None when unknown."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_fits(nbytes, what):
    """UsageError naming ``what`` and its size when ``nbytes`` is more memory than is free."""
    free = available_memory()
    if free is not None and nbytes > free:
        raise UsageError(f"{what} needs about {nbytes:,} bytes ({nbytes / 1e9:,.1f} GB) of memory; "
                         f"{free:,} bytes ({free / 1e9:,.1f} GB) are free")


def network_bytes(sizes, itemsize, batch):
    """Memory training a network of ``sizes`` takes: weights ×7 (gradients, optimiser slots, the last good
    copies) and a batch's activations ×4."""
    params = sum((a + 1) * b for a, b in itertools.pairwise(sizes))
    return 7 * params * itemsize + 4 * batch * sum(sizes) * itemsize
