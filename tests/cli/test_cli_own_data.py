"""`train --data-csv` and the built-in regressions: a person's own table trained, saved and evaluated headless."""

import json
import shutil

import numpy as np
import pytest

import main
from engine.files.checkpoint import load_checkpoint

IRIS = "tests/fixtures/iris/iris.csv"
FAST = ["--quiet", "--epochs", "100", "--batch", "16", "--lr", "0.01"]


def run(capsys, *argv):
    """(exit code, the JSON last line or None, stderr) of one command run in this process."""
    code = main.main(list(argv))
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    return code, json.loads(lines[-1]) if code == 0 else None, captured.err


def test_iris_is_learnt_saved_with_its_description_and_evaluated_from_the_same_file(capsys, tmp_path):
    model = tmp_path / "iris.npz"
    code, result, _ = run(capsys, "train", "--data-csv", IRIS, *FAST, "--out", str(model))
    assert code == 0
    assert result["arch"] == "4-16-16-3" and result["test_accuracy"] >= 0.95
    assert "test_rmse" not in result
    _, extra = load_checkpoint(model)
    params = extra["dataset_params"]
    assert params["file"] == "iris.csv" and params["target"] == "species" and params["task"] == "classification"
    assert len(params["sha256"]) == 64 and "iris.csv" in extra["dataset_description"]
    code, evaluated, _ = run(capsys, "evaluate", str(model), "--data-csv", IRIS)
    assert code == 0 and evaluated["test_accuracy"] == pytest.approx(result["test_accuracy"])


def test_evaluate_refuses_a_changed_file_and_asks_for_the_file_when_none_is_given(capsys, tmp_path):
    model, changed = tmp_path / "iris.npz", tmp_path / "iris.csv"
    assert run(capsys, "train", "--data-csv", IRIS, "--quiet", "--epochs", "1", "--out", str(model))[0] == 0
    shutil.copy(IRIS, changed)
    with open(changed, "a") as fh:
        fh.write("5.0,3.0,1.5,0.2,setosa\n")
    code, _, err = run(capsys, "evaluate", str(model), "--data-csv", str(changed))
    assert code == 1 and err.count("\n") == 1 and "has changed" in err
    code, _, err = run(capsys, "evaluate", str(model))
    assert code == 2 and err.count("\n") == 1 and "--data-csv" in err and "iris.csv" in err


def test_evaluate_refuses_a_table_of_another_shape(capsys, tmp_path):
    model = tmp_path / "sine.npz"
    assert run(capsys, "train", "--dataset", "sine", "--quiet", "--epochs", "1", "--out", str(model))[0] == 0
    code, _, err = run(capsys, "evaluate", str(model), "--data-csv", IRIS)
    assert code == 2 and err.count("\n") == 1 and "takes 1 inputs" in err and "4 features" in err


def test_sine_is_fitted_within_its_noise(capsys):
    code, result, _ = run(capsys, "train", "--dataset", "sine", "--samples", "200", "--noise", "0.1", "--arch",
                          "1-16-16-1", "--act", "tanh", *FAST)
    assert code == 0 and result["test_accuracy"] is None
    assert result["test_rmse"] <= 0.15 and result["test_r2"] > 0.9


def test_a_csv_regression_reports_rmse_in_the_targets_units(capsys, tmp_path):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (300, 2))
    y = 1000 + 500 * x[:, 0] - 200 * x[:, 1] + rng.normal(0, 10, 300)  # noise σ = 10 of the target's units
    table = tmp_path / "prices.csv"
    np.savetxt(table, np.column_stack([x, y]), delimiter=",", header="a,b,price", comments="", fmt="%.6f")
    code, result, _ = run(capsys, "train", "--data-csv", str(table), *FAST)
    assert code == 0 and result["arch"] == "2-16-16-1"
    assert 5 < result["test_rmse"] < 60 and result["test_r2"] > 0.95


@pytest.mark.parametrize("args, words", [
    (["--dataset", "sine", "--loss", "ce"], "mean squared error"),
    (["--dataset", "cubic", "--out-act", "sigmoid"], "must be identity"),
    (["--dataset", "sine", "--arch", "1-8-2"], "end with 1 output"),
    (["--dataset", "xor", "--target", "x"], "--data-csv only"),
    (["--data-csv", IRIS, "--dataset", "xor"], "give one"),
])
def test_options_that_cannot_apply_are_refused_with_the_reason(args, words, capsys):
    code, _, err = run(capsys, "train", "--quiet", *args)
    assert code == 2 and err.count("\n") == 1 and words in err


@pytest.mark.parametrize("text, words", [
    ("", "empty"),
    ("a,b\n1,0\n2,1\n", "cannot be split"),
    ("a,b,c\n1,x,0\n2,3,1\n4,5,0\n6,7,1\n", "'b'"),
    ("a,b\n1,0\n2,0\n3,0\n4,0\n5,0\n", "single class"),
    ("a,b,c\n1,2,0\n3,,1\n4,5,0\n6,7,1\n", "missing"),
])
def test_a_bad_csv_is_refused_in_one_line(text, words, capsys, tmp_path):
    table = tmp_path / "bad.csv"
    table.write_text(text)
    code, _, err = run(capsys, "train", "--data-csv", str(table), "--quiet", "--batch", "1")
    assert code != 0 and err.count("\n") == 1 and "Traceback" not in err
    assert words in err.lower() or words in err


def test_a_missing_csv_is_refused_in_one_line(capsys, tmp_path):
    code, _, err = run(capsys, "train", "--data-csv", str(tmp_path / "none.csv"), "--quiet")
    assert code != 0 and err.count("\n") == 1 and "none.csv" in err
