"""Bounded per-batch history: ThinnedSeries merges pairwise on an even grid; TrainingHistory saves and resumes it."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import engine.thinned_series as thinned_series
from engine.data.toy_datasets import make_toy
from engine.files.trainer_state import load_training, save_training
from engine.network import NeuralNetwork
from engine.thinned_series import ThinnedSeries
from engine.training import Trainer, TrainingHistory


def grid_reference(values, capacity):
    """(stride, points) the whole run should be: the finest power-of-two grid that fits, each point its group's mean."""
    n, stride = len(values), 1
    while -(-n // stride) > capacity:
        stride *= 2
    return stride, [np.mean(values[i : i + stride]) for i in range(0, n, stride)]


@given(st.lists(st.floats(0.0, 10.0), max_size=300), st.sampled_from([2, 4, 6, 16]))
def test_points_are_the_means_of_an_even_grid_of_batches(values, capacity):
    series = ThinnedSeries("mean", capacity=capacity)
    for v in values:
        series.append(v)
    stride, expected = grid_reference(values, capacity)
    assert len(series) == len(expected) <= capacity and series.stride == stride
    assert series.batches == len(values)
    np.testing.assert_allclose(np.asarray(series), expected, rtol=1e-12, atol=1e-12)


def test_a_history_fed_three_times_its_capacity_stays_within_it_and_keeps_the_curve():
    capacity, n = 1000, 3000
    rng = np.random.default_rng(0)
    losses = 2.0 * np.exp(-np.arange(n) / 700) + rng.uniform(0, 0.2, n)
    sizes = rng.choice([32, 32, 32, 7], n)  # a short last batch now and then
    history = TrainingHistory(capacity=capacity)
    seen = np.cumsum(sizes)
    for loss, samples in zip(losses, seen):
        history.add_batch(loss, samples)
    loss, x = np.asarray(history.batch_loss), np.asarray(history.batch_samples)
    assert len(loss) == len(x) <= capacity and history.batch_loss.stride == 4  # 3000 batches: 750 points of 4
    assert history.batch_loss.nbytes <= capacity * 8 and history.batch_samples.nbytes <= capacity * 8
    assert np.mean(loss) == pytest.approx(np.mean(losses), rel=1e-12)  # whole groups: the mean is the run's
    assert loss[0] == pytest.approx(np.mean(losses[:4])) and loss[-1] == pytest.approx(np.mean(losses[-4:]))
    assert x[0] == seen[3] and x[-1] == seen[-1]  # x: samples seen after each point's last batch
    assert np.all(np.diff(x) > 0)
    np.testing.assert_array_equal(x, seen[3::4])


def test_an_unfinished_last_point_takes_each_new_batch_and_merges_by_its_weight():
    series = ThinnedSeries("mean", capacity=4)
    for v in [1.0, 2.0, 3.0, 4.0, 10.0]:  # the fifth needs a new point: pairs merge, stride 2
        series.append(v)
    assert list(series) == [1.5, 3.5, 10.0] and (series.stride, series.tail) == (2, 1)
    series.append(20.0)
    assert list(series) == [1.5, 3.5, 15.0] and series.tail == 2
    loaded = ThinnedSeries.from_values([1.5, 3.5, 15.0, 7.0], stride=2, tail=1, capacity=2)
    # [1.5+3.5 | 15 (2 batches) + 7 (1 batch)] → stride 4, the last point holds 3 batches
    assert loaded[:] == [2.5, pytest.approx(37 / 3)] and (loaded.stride, loaded.tail) == (4, 3)
    last = ThinnedSeries("last", np.int64, capacity=4)
    for v in range(1, 8):
        last.append(v)
    assert last[:] == [2, 4, 6, 7] and last[-1] == 7 and isinstance(last[0], int)


def test_the_series_reads_like_a_list_and_converts_by_copying():
    series = ThinnedSeries("mean", capacity=8)
    for v in [3.0, 2.0, 1.0]:
        series.append(v)
    assert series == [3.0, 2.0, 1.0] and series[:2] == [3.0, 2.0] and series[1] == 2.0 and bool(series)
    assert not ThinnedSeries() and series != [3.0, 2.0]
    copy = np.asarray(series)
    series.append(0.5)
    assert copy.tolist() == [3.0, 2.0, 1.0]
    with pytest.raises(ValueError, match="even capacity"):
        ThinnedSeries(capacity=5)
    for stride, tail in ((3, 1), (2, 3), (4, 0)):
        with pytest.raises(ValueError):
            ThinnedSeries.from_values([1.0, 2.0], stride=stride, tail=tail)


def test_an_older_history_longer_than_the_capacity_loads_merged():
    n = 21
    arrays = {"batch_loss": np.linspace(2, 1, n), "batch_samples": 10.0 * np.arange(1, n + 1),
              "epoch_train_loss": np.array([1.5]), "epoch_test_loss": np.array([1.4]),
              "epoch_test_accuracy": np.array([0.5])}  # as every version before bounded histories wrote them
    history = TrainingHistory(capacity=8)
    history.load_arrays(arrays)
    stride, expected = grid_reference(arrays["batch_loss"], 8)
    assert history.batch_loss.stride == stride == 4 and history.batch_loss.batches == n
    np.testing.assert_allclose(np.asarray(history.batch_loss), expected)
    assert history.batch_samples[:] == [40, 80, 120, 160, 200, 210]
    assert history.epoch_test_accuracy == [0.5]
    back = TrainingHistory(capacity=8)
    back.load_arrays(history.as_arrays())
    assert vars(back) == vars(history)


def make_trainer(dataset, seed=5):
    net = NeuralNetwork.build([2, 8, 2], "tanh", "ce", optimizer="adam", lr=0.01, seed=seed)
    return Trainer(net, dataset, batch_size=16, epochs=100, seed=seed)


def resumed_and_straight(tmp_path, dataset, steps, stop_after):
    """(history trained ``steps`` batches straight, the same with a save and load after ``stop_after``, extra)."""
    straight = make_trainer(dataset)
    for _ in range(steps):
        straight.step()
    first = make_trainer(dataset)
    for _ in range(stop_after):
        first.step()
    save_training(tmp_path / "run.npz", first)
    resumed, extra = load_training(tmp_path / "run.npz", dataset)
    for _ in range(steps - stop_after):
        resumed.step()
    a, b = straight.history, resumed.history
    assert vars(a) == vars(b)  # values, grid and the last point's fill, exactly
    ha, hb = a.as_arrays(), b.as_arrays()
    assert ha.keys() == hb.keys() and all(np.array_equal(ha[k], hb[k]) for k in ha)
    return straight, extra


@pytest.mark.parametrize("stop_after", [5, 23, 40])  # before any merge, with an unfinished last point, on a whole one
def test_a_thinned_history_resumes_bit_for_bit(tmp_path, monkeypatch, stop_after):
    monkeypatch.setattr(thinned_series, "DEFAULT_CAPACITY", 8)
    dataset = make_toy("circles", n=150, seed=1)  # 120 train: 8 batches an epoch
    straight, extra = resumed_and_straight(tmp_path, dataset, 61, stop_after)
    assert ("batch_stride" in extra["history"]) == (stop_after > 8)
    a = straight.history
    assert len(a.batch_loss) <= 8 and a.batch_loss.batches == 61 and a.batch_samples[-1] == straight.samples_seen


# -- per-epoch curves ------------------------------------------------------------------------------------
def test_epoch_curves_keep_real_epochs_on_an_even_grid_and_the_last_one_exactly():
    history = TrainingHistory(epoch_capacity=8)
    for epoch in range(1, 101):
        history.add_epoch(1.0 / epoch, 2.0 / epoch, epoch / 100)
    numbers = history.epoch_numbers()
    assert len(history.epoch_train_loss) == len(numbers) <= 8 and history.epochs == 100
    assert history.epoch_train_loss.stride == 16 and numbers.tolist() == [16, 32, 48, 64, 80, 96, 100]
    # each point is the epoch it is drawn at, measured, not averaged
    np.testing.assert_array_equal(np.asarray(history.epoch_test_accuracy), numbers / 100)
    np.testing.assert_array_equal(np.asarray(history.epoch_train_loss), 1.0 / numbers)
    assert history.epoch_test_accuracy[-1] == 1.0  # what "accuracy after the last epoch" reads
    assert sum(s.nbytes for s in (history.epoch_train_loss, history.epoch_test_loss,
                                  history.epoch_test_accuracy)) <= 3 * 8 * 8
    arrays = history.as_arrays()
    assert arrays["epoch_stride"].tolist() == [16, 4] and "batch_stride" not in arrays
    back = TrainingHistory(epoch_capacity=8)
    back.load_arrays(arrays)
    assert vars(back) == vars(history) and back.epoch_numbers().tolist() == numbers.tolist()


def test_an_older_history_with_more_epochs_than_the_capacity_loads_merged_and_grows_from_there():
    n = 21
    arrays = {"batch_loss": np.array([1.0]), "batch_samples": np.array([10.0]),
              "epoch_train_loss": np.arange(1.0, n + 1), "epoch_test_loss": np.arange(1.0, n + 1),
              "epoch_test_accuracy": np.arange(1.0, n + 1) / 100}
    history = TrainingHistory(epoch_capacity=8)
    history.load_arrays(arrays)
    assert history.epochs == n and history.epoch_numbers().tolist() == [4, 8, 12, 16, 20, 21]
    assert history.epoch_train_loss[:] == [4.0, 8.0, 12.0, 16.0, 20.0, 21.0]
    history.add_epoch(22.0, 22.0, 0.22)
    assert history.epoch_numbers()[-1] == 22 and history.epoch_train_loss[-1] == 22.0
    empty = TrainingHistory(epoch_capacity=8)
    empty.load_arrays({k: np.array([]) for k in arrays})  # saved before the first epoch ended
    empty.add_epoch(1.0, 1.0, 0.5)
    assert empty.epoch_numbers().tolist() == [1] and empty.epoch_test_accuracy[:] == [0.5]


@pytest.mark.parametrize("grid", [[3, 1], [4, 5], [4, 0], [2**70, 1], [1.5, 1], [-2, 1], [np.nan, 1], [4]])
def test_a_bad_epoch_grid_is_refused(grid):
    arrays = TrainingHistory().as_arrays()
    arrays.update(epoch_train_loss=np.ones(3), epoch_test_loss=np.ones(3), epoch_test_accuracy=np.ones(3),
                  epoch_stride=np.array(grid, dtype=np.float64))
    with pytest.raises(ValueError):
        TrainingHistory().load_arrays(arrays)


@pytest.mark.parametrize("stop_after", [3, 37, 70])  # before any merge, with an unfinished last point, later
def test_thinned_epoch_curves_resume_bit_for_bit(tmp_path, monkeypatch, stop_after):
    import engine.training_history as training_history

    monkeypatch.setattr(training_history, "EPOCH_CAPACITY", 4)
    monkeypatch.setattr(thinned_series, "DEFAULT_CAPACITY", 8)
    dataset = make_toy("circles", n=40, seed=1)  # 32 train: 2 batches an epoch
    straight, extra = resumed_and_straight(tmp_path, dataset, 2 * 50, stop_after)
    assert ("epoch_stride" in extra["history"]) == (stop_after // 2 > 4)
    a = straight.history
    assert len(a.epoch_train_loss) <= 4 and a.epochs == straight.epoch == 50 and a.epoch_numbers()[-1] == 50
