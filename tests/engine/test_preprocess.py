"""Preprocessing of drawn digits: area resampling, crop, fit to 20 px, centre of mass, specks, empty canvases."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.data.preprocess import (
    BOX,
    MAX_STROKE,
    MIN_STROKE,
    SIZE,
    TARGET_COM,
    area_resample,
    area_resize,
    naive,
    preprocess,
    stroke_width,
)
from engine.data.unipen import render_strokes


def centre_of_mass(image):
    """(row, col) of an image's centre of mass, 0-based pixel coordinates."""
    mass = image.sum()
    return (image.sum(axis=1) @ np.arange(image.shape[0]) / mass, image.sum(axis=0) @ np.arange(image.shape[1]) / mass)


def ink_box(image, threshold=0.5):
    """(height, width) of the pixels brighter than ``threshold``."""
    rows, cols = np.flatnonzero(image.max(axis=1) > threshold), np.flatnonzero(image.max(axis=0) > threshold)
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def extent(image):
    """(height, width) in pixels, partial edge pixels counted by their coverage (exact for solid rectangles)."""
    rows, cols = image.sum(axis=1), image.sum(axis=0)
    return rows.sum() / rows.max(), cols.sum() / cols.max()


def canvas(size=280):
    return np.zeros((size, size), dtype=np.float32)


def reference_resample(row, n_out, start, length):
    """Area resampling of one row by explicit interval overlaps (slow, obviously right)."""
    n_in = len(row)
    step = length / n_in
    out = np.zeros(n_out)
    for i in range(n_out):
        for j in range(n_in):
            lo, hi = max(i, start + j * step), min(i + 1, start + (j + 1) * step)
            out[i] += max(hi - lo, 0.0) * row[j]
    return out


# -- area resampling --------------------------------------------------------------------------
@pytest.mark.parametrize("n_in, n_out, start, length", [(280, 28, 0, 28), (97, 20, 0, 20), (13, 28, 3.3, 20),
                                                         (5, 28, 0.25, 7.5), (240, 28, 4.6, 13.1)])
def test_area_resample_matches_interval_overlaps(n_in, n_out, start, length):
    row = np.random.default_rng(n_in).random(n_in).astype(np.float32)
    out = area_resample(row[None, :], 1, n_out, start, length)[0]
    np.testing.assert_allclose(out, reference_resample(row, n_out, start, length), atol=1e-5)


@pytest.mark.parametrize("shape_in, shape_out", [((280, 280), (28, 28)), ((97, 61), (20, 13)), ((3, 7), (28, 20))])
def test_constant_image_stays_constant(shape_in, shape_out):
    out = area_resize(np.full(shape_in, 0.7, dtype=np.float32), shape_out)
    assert out.shape == shape_out and out.dtype == np.float32
    np.testing.assert_allclose(out, 0.7, atol=1e-5)


def test_total_ink_scales_with_area():
    image = np.random.default_rng(0).random((113, 71)).astype(np.float32)
    out = area_resize(image, (20, 13))
    assert out.sum() == pytest.approx(image.sum() * (20 / 113) * (13 / 71), rel=1e-5)


def test_naive_resizes_the_whole_canvas():
    drawn = canvas()
    drawn[:140, :] = 1.0  # top half
    image = naive(drawn)
    assert image.shape == (SIZE, SIZE) and image.dtype == np.float32
    np.testing.assert_allclose(image[:14], 1.0, atol=1e-6)
    np.testing.assert_allclose(image[14:], 0.0, atol=1e-6)


# -- crop, fit, centre --------------------------------------------------------------------------
def test_square_is_fitted_to_20_px_and_centred_at_mnist_centre_of_mass():
    drawn = canvas()
    drawn[30:130, 150:250] = 1.0  # off-centre on the canvas
    result = preprocess(drawn, thin=False)  # a solid block is all "stroke": keep it as it is
    assert not result.empty
    assert result.bbox == (30, 130, 150, 250)
    assert result.cropped.shape == (100, 100)
    np.testing.assert_allclose(result.fitted, 1.0, atol=1e-5)  # a square fills the whole 20×20 box
    assert result.centred.shape == (SIZE, SIZE) and result.centred.dtype == np.float32
    np.testing.assert_allclose(extent(result.centred), (BOX, BOX), atol=1e-4)
    np.testing.assert_allclose(centre_of_mass(result.centred), TARGET_COM, atol=1e-3)
    assert result.x.shape == (784, 1)


def test_aspect_ratio_is_kept():
    drawn = canvas()
    drawn[20:260, 100:160] = 1.0  # 240 tall, 60 wide
    result = preprocess(drawn)
    assert result.centred.sum() == pytest.approx(20 * 5, rel=1e-4)  # a 20×5 block of full ink
    np.testing.assert_allclose(extent(result.centred), (20, 5), atol=1e-4)
    np.testing.assert_allclose(extent(result.fitted), (20, 5), atol=1e-4)


