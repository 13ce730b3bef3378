"""ParameterBuffer: every W and b of a network as views of one flat array, every dW and db of another.

On a small network each NumPy call costs about as much as its arithmetic, so one array for the whole
network lets the optimiser update it in a few calls and the trainer copy and check it in two, where a
call per parameter cost as much again. Layout, layer after layer: W then b as
arrays of their own shapes, or, for a small layer after the first (at most FOLD_MAX weights and biases),
one block (outs, ins + 1), each row a neuron's weights followed by its bias: ``[W | b]``. Such a layer's
input is the layer before's output given a row of ones below it (engine/layers.py), so ``z = W a + b`` is
one matrix product, and so are dW and db together (``[dW | db] = δ [a; 1]ᵀ``): two NumPy calls fewer per
layer and batch, which on 784-16-16-10 (batch 32) took a batch from 57 to 53 µs. Its W and dW are views
with a row stride of ins + 1 (BLAS takes them as they are). The first layer's input, the batch, has no row
of ones; and a large layer's products lost more to the odd width ins + 1 than the calls saved (784-128-64-10
went from 1.25 to 1.27 × the bare products). ``decay`` is 1 for every weight and 0 for every bias (L2
decays the weights only).

An array assigned to ``layer.W`` (or b, dW, db) from outside, or a layer swapped into ``net.layers``,
leaves the buffer unbound; the network then copies the layers' values in again before its next step and
points the layers back at the buffer's views (``NeuralNetwork.parameter_buffer``).
"""

import numpy as np


FOLD_MAX = 2048  # a later layer of at most this many weights and biases keeps them side by side ([W | b])


class ParameterBuffer:
    """Flat ``values`` (per layer W and b, or [W | b]) and ``grads`` (the same for dW, db), one dtype."""

    def __init__(self, layers):
        self.dtype = layers[0].dtype
        # Per layer: (start, outs, ins, folded). The first layer's input (the batch) has no row of ones,
        # and a large layer's product loses more to the odd width ins + 1 than it saves in calls.
        self._layout, start = [], 0
        for k, layer in enumerate(layers):
            folded = k > 0 and layer.outs * (layer.ins + 1) <= FOLD_MAX
            self._layout.append((start, layer.outs, layer.ins, folded))
            start += layer.outs * (layer.ins + 1)
        self.values = np.zeros(start, self.dtype)
        self.grads = np.zeros(start, self.dtype)
        self.decay = np.ones(start, self.dtype)  # 1 for a weight, 0 for a bias
        for _, b in self.pairs(self.decay):
            b[...] = 0
        self._value_pairs, self._grad_pairs = self.pairs(self.values), self.pairs(self.grads)
        self._value_blocks, self._grad_blocks = self.blocks(self.values), self.blocks(self.grads)
        self.layers = []  # the layers bound, in order (a list: ``==`` against net.layers is one cheap compare)
        self.stale = True  # set by a layer whose array was replaced: ``bind`` again before training
        self.bind(layers)

    @staticmethod
    def fits(layers):
        """True when one buffer can hold ``layers``: one dtype (a network of mixed dtypes keeps its own arrays)."""
        return len({layer.dtype for layer in layers}) == 1

    def blocks(self, flat):
        """Per layer its (outs, ins + 1) block [W | b], a view of ``flat`` (laid out as ``values``), or None
        when its W and b lie apart."""
        return [flat[start : start + outs * (ins + 1)].reshape(outs, ins + 1) if folded else None
                for start, outs, ins, folded in self._layout]

    def pairs(self, flat):
        """[(W, b), …] per layer: views of ``flat``, an array laid out as ``values`` (the buffer or a copy)."""
        pairs = []
        for (start, outs, ins, _), block in zip(self._layout, self.blocks(flat)):
            if block is not None:
                pairs.append((block[:, :-1], block[:, -1:]))
            else:
                end = start + outs * ins
                pairs.append((flat[start:end].reshape(outs, ins), flat[end : end + outs].reshape(outs, 1)))
        return pairs

    def bind(self, layers):
        """Copy the layers' current W, b, dW, db in and make those attributes views of the buffers."""
        for layer, (W, b), (dW, db) in zip(layers, self._value_pairs, self._grad_pairs):
            for view, array in ((W, layer.W), (b, layer.b), (dW, layer.dW), (db, layer.db)):
                if array is not view:
                    np.copyto(view, array)  # ValueError when an array of another shape was assigned
        for layer, (W, b), (dW, db), block, grad_block in zip(layers, self._value_pairs, self._grad_pairs,
                                                              self._value_blocks, self._grad_blocks):
            layer.attach(self, W, b, dW, db, block, grad_block)
        for layer, after in zip(layers, self._value_blocks[1:] + [None]):  # an output feeding a [W | b] product
            layer.pad_output(after is not None)  # has a row of ones below it
        self.layers = list(layers)
        self.stale = False

    def bound(self, layers):
        """True when ``layers`` are the layers bound and their arrays are still this buffer's views."""
        return not self.stale and layers == self.layers

    def __repr__(self):
        return f"ParameterBuffer({len(self.layers)} layers, {self.values.size} parameters, {self.dtype})"
