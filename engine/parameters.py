"""ParameterBuffer: every W and b of a network as views of one flat array, every dW and db of another.

On a small network each NumPy call costs about as much as its arithmetic, so one array for the whole
network lets the optimiser update it in a few calls and the trainer copy and check it in two, where a
call per parameter cost as much again. Layout: W₁, W₂, …, W_L, then b₁, …, b_L (the weights first, so
L2 decay, which spares biases, is one slice). The layers keep W, b, dW and db as ordinary C-contiguous
arrays of their own shapes: views into these buffers, updated in place.

An array assigned to ``layer.W`` (or b, dW, db) from outside, or a layer swapped into ``net.layers``,
leaves the buffer unbound; the network then copies the layers' values in again before its next step and
points the layers back at the buffer's views (``NeuralNetwork.parameter_buffer``).
"""

import math

import numpy as np


class ParameterBuffer:
    """Flat ``values`` (W₁ … W_L, b₁ … b_L) and ``grads`` (dW₁ … dW_L, db₁ … db_L) of ``layers``, one dtype."""

    def __init__(self, layers):
        self.dtype = layers[0].dtype
        shapes = [(layer.outs, layer.ins) for layer in layers] + [(layer.outs, 1) for layer in layers]
        ends = np.cumsum([math.prod(s) for s in shapes]).tolist()
        self._spans = [(end - math.prod(shape), end, shape) for end, shape in zip(ends, shapes)]
        self.n_weights = self._spans[len(layers) - 1][1]  # values[:n_weights] are the weights (L2 decays them)
        self.values = np.zeros(ends[-1], self.dtype)
        self.grads = np.zeros(ends[-1], self.dtype)
        self._value_pairs = self.pairs(self.values)
        self._grad_pairs = self.pairs(self.grads)
        self.layers = []  # the layers bound, in order (a list: ``==`` against net.layers is one cheap compare)
        self.stale = True  # set by a layer whose array was replaced: ``bind`` again before training
        self.bind(layers)

    @staticmethod
    def fits(layers):
        """True when one buffer can hold ``layers``: one dtype (a network of mixed dtypes keeps its own arrays)."""
        return len({layer.dtype for layer in layers}) == 1

    def pairs(self, flat):
        """[(W, b), …] per layer: views of ``flat``, an array laid out as ``values`` (the buffer or a copy)."""
        n = len(self._spans) // 2
        views = [flat[start:end].reshape(shape) for start, end, shape in self._spans]
        return list(zip(views[:n], views[n:]))

    def bind(self, layers):
        """Copy the layers' current W, b, dW, db in and make those attributes views of the buffers."""
        for layer, (W, b), (dW, db) in zip(layers, self._value_pairs, self._grad_pairs):
            for view, array in ((W, layer.W), (b, layer.b), (dW, layer.dW), (db, layer.db)):
                if array is not view:
                    np.copyto(view, array)  # ValueError when an array of another shape was assigned
        for layer, (W, b), (dW, db) in zip(layers, self._value_pairs, self._grad_pairs):
            layer.attach(self, W, b, dW, db)
        self.layers = list(layers)
        self.stale = False

    def bound(self, layers):
        """True when ``layers`` are the layers bound and their arrays are still this buffer's views."""
        return not self.stale and layers == self.layers

    def __repr__(self):
        return f"ParameterBuffer({len(self.layers)} layers, {self.values.size} parameters, {self.dtype})"
