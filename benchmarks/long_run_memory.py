"""Memory and checkpoint size over a very long headless run: a 2-D set for a million epochs.

Run:  python benchmarks/long_run_memory.py [--epochs 1000000] [--samples 40] [--batch 16] [--hidden 8,8]
                                            [--batch-capacity N] [--epoch-capacity N]

The app's network for 2-D sets (2-8-8-2, 114 parameters, tanh, cross-entropy, Adam) trains on a tiny
spirals set (40 points: 32 train in 2 batches, 8 test), so that epochs are cheap (~1,000 a second on one
core) and the per-epoch curves, not the arithmetic, are what grows. At 1, 3, 10, 30… thousand epochs it
saves an exact-resume checkpoint (engine/files/trainer_state.py) and prints the resident set size
(VmRSS, and the peak VmHWM, from /proc/self/status), the bytes the history's curves hold, and the
checkpoint's size. Every curve is a ThinnedSeries: the two per-batch ones hold at most 2²⁰ points and
the three per-epoch ones 2¹⁶ (--batch-capacity / --epoch-capacity shrink them, to see the plateau in a
short run), then they merge pairs (engine/thinned_series.py). So the history never exceeds a bound fixed
by those capacities, in memory or in a file. The run is bounded when the checkpoint stays under that
bound plus an allowance for the network, its optimiser state, the sample order and the metadata, and the
RSS (peak included) under the RSS before training plus three times the bound — the curves, the float64
copy a save makes of them, the archive being written — plus 8 MB of allocator slack: figures that do not
depend on how many epochs ran.
"""

import argparse
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from engine import NeuralNetwork  # noqa: E402
from engine.data.toy_datasets import make_toy  # noqa: E402
import engine.thinned_series as thinned_series  # noqa: E402
import engine.training_history as training_history  # noqa: E402
from engine.files.trainer_state import save_training  # noqa: E402
from engine.training import Trainer  # noqa: E402
from memory import proc_status as rss  # noqa: E402  (VmRSS, VmHWM) of this process

MB = 2**20
FILE_ALLOWANCE = 256 * 1024  # weights, Adam's moments, the sample order, metadata JSON, zip headers
RSS_SLACK = 8 * MB


def history_bytes(history):
    return sum(series.nbytes for series in vars(history).values())


def readings_at(epochs):
    """1, 3, 10, 30, 100… thousand epochs, up to ``epochs`` (always included)."""
    marks, k = [], 1000
    while k < epochs:
        marks += [k, 3 * k] if 3 * k < epochs else [k]
        k *= 10
    return sorted(set(marks + [epochs]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--hidden", default="8,8")
    parser.add_argument("--batch-capacity", type=int, default=thinned_series.DEFAULT_CAPACITY)
    parser.add_argument("--epoch-capacity", type=int, default=training_history.EPOCH_CAPACITY)
    args = parser.parse_args(argv)
    thinned_series.DEFAULT_CAPACITY = args.batch_capacity
    training_history.EPOCH_CAPACITY = args.epoch_capacity
    history_bound = 2 * 8 * args.batch_capacity + 3 * 8 * args.epoch_capacity  # bytes: 2 per-batch, 3 per-epoch

    dataset = make_toy("spirals", n=args.samples, seed=0)
    sizes = [2, *map(int, args.hidden.split(",")), dataset.n_classes]
    net = NeuralNetwork.build(sizes, "tanh", "ce", optimizer="adam", lr=0.01, seed=0)
    trainer = Trainer(net, dataset, batch_size=args.batch, epochs=args.epochs, seed=0)
    folder = tempfile.TemporaryDirectory()
    path = os.path.join(folder.name, "long.npz")
    print(f"spirals, {len(dataset.y_train)} train / {len(dataset.y_test)} test points, network "
          f"{'-'.join(map(str, sizes))} ({net.n_params()} parameters), batch {args.batch}, {args.epochs:,} epochs")
    rss_start, _ = rss()
    rss_bound = rss_start + 3 * history_bound + RSS_SLACK
    print(f"history bound {history_bound / MB:.2f} MB (per batch 2 × {args.batch_capacity:,} points, per epoch "
          f"3 × {args.epoch_capacity:,}); checkpoint bound {(history_bound + FILE_ALLOWANCE) / MB:.2f} MB")
    print(f"RSS before training {rss_start / MB:.1f} MB; bound {rss_bound / MB:.1f} MB")
    print(f"{'epochs':>9} {'seconds':>8} {'epochs/s':>9} {'RSS MB':>7} {'peak MB':>8} {'history kB':>11} "
          f"{'batch pts':>10} {'epoch pts':>10} {'file kB':>8}")
    rows, start = [], time.perf_counter()
    marks = iter(readings_at(args.epochs))
    mark = next(marks)
    while not trainer.done:
        trainer.step()
        if trainer.epoch == mark and trainer.batch_in_epoch == 0:
            seconds = time.perf_counter() - start
            save_training(path, trainer)
            now, peak = rss()
            h = trainer.history
            row = {"epochs": mark, "seconds": seconds, "rss": now, "hwm": peak, "history": history_bytes(h),
                   "file": os.path.getsize(path), "batch_points": len(h.batch_loss),
                   "epoch_points": len(h.epoch_train_loss)}
            rows.append(row)
            print(f"{mark:>9,} {seconds:>8.0f} {mark / seconds:>9,.0f} {now / MB:>7.1f} {peak / MB:>8.1f} "
                  f"{row['history'] / 1024:>11,.0f} {row['batch_points']:>10,} {row['epoch_points']:>10,} "
                  f"{row['file'] / 1024:>8,.0f}", flush=True)
            mark = next(marks, None)
    folder.cleanup()

    first, last = rows[0], rows[-1]
    file_ok = max(r["file"] for r in rows) <= history_bound + FILE_ALLOWANCE
    history_ok = max(r["history"] for r in rows) <= history_bound
    rss_ok = max(r["hwm"] for r in rows) <= rss_bound
    print(f"checkpoint {first['file'] / 1024:,.0f} kB at {first['epochs']:,} epochs → {last['file'] / 1024:,.0f} kB "
          f"at {last['epochs']:,} (bound {(history_bound + FILE_ALLOWANCE) / 1024:,.0f} kB): "
          f"{'within' if file_ok else 'OVER'}")
    print(f"history {first['history'] / 1024:,.0f} → {last['history'] / 1024:,.0f} kB (bound "
          f"{history_bound / 1024:,.0f} kB): {'within' if history_ok else 'OVER'}")
    print(f"RSS {first['rss'] / MB:.1f} → {last['rss'] / MB:.1f} MB, peak {last['hwm'] / MB:.1f} MB (bound "
          f"{rss_bound / MB:.1f} MB): {'within' if rss_ok else 'OVER'}")
    return 0 if file_ok and rss_ok and history_ok else 1

if __name__ == "__main__":
    sys.exit(main())
