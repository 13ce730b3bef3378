"""Loss functions: each keeps ``loss`` and its gradient ``dloss`` side by side.

``values`` has shape (outs, n): one column per sample. Both losses reduce by the mean.
"""

import numpy as np


class LossFunction:
    """A loss ``loss(values, expected)`` → float and its gradient ``dloss`` w.r.t. ``values``."""

    name = "loss"
    # Which activation a classifier's last layer normally pairs with (used by the CLI and the GUI).
    default_output = "identity"

    def loss(self, values, expected):
        raise NotImplementedError

    def dloss(self, values, expected):
        raise NotImplementedError

    def probabilities(self, values):
        """The network's outputs read as class probabilities, shape (outs, n)."""
        values = np.asarray(values)
        total = values.sum(axis=0, keepdims=True)
        return values / np.where(total == 0, 1, total)

    def targets(self, labels, outs, dtype):
        """What ``loss`` expects for integer class ``labels`` and ``outs`` outputs."""
        return np.asarray(labels)

    def loss_and_grad(self, values, expected, out=None):
        """(loss, ∂L/∂values) for outputs ``values`` (outs, n) and ``targets(…)``; the training step's one call.

        ``out`` (outs, n), if given, receives the gradient and is returned. This general form is
        ``loss`` and ``dloss``; a loss overrides it when one pass computes both faster.
        """
        loss = self.loss(values, expected)
        grad = self.dloss(values, expected)
        if out is None:
            return loss, grad
        out[...] = grad
        return loss, out

    def __repr__(self):
        return f"{type(self).__name__}()"


class MSELoss(LossFunction):
    """Mean squared error over all elements, as in the seed."""

    name = "mse"
    default_output = "sigmoid"

    def loss(self, values, expected):
        """mean((values − expected)²)."""
        return float(np.mean((np.asarray(values) - np.asarray(expected)) ** 2))

    def dloss(self, values, expected):
        """2 (values − expected) / values.size."""
        values = np.asarray(values)
        return 2 * (values - np.asarray(expected)) / values.size

    def loss_and_grad(self, values, expected, out=None):
        """(loss, ∂L/∂values) in one pass: the same float operations as ``loss`` and ``dloss``, fewer calls."""
        values, expected = np.asarray(values), np.asarray(expected)
        if out is None or values.dtype != out.dtype or np.result_type(values, expected) != out.dtype:
            return super().loss_and_grad(values, expected, out)
        diff = np.subtract(values, expected, out=out)
        square = np.square(diff)
        # np.mean without its overhead: the same sum in the array's dtype, divided as np.mean does.
        total = np.add.reduce(square, axis=None)
        loss = float(total.dtype.type(float(total) / square.size))
        diff *= 2  # exact, so 2·diff/size rounds once, as dloss's 2·(values − expected)/size does
        diff /= values.size
        return loss, diff

    def probabilities(self, values):
        return super().probabilities(np.clip(values, 0, None))

    def targets(self, labels, outs, dtype):
        """One-hot columns for integer labels; float targets pass through (for one output, a row of them)."""
        labels = np.asarray(labels)
        if labels.ndim == 2:
            return labels.astype(dtype, copy=False)
        if outs == 1 and labels.dtype.kind == "f":  # regression: one real-valued target per column
            return labels.reshape(1, -1).astype(dtype, copy=False)
        onehot = np.zeros((outs, labels.size), dtype=dtype)
        onehot[labels.reshape(-1), np.arange(labels.size)] = 1
        return onehot


def _class_indices(expected, n):
    """Class indices as an int array of length n (an int is accepted for a single column)."""
    if type(expected) is np.ndarray and expected.ndim == 1 and expected.dtype.kind in "iu":
        idx = expected  # the training path: already what is needed, skip the checks below (µs each)
        if idx.size != n:
            raise ValueError(f"{idx.size} class indices given for {n} columns")
        return idx
    idx = np.asarray(expected)
    if idx.ndim == 0:
        idx = idx.reshape(1)
    if not np.issubdtype(idx.dtype, np.integer):
        if np.issubdtype(idx.dtype, np.floating) and np.all(idx == np.round(idx)):
            idx = idx.astype(np.int64)
        else:
            raise TypeError("CrossEntropyLoss takes class indices (integers), one per column")
    idx = idx.reshape(-1)
    if idx.size != n:
        raise ValueError(f"{idx.size} class indices given for {n} columns")
    return idx


_COLUMN_NUMBERS = {}  # n → read-only arange(n), the column index of a one-per-column gather


def _column_numbers(n):
    cols = _COLUMN_NUMBERS.get(n)
    if cols is None:
        if len(_COLUMN_NUMBERS) > 16:  # batch sizes change in the GUI; keep the cache small
            _COLUMN_NUMBERS.clear()
        cols = _COLUMN_NUMBERS[n] = np.arange(n)
        cols.flags.writeable = False
    return cols


