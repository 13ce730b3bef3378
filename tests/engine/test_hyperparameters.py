"""engine/hyperparameters.py: one table of ranges that the CLI, the controls and configuration files share."""

import math

import pytest

from engine.hyperparameters import CONFIG_NUMBERS, HYPERPARAMETERS, LIVE_KEYS, check_layers
from engine.run_config import NUMBERS
from engine.training_config import TrainingConfig


@pytest.mark.parametrize("name, value", [("lr", math.nan), ("lr", math.inf), ("lr", -1.0), ("lr", 0.0),
                                         ("l2", math.nan), ("l2", -10.0), ("l2", 1e-9), ("momentum", 5.0),
                                         ("momentum", math.nan), ("seed", -1), ("batch_size", 2.5),
                                         ("epochs", True), ("noise", math.nan), ("samples", 3)])
def test_out_of_range_values_are_refused_with_the_range(name, value):
    with pytest.raises(ValueError, match=f"{name} must be a (whole )?number from"):
        HYPERPARAMETERS[name].check(value)


def test_values_in_range_come_back_as_their_kind():
    assert HYPERPARAMETERS["l2"].check(0) == 0.0 and isinstance(HYPERPARAMETERS["l2"].check(0), float)
    assert HYPERPARAMETERS["batch_size"].check(64.0) == 64 and isinstance(HYPERPARAMETERS["batch_size"].check(64.0), int)
    assert HYPERPARAMETERS["lr"].parse("1e-3") == 0.001
    with pytest.raises(ValueError, match="got 'inf'"):
        HYPERPARAMETERS["lr"].parse("inf")


def test_the_set_up_the_configuration_file_and_the_trainer_agree_on_the_keys():
    defaults = TrainingConfig()
    for name in CONFIG_NUMBERS:
        hp = HYPERPARAMETERS[name]
        assert getattr(defaults, name) == hp.default and NUMBERS[name] == (hp.kind, hp.low, hp.high)
        hp.check(hp.default)
    assert set(LIVE_KEYS) == {"lr", "batch_size", "l2", "momentum", "beta1", "beta2", "epochs"}


@pytest.mark.parametrize("hidden, acts, problem", [([8, 8], ["tanh", "tanh"], None), ([0], ["tanh"], "layer 1"),
                                                   ([8] * 7, ["tanh"] * 7, "at most 6"), ([8], [], "one activation"),
                                                   ([8], ["wobbly"], "must be one of")])
def test_layer_checks(hidden, acts, problem):
    found = check_layers(hidden, acts, ("tanh", "relu"))
    assert found is None if problem is None else problem in found
