"""`compare`: the articles' four and configuration files side by side, a table, JSON lines, and a history with CSV."""

import csv
import gzip
import json
import struct

import numpy as np
import pytest

import main
from engine.compare import Comparison, articles_preset, inits_preset
from engine.compare_history import HISTORY_NAME, read_history
from engine.run_config import write_config
from engine.training import EpochDone, Finished

N_TRAIN, N_TEST = 2000, 300  # real MNIST digits (the shipped subset): per-sample SGD on them, about a second a run


def _write_idx(path, array, magic):
    with gzip.open(path, "wb") as fh:
        fh.write(struct.pack(">I", magic) + b"".join(struct.pack(">I", n) for n in array.shape))
        fh.write(np.ascontiguousarray(array, dtype=np.uint8).tobytes())


@pytest.fixture(scope="module")
def small_mnist(mnist_subset, tmp_path_factory):
    """A folder of the first 2,000 training and 300 test digits of the real MNIST (the shipped subset), as IDX files."""
    folder = tmp_path_factory.mktemp("small_mnist")
    for split, prefix, n in (("train", "train", N_TRAIN), ("test", "t10k", N_TEST)):
        x, y = mnist_subset.split(split)
        _write_idx(folder / f"{prefix}-images-idx3-ubyte.gz", x[:n].reshape(n, 28, 28), 2051)
        _write_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", y[:n], 2049)
    return str(folder)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "user data"
    monkeypatch.setenv("BACKPROP_STUDIO_DATA_DIR", str(folder))
    return folder


def _json_lines(out):
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


@pytest.mark.parametrize("threads", ["1", "2"])
def test_the_articles_preset_gives_four_runs_each_with_its_accuracy(small_mnist, data_dir, capsys, threads):
    code = main.main(["compare", "--preset", "articles", "--epochs", "1", "--data", small_mnist, "--threads", threads])
    out, err = capsys.readouterr()
    assert code == 0, err
    runs = _json_lines(out)
    assert [r["name"] for r in runs] == ["LeakyReLU + MSE", "LeakyReLU + CE", "Sigmoid + MSE", "Sigmoid + CE"]
    assert all(r["epochs"] == 1 and 0.0 <= r["test_accuracy"] <= 1.0 and r["train_seconds"] > 0 for r in runs)
    assert max(r["test_accuracy"] for r in runs) > 0.3  # 3,000 digits, one pass: they learn something
    table = out[out.index("configuration"):]
    for run in runs:
        assert f"{run['name']}  " in table and f"{100 * run['test_accuracy']:.2f} %" in table
    assert "best: " in table and "Warning" not in err
    assert out.splitlines()[-1].startswith("{")  # the JSON lines come last
    history = read_history(data_dir / HISTORY_NAME)
    assert [r["name"] for r in history] == [r["name"] for r in runs]
    assert history[0]["config"]["init"] == "small" and history[2]["out_act"] == "sigmoid"


def test_round_robin_and_processes_train_the_same_runs(small_mnist, data_dir, capsys):
    """One batch of each run in turn trains each exactly as if it ran alone."""
    results = {}
    for threads in ("1", "3"):
        assert main.main(["compare", "--preset", "inits", "--data", small_mnist, "--threads", threads,
                          "--no-history"]) == 0
        results[threads] = _json_lines(capsys.readouterr().out)
    assert [r["test_accuracy"] for r in results["1"]] == [r["test_accuracy"] for r in results["3"]]
    assert [r["name"] for r in results["1"]] == ["he", "xavier", "small", "uniform", "zeros"]
    assert not (data_dir / HISTORY_NAME).exists()


def test_configuration_files_are_compared_and_the_history_exports_as_csv(small_mnist, data_dir, tmp_path, capsys):
    for name, init in (("he", "he"), ("zeros", "zeros")):
        write_config(tmp_path / f"{name}.json", {"dataset": "mnist", "hidden": [8], "activations": ["relu"],
                                                 "optimizer": "sgd", "lr": 0.1, "epochs": 2, "init": init})
    table = tmp_path / "history.csv"
    assert main.main(["compare", str(tmp_path / "he.json"), str(tmp_path / "zeros.json"), "--data", small_mnist,
                      "--history-csv", str(table)]) == 0
    runs = _json_lines(capsys.readouterr().out)
    assert [(r["name"], r["epochs"]) for r in runs] == [("he", 2), ("zeros", 2)]
    assert runs[1]["test_accuracy"] < runs[0]["test_accuracy"]  # zeros: only the output biases learn
    rows = list(csv.DictReader(table.open()))
    assert [(r["name"], r["init"], r["hidden"], r["epochs"]) for r in rows] == [("he", "he", "8", "2"),
                                                                               ("zeros", "zeros", "8", "2")]
    assert float(rows[0]["test_accuracy"]) == pytest.approx(runs[0]["test_accuracy"], abs=1e-6)

    assert main.main(["compare", "--history-csv", str(tmp_path / "again.csv")]) == 0  # export alone
    assert "2 runs of the history written" in capsys.readouterr().out
    assert (tmp_path / "again.csv").read_text() == table.read_text()


