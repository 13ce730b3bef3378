"""What the training worker sends the GUI thread: TrainingUpdate after batches, SteppedBack after a step back.

Both hold copies only, so the GUI may keep them while training goes on.
"""

from dataclasses import dataclass

import numpy as np

from engine.training import BatchDone


@dataclass(frozen=True, eq=False)
class TrainingUpdate:
    """The state after one or more batches, for the views: copies only, safe to keep."""

    generation: int  # which trainer sent it (bumped by every reset)
    batch: BatchDone  # the latest batch
    epoch_x: np.ndarray  # shape (k,): fractional epoch after each batch since the last update
    losses: np.ndarray  # shape (k,): those batches' losses (k may be 0 on a forced update)
    weights: list  # [(W (outs, ins), b (outs, 1)), …] per layer, after the latest batch
    gradients: list  # [(dW, db), …] per layer, from the latest batch
    deltas: list  # [(ΔW, Δb), …] per layer: what the latest batch's update changed
    epochs: int  # epochs planned
    n_train: int  # training samples per epoch
    eta_seconds: float  # wall-clock estimate to the end of the planned epochs; nan when unknown
    back_steps: int = 0  # batches one can step back from here

    @property
    def progress(self):
        """Fraction of the planned epochs done, in [0, 1]."""
        return min(1.0, self.batch.samples_seen / max(1, self.epochs * self.n_train))


@dataclass(frozen=True, eq=False)
class SteppedBack:
    """Training went back one batch (or a walked batch back to its start): where it stands now. Copies only."""

    generation: int
    step: int  # batches trained now
    epoch: int  # 0-based epoch in progress
    samples_seen: int
    n_train: int
    weights: list  # [(W, b), …] as they are now
    history: dict  # TrainingHistory.as_arrays() as it is now (the loss curves to show)
    back_steps: int  # batches one can still step back
