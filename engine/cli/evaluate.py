"""`evaluate`: a saved model's loss and accuracy on its dataset's test set, with a JSON last line."""

import json
import os
import sys
import time

from engine.cli.datasets import checkpoint_dataset
from engine.cli.parser import UsageError
from engine.cli.quiet import finite, quiet_numpy


def cmd_evaluate(args, out=None):
    out = out or sys.stdout
    from engine.evaluation import regression_scores
    from engine.files.checkpoint import load_checkpoint
    from engine.tasks import network_problem
    from engine.training import Trainer

    net, extra = load_checkpoint(args.model)
    extra = extra or {}
    if args.dataset is not None and args.data_csv is not None:
        raise UsageError("--data-csv and --dataset both name the data; give one")
    dataset = checkpoint_dataset(extra, args.data, args.data_csv, args.dataset, need=("test",))
    problem = network_problem(net, dataset)
    if problem:
        raise UsageError(f"{os.path.basename(args.model)} does not fit this data: {problem}")
    t0 = time.perf_counter()
    trainer = Trainer(net, dataset, batch_size=1, epochs=0)
    with quiet_numpy():
        test_loss, test_acc = trainer.evaluate("test")
    seconds = time.perf_counter() - t0
    result = {"dataset": dataset.name, "arch": "-".join(str(s) for s in net.sizes), "test_loss": finite(test_loss),
              "test_accuracy": finite(test_acc), "eval_seconds": round(seconds, 3)}
    if dataset.is_regression:
        rmse, r2 = regression_scores(test_loss, dataset.y_test, dataset.target_scaling[1])
        result.update(test_rmse=finite(rmse), test_r2=finite(r2))
        score = f"RMSE {rmse:.4g} · R² {r2:.4f}"
    else:
        score = f"accuracy {100 * test_acc:.2f} %"
    print(f"{os.path.basename(args.model)} on {dataset.title} test set: loss {test_loss:.4f} · {score} "
          f"({len(dataset.y_test):,} samples, {seconds:.2f} s)", file=out)
    print(json.dumps(result, allow_nan=False), file=out, flush=True)
    return 0
