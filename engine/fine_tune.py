"""Fine-tuning on a person's own digits, mixed with MNIST so the network keeps what it knew.

Every mini-batch holds a share of personal digits (drawn with replacement, each randomly distorted so
repeats differ) and MNIST training digits for the rest. A few hundred such steps with a small
learning rate move the decision boundaries towards the person's handwriting without forgetting
everyone else's.
"""

from dataclasses import dataclass

import numpy as np

from engine.optimizers import Adam


@dataclass(frozen=True)
class FineTuneStep:
    """One mini-batch done: where fine-tuning stands and the batch's loss."""

    step: int  # 1-based
    steps: int
    loss: float


def fine_tune(net, personal_X, personal_y, mnist, *, steps=300, batch=128, share=0.25, lr=3e-4, seed=0,
              augment=None):
    """Train ``net`` in place; a generator of FineTuneStep (stop iterating to stop early).

    personal_X : ndarray of shape (784, m) in [0, 1]; personal_y : ndarray of shape (m,), digits 0–9.
    mnist : an engine.data.datasets.Dataset with 784 features (its training split is mixed in).
    share : fraction of each batch taken from the personal digits (at least one sample).
    augment : function (rows (n, 784) float32, rng) → rows, as engine.data.augment.augment_batch; None = none.
    A fresh Adam optimiser with ``lr`` is used, so the pretrained model's optimiser state does not matter.
    """
    personal_X = np.asarray(personal_X, dtype=net.dtype)
    personal_y = np.asarray(personal_y, dtype=np.int64).reshape(-1)
    m = personal_X.shape[1] if personal_X.ndim == 2 else 0
    if m == 0 or personal_X.shape[0] != net.sizes[0] or len(personal_y) != m:
        raise ValueError(f"personal digits must be (784, m) with m ≥ 1 labels, got {personal_X.shape} "
                         f"and {personal_y.shape}")
    if mnist.features != net.sizes[0]:
        raise ValueError(f"the network takes {net.sizes[0]} inputs but {mnist.name} has {mnist.features}")
    rng = np.random.default_rng(seed)
    k = max(1, int(round(batch * share)))  # personal samples per batch
    n_mnist = max(0, batch - k)
    rows = np.empty((k + n_mnist, net.sizes[0]), dtype=net.dtype)  # one batch as rows (n, 784)
    net.optimizer = Adam(lr=lr)
    for step in range(1, steps + 1):
        pick = rng.integers(0, m, k)
        rows[:k] = personal_X[:, pick].T
        idx = rng.integers(0, len(mnist.y_train), n_mnist)
        _, y_mnist = mnist.batch("train", idx, dtype=net.dtype, out=rows[k:])
        X = rows if augment is None else augment(rows, rng)
        labels = np.concatenate([personal_y[pick], y_mnist])
        loss = net.train(np.ascontiguousarray(X.T), labels)
        yield FineTuneStep(step, steps, float(loss))
