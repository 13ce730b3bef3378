"""How a layer's first weights are drawn: a table of initialisations found by name, like the activations.

Each entry draws W (outs, ins) and b (outs, 1) from a NumPy Generator. "auto" is the app's default
(He for ReLU-like activations, Xavier/Glorot otherwise); "small" is the articles' own: normal with
standard deviation 1/(rows·cols) for W and for b alike, which the bare ``Layer(ins, outs, act)`` uses.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Initializer:
    """One way to start: a name, a title, a line of help, and a function (rng, outs, ins) → (W, b)."""

    name: str
    title: str
    help: str
    draw: object  # (rng, outs, ins) → (W (outs, ins), b (outs, 1)) as float64 arrays; None for "auto"


def _he(rng, outs, ins):
    return rng.standard_normal((outs, ins)) * np.sqrt(2.0 / ins), np.zeros((outs, 1))


def _xavier(rng, outs, ins):
    return rng.standard_normal((outs, ins)) * np.sqrt(2.0 / (ins + outs)), np.zeros((outs, 1))


def _small(rng, outs, ins):
    # The articles' create_weight_matrix(rows, cols): normal, scale 1/(rows·cols); biases are an (outs, 1) matrix.
    return rng.standard_normal((outs, ins)) / (outs * ins), rng.standard_normal((outs, 1)) / outs


def _uniform(rng, outs, ins):
    bound = 1.0 / np.sqrt(ins)
    return rng.uniform(-bound, bound, (outs, ins)), rng.uniform(-bound, bound, (outs, 1))


def _zeros(rng, outs, ins):
    return np.zeros((outs, ins)), np.zeros((outs, 1))


_TABLE = (
    Initializer("auto", "Automatic", "He for ReLU and leaky ReLU layers, Xavier/Glorot for the others", None),
    Initializer("he", "He", "normal, std √(2/inputs), biases 0: keeps ReLU layers' signals the same size", _he),
    Initializer("xavier", "Xavier/Glorot", "normal, std √(2/(inputs+outputs)), biases 0: for tanh, sigmoid "
                "and identity layers", _xavier),
    Initializer("small", "Small normal (the articles')", "normal, std 1/(inputs·outputs) for weights and "
                "1/outputs for biases: tiny, so raw 0–255 pixels do not overflow, but deep layers start slowly",
                _small),
    Initializer("uniform", "Uniform", "uniform in ±1/√inputs for weights and biases (LeCun's, PyTorch's "
                "default)", _uniform),
    Initializer("zeros", "Zeros", "every weight and bias 0: the hidden neurons of a layer stay identical "
                "forever (same input, same gradient), so the network never learns more than one feature "
                "per layer", _zeros),
)
INITIALIZERS = {i.name: i for i in _TABLE}
DEFAULT_INIT = "auto"  # the app's, the CLI's and NeuralNetwork.build's choice
SEED_INIT = "small"  # a Layer built by hand without init=, as in the articles' scripts


def resolve_init(name, act):
    """The concrete initialisation ``name`` means for a layer of activation ``act`` ("auto" → "he" or "xavier")."""
    from engine.activations import LeakyReLU, ReLU

    if name not in INITIALIZERS:
        raise ValueError(f"unknown initialisation {name!r}; use one of {', '.join(INITIALIZERS)}")
    if name == "auto":
        return "he" if isinstance(act, (ReLU, LeakyReLU)) else "xavier"
    return name


def init_help():
    """One line per initialisation, for help texts: 'he: normal, …'."""
    return "; ".join(f"{i.name}: {i.help}" for i in _TABLE)
