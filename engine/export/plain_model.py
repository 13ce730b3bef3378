"""A trained network as plain arrays, plus what its inputs mean: what every export format is written from.

The .npz that the NumPy and PyTorch exports read holds these entries (all plain arrays, no pickle):
  format, version      "backprop-studio-export", 1
  W1, b1, W2, b2, …    float32; W_k has shape (outs, ins), b_k (outs, 1): a sample is a column and
                       layer k computes a_k = f_k(W_k a_(k-1) + b_k)
  activations          (L,) names: relu, leaky_relu, sigmoid, tanh or identity, one per layer
  leaky_slopes         (L,) float64: the slope for x < 0 of each leaky_relu layer, NaN for the others
  output               "softmax" (applied to the last layer for cross-entropy models) or "none"
  input_scale          float32: network input = stored value × input_scale (1/255 for MNIST pixels)
  input_shape          the shape of one sample as the dataset holds it: (28, 28) images, (2,) points
  input_description    what one sample is, in words, and how to scale it
  class_names          (k,) one name per output
  dataset              the dataset the network was trained on ("" when unknown)
"""

import textwrap
from dataclasses import dataclass

import numpy as np

from engine.activations import ACTIVATIONS
from engine.losses import LOSSES

FORMAT_ID = "backprop-studio-export"
FORMAT_VERSION = 1
EXPORTED_ACTIVATIONS = ("leaky_relu", "relu", "sigmoid", "tanh", "identity")  # every format computes these
_OUTPUTS = {"ce": "softmax", "mse": "none"}  # loss name → what turns the last layer into the model's output
# MNIST as load_mnist gives it (the files are only needed for training, not to describe the input).
_MNIST = {"scale": 1 / 255, "shape": (28, 28), "classes": [str(d) for d in range(10)],
          "about": "a 28×28 grey image, row by row (784 values): 0 is background, 255 full ink (white on black, "
                   "as in MNIST), each multiplied by 1/255"}


class ExportError(ValueError):
    """A model cannot be exported; the message says why, for people."""


@dataclass(frozen=True, eq=False)
class PlainModel:
    """Layers as float32 arrays in the engine's column convention, and how a sample becomes network input."""

    weights: list  # [(W (outs, ins), b (outs, 1)), …] float32
    activations: list  # [(name, slope or None), …] one per layer
    output: str  # "softmax" or "none"
    input_scale: float  # stored value × input_scale = network input
    input_shape: tuple
    input_description: str
    class_names: list
    dataset: str  # "" when unknown

    @property
    def sizes(self):
        return [self.weights[0][0].shape[1]] + [W.shape[0] for W, _ in self.weights]

    @property
    def arch(self):
        return "-".join(str(s) for s in self.sizes)

    def summary(self):
        """A few lines for people: architecture, activations, output, input."""
        acts = ", ".join(name if slope is None else f"{name}({slope:g})" for name, slope in self.activations)
        output = "softmax (class probabilities)" if self.output == "softmax" else "the last layer's values"
        lines = (f"Network {self.arch} ({acts}); output: {output}.",
                 f"Trained on: {self.dataset or 'unknown data'}. Input: {self.input_description}.",
                 f"Classes: {', '.join(self.class_names)}.")
        return "\n".join(textwrap.fill(line, 100, subsequent_indent="  ") for line in lines)

    def arrays(self):
        """The entries of the .npz described in this module's docstring."""
        out = {"format": np.array(FORMAT_ID), "version": np.array(FORMAT_VERSION)}
        for k, (W, b) in enumerate(self.weights, start=1):
            out[f"W{k}"], out[f"b{k}"] = W, b
        out["activations"] = np.array([name for name, _ in self.activations])
        out["leaky_slopes"] = np.array([np.nan if s is None else s for _, s in self.activations], dtype=np.float64)
        out["output"] = np.array(self.output)
        out["input_scale"] = np.array(self.input_scale, dtype=np.float32)
        out["input_shape"] = np.array(self.input_shape, dtype=np.int64)
        out["input_description"] = np.array(self.input_description)
        out["class_names"] = np.array(self.class_names)
        out["dataset"] = np.array(self.dataset)
        return out

    def __repr__(self):
        return f"PlainModel({self.arch}, output {self.output}, input × {self.input_scale:g}, {self.dataset or '?'})"


def plain_model(net, extra=None):
    """The PlainModel of ``net``; ``extra`` is a checkpoint's extra (its "dataset" says what the inputs are).

    ``extra["input_scale"]``, when given, overrides the scale the dataset's name implies.
    """
    extra = extra or {}
    activations = []
    for k, act in enumerate(net.activations, start=1):
        name = act.name
        if name not in EXPORTED_ACTIVATIONS or type(act) is not ACTIVATIONS.get(name):
            raise ExportError(f"layer {k}: the activation {act!r} has no export; "
                              f"known ones: {', '.join(EXPORTED_ACTIVATIONS)}")
        activations.append((name, act.alpha if name == "leaky_relu" else None))
    loss = net.loss_function
    output = _OUTPUTS.get(loss.name) if type(loss) is LOSSES.get(loss.name) else None
    if output is None:
        raise ExportError(f"the loss {loss!r} has no export; known ones: {', '.join(_OUTPUTS)}")
    weights = []
    for k, (W, b) in enumerate(net.weights(), start=1):
        if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
            raise ExportError(f"layer {k} has NaN or infinite weights: the network diverged; nothing exported")
        weights.append((W.astype(np.float32), b.astype(np.float32)))
    features, outs = net.sizes[0], net.sizes[-1]
    scale, shape, classes, about, dataset = _input_info(extra, features, outs)
    if "input_scale" in extra:
        scale = float(extra["input_scale"])
    if not (np.isfinite(scale) and scale > 0):
        raise ExportError(f"the input scale must be a positive number, got {scale!r}")
    return PlainModel(weights, activations, output, float(scale), tuple(shape), about, list(classes), dataset)


def _input_info(extra, features, outs):
    """(scale, sample shape, class names, description, dataset name) for the dataset ``extra`` names."""
    from engine.data.toy_datasets import TOY_DATASETS, make_toy

    name = extra.get("dataset")
    name = name.get("name") if isinstance(name, dict) else name  # {"name": …, "params": …} also names one
    default_classes = [str(k) for k in range(outs)]
    if name == "mnist" and features == 784:
        classes = _MNIST["classes"] if outs == 10 else default_classes
        return _MNIST["scale"], _MNIST["shape"], classes, _MNIST["about"], name
    if name in TOY_DATASETS and features == 2:
        dataset = make_toy(name, n=16)  # only its description is read: scale, shape and class names
        classes = dataset.class_names if len(dataset.class_names) == outs else default_classes
        about = "a point (x, y) in the plane" + (
            "" if dataset.scale == 1 else f", each coordinate multiplied by {dataset.scale:g}")
        return dataset.scale, dataset.input_shape, classes, about, name
    about = f"{features} numbers, given to the network unchanged (the data it was trained on is not recorded)"
    return 1.0, (features,), default_classes, about, ""