@pytest.mark.parametrize("argv, message", [
    (["compare"], "compare needs configuration files, --preset articles|inits, or --history-csv FILE"),
    (["compare", "--preset", "everything"], "invalid choice: 'everything'"),
    (["compare", "--preset", "articles", "--epochs", "0"], "must be a whole number from 1"),
])
def test_bad_compare_arguments_are_refused_in_one_line(argv, message, capsys):
    assert main.main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_a_missing_configuration_file_is_named(tmp_path, capsys):
    assert main.main(["compare", str(tmp_path / "nope.json")]) == 1
    assert "nope.json: file not found" in capsys.readouterr().err


def test_the_comparison_yields_each_runs_events_one_batch_in_turn(mnist_subset):
    """What a window's tab drives: RunEvents in round-robin order, each run's own Finished at its end."""
    from dataclasses import replace

    small = replace(mnist_subset, x_train=mnist_subset.x_train[:64], y_train=mnist_subset.y_train[:64],
                    x_test=mnist_subset.x_test[:50], y_test=mnist_subset.y_test[:50])
    specs = inits_preset(epochs=2)[:2]
    comparison = Comparison(specs, {"mnist": small})
    events = list(comparison.events())
    batches = [e.run for e in events if type(e.event).__name__ == "BatchDone"]
    assert batches == [0, 1] * 4  # 64 samples in batches of 32, two epochs: four turns
    assert [(e.run, e.event.epoch) for e in events if isinstance(e.event, EpochDone)] == [(0, 0), (1, 0), (0, 1),
                                                                                          (1, 1)]
    assert [(e.run, e.event.reason) for e in events if isinstance(e.event, Finished)] == [(0, "completed"),
                                                                                          (1, "completed")]
    assert [r.epochs for r in comparison.results()] == [2, 2]


def test_a_stop_asked_before_the_comparison_starts_is_not_lost(mnist_subset):
    """A window closed right after Start cancels before the worker thread reaches ``events``: nothing trains."""
    from dataclasses import replace

    small = replace(mnist_subset, x_train=mnist_subset.x_train[:64], y_train=mnist_subset.y_train[:64],
                    x_test=mnist_subset.x_test[:50], y_test=mnist_subset.y_test[:50])
    comparison = Comparison(inits_preset(epochs=2)[:2], {"mnist": small})
    comparison.request_stop()
    assert list(comparison.events()) == []
    assert all(run.trainer.steps == 0 for run in comparison.runs)


def test_the_articles_preset_is_the_four_combinations_of_the_article():
    specs = articles_preset()
    assert {(s.out_act, s.config.loss) for s in specs} == {("leaky_relu", "mse"), ("leaky_relu", "ce"),
                                                           ("sigmoid", "mse"), ("sigmoid", "ce")}
    assert all(s.config.hidden == [16, 16] and s.config.batch_size == 1 and s.config.init == "small" for s in specs)


def test_runs_stopped_go_on_in_a_comparison_of_the_same_runs(mnist_subset):
    """A view's Stop then Start: Comparison.of_runs takes the trained runs and trains only what is left."""
    from dataclasses import replace

    small = replace(mnist_subset, x_train=mnist_subset.x_train[:64], y_train=mnist_subset.y_train[:64],
                    x_test=mnist_subset.x_test[:50], y_test=mnist_subset.y_test[:50])
    first = Comparison(inits_preset(epochs=2)[:2], {"mnist": small})
    for event in first.events():
        if isinstance(event.event, EpochDone) and event.run == 1:  # both have ended epoch 1
            first.request_stop()
    assert [r.epochs for r in first.results()] == [1, 1]
    second = Comparison.of_runs(first.runs)
    batches = [e.run for e in second.events() if type(e.event).__name__ == "BatchDone"]
    assert batches == [0, 1] * 2  # the second epoch only
    assert [r.epochs for r in second.results()] == [2, 2]
