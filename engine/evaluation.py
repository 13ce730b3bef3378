"""Judging a trained network: predictions over a split, confusion matrix, errors, and per-class summaries;
for a regression, predictions in the target's own units, RMSE and R².

Pure NumPy. ``evaluate`` runs in chunks so a caller in another thread can show progress and cancel
between any two chunks; everything else is a small function of arrays.
"""

import math
import time
from dataclasses import dataclass

import numpy as np

from engine.tasks import network_problem

DEFAULT_CHUNK = 1000  # samples per chunk: MNIST's 10k test set gives ten progress steps


@dataclass(frozen=True, eq=False)
class EvaluationResult:
    """A network's predictions on one split of a dataset, and what follows from them.

    labels, predicted, confidence : ndarray of shape (n,)
    probabilities : ndarray of shape (outputs, n), one column per sample (as the network's outputs)
    confusion : ndarray of shape (k, k), rows = true class, columns = predicted class
    """

    split: str  # "test" or "train"
    class_names: list  # k names; outputs beyond the dataset's classes are named "output j"
    labels: np.ndarray  # true class of each sample
    predicted: np.ndarray  # argmax of the network's outputs
    confidence: np.ndarray  # probability the network gave its predicted class
    probabilities: np.ndarray
    confusion: np.ndarray
    loss: float  # mean loss over the split
    seconds: float  # wall-clock time of the evaluation

    @property
    def n(self):
        return int(self.labels.size)

    @property
    def n_classes(self):
        return len(self.class_names)

    @property
    def n_correct(self):
        return int(np.trace(self.confusion))

    @property
    def accuracy(self):
        """Fraction of samples predicted right (nan for an empty split)."""
        return self.n_correct / self.n if self.n else float("nan")

    def per_class_accuracy(self):
        """Shape (k,): fraction of each true class predicted right; nan where a class has no samples."""
        return per_class_accuracy(self.confusion)

    def misclassified(self):
        """Indices of the wrong predictions, most confident first."""
        return misclassified(self.labels, self.predicted, self.confidence)

    def pair(self, true, predicted):
        """Indices of the samples of class ``true`` predicted as ``predicted``, hardest first.

        Hardest first: for a wrong pair the most confident mistakes first; for a right pair
        (true == predicted) the least confident first.
        """
        idx = np.flatnonzero((self.labels == true) & (self.predicted == predicted))
        key = self.confidence[idx] if true == predicted else -self.confidence[idx]
        return idx[np.argsort(key, kind="stable")]

    def top(self, i, k=3):
        """The ``k`` likeliest classes of sample ``i`` and their probabilities, likeliest first."""
        p = self.probabilities[:, i]
        order = np.argsort(-p, kind="stable")[:k]
        return order, p[order]

    def __repr__(self):
        return (f"EvaluationResult({self.split}, {self.n} samples, accuracy {self.accuracy:.4f}, "
                f"{self.n - self.n_correct} wrong)")


@dataclass(frozen=True, eq=False)
class RegressionResult:
    """A regression network's predictions on one split, in the target's own units.

    targets, predicted, residuals : ndarray of shape (n,) float64 (residual = predicted − target)
    """

    split: str
    targets: np.ndarray
    predicted: np.ndarray
    loss: float  # mean squared error in network units (the standardised target), as training reports it
    rmse: float  # root mean squared error in the target's units
    r2: float  # coefficient of determination: 1 − SS_res/SS_tot over this split (nan if the targets are constant)
    seconds: float

    @property
    def n(self):
        return int(self.targets.size)

    @property
    def residuals(self):
        return self.predicted - self.targets

    def worst(self):
        """Indices of the samples sorted by absolute error, largest first (ties: lower index first)."""
        return np.argsort(-np.abs(self.residuals), kind="stable")

    def __repr__(self):
        return f"RegressionResult({self.split}, {self.n} samples, RMSE {self.rmse:.4g}, R² {self.r2:.4f})"


def regression_scores(mse, targets, target_std=1.0):
    """(RMSE in the target's units, R²) from a mean squared error in network units over ``targets``.

    targets : ndarray of shape (n,), the same split's targets in network units. R² = 1 − MSE / Var(targets):
    the share of the targets' variance the network explains (1 perfect, 0 no better than their mean).
    """
    targets = np.asarray(targets, dtype=np.float64)
    if targets.size == 0 or not math.isfinite(mse):
        return float("nan"), float("nan")
    var = float(np.var(targets))
    r2 = 1.0 - mse / var if var > 0 else float("nan")
    return math.sqrt(max(mse, 0.0)) * float(target_std), r2


