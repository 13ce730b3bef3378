"""Fuzzing the CSV loader: whatever the file holds, a Dataset that makes sense or a DatasetError — nothing else."""

import tempfile
from datetime import timedelta
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from engine.data import csv_reader
from engine.data.csv_dataset import load_csv
from engine.data.datasets import DatasetError

# The deadline is a hang guard, far above the milliseconds one example takes.
FUZZ = settings(max_examples=150, deadline=timedelta(seconds=10),
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

CELLS = st.one_of(
    st.integers(-3, 3).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", " ", "NA", "nan", "NaN", "?", "null", "inf", "-inf", "1e39", "-1e308", "1e400", "3.4e38",
                     "9" * 400, "0x10", "1_000", "1,5", '"2"', '"a,b"', '"', "cat", "dog", " 7 ", "１２", "\t",
                     "#", "é", "\ufeff", "\r"]),
    st.text(max_size=6),
)


def check(path, **options):
    """load_csv must give a well-formed Dataset or raise DatasetError naming the file."""
    try:
        ds = load_csv(path, **options)
    except DatasetError as exc:
        assert Path(path).name in str(exc) or "test fraction" in str(exc)
        return None
    for x, y in ((ds.x_train, ds.y_train), (ds.x_test, ds.y_test)):
        assert x.dtype == np.float32 and x.shape == (len(y), ds.features) and np.all(np.isfinite(x))
        if ds.is_regression:
            assert y.dtype == np.float32 and np.all(np.isfinite(y))
        else:
            assert y.dtype == np.int64 and y.min(initial=0) >= 0 and y.max(initial=0) < ds.n_classes
    assert len(ds.y_train) > 0 and len(ds.y_test) > 0
    return ds


def fuzz_file(data, tiny_blocks):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzzed.csv"
        path.write_bytes(data)
        with mock.patch.object(csv_reader, "_BLOCK", 5 if tiny_blocks else csv_reader._BLOCK):
            check(path, drop_missing=len(data) % 2 == 0)


@FUZZ
@given(st.binary(max_size=400), st.booleans())
@example(b"", False)
@example(b"\xff\xfe\x00a", False)
@example(b"a,b\n\x80\x81,1\n2,3\n", False)
def test_random_bytes(data, tiny_blocks):
    fuzz_file(data, tiny_blocks)


@FUZZ
@given(st.lists(st.lists(CELLS, min_size=0, max_size=6), max_size=12), st.sampled_from([",", ";", "\t"]),
       st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
@example([["a", "b"], ["1", "2"], ["3"]], ",", "\n", False)
@example([["1", "1e39"], ["2", "3"], ["4", "5"]], ",", "\n", True)
@example([["x"], ["1"], ["2"]], ",", "\n", False)
def test_ragged_tables_of_odd_cells(rows, delimiter, end, tiny_blocks):
    text = end.join(delimiter.join(r) for r in rows)
    fuzz_file(text.encode("utf-8", errors="surrogatepass"), tiny_blocks)


@st.composite
def mutated_tables(draw):
    """A table that loads (numbers, and a target of labels, words or reals), then a few cells made odd."""
    n, k = draw(st.integers(4, 30)), draw(st.integers(2, 5))
    number = st.floats(-1e6, 1e6, allow_nan=False).map(lambda v: f"{v:.4g}")
    target = draw(st.sampled_from([st.integers(0, 2).map(str), st.sampled_from(["cat", "dog", "emu"]), number]))
    rows = [[draw(number) for _ in range(k - 1)] + [draw(target)] for _ in range(n)]
    if draw(st.booleans()):
        rows.insert(0, [f"c{j}" for j in range(k)])
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(rows) - 1))
        what = draw(st.sampled_from(["cell", "cell", "drop", "add", "blank"]))
        if what == "cell" and rows[i]:
            rows[i][draw(st.integers(0, len(rows[i]) - 1))] = draw(CELLS)
        elif what == "drop" and rows[i]:
            rows[i].pop()
        elif what == "add":
            rows[i].append(draw(CELLS))
        else:
            rows.insert(i, [])
    return rows


@FUZZ
@given(mutated_tables(), st.sampled_from([",", ";", "\t"]), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_tables_with_a_few_odd_cells(rows, delimiter, end, tiny_blocks):
    text = end.join(delimiter.join(r) for r in rows)
    fuzz_file(text.encode("utf-8", errors="surrogatepass"), tiny_blocks)


@FUZZ
@given(st.lists(st.lists(st.floats(allow_nan=True, allow_infinity=False, width=32), min_size=3, max_size=3),
                min_size=1, max_size=30),
       st.sampled_from([None, "classification", "regression"]), st.floats(0.05, 0.95))
def test_tables_of_any_floats(rows, task, fraction):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "floats.csv"
        path.write_text("\n".join(",".join(repr(v) for v in r) for r in rows))
        ds = check(path, task=task, test_fraction=fraction, drop_missing=True)
        if ds is not None and ds.is_regression:
            assert np.all(np.isfinite(ds.target_units(ds.y_train)))


@settings(FUZZ, max_examples=25)
@given(st.sampled_from([1, 2, 3, 99_999, 100_000]), st.integers(1, 5),
       st.lists(st.tuples(st.integers(0, 4), st.integers(0, 100_000), CELLS), max_size=3), st.booleans())
def test_very_wide_tables(columns, n, changes, ragged):
    rows = [[str(i % 2 if j == columns - 1 else j % 7) for j in range(columns)] for i in range(n)]
    for i, j, cell in changes:
        if i < n and j < columns:
            rows[i][j] = cell
    if ragged:
        rows[-1].pop()
    fuzz_file("\n".join(",".join(r) for r in rows).encode("utf-8", errors="surrogatepass"), False)


def test_a_hundred_thousand_columns(tmp_path):
    rng = np.random.default_rng(0)
    values = rng.integers(0, 10, (6, 100_000))
    values[:, -1] = [0, 1, 0, 1, 0, 1]
    path = tmp_path / "wide.csv"
    path.write_text("\n".join(",".join(map(str, row)) for row in values) + "\n")
    ds = load_csv(path, test_fraction=0.5)
    assert ds.features == 99_999 and ds.class_names == ["0", "1"] and len(ds.feature_names) == 99_999
    short = "\n".join(",".join(map(str, row[: -1 if i == 4 else None])) for i, row in enumerate(values))
    path.write_text(short)
    with pytest.raises(DatasetError, match="line 5: 99,999 cells|line 5: 99999 cells"):
        load_csv(path)
