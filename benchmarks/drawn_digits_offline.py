"""How well do MNIST-trained networks read digits people actually drew? Offline, without the GUI.

Real pen strokes (UNIPEN) are fitted onto a 280×280 pad at varied sizes and positions, rendered with
a round pen as the draw pad would, preprocessed (engine.data.preprocess) and classified by an MLP trained
on MNIST, once plain and once with engine.data.augment. Prints accuracy overall and per digit, the naive
whole-canvas resize as a baseline, and the speed of preprocessing and augmentation.

    python benchmarks/drawn_digits_offline.py --epochs 15 --decay 0.85 --n 4000
    python benchmarks/drawn_digits_offline.py --skip 4000 --n 0      # the digits not used to choose settings
Data: --mnist DIR (default $BACKPROP_STUDIO_MNIST) and --unipen FILE (default: unipen-dev/digits.jsonl.gz
beside the MNIST folder).
"""

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from engine import NeuralNetwork  # noqa: E402
from engine.data.augment import NONE, AugmentSettings, augment_batch  # noqa: E402
from engine.data.datasets import load_mnist  # noqa: E402
from engine.data.digit_styles import add_styles  # noqa: E402
from engine.data.preprocess import naive, preprocess  # noqa: E402
from engine.data.unipen import fit_strokes, load_unipen, render_strokes  # noqa: E402

PAD = 280  # the draw pad's side in pixels


def pick(digits, n, seed, skip=0):
    """n digits drawn at random (fixed seed); ``skip`` leaves out the first ``skip`` of that order."""
    order = np.random.default_rng(seed).permutation(len(digits))
    chosen = order[skip : skip + n] if n else order[skip:]
    return [digits[i] for i in chosen]


def render_set(digits, seed=0, pen=18.0, box=(0.45, 0.85), move=0.1, speck=0.0):
    """Canvases (n, PAD, PAD) uint8 and labels: each digit at a random size and position on the pad.

    box: range of the digit's longer side as a fraction of the pad; move: max offset of its centre
    as a fraction of the pad; speck: probability of adding a stray dot somewhere on the pad.
    """
    rng = np.random.default_rng(seed)
    canvases = np.empty((len(digits), PAD, PAD), dtype=np.uint8)
    for i, (_, strokes) in enumerate(digits):
        fitted = fit_strokes(strokes, PAD, rng.uniform(*box), rng.uniform(-move, move, 2) * PAD)
        if rng.random() < speck:
            fitted.append(rng.uniform(0.04, 0.96, (1, 2)) * PAD)  # a one-point stroke: a stray dot anywhere
        canvases[i] = np.round(render_strokes(fitted, PAD, pen) * 255)
    return canvases, np.array([label for label, _ in digits])


def as_inputs(canvases, how="preprocess", **options):
    """Network inputs (784, n) from canvases: ``preprocess`` (with options) or the ``naive`` resize."""
    if how == "naive":
        return np.stack([naive(c).ravel() for c in canvases], axis=1)
    return np.stack([preprocess(c, **options).centred.ravel() for c in canvases], axis=1)


def with_styles(mnist, seed=0, fraction=0.3):
    """MNIST plus restyled copies of some 0s, 7s and 1s (engine.data.digit_styles) in its training split."""
    import dataclasses

    extra, labels = add_styles(mnist.x_train, mnist.y_train, np.random.default_rng(seed), fraction)
    extra = np.round(extra * 255).astype(np.uint8)
    return dataclasses.replace(mnist, x_train=np.concatenate([mnist.x_train, extra]),
                               y_train=np.concatenate([mnist.y_train, labels]))


