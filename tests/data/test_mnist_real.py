"""The real MNIST files (found through BACKPROP_STUDIO_MNIST): shapes, label counts, and learnability."""

import numpy as np
from threadpoolctl import threadpool_limits

from engine import NeuralNetwork
from engine.training import EpochDone, Trainer

TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_shapes_and_types(mnist):
    assert mnist.x_train.shape == (60000, 784) and mnist.x_test.shape == (10000, 784)
    assert mnist.x_train.dtype == mnist.x_test.dtype == np.uint8
    assert mnist.y_train.shape == (60000,) and mnist.y_test.shape == (10000,)
    assert mnist.input_shape == (28, 28) and mnist.n_classes == 10 and mnist.features == 784
    assert mnist.scale == 1 / 255
    assert mnist.x_train.min() == 0 and mnist.x_train.max() == 255


def test_label_counts(mnist):
    assert np.bincount(mnist.y_train, minlength=10).tolist() == TRAIN_COUNTS
    assert np.bincount(mnist.y_test, minlength=10).tolist() == TEST_COUNTS


def test_first_samples_look_like_digits(mnist):
    """Spot checks that rows are whole images in the right order (the well-known first labels)."""
    assert mnist.y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert mnist.y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    image = mnist.x_train[0].reshape(28, 28)
    assert image[:4].max() == 0 and image[:, :2].max() == 0  # empty border
    ink = image > 0
    rows, cols = np.nonzero(ink)
    assert 120 < ink.sum() < 250 and 5 < rows.mean() < 20 and 5 < cols.mean() < 20


def test_batches_are_scaled_columns(mnist):
    X, labels = mnist.batch("train", np.array([0, 59999]))
    assert X.shape == (784, 2) and X.dtype == np.float32
    np.testing.assert_allclose(X[:, 0], mnist.x_train[0] / 255, rtol=1e-6)
    assert labels.tolist() == [5, mnist.y_train[59999]]


def test_one_epoch_beats_90_percent(mnist):
    net = NeuralNetwork.build([784, 64, 10], "relu", "ce", optimizer="adam", lr=1e-3, seed=0)
    trainer = Trainer(net, mnist, batch_size=64, epochs=1, seed=0)
    with threadpool_limits(1):  # small GEMMs: one BLAS thread is as fast, and robust on a busy machine
        epochs = [e for e in trainer.run() if isinstance(e, EpochDone)]
    assert len(epochs) == 1
    X, y = mnist.columns("test")
    accuracy = net.accuracy(X, y)
    assert accuracy == epochs[0].test_accuracy
    assert accuracy > 0.90, f"{accuracy:.4f} test accuracy after one epoch"
    assert len(trainer.history.batch_loss) == 938  # ⌈60000 / 64⌉
