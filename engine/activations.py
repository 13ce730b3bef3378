"""Activation functions: each keeps its value ``f`` and derivative ``df`` side by side."""

import numpy as np

_FILLED = {}  # (value, shape, dtype) → a read-only array of that value, see ``_filled``


def _filled(value, like):
    """A read-only array shaped like ``like`` and full of ``value``.

    NumPy's element-wise loops run several times faster on two arrays of one shape than on an array
    and a scalar (2–3× at 128×128), so the fast paths below pass their constants as such arrays. The
    values are the scalar's in ``like``'s dtype, so the results are the same bits.
    """
    key = (value, like.shape, like.dtype)
    array = _FILLED.get(key)
    if array is None:
        if len(_FILLED) > 64:  # batch sizes come and go in the GUI; keep memory bounded
            _FILLED.clear()
        array = _FILLED[key] = np.full(like.shape, value, like.dtype)
        array.flags.writeable = False
    return array


class ActivationFunction:
    """An element-wise activation: ``f(z)`` and its derivative ``df(z)``."""

    name = "activation"

    def f(self, x):
        """The activation of ``x`` (any shape)."""
        raise NotImplementedError

    def df(self, x):
        """The derivative of ``f`` at ``x`` (any shape)."""
        raise NotImplementedError

    # The two methods below are the training fast path. They compute the same maths as f/df,
    # written into preallocated buffers; subclasses override them where reusing ``a`` saves work.
    # They may return one of their inputs instead of ``out`` when that already holds the result.
    def forward(self, z, out):
        """Write ``f(z)`` into ``out`` and return it."""
        out[...] = self.f(z)
        return out

    def backward(self, z, a, grad, out):
        """Write ``grad * df(z)`` into ``out`` (``a`` is ``f(z)``, already computed)."""
        np.multiply(grad, self.df(z), out=out)
        return out

    def __repr__(self):
        return f"{type(self).__name__}()"

    def _settings(self):
        """What makes this activation what it is: its public attributes (private ones are caches)."""
        return {key: value for key, value in vars(self).items() if not key.startswith("_")}

    def __eq__(self, other):
        return type(self) is type(other) and self._settings() == other._settings()

    def __hash__(self):
        return hash((type(self), tuple(sorted(self._settings().items()))))


class LeakyReLU(ActivationFunction):
    """max(x, αx): a ReLU that lets a small slope α through for negative inputs."""

    name = "leaky_relu"

    def __init__(self, leaky_param=0.1):
        self.alpha = float(leaky_param)  # slope for x < 0; 0 < α < 1
        self._cached = (None, None, None)  # (z buffer, α, arrays shaped like it), see _alpha_zero

    def _alpha_zero(self, z):
        """(α, 0) as arrays shaped like ``z`` (see ``_filled``) and a boolean buffer for z > 0, remembered in
        ``_cached`` for the layer's z buffer: it stays the same array from batch to batch, so one identity
        test finds them."""
        constants = (_filled(self.alpha, z), _filled(0, z), np.empty(z.shape, bool))
        self._cached = (z, self.alpha, constants)
        return constants

    def f(self, x):
        x = np.asarray(x)
        return np.maximum(x, self.alpha * x)

    def df(self, x):
        x = np.asarray(x)
        return np.where(x > 0, 1.0, self.alpha).astype(np.result_type(x, np.float32))

    def forward(self, z, out):
        # max(z, αz) is valid for 0 < α < 1 and is measurably faster than np.where.
        seen, alpha, constants = self._cached
        if seen is not z or alpha != self.alpha:
            constants = self._alpha_zero(z)
        np.multiply(z, constants[0], out)
        return np.maximum(z, out, out=out)

    def backward(self, z, a, grad, out):
        # df is 1 where z > 0 and α elsewhere: scale everything, then put grad back where z > 0
        # (putmask: same result as copyto(where=…), 2× faster on large batches).
        seen, alpha, constants = self._cached
        alpha, zero, positive = constants if seen is z and alpha == self.alpha else self._alpha_zero(z)
        np.multiply(grad, alpha, out)
        np.putmask(out, np.greater(z, zero, out=positive), grad)
        return out

    def __repr__(self):
        return f"LeakyReLU({self.alpha:g})"


