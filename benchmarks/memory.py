"""Memory over a long run in the app: a 20-epoch MNIST run in the real main window, RSS after every epoch.

Run:  python benchmarks/memory.py [--data DIR] [--epochs 20] [--batch 32] [--hidden 128,64] [--trim] [--cap 4096]

The window is shown (offscreen unless a display is set) and opens on MNIST with its seed network
(784-16-16-10, leaky ReLU, cross-entropy, Adam, batch 32), as a person starting the app gets it (or
with the --hidden layers instead); the epochs control is raised to --epochs and Play pressed. After
each epoch (the window's own ``epoch_finished``) it records the resident set size now (VmRSS) and its
peak so far (VmHWM), both from /proc/self/status, and the size of every buffer that grows with
training: the trainer's history, the loss plot's series, the timeline's snapshots. It prints the
figures at epoch 1 and at the last epoch, their ratio, and the growth per epoch after the first
(least-squares slopes) of the RSS and of those buffers. The history and the loss plot keep a few
numbers per batch until their capacity of points (--cap shrinks it, to see the plateau in a short run),
then thin themselves to span the whole run on a coarser grid; the timeline likewise. The memory is
bounded when the RSS grows by no more than those buffers account for (1 MB per epoch of slack).
With --trim, glibc's malloc_trim(0) runs before each reading, so heap memory that was freed (thinned
timeline snapshots, outgrown buffers) but not yet given back to the system does not count.
Settings and user data go to a temporary folder, never the user's own.
"""

import argparse
import ctypes
import os
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from isolated_app import private_settings, wait, window_on_mnist  # noqa: E402

from engine.data.mnist_source import MNIST_ENV, has_mnist  # noqa: E402

SHARED_MNIST = os.path.join(os.path.dirname(ROOT), "shared", "datasets", "mnist")
MB = 2**20


def proc_status():
    """(VmRSS, VmHWM) of this process in bytes: resident now, and its peak so far."""
    values = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) * 1024  # reported in kB
    return values["VmRSS"], values["VmHWM"]


