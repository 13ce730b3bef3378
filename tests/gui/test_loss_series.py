"""The loss plot's bounded per-batch buffer: the same points however the batches are chunked, always within capacity."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gui.training.loss_series import EnvelopeSeries


def envelope_reference(ys, capacity):
    """Indices an EnvelopeSeries should show: per whole run its first lowest and last highest, then the
    unfinished run's lowest, highest and latest; runs the shortest power of two (≥ 2) that fits."""
    run = 2
    while len(ys) // run >= capacity // 2:
        run *= 2
    shown = []
    for start in range(0, len(ys), run):
        seg = ys[start : start + run]
        lo, hi = start + int(np.argmin(seg)), start + len(seg) - 1 - int(np.argmax(seg[::-1]))
        whole = len(seg) == run
        shown += sorted({lo, hi} if whole else {lo, hi, start + len(seg) - 1})
    return run, shown


def feed(series, xs, ys, cuts):
    """Feed the batches in chunks ending at ``cuts``."""
    start = 0
    for end in [*sorted(cuts), len(xs)]:
        series.extend(xs[start:end], ys[start:end])
        start = end


chunked_runs = st.integers(0, 400).flatmap(lambda n: st.tuples(
    st.lists(st.sampled_from([0.5, 1.0, 2.0, 3.0, 0.25]), min_size=n, max_size=n),  # ties on purpose
    st.lists(st.integers(0, n), max_size=12)))


@settings(max_examples=150)
@given(chunked_runs, st.sampled_from([4, 8, 24]))
def test_envelope_keeps_each_runs_lowest_and_highest_whatever_the_chunks(run_and_cuts, capacity):
    values, cuts = run_and_cuts
    ys, xs = np.array(values), np.arange(len(values)) / 10.0
    series = EnvelopeSeries(capacity)
    feed(series, xs, ys, cuts)
    run, shown = envelope_reference(ys, capacity)
    assert series.run == run and len(series) <= capacity + 3
    np.testing.assert_array_equal(series.x, xs[shown])
    np.testing.assert_array_equal(series.y, ys[shown])
    np.testing.assert_allclose(series.log_y, np.log10(ys[shown]))


def test_until_the_first_thinning_every_batch_is_a_point():
    xs, ys = np.arange(30) / 7, np.random.default_rng(1).uniform(0.1, 2, 30)
    series = EnvelopeSeries(64)
    feed(series, xs, ys, [1, 2, 9, 10, 11, 25])
    np.testing.assert_array_equal(series.x, xs)
    np.testing.assert_array_equal(series.y, ys)


def test_memory_stays_within_capacity_over_a_long_run():
    capacity = 1024
    series = EnvelopeSeries(capacity)
    rng = np.random.default_rng(0)
    for k in range(200):  # 200 chunks of 517 batches: 100 × capacity
        xs = (k * 517 + np.arange(517)) / 1875
        series.extend(xs, rng.uniform(0.05, 1.0, 517))
    assert len(series) <= capacity + 3 and series.nbytes <= 3 * 8 * (capacity + 3)
    assert series.run == 256 and series.x[0] < 256 / 1875 and series.x[-1] == xs[-1]  # first run to latest batch
    series.clear()
    assert len(series) == 0 and series.run == 2


@pytest.mark.parametrize("capacity", [6, 2, 0])
def test_a_capacity_the_halving_cannot_keep_is_refused(capacity):
    with pytest.raises(ValueError, match="capacity"):
        EnvelopeSeries(capacity)