def test_tiny_dot_is_enlarged_to_fill_the_box():
    drawn = canvas()
    drawn[200:203, 40:43] = 1.0
    result = preprocess(drawn, thin=False)
    assert result.centred.sum() == pytest.approx(BOX * BOX, rel=1e-4)
    np.testing.assert_allclose(centre_of_mass(result.centred), TARGET_COM, atol=1e-3)


def test_very_wide_stroke_keeps_all_its_ink():
    drawn = canvas()
    drawn[137:143, 10:270] = 1.0  # 260 × 6
    result = preprocess(drawn, thin=False)
    assert result.centred.sum() == pytest.approx(20 * 6 * 20 / 260, rel=1e-4)
    assert extent(result.centred)[1] == pytest.approx(20, abs=1e-4)
    np.testing.assert_allclose(centre_of_mass(result.centred), TARGET_COM, atol=1e-3)


def test_lopsided_digit_is_clipped_so_nothing_falls_off():
    drawn = canvas()
    drawn[40:80, 40:240] = 1.0  # a heavy bar …
    drawn[80:240, 135:140] = 0.2  # … over a faint stem: the centre of mass sits near the top
    result = preprocess(drawn)
    fitted_mass = result.fitted.sum()
    assert result.centred.sum() == pytest.approx(fitted_mass, rel=1e-4)  # no ink lost at the edge
    rows = np.flatnonzero(result.centred.max(axis=1) > 0)
    assert (rows[0], rows[-1]) == (8, 27)  # moved down as far as it could, and no farther
    assert centre_of_mass(result.centred)[0] < TARGET_COM[0] - 1


def test_integer_shift_moves_the_fitted_box_by_whole_pixels():
    drawn = canvas()
    drawn[50:150, 60:160] = 1.0
    drawn[50:70, 60:160] = 0.3  # shift the centre of mass off the box centre
    result = preprocess(drawn, subpixel=False)
    box = result.fitted
    matches = [(dy, dx) for dy in range(-4, 5) for dx in range(-4, 5)
               if np.allclose(result.centred[4 + dy : 24 + dy, 4 + dx : 24 + dx], box, atol=1e-5)]
    assert len(matches) == 1
    com = centre_of_mass(result.centred)
    assert abs(com[0] - TARGET_COM[0]) <= 0.5 + 1e-4 and abs(com[1] - TARGET_COM[1]) <= 0.5 + 1e-4


def test_uint8_and_float_canvases_agree():
    drawn = canvas()
    drawn[60:200, 90:120] = 1.0
    drawn[60:90, 90:200] = 0.6
    as_uint8 = np.round(drawn * 255).astype(np.uint8)
    np.testing.assert_allclose(preprocess(as_uint8).centred, preprocess(drawn).centred, atol=1e-5)


@settings(max_examples=60, deadline=None)
@given(top=st.floats(0, 0.99), left=st.floats(0, 0.99), height=st.integers(1, 333), width=st.integers(1, 333),
       size=st.sampled_from([200, 280, 333]))
def test_any_rectangle_lands_centred_and_in_range(top, left, height, width, size):
    drawn = np.zeros((size, size), dtype=np.float32)
    top, left = int(top * size), int(left * size)
    drawn[top : top + height, left : left + width] = 1.0
    result = preprocess(drawn, thin=False)
    image = result.centred
    assert image.shape == (SIZE, SIZE) and image.dtype == np.float32
    assert image.min() >= 0.0 and image.max() <= 1.0
    assert max(extent(image)) == pytest.approx(BOX, abs=1e-3)  # the longer side spans 20 px
    np.testing.assert_allclose(centre_of_mass(image), TARGET_COM, atol=0.05)


# -- stroke width ---------------------------------------------------------------------------------
def fitted_stroke(result):
    """Stroke width of the (re-stroked) crop once fitted to the box: measured where strokes are many pixels wide."""
    return stroke_width(result.cropped) * BOX / max(result.cropped.shape)


@pytest.mark.parametrize("pen", [4.0, 10.0, 18.0, 30.0])
def test_stroke_width_is_estimated_from_area_and_outline(pen):
    curve = np.stack([140 + 90 * np.cos(np.linspace(0, 5, 60)), 140 + 70 * np.sin(np.linspace(0, 5, 60))], axis=1)
    drawn = render_strokes([curve, np.array([[40.0, 40.0], [60.0, 250.0]])], 280, pen)
    assert stroke_width(drawn) == pytest.approx(pen, rel=0.06)


def test_tiny_digit_drawn_with_a_wide_pen_is_thinned():
    curve = np.stack([140 + 25 * np.cos(np.linspace(0, 6.3, 50)), 140 + 35 * np.sin(np.linspace(0, 6.3, 50))], axis=1)
    drawn = render_strokes([curve], 280, 18)  # a 0 about 88 px tall: strokes 4 px wide once fitted
    result = preprocess(drawn)
    assert result.thinned and result.stroke > MAX_STROKE + 0.5
    assert fitted_stroke(result) == pytest.approx(MAX_STROKE, abs=0.15)
    assert stroke_width(result.fitted) < stroke_width(preprocess(drawn, thin=False).fitted) - 0.5
    np.testing.assert_allclose(centre_of_mass(result.centred), TARGET_COM, atol=0.05)