def buffer_sizes(window):
    """Bytes held by what grows with training: the trainer's history, the loss plot, the timeline."""
    history = window.trainer.history
    per_batch = (history.batch_loss, history.batch_samples)  # bounded NumPy series (engine/thinned_series.py)
    per_epoch = (history.epoch_train_loss, history.epoch_test_loss, history.epoch_test_accuracy)  # bounded too
    history_bytes = sum(s.nbytes for s in per_batch + per_epoch)
    plot = window.loss_plot
    series = [plot.batch, plot.smooth, plot.epoch_train, plot.epoch_test, plot.accuracy]
    timeline = window.walkthrough.timeline.timeline
    return {
        "batches": history.batch_loss.batches,
        "history": history_bytes,
        "history_points": len(history.batch_loss),
        "history_per_batch": sum(s.nbytes for s in per_batch) / max(1, history.batch_loss.batches),
        "plot_points": len(plot.batch),
        "plot": sum(s.nbytes for s in series),
        # The most the per-batch curves can ever hold, and the points that takes.
        "curves_bound": sum(8 * s.capacity for s in per_batch) + sum(3 * 8 * (s.capacity + 3)
                                                                     for s in (plot.batch, plot.smooth)),
        "capacities": (history.batch_loss.capacity, plot.batch.capacity),
        "timeline_snapshots": len(timeline),
        "timeline_capacity": timeline.capacity,
        "timeline": sum(s.nbytes for s in timeline),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get(MNIST_ENV) or SHARED_MNIST)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch", type=int, default=32, help="batch size (the seed network's default is 32)")
    parser.add_argument("--hidden", default="", help="hidden layer sizes such as 128,64 (default: the seed's 16,16)")
    parser.add_argument("--trim", action="store_true", help="give freed heap memory back before each reading (glibc)")
    parser.add_argument("--cap", type=int, default=0,
                        help="points the history and the loss plot keep per batch curve (a multiple of 4; "
                             "default: their own)")
    args = parser.parse_args(argv)
    if not has_mnist(args.data):
        parser.error(f"no MNIST files in {args.data}: name the folder with --data or {MNIST_ENV}")

    scratch = tempfile.TemporaryDirectory(prefix="bps-memory-")
    os.environ[MNIST_ENV] = args.data
    os.environ["BACKPROP_STUDIO_DATA_DIR"] = os.path.join(scratch.name, "user-data")
    from PySide6.QtCore import QObject, Slot

    from gui.shell.app import limit_blas_threads, make_application

    if args.cap:
        if args.cap < 4 or args.cap % 4:
            parser.error(f"--cap must be a multiple of 4, got {args.cap}")
        import engine.thinned_series
        import gui.training.loss_series

        engine.thinned_series.DEFAULT_CAPACITY = gui.training.loss_series.CAPACITY = args.cap

    private_settings(os.path.join(scratch.name, "settings"))
    limiter = limit_blas_threads(1)
    app = make_application([])
    rss_start, _ = proc_status()

    class Probe(QObject):
        """Records memory and buffer sizes after each epoch; notes when the run ends."""

        def __init__(self, window):
            super().__init__()
            self.window, self.rows, self.ended = window, [], None
            self.t0 = time.perf_counter()

        @Slot(object)
        def epoch_done(self, event):
            if args.trim:
                ctypes.CDLL("libc.so.6").malloc_trim(0)
            rss, hwm = proc_status()
            self.rows.append({"epoch": event.epoch + 1, "seconds": time.perf_counter() - self.t0, "rss": rss,
                              "hwm": hwm, "accuracy": event.test_accuracy, **buffer_sizes(self.window)})

        @Slot(object)
        def run_ended(self, event):
            self.ended = event.reason

    window = window_on_mnist()
    config = window.controls.config()
    config.epochs, config.batch_size = args.epochs, args.batch
    if args.hidden:
        config.hidden = [int(n) for n in args.hidden.split(",")]
        config.activations = [config.activations[0]] * len(config.hidden)
    window.controls.set_config(config)
    window.reset()
    wait(50)
    rss_ready, hwm_ready = proc_status()
    probe = Probe(window)
    window.session.epoch_finished.connect(probe.epoch_done)
    window.session.run_ended.connect(probe.run_ended)
    window.action("play_pause").trigger()
    while probe.ended is None:
        wait(100)
    sizes = window.network().sizes
    window.close()
    window.deleteLater()
    wait(50)
    limiter.restore_original_limits()

    rows = probe.rows
    print(f"network {'-'.join(map(str, sizes))}, batch {args.batch}, {len(rows)} epochs in "
          f"{rows[-1]['seconds']:.0f} s (run ended: {probe.ended}), test accuracy {100 * rows[-1]['accuracy']:.2f} %")
    print(f"RSS before the window {rss_start / MB:.0f} MB; window up on MNIST {rss_ready / MB:.0f} MB "
          f"(peak {hwm_ready / MB:.0f} MB)")
    print(f"{'epoch':>5} {'RSS MB':>7} {'peak MB':>8} {'batches':>8} {'history kB':>10} {'points':>7} "
          f"{'plot kB':>8} {'points':>7} {'timeline':>9} {'timeline MB':>11}")
    for r in rows:
        print(f"{r['epoch']:>5} {r['rss'] / MB:>7.1f} {r['hwm'] / MB:>8.1f} {r['batches']:>8} "
              f"{r['history'] / 1024:>10.0f} {r['history_points']:>7} {r['plot'] / 1024:>8.0f} {r['plot_points']:>7} "
              f"{r['timeline_snapshots']:>4}/{r['timeline_capacity']:<4} {r['timeline'] / MB:>11.1f}")
    first, last = rows[0], rows[-1]
    later = rows[1:] if len(rows) > 2 else rows

    def slope(key):
        """Least-squares growth per epoch of ``key`` over the epochs after the first."""
        return float(np.polyfit([r["epoch"] for r in later], [key(r) for r in later], 1)[0])

    rss_slope = slope(lambda r: r["rss"])
    curves_slope = slope(lambda r: r["history"] + r["plot"])
    timeline_slope = slope(lambda r: r["timeline"])
    unexplained = rss_slope - curves_slope - timeline_slope
    print(f"epoch 1 → {last['epoch']}: RSS {first['rss'] / MB:.1f} → {last['rss'] / MB:.1f} MB "
          f"(×{last['rss'] / first['rss']:.3f}), peak {first['hwm'] / MB:.1f} → {last['hwm'] / MB:.1f} MB "
          f"(×{last['hwm'] / first['hwm']:.3f})")
    print(f"growth per epoch after the first: RSS {rss_slope / MB:.2f} MB = history + loss plot "
          f"{curves_slope / MB:.2f} MB ({last['history_per_batch']:.0f} B of history per batch) + timeline "
          f"{timeline_slope / MB:.2f} MB (at most {last['timeline_capacity']} snapshots of "
          f"{last['timeline'] / max(1, last['timeline_snapshots']) / MB:.2f} MB) "
          f"+ unexplained {unexplained / MB:.2f} MB")
    batches_per_epoch = (later[-1]["batches"] - later[0]["batches"]) / max(1, later[-1]["epoch"] - later[0]["epoch"])
    per_batch = curves_slope / max(1.0, batches_per_epoch)
    batches_per_hour = last["batches"] / last["seconds"] * 3600
    history_cap, plot_cap = last["capacities"]
    print(f"the per-batch curves keep {per_batch:.0f} B per batch over these epochs, and never more than "
          f"{last['curves_bound'] / MB:.1f} MB in all (history {history_cap:,} points, loss plot {plot_cap:,} points "
          f"a curve; then they thin themselves): at this run's {batches_per_hour / 3600:,.0f} batches/s the history "
          f"reaches its bound after {history_cap / batches_per_hour * 3600:,.0f} s of training")
    bounded = unexplained <= 1.0 * MB
    print(f"memory {'bounded' if bounded else 'GROWING'}: unexplained growth ≤ 1 MB per epoch")
    scratch.cleanup()
    return 0 if bounded else 1


if __name__ == "__main__":
    sys.exit(main())