def train(mnist, sizes, epochs, settings=None, seed=0, batch=128, lr=1e-3, decay=1.0, log=print):
    """An MLP (ReLU, cross-entropy, Adam) trained on MNIST, with augmentation when ``settings`` is given."""
    net = NeuralNetwork.build(sizes, "relu", "ce", optimizer="adam", lr=lr, seed=seed)
    rng = np.random.default_rng(seed)
    n = len(mnist.y_train)
    gather = np.empty((batch, mnist.features), dtype=np.float32)
    warped = np.empty_like(gather)
    seconds = 0.0
    for epoch in range(epochs):
        start = time.perf_counter()
        order = rng.permutation(n)
        for i in range(0, n - batch + 1, batch):  # whole batches only: buffers keep their shape
            X, y = mnist.batch("train", order[i : i + batch], out=gather)
            if settings is not None:
                X = augment_batch(gather, rng, out=warped, settings=settings).T
            net.train(X, y)
        seconds += time.perf_counter() - start
        net.lr = net.lr * decay
        Xt, yt = mnist.columns("test")
        log(f"  epoch {epoch + 1}: MNIST test {net.accuracy(Xt, yt):.2%}  ({seconds:.1f} s)")
    return net, seconds


def per_digit(net, X, labels):
    """(overall accuracy, accuracy of each digit 0–9)."""
    hit = net.predict(X) == labels
    return float(hit.mean()), [float(hit[labels == d].mean()) for d in range(10)]


def confusions(net, X, labels, top=6):
    """The most frequent (true → predicted) mistakes with their counts."""
    pred = net.predict(X)
    pairs, counts = np.unique(np.stack([labels, pred])[:, labels != pred], axis=1, return_counts=True)
    order = np.argsort(-counts)[:top]
    return ", ".join(f"{pairs[0, k]}→{pairs[1, k]} ×{counts[k]}" for k in order)


def timing(canvases, mnist, repeats=200):
    """Milliseconds per preprocess / naive call (mean and worst over the canvases), µs per augmented image."""
    out = {}
    for name, fn in (("preprocess", preprocess), ("naive", naive)):
        times = []
        for canvas in canvases:
            fn(canvas)
            start = time.perf_counter()
            for _ in range(5):
                fn(canvas)
            times.append((time.perf_counter() - start) / 5 * 1e3)
        out[name], out[name + "_worst"] = float(np.mean(times)), float(np.max(times))
    X = mnist.x_train[:128].astype(np.float32) / 255
    buf, rng = np.empty_like(X), np.random.default_rng(0)
    augment_batch(X, rng, out=buf)
    start = time.perf_counter()
    for _ in range(repeats):
        augment_batch(X, rng, out=buf)
    out["augment_us"] = (time.perf_counter() - start) / repeats / 128 * 1e6
    return out


def parse_settings(text):
    """AugmentSettings from 'shift=2,rotate=15,scale=0.85:1.15,shear=0.2,thickness=1' (missing → default)."""
    if text == "none":
        return NONE
    values = {}
    for item in filter(None, text.split(",")):
        key, value = item.split("=")
        values[key] = tuple(float(v) for v in value.split(":")) if ":" in value else float(value)
    return AugmentSettings(**values)


