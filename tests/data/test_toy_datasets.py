"""The built-in 2-D datasets: seeded, well-formed, and learnable by a small network."""

import numpy as np
import pytest

from engine import NeuralNetwork
from engine.data.datasets import Dataset
from engine.data.toy_datasets import TOY_DATASETS, make_toy
from engine.training import Trainer

N_CLASSES = {"quadrants": 4, "xor": 2, "circles": 2, "spirals": 2, "blobs": 3}
# (hidden sizes, activation, learning rate, batch size, epochs): small nets that get there in well under 1 s
LEARNERS = {
    "quadrants": ([16], "tanh", 0.02, 32, 20),
    "xor": ([16], "tanh", 0.02, 32, 20),
    "circles": ([16], "tanh", 0.02, 32, 20),
    "blobs": ([16], "tanh", 0.02, 32, 10),
    "spirals": ([32, 32], "relu", 0.01, 16, 50),
}


def test_every_dataset_is_covered():
    assert set(TOY_DATASETS) == set(N_CLASSES) == set(LEARNERS)


@pytest.mark.parametrize("name", sorted(TOY_DATASETS))
def test_seeded_determinism(name):
    a, b = make_toy(name, n=300, seed=4), make_toy(name, n=300, seed=4)
    for split in ("train", "test"):
        assert np.array_equal(a.split(split)[0], b.split(split)[0])
        assert np.array_equal(a.split(split)[1], b.split(split)[1])
    c = make_toy(name, n=300, seed=5)
    assert not np.array_equal(a.x_train, c.x_train)


@pytest.mark.parametrize("name", sorted(TOY_DATASETS))
def test_shapes_classes_and_split(name):
    ds = make_toy(name, n=1000, seed=0, test_fraction=0.2)
    assert isinstance(ds, Dataset) and ds.name == name
    assert ds.x_train.shape == (800, 2) and ds.x_test.shape == (200, 2)
    assert ds.y_train.shape == (800,) and ds.y_test.shape == (200,)
    assert ds.x_train.dtype == np.float32 and np.issubdtype(ds.y_train.dtype, np.integer)
    assert ds.features == 2 and ds.n_classes == N_CLASSES[name] == len(ds.class_names)
    for y in (ds.y_train, ds.y_test):
        assert set(np.unique(y)) == set(range(ds.n_classes))  # every class in both splits
    assert np.all(np.isfinite(ds.x_train)) and np.abs(ds.x_train).max() < 2
    assert ds.params["n"] == 1000 and ds.params["seed"] == 0
    # the split is a partition of one shuffled set, not two draws
    both = np.concatenate([ds.x_train, ds.x_test])
    assert len(np.unique(both, axis=0)) == 1000
    X, labels = ds.batch("train", np.array([3, 1, 4]))
    assert X.shape == (2, 3) and np.array_equal(X[:, 0], ds.x_train[3])
    assert np.array_equal(labels, ds.y_train[[3, 1, 4]])


@pytest.mark.parametrize("name", sorted(TOY_DATASETS))
def test_noise_changes_the_points(name):
    calm, noisy = make_toy(name, n=200, noise=0.0, seed=1), make_toy(name, n=200, noise=0.2, seed=1)
    assert np.array_equal(calm.y_train, noisy.y_train)
    assert not np.allclose(calm.x_train, noisy.x_train)


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown built-in dataset"):
        make_toy("moons")
    with pytest.raises(ValueError):
        make_toy("xor", n=2)
    with pytest.raises(ValueError):
        make_toy("xor", noise=-0.1)
    with pytest.raises(ValueError):
        make_toy("xor", n=10, test_fraction=0.0)


@pytest.mark.parametrize("name", sorted(TOY_DATASETS))
def test_a_small_network_learns_it(name):
    hidden, act, lr, batch, epochs = LEARNERS[name]
    ds = make_toy(name, n=1000, seed=0)
    net = NeuralNetwork.build([2, *hidden, ds.n_classes], act, "ce", optimizer="adam", lr=lr, seed=0)
    before = net.accuracy(*ds.columns("test"))
    trainer = Trainer(net, ds, batch_size=batch, epochs=epochs, seed=0)
    events = list(trainer.run())
    assert events[-1].reason == "completed"
    accuracy = net.accuracy(*ds.columns("test"))
    assert accuracy >= 0.9, f"{name}: {accuracy:.3f} test accuracy after {epochs} epochs"
    assert accuracy > before
