"""`evaluate`: a saved model's loss and accuracy on its dataset's test set, with a JSON last line."""

import json
import os
import sys
import time

from engine.cli.datasets import load_dataset
from engine.cli.parser import UsageError
from engine.cli.quiet import finite, quiet_numpy


def cmd_evaluate(args, out=None):
    out = out or sys.stdout
    from engine.files.checkpoint import load_checkpoint
    from engine.training import Trainer

    net, extra = load_checkpoint(args.model)
    extra = extra or {}
    name = args.dataset or extra.get("dataset")
    params = (extra.get("dataset_params") or {}) if name and name != "mnist" else {}
    dataset = load_dataset(name, args.data, samples=params.get("n", 1000), noise=params.get("noise"),
                           seed=params.get("seed", 0), need=("test",))
    if net.layers[0].ins != dataset.features:
        raise UsageError(f"the model takes {net.layers[0].ins} inputs but {dataset.name} has {dataset.features}")
    t0 = time.perf_counter()
    trainer = Trainer(net, dataset, batch_size=1, epochs=0)
    with quiet_numpy():
        test_loss, test_acc = trainer.evaluate("test")
    seconds = time.perf_counter() - t0
    print(f"{os.path.basename(args.model)} on {dataset.title} test set: loss {test_loss:.4f} · "
          f"accuracy {100 * test_acc:.2f} % ({len(dataset.y_test):,} samples, {seconds:.2f} s)", file=out)
    print(json.dumps({"dataset": dataset.name, "arch": "-".join(str(s) for s in net.sizes),
                      "test_loss": finite(test_loss),
                      "test_accuracy": round(test_acc, 6), "eval_seconds": round(seconds, 3)}, allow_nan=False),
          file=out, flush=True)
    return 0
