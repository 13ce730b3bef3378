"""TrainingHistory: the curves of a run — per batch and per epoch — each in bounded memory however long it runs."""

import numpy as np

from engine.thinned_series import ThinnedSeries

EPOCH_CAPACITY = 2**16  # points of each per-epoch curve: 512 kB; ~70 s of a 2-D set at 900 epochs/s before merging
_GRIDS = {"batch_stride": "batch_loss", "epoch_stride": "epoch_train_loss"}  # saved grid → a series it describes


class TrainingHistory:
    """Losses so far, per batch and per epoch, in ThinnedSeries (see engine/thinned_series.py)."""

    def __init__(self, capacity=None, epoch_capacity=None):
        # Point i of the loss curve: mean loss of its batches at x = samples seen after the last of them.
        # Both series take every batch, so they merge in step and stay the same length.
        self.batch_loss = ThinnedSeries("mean", np.float64, capacity)
        self.batch_samples = ThinnedSeries("last", np.int64, capacity)
        # Per epoch a merge keeps the later epoch of each pair: every point is one epoch as it was measured
        # (``epoch_numbers`` says which), and [-1] is always the last epoch's.
        epoch_capacity = EPOCH_CAPACITY if epoch_capacity is None else epoch_capacity
        self.epoch_train_loss = ThinnedSeries("last", np.float64, epoch_capacity)
        self.epoch_test_loss = ThinnedSeries("last", np.float64, epoch_capacity)
        self.epoch_test_accuracy = ThinnedSeries("last", np.float64, epoch_capacity)

    def __repr__(self):
        b, e = self.batch_loss, self.epoch_train_loss
        return (f"TrainingHistory({b.batches} batches in {len(b)} points of {b.stride}, "
                f"{e.batches} epochs in {len(e)} points of {e.stride})")

    def add_batch(self, loss, samples_seen):
        """Record one batch: its loss, and the samples seen once it was trained."""
        self.batch_loss.append(float(loss))
        self.batch_samples.append(int(samples_seen))

    def add_epoch(self, train_loss, test_loss, test_accuracy):
        """Record one epoch: its mean train loss, and the test set's loss and accuracy after it."""
        self.epoch_train_loss.append(float(train_loss))
        self.epoch_test_loss.append(float(test_loss))
        self.epoch_test_accuracy.append(float(test_accuracy))

    def series(self):
        """Every curve: batch losses, their samples seen, then the three per-epoch curves."""
        return (self.batch_loss, self.batch_samples, self.epoch_train_loss, self.epoch_test_loss,
                self.epoch_test_accuracy)

    def mark(self):
        """Where every curve stands now, for ``rewind`` (a step back)."""
        return tuple(s.mark() for s in self.series())

    def rewind(self, mark):
        """Every curve back to ``mark``; ValueError, changing nothing, when one merged its points since."""
        if not all(s.can_rewind(m) for s, m in zip(self.series(), mark)):
            raise ValueError("the history merged its points since that mark: it cannot go back there")
        for s, m in zip(self.series(), mark):
            s.rewind(m)

    @property
    def epochs(self):
        """How many epochs the per-epoch curves stand for."""
        return self.epoch_train_loss.batches  # a series counts what it takes in; here, epochs

    def epoch_numbers(self):
        """The 1-based epoch of each per-epoch point (every epoch until the first merge), as an int64 array."""
        series = self.epoch_train_loss
        numbers = np.arange(1, len(series) + 1, dtype=np.int64) * series.stride
        if len(numbers):
            numbers[-1] = series.batches  # the last point is the latest epoch, its group complete or not
        return numbers

    def as_arrays(self):
        """{name: float64 copy} of every curve, plus "batch_stride" / "epoch_stride" once those curves merged.

        batch_stride, epoch_stride : [batches (epochs) per point, in the last point], each absent while
        every batch (epoch) is a point of its own; then the arrays are exactly those of every version
        before bounded histories.
        """
        arrays = {k: np.asarray(v, dtype=np.float64) for k, v in vars(self).items()}
        for key, name in _GRIDS.items():
            series = getattr(self, name)
            if series.stride > 1:
                arrays[key] = np.array([series.stride, series.tail], dtype=np.float64)
        return arrays

    def load_arrays(self, arrays):
        """Take the curves from ``as_arrays`` output (or an older file's); ValueError if they cannot fit."""
        batch_grid, epoch_grid = (_grid(arrays, key) for key in _GRIDS)
        loss = np.asarray(arrays.get("batch_loss", []), dtype=np.float64)
        samples = np.asarray(arrays.get("batch_samples", []), dtype=np.float64)
        if len(loss) != len(samples):
            raise ValueError(f"{len(loss)} batch losses but {len(samples)} sample counts")
        if not np.all(np.isfinite(samples)):
            raise ValueError("a count of samples seen is not a number")
        epochs = [np.asarray(arrays.get(k, []), dtype=np.float64)
                  for k in ("epoch_train_loss", "epoch_test_loss", "epoch_test_accuracy")]
        if len({len(e) for e in epochs}) != 1:
            raise ValueError(f"per-epoch curves of {', '.join(str(len(e)) for e in epochs)} points")
        capacity, epoch_capacity = self.batch_loss.capacity, self.epoch_train_loss.capacity
        self.batch_loss = ThinnedSeries.from_values(loss, "mean", np.float64, **batch_grid, capacity=capacity)
        self.batch_samples = ThinnedSeries.from_values(samples.astype(np.int64), "last", np.int64, **batch_grid,
                                                       capacity=capacity)
        self.epoch_train_loss, self.epoch_test_loss, self.epoch_test_accuracy = (
            ThinnedSeries.from_values(e, "last", np.float64, **epoch_grid, capacity=epoch_capacity) for e in epochs)


def _grid(arrays, key):
    """{"stride", "tail"} for ThinnedSeries.from_values from a saved [stride, tail] (every point whole if absent)."""
    if key not in arrays:
        return {"stride": 1, "tail": None}
    grid = np.asarray(arrays[key], dtype=np.float64)
    if grid.shape != (2,) or not np.all((0 <= grid) & (grid <= 2**62)) or np.any(grid != np.round(grid)):
        raise ValueError(f"{key} must be two whole numbers from 0 to 2⁶², got {grid!r}")
    return {"stride": int(grid[0]), "tail": int(grid[1])}
