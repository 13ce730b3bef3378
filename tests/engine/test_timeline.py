"""Timeline: snapshots every N batches, thinned by halving when full, bounded in count and bytes."""

import numpy as np
import pytest

from engine.timeline import MIN_CAPACITY, Snapshot, Timeline


def snap(step, size=(3, 2), loss=None):
    W = np.full(size, float(step), dtype=np.float32)
    b = np.zeros((size[0], 1), dtype=np.float32)
    return Snapshot(step=step, epoch=step // 10, epoch_x=step / 10, loss=1.0 / step if loss is None else loss,
                    weights=[(W, b)])


def test_keeps_every_batch_until_full_then_halves_and_doubles_the_spacing():
    tl = Timeline(capacity=8)
    for step in range(1, 9):
        assert tl.offer(snap(step))
    assert [s.step for s in tl] == list(range(1, 9)) and tl.every == 1
    assert tl.offer(snap(9))  # the ninth overflows: slots of 2 batches, the first of each stays
    assert [s.step for s in tl] == [1, 2, 4, 6, 8] and tl.every == 2 and tl.thinnings == 1
    assert not tl.offer(snap(9))  # slot 8–9 has one already
    assert tl.offer(snap(10))
    assert tl.latest.step == 10


@pytest.mark.parametrize("stride", [1, 3, 7])  # updates may skip batches (throttling)
def test_a_long_run_stays_bounded_and_spans_the_whole_run_evenly(stride):
    tl = Timeline(capacity=200)
    steps = range(1, 20_001, stride)
    for step in steps:
        tl.offer(snap(step))
        assert len(tl) <= 200
    kept = [s.step for s in tl]
    assert kept[0] == 1 and kept[-1] > steps[-1] - tl.every - stride
    assert len(kept) > 50  # thinning leaves a good share of the capacity
    assert np.diff(kept).max() <= 2 * tl.every + stride  # even: no hole wider than the spacing allows
    slots = [s // tl.every for s in kept]
    assert len(set(slots)) == len(slots)  # at most one per slot of the current width


def test_memory_bound_lowers_the_capacity_for_big_networks():
    one = snap(1, size=(1000, 1000)).nbytes  # ≈ 4 MB per snapshot
    tl = Timeline(capacity=200, max_bytes=20 * one)
    for step in range(1, 200):
        tl.offer(snap(step, size=(1000, 1000)))
    assert tl.capacity == 20 and len(tl) <= 20
    assert sum(s.nbytes for s in tl) <= 20 * one
    tiny = Timeline(capacity=200, max_bytes=1)
    tiny.offer(snap(1))
    assert tiny.capacity == MIN_CAPACITY


def test_snapshots_keep_the_arrays_they_were_given_and_cannot_be_changed():
    tl = Timeline()
    s = snap(5)
    tl.offer(s)
    assert tl[0] is s and tl[0].weights[0][0] is s.weights[0][0]
    with pytest.raises(AttributeError):
        s.loss = 0.0


def test_order_is_enforced_and_repeats_are_ignored():
    tl = Timeline(every=1)
    assert tl.offer(snap(4))
    assert not tl.offer(snap(4))
    with pytest.raises(ValueError):
        tl.offer(snap(3))
    with pytest.raises(ValueError):
        Timeline(capacity=1)


def test_every_n_batches_from_the_start():
    tl = Timeline(every=5)
    kept = [step for step in range(1, 40) if tl.offer(snap(step))]
    assert kept == [1, 5, 10, 15, 20, 25, 30, 35]  # the first in each slot of 5 batches


def test_index_of_finds_the_nearest_step_and_clear_starts_over():
    tl = Timeline()
    for step in (1, 10, 20):
        tl.offer(snap(step))
    assert [tl.index_of(s) for s in (0, 5, 6, 14, 16, 100)] == [0, 0, 1, 1, 2, 2]
    tl.clear()
    assert len(tl) == 0 and tl.index_of(3) is None and tl.latest is None and tl.every == 1
    assert "0/200" in repr(tl)
