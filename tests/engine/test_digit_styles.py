"""Extra handwriting styles: slashed zeros, crossed sevens, flagged ones, fitted like drawings."""

import numpy as np
import pytest

from engine.data.digit_styles import add_styles, cross_sevens, draw_segments, flag_ones, ink_boxes, slash_zeros


def ring():
    rr, cc = np.mgrid[0:28, 0:28]
    dist = np.hypot((rr - 14) / 9, (cc - 14) / 6)  # an upright oval, like a 0
    return np.clip(1.0 - np.abs(dist - 1.0) * 6, 0, 1).astype(np.float32)


def seven():
    image = np.zeros((28, 28), np.float32)
    image[4:7, 8:21] = 1.0  # the top bar
    for r in range(7, 24):  # the stem, leaning left as it goes down
        c = int(round(19 - (r - 7) * 0.45))
        image[r, c : c + 3] = 1.0
    return image


def one():
    image = np.zeros((28, 28), np.float32)
    image[4:24, 13:16] = 1.0
    return image


def test_slash_crosses_the_hole_of_a_zero():
    batch = np.stack([ring()] * 4)
    assert batch[:, 14, 14].max() == 0.0  # the hole is empty
    slash_zeros(batch, np.random.default_rng(0))
    assert np.all(batch[:, 12:17, 12:17].max(axis=(1, 2)) > 0.9)  # the slash passes through the middle
    lower_left, upper_right = batch[:, 18:, :12].max(axis=(1, 2)), batch[:, :10, 16:].max(axis=(1, 2))
    assert np.all(lower_left > 0.5) and np.all(upper_right > 0.5)


def test_bar_crosses_the_stem_of_a_seven():
    batch = np.stack([seven()] * 4)
    before = batch.copy()
    cross_sevens(batch, np.random.default_rng(1))
    added = batch - before
    rows = np.flatnonzero(added.max(axis=(0, 2)) > 0.5)
    assert rows.min() > 10 and rows.max() < 19  # a little below the middle of the 4–23 box
    for k in range(4):
        stem = np.flatnonzero(before[k, int(np.median(np.flatnonzero(added[k].max(axis=1) > 0.5)))] > 0.5)
        cols = np.flatnonzero(added[k].max(axis=0) > 0.5)
        assert cols.min() < stem.min() and cols.max() > stem.max()  # on both sides of the stem


def test_flag_leaves_the_top_of_a_one_to_the_left():
    batch = np.stack([one()] * 4)
    flag_ones(batch, np.random.default_rng(2))
    assert np.all(batch[:, 4:14, :12].max(axis=(1, 2)) > 0.5)  # ink left of the stem, in the upper half
    assert not batch[:, 14:, :12].any()  # nothing left of the stem low down
    assert not batch[:, :, 16:].any()  # nothing to the right


def test_ink_boxes_and_segments():
    batch = np.zeros((2, 28, 28), np.float32)
    draw_segments(batch, np.array([[5.0, 5.0], [10.0, 3.0]]), np.array([[5.0, 20.0], [10.0, 3.0]]),
                  np.array([2.0, 3.0], np.float32))
    np.testing.assert_array_equal(ink_boxes(batch), [[4, 6, 4, 21], [9, 11, 2, 4]])
    assert batch[0, 5, 12] == 1.0 and batch[0, 3, 12] == 0.0


def test_add_styles_makes_fitted_copies_of_the_chosen_digits():
    images = np.stack([ring()] * 10 + [seven()] * 10 + [one()] * 10 + [ring()] * 5).reshape(-1, 784)
    labels = np.array([0] * 10 + [7] * 10 + [1] * 10 + [3] * 5)
    copies, copy_labels = add_styles((images * 255).astype(np.uint8), labels, np.random.default_rng(0), fraction=0.5)
    assert copies.shape == (15, 784) and copies.dtype == np.float32
    assert sorted(copy_labels.tolist()) == [0] * 5 + [1] * 5 + [7] * 5
    assert copies.min() >= 0.0 and copies.max() <= 1.0
    grid = copies.reshape(-1, 28, 28)
    mass = grid.sum(axis=(1, 2))
    axis = np.arange(28)
    np.testing.assert_allclose(grid.sum(axis=2) @ axis / mass, 14.0, atol=0.2)  # fitted like a drawing (bilinear)
    assert np.all(grid[copy_labels == 0][:, 12:17, 12:17].max(axis=(1, 2)) > 0.5)  # the zeros are slashed


def test_add_styles_is_reproducible_and_checks_digits():
    images = np.stack([ring()] * 6).reshape(-1, 784)
    labels = np.zeros(6, int)
    a, _ = add_styles(images, labels, np.random.default_rng(5), digits=(0,))
    b, _ = add_styles(images, labels, np.random.default_rng(5), digits=(0,))
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="digit 4"):
        add_styles(images, labels, np.random.default_rng(0), digits=(4,))
