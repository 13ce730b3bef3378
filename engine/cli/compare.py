"""`compare`: train several set-ups side by side (configuration files or a preset), print a table, keep a history.

The last lines are JSON, one per run: {"name", "test_accuracy", "train_seconds", "epochs", …}.
"""

import json
import os
import sys

from engine.cli.datasets import load_dataset
from engine.cli.interrupt import StopOnSignal
from engine.cli.parser import UsageError
from engine.cli.quiet import finite, quiet_numpy

DEFAULT_WORKERS = 2  # measured faster than round-robin in one thread on 2 cores (see the commit)
PRESET_HELP = ("articles: 784-16-16-10 with LeakyReLU or Sigmoid at the output × MSE or cross-entropy, as in the "
               "articles' script otherwise (raw 0–255 pixels, one sample per step, SGD lr 0.001, small weights); "
               "inits: one run per initialisation (784-16-16-10 leaky ReLU, cross-entropy, SGD lr 0.05, batch 32)")


COMPARE_THREADS_HELP = ("runs trained at once, one process each with one BLAS thread (default 2; 1: all runs "
                        "round-robin, one batch each in turn, in this process)")


def add_compare_parser(sub):
    """The `compare` subcommand's options."""
    import argparse

    from engine.cli.parser import _threads

    c = sub.add_parser("compare", help="train several set-ups side by side and print a table of their results")
    c.add_argument("configs", nargs="*", metavar="CONFIG.json", help="configuration files as the app exports them")
    c.add_argument("--preset", choices=("articles", "inits"), help=PRESET_HELP)
    c.add_argument("--epochs", type=_typed_epochs(), default=None, metavar="N",
                   help="epochs of every run (default: the files' own; 1 for the presets)")
    c.add_argument("--data", metavar="DIR", help="folder with the four MNIST IDX files")
    c.add_argument("--threads", type=_threads, default=DEFAULT_WORKERS, metavar="N", help=COMPARE_THREADS_HELP)
    c.add_argument("--history-csv", metavar="FILE.csv",
                   help="write every run compared so far (this one's too) to a CSV file")
    c.add_argument("--no-history", action="store_true", help="do not add these runs to the history")
    c.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def _typed_epochs():
    from engine.cli.parser import _typed
    from engine.hyperparameters import HYPERPARAMETERS

    return _typed(HYPERPARAMETERS["epochs"])


def cmd_compare(args, out=None):
    from engine.compare_history import append_history, read_history, write_history_csv

    out = out or sys.stdout
    if not args.configs and args.preset is None:
        if args.history_csv is None:
            raise UsageError("compare needs configuration files, --preset articles|inits, or --history-csv FILE")
        records = read_history()
        write_history_csv(args.history_csv, records)
        print(f"{len(records)} runs of the history written to {args.history_csv}", file=out)
        return 0
    specs = _specs(args)
    datasets = {}
    for spec in specs:
        name = spec.config.dataset
        if name not in datasets:
            datasets[name] = load_dataset(name, args.data, seed=spec.config.seed)
    first = datasets[specs[0].config.dataset]
    print(f"Comparing {len(specs)} runs on {first.title}: {len(first.y_train):,} train / {len(first.y_test):,} test"
          + (" (and other datasets)" if len(datasets) > 1 else ""), file=out)
    for spec in specs:
        print(f"  {spec.name}: {spec.describe()}, {spec.config.epochs} epoch{'s' * (spec.config.epochs != 1)}",
              file=out)
    out.flush()
    results, stopped = _train(specs, datasets, args, out)
    print_table(specs, results, out)
    if not args.no_history:
        from engine.compare import result_record

        path = append_history([result_record(spec, result) for spec, result in zip(specs, results)])
        print(f"history: {len(specs)} runs added to {path}", file=out)
    if args.history_csv is not None:
        write_history_csv(args.history_csv, read_history())
        print(f"history written to {args.history_csv}", file=out)
    for result in results:
        print(json.dumps({"name": result.name, "test_accuracy": finite(result.test_accuracy),
                          "best_test_accuracy": finite(result.best_test_accuracy),
                          "test_loss": finite(result.test_loss), "train_seconds": round(result.train_seconds, 3),
                          "epochs": result.epochs, "diverged": result.diverged is not None}, allow_nan=False),
              file=out, flush=True)
    if stopped:
        print("interrupted: the table shows the runs as far as they got", file=sys.stderr)
        return stopped
    return 0


def _specs(args):
    """The runs the arguments name: the preset's, then one per configuration file (named after the file)."""
    from engine.compare import PRESETS, RunSpec
    from engine.run_config import read_config
    from engine.training_config import config_from_values

    specs = PRESETS[args.preset](1) if args.preset else []
    for path in args.configs:
        name = os.path.splitext(os.path.basename(path))[0]
        specs.append(RunSpec(name, config_from_values(read_config(path))))
    names = [spec.name for spec in specs]
    for k, spec in enumerate(specs):  # two files of the same name in two folders: number them
        if names.count(spec.name) > 1:
            spec.name = f"{spec.name} ({names[:k + 1].count(spec.name)})"
    for spec in specs:
        if args.epochs is not None:
            spec.config.epochs = args.epochs
    return specs


def _train(specs, datasets, args, out):
    """(RunResults, exit code of a stop by signal or 0): trained round-robin, or one process per run (--threads)."""
    from engine.compare import Comparison, ProcessComparison
    from engine.training import EpochDone

    def tell(event):
        if isinstance(event.event, EpochDone):
            e = event.event
            print(f"{event.name}: epoch {e.epoch + 1}/{e.epochs} · test accuracy {100 * e.test_accuracy:.2f} % · "
                  f"test loss {e.test_loss:.4f} · {e.seconds:.1f} s", file=out, flush=True)

    workers = min(args.threads, len(specs))
    if workers > 1:
        comparison = ProcessComparison(specs, datasets, workers)
        with StopOnSignal(comparison.request_stop) as signals, quiet_numpy():
            results = comparison.run(tell)
    else:
        comparison = Comparison(specs, datasets)
        with StopOnSignal(comparison.request_stop) as signals, quiet_numpy():
            for event in comparison.events():
                tell(event)
        results = comparison.results()
    return results, signals.exit_code if signals.received else 0


def print_table(specs, results, out):
    """The results, one row per run, and which run won by how much."""
    rows = [("configuration", "final acc", "best acc", "test loss", "samples/s", "time")]
    for spec, r in zip(specs, results):
        acc = "diverged" if r.diverged and r.test_accuracy is None else _pct(r.test_accuracy)
        rows.append((spec.name, acc, _pct(r.best_test_accuracy), _num(r.test_loss, ".4f"),
                     f"{r.samples_per_second:,.0f}", f"{r.train_seconds:.1f} s"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    print(file=out)
    for row in rows:
        print("  ".join([row[0].ljust(widths[0])] + [cell.rjust(w) for cell, w in zip(row[1:], widths[1:])]),
              file=out)
    for spec, r in zip(specs, results):
        if r.diverged:
            print(f"{spec.name}: {r.diverged}", file=out)
    ranked = sorted((r for r in results if r.test_accuracy is not None), key=lambda r: -r.test_accuracy)
    if len(ranked) >= 2:
        best, second = ranked[0], ranked[1]
        print(f"best: {best.name}, {100 * (best.test_accuracy - second.test_accuracy):.2f} points ahead of "
              f"{second.name}", file=out)
    print(file=out, flush=True)


def _pct(value):
    return "–" if value is None else f"{100 * value:.2f} %"


def _num(value, spec):
    return "–" if value is None else format(value, spec)