def test_large_digit_drawn_with_a_fine_pen_is_thickened():
    curve = np.stack([140 + 80 * np.cos(np.linspace(0, 6.3, 80)), 140 + 120 * np.sin(np.linspace(0, 6.3, 80))], axis=1)
    drawn = render_strokes([curve], 280, 4)  # strokes 0.3 px wide once fitted: faint grey in 28×28
    result = preprocess(drawn)
    assert result.thinned and result.stroke < MIN_STROKE - 0.5
    assert fitted_stroke(result) == pytest.approx(MIN_STROKE, abs=0.15)
    assert result.centred.max() > 2 * preprocess(drawn, thin=False).centred.max()  # solid strokes again
    np.testing.assert_allclose(centre_of_mass(result.centred), TARGET_COM, atol=0.05)


def test_digit_drawn_large_is_not_thinned():
    curve = np.stack([140 + 70 * np.cos(np.linspace(0, 6.3, 80)), 140 + 100 * np.sin(np.linspace(0, 6.3, 80))], axis=1)
    drawn = render_strokes([curve], 280, 18)
    result = preprocess(drawn)
    assert not result.thinned and result.stroke < MAX_STROKE
    np.testing.assert_array_equal(result.centred, preprocess(drawn, thin=False).centred)


# -- what real canvases hold ----------------------------------------------------------------------
def test_empty_canvas_is_flagged_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for drawn in (canvas(), np.zeros((280, 280), np.uint8), np.full((280, 280), 0.01, np.float32)):
            result = preprocess(drawn)
            assert result.empty
            assert result.centred.shape == (SIZE, SIZE) and not result.centred.any()
            assert result.fitted.shape == (BOX, BOX) and not result.fitted.any()
            assert result.bbox is None


def test_faint_antialiasing_does_not_widen_the_crop():
    drawn = canvas()
    drawn[100:180, 100:140] = 1.0
    drawn[99, 90:150] = drawn[180, 90:150] = 0.05  # the faint fringe an anti-aliased pen leaves
    assert preprocess(drawn).bbox == (100, 180, 100, 140)


def ring(drawn, top, left, size, thick):
    drawn[top : top + size, left : left + size] = 1.0
    drawn[top + thick : top + size - thick, left + thick : left + size - thick] = 0.0


def test_stray_speck_far_from_the_digit_is_ignored():
    clean = canvas()
    ring(clean, 60, 60, 150, 18)
    dirty = clean.copy()
    dirty[250:258, 255:263] = 1.0  # a stray dot in the corner
    result = preprocess(dirty)
    assert result.specks == 1
    assert result.bbox == (60, 210, 60, 210)
    np.testing.assert_allclose(result.centred, preprocess(clean).centred, atol=1e-6)
    assert preprocess(dirty, remove_specks=False).bbox == (60, 258, 60, 263)


def test_separate_strokes_of_a_digit_are_kept():
    drawn = canvas()
    drawn[40:58, 60:220] = 1.0  # the bar of a 5 drawn apart …
    ring(drawn, 90, 60, 150, 18)  # … from its body; and a small nick inside the digit's box
    drawn[150:156, 130:136] = 1.0
    result = preprocess(drawn)
    assert result.specks == 0
    assert result.bbox == (40, 240, 60, 220)


def test_many_equal_dots_are_a_drawing_not_specks():
    drawn = canvas()
    for r in range(30, 250, 40):
        for c in range(30, 250, 40):
            drawn[r : r + 6, c : c + 6] = 1.0  # 36 dots, none holding 5 % of the ink …
    drawn[150:157, 150:157] = 1.0  # … one a little bigger
    result = preprocess(drawn)
    assert result.specks == 0
    assert result.bbox == (30, 236, 30, 236)


def test_rejects_images_that_are_not_2d():
    with pytest.raises(ValueError, match="2-D"):
        preprocess(np.zeros((28, 28, 3)))


def test_real_drawn_digits_are_centred_and_fitted(unipen_subset):
    from engine.data.unipen import fit_strokes, render_strokes

    rng = np.random.default_rng(0)
    for k in rng.choice(len(unipen_subset), 25, replace=False):
        _, strokes = unipen_subset[k]
        drawn = render_strokes(fit_strokes(strokes, 280, rng.uniform(0.3, 0.9), rng.uniform(-40, 40, 2)))
        result = preprocess(drawn)
        assert not result.empty and result.specks == 0
        assert max(ink_box(result.fitted, 0.0)) == BOX  # the longer side fills the box
        com = centre_of_mass(result.centred)
        assert np.allclose(com, TARGET_COM, atol=0.05) or result.centred[[0, -1]].any() or \
            result.centred[:, [0, -1]].any()  # only a clipped digit may miss the target
