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


def make_update(trainer, generation, batches, last_batch, epochs, eta_seconds, back_steps):
    """The TrainingUpdate for ``batches`` (BatchDone events not yet sent, ``last_batch`` the latest): copies of
    ``trainer``'s weights and gradients, and what its latest batch changed."""
    n_train = len(trainer.dataset.y_train)
    net = trainer.net
    return TrainingUpdate(
        generation=generation, batch=last_batch,
        epoch_x=np.array([b.samples_seen for b in batches], dtype=np.float64) / n_train,
        losses=np.array([b.loss for b in batches], dtype=np.float64),
        weights=net.weights(),
        gradients=[(layer.dW.copy(), layer.db.copy()) for layer in net.layers],
        deltas=_deltas(net, trainer.weights_before_last_batch()),
        epochs=epochs, n_train=n_train, eta_seconds=eta_seconds, back_steps=back_steps)


def _deltas(net, before):
    """[(ΔW, Δb), …]: what the latest batch changed (zeros when that is not known: no batch, a step back to a
    state kept, a diverged batch)."""
    if before is None:
        return [(np.zeros_like(layer.W), np.zeros_like(layer.b)) for layer in net.layers]
    return [(layer.W - W, layer.b - b) for (W, b), layer in zip(before, net.layers)]
