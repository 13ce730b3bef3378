"""A fully connected layer: z = W a + b, output f(z)."""

import numpy as np

from engine.activations import ActivationFunction, LeakyReLU, get_activation
from engine.initializers import INITIALIZERS, SEED_INIT, resolve_init


def as_rng(rng):
    """A ``numpy.random.Generator`` from a seed, a Generator, or None (fresh entropy)."""
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


class _TrainedArray:
    """A Layer's W, b, dW or db: a plain array attribute, except that assigning one from outside unbinds the
    layer from its network's ParameterBuffer (engine/parameters.py), which then copies it in before training."""

    def __init__(self, doc):
        self.__doc__ = doc

    def __set_name__(self, owner, name):
        self.slot = "_" + name  # where the array lives; the layer's own code reads it there directly

    def __get__(self, layer, owner=None):
        return self if layer is None else getattr(layer, self.slot)

    def __set__(self, layer, value):
        setattr(layer, self.slot, value)
        layer._unbind()


class Layer:
    """A dense layer of ``outs`` neurons reading ``ins`` inputs.

    W : ndarray of shape (outs, ins)      b : ndarray of shape (outs, 1)
    Inputs and outputs are batches of columns: shape (ins, n) → (outs, n).
    ``init`` names how W and b start (engine/initializers.py); without it, the articles' small normal
    weights, so their scripts train unchanged. NeuralNetwork.build, the app and the CLI pass "auto".
    """

    def __init__(self, ins, outs, act=None, *, rng=None, init=None, dtype=np.float32):
        if int(ins) < 1 or int(outs) < 1:
            raise ValueError(f"a layer needs at least one input and one output, got {ins} → {outs}")
        self.ins, self.outs = int(ins), int(outs)
        self.act = get_activation(act if act is not None else LeakyReLU())
        if not isinstance(self.act, ActivationFunction):
            raise TypeError(f"act must be an ActivationFunction, got {act!r}")
        self.dtype = np.dtype(dtype)
        self.init = resolve_init(init or SEED_INIT, self.act)  # "auto" is stored as what it chose
        # W, b, dW, db live in the four slots below (see _TrainedArray): a network trains them as views
        # of its flat ParameterBuffer (engine/parameters.py), which an array assigned from outside unbinds.
        self._owner = None  # the ParameterBuffer whose views these arrays are, if any
        self._block = self._grad_block = None  # [W | b] and [dW | db] in that buffer (outs, ins + 1), if so laid out
        self._pad_out = False  # outputs carry a row of ones below them, for the next layer's [W | b] product
        self._a_in_padded = None  # the input with its row of ones, when forward used the block
        self.a_padded = None  # the last output with its row of ones below (when padded), for the next layer
        self._W = np.empty((self.outs, self.ins), dtype=self.dtype)  # weights, row i feeds neuron i
        self._b = np.zeros((self.outs, 1), dtype=self.dtype)  # biases
        self._dW = np.zeros_like(self._W)  # ∂L/∂W of the last backward pass
        self._db = np.zeros_like(self._b)  # ∂L/∂b of the last backward pass
        self._WT = self._db_column = None  # views W.T and db[:, 0], made when backward first needs them
        self.a_in = self.z = self.a = None  # last forward pass: input, pre-activation, output
        self._work = {}  # per batch size: reusable buffers (z, a, δ, the gradient passed down, ones)
        self._work_n, self._last_work = None, None  # the batch size last used and its buffers
        self.reset_parameters(rng)

    W = _TrainedArray("weights (outs, ins): row i feeds neuron i")
    b = _TrainedArray("biases (outs, 1)")
    dW = _TrainedArray("∂L/∂W (outs, ins) of the last backward pass")
    db = _TrainedArray("∂L/∂b (outs, 1) of the last backward pass")

    def _unbind(self):
        """An array was assigned from outside: the views cached from the old ones go, and so does the binding."""
        self._WT = self._db_column = self._block = self._grad_block = None
        if self._owner is not None:
            self._owner.stale = True  # its network copies the new array in before the next step
            self._owner = None

    def attach(self, owner, W, b, dW, db, block=None, grad_block=None):
        """Make W, b, dW, db the given arrays (views of ``owner``, a ParameterBuffer, holding their values);
        ``block`` and ``grad_block``: [W | b] and [dW | db] when they lie side by side there."""
        if self._owner is not None and self._owner is not owner:
            self._owner.stale = True  # the layer moved to another network's buffer
        self._W, self._b, self._dW, self._db, self._owner = W, b, dW, db, owner
        self._block, self._grad_block = block, grad_block
        self._WT = self._db_column = None  # views of the arrays replaced

    def pad_output(self, padded):
        """Whether outputs carry a row of ones below them (buffers of outs + 1 rows; ``a_padded`` after each
        forward): the next layer then takes its bias in the same product as its weights."""
        if bool(padded) != self._pad_out:
            self._pad_out = bool(padded)
            self._work.clear()
            self._work_n = self._last_work = self.a_padded = None

    def reset_parameters(self, rng=None):
        """Draw fresh weights and biases as ``self.init`` says."""
        self.W[...], self.b[...] = INITIALIZERS[self.init].draw(as_rng(rng), self.outs, self.ins)

    def _buffers(self, n):
        """Reusable (z, a, δ, ∂L/∂a_in) buffers for a batch of ``n`` columns, and ``n`` ones (to sum δ's rows)."""
        work = self._work.get(n)
        if work is None:
            if len(self._work) > 4:  # batch sizes come and go in the GUI; keep memory bounded
                self._work.clear()
            shape = (self.outs, n)
            if self._pad_out:  # z and a: the top rows of buffers whose last row is ones
                z_pad, a_pad = np.ones((self.outs + 1, n), self.dtype), np.ones((self.outs + 1, n), self.dtype)
                z, a = z_pad[: self.outs], a_pad[: self.outs]
            else:
                z_pad = a_pad = None
                z, a = np.empty(shape, self.dtype), np.empty(shape, self.dtype)
            work = self._work[n] = (z, a, np.empty(shape, self.dtype), np.empty((self.ins, n), self.dtype),
                                    np.ones(n, self.dtype), z_pad, a_pad)
        self._work_n, self._last_work = n, work
        return work

    def forward(self, a_in, padded=None):
        """z = W a_in + b, a = f(z); caches both for ``backward``. Returns ``a`` (a reused buffer).

        ``padded``: ``a_in`` with a row of ones below it (the ``a_padded`` of the layer before), which a layer
        whose W and b lie side by side ([W | b], see engine/parameters.py) multiplies in one product.
        """
        n = a_in.shape[1]
        work = self._last_work if n == self._work_n else self._buffers(n)
        z = work[0]
        block = self._block
        if padded is not None and block is not None:
            if n == 1:  # np.dot's matrix-vector product costs half of matmul's
                np.dot(block, padded, z)
            else:
                np.matmul(block, padded, z)  # [W | b] [a; 1] = W a + b
            self._a_in_padded = padded
        else:
            self._a_in_padded = None
            # One column (per-sample training): np.dot's matrix-vector product costs half of matmul's.
            if n == 1:
                np.dot(self._W, a_in, z)
            else:
                np.matmul(self._W, a_in, z)
            z += self._b
        self.a_in, self.z = a_in, z
        self.a = a = self.act.forward(z, work[1])
        if self._pad_out:  # a is a's buffer, or z itself (identity)
            self.a_padded = work[6] if a is work[1] else work[5] if a is z else None
        return a

    def backward(self, grad_out, need_grad_in=True):
        """From ∂L/∂a (outs, n): store dW, db; return ∂L/∂a_in (ins, n), or None if not needed.

        δ = ∂L/∂z = ∂L/∂a ⊙ f′(z);  dW = δ a_inᵀ;  db = Σ_columns δ;  ∂L/∂a_in = Wᵀ δ.
        """
        n = grad_out.shape[1]
        _, _, delta, grad_in, ones, _, _ = self._last_work if n == self._work_n else self._buffers(n)
        if n == 1:
            # One column: db = Σ_columns δ is δ itself, and dW is an outer product. A product of sums of one
            # term each, so multiply gives what matmul gives, 5× faster (matmul's k = 1 case skips BLAS);
            # np.dot's matrix-vector product costs half of matmul's.
            padded = self._a_in_padded
            if padded is not None and grad_out.dtype == self.dtype:  # [dW | db] = δ [a_in; 1]ᵀ in one multiply
                self.delta = delta = self.act.backward(self.z, self.a, grad_out, delta)
                np.multiply(delta, padded.T, out=self._grad_block)
                return np.dot(self._W.T, delta, grad_in) if need_grad_in else None
            db = self._db  # δ written straight into db
            delta = self.act.backward(self.z, self.a, grad_out, db)
            if delta is not db:  # the activation handed back its input (identity): δ = ∂L/∂a
                np.copyto(db, delta)
            self.delta = db
            np.multiply(db, self.a_in.T, out=self._dW)
            return np.dot(self._W.T, db, grad_in) if need_grad_in else None
        self.delta = delta = self.act.backward(self.z, self.a, grad_out, delta)
        padded = self._a_in_padded
        if padded is not None and delta.dtype == self.dtype:
            np.matmul(delta, padded.T, self._grad_block)  # [dW | db] = δ [a_in; 1]ᵀ: both in one product
        else:
            np.matmul(delta, self.a_in.T, self._dW)
            db_column = self._db_column
            if db_column is None:
                db_column = self._db_column = self._db[:, 0]
            try:
                # Σ_columns δ as δ·ones: one BLAS matrix-vector product, 2–4× faster than np.add.reduce
                # (the same sum, added in BLAS's order).
                np.dot(delta, ones, db_column)
            except ValueError:  # δ of another dtype (identity handing one through), or db a strided column
                np.add.reduce(delta, axis=1, keepdims=True, out=self._db)
        if not need_grad_in:
            return None
        WT = self._WT
        if WT is None:
            WT = self._WT = self._W.T
        return np.matmul(WT, delta, grad_in)

    def n_params(self):
        return self.W.size + self.b.size

    def __repr__(self):
        return f"Layer({self.ins} → {self.outs}, {self.act!r})"