def main(argv=None):
    default_mnist = os.environ.get("BACKPROP_STUDIO_MNIST", "")
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--mnist", default=default_mnist, help="folder with the four MNIST IDX files")
    p.add_argument("--unipen", default=None, help="digits.jsonl.gz (default: beside the MNIST folder)")
    p.add_argument("--n", type=int, default=4000, help="how many real digits to evaluate on (0 = all)")
    p.add_argument("--skip", type=int, default=0, help="leave out the first SKIP digits (the ones used for tuning)")
    p.add_argument("--arch", default="784-256-128-10")
    p.add_argument("--epochs", type=int, default=15)
    p.add_argument("--decay", type=float, default=0.85, help="learning rate × this after every epoch")
    p.add_argument("--augment", default="", help="settings, e.g. 'shift=2,rotate=15,thickness=1' ('' = defaults)")
    p.add_argument("--models", default="plain,augmented,styles", help="which of plain, augmented, styles to train")
    p.add_argument("--pen", type=float, default=18.0, help="pen width on the 280 px pad")
    p.add_argument("--box", default="0.45:0.85", help="range of digit size as a fraction of the pad")
    p.add_argument("--scenarios", default="normal,small,speck,fine", help="normal, small (digits 20–35%% of the "
                   "pad), speck (a stray dot on every pad), fine (a 4 px pen)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    if not args.mnist:
        p.error("name the MNIST folder with --mnist or BACKPROP_STUDIO_MNIST")
    unipen = args.unipen or os.path.join(os.path.dirname(os.path.abspath(args.mnist)), "unipen-dev", "digits.jsonl.gz")

    mnist = load_mnist(args.mnist)
    digits = pick(load_unipen(unipen), args.n, seed=1234, skip=args.skip)
    box = tuple(float(v) for v in args.box.split(":"))
    scenarios = {
        "normal": dict(box=box),
        "small": dict(box=(0.2, 0.35), move=0.3),
        "speck": dict(box=box, speck=1.0),
        "fine": dict(box=box, pen=4.0),
    }
    start = time.perf_counter()
    canvases = {}
    for name in args.scenarios.split(","):
        options = dict(pen=args.pen, **scenarios[name]) if "pen" not in scenarios[name] else scenarios[name]
        canvases[name], labels = render_set(digits, seed=args.seed, **options)
    print(f"{len(labels)} real digits (skipping {args.skip}) rendered on a {PAD} px pad, pen {args.pen:g}, "
          f"scenarios {args.scenarios}, in {time.perf_counter() - start:.1f} s")
    inputs = {}
    for name, canv in canvases.items():
        inputs[name, "preprocess"] = as_inputs(canv)
        if name == "normal":
            inputs[name, "integer shift"] = as_inputs(canv, subpixel=False)
            inputs[name, "naive resize"] = as_inputs(canv, "naive")
        if name in ("small", "fine"):
            inputs[name, "no re-stroking"] = as_inputs(canv, thin=False)
        if name == "speck":
            inputs[name, "no speck removal"] = as_inputs(canv, remove_specks=False)

    sizes = [int(s) for s in args.arch.split("-")]
    settings = parse_settings(args.augment)
    models = {}
    for kind in args.models.split(","):
        data = with_styles(mnist, args.seed) if kind == "styles" else mnist
        chosen = None if kind == "plain" else settings
        print(f"training {args.arch} {kind}{'' if chosen is None else ' ' + repr(chosen)}, {args.epochs} epochs, "
              f"lr decay {args.decay:g}")
        models[kind] = train(data, sizes, args.epochs, chosen, args.seed, decay=args.decay)

    print(f"\naccuracy on {len(labels)} drawn digits")
    print(f"{'model':<10} {'pad':<7} {'input':<17} {'overall':>8}   " + " ".join(f"{d:>5}" for d in range(10)))
    for model_name, (net, _) in models.items():
        for (scenario, input_name), X in inputs.items():
            acc, digit_acc = per_digit(net, X, labels)
            print(f"{model_name:<10} {scenario:<7} {input_name:<17} {acc:>8.2%}   "
                  + " ".join(f"{a:>5.0%}" for a in digit_acc))
    if "normal" in canvases:
        last = list(models)[-1]
        print(f"most frequent mistakes ({last}, normal): {confusions(models[last][0], inputs['normal', 'preprocess'], labels)}")

    t = timing(np.concatenate([c[:40] for c in canvases.values()]), mnist)
    last = list(models)[-1]
    epoch = models[last][1] / args.epochs
    augment_epoch = t["augment_us"] * len(mnist.y_train) / 1e6
    print(f"\npreprocess {t['preprocess']:.2f} ms per {PAD}×{PAD} canvas (worst {t['preprocess_worst']:.2f} ms; "
          f"naive resize {t['naive']:.2f} ms); "
          f"augment {t['augment_us']:.1f} µs per image at batch 128 = {augment_epoch:.2f} s per 60k epoch, "
          f"{augment_epoch / epoch:.0%} of a training epoch of the '{last}' model ({epoch:.1f} s)")


if __name__ == "__main__":
    main()
