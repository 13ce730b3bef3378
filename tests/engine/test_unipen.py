"""Real pen strokes: reading UNIPEN digits, fitting them onto the pad, rendering a round pen."""

import gzip
import json
import os

import numpy as np
import pytest

from engine.data.mnist_files import sha256_of
from engine.data.unipen import fit_strokes, load_unipen, render_strokes
from tests.shipped_data import read_sha256sums


def write_digits(path, records):
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec) + "\n")


def test_reads_labels_flips_y_and_skips_spurious_origin(tmp_path):
    path = tmp_path / "digits.jsonl.gz"
    write_digits(path, [
        {"id": "a#0", "label": "7", "strokes": [[[10, 50], [30, 50], [20, 10]]]},
        {"id": "a#1", "label": "1", "strokes": [[[5, 5], [0, 0], [5, 40]]]},  # the data fault
        {"id": "a#2", "label": "4", "strokes": [[[1, 9], [1, 2]], [[3, 8]]]},
    ])
    digits = load_unipen(path)
    assert [label for label, _ in digits] == [7, 4]
    label, strokes = digits[0]
    np.testing.assert_array_equal(strokes[0], [[10, -50], [30, -50], [20, -10]])  # the bar is now on top
    assert [s.shape for s in digits[1][1]] == [(2, 2), (1, 2)]
    assert load_unipen(path, with_ids=True)[1][2] == "a#2"


def test_bad_line_names_the_file_and_line(tmp_path):
    path = tmp_path / "broken.jsonl.gz"
    write_digits(path, [{"label": "3", "strokes": [[[1, 2]]]}, {"label": "x", "strokes": []}])
    with pytest.raises(ValueError, match="broken.jsonl.gz line 2"):
        load_unipen(path)


def test_fit_scales_the_longer_side_keeps_aspect_and_stays_on_the_pad():
    strokes = [np.array([[100.0, -300.0], [100.0, -100.0]]), np.array([[50.0, -300.0], [150.0, -300.0]])]
    fitted = fit_strokes(strokes, size=280, box_fraction=0.5)
    points = np.concatenate(fitted)
    lo, hi = points.min(axis=0), points.max(axis=0)
    np.testing.assert_allclose(hi - lo, [70.0, 140.0])  # 100 × 200 → 70 × 140, aspect 1:2 kept
    np.testing.assert_allclose((lo + hi) / 2, [140.0, 140.0])
    moved = np.concatenate(fit_strokes(strokes, 280, 0.5, offset=(500.0, -20.0)))
    assert moved[:, 0].max() == pytest.approx(280.0) and moved[:, 1].mean() < 140  # clamped to the pad's edge


def test_fit_handles_a_single_dot():
    fitted = fit_strokes([np.array([[3.0, 4.0]])], 280, 0.7)
    np.testing.assert_allclose(fitted[0], [[140.0, 140.0]])


def test_render_draws_a_round_capped_antialiased_line():
    image = render_strokes([np.array([[50.5, 100.5], [150.5, 100.5]])], size=280, pen_width=18)
    assert image.shape == (280, 280) and image.dtype == np.float32
    assert image.min() == 0.0 and image.max() == 1.0
    assert image.sum() == pytest.approx(100 * 18 + np.pi * 9**2, rel=0.01)  # a rectangle and two half-discs
    column = image[:, 100]  # the pen covers rows 91.5 … 109.5; pixel r's centre is r + 0.5
    assert column[90] == 0.0 and column[91] == pytest.approx(0.5) and column[92:109].min() == 1.0
    assert column[109] == pytest.approx(0.5) and column[110] == 0.0
    row = image[100]  # the round cap reaches 9 px past the end point
    assert row[158] == 1.0 and row[159] == pytest.approx(0.5) and row[160] == 0.0


def test_render_single_point_is_a_disc():
    image = render_strokes([np.array([[140.0, 140.0]])], size=280, pen_width=18)
    assert image.sum() == pytest.approx(np.pi * 81, rel=0.01)


def test_the_shipped_digits_are_the_file_its_sha256sums_names(unipen_subset_path):
    assert read_sha256sums(os.path.dirname(unipen_subset_path)) == {"digits.jsonl.gz": sha256_of(unipen_subset_path)}


def test_the_shipped_digits_are_the_dev_sets_own(unipen_subset_path, unipen_full_path):
    whole = {digit_id: (label, strokes) for label, strokes, digit_id in load_unipen(unipen_full_path, with_ids=True)}
    for label, strokes, digit_id in load_unipen(unipen_subset_path, with_ids=True):
        assert whole[digit_id][0] == label
        assert all(np.array_equal(a, b) for a, b in zip(whole[digit_id][1], strokes, strict=True))


def test_the_whole_dev_set_loads_with_every_label(unipen_digits):
    assert len(unipen_digits) == 11808
    assert {label for label, _ in unipen_digits} == set(range(10))


def test_real_digits_load_and_fit_inside_the_pad_box(unipen_subset):
    assert len(unipen_subset) == 400
    labels = np.array([label for label, _ in unipen_subset])
    assert set(labels) == set(range(10))
    rng = np.random.default_rng(0)
    for k in rng.choice(len(unipen_subset), 200, replace=False):
        strokes = unipen_subset[k][1]
        assert all(s.ndim == 2 and s.shape[1] == 2 and len(s) for s in strokes)
        box = rng.uniform(0.3, 0.9)
        offset = rng.uniform(-1, 1, 2) * (1 - box) * 140  # never pushes the box off the pad
        points = np.concatenate(fit_strokes(strokes, 280, box, offset))
        lo, hi = points.min(axis=0), points.max(axis=0)
        centre = 140 + offset
        assert np.all(lo >= centre - box * 140 - 1e-9) and np.all(hi <= centre + box * 140 + 1e-9)
        assert (hi - lo).max() == pytest.approx(box * 280)


def test_real_sevens_start_at_the_top_once_y_points_down(unipen_subset):
    sevens = [strokes for label, strokes in unipen_subset if label == 7]
    starts_high = [s[0][0, 1] < np.concatenate(s)[:, 1].mean() for s in sevens]
    assert np.mean(starts_high) > 0.9  # people write a 7's bar first
