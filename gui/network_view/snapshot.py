"""What the network view draws: private copies of a network's weights and last step, and their maths.

Training mutates the real network in another thread; the view only ever reads these copies.
"""

from dataclasses import dataclass

import numpy as np

import gui.common.colormaps as cm
from gui.network_view.decision_map import GRID, decision_rgb, forward_all, plane_extent, plane_inputs, tile_rgbs
from gui.network_view.function_plot import function_curves


@dataclass(frozen=True)
class NeuronInfo:
    """One neuron: ``layer`` 0 is the input; bias, z and activation are for the current input (or None)."""

    layer: int
    index: int
    bias: float = None
    z: float = None
    activation: float = None


def _checked_copy(pairs, sizes, what):
    """Copies of [(M (outs, ins), v (outs, 1)), …] after checking them against ``sizes``."""
    pairs = list(pairs)
    if len(pairs) != len(sizes) - 1:
        raise ValueError(f"{len(pairs)} {what} pairs for {len(sizes) - 1} layers")
    out = []
    for k, (W, b) in enumerate(pairs):
        shape = (sizes[k + 1], sizes[k])
        if np.shape(W) != shape or np.size(b) != sizes[k + 1]:
            raise ValueError(f"layer {k}: {what} need W {shape} and b ({sizes[k + 1]}, 1), "
                             f"got {np.shape(W)} and {np.shape(b)}; use set_network for a new architecture")
        out.append((np.array(W, copy=True), np.array(b, copy=True).reshape(-1, 1)))
    return out


class NetworkSnapshot:
    """Copies of one network's architecture, weights, last gradients and changes, plus an input."""

    def __init__(self, net):
        self.sizes = list(net.sizes)  # neurons per column, input first
        self.acts = [layer.act for layer in net.layers]  # activation per layer (stateless objects)
        self.loss = net.loss_function  # turns outputs into probabilities
        self.weights = _checked_copy(net.weights(), self.sizes, "weights")  # [(W, b)]
        self.gradients = None  # [(dW, db)] of the last step
        self.deltas = None  # [(ΔW, Δb)] of the last step
        self.input = None  # the current input vector (sizes[0],)
        self.points = self.labels = None  # a 2-D dataset for the decision map
        self._forward = None  # cached [(z, a)] for the input
        self._plane = None  # cached heat maps of a 2-D network
        # Marks of a training step shown phase by phase (see ``mark``).
        self.reach = None  # columns after this one are drawn unlit (the forward pass has not got there)
        self.target = None  # the output neuron marked as the target (the loss)
        self.focus = None  # (column, index) of the neuron a caption is about, ringed
        self.pending = frozenset()  # layers whose gradients or changes are not computed yet (drawn as missing)

    @property
    def n_layers(self):
        return len(self.sizes) - 1

    def copy_pairs(self, pairs, what):
        return None if pairs is None else _checked_copy(pairs, self.sizes, what)

    def set_weights(self, weights):
        """Replace the weights; returns the previous ones."""
        old, self.weights = self.weights, _checked_copy(weights, self.sizes, "weights")
        self._forward = self._plane = None
        return old

    def set_input(self, x):
        if x is not None:
            x = np.array(x, dtype=np.float64).reshape(-1)
            if x.size != self.sizes[0]:
                raise ValueError(f"input has {x.size} values; the network takes {self.sizes[0]}")
        self.input = x
        self._forward = None

    def set_points(self, points, labels):
        self.points, self.labels = points, labels
        self._plane = None

    def mark(self, reach=None, target=None, focus=None, pending=()):
        """Draw columns after ``reach`` unlit, ring output ``target`` and neuron ``focus`` (col, j), and show
        the gradients and changes of the ``pending`` layers as missing; the defaults turn every mark off."""
        self.reach, self.target, self.focus, self.pending = reach, target, focus, frozenset(pending)

    def lit(self, col):
        """True if column ``col`` shows its activations (every column unless a forward pass is under way)."""
        return self.reach is None or col <= self.reach

    def values(self, mode, k):
        """Layer k's edge values (outs, ins) for a mode ("weights", "gradient", "delta"), or None."""
        source = {"weights": self.weights, "gradient": self.gradients, "delta": self.deltas}[mode]
        return None if source is None or (mode != "weights" and k in self.pending) else source[k][0]

    def bias_values(self, mode, k):
        source = {"weights": self.weights, "gradient": self.gradients, "delta": self.deltas}[mode]
        return None if source is None else source[k][1][:, 0]

    # -- the current input ----------------------------------------------------------------------------
    def forward(self):
        """[(z, a)] per layer (1-D float arrays) for the current input; None without one."""
        if self.input is None:
            return None
        if self._forward is None:
            a = self.input.astype(self.weights[0][0].dtype)[:, None]
            out = []
            with np.errstate(all="ignore"):  # a diverged network's NaNs are shown, not raised
                for (W, b), act in zip(self.weights, self.acts):
                    z = W @ a + b
                    a = act.f(z)
                    out.append((z[:, 0].astype(float), np.asarray(a)[:, 0].astype(float)))
            self._forward = out
        return self._forward

    def probabilities(self):
        """Class probabilities (outs,) for the current input, as the loss reads the outputs; or None."""
        fwd = self.forward()
        if fwd is None:
            return None
        return np.asarray(self.loss.probabilities(fwd[-1][1][:, None]))[:, 0]

    def activation_range(self, k, values):
        """(lo, hi) that the sequential map spans for column k's activations (k ≥ 1)."""
        name = getattr(self.acts[k - 1], "name", "")
        if name == "sigmoid":
            return 0.0, 1.0
        if name == "tanh":
            return -1.0, 1.0
        return min(0.0, float(np.min(values))), max(float(np.max(values)), 1e-6)

    def neuron_info(self, layer, index):
        """The NeuronInfo of neuron ``index`` in column ``layer`` (0 = input)."""
        if layer == 0:
            act = None if self.input is None else float(self.input[index])
            return NeuronInfo(0, int(index), None, None, act)
        fwd = self.forward()
        bias = float(self.weights[layer - 1][1][index, 0])
        z = a = None
        if fwd is not None:
            z, a = float(fwd[layer - 1][0][index]), float(fwd[layer - 1][1][index])
        return NeuronInfo(int(layer), int(index), bias, z, a)

    # -- 2-D networks ---------------------------------------------------------------------------------
    def plane_maps(self):
        """Heat maps over the input plane: {"extent", "probs" (K, GRID²), "decision" RGB, "tiles" per column}."""
        if self._plane is None:
            extent = plane_extent(self.points)
            X = plane_inputs(extent, GRID, self.weights[0][0].dtype)
            with np.errstate(all="ignore"):
                acts = forward_all(self.weights, self.acts, X)
                probs = np.asarray(self.loss.probabilities(acts[-1]))
            self._plane = {
                "extent": extent,
                "probs": probs,
                "decision": cm.rgba_to_qimage(decision_rgb(probs)),
                "tiles": [[cm.rgba_to_qimage(rgb) for rgb in tile_rgbs(a)] for a in acts[:-1]],
            }
        return self._plane

    # -- 1-D networks ---------------------------------------------------------------------------------
    def function_curves(self):
        """The function plot's curves (gui/network_view/function_plot.py) over the data's x range."""
        if self._plane is None:
            x = None if self.points is None else self.points[:, 0]
            self._plane = function_curves(self.weights, self.acts, self.loss, x, self.labels)
        return self._plane

    def __repr__(self):
        return f"NetworkSnapshot({'-'.join(map(str, self.sizes))})"