class ReLU(ActivationFunction):
    """max(x, 0)."""

    name = "relu"

    def f(self, x):
        return np.maximum(np.asarray(x), 0)

    def df(self, x):
        x = np.asarray(x)
        return (x > 0).astype(np.result_type(x, np.float32))

    def forward(self, z, out):
        return np.maximum(z, _filled(0, z), out=out)

    def backward(self, z, a, grad, out):
        # df = [z > 0] written straight into out (as 1.0/0.0), then scaled: no boolean temporary.
        np.greater(z, 0, out=out)
        out *= grad
        return out


class Sigmoid(ActivationFunction):
    """1 / (1 + e^(−x)), computed without overflow for large |x|."""

    name = "sigmoid"

    def f(self, x):
        x = np.asarray(x)
        dtype = np.result_type(x, np.float32)
        # e^(−|x|) never overflows; the two branches are the same function rearranged.
        e = np.exp(-np.abs(x, dtype=dtype))
        return np.where(x >= 0, 1 / (1 + e), e / (1 + e))

    def df(self, x):
        s = self.f(x)
        return s * (1 - s)

    def forward(self, z, out):
        out[...] = self.f(z)
        return out

    def backward(self, z, a, grad, out):
        # σ'(z) = σ(z)(1 − σ(z)) = a(1 − a): no need to evaluate the exponential again.
        np.subtract(1, a, out=out)
        out *= a
        out *= grad
        return out


class Tanh(ActivationFunction):
    """tanh(x)."""

    name = "tanh"

    def f(self, x):
        return np.tanh(np.asarray(x))

    def df(self, x):
        return 1 - np.tanh(np.asarray(x)) ** 2

    def forward(self, z, out):
        return np.tanh(z, out=out)

    def backward(self, z, a, grad, out):
        # tanh'(z) = 1 − a².
        np.multiply(a, a, out=out)
        np.subtract(1, out, out=out)
        out *= grad
        return out


class Identity(ActivationFunction):
    """x: the output layer of a classifier trained with cross-entropy (softmax lives in the loss)."""

    name = "identity"

    def f(self, x):
        return np.asarray(x)

    def df(self, x):
        x = np.asarray(x)
        return np.ones_like(x, dtype=np.result_type(x, np.float32))

    def forward(self, z, out):
        return z  # a = z: the layer's z buffer serves as a, no copy

    def backward(self, z, a, grad, out):
        return grad  # δ = ∂L/∂a: the incoming buffer serves as δ, no copy


ACTIVATIONS = {
    "leaky_relu": LeakyReLU,
    "relu": ReLU,
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "identity": Identity,
}
_ALIASES = {"leakyrelu": "leaky_relu", "lrelu": "leaky_relu", "linear": "identity", "none": "identity"}


def get_activation(name):
    """An activation instance from a name such as ``relu`` or ``leaky_relu:0.2`` (α after a colon)."""
    if isinstance(name, ActivationFunction):
        return name
    key, _, param = str(name).strip().lower().replace("-", "_").partition(":")
    key = _ALIASES.get(key, key)
    if key not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    if param:
        if key != "leaky_relu":
            raise ValueError(f"activation {key!r} takes no parameter (got {name!r})")
        try:
            alpha = float(param)
        except ValueError:
            raise ValueError(f"leaky_relu's slope must be a number, got {param!r}") from None
        if not 0 < alpha < 1:
            raise ValueError(f"leaky_relu's slope must lie in (0, 1), got {alpha}")
        return LeakyReLU(alpha)
    return ACTIVATIONS[key]()


def activation_spec(act):
    """The name that ``get_activation`` turns back into an equal activation."""
    if isinstance(act, LeakyReLU):
        return f"leaky_relu:{act.alpha!r}"
    return act.name
