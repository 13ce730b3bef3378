"""MNIST test accuracy against training time, through engine.training.Trainer, for named set-ups.

Run:  python benchmarks/train_accuracy.py [PRESET ...] [--data DIR] [--budget 60] [--seed 0] [--threads 1]

Each preset trains until its epochs are done or ``--budget`` seconds of training have passed (checked
at the end of each epoch; the per-epoch test evaluation is not counted), printing every epoch's test
accuracy. ``--help`` lists the presets; ``lr drops`` lower the rate between epochs with
Trainer.set_hyperparameters, as a person can do live in the app (there is no automatic schedule).
"""

import argparse
import os
import sys
import time
from dataclasses import dataclass, field

from threadpoolctl import threadpool_limits

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from engine.data.datasets import load_mnist  # noqa: E402
from engine.data.mnist_source import MNIST_ENV, find_mnist  # noqa: E402
from engine.network import NeuralNetwork  # noqa: E402
from engine.training import Diverged, EpochDone, Trainer  # noqa: E402


@dataclass(frozen=True)
class Preset:
    """A network, its optimiser and how long to train it."""

    sizes: tuple
    act: str
    loss: str
    optimizer: str
    lr: float
    batch: int
    epochs: int
    out_act: str = None  # None: the loss's usual output activation
    lr_drops: dict = field(default_factory=dict)  # epochs done → new learning rate
    augment: bool = False
    note: str = ""

    def describe(self):
        sizes = "-".join(map(str, self.sizes))
        out = f" (output {self.out_act})" if self.out_act else ""
        text = (f"{sizes} {self.act}{out}, {self.loss}, {self.optimizer} lr {self.lr:g}, batch {self.batch}, "
                f"≤ {self.epochs} epochs")
        if self.lr_drops:
            text += ", lr drops " + ", ".join(f"after epoch {e} → {lr:g}" for e, lr in self.lr_drops.items())
        return text + (", augmented" if self.augment else "")


PRESETS = {
    "seed": Preset((784, 16, 16, 10), "leaky_relu:0.1", "mse", "sgd", 0.05, 1, 1, out_act="leaky_relu:0.1",
                   note="the seed's network: LeakyReLU everywhere, MSE on one-hot targets, "
                        "one sample per step, one pass (inputs in [0, 1])"),
    "small-adam": Preset((784, 128, 64, 10), "relu", "ce", "adam", 1e-3, 128, 100),
    "adam": Preset((784, 256, 128, 10), "relu", "ce", "adam", 1e-3, 128, 100),
    "adam-drop": Preset((784, 256, 128, 10), "relu", "ce", "adam", 1e-3, 128, 20, lr_drops={10: 3e-4, 15: 1e-4}),
    "augmented": Preset((784, 256, 128, 10), "relu", "ce", "adam", 1e-3, 128, 100,
                        lr_drops={15: 3e-4, 20: 1e-4}, augment=True,
                        note="engine.data.augment.augment_batch on every batch: random shifts, turns, sizes, thickness"),
}


def run(name, preset, dataset, args):
    net = NeuralNetwork.build(preset.sizes, preset.act, preset.loss, out_act=preset.out_act,
                              optimizer=preset.optimizer, lr=preset.lr, seed=args.seed)
    augment = None
    if preset.augment:
        from engine.data.augment import augment_batch

        augment = lambda rows, rng: augment_batch(rows, rng)  # noqa: E731
    trainer = Trainer(net, dataset, batch_size=preset.batch, epochs=preset.epochs, seed=args.seed, augment=augment)
    print(f"== {name}: {preset.describe()}" + (f"\n   ({preset.note})" if preset.note else ""))
    trained, best, start = 0.0, 0.0, time.perf_counter()
    for event in trainer.run():
        if isinstance(event, Diverged):
            print("   ", event.message)
        if not isinstance(event, EpochDone):
            continue
        trained += event.seconds
        best = max(best, event.test_accuracy)
        print(f"   epoch {event.epoch + 1:3d}  {trained:6.1f} s trained  {time.perf_counter() - start:6.1f} s wall  "
              f"train loss {event.train_loss:.4f}  test loss {event.test_loss:.4f}  "
              f"test accuracy {100 * event.test_accuracy:.2f} %", flush=True)
        if event.epoch + 1 in preset.lr_drops:
            trainer.set_hyperparameters(lr=preset.lr_drops[event.epoch + 1])
        if trained >= args.budget:
            trainer.request_stop()
    last = trainer.history.epoch_test_accuracy[-1]
    print(f"   → {name}: {100 * last:.2f} % after {trainer.epoch} epochs and {trained:.1f} s of training "
          f"(best epoch {100 * best:.2f} %)\n")


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="presets:\n" + "\n".join(f"  {name}: {p.describe()}" for name, p in PRESETS.items()))
    parser.add_argument("presets", nargs="*", default=list(PRESETS), help=f"any of {', '.join(PRESETS)}")
    parser.add_argument("--data", help=f"MNIST folder (default: ${MNIST_ENV}, else the user cache)")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds of training per preset")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (the app trains with 1)")
    args = parser.parse_args(argv)
    unknown = set(args.presets) - set(PRESETS)
    if unknown:
        parser.error(f"unknown preset(s) {', '.join(sorted(unknown))}; choose from {', '.join(PRESETS)}")
    dataset = load_mnist(find_mnist(args.data) or sys.exit(f"no MNIST found: name its folder with --data or {MNIST_ENV}, or run `python main.py download`"))
    with threadpool_limits(args.threads):
        for name in args.presets:
            run(name, PRESETS[name], dataset, args)


if __name__ == "__main__":
    main()