def evaluate(net, dataset, split="test", chunk=DEFAULT_CHUNK, progress=None, should_stop=None):
    """The network's predictions on a split, ``chunk`` samples at a time; None if stopped.

    An EvaluationResult for classification, a RegressionResult for a regression dataset.
    progress(done, total) is called with done = 0 first, then after every chunk (last: done = total).
    should_stop() is asked before every chunk; when it answers True the evaluation returns None.
    """
    if dataset.is_regression:
        return _evaluate_regression(net, dataset, split, chunk, progress, should_stop)
    start = time.perf_counter()
    y = dataset.split(split)[1]
    n = len(y)
    outs = net.layers[-1].outs
    lossf = net.loss_function
    predicted = np.empty(n, dtype=np.int64)
    probabilities = np.empty((outs, n), dtype=net.dtype)
    loss_sum = 0.0
    for part in _chunks(net, dataset, split, chunk, progress, should_stop):
        if part is None:
            return None
        lo, X, labels = part
        hi = lo + len(labels)
        out = net.infer(X)
        predicted[lo:hi] = np.argmax(out, axis=0)  # as net.predict and the trainer's accuracy read it
        probabilities[:, lo:hi] = lossf.probabilities(out)
        loss_sum += lossf.loss(out, lossf.targets(labels, outs, net.dtype)) * len(labels)
    labels = np.asarray(y, dtype=np.int64)
    k = max(outs, dataset.n_classes)
    names = list(dataset.class_names) + [f"output {j}" for j in range(dataset.n_classes, k)]
    confidence = probabilities[predicted, np.arange(n)] if n else np.empty(0, net.dtype)
    return EvaluationResult(
        split=split, class_names=names, labels=labels, predicted=predicted, confidence=confidence,
        probabilities=probabilities, confusion=confusion_matrix(labels, predicted, k),
        loss=loss_sum / n if n else float("nan"), seconds=time.perf_counter() - start,
    )


def _chunks(net, dataset, split, chunk, progress, should_stop):
    """(first index, X, labels) of each ``chunk`` samples of a split; None, then nothing, once asked to stop.

    Refuses (ValueError) a network that does not fit the dataset; calls progress(done, total) from 0.
    """
    problem = mismatch(net, dataset)
    if problem:
        raise ValueError(problem)
    n = len(dataset.split(split)[1])
    chunk = max(1, int(chunk))
    if progress is not None:
        progress(0, n)
    for lo in range(0, n, chunk):
        if should_stop is not None and should_stop():
            yield None
            return
        X, labels = dataset.columns(split, lo, lo + chunk, dtype=net.dtype)
        yield lo, X, labels
        if progress is not None:
            progress(lo + len(labels), n)


def _evaluate_regression(net, dataset, split, chunk, progress, should_stop):
    start = time.perf_counter()
    y = dataset.split(split)[1]
    n = len(y)
    out = np.empty(n, dtype=np.float64)  # predictions in network units
    for part in _chunks(net, dataset, split, chunk, progress, should_stop):
        if part is None:
            return None
        lo, X, _ = part
        out[lo : lo + X.shape[1]] = net.infer(X)[0]
    targets = np.asarray(y, dtype=np.float64)
    mse = float(np.mean((out - targets) ** 2)) if n else float("nan")
    rmse, r2 = regression_scores(mse, targets, dataset.target_scaling[1])
    return RegressionResult(split=split, targets=dataset.target_units(targets), predicted=dataset.target_units(out),
                            loss=mse, rmse=rmse, r2=r2, seconds=time.perf_counter() - start)


def mismatch(net, dataset):
    """Why ``net`` cannot be evaluated on ``dataset`` (a phrase), or None when it can."""
    return network_problem(net, dataset)


def confusion_matrix(labels, predicted, k):
    """Counts (k, k) int64: entry [t, p] is how many samples of class t were predicted as p."""
    labels = np.asarray(labels, dtype=np.int64).reshape(-1)
    predicted = np.asarray(predicted, dtype=np.int64).reshape(-1)
    return np.bincount(labels * k + predicted, minlength=k * k).reshape(k, k)


def per_class_accuracy(confusion):
    """Shape (k,): diagonal over row sums (recall per true class); nan for classes with no samples."""
    confusion = np.asarray(confusion)
    totals = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, np.diag(confusion) / np.maximum(totals, 1), np.nan)


def misclassified(labels, predicted, confidence):
    """Indices where predicted ≠ labels, sorted by confidence, highest first (ties: lower index first)."""
    idx = np.flatnonzero(np.asarray(labels) != np.asarray(predicted))
    return idx[np.argsort(-np.asarray(confidence)[idx], kind="stable")]


def class_counts(labels, k):
    """Samples per class, shape (k,) int64."""
    return np.bincount(np.asarray(labels, dtype=np.int64), minlength=k)[:k]


def class_means(x, labels, k):
    """Mean sample of each class in stored units, shape (k, features) float64; nan rows for empty classes.

    x : ndarray of shape (n, features), one sample per row as datasets store them.
    """
    x, labels = np.asarray(x), np.asarray(labels)
    means = np.full((k, x.shape[1]), np.nan)
    for c in range(k):
        rows = x[labels == c]
        if len(rows):
            # float64 accumulation straight from uint8: no float copy of the whole split
            means[c] = rows.sum(axis=0, dtype=np.float64) / len(rows)
    return means


def examples_per_class(labels, k, m, seed=0):
    """For each class, up to ``m`` sample indices drawn without replacement (seeded), as a list of k arrays."""
    rng = np.random.default_rng(seed)
    labels = np.asarray(labels)
    out = []
    for c in range(k):
        idx = np.flatnonzero(labels == c)
        out.append(np.sort(rng.choice(idx, size=min(m, idx.size), replace=False)) if idx.size else idx)
    return out
