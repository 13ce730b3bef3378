"""The loss plot's buffers: (x, y, log10 y) columns fed in chunks; the per-batch ones bounded however long it trains.

- GrowingSeries keeps every point (epoch curves: a few points an epoch);
- EnvelopeSeries keeps a per-batch curve (raw losses, their smoothed line) thinned to each run of
  batches' lowest and highest point: what a peak-downsampled view draws of the whole curve anyway.
When full, an EnvelopeSeries doubles its runs, so it always spans the whole run from its first batch on
one even grid (the idea of engine/timeline.py); each chunk costs a few NumPy calls, not a Python step
per batch: it is fed on the GUI thread.
"""

import numpy as np

CAPACITY = 2**15  # points a per-batch series holds at most (~20 per pixel of a wide plot; 0.8 MB a series)
SMOOTHING = 0.95  # EMA factor of the smoothed batch-loss line (bias-corrected, as in TensorBoard)


def _log10(ys):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log10(ys)


class _Columns:
    """x, y and log10 y arrays, grown by doubling up to ``limit`` points; ``n`` of them shown."""

    def __init__(self, limit, start=1024):
        self.limit = limit
        self._cols = [np.empty(min(start, limit)) for _ in range(3)]  # x, y, log10 y
        self.n = 0  # points shown

    def _room(self, size):
        """Make the columns hold at least ``size`` points (keeping the first ``size`` slots' contents)."""
        have = len(self._cols[0])
        if size > have:
            grown = min(max(2 * have, size), self.limit)
            self._cols = [np.concatenate([c, np.empty(grown - have)]) for c in self._cols]

    def _put(self, at, x, y, log):
        self._cols[0][at], self._cols[1][at], self._cols[2][at] = x, y, log

    @property
    def x(self):
        return self._cols[0][: self.n]

    @property
    def y(self):
        return self._cols[1][: self.n]

    @property
    def log_y(self):
        return self._cols[2][: self.n]

    @property
    def nbytes(self):
        return sum(c.nbytes for c in self._cols)

    def __len__(self):
        return self.n


class GrowingSeries(_Columns):
    """An (x, y) series that grows by appending; storage doubles when full (amortised O(1))."""

    def __init__(self, capacity=1024):
        super().__init__(limit=2**62, start=capacity)

    def extend(self, xs, ys):
        k = len(xs)
        self._room(self.n + k)
        x, y, log = self._cols
        x[self.n : self.n + k] = xs
        y[self.n : self.n + k] = ys
        log[self.n : self.n + k] = _log10(y[self.n : self.n + k])
        self.n += k

    def clear(self):
        self.n = 0

    def __repr__(self):
        return f"GrowingSeries({self.n} points)"


