"""A neural network exported from Backprop Studio: predictions with NumPy alone.

@SUMMARY@

Use it from Python (this file and its .npz side by side; rename both together):

    import numpy as np
    import model                                  # this file, whatever it is called
    net = model.load()                            # reads the .npz beside this file
    x = model.scale_input(samples)                # (n, features) values as the dataset stores them
    outputs = model.predict(net, x)               # (n, classes); probabilities for softmax models
    classes = outputs.argmax(axis=1)

or from a shell, with one sample per row in a .npy or .csv file:

    python model.py samples.npy                   # prints the predicted class of each row
    python model.py samples.npy --out out.npy     # saves the outputs, shape (n, classes)

Layout of the .npz (plain arrays, read with allow_pickle=False): W1, b1, W2, b2, … with W_k of shape
(outs, ins) and b_k of shape (outs, 1), so that a sample a as a column goes through each layer as
a_k = f_k(W_k a_(k-1) + b_k); "activations" names f_k, "leaky_slopes" holds the slope of each leaky_relu
(NaN elsewhere), "output" is "softmax" or "none", "input_scale" turns stored values into network input,
"input_shape", "input_description", "class_names" and "dataset" describe the data.
"""

import os
import sys

import numpy as np

WEIGHTS = os.path.splitext(os.path.abspath(__file__))[0] + ".npz"


def load(path=WEIGHTS):
    """The network in ``path`` as a dict of plain arrays (see the layout above)."""
    with np.load(path, allow_pickle=False) as npz:
        net = {key: npz[key] for key in npz.files}
    if str(net.get("format")) != "backprop-studio-export" or int(net.get("version", 0)) != 1:
        raise ValueError(f"{path} is not a Backprop Studio export of format 1")
    return net


def scale_input(samples, net=None):
    """Samples as the dataset stores them, one per row, → the float32 rows the network reads."""
    net = load() if net is None else net
    features = int(np.prod(net["input_shape"]))
    rows = np.asarray(samples).reshape(-1, features)  # (28, 28) is one image, (n, 28, 28) or (n, 784) are n
    return rows.astype(np.float32) * np.float32(net["input_scale"])


def activate(name, slope, z):
    """The activation ``name`` applied to ``z``, as the engine computes it."""
    if name == "relu":
        return np.maximum(z, 0)
    if name == "leaky_relu":
        return np.maximum(z, float(slope) * z)
    if name == "sigmoid":
        e = np.exp(-np.abs(z))  # never overflows; the two branches are the same function rearranged
        return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    if name == "tanh":
        return np.tanh(z)
    if name == "identity":
        return z
    raise ValueError(f"unknown activation {name!r}")


def predict(net, x):
    """Outputs (n, classes) for network input ``x`` (n, features) float32: ``scale_input`` gives it."""
    a = np.asarray(x, dtype=np.float32)
    a = a.reshape(1, -1).T if a.ndim == 1 else a.T  # the layers read one sample per column
    names, slopes = net["activations"], net["leaky_slopes"]
    for k in range(1, len(names) + 1):
        a = activate(str(names[k - 1]), slopes[k - 1], net[f"W{k}"] @ a + net[f"b{k}"])
    if str(net["output"]) == "softmax":
        e = np.exp(a - a.max(axis=0, keepdims=True))  # the column's largest value subtracted: no overflow
        a = e / e.sum(axis=0, keepdims=True)
    return a.T


def main(argv):
    net = load()
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.split("Layout of")[0].rstrip())
        return 0
    path, out = argv[0], argv[2] if len(argv) > 2 and argv[1] == "--out" else None
    samples = np.loadtxt(path, delimiter=",", ndmin=2) if path.endswith(".csv") else np.load(path, allow_pickle=False)
    outputs = predict(net, scale_input(samples, net))
    if out:
        np.save(out, outputs)
    else:
        names = net["class_names"]
        for k in outputs.argmax(axis=1):
            print(names[k])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
