"""ThinnedSeries: one number per mini-batch for a whole run, in bounded memory.

The numbers live in a NumPy array (8 bytes each, not a Python object each). Point i stands for the
batches i·stride … (i+1)·stride − 1; the last point may stand for fewer (``tail`` of them) and takes in
each new batch until it holds ``stride``. When a new point would make more than ``capacity``, ``stride``
doubles and neighbouring points merge pairwise — "mean": the mean of their batches (a loss), "last":
the later one's value (samples seen, the x of a loss curve) — so, like engine/timeline.py's snapshots,
the points always span the whole run on one even grid, and memory stays bounded however long training
lasts. Until the first merge every batch is a point of its own.
"""

import numpy as np

DEFAULT_CAPACITY = 2**20  # points held at most: 8 MB a series; ~3.7 minutes at 4,700 batches/s before merging
MERGES = ("mean", "last")


class ThinnedSeries:
    """A per-batch series that merges neighbouring points pairwise when full; see the module docstring.

    It reads like a list (len, indexing, slicing to lists, iteration, ==) and converts with
    ``np.asarray`` (always a copy, so the series may go on growing).
    """

    def __init__(self, merge="mean", dtype=np.float64, capacity=None):
        if merge not in MERGES:
            raise ValueError(f"merge must be one of {', '.join(MERGES)}, got {merge!r}")
        capacity = DEFAULT_CAPACITY if capacity is None else int(capacity)
        if capacity < 2 or capacity % 2:
            raise ValueError(f"a thinned series needs an even capacity ≥ 2, got {capacity}")
        self.merge = merge
        self.capacity = capacity
        self.stride = 1  # batches per point (a power of two); doubles at each merge
        self.tail = 0  # batches the last point stands for so far (1 … stride; 0 when empty)
        self._values = np.empty(min(capacity, 256), dtype)  # grows by doubling, up to capacity
        self._n = 0  # points held

    @classmethod
    def from_values(cls, values, merge="mean", dtype=np.float64, *, stride=1, tail=None, capacity=None):
        """A series holding ``values`` (points of ``stride`` batches; the last of ``tail``), merged to fit."""
        values = np.asarray(values)
        if values.ndim != 1:
            raise ValueError(f"a thinned series takes a 1-D array, got shape {values.shape}")
        if tail is None:
            tail = stride if len(values) else 0
        if stride < 1 or stride & (stride - 1):
            raise ValueError(f"batches per point must be a power of two, got {stride}")
        if not (1 <= tail <= stride if len(values) else tail == 0):
            raise ValueError(f"the last point cannot stand for {tail} batches when each stands for {stride}")
        series = cls(merge, dtype, capacity)
        series._values = np.array(values, dtype=dtype)  # a copy, exactly as long as needed
        series._n, series.stride, series.tail = len(values), int(stride), int(tail)
        while series._n > series.capacity:
            series._halve()
        return series

    def append(self, value):
        """Take in one batch's value: into the last point while it has room, else as a new point."""
        n = self._n
        if n and self.tail < self.stride:
            if self.merge == "mean":
                t = self.tail
                self._values[n - 1] = (self._values[n - 1] * t + value) / (t + 1)
            else:
                self._values[n - 1] = value
            self.tail += 1
            return
        if n == self.capacity:
            self._halve()  # every point is full here, so the last one is too after the merge
            n = self._n
        if n == len(self._values):
            grown = np.empty(min(max(2 * n, 16), self.capacity), self._values.dtype)  # from_values([]) holds 0
            grown[:n] = self._values
            self._values = grown
        self._values[n] = value
        self._n, self.tail = n + 1, 1

    def _halve(self):
        """Merge points 0+1, 2+3, …; an odd last point stays alone. ``stride`` doubles."""
        n, s, t = self._n, self.stride, self.tail
        v = self._values
        pairs = n // 2
        a, b = v[0 : 2 * pairs : 2], v[1 : 2 * pairs : 2]
        if self.merge == "mean":
            merged = (a + b) / 2
            if pairs and n % 2 == 0 and t < s:  # the last pair's second point holds only t batches
                merged[-1] = (a[-1] * s + b[-1] * t) / (s + t)
        else:
            merged = b.copy()
        last = v[n - 1]
        v[:pairs] = merged
        if n % 2:
            v[pairs] = last
            self.tail = t
        else:
            self.tail = s + t
        self._n = pairs + n % 2
        self.stride = 2 * s

    def mark(self):
        """Where the series stands now, for ``rewind``: (stride, points, tail, last value)."""
        n = self._n
        return self.stride, n, self.tail, (self._values[n - 1].item() if n else None)

    def can_rewind(self, mark):
        """True when no merge came since ``mark`` was taken and it is not ahead of the series."""
        return mark[0] == self.stride and mark[1] <= self._n

    def rewind(self, mark):
        """Back to where ``mark`` was taken (points appended since are dropped); ValueError after a merge."""
        if not self.can_rewind(mark):
            raise ValueError("the series merged its points since that mark: it cannot go back there")
        _, n, tail, last = mark
        self._n, self.tail = n, tail
        if n:
            self._values[n - 1] = last

    # -- reading ----------------------------------------------------------------------------------
    @property
    def batches(self):
        """How many batches the points stand for."""
        return (self._n - 1) * self.stride + self.tail if self._n else 0

    @property
    def nbytes(self):
        """Bytes of the array behind the points (room to grow included)."""
        return self._values.nbytes

    def __len__(self):
        return self._n

    def __getitem__(self, index):
        values = self._values[: self._n]
        return values[index].tolist() if isinstance(index, slice) else values[index].item()

    def __iter__(self):
        return iter(self._values[: self._n].tolist())

    def __array__(self, dtype=None, copy=None):
        if copy is False:
            raise ValueError("a ThinnedSeries converts to an array by copying")
        return np.array(self._values[: self._n], dtype=dtype)

    def __eq__(self, other):
        if isinstance(other, ThinnedSeries):
            if (self.stride, self.tail) != (other.stride, other.tail):
                return False
            other = other._values[: other._n]
        try:
            return bool(np.array_equal(self._values[: self._n], np.asarray(other)))
        except (TypeError, ValueError):
            return NotImplemented

    __hash__ = None  # changes as it grows

    def __repr__(self):
        return f"ThinnedSeries({self._n}/{self.capacity} points of {self.stride} batch(es), {self.merge})"
