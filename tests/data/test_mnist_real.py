"""Real MNIST: the subset shipped with the tests (its files, shapes, first samples, batches), and the whole set
found through BACKPROP_STUDIO_MNIST (its label counts, learnability, and that the subset was cut from it)."""

import os

import numpy as np
from threadpoolctl import threadpool_limits

from engine import NeuralNetwork
from engine.data.mnist_files import MNIST_SHA256, file_is_verified, sha256_of
from engine.training import EpochDone, Trainer
from tests.shipped_data import read_sha256sums

TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
SUBSET_TRAIN, SUBSET_TEST = 2000, 1000  # the first images of each official file (tests/fixtures/mnist_subset)


def test_the_subset_files_are_the_ones_its_sha256sums_name(mnist_subset_dir):
    sums = read_sha256sums(mnist_subset_dir)
    assert set(sums) == set(MNIST_SHA256)
    assert {name: sha256_of(os.path.join(mnist_subset_dir, name)) for name in sums} == sums


def test_subset_shapes_and_types(mnist_subset):
    assert mnist_subset.x_train.shape == (SUBSET_TRAIN, 784) and mnist_subset.x_test.shape == (SUBSET_TEST, 784)
    assert mnist_subset.x_train.dtype == mnist_subset.x_test.dtype == np.uint8
    assert mnist_subset.input_shape == (28, 28) and mnist_subset.n_classes == 10 and mnist_subset.features == 784
    assert mnist_subset.scale == 1 / 255 and mnist_subset.x_train.max() == 255
    assert np.bincount(mnist_subset.y_train, minlength=10).min() > 150  # every digit, well represented


def test_first_samples_look_like_digits(mnist_subset):
    """Spot checks that rows are whole images in the right order (the well-known first labels)."""
    assert mnist_subset.y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert mnist_subset.y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    image = mnist_subset.x_train[0].reshape(28, 28)
    assert image[:4].max() == 0 and image[:, :2].max() == 0  # empty border
    ink = image > 0
    rows, cols = np.nonzero(ink)
    assert 120 < ink.sum() < 250 and 5 < rows.mean() < 20 and 5 < cols.mean() < 20


def test_batches_are_scaled_columns(mnist_subset):
    last = SUBSET_TRAIN - 1
    X, labels = mnist_subset.batch("train", np.array([0, last]))
    assert X.shape == (784, 2) and X.dtype == np.float32
    np.testing.assert_allclose(X[:, 0], mnist_subset.x_train[0] / 255, rtol=1e-6)
    assert labels.tolist() == [5, mnist_subset.y_train[last]]


# -- the whole set ---------------------------------------------------------------------------------
def test_the_whole_set_has_the_published_files_shapes_and_types(mnist_full_dir, mnist_full):
    assert all(file_is_verified(os.path.join(mnist_full_dir, name)) for name in MNIST_SHA256)
    assert mnist_full.x_train.shape == (60000, 784) and mnist_full.x_test.shape == (10000, 784)
    assert mnist_full.x_train.dtype == mnist_full.x_test.dtype == np.uint8
    assert mnist_full.y_train.shape == (60000,) and mnist_full.y_test.shape == (10000,)
    assert mnist_full.x_train.min() == 0 and mnist_full.x_train.max() == 255


def test_label_counts(mnist_full):
    assert np.bincount(mnist_full.y_train, minlength=10).tolist() == TRAIN_COUNTS
    assert np.bincount(mnist_full.y_test, minlength=10).tolist() == TEST_COUNTS


def test_the_subset_is_the_start_of_the_whole_set(mnist_full, mnist_subset):
    for split, n in (("train", SUBSET_TRAIN), ("test", SUBSET_TEST)):
        (x, y), (xs, ys) = mnist_full.split(split), mnist_subset.split(split)
        np.testing.assert_array_equal(xs, x[:n])
        np.testing.assert_array_equal(ys, y[:n])


def test_one_epoch_beats_90_percent(mnist_full):
    net = NeuralNetwork.build([784, 64, 10], "relu", "ce", optimizer="adam", lr=1e-3, seed=0)
    trainer = Trainer(net, mnist_full, batch_size=64, epochs=1, seed=0)
    with threadpool_limits(1):  # small GEMMs: one BLAS thread is as fast, and robust on a busy machine
        epochs = [e for e in trainer.run() if isinstance(e, EpochDone)]
    assert len(epochs) == 1
    X, y = mnist_full.columns("test")
    accuracy = net.accuracy(X, y)
    assert accuracy == epochs[0].test_accuracy
    assert accuracy > 0.90, f"{accuracy:.4f} test accuracy after one epoch"
    assert len(trainer.history.batch_loss) == 938  # ⌈60000 / 64⌉
