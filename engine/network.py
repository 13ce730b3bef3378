"""A series of connected, compatible layers trained by backpropagation."""

import math
import warnings

import numpy as np

from engine.activations import activation_spec
from engine.initializers import DEFAULT_INIT
from engine.layers import Layer, as_rng
from engine.losses import get_loss
from engine.optimizers import SGD, get_optimizer
from engine.parameters import ParameterBuffer
from engine.phases import Backward, Forward, Loss, Update

_INFER_CHUNK = 4096  # columns per chunk when predicting on a whole dataset (bounds memory)
_LARGE_INPUT = 10.0  # inputs beyond this in size are probably unscaled (pixels 0–255)


class NonFiniteLossWarning(RuntimeWarning):
    """``NeuralNetwork.train`` saw the loss become NaN or infinite; the message says the likely cause."""


class NeuralNetwork:
    """Layers applied in order, a loss, and an optimiser (plain SGD by default: W −= lr·dW).

    X : ndarray of shape (features, n), one sample per column. A single column works too.
    """

    def __init__(self, layers, loss, lr=0.01, optimizer=None):
        self.layers = list(layers)
        if not self.layers:
            raise ValueError("A network needs at least one layer.")
        for k, (from_, to_) in enumerate(zip(self.layers[:-1], self.layers[1:]), start=1):
            if from_.outs != to_.ins:
                raise ValueError(
                    "Layers should have compatible shapes: "
                    f"layer {k} gives {from_.outs} outputs but layer {k + 1} takes {to_.ins} inputs."
                )
        self.loss_function = get_loss(loss)
        # Every W and b as views of one flat array (engine/parameters.py); None for layers of mixed dtypes.
        self._params = ParameterBuffer(self.layers) if ParameterBuffer.fits(self.layers) else None
        if optimizer is None:
            optimizer = SGD(lr)
        elif isinstance(optimizer, str):
            optimizer = get_optimizer(optimizer, lr=lr)
        self.optimizer = optimizer
        self.last_loss = None  # loss of the last training step
        self._told_non_finite = False  # NonFiniteLossWarning is given once per network
        self._grad_buf = {}  # per batch size: reusable buffer for ∂L/∂outputs

    # -- properties -------------------------------------------------------------------------
    @property
    def optimizer(self):
        """What updates the parameters after each backward pass (an engine.optimizers.Optimizer)."""
        return self._optimizer

    @optimizer.setter
    def optimizer(self, optimizer):
        self._optimizer = optimizer
        if self._params is not None:
            optimizer.share_slots(self._params.values)  # per-layer updates (train_phases) step the same moments

    def parameter_buffer(self):
        """The ParameterBuffer holding every W and b (its layers' arrays are its views), or None (mixed dtypes).

        Rebinds first when an array was assigned to a layer's W, b, dW or db, or a layer was swapped in.
        """
        params = self._params
        if params is not None and (params.stale or self.layers != params.layers):  # params.bound(), inline
            self._rebind()
        return self._params

    def _rebind(self):
        layers, params = self.layers, self._params
        if len(layers) == len(params.layers) and all(
                (new.outs, new.ins, new.dtype) == (old.outs, old.ins, old.dtype) for new, old in zip(layers, params.layers)):
            params.bind(layers)  # the same shapes: copy the layers' arrays in, views again
        else:
            self._params = ParameterBuffer(layers) if ParameterBuffer.fits(layers) else None
            self.optimizer = self._optimizer  # shares the new buffer's slots

    @property
    def lr(self):
        """The optimiser's learning rate."""
        return self.optimizer.lr

    @lr.setter
    def lr(self, value):
        self.optimizer.lr = float(value)

    @property
    def dtype(self):
        return self.layers[0].dtype

    @property
    def sizes(self):
        """Neurons per layer, input first: e.g. [784, 16, 16, 10]."""
        return [self.layers[0].ins] + [layer.outs for layer in self.layers]

    @property
    def activations(self):
        return [layer.act for layer in self.layers]

    def params(self):
        """Parameters in a fixed order: W₁, b₁, W₂, b₂, …"""
        return [p for layer in self.layers for p in (layer.W, layer.b)]

    def n_params(self):
        return sum(layer.n_params() for layer in self.layers)

    @classmethod
    def build(cls, sizes, acts, loss, *, out_act=None, optimizer="sgd", lr=0.01, l2=0.0, seed=None,
              dtype=np.float32, init=DEFAULT_INIT, **opt_settings):
        """A network from layer sizes ([784, 128, 10]) and activations (one name, or one per layer).

        ``init`` names the initialisation of every layer (engine/initializers.py; "auto" by default).
        """
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2:
            raise ValueError(f"an architecture needs an input and an output size, got {sizes}")
        loss = get_loss(loss)
        n_layers = len(sizes) - 1
        if isinstance(acts, (list, tuple)):
            acts = list(acts)
        else:
            acts = [acts] * (n_layers - 1)
        if len(acts) == n_layers - 1:
            acts.append(out_act or loss.default_output)
        elif out_act is not None:
            acts[-1] = out_act
        if len(acts) != n_layers:
            raise ValueError(f"{len(acts)} activations given for {n_layers} layers")
        rng = as_rng(seed)
        layers = [Layer(i, o, a, rng=rng, init=init, dtype=dtype) for i, o, a in zip(sizes[:-1], sizes[1:], acts)]
        opt = get_optimizer(optimizer, lr=lr, l2=l2, **opt_settings)
        return cls(layers, loss, optimizer=opt)

    def config(self):
        """What rebuilds an equal (untrained) network: sizes, activation names, loss name."""
        return {
            "sizes": self.sizes,
            "activations": [activation_spec(a) for a in self.activations],
            "loss": self.loss_function.name,
            "dtype": self.dtype.name,
        }

    # -- forward ----------------------------------------------------------------------------
    def _as_input(self, X):
        X = np.asarray(X, dtype=self.dtype)
        if X.ndim == 1:
            X = X[:, None]
        if X.ndim != 2 or X.shape[0] != self.layers[0].ins:
            raise ValueError(
                f"input has shape {X.shape}; expected ({self.layers[0].ins}, n): one sample per column"
            )
        return X

    def forward_pass(self, X):
        """Outputs (outs, n) for inputs X (ins, n); each layer caches what backward needs."""
        a = self._as_input(X)
        for layer in self.layers:
            a = layer.forward(a)
        return a.copy()

    def infer(self, X):
        """Outputs (outs, n) without touching the training caches (safe next to training)."""
        a = self._as_input(X)
        if a.shape[1] > _INFER_CHUNK:
            return np.concatenate(
                [self.infer(a[:, i : i + _INFER_CHUNK]) for i in range(0, a.shape[1], _INFER_CHUNK)], axis=1
            )
        for layer in self.layers:
            a = layer.act.f(layer.W @ a + layer.b)
        return a

    def activations_for(self, X):
        """[input, a₁, a₂, …]: every layer's output for inputs X, without touching training caches."""
        out = [self._as_input(X)]
        for layer in self.layers:
            out.append(layer.act.f(layer.W @ out[-1] + layer.b))
        return out

    def predict_proba(self, X):
        """Class probabilities (outs, n) as the loss reads the outputs (softmax for cross-entropy)."""
        return self.loss_function.probabilities(self.infer(X))

    def predict(self, X):
        """The most likely class of each column, shape (n,)."""
        return np.argmax(self.infer(X), axis=0)

    def accuracy(self, X, labels):
        """Fraction of columns whose predicted class equals ``labels``."""
        labels = np.asarray(labels).reshape(-1)
        return float(np.mean(self.predict(X) == labels))

    def loss(self, values, expected):
        """The loss of outputs ``values`` against ``expected``, as a float."""
        return self.loss_function.loss(values, expected)

    # -- training ---------------------------------------------------------------------------
    def train(self, X, t):
        """One gradient step on the batch (X, t); returns the batch's loss (before the step).

        The first time the loss is NaN or infinite, a NonFiniteLossWarning says the likely cause
        (NumPy's own overflow warnings are kept quiet: they name no cause).
        """
        with np.errstate(over="ignore", invalid="ignore"):
            self.train_step(self._as_input(X), t)
        if not self._told_non_finite and not math.isfinite(self.last_loss):
            self._told_non_finite = True
            warnings.warn(self._non_finite_cause(X), NonFiniteLossWarning, stacklevel=2)
        return self.last_loss

    def _non_finite_cause(self, X):
        """The sentence NonFiniteLossWarning gives: what became non-finite and the likely cause in ``X``."""
        top = float(np.max(np.abs(X))) if np.size(X) else 0.0
        if top > _LARGE_INPUT:
            cause = (f"inputs reach {top:g}: scale them to 0..1 (e.g. divide pixels by 255) or lower the learning "
                     f"rate (now {self.lr:g})")
        else:
            cause = f"the steps are too large: lower the learning rate (now {self.lr:g})"
        return (f"the loss became {self.last_loss}: the numbers outgrew floating point. Likely cause: {cause}. "
                f"Every later loss stays non-finite (this is said once).")

    def train_step(self, a, t):
        """One training step on inputs ``a`` (features, n) of the network's dtype; returns the loss.

        The calls ``train_phases`` makes, in the same order, without its phase events: a plain loop
        costs a few µs less per batch than resuming a generator at every phase, which a small
        network notices. Its update is one call on the whole ParameterBuffer where train_phases
        updates layer by layer (to show each); element for element the same arithmetic. Tests hold
        both to the same weights, bit for bit.
        """
        layers, params = self.layers, self._params
        if params is None or params.stale or layers != params.layers:  # not params.bound(layers), inline
            params = self.parameter_buffer()
        padded = None  # the input with a row of ones below: the first layer's is the batch alone
        for layer in layers:
            a = layer.forward(a, padded)
            padded = layer.a_padded
        lossf = self.loss_function
        grad = self._grad_buf.get(a.shape)
        if grad is None or grad.dtype != a.dtype:
            grad = self._grad_out(a)
        self.last_loss, grad = lossf.loss_and_grad(a, lossf.targets(t, a.shape[0], layers[0].dtype), grad)
        for k in range(len(layers) - 1, 0, -1):
            grad = layers[k].backward(grad)
        layers[0].backward(grad, need_grad_in=False)
        opt = self._optimizer
        opt.begin_step()
        if params is not None:  # every layer's update in one go: element for element the per-layer calls below
            opt.update_flat(params.values, params.grads, params.decay)
        else:
            for layer in layers:
                opt.update(layer.W, layer.dW, True)
                opt.update(layer.b, layer.db, False)
        return self.last_loss

    def _grad_out(self, a):
        """The reusable buffer for ∂L/∂outputs at the batch size of outputs ``a``."""
        grad = self._grad_buf.get(a.shape)
        if grad is None or grad.dtype != a.dtype:
            grad = np.empty(a.shape, self.dtype)
            self._grad_buf = {a.shape: grad}
        return grad

    def train_phases(self, X, t, record=False):
        """One training step as a generator of its phases; the single implementation of ``train``.

        With ``record`` it yields Forward, Loss, Backward and Update events holding copies of the
        arrays involved; without it, it yields None at the same points (and copies nothing).
        """
        a = self._as_input(X)
        self.parameter_buffer()  # rebinds if a layer's array was replaced, as train_step does
        padded = None  # as train_step: each layer after the first takes its bias in its weights' product
        for k, layer in enumerate(self.layers):
            a_in = a
            a = layer.forward(a_in, padded)
            padded = layer.a_padded
            last = k == len(self.layers) - 1
            yield Forward(k, a_in.copy(), layer.z.copy(), a.copy(), np.array(t, copy=True) if last else None) \
                if record else None

        grad = self._grad_out(a)
        lossf = self.loss_function
        target = lossf.targets(t, a.shape[0], self.dtype)
        value, _ = lossf.loss_and_grad(a, target, grad)
        self.last_loss = value
        if record:
            yield Loss(a.copy(), np.array(target, copy=True), value, grad.copy())
        else:
            yield None

        for k in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[k]
            grad_out = grad
            grad = layer.backward(grad_out, need_grad_in=(k > 0 or record))
            if record:
                yield Backward(k, grad_out.copy(), layer.delta.copy(), layer.dW.copy(), layer.db.copy(),
                               None if grad is None else grad.copy())
            else:
                yield None

        opt = self._optimizer
        opt.begin_step()
        for k, layer in enumerate(self.layers):
            before = (layer.W.copy(), layer.b.copy()) if record else None
            opt.update(layer.W, layer.dW, True)
            opt.update(layer.b, layer.db, False)
            if record:
                yield Update(k, before[0], layer.W.copy(), before[1], layer.b.copy(), opt.lr)
            else:
                yield None

    # -- copies -----------------------------------------------------------------------------
    def weights(self):
        """Copies of [(W, b), …] for every layer."""
        return [(layer.W.copy(), layer.b.copy()) for layer in self.layers]

    def set_weights(self, weights):
        """Overwrite every layer's W and b in place from [(W, b), …] of matching shapes."""
        weights = list(weights)
        if len(weights) != len(self.layers):
            raise ValueError(f"{len(weights)} weight pairs given for {len(self.layers)} layers")
        for k, (layer, (W, b)) in enumerate(zip(self.layers, weights)):
            if np.shape(W) != layer.W.shape or np.shape(b) != layer.b.shape:
                raise ValueError(
                    f"layer {k + 1} needs W {layer.W.shape} and b {layer.b.shape}, "
                    f"got {np.shape(W)} and {np.shape(b)}"
                )
            layer.W[...] = W
            layer.b[...] = b

    def clone(self):
        """An independent copy: same architecture, weights, loss and optimiser settings (no state)."""
        layers = []
        for layer in self.layers:
            new = Layer(layer.ins, layer.outs, layer.act, rng=0, init=layer.init, dtype=layer.dtype)
            new.W[...] = layer.W
            new.b[...] = layer.b
            layers.append(new)
        opt = type(self.optimizer)(**self.optimizer.settings())
        return NeuralNetwork(layers, type(self.loss_function)(), optimizer=opt)

    def __repr__(self):
        inner = ", ".join(repr(layer) for layer in self.layers)
        return f"NeuralNetwork([{inner}], {self.loss_function!r}, {self.optimizer!r})"
