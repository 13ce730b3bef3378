"""Optimisers: each updates (param, grad) pairs in place, with optional L2 weight decay.

The learning rate and other settings are plain attributes, so they may change between steps.
"""

import math
import numbers
import weakref

import numpy as np

# What each setting may be; NaN is none of them. Checked where an optimiser is made and where a running
# trainer takes new settings (engine/training.py), so a file or a control cannot ask for lr < 0 or eps = 0.
_SETTING_RULES = {
    "lr": (lambda v: v > 0, "greater than 0"),
    "eps": (lambda v: v > 0, "greater than 0"),
    "l2": (lambda v: v >= 0, "0 or more"),
    "momentum": (lambda v: 0 <= v < 1, "in [0, 1)"),
    "beta1": (lambda v: 0 <= v < 1, "in [0, 1)"),  # β₁ = 1 would divide by 1 − β₁ᵗ = 0
    "beta2": (lambda v: 0 <= v < 1, "in [0, 1)"),
}


def check_setting(key, value):
    """``value`` as a float when it is a valid optimiser setting ``key``; ValueError naming both otherwise."""
    rule = _SETTING_RULES.get(key)
    if rule is None:
        raise ValueError(f"unknown optimizer setting {key!r}")
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not rule[0](float(value)):
        raise ValueError(f"{key} must be a number {rule[1]}, got {value!r}")
    return float(value)


