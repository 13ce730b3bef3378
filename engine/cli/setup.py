"""`train`'s options as a TrainingConfig (engine/training_config.py), checked before anything is built."""

from engine.cli.datasets import check_fits, network_bytes
from engine.cli.parser import UsageError
from engine.hyperparameters import HYPERPARAMETERS
from engine.tasks import head_for
from engine.training_config import TrainingConfig, build_network


def option(args, name):
    """The value of table option ``name``: as given, else the CLI's default (engine/hyperparameters.py)."""
    value = getattr(args, name, None)
    if value is not None:
        return value
    hp = HYPERPARAMETERS[name]
    return hp.default if hp.cli_default is None else hp.cli_default


def parse_arch(text, features, n_classes, regression=False):
    """Layer sizes from '784-128-10': every part a whole number ≥ 1, input and output fitting the data."""
    parts = text.replace(",", "-").split("-")
    try:
        if not text.strip() or any(not part.strip() for part in parts):
            raise ValueError(text)
        sizes = [int(part) for part in parts]
    except ValueError:
        raise UsageError(f"--arch must be sizes joined by '-', e.g. 784-128-10; got {text!r}") from None
    if len(sizes) < 2 or min(sizes) < 1:
        raise UsageError(f"--arch needs at least an input and an output size, all ≥ 1; got {text!r}")
    if sizes[0] != features:
        raise UsageError(f"--arch must start with the data's {features} features; got {text!r}")
    if regression and sizes[-1] != 1:
        raise UsageError(f"--arch must end with 1 output: the data is a regression (one number per sample); "
                         f"got {text!r}")
    if sizes[-1] < n_classes:
        raise UsageError(f"--arch must end with at least the data's {n_classes} classes; got {text!r}")
    return sizes


def config_from_args(args, dataset):
    """(TrainingConfig, output size) that ``args`` describe for ``dataset``; UsageError on a bad option."""
    sizes = parse_arch(default_arch(dataset) if args.arch is None else args.arch, dataset.features,
                       dataset.n_classes, dataset.is_regression)
    acts = [a.strip() for a in (args.act or "relu").split(",") if a.strip()]
    n_hidden = len(sizes) - 2
    if len(acts) not in (1, n_hidden) and not (n_hidden == 0 and len(acts) <= 1):
        raise UsageError(f"--act lists {len(acts)} activations for {n_hidden} hidden layers")
    optimizer = args.optimizer or "adam"
    lr = args.lr if args.lr is not None else (0.001 if optimizer == "adam" else 0.05)
    values = {name: option(args, name) for name in ("batch_size", "epochs", "l2", "seed", "momentum", "beta1",
                                                    "beta2", "init")}
    try:
        loss, out_act = head_for(dataset, args.loss, args.out_act)
    except ValueError as exc:  # a regression trained with a classification's loss or output
        raise UsageError(str(exc)) from None
    config = TrainingConfig(dataset=dataset.name, hidden=sizes[1:-1],
                            activations=acts * n_hidden if len(acts) == 1 else acts, loss=loss,
                            optimizer=optimizer, lr=lr, **values)
    return config, sizes[-1], out_act


def default_arch(dataset):
    """784-128-64-10 for MNIST, 2-8-8-k for a built-in set, FEATURES-16-16-OUTPUTS for a table."""
    if dataset.is_image:
        return "784-128-64-10"
    hidden = "16-16" if dataset.name == "csv" else "8-8"
    return f"{dataset.features}-{hidden}-{dataset.n_outputs}"


def network_from_args(args, dataset):
    """(network, TrainingConfig) for a new run; refuses a network that does not fit in memory, unbuilt."""
    import numpy as np

    config, outputs, out_act = config_from_args(args, dataset)
    dtype = np.float64 if args.float64 else np.float32
    sizes = config.sizes(dataset, outputs)
    check_fits(network_bytes(sizes, np.dtype(dtype).itemsize, config.batch_size),
               f"the network {'-'.join(map(str, sizes))}")
    try:
        net = build_network(config, dataset, outputs=outputs, out_act=out_act, dtype=dtype)
    except ValueError as exc:  # an unknown activation, loss or optimiser
        raise UsageError(str(exc)) from None
    return net, config
