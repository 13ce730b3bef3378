"""The built-in regression sets: a known function plus seeded noise, made by make_toy like the 2-D sets."""

import numpy as np
import pytest

from engine.data.datasets import REGRESSION
from engine.data.toy_datasets import REGRESSION_DATASETS, TOY_DATASETS, make_toy

FUNCTIONS = {  # name: (input features, the noise-free target of x (n, features))
    "sine": (1, lambda x: np.sin(np.pi * x[:, 0])),
    "abs": (1, lambda x: np.abs(x[:, 0])),
    "cubic": (1, lambda x: x[:, 0] ** 3 - x[:, 0]),
    "step": (1, lambda x: (x[:, 0] >= 0).astype(float)),
    "surface": (2, lambda x: np.sin(np.pi * x[:, 0]) * np.cos(np.pi * x[:, 1] / 2)),
}


def test_every_set_is_covered_and_apart_from_the_classification_sets():
    assert set(REGRESSION_DATASETS) == set(FUNCTIONS)
    assert not set(REGRESSION_DATASETS) & set(TOY_DATASETS)


@pytest.mark.parametrize("name", sorted(REGRESSION_DATASETS))
def test_without_noise_the_targets_are_the_function(name):
    features, f = FUNCTIONS[name]
    ds = make_toy(name, n=200, noise=0.0, seed=2)
    assert ds.task == REGRESSION and ds.is_regression and ds.n_outputs == 1 and ds.class_names == []
    assert ds.input_shape == (features,) and len(ds.feature_names) == features
    assert ds.x_train.shape == (160, features) and ds.y_train.shape == (160,)
    assert ds.x_train.dtype == np.float32 and ds.y_train.dtype == np.float32
    for x, y in (ds.split("train"), ds.split("test")):
        assert np.allclose(y, f(x.astype(np.float64)), atol=1e-5)
    assert np.array_equal(ds.target_units(ds.y_test), ds.y_test.astype(np.float64))  # no target scaling here
    assert ds.params == {"n": 200, "noise": 0.0, "seed": 2, "test_fraction": 0.2}


@pytest.mark.parametrize("name", sorted(REGRESSION_DATASETS))
def test_noise_is_seeded_and_of_the_asked_size(name):
    _, f = FUNCTIONS[name]
    a, b = make_toy(name, n=2000, noise=0.1, seed=5), make_toy(name, n=2000, noise=0.1, seed=5)
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.y_train, b.y_train)
    residual = a.y_train - f(a.x_train.astype(np.float64))
    assert np.std(residual) == pytest.approx(0.1, rel=0.1)
    assert not np.array_equal(a.x_train, make_toy(name, n=2000, noise=0.1, seed=6).x_train)


def test_default_noise_comes_from_the_table():
    assert make_toy("sine", n=50).params["noise"] == REGRESSION_DATASETS["sine"][2]


def test_unknown_names_list_both_tables():
    with pytest.raises(ValueError, match="unknown built-in dataset 'moons'.*spirals.*sine"):
        make_toy("moons")