class Optimizer:
    """Base class: ``step(pairs)`` updates each param in place from its gradient."""

    name = "optimizer"

    def __init__(self, lr=0.01, l2=0.0):
        self.lr = check_setting("lr", lr)  # learning rate η
        self.l2 = check_setting("l2", l2)  # L2 weight decay λ: adds λ·W to ∂L/∂W (biases are not decayed)
        self.t = 0  # steps taken
        self._state = {}  # per-parameter arrays, keyed by id(param)
        self._shared = weakref.WeakValueDictionary()  # id → flat parameter arrays (see ``share_slots``) whose views use views of their slots
        self._scratch = {}  # reusable temporaries, keyed by (shape, dtype, which): no allocation per step

    def step(self, pairs):
        """One update of every (param, grad, decay) triple; ``decay`` says whether L2 applies."""
        self.begin_step()
        for param, grad, decay in pairs:
            self.update(param, grad, decay)

    def begin_step(self):
        """Start a step; ``update`` then applies it to each parameter (one layer at a time)."""
        self.t += 1

    def update(self, param, grad, decay=True):
        """Update one parameter in place as part of the current step."""
        if decay and self.l2:
            grad = np.asarray(grad)
            decayed = np.multiply(param, self.l2, out=self._temp(param, grad, 1))
            grad = np.add(grad, decayed, out=decayed)  # grad + λ·param
        self._update(param, grad, self._slots(param) if self.n_slots else None)  # plain SGD keeps no state

    def update_flat(self, param, grad, decay=None):
        """Update a flat ``param`` in place as part of the current step; L2 where ``decay`` (same shape) is 1.

        Element for element what ``update`` does to each parameter viewed in ``param`` (a network's
        ParameterBuffer, whose ``decay`` is 1 for its weights and 0 for its biases), in a few calls for all.
        """
        if decay is not None and self.l2:
            decayed = self._temp(param, grad, 1)
            np.multiply(param, self.l2, out=decayed)
            np.multiply(decayed, decay, out=decayed)  # λ·param on the weights, 0 on the biases
            np.add(grad, decayed, out=decayed)  # grad + λ·param; grad + 0 = grad
            grad = decayed
        self._update(param, grad, self._slots(param) if self.n_slots else None)

    def share_slots(self, flat):
        """Keep the state of views of ``flat`` (1-D) inside ``flat``'s own: then ``update_flat`` on ``flat``
        and ``update`` on its views (one layer at a time) step the same moments."""
        self._shared[id(flat)] = flat

    def _temp(self, param, grad, which=0):
        """A scratch array shaped like ``param`` in the dtype ``param ⊙ grad`` has (contents undefined)."""
        dtype = param.dtype if grad.dtype == param.dtype else np.result_type(param, grad)
        key = (param.shape, dtype, which)
        temp = self._scratch.get(key)
        if temp is None:
            if len(self._scratch) > 32:  # networks get rebuilt in the GUI; keep memory bounded
                self._scratch.clear()
            temp = self._scratch[key] = np.empty(param.shape, dtype)
        return temp

    def slot_arrays(self, param):
        """The arrays this optimiser keeps for ``param`` (momentum, Adam's moments; made when first asked)."""
        return self._slots(param)[1:] if self.n_slots else []

    def _slots(self, param):
        slots = self._state.get(id(param))
        if slots is None or slots[0] is not param:
            base = param.base
            if base is not None and self._shared.get(id(base)) is base and base.dtype == param.dtype:
                # The same elements of each of the base's slots: same offset, same strides (a W beside its b
                # in a [W | b] block has rows ins + 1 apart).
                offset = param.__array_interface__["data"][0] - base.__array_interface__["data"][0]
                slots = [param] + [np.ndarray(param.shape, param.dtype, buffer=s, offset=offset, strides=param.strides)
                                   for s in self._slots(base)[1:]]
            else:
                slots = [param] + [np.zeros_like(param) for _ in range(self.n_slots)]
            self._state[id(param)] = slots
        return slots

    n_slots = 0

    def _update(self, param, grad, slots):
        raise NotImplementedError

    def reset(self):
        """Forget all state (momentum, moments, step count)."""
        self.t = 0
        self._state.clear()

    def state_arrays(self, params):
        """The optimiser's state for ``params`` as named arrays (for checkpoints)."""
        out = {"t": np.array(self.t)}
        for i, p in enumerate(params):
            for j, arr in enumerate(self._slots(p)[1:]):
                out[f"p{i}_s{j}"] = arr.copy()
        return out

    def load_state_arrays(self, params, arrays):
        """Restore what ``state_arrays`` returned, for the same ``params``."""
        self.t = int(arrays["t"])
        for i, p in enumerate(params):
            slots = self._slots(p)
            for j in range(self.n_slots):
                src = arrays[f"p{i}_s{j}"]
                if src.shape != p.shape:
                    raise ValueError(f"optimizer state p{i}_s{j} has shape {src.shape}, parameter {p.shape}")
                slots[j + 1][...] = src

    def settings(self):
        return {"lr": self.lr, "l2": self.l2}

    def __repr__(self):
        args = ", ".join(f"{k}={v:g}" for k, v in self.settings().items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Plain gradient descent: W ← W − η ∂L/∂W."""

    name = "sgd"

    def update(self, param, grad, decay=True):
        if decay and self.l2 or self.n_slots:
            return super().update(param, grad, decay)
        param -= self.lr * grad  # plain SGD keeps no state: skip the general path's checks (µs per layer)

    def update_flat(self, param, grad, decay=None):
        if decay is not None and self.l2 or self.n_slots:
            return super().update_flat(param, grad, decay)
        param -= self.lr * grad

    def _update(self, param, grad, slots):
        # Kept as written: a reused buffer for lr·grad measured no faster (NumPy recycles it cheaply).
        param -= self.lr * grad


class Momentum(SGD):
    """Heavy-ball momentum: v ← μv − η ∂L/∂W;  W ← W + v."""

    name = "momentum"
    n_slots = 1

    def __init__(self, lr=0.01, momentum=0.9, l2=0.0):
        super().__init__(lr, l2)
        self.momentum = check_setting("momentum", momentum)  # μ

    def _update(self, param, grad, slots):
        v = slots[1]
        v *= self.momentum
        v -= self.lr * grad
        param += v

    def settings(self):
        return {"lr": self.lr, "momentum": self.momentum, "l2": self.l2}


class Adam(Optimizer):
    """Adam (Kingma & Ba): bias-corrected first and second moments of the gradient."""

    name = "adam"
    n_slots = 2

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, l2=0.0):
        super().__init__(lr, l2)
        self.beta1, self.beta2 = check_setting("beta1", beta1), check_setting("beta2", beta2)
        self.eps = check_setting("eps", eps)

    def _update(self, param, grad, slots):
        m, v = slots[1], slots[2]
        # m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  W ← W − η·m̂/(√v̂ + ε) with m̂, v̂ bias-corrected.
        # Every intermediate goes through one reused array (temporaries of a 784×128 W cost more than
        # the arithmetic), and the scalars are Python floats so a float32 step stays in float32.
        work = self._temp(param, grad)
        m *= self.beta1
        m += np.multiply(grad, 1 - self.beta1, out=work)
        v *= self.beta2
        np.square(grad, out=work)
        work *= 1 - self.beta2
        v += work
        step = self.lr * math.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
        eps_hat = self.eps * math.sqrt(1 - self.beta2**self.t)
        denom = np.sqrt(v, out=work)
        denom += eps_hat
        ratio = np.divide(m, denom, out=work)  # m / denom
        ratio *= step
        param -= ratio

    def settings(self):
        return {"lr": self.lr, "beta1": self.beta1, "beta2": self.beta2, "eps": self.eps, "l2": self.l2}


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def get_optimizer(name, **settings):
    """An optimiser from its name (``sgd``, ``momentum``, ``adam``) and settings (lr, l2, …)."""
    if isinstance(name, Optimizer):
        return name
    key = str(name).strip().lower()
    if key not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    return OPTIMIZERS[key](**settings)
