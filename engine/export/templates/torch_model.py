"""A neural network exported from Backprop Studio, as a PyTorch nn.Sequential.

@SUMMARY@

Use it (this file and its .npz side by side; rename both together):

    import torch
    import model                                   # this file, whatever it is called
    net = model.build()                            # nn.Sequential, weights loaded from the .npz
    x = model.scale_input(samples)                 # (n, features) float32 tensor from stored values
    with torch.no_grad():
        outputs = net(x)                           # (n, classes); probabilities for softmax models

To train it further with nn.CrossEntropyLoss, build it without the final softmax:
``model.build(softmax=False)`` (that loss applies log-softmax itself).
nn.Linear keeps its weight as (outs, ins), like the engine: W_k and b_k load unchanged.
The .npz layout is described in the NumPy export's script; this file reads the same archive.
"""

import os

import numpy as np
import torch
from torch import nn

WEIGHTS = os.path.splitext(os.path.abspath(__file__))[0] + ".npz"


def load(path=WEIGHTS):
    """The .npz's arrays as a dict (plain arrays, no pickle)."""
    with np.load(path, allow_pickle=False) as npz:
        net = {key: npz[key] for key in npz.files}
    if str(net.get("format")) != "backprop-studio-export" or int(net.get("version", 0)) != 1:
        raise ValueError(f"{path} is not a Backprop Studio export of format 1")
    return net


def activation(name, slope):
    """The torch module of an activation named in the .npz (None for identity)."""
    if name == "relu":
        return nn.ReLU()
    if name == "leaky_relu":
        return nn.LeakyReLU(float(slope))
    if name == "sigmoid":
        return nn.Sigmoid()
    if name == "tanh":
        return nn.Tanh()
    if name == "identity":
        return None  # nothing to apply
    raise ValueError(f"unknown activation {name!r}")


def build(path=WEIGHTS, softmax=True):
    """An nn.Sequential with the exported weights (float32); ``softmax=False`` leaves out the final softmax."""
    arrays = load(path)
    modules = []
    for k, (name, slope) in enumerate(zip(arrays["activations"], arrays["leaky_slopes"]), start=1):
        W, b = arrays[f"W{k}"], arrays[f"b{k}"]
        linear = nn.Linear(W.shape[1], W.shape[0])
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W))
            linear.bias.copy_(torch.from_numpy(b.reshape(-1)))
        act = activation(str(name), slope)
        modules += [linear] if act is None else [linear, act]
    if softmax and str(arrays["output"]) == "softmax":
        modules.append(nn.Softmax(dim=1))
    return nn.Sequential(*modules)


def scale_input(samples, path=WEIGHTS):
    """Samples as the dataset stores them (e.g. MNIST pixels 0–255) → a float32 tensor of network input rows."""
    arrays = load(path)
    features = int(np.prod(arrays["input_shape"]))
    rows = np.asarray(samples).reshape(-1, features).astype(np.float32) * np.float32(arrays["input_scale"])
    return torch.from_numpy(rows)


if __name__ == "__main__":
    print(__doc__.split("Use it")[0].rstrip())
    print(build())
