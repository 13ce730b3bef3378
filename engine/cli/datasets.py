"""The dataset a command names, looked up (never downloaded here), and the memory checks made before building."""

import itertools
import os

from engine.cli.parser import UsageError

TOY_BYTES_PER_POINT = 160  # a 2-D set's points, labels and the generator's temporaries, measured with room


def load_dataset(name, data_dir, samples=1000, noise=None, seed=0, need=("train", "test")):
    """The dataset by name; MNIST is looked up (--data, environment, cache). Refuses a split in ``need`` with 0 samples."""
    from engine.data.datasets import load_mnist
    from engine.data.mnist_source import HOW_TO_GET_MNIST, MnistUnavailable, find_mnist
    from engine.data.toy_datasets import TOY_DATASETS, make_toy

    if name is None:
        name = "mnist" if (data_dir or find_mnist()) else None
        if name is None:
            raise UsageError(
                "no MNIST found: run `python main.py download`, pass --data DIR, set BACKPROP_STUDIO_MNIST, "
                f"or choose a built-in set with --dataset ({', '.join(TOY_DATASETS)})"
            )
    if name == "mnist":
        folder = find_mnist(data_dir)
        if folder is None:
            raise MnistUnavailable(f"MNIST was not found. {HOW_TO_GET_MNIST}")
        dataset = load_mnist(folder)
    elif name in TOY_DATASETS:
        check_fits(samples * TOY_BYTES_PER_POINT, f"a {name} set of {samples:,} points")
        dataset = make_toy(name, n=samples, noise=noise, seed=seed)
    else:
        raise UsageError(f"unknown dataset {name!r}; choose mnist or one of {', '.join(TOY_DATASETS)}")
    where = f" in {dataset.params['folder']}" if "folder" in dataset.params else ""
    for split in need:
        if len(dataset.split(split)[1]) == 0:
            what = "training" if split == "train" else "test"
            raise ValueError(f"{dataset.title}{where} holds 0 {what} samples; nothing to "
                             f"{'train on' if split == 'train' else 'test with'}")
    return dataset


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
