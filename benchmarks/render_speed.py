"""How fast the network view turns new weights into a painted frame (offscreen).

    python benchmarks/render_speed.py [--reps 15] [--size 1280x720] [--no-reference]

A "full update" is set_weights(new copies) followed by a forced repaint(): every edge image is
rebuilt. The reference, measured in the same run, is the obvious pyqtgraph approach: every edge as
one antialiased PlotCurveItem with connect="pairs" (FINDINGS: 420–600 ms at 100k segments).
Times are the median and the best wall time of ``reps`` runs, and the median CPU time of this
process (which other jobs on a shared machine do not inflate). Budgets: 30 ms for 784-16-16-10, 100 ms for 784-128-64-10.
"""

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402
from PySide6.QtCore import QPointF, Qt  # noqa: E402
from PySide6.QtGui import QMouseEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from engine import NeuralNetwork  # noqa: E402
from gui.network_view.view import NetworkView  # noqa: E402

BUDGET_MS = {"784-16-16-10": 30.0, "784-128-64-10": 100.0, "2-8-8-2": 30.0}


def timed(fn, reps):
    """(median wall, best wall, median CPU) time of fn() in ms.

    CPU time counts only this process's work, so it stays honest when other jobs share the cores.
    """
    wall, cpu = [], []
    for _ in range(reps):
        t, c = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - t) * 1000)
    return statistics.median(wall), min(wall), statistics.median(cpu)


def weight_stream(net, rng):
    """Endless fresh weight lists, as the training worker sends them (copies after a small step)."""
    base = net.weights()
    while True:
        yield [(W + rng.normal(0, 0.01, W.shape).astype(W.dtype), b) for W, b in base]


def bench_view(app, sizes, reps, width, height):
    """Timings (ms) of the view for one architecture."""
    net = NeuralNetwork.build(sizes, "leaky_relu", "ce", seed=0)
    view = NetworkView()
    view.resize(width, height)
    view.show()
    view.set_network(net)
    rng = np.random.default_rng(0)
    view.set_input(rng.uniform(0, 1, sizes[0]))
    if sizes[0] == 2:
        view.set_dataset_2d(rng.uniform(-1, 1, (600, 2)), rng.integers(0, sizes[-1], 600))
    app.processEvents()
    view.repaint()  # first paint: layout and geometry caches
    stream = weight_stream(net, rng)
    grads = [(rng.normal(0, 1e-3, W.shape).astype(W.dtype), b) for W, b in net.weights()]
    out = {}

    def full_update():
        view.set_weights(next(stream))
        view.set_gradients(grads)
        view.repaint()

    out["full update (set_weights + repaint)"] = timed(full_update, reps)
    out["full update via grab()"] = timed(lambda: (view.set_weights(next(stream)), view.grab()), reps)
    out["repaint, nothing changed"] = timed(view.repaint, reps)
    out["new input (set_input + repaint)"] = timed(
        lambda: (view.set_input(rng.uniform(0, 1, sizes[0])), view.repaint()), reps)
    modes = iter(["gradient", "delta", "weights"] * reps)
    out["mode switch (set_mode + repaint)"] = timed(lambda: (view.set_mode(next(modes)), view.repaint()), reps)
    centre = view.neuron_center(1, 0)

    def hover():
        pos = QPointF(centre.x() + rng.uniform(-1, 1), centre.y())
        ev = QMouseEvent(QMouseEvent.Type.MouseMove, pos, view.mapToGlobal(pos), Qt.MouseButton.NoButton,
                         Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
        view.mouseMoveEvent(ev)
        view.repaint()

    out["hover a neuron (move + repaint)"] = timed(hover, reps)
    view.close()
    return out


def bench_pyqtgraph(app, sizes, reps, width, height):
    """The reference: all edges as one antialiased PlotCurveItem (connect='pairs'), forced repaint."""
    import pyqtgraph as pg

    widget = pg.PlotWidget(antialias=True)
    widget.resize(width, height)
    widget.show()
    xs = np.arange(len(sizes), dtype=float)
    segs = []
    for k, (ins, outs) in enumerate(zip(sizes[:-1], sizes[1:])):
        yi, yo = np.linspace(0, 1, ins), np.linspace(0, 1, outs)
        a, b = np.meshgrid(yi, yo)
        seg = np.empty((a.size * 2, 2))
        seg[0::2, 0], seg[0::2, 1] = xs[k], a.ravel()
        seg[1::2, 0], seg[1::2, 1] = xs[k + 1], b.ravel()
        segs.append(seg)
    seg = np.concatenate(segs)
    curve = pg.PlotCurveItem(seg[:, 0], seg[:, 1], connect="pairs", pen=pg.mkPen((80, 140, 240, 40)))
    widget.addItem(curve)
    app.processEvents()

    def update():
        curve.setData(seg[:, 0], seg[:, 1] + 0.0, connect="pairs")
        widget.grab()  # a QGraphicsView's repaint() does not paint its viewport synchronously

    result = timed(update, max(3, reps // 3))
    widget.close()
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--size", default="1280x720", help="widget size WxH (default 1280x720)")
    parser.add_argument("--no-reference", action="store_true", help="skip the pyqtgraph reference")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.split("x"))
    try:  # the GUI runs BLAS on one thread (the other core trains); measure the same way
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:
        pass
    app = QApplication.instance() or QApplication([])
    print(f"network view render speed, widget {width}×{height}, offscreen, {args.reps} reps")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; times in ms: wall median / wall best / CPU median")
    for arch, budget in BUDGET_MS.items():
        sizes = [int(s) for s in arch.split("-")]
        edges = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
        print(f"\n{arch}  ({edges:,} edges, budget {budget:.0f} ms for a full update)")
        results = bench_view(app, sizes, args.reps, width, height)
        full = results["full update (set_weights + repaint)"]
        for name, (med, best, cpu) in results.items():
            print(f"  {name:<40} {med:8.1f} / {best:7.1f} / {cpu:7.1f}")
        print(f"  {'full update ÷ budget':<40} {full[0] / budget:8.2f} / {full[1] / budget:7.2f} / {full[2] / budget:7.2f}")
        if not args.no_reference and sizes[0] != 2:
            ref = bench_pyqtgraph(app, sizes, args.reps, width, height)
            print(f"  {'reference: one pyqtgraph curve, all edges':<40} {ref[0]:8.1f} / {ref[1]:7.1f} / {ref[2]:7.1f}")
            print(f"  {'reference ÷ full update (speed-up)':<40} {ref[0] / full[0]:8.1f} / {ref[1] / full[1]:7.1f} / "
                  f"{ref[2] / full[2]:7.1f}")


if __name__ == "__main__":
    main()
