"""One training set-up (TrainingConfig): what the app's controls edit and the CLI parses, and how to build it.

No Qt here: the window (gui/training) and `python main.py train` (engine/cli) build networks from the
same type, with the ranges and defaults of engine/hyperparameters.py.
"""

from dataclasses import dataclass, field, replace

import numpy as np

from engine.data.toy_datasets import REGRESSION_DATASETS, TOY_DATASETS, make_toy
from engine.hyperparameters import HYPERPARAMETERS, LIVE_KEYS
from engine.network import NeuralNetwork
from engine.tasks import REGRESSION_LOSS, head_for
from engine.training import Trainer

MNIST = "mnist"  # the dataset id of MNIST
CSV = "csv"  # the dataset id of a person's own table (engine/data/csv_dataset.py); every other id is built in
DEFAULT_TOY = "circles"  # the 2-D set the window opens on when MNIST is not found
TOY_POINTS = 1000  # points generated for a built-in 2-D set (80 % train, 20 % test)

# Settings that only take effect when the network is rebuilt (LIVE_KEYS reach a running trainer).
RESET_KEYS = ("dataset", "hidden", "activations", "loss", "init", "seed")


def _default(name):
    return HYPERPARAMETERS[name].default


@dataclass
class TrainingConfig:
    """Everything needed to build a network and its trainer; the controls panel edits one of these."""

    dataset: str = MNIST
    hidden: list = field(default_factory=lambda: [16, 16])  # neurons per hidden layer
    activations: list = field(default_factory=lambda: ["leaky_relu", "leaky_relu"])  # one per hidden layer
    loss: str = "ce"
    optimizer: str = "adam"
    lr: float = _default("lr")
    batch_size: int = _default("batch_size")
    epochs: int = _default("epochs")
    l2: float = _default("l2")
    init: str = _default("init")  # how the first weights are drawn (engine/initializers.py)
    seed: int = _default("seed")
    momentum: float = _default("momentum")  # μ, used by the momentum optimiser
    beta1: float = _default("beta1")  # β₁, β₂: Adam's moment decay rates
    beta2: float = _default("beta2")

    def sizes(self, dataset, outputs=None):
        """Neurons per layer, input first, for ``dataset``: e.g. [784, 16, 16, 10] (``outputs`` overrides 10)."""
        return [dataset.features, *self.hidden, outputs or dataset.n_outputs]

    def optimizer_settings(self):
        """Keyword settings for ``engine.optimizers.get_optimizer`` (besides lr and l2)."""
        if self.optimizer == "momentum":
            return {"momentum": self.momentum}
        if self.optimizer == "adam":
            return {"beta1": self.beta1, "beta2": self.beta2}
        return {}

    def live_values(self):
        """The settings a running trainer accepts through ``set_hyperparameters``."""
        return {k: getattr(self, k) for k in LIVE_KEYS}

    def needs_reset(self, other):
        """Names of the settings that differ from ``other`` and only apply on a reset."""
        return [k for k in RESET_KEYS if getattr(self, k) != getattr(other, k)]

    def copy(self):
        return replace(self, hidden=list(self.hidden), activations=list(self.activations))


def defaults_for(dataset, regression=None):
    """The starting config for a dataset id: the seed network for MNIST, a small tanh net for built-in sets,
    16-16 for a table; a regression (``regression``, or a built-in regression's id) trains with MSE."""
    if dataset == MNIST:
        return TrainingConfig()
    hidden = [16, 16] if dataset in (CSV, *REGRESSION_DATASETS) else [8, 8]
    regression = dataset in REGRESSION_DATASETS if regression is None else regression
    return TrainingConfig(dataset=dataset, hidden=hidden, activations=["tanh"] * len(hidden), lr=0.03,
                          batch_size=16, epochs=100, loss=REGRESSION_LOSS if regression else "ce")


def config_from_values(values):
    """A TrainingConfig from a configuration file's checked values (engine/run_config.py) over its dataset's defaults."""
    config = defaults_for(values["dataset"])
    for key, value in values.items():
        setattr(config, key, list(value) if isinstance(value, list) else value)
    return config


def dataset_title(name):
    """What people read for a dataset id."""
    if name == MNIST:
        return "MNIST digits"
    if name == CSV:
        return "Your own table (CSV)"
    return {**TOY_DATASETS, **REGRESSION_DATASETS}[name][0]


def make_builtin(name, seed=0):
    """A built-in 2-D (or regression) dataset, generated on the spot (a few milliseconds)."""
    return make_toy(name, n=TOY_POINTS, seed=seed)


def build_network(config, dataset, *, outputs=None, out_act=None, dtype=np.float32):
    """A fresh network for ``dataset`` as ``config`` describes it, initialised from ``config.seed``.

    ``outputs`` (at least the dataset's classes) and ``out_act`` (default: the loss's own) are the
    CLI's extras; a regression gets its identity output (engine/tasks.py). ValueError names what the
    engine does not know, or a loss a regression cannot learn with.
    """
    loss, out_act = head_for(dataset, config.loss, out_act) if getattr(dataset, "is_regression", False) else (
        config.loss, out_act)
    return NeuralNetwork.build(config.sizes(dataset, outputs), list(config.activations), loss,
                               out_act=out_act, optimizer=config.optimizer, lr=config.lr, l2=config.l2,
                               seed=config.seed, dtype=dtype, init=config.init, **config.optimizer_settings())


def build(config, dataset):
    """A fresh network (initialised from ``config.seed``) and its Trainer for ``dataset``."""
    net = build_network(config, dataset)
    trainer = Trainer(net, dataset, batch_size=config.batch_size, epochs=config.epochs, seed=config.seed)
    return net, trainer