class CrossEntropyLoss(LossFunction):
    """Softmax cross-entropy; ``expected`` holds the target class index of each column."""

    name = "ce"
    _views = (None, None, None, np.empty(0, np.intp))  # (gradient buffer last given, its flat view or None,
    # column numbers, n repeated n times)

    @staticmethod
    def softmax(values):
        """Column-wise softmax, stable: the column max is subtracted before exp."""
        values = np.asarray(values)
        if values.ndim == 1:
            values = values[:, None]
        e = np.exp(values - values.max(axis=0, keepdims=True))
        return e / e.sum(axis=0, keepdims=True)

    def loss(self, values, expected):
        """mean over columns of −log softmax(values)[expected], via log-sum-exp."""
        values = np.asarray(values)
        if values.ndim == 1:
            values = values[:, None]
        idx = _class_indices(expected, values.shape[1])
        shifted = values - values.max(axis=0, keepdims=True)
        log_norm = np.log(np.exp(shifted).sum(axis=0))
        return float(np.mean(log_norm - shifted[idx, np.arange(idx.size)]))

    def dloss(self, values, expected):
        """(softmax(values) − onehot(expected)) / n.

        The fused form is exact here because the softmax belongs to the loss: ``values`` are the
        raw outputs (logits). A last layer with an activation other than identity still chains
        through its own derivative in ``Layer.backward``.
        """
        values = np.asarray(values)
        squeeze = values.ndim == 1
        grad = self.softmax(values)
        idx = _class_indices(expected, grad.shape[1])
        grad[idx, np.arange(idx.size)] -= 1
        grad /= grad.shape[1]
        return grad[:, 0] if squeeze else grad

    def targets(self, labels, outs, dtype):
        """Class indices, an int array with one per column (an int is one column's)."""
        if type(labels) is np.ndarray and labels.ndim == 1 and labels.dtype.kind in "iu":
            return labels  # the training path: already what is needed (np.size and the checks cost µs)
        return _class_indices(labels, np.size(labels))

    def loss_and_grad(self, values, expected, out=None):
        """(loss, ∂L/∂values) in one pass over (outs, n) logits ``values``; ``expected`` holds class indices.

        Same maths as ``loss`` and ``dloss``. The gradient is the fused softmax-and-log one,
        (softmax − onehot)/n, and it is exact for any network: the softmax is part of this loss, not of
        the last layer, so ``values`` are whatever the last layer outputs and ``Layer.backward`` still
        chains that layer's own activation (identity for a classifier, where δ = this gradient).
        """
        n = values.shape[1]
        if type(expected) is np.ndarray and expected.ndim == 1 and expected.size == n and expected.dtype.kind in "iu":
            idx = expected  # the training path: what _class_indices would hand back, without its call
        else:
            idx = _class_indices(expected, n)
        if out is None:
            out = np.empty_like(values)
        buffer, flat, cols, ns = self._views
        if buffer is not out or len(idx) != len(ns) or ns.dtype != idx.dtype:  # usually the same buffer each batch
            flat, cols = out.reshape(-1) if out.flags.c_contiguous else None, _column_numbers(n)
            ns = np.full(n, n, idx.dtype)  # n as an array: NumPy multiplies two arrays faster than array × scalar
            self._views = (out, flat, cols, ns)
        # Each column's target element as an index into the flat array: 1-D gathers and scatters
        # cost less than (row, column) pairs of index arrays (µs, on a small network).
        at = idx * ns
        at += cols
        top = np.maximum.reduce(values, axis=0, keepdims=True)
        np.subtract(values, top, out)
        picked = flat.take(at) if flat is not None else out.ravel().take(at)  # shifted target logits (a new array)
        np.exp(out, out)
        total = np.add.reduce(out, axis=0, keepdims=True)
        # np.mean(log Σexp − picked) without its overhead: the same sum in the array's dtype, divided by n
        # in that dtype as np.mean does.
        log_total = np.log(total[0], top[0])
        np.subtract(log_total, picked, picked)
        loss = float(np.add.reduce(picked) / n)
        out /= total
        if flat is not None:
            flat[at] -= 1
        else:
            out[idx, cols] -= 1
        out /= n
        return loss, out

    def probabilities(self, values):
        return self.softmax(values)


LOSSES = {"mse": MSELoss, "ce": CrossEntropyLoss}
_ALIASES = {"cross_entropy": "ce", "crossentropy": "ce", "cross-entropy": "ce", "mean_squared_error": "mse"}


def get_loss(name):
    """A loss instance from its name (``mse`` or ``ce``)."""
    if isinstance(name, LossFunction):
        return name
    key = str(name).strip().lower()
    key = _ALIASES.get(key, key)
    if key not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}")
    return LOSSES[key]()