class EnvelopeSeries(_Columns):
    """A per-batch curve in at most ``capacity`` (+3) points: each run of ``run`` batches keeps its lowest and highest.

    Runs are 2 batches at first, so every batch is a point. A finished run keeps its lowest and its
    highest batch, in order: the thinned curve keeps the whole curve's spread, spikes included
    (what a peak-downsampled view draws of it anyway). When ``capacity`` points are held, ``run``
    doubles and each two neighbouring runs keep the lowest and highest of their four points. The run
    still filling shows its lowest, highest and latest batch, so the curve always ends at the latest.
    """

    def __init__(self, capacity=None):
        capacity = CAPACITY if capacity is None else int(capacity)
        if capacity < 4 or capacity % 4:
            raise ValueError(f"an envelope series needs a capacity that is a multiple of 4, got {capacity}")
        super().__init__(limit=capacity + 3)
        self.capacity = capacity
        self.clear()

    def clear(self):
        self.run = 2  # batches per run (a power of two)
        self.n = 0
        self._done = 0  # points of finished runs, two a run; the filling run's follow them
        self._batches = 0  # batches taken in
        self._filling = 0  # batches in the run still filling
        self._lo = self._hi = self._last = None  # (batch number, x, y, log y) of its lowest, highest, latest

    def __repr__(self):
        return f"EnvelopeSeries({self.n}/{self.capacity} points, {self._batches} batches in runs of {self.run})"

    def extend(self, xs, ys):
        """Take in batches in order: xs, ys arrays of equal length (ys > 0 for a finite log)."""
        xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
        logs = _log10(ys)
        i, k = 0, len(ys)
        while i < k:
            if self._filling or k - i < self.run:
                j = min(k, i + self.run - self._filling)
                self._fill(xs, ys, logs, i, j)
            else:  # whole runs at once, as many as fit before the next thinning
                runs = min((k - i) // self.run, (self.capacity - self._done) // 2)
                j = i + runs * self.run
                self._finish_runs(xs[i:j], ys[i:j], logs[i:j], runs)
            self._batches += j - i
            i = j
            if self._done == self.capacity:
                self._thin()
        self._show_filling()

    def _fill(self, xs, ys, logs, i, j):
        """Batches i … j−1 of the chunk join the run filling; it is kept once whole."""
        seg = ys[i:j]
        a, b = i + int(np.argmin(seg)), j - 1 - int(np.argmax(seg[::-1]))  # first lowest, last highest

        def point(m):
            return (self._batches + m - i, xs[m], ys[m], logs[m])

        if not self._filling or ys[a] < self._lo[2]:
            self._lo = point(a)
        if not self._filling or ys[b] >= self._hi[2]:
            self._hi = point(b)
        self._last = point(j - 1)
        self._filling += j - i
        if self._filling == self.run:
            self._room(self._done + 2)
            for at, p in enumerate(sorted((self._lo, self._hi)), self._done):
                self._put(at, *p[1:])
            self._done += 2
            self._filling = 0

    def _finish_runs(self, x, y, log, runs):
        """Keep the lowest and highest point of each of ``runs`` whole runs (x, y, log of runs·run batches)."""
        idx = _envelope(y.reshape(runs, self.run))
        d = self._done
        self._room(d + len(idx))
        for col, src in zip(self._cols, (x, y, log)):
            col[d : d + len(idx)] = src[idx]
        self._done += len(idx)

    def _thin(self):
        """Double ``run``: each two runs (four points) keep their lowest and highest point."""
        d = self._done
        idx = _envelope(self._cols[1][:d].reshape(-1, 4))
        for col in self._cols:
            col[: len(idx)] = col[idx]
        self._done = len(idx)
        self.run *= 2

    def _show_filling(self):
        """The filling run's lowest, highest and latest batch, in order, after the finished runs."""
        points = sorted({p[0]: p for p in (self._lo, self._hi, self._last)}.values()) if self._filling else []
        self._room(self._done + len(points))
        for at, p in enumerate(points, self._done):
            self._put(at, *p[1:])
        self.n = self._done + len(points)


def _envelope(blocks):
    """Indices (into the flattened ``blocks``) of each row's first lowest and last highest value, in order."""
    rows, width = blocks.shape
    base = np.arange(rows) * width
    lo = base + np.argmin(blocks, axis=1)
    hi = base + (width - 1 - np.argmax(blocks[:, ::-1], axis=1))
    idx = np.empty(2 * rows, dtype=np.intp)
    idx[0::2], idx[1::2] = np.minimum(lo, hi), np.maximum(lo, hi)
    return idx


def smoothed(losses, ema, n, chunk=None):
    """(EMA of each loss, EMA state, finite losses folded in): ema ← s·ema + (1 − s)·loss, bias-corrected by
    1 − sⁿ, non-finite losses skipped (they repeat the value before them). Vectorised a chunk at a time:
    ema_k = s^k·ema_0 + (1 − s)·Σ_{i≤k} s^(k−i)·x_i, the terms x_i·s^−i kept below ~10^250 by the chunk's
    length (for losses up to 10^38, float32's largest, 9,000 batches a chunk; at full speed a frame folds in
    ~18,000 batches, and each chunk costs a dozen NumPy calls, each a GIL hand-over with training)."""
    losses = np.asarray(losses, dtype=np.float64)
    out = np.empty_like(losses)
    if chunk is None:
        finite = losses[np.isfinite(losses)]
        top = float(np.max(np.abs(finite))) if finite.size else 1.0
        chunk = int(np.clip((250 - np.log10(max(top, 1.0))) / -np.log10(SMOOTHING), 64, 16384))
    for start in range(0, len(losses), chunk):
        x = losses[start : start + chunk]
        finite = np.isfinite(x)
        steps = np.cumsum(finite)  # finite losses folded in up to each position
        power = SMOOTHING ** steps
        terms = np.where(finite, (1 - SMOOTHING) * np.where(finite, x, 0.0) / power, 0.0)
        run = power * (ema + np.cumsum(terms))
        counts = n + steps
        with np.errstate(divide="ignore", invalid="ignore"):
            out[start : start + len(x)] = np.where(counts > 0, run / (1 - SMOOTHING ** counts), x)
        if len(x):
            ema, n = float(run[-1]), int(counts[-1])
    return out, ema, n


def nice_ceiling(value):
    """The smallest of 1, 1.5, 2, 3, 4, 5, 6, 8 × 10^k that is ≥ value (value > 0)."""
    if value <= 0:
        return 1.0
    base = 10.0 ** np.floor(np.log10(value))
    return next(m * base for m in (1, 1.5, 2, 3, 4, 5, 6, 8, 10) if m * base >= value * (1 - 1e-12))


def nearest(xs, x):
    """Index of the element of sorted ``xs`` closest to ``x``; None when empty."""
    if len(xs) == 0:
        return None
    i = int(np.searchsorted(xs, x))
    if i == len(xs) or (i > 0 and x - xs[i - 1] < xs[i] - x):
        i -= 1
    return i
