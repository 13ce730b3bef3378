"""The phases of one training step, as plain frozen dataclasses (copies, safe to keep or send).

``NeuralNetwork.train_phases`` yields them in order: Forward for each layer (first to last), Loss,
Backward for each layer (last to first), Update for each layer (first to last).
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Forward:
    """Layer ``layer`` computed z = W a_in + b and a = f(z).  a_in (ins, n), z and a (outs, n); at the last
    layer also the batch's ``targets`` as given (so the output can be read against them before the loss)."""

    layer: int
    a_in: np.ndarray
    z: np.ndarray
    a: np.ndarray
    targets: object = None
    kind: str = "forward"


@dataclass(frozen=True, eq=False)
class Loss:
    """The loss of the batch: outputs (outs, n), targets, L, and ∂L/∂outputs (outs, n)."""

    outputs: np.ndarray
    targets: np.ndarray
    value: float
    grad: np.ndarray
    layer: int = -1
    kind: str = "loss"


@dataclass(frozen=True, eq=False)
class Backward:
    """Layer ``layer``: δ = ∂L/∂z (outs, n), dW (outs, ins), db (outs, 1), ∂L/∂a_in (ins, n) or None."""

    layer: int
    grad_out: np.ndarray
    delta: np.ndarray
    dW: np.ndarray
    db: np.ndarray
    grad_in: object
    kind: str = "backward"


@dataclass(frozen=True, eq=False)
class Update:
    """Layer ``layer``'s parameters before and after the optimiser's step."""

    layer: int
    W_before: np.ndarray
    W_after: np.ndarray
    b_before: np.ndarray
    b_after: np.ndarray
    lr: float
    kind: str = "update"

    @property
    def dW_applied(self):
        """The change actually made to W (W_after − W_before)."""
        return self.W_after - self.W_before


PHASE_KINDS = ("forward", "loss", "backward", "update")
