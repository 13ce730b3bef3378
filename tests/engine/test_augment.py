"""Batch augmentation: shapes, determinism, the identity, geometry of the warp, thickness changes."""

import numpy as np
import pytest

from engine.data.augment import (
    NONE,
    AugmentSettings,
    affine_matrices,
    affine_warp,
    augment_batch,
    change_thickness,
    elastic_field,
    refit,
)


def digits(n=16, seed=0):
    """Blobby, digit-like images (n, 28, 28) in [0, 1]: a ring plus a stroke, at random places."""
    rng = np.random.default_rng(seed)
    rr, cc = np.mgrid[0:28, 0:28]
    out = np.zeros((n, 28, 28), dtype=np.float32)
    for k in range(n):
        r0, c0, rad = rng.uniform(10, 18), rng.uniform(10, 18), rng.uniform(4, 7)
        dist = np.hypot(rr - r0, cc - c0)
        out[k] = np.clip(2.0 - np.abs(dist - rad), 0, 1)  # strokes about 3 px wide, as in MNIST
        out[k, 5:23, int(c0) + 6 : int(c0) + 9] = 1.0
    return out


def test_shapes_and_dtype_are_kept():
    images = digits()
    flat = images.reshape(16, 784)
    assert augment_batch(images, np.random.default_rng(0)).shape == (16, 28, 28)
    result = augment_batch(flat, np.random.default_rng(0))
    assert result.shape == (16, 784) and result.dtype == np.float32


def test_out_is_filled_and_returned():
    flat = digits().reshape(16, 784)
    out = np.full_like(flat, -1.0)
    result = augment_batch(flat, np.random.default_rng(3), out=out)
    assert result is out
    np.testing.assert_array_equal(out, augment_batch(flat, np.random.default_rng(3)))


def test_same_seed_same_result_other_seed_other_result():
    images = digits()
    a = augment_batch(images, np.random.default_rng(7))
    b = augment_batch(images, np.random.default_rng(7))
    c = augment_batch(images, np.random.default_rng(8))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    assert not np.allclose(a, images)  # the defaults do change the images


def test_identity_settings_give_the_images_back():
    images = digits()
    np.testing.assert_array_equal(augment_batch(images, np.random.default_rng(1), settings=NONE), images)


def test_ink_stays_in_range_and_mostly_on_the_image():
    images = digits(64)
    strong = AugmentSettings(thickness=1.0, shear=0.3, elastic=1.0)
    result = augment_batch(images, np.random.default_rng(2), settings=strong)
    assert result.min() >= 0.0 and result.max() <= 1.0
    ratio = result.sum(axis=(1, 2)) / images.sum(axis=(1, 2))
    assert 0.3 < ratio.min() and ratio.max() < 3.0  # thinned or thickened, never wiped out


def test_rejects_wrong_shapes():
    with pytest.raises(ValueError, match="shape"):
        augment_batch(np.zeros((4, 27, 28), np.float32), np.random.default_rng(0))
    with pytest.raises(ValueError, match="out"):
        augment_batch(np.zeros((4, 784), np.float32), np.random.default_rng(0), out=np.zeros((4, 28, 28), np.float32))


# -- the warp's geometry -------------------------------------------------------------------------
def warp(images, angle=0.0, scale=1.0, shear=0.0, shift=(0.0, 0.0)):
    n = len(images)
    m = affine_matrices(np.full(n, angle), np.full(n, scale), np.full(n, shear), np.tile(shift, (n, 1)))
    return affine_warp(images, m)


def test_whole_pixel_shift_moves_the_image_down_and_right():
    images = digits(4)
    moved = warp(images, shift=(2.0, -3.0))  # 2 rows down, 3 columns left
    expected = np.zeros_like(images)
    expected[:, 2:, :-3] = images[:, :-2, 3:]
    np.testing.assert_allclose(moved, expected, atol=1e-6)


def test_quarter_turn_is_counter_clockwise_on_screen():
    images = digits(4)
    np.testing.assert_allclose(warp(images, angle=np.pi / 2), np.rot90(images, 1, axes=(1, 2)), atol=1e-5)


def test_half_pixel_shift_interpolates_bilinearly():
    images = digits(2)
    moved = warp(images, shift=(0.0, 0.5))
    expected = 0.5 * images
    expected[:, :, 1:] += 0.5 * images[:, :, :-1]
    np.testing.assert_allclose(moved, expected, atol=1e-6)


