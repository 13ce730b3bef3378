"""Timeline: snapshots of the weights and metrics as training goes, in bounded memory.

A snapshot is offered after every batch (or every throttled update); the batches are cut into slots
of ``every`` batches, and the first snapshot offered in a slot is kept. When more than ``capacity``
are held, ``every`` doubles and only the first snapshot of each wider slot stays (about half of
them), so the snapshots always span the whole run, evenly thinned on one grid, and memory stays
bounded however long training lasts.
"""

from dataclasses import dataclass

DEFAULT_CAPACITY = 200  # snapshots held at most (fewer when they would exceed DEFAULT_MAX_BYTES)
DEFAULT_MAX_BYTES = 96 * 2**20  # the arrays of all snapshots together stay below this
MIN_CAPACITY = 16  # even a huge network keeps this many moments to scrub through


@dataclass(frozen=True, eq=False)
class Snapshot:
    """One moment of training: where it stood, the batch's loss, and the arrays (kept, never copied)."""

    step: int  # batches trained so far (1-based number of the batch just done)
    epoch: int  # 0-based epoch that batch belonged to
    epoch_x: float  # fractional epochs trained (samples seen / training-set size)
    loss: float  # that batch's loss
    weights: list  # [(W (outs, ins), b (outs, 1)), …] after the batch
    gradients: object = None  # [(dW, db), …] of the batch, or None
    deltas: object = None  # [(ΔW, Δb), …] the batch's update made, or None
    test_accuracy: object = None  # the latest test accuracy known at that moment (a fraction), or None

    @property
    def nbytes(self):
        """Bytes held by the snapshot's arrays."""
        total = 0
        for pairs in (self.weights, self.gradients, self.deltas):
            for W, b in pairs or ():
                total += W.nbytes + b.nbytes
        return total


class Timeline:
    """Snapshots in order of ``step``, thinned by halving when full; see the module docstring."""

    def __init__(self, capacity=DEFAULT_CAPACITY, every=1, max_bytes=DEFAULT_MAX_BYTES):
        if capacity < 2 or every < 1:
            raise ValueError(f"a timeline needs capacity ≥ 2 and every ≥ 1, got {capacity} and {every}")
        self.requested_capacity = int(capacity)
        self.max_bytes = int(max_bytes)
        self.first_every = int(every)
        self.capacity = self.requested_capacity  # lowered by max_bytes once the snapshots' size is known
        self.every = self.first_every  # batches between two kept snapshots (doubles at each thinning)
        self.thinnings = 0  # how many times the snapshots were halved
        self._snapshots = []

    def __len__(self):
        return len(self._snapshots)

    def __getitem__(self, i):
        return self._snapshots[i]

    def __iter__(self):
        return iter(self._snapshots)

    def __repr__(self):
        span = f", steps {self._snapshots[0].step}–{self._snapshots[-1].step}" if self._snapshots else ""
        return f"Timeline({len(self)}/{self.capacity} snapshots, every {self.every}{span})"

    @property
    def latest(self):
        return self._snapshots[-1] if self._snapshots else None

    def clear(self):
        """Forget everything (a new network)."""
        self._snapshots = []
        self.capacity, self.every, self.thinnings = self.requested_capacity, self.first_every, 0

    def due(self, step):
        """True if a snapshot at batch ``step`` would be kept: the first one in its slot."""
        last = self.latest
        return last is None or step // self.every > last.step // self.every

    def offer(self, snapshot):
        """Keep ``snapshot`` if it is due (see ``due``); returns True if it was kept."""
        last = self.latest
        if last is not None and snapshot.step < last.step:
            raise ValueError(f"snapshots must come in order: step {snapshot.step} after {last.step}")
        if not self.due(snapshot.step):
            return False
        if not self._snapshots:
            per = max(1, snapshot.nbytes)
            self.capacity = min(self.requested_capacity, max(MIN_CAPACITY, self.max_bytes // per))
        self._snapshots.append(snapshot)
        while len(self._snapshots) > self.capacity:
            self._thin()
        return True

    def _thin(self):
        """Double the slot width and keep the first snapshot of each slot."""
        self.every *= 2
        self.thinnings += 1
        kept = []
        for s in self._snapshots:
            if not kept or s.step // self.every > kept[-1].step // self.every:
                kept.append(s)
        self._snapshots = kept

    def drop_after(self, step):
        """Forget the snapshots after batch ``step`` (training went back to it)."""
        self._snapshots = [s for s in self._snapshots if s.step <= step]

    def index_of(self, step):
        """Index of the snapshot whose step is nearest to ``step`` (the earlier one on a tie); None if empty."""
        if not self._snapshots:
            return None
        return min(range(len(self._snapshots)), key=lambda i: (abs(self._snapshots[i].step - step), i))
