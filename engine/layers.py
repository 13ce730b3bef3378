"""A fully connected layer: z = W a + b, output f(z)."""

import numpy as np

from engine.activations import ActivationFunction, LeakyReLU, get_activation
from engine.initializers import INITIALIZERS, SEED_INIT, resolve_init


def as_rng(rng):
    """A ``numpy.random.Generator`` from a seed, a Generator, or None (fresh entropy)."""
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


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
        self.W = np.empty((self.outs, self.ins), dtype=self.dtype)  # weights, row i feeds neuron i
        self.b = np.zeros((self.outs, 1), dtype=self.dtype)  # biases
        self.dW = np.zeros_like(self.W)  # ∂L/∂W of the last backward pass
        self.db = np.zeros_like(self.b)  # ∂L/∂b of the last backward pass
        self.a_in = self.z = self.a = None  # last forward pass: input, pre-activation, output
        self._work = {}  # per batch size: reusable buffers for z, a, δ and the gradient passed down
        self._work_n, self._last_work = None, None  # the batch size last used and its buffers
        self.reset_parameters(rng)

    def reset_parameters(self, rng=None):
        """Draw fresh weights and biases as ``self.init`` says."""
        self.W[...], self.b[...] = INITIALIZERS[self.init].draw(as_rng(rng), self.outs, self.ins)

    def _buffers(self, n):
        if n == self._work_n:  # the usual case: the batch size of the previous call
            return self._last_work
        work = self._work.get(n)
        if work is None:
            if len(self._work) > 4:  # batch sizes come and go in the GUI; keep memory bounded
                self._work.clear()
            shape = (self.outs, n)
            work = self._work[n] = {
                "z": np.empty(shape, self.dtype),
                "a": np.empty(shape, self.dtype),
                "delta": np.empty(shape, self.dtype),
                "grad_in": np.empty((self.ins, n), self.dtype),
            }
        self._work_n, self._last_work = n, work
        return work

    def forward(self, a_in):
        """z = W a_in + b, a = f(z); caches both for ``backward``. Returns ``a`` (a reused buffer)."""
        n = a_in.shape[1]
        work = self._buffers(n)
        # One column (per-sample training): np.dot's matrix-vector product costs half of matmul's.
        z = np.dot(self.W, a_in, out=work["z"]) if n == 1 else np.matmul(self.W, a_in, out=work["z"])
        z += self.b
        self.a_in, self.z = a_in, z
        self.a = self.act.forward(z, work["a"])
        return self.a

    def backward(self, grad_out, need_grad_in=True):
        """From ∂L/∂a (outs, n): store dW, db; return ∂L/∂a_in (ins, n), or None if not needed.

        δ = ∂L/∂z = ∂L/∂a ⊙ f′(z);  dW = δ a_inᵀ;  db = Σ_columns δ;  ∂L/∂a_in = Wᵀ δ.
        """
        n = grad_out.shape[1]
        work = self._buffers(n)
        self.delta = delta = self.act.backward(self.z, self.a, grad_out, work["delta"])
        if n == 1:
            # One column: dW is an outer product and db is δ itself. A product of sums of one term
            # each, so multiply and copy give what matmul and reduce give, 5× faster (matmul's k = 1
            # case skips BLAS); np.dot's matrix-vector product costs half of matmul's.
            np.multiply(delta, self.a_in.T, out=self.dW)
            np.copyto(self.db, delta)
            return np.dot(self.W.T, delta, out=work["grad_in"]) if need_grad_in else None
        np.matmul(delta, self.a_in.T, out=self.dW)
        np.add.reduce(delta, axis=1, keepdims=True, out=self.db)  # np.sum, minus its µs of dispatch
        if not need_grad_in:
            return None
        return np.matmul(self.W.T, delta, out=work["grad_in"])

    def n_params(self):
        return self.W.size + self.b.size

    def __repr__(self):
        return f"Layer({self.ins} → {self.outs}, {self.act!r})"
