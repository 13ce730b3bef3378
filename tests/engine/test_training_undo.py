"""UndoRing: going back puts weights, optimiser moments, order, generator and history back bit for bit."""

import numpy as np
import pytest

from engine.training_config import build, defaults_for, make_builtin
from engine.training_undo import UndoRing


def snapshot(trainer):
    net = trainer.net
    params = [layer.W for layer in net.layers] + [layer.b for layer in net.layers]
    return ([p.copy() for p in params], net.optimizer.state_arrays(params),
            (trainer.epoch, trainer.batch_in_epoch, trainer.samples_seen, trainer.steps, trainer._pos),
            list(trainer.history.batch_loss), list(trainer.history.epoch_test_loss))


def assert_same(a, b):
    params_a, opt_a, counters_a, losses_a, epochs_a = a
    params_b, opt_b, counters_b, losses_b, epochs_b = b
    assert all(np.array_equal(x, y) for x, y in zip(params_a, params_b))
    assert opt_a.keys() == opt_b.keys() and all(np.array_equal(opt_a[k], opt_b[k]) for k in opt_a)
    assert counters_a == counters_b and losses_a == losses_b and epochs_a == epochs_b


def trainer_for(optimizer):
    config = defaults_for("spirals")
    config.optimizer = optimizer
    return build(config, make_builtin("spirals"))[1]


@pytest.mark.parametrize("optimizer", ["adam", "momentum", "sgd"])
@pytest.mark.parametrize("keep_every", [1, 7])
def test_back_one_batch_at_a_time_across_an_epoch_end_is_exact(optimizer, keep_every):
    trainer, ring = trainer_for(optimizer), UndoRing()
    seen = []
    for i in range(70):  # 50 batches an epoch: crosses the first epoch's end
        seen.append(snapshot(trainer))
        if i % keep_every == 0:
            ring.keep(trainer)
        trainer.step()
    seen.append(snapshot(trainer))
    steps = 70
    while ring.back_steps(trainer):
        assert ring.back(trainer, steps - 1)
        steps -= 1
        assert_same(snapshot(trainer), seen[steps])
    assert steps == (70 - 32 if keep_every == 1 else 0)  # 32 states kept at most: back to the oldest
    for _ in range(70 - steps):  # on again: the same batches
        trainer.step()
    assert_same(snapshot(trainer), seen[70])


def test_settings_changed_after_the_moment_gone_back_to_stay():
    trainer, ring = trainer_for("adam"), UndoRing()
    for _ in range(5):
        ring.keep(trainer)
        trainer.step()
    trainer.set_hyperparameters(lr=0.5)  # waits for the next batch
    assert ring.back(trainer, 3)
    assert trainer.net.optimizer.lr == pytest.approx(0.03) and trainer._pending == {"lr": 0.5}


def test_nothing_kept_that_early_changes_nothing():
    trainer, ring = trainer_for("adam"), UndoRing()
    trainer.step()
    ring.keep(trainer)
    trainer.step()
    before = snapshot(trainer)
    assert not ring.back(trainer, 0)
    assert_same(snapshot(trainer), before)
