"""How well does the app read digits people actually drew? Real pen strokes replayed on the draw pad.

Every UNIPEN digit is scaled into the DrawPad of the real window at a random size and position and
drawn with mouse events (press at a stroke's first point, move through its points, release), exactly
as a person would; then the pad's prediction is read. The same canvases are also classified after a
naive resize of the whole canvas to 28×28, the baseline that preprocessing has to beat.

    python benchmarks/drawn_digits.py                 # the whole dev set, bundled model, in MainWindow
    python benchmarks/drawn_digits.py --n 2000 --model my.npz --harness panel
Data: --unipen FILE (default: unipen-dev/digits.jsonl.gz beside $BACKPROP_STUDIO_MNIST).

Measured (bundled 784-384-192-10, all 11,808 digits, in MainWindow, 2 cores, 2026-11):
    pad (preprocessed)      96.53 %   per digit 0–9: 93.1 95.3 97.9 98.3 95.6 98.3 98.6 98.2 97.4 93.0
    naive resize to 28×28   86.64 %   per digit 0–9: 86.2 86.8 93.6 92.0 86.0 94.5 94.7 76.3 84.9 70.3
    most frequent mistakes: 9→3 ×50, 1→7 ×46, 4→9 ×23, 0→4 ×21, 9→7 ×20, 0→7 ×20
    one prediction (preprocess + inference + views): median 1.9 ms; 63 s for the whole set with mouse events
"""

import argparse
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from engine.data.preprocess import naive  # noqa: E402
from engine.data.unipen import fit_strokes, load_unipen  # noqa: E402

BOX = (0.45, 0.85)  # the digit's longer side, as a fraction of the pad (people draw big and small)
MOVE = 0.1  # max offset of the digit's centre from the pad's, as a fraction of the pad


def placements(n, seed=0, box=BOX, move=MOVE):
    """(box fraction, (dx, dy) offset as a fraction of the pad) for n digits, from a fixed seed."""
    rng = np.random.default_rng(seed)
    return [(rng.uniform(*box), rng.uniform(-move, move, 2)) for _ in range(n)]


def replay(pad, strokes, box, offset):
    """Draw ``strokes`` on ``pad`` with mouse events after fitting them at ``box`` and ``offset``."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    side = pad.width()
    pad.clear()
    for stroke in fit_strokes(strokes, side, box, np.asarray(offset) * side):
        points = [QPoint(int(round(x)), int(round(y))) for x, y in stroke]
        QTest.mousePress(pad, Qt.LeftButton, Qt.NoModifier, points[0])
        for p in points[1:]:
            QTest.mouseMove(pad, p)
        QTest.mouseRelease(pad, Qt.LeftButton, Qt.NoModifier, points[-1])


def make_pad(harness, model_path):
    """(keep-alive widget, DrawPad, network) in the chosen harness: the main window or the panel alone."""
    from PySide6.QtWidgets import QApplication

    from gui.draw_pad.pad import DrawPad

    QApplication.instance() or QApplication([])
    if harness == "window":
        from gui.shell.main_window import MainWindow

        top = MainWindow()
    else:
        from gui.draw_pad.digit_panel import DigitPanel

        top = DigitPanel()
    if model_path:
        from engine.files.checkpoint import load_checkpoint

        net, _ = load_checkpoint(model_path)
        top.findChild(DrawPad).set_model(net)
    top.show()
    pads = top.findChildren(DrawPad)
    assert len(pads) == 1, f"expected exactly one DrawPad, found {len(pads)}"
    return top, pads[0], pads[0].model()


def report(name, pred, labels):
    hit = pred == labels
    per = " ".join(f"{hit[labels == d].mean():>6.1%}" for d in range(10))
    print(f"{name:<22} {hit.mean():>8.2%}   {per}")
    return float(hit.mean())


def confusions(pred, labels, top=8):
    """The most frequent (true → predicted) mistakes with their counts."""
    wrong = labels != pred
    pairs, counts = np.unique(np.stack([labels[wrong], pred[wrong]]), axis=1, return_counts=True)
    order = np.argsort(-counts)[:top]
    return ", ".join(f"{pairs[0, k]}→{pairs[1, k]} ×{counts[k]}" for k in order)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--unipen", default=None, help="digits.jsonl.gz (default: beside $BACKPROP_STUDIO_MNIST)")
    p.add_argument("--n", type=int, default=0, help="how many digits (0 = all), drawn at random with --seed")
    p.add_argument("--seed", type=int, default=0, help="seed of the digit order, sizes and positions")
    p.add_argument("--model", default=None, help="a .npz checkpoint (default: the model the app loads)")
    p.add_argument("--harness", choices=("window", "panel"), default="window",
                   help="draw on the DrawPad inside MainWindow (default) or inside the digit panel alone")
    args = p.parse_args(argv)
    path = args.unipen
    if path is None:
        mnist = os.environ.get("BACKPROP_STUDIO_MNIST")
        if not mnist:
            p.error("name the strokes with --unipen or set BACKPROP_STUDIO_MNIST")
        path = os.path.join(os.path.dirname(os.path.abspath(mnist)), "unipen-dev", "digits.jsonl.gz")

    digits = load_unipen(path)
    order = np.random.default_rng(args.seed).permutation(len(digits))
    if args.n:
        order = order[: args.n]
    top, pad, net = make_pad(args.harness, args.model)
    print(f"{len(order)} real digits from {os.path.basename(path)} replayed on the {pad.width()} px pad "
          f"(pen {pad.pen_width():g} px, size {BOX[0]:.0%}–{BOX[1]:.0%} of the pad, centre ±{MOVE:.0%}) "
          f"in {args.harness}; model {net.sizes}")
    labels = np.array([digits[i][0] for i in order])
    pred = np.empty(len(order), dtype=np.int64)
    naive_x = np.empty((784, len(order)), dtype=np.float32)
    cost = np.empty(len(order))
    start = time.perf_counter()
    for k, (i, (box, offset)) in enumerate(zip(order, placements(len(order), args.seed))):
        replay(pad, digits[i][1], box, offset)
        pred[k] = int(np.argmax(pad.probabilities()))
        cost[k] = pad.prediction_seconds()
        naive_x[:, k] = naive(pad.image()).ravel()
        if (k + 1) % 1000 == 0:
            print(f"  {k + 1} digits, {time.perf_counter() - start:.0f} s", flush=True)
    seconds = time.perf_counter() - start
    naive_pred = net.predict(naive_x)

    print(f"\n{'input':<22} {'overall':>8}   " + " ".join(f"{d:>6}" for d in range(10)))
    acc = report("pad (preprocessed)", pred, labels)
    naive_acc = report("naive resize to 28×28", naive_pred, labels)
    print(f"most frequent mistakes: {confusions(pred, labels)}")
    print(f"{seconds:.1f} s for {len(order)} digits ({1e3 * seconds / len(order):.1f} ms per digit, mouse events "
          f"included); preprocessing beats the naive resize by {100 * (acc - naive_acc):.1f} points")
    print(f"one prediction (preprocess + inference + the views it updates): median {1e3 * np.median(cost):.2f} ms, "
          f"95th percentile {1e3 * np.percentile(cost, 95):.2f} ms; live prediction while drawing needs < 10 ms")
    top.close()


if __name__ == "__main__":
    main()
