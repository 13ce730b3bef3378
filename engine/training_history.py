"""TrainingHistory: the loss curves of a run — per batch in bounded memory, per epoch in full."""

import numpy as np

from engine.thinned_series import ThinnedSeries


class TrainingHistory:
    """Losses so far: per batch (bounded, see engine/thinned_series.py) and per epoch (lists, a few floats)."""

    def __init__(self, capacity=None):
        # Point i of the loss curve: mean loss of its batches at x = samples seen after the last of them.
        # Both series take every batch, so they merge in step and stay the same length.
        self.batch_loss = ThinnedSeries("mean", np.float64, capacity)
        self.batch_samples = ThinnedSeries("last", np.int64, capacity)
        self.epoch_train_loss = []
        self.epoch_test_loss = []
        self.epoch_test_accuracy = []

    def __repr__(self):
        b = self.batch_loss
        return (f"TrainingHistory({b.batches} batches in {len(b)} points of {b.stride}, "
                f"{len(self.epoch_train_loss)} epochs)")

    def add_batch(self, loss, samples_seen):
        """Record one batch: its loss, and the samples seen once it was trained."""
        self.batch_loss.append(float(loss))
        self.batch_samples.append(int(samples_seen))

    def as_arrays(self):
        """{name: float64 copy} of every curve; "batch_stride" too once the batch curve has merged points.

        batch_stride : [batches per point, batches in the last point], absent while each batch is a point
        (then the arrays are exactly those of every version before bounded histories).
        """
        arrays = {k: np.asarray(v, dtype=np.float64) for k, v in vars(self).items()}
        if self.batch_loss.stride > 1:
            arrays["batch_stride"] = np.array([self.batch_loss.stride, self.batch_loss.tail], dtype=np.float64)
        return arrays

    def load_arrays(self, arrays):
        """Take the curves from ``as_arrays`` output (or an older file's); ValueError if they cannot fit."""
        stride, tail = 1, None
        if "batch_stride" in arrays:
            grid = np.asarray(arrays["batch_stride"], dtype=np.float64)
            if grid.shape != (2,) or not np.all(np.isfinite(grid)) or np.any(grid != np.round(grid)):
                raise ValueError(f"batch_stride must be two whole numbers, got {grid!r}")
            stride, tail = int(grid[0]), int(grid[1])
        capacity = self.batch_loss.capacity
        loss = np.asarray(arrays.get("batch_loss", []), dtype=np.float64)
        samples = np.asarray(arrays.get("batch_samples", []), dtype=np.float64)
        if len(loss) != len(samples):
            raise ValueError(f"{len(loss)} batch losses but {len(samples)} sample counts")
        if not np.all(np.isfinite(samples)):
            raise ValueError("a count of samples seen is not a number")
        self.batch_loss = ThinnedSeries.from_values(loss, "mean", np.float64, stride=stride, tail=tail,
                                                    capacity=capacity)
        self.batch_samples = ThinnedSeries.from_values(samples.astype(np.int64), "last", np.int64, stride=stride,
                                                       tail=tail, capacity=capacity)
        for k in ("epoch_train_loss", "epoch_test_loss", "epoch_test_accuracy"):
            setattr(self, k, [float(x) for x in arrays.get(k, [])])