def test_scale_grows_about_the_middle():
    image = np.zeros((1, 28, 28), np.float32)
    image[0, 11:17, 11:17] = 1.0  # a 6×6 square around the middle (13.5, 13.5)
    bigger = warp(image, scale=2.0)
    assert bigger.sum() == pytest.approx(4 * image.sum(), rel=0.02)
    rows = np.flatnonzero(bigger[0].max(axis=1) > 0.5)
    assert (rows[0], rows[-1]) == (8, 19)  # 12 px, still centred


def test_shear_slants_columns_by_row():
    image = np.zeros((1, 28, 28), np.float32)
    image[0, :, 13:15] = 1.0  # a vertical bar
    slanted = warp(image, shear=0.5)
    top, bottom = slanted[0, 3], slanted[0, 24]
    centre = lambda row: row @ np.arange(28) / row.sum()  # noqa: E731
    assert centre(bottom) - centre(top) == pytest.approx(0.5 * 21, abs=0.1)  # lower rows lean right


# -- thickness and elastic ---------------------------------------------------------------------------
def reference_filter(image, op):
    padded = np.pad(image, 1)
    return np.array([[op(padded[r : r + 3, c : c + 3]) for c in range(28)] for r in range(28)])


def test_full_thickening_and_thinning_are_3x3_max_and_min_filters():
    images = digits(3)
    np.testing.assert_allclose(change_thickness(images, np.ones(3))[1], reference_filter(images[1], np.max), atol=1e-6)
    np.testing.assert_allclose(change_thickness(images, -np.ones(3))[2], reference_filter(images[2], np.min), atol=1e-6)
    np.testing.assert_array_equal(change_thickness(images, np.zeros(3)), images)


def test_thickness_amounts_order_the_ink():
    images = digits(5)
    inks = [change_thickness(images, np.full(5, a)).sum() for a in (-1.0, -0.5, 0.0, 0.5, 1.0)]
    assert inks == sorted(inks) and inks[0] < inks[-1]


def test_elastic_field_is_smooth_with_the_asked_rms():
    field = elastic_field(200, np.random.default_rng(0), 1.5)
    assert field.shape == (2, 200, 28, 28) and field.dtype == np.float32
    assert np.sqrt((field**2).mean()) == pytest.approx(1.5, rel=0.1)
    assert np.abs(np.diff(field, axis=3)).mean() < 0.2 * np.abs(field).mean()  # neighbours move together


# -- fitting like preprocessing -----------------------------------------------------------------------
def centre_of_mass(images):
    mass = images.sum(axis=(1, 2))
    axis = np.arange(28)
    return np.stack([images.sum(axis=2) @ axis / mass, images.sum(axis=1) @ axis / mass], axis=1)


def test_refit_matches_preprocessing():
    from engine.data.preprocess import preprocess

    images = digits(12)
    fitted = refit(images)
    np.testing.assert_allclose(centre_of_mass(fitted), 14.0, atol=0.06)  # bilinear resampling moves it a little
    reference = np.stack([preprocess(im, thin=False).centred for im in images])
    assert np.abs(fitted - reference).mean() < 0.01  # bilinear here, area averaging there
    np.testing.assert_allclose(fitted.sum(axis=(1, 2)), reference.sum(axis=(1, 2)), rtol=0.05)


def test_refit_after_rotation_still_centres_the_mass():
    images = digits(32)
    fit_only = AugmentSettings(shift=0.0, scale=(1.0, 1.0), rotate=15.0, thickness=0.0, refit=True)
    result = augment_batch(images, np.random.default_rng(4), settings=fit_only)
    np.testing.assert_allclose(centre_of_mass(result), 14.0, atol=0.1)


def test_refit_keeps_lopsided_digits_inside_and_blank_images_blank():
    image = np.zeros((2, 28, 28), np.float32)
    image[0, 4:8, 4:24] = 1.0  # a heavy bar …
    image[0, 8:24, 13:15] = 0.2  # … on a faint stem: centring the mass would push the bar off the top
    fitted = refit(image)
    rows = np.flatnonzero(fitted[0].max(axis=1) > 0.05)
    assert (rows[0], rows[-1]) == (8, 27)  # moved down only until the stem touches the bottom
    assert fitted[0].sum() == pytest.approx(image[0].sum(), rel=0.02)  # so no ink fell off
    assert centre_of_mass(fitted[:1])[0, 0] < 13
    assert not fitted[1].any()
