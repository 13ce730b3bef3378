"""A person's own CSV as a Dataset: detection, scaling, the split, errors that name the cell, and learning it."""

import hashlib
import json
import math
import os

import numpy as np
import pytest

from engine import NeuralNetwork
from engine.data import csv_reader
from engine.data.csv_dataset import MAX_AUTO_CLASSES, load_csv, reload_csv
from engine.data.datasets import CLASSIFICATION, REGRESSION, DatasetError
from engine.evaluation import evaluate
from engine.training import EpochDone, Trainer

IRIS = os.path.join(os.path.dirname(__file__), "..", "fixtures", "iris", "iris.csv")
IRIS_SHA256 = "e404da8a0348eaa780e968c07a8f4dc90fe90eea54ddceeb5b444ce0caae8d30"
IRIS_FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


def write(tmp_path, text, name="table.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def table(rows, header=None, delimiter=",", end="\n"):
    """CSV text from rows of cells."""
    lines = ([delimiter.join(header)] if header else []) + [delimiter.join(str(c) for c in r) for r in rows]
    return end.join(lines) + end


def labelled(n=40, seed=0):
    """Rows (a, b, label 0/1) where the label is a ≥ b."""
    rng = np.random.default_rng(seed)
    ab = rng.normal(size=(n, 2)).round(3)
    return [(a, b, int(a >= b)) for a, b in ab]


# -- iris: a real table ------------------------------------------------------------------------
def test_the_iris_fixture_is_the_documented_file():
    with open(IRIS, "rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == IRIS_SHA256


def test_iris_loads_as_a_three_class_table():
    ds = load_csv(IRIS)
    assert ds.name == "csv" and ds.title == "iris.csv" and ds.task == CLASSIFICATION
    assert ds.class_names == ["setosa", "versicolor", "virginica"]
    assert ds.feature_names == IRIS_FEATURES and ds.input_shape == (4,) and ds.n_outputs == 3
    assert ds.x_train.shape == (120, 4) and ds.x_test.shape == (30, 4)
    assert ds.x_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    assert np.bincount(np.concatenate([ds.y_train, ds.y_test])).tolist() == [50, 50, 50]
    # standardised over the training rows; the scaling kept as plain numbers
    assert np.allclose(ds.x_train.mean(axis=0), 0, atol=1e-5) and np.allclose(ds.x_train.std(axis=0), 1, atol=1e-4)
    p = ds.params
    assert p["sha256"] == IRIS_SHA256 and p["file"] == "iris.csv" and p["rows"] == 150 and p["header"] is True
    assert p["target"] == "species" and p["target_column"] == 4 and p["task"] == CLASSIFICATION
    assert p["feature_mean"][0] == pytest.approx(5.84, abs=0.1) and len(p["feature_std"]) == 4
    assert json.loads(json.dumps(p, allow_nan=False)) == p  # JSON-safe: a checkpoint can carry it
    assert "iris.csv" in ds.description and IRIS_SHA256[:12] in ds.description and "'species'" in ds.description
    assert "classification" in ds.description
    # the raw measurements come back from the stored scaling
    raw = ds.x_test * np.array(p["feature_std"]) + np.array(p["feature_mean"])
    assert np.all((raw > 0) & (raw < 8))


def test_iris_trains_to_95_percent_test_accuracy():
    ds = load_csv(IRIS, seed=0)
    net = NeuralNetwork.build([4, 16, 3], "tanh", "ce", optimizer="adam", lr=0.01, seed=0)
    events = [e for e in Trainer(net, ds, batch_size=16, epochs=100, seed=0).run() if isinstance(e, EpochDone)]
    assert events[-1].test_accuracy >= 0.95
    assert math.isnan(events[-1].test_rmse)  # classification reports no regression figures
    result = evaluate(net, ds)
    assert result.accuracy == events[-1].test_accuracy and result.class_names == ds.class_names


# -- what the target decides -------------------------------------------------------------------
def test_a_headerless_table_with_integer_labels_is_a_classification(tmp_path):
    ds = load_csv(write(tmp_path, table(labelled())))
    assert ds.params["header"] is False and ds.feature_names == ["column 1", "column 2"]
    assert ds.task == CLASSIFICATION and ds.class_names == ["0", "1"]


def test_labels_keep_their_own_names_in_order_of_value(tmp_path):
    rows = [(i, i % 3 * 5 + 10) for i in range(30)]  # labels 10, 15, 20
    ds = load_csv(write(tmp_path, table(rows, ["x", "grade"])))
    assert ds.class_names == ["10", "15", "20"]
    y = np.concatenate([ds.y_train, ds.y_test])
    assert sorted(np.bincount(y).tolist()) == [10, 10, 10]


@pytest.mark.parametrize("block", [1 << 21, 10])
def test_one_and_one_point_zero_are_one_class(tmp_path, monkeypatch, block):
    monkeypatch.setattr(csv_reader, "_BLOCK", block)  # small: blocks of numbers only, then of words
    rows = [(i, ["1", "1.0", "2", "2.0", "cat"][i // 6]) for i in range(30)]
    ds = load_csv(write(tmp_path, table(rows, ["x", "label"])))
    assert ds.class_names == ["1", "2", "cat"]
    assert np.bincount(np.concatenate([ds.y_train, ds.y_test])).tolist() == [12, 12, 6]


def test_real_numbers_make_a_regression_in_standard_units(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 10, 200)
    price = 1000 + 250 * x  # a target far from [0, 1]
    ds = load_csv(write(tmp_path, table(zip(x.round(4), price.round(2)), ["size", "price"])))
    assert ds.task == REGRESSION and ds.class_names == [] and ds.n_outputs == 1
    assert ds.y_train.dtype == np.float32
    assert abs(float(ds.y_train.mean())) < 1e-5 and float(ds.y_train.std()) == pytest.approx(1, abs=1e-4)
    mean, std = ds.target_scaling
    assert mean == ds.params["target_mean"] and std == ds.params["target_std"]
    in_units = np.sort(np.concatenate([ds.target_units(ds.y_train), ds.target_units(ds.y_test)]))
    assert np.allclose(in_units, np.sort(price.round(2)), atol=1e-3)
    assert "regression" in ds.description


def test_many_whole_numbers_are_a_regression_and_task_can_be_forced(tmp_path):
    few = write(tmp_path, table([(i, i % MAX_AUTO_CLASSES) for i in range(200)]), "few.csv")
    many = write(tmp_path, table([(i, i % (MAX_AUTO_CLASSES + 1)) for i in range(200)]), "many.csv")
    assert load_csv(few).task == CLASSIFICATION and load_csv(few).n_classes == MAX_AUTO_CLASSES
    assert load_csv(many).task == REGRESSION
    assert load_csv(few, task="regression").task == REGRESSION
    forced = load_csv(many, task="classification")
    assert forced.task == CLASSIFICATION and forced.n_classes == MAX_AUTO_CLASSES + 1


def test_words_cannot_be_a_regression(tmp_path):
    with pytest.raises(DatasetError, match="'species' holds words .*'setosa'"):
        load_csv(IRIS, task="regression")


@pytest.mark.parametrize("target", ["x", 0, -3, "0"])
def test_the_target_by_name_or_index(tmp_path, target):
    rows = [(i % 2, i, i * 0.5) for i in range(20)]
    ds = load_csv(write(tmp_path, table(rows, ["x", "y", "z"])), target=target)
    assert ds.params["target"] == "x" and ds.feature_names == ["y", "z"] and ds.class_names == ["0", "1"]


def test_an_unknown_target_lists_the_columns():
    with pytest.raises(DatasetError, match="no column named 'colour'.*'sepal_length'"):
        load_csv(IRIS, target="colour")
    with pytest.raises(DatasetError, match="no column 7"):
        load_csv(IRIS, target=7)


# -- formats -------------------------------------------------------------------------------------
def test_semicolons_tabs_crlf_bom_quotes_and_blank_lines_read_alike(tmp_path):
    rows = [(f"{a}", f"{b}", ["cat", "dog"][c]) for a, b, c in labelled()]
    plain = load_csv(write(tmp_path, table(rows, ["a", "b", "pet"]), "plain.csv"))
    variants = {
        "semicolon.csv": table([(a.replace(".", ","), b.replace(".", ","), c) for a, b, c in rows], ["a", "b", "pet"],
                               delimiter=";"),
        "tab.tsv": table(rows, ["a", "b", "pet"], delimiter="\t"),
        "crlf.csv": "\ufeff" + table(rows, ["a", "b", "pet"], end="\r\n"),
        "quoted.csv": table([(a, b, f'"{c}"') for a, b, c in rows], ['"a"', '"b"', '"pet"']),
        "blank.csv": "\n" + table(rows, ["a", "b", "pet"]).replace("\n", "\n\n", 5) + "\n\n",
        "no final newline.csv": table(rows, ["a", "b", "pet"]).rstrip("\n"),
    }
    for name, text in variants.items():
        ds = load_csv(write(tmp_path, text, name))
        assert ds.feature_names == ["a", "b"] and ds.class_names == ["cat", "dog"], name
        assert np.array_equal(ds.x_train, plain.x_train) and np.array_equal(ds.y_test, plain.y_test), name


def test_the_same_table_in_tiny_blocks_gives_the_same_dataset(tmp_path, monkeypatch):
    rows = [(f"{a}", f"{b}", ["cat", "dog"][c]) for a, b, c in labelled(300)]
    path = write(tmp_path, table(rows, ["a", "b", "pet"]))
    whole = load_csv(path)
    monkeypatch.setattr(csv_reader, "_BLOCK", 7)  # shorter than a line: blocks join, lines split across reads
    pieces = load_csv(path)
    assert np.array_equal(whole.x_train, pieces.x_train) and np.array_equal(whole.y_train, pieces.y_train)
    assert whole.params == pieces.params


def test_the_split_follows_the_seed_and_fraction(tmp_path):
    path = write(tmp_path, table(labelled(100)))
    a, b, c = load_csv(path, seed=3), load_csv(path, seed=3), load_csv(path, seed=4)
    assert np.array_equal(a.x_test, b.x_test) and not np.array_equal(a.x_test, c.x_test)
    assert len(load_csv(path, test_fraction=0.5).y_test) == 50
    both = np.concatenate([a.x_train, a.x_test])
    assert len(np.unique(both, axis=0)) == 100  # a partition: no row lost, none twice


# -- errors that say where -----------------------------------------------------------------------
HEADER = "a,b,label\n"
GOOD = "1,2,0\n3,4,1\n5,6,0\n7,8,1\n"


@pytest.mark.parametrize("text, message", [
    (HEADER + "1,2,0\n3,x,1\n", r"table.csv, line 3, column 2 \('b'\): 'x' is not a number"),
    (HEADER + "1,2,0\n\n3,,1\n", r"line 4, column 2 \('b'\): missing value; .*drop rows"),
    (HEADER + "1,NA,0\n", r"line 2, column 2 \('b'\): missing value"),
    (HEADER + "1,2,0\n3,4,nan\n", r"line 3, column 3 \('label'\): missing value"),
    (HEADER + "1,2,0\n3,4\n", r"line 3: 2 cells, expected 3 as in the header"),
    ("1,2,0\n3,4,1,5\n", r"line 2: 4 cells, expected 3 as in the first line"),
    (HEADER + "1,2,0\n3,-inf,1\n", r"line 3, column 2 \('b'\): '-inf' is not a finite number"),
    (HEADER + "1,2,0\n3,1e39,1\n", r"line 3, column 2 \('b'\): '1e39' is too large"),
    ("1,2,0\n3,y,1\n", r"line 2, column 2: 'y' is not a number"),
    (HEADER + GOOD.replace(",1\n", ",0\n"), r"the target 'label' holds a single class \('0'\)"),
    ("", r"table.csv: the file is empty"),
    ("\n \n\t\n", r"no rows"),
    ("a,b,label\n", r"no data rows below the header"),
    ("label\n1\n2\n", r"one column only \('label'\)"),
    ("a,b\x00,c\n", r"not a CSV text file"),
    ("a,y\n" + "".join(f"{i},7.5\n" for i in range(10)), r"the target 'y' is 7.5 on every training row"),
    ("a,id\n" + "".join(f"{i},id{i}\n" for i in range(1200)), r"1,200 different values, too many classes"),
])
def test_problems_raise_a_dataset_error_naming_the_place(tmp_path, text, message):
    with pytest.raises(DatasetError, match=message):
        load_csv(write(tmp_path, text))


def test_an_error_deep_in_a_large_file_names_its_line(tmp_path, monkeypatch):
    lines = [f"{i},{i * 2},{i % 2}" for i in range(5000)]
    lines[4321] = "4321,oops,1"
    path = write(tmp_path, "a,b,label\n" + "\n".join(lines) + "\n")
    monkeypatch.setattr(csv_reader, "_BLOCK", 1000)
    with pytest.raises(DatasetError, match=r"line 4323, column 2 \('b'\): 'oops'"):
        load_csv(path)


def test_rows_with_missing_values_can_be_dropped(tmp_path):
    text = HEADER + "1,2,0\n3,,1\n5,6,?\nNA,8,1\n" + "".join(f"{i},{i},{i % 2}\n" for i in range(10))
    ds = load_csv(write(tmp_path, text), drop_missing=True)
    assert ds.params["rows"] == 11 and ds.params["rows_dropped"] == 3 and ds.params["drop_missing"] is True
    assert "3 with missing values left out" in ds.description
    # a word is still an error, dropped or not
    with pytest.raises(DatasetError, match="'x' is not a number"):
        load_csv(write(tmp_path, HEADER + "1,,0\n3,x,1\n"), drop_missing=True)


def test_fewer_training_rows_than_a_batch_is_refused(tmp_path):
    path = write(tmp_path, table(labelled(40)))  # 32 training rows
    assert len(load_csv(path, batch_size=32).y_train) == 32
    with pytest.raises(DatasetError, match="32 training rows, fewer than one batch of 64"):
        load_csv(path, batch_size=64)


@pytest.mark.parametrize("fraction", [0, 1, -0.1, 1.5, "0.2"])
def test_a_test_fraction_outside_zero_to_one_is_refused(tmp_path, fraction):
    with pytest.raises(DatasetError, match="test fraction"):
        load_csv(write(tmp_path, table(labelled())), test_fraction=fraction)


@pytest.mark.parametrize("seed", [-1, 2**63, 1.5, "1", True])
def test_a_seed_that_is_not_a_whole_number_is_refused(tmp_path, seed):
    with pytest.raises(DatasetError, match="seed"):
        load_csv(write(tmp_path, table(labelled())), seed=seed)


def test_too_few_rows_to_split_is_refused(tmp_path):
    with pytest.raises(DatasetError, match="2 rows cannot be split"):
        load_csv(write(tmp_path, "1,0\n2,1\n"), test_fraction=0.1)


@pytest.mark.parametrize("where", ["missing.csv", ""])
def test_missing_files_and_folders_are_dataset_errors(tmp_path, where):
    with pytest.raises(DatasetError, match="not found|is a folder"):
        load_csv(tmp_path / where)


# -- progress, cancel, reload ------------------------------------------------------------------
def test_progress_rises_from_zero_to_one(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_reader, "_BLOCK", 200)
    seen = []
    load_csv(write(tmp_path, table(labelled(200))), progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0 and len(seen) > 10
    assert all(a <= b for a, b in zip(seen, seen[1:]))


@pytest.mark.parametrize("after", [0, 1, 5])
def test_should_stop_cancels_the_load(tmp_path, monkeypatch, after):
    monkeypatch.setattr(csv_reader, "_BLOCK", 200)
    asked = []

    def should_stop():
        asked.append(1)
        return len(asked) > after

    assert load_csv(write(tmp_path, table(labelled(200))), should_stop=should_stop) is None


def test_reload_makes_the_same_dataset_and_notices_a_changed_file(tmp_path):
    path = write(tmp_path, table(labelled(60), ["a", "b", "label"]))
    first = load_csv(path, seed=7, test_fraction=0.3)
    params = json.loads(json.dumps(first.params))  # as a checkpoint gives them back
    again = reload_csv(path, params)
    assert again.params == first.params
    assert np.array_equal(again.x_train, first.x_train) and np.array_equal(again.y_test, first.y_test)
    with open(path, "a") as fh:
        fh.write("0.5,0.25,1\n")
    with pytest.raises(DatasetError, match="has changed"):
        reload_csv(path, params)
    with pytest.raises(DatasetError, match="damaged"):
        reload_csv(path, {**params, "seed": "seven"})
    with pytest.raises(DatasetError, match="damaged"):
        reload_csv(path, {"file": "table.csv"})
