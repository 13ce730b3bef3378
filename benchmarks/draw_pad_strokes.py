"""Does a stroke on the draw pad cost more when much ink was drawn before? Mouse events, as a person draws.

Draws ``--strokes`` strokes of ``--points`` points each (press, moves, release, through QTest) on one DrawPad
that classifies with a 784-32-10 network, and prints the seconds a whole stroke took at the start and at
the end. A cost that grows with the ink already on the pad shows as a last/first ratio well above 1.

    python benchmarks/draw_pad_strokes.py --strokes 300 --points 300
    python benchmarks/draw_pad_strokes.py --window     # the pad of the main window (its views listen too)

Measured (2 cores shared with other work, offscreen, 2026-12, 300 × 300, medians of 30 strokes):
    every release re-rendering every stroke:  whole stroke first 0.087 s, last 0.758 s (8.7×); release 61 → 727 ms
    a finished stroke painted onto the ink:   whole stroke first 0.033 s, last 0.042 s (1.3×); release 10 → 15 ms
    (600 × 300: 0.039 → 0.051 s; what is left grows with how much of the canvas is inked, not with the strokes)
  in the main window (--window), whole stroke first → last: before 0.044 → 0.909 s (release 30 → 874 ms);
  after 0.060 → 0.050 s (release 29 → 24 ms)
"""

import argparse
import math
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from engine import NeuralNetwork  # noqa: E402
from gui.draw_pad.pad import DrawPad  # noqa: E402


def stroke_points(k, n, side):
    """The k-th stroke: ``n`` points on a loop whose centre and size change from stroke to stroke."""
    cx, cy = side / 2 + 60 * math.cos(k * 0.7), side / 2 + 60 * math.sin(k * 1.3)
    r = 30 + (k * 17) % 70
    return [QPoint(int(cx + r * math.cos(2 * math.pi * i / n * 1.5)), int(cy + r * math.sin(2 * math.pi * i / n)))
            for i in range(n)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strokes", type=int, default=300)
    parser.add_argument("--points", type=int, default=300)
    parser.add_argument("--window", action="store_true", help="draw on the main window's pad (own settings)")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as scratch:
        if args.window:
            import isolated_app
            from gui.shell.main_window import MainWindow

            os.environ["BACKPROP_STUDIO_DATA_DIR"] = os.path.join(scratch, "user-data")
            isolated_app.private_settings(os.path.join(scratch, "settings"))
            window = MainWindow()
            window.show()
            pad = window.digit_panel.draw_pad
        else:
            pad = DrawPad()
            pad.set_model(NeuralNetwork.build([784, 32, 10], "relu", "ce", seed=0))
            pad.show()
        app.processEvents()
        draw(app, pad, args)
        if args.window:
            window.shutdown()


def draw(app, pad, args):
    """Draw the strokes on ``pad`` and print what the first and the last ones cost."""
    costs, releases = [], []
    for k in range(args.strokes):
        points = stroke_points(k, args.points, pad.width())
        start = time.perf_counter()
        QTest.mousePress(pad, Qt.LeftButton, Qt.NoModifier, points[0])
        for p in points[1:]:
            QTest.mouseMove(pad, p)
        before_release = time.perf_counter()
        QTest.mouseRelease(pad, Qt.LeftButton, Qt.NoModifier, points[-1])
        app.processEvents()  # the repaint the stroke asked for
        end = time.perf_counter()
        costs.append(end - start)
        releases.append(end - before_release)
    tenth = max(1, args.strokes // 10)
    first, last = statistics.median(costs[:tenth]), statistics.median(costs[-tenth:])
    print(f"{args.strokes} strokes × {args.points} points, median of the first and last {tenth} strokes:")
    print(f"  whole stroke  first {first:.3f} s   last {last:.3f} s   last/first {last / first:.2f}")
    print(f"  release       first {statistics.median(releases[:tenth]) * 1e3:.1f} ms   "
          f"last {statistics.median(releases[-tenth:]) * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
