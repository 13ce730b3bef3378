"""Backprop Studio: with no subcommand, the app; `train`, `evaluate` and `download` run headless."""

import argparse
import json
import os
import sys
import time

USAGE_ERROR = 2


class UsageError(Exception):
    """A bad argument: reported as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{self.prog}: {message}")


def build_parser():
    p = _Parser(prog="backprop-studio", description=__doc__)
    sub = p.add_subparsers(dest="command", parser_class=_Parser, metavar="{train,evaluate,download}")

    t = sub.add_parser("train", help="train a network headless and print its test accuracy")
    t.add_argument("--data", metavar="DIR", help="folder with the four MNIST IDX files")
    t.add_argument("--dataset", default=None,
                   help="mnist (default when MNIST is found) or a built-in 2-D set: quadrants, xor, "
                        "circles, spirals, blobs")
    t.add_argument("--arch", help="layer sizes input first, e.g. 784-128-64-10 (default: 784-128-64-10 "
                                  "for MNIST, 2-8-8-k for 2-D sets)")
    t.add_argument("--act", default="relu", help="hidden activation(s): one name, or a comma list (one per "
                                                 "hidden layer); leaky_relu:0.1 sets the slope")
    t.add_argument("--out-act", help="last layer's activation (default: identity with ce, sigmoid with mse)")
    t.add_argument("--loss", default="ce", help="ce (cross-entropy) or mse")
    t.add_argument("--optimizer", default="adam", help="sgd, momentum or adam")
    t.add_argument("--lr", type=float, default=None, help="learning rate (default 0.001 for adam, 0.05 else)")
    t.add_argument("--momentum", type=float, default=0.9, help="momentum μ (optimizer momentum)")
    t.add_argument("--l2", type=float, default=0.0, help="L2 weight decay λ")
    t.add_argument("--batch", type=int, default=128, help="mini-batch size")
    t.add_argument("--epochs", type=int, default=None, help="passes over the training set (default 5; with "
                                                          "--resume, the saved total)")
    t.add_argument("--seed", type=int, default=0, help="seed for initial weights, shuffling, augmentation")
    t.add_argument("--augment", nargs="?", const="", default=None, metavar="SETTINGS",
                   help="augment images like real drawings (shifts, rotations, scale, thickness); SETTINGS "
                        "such as 'shear=0.3,thickness=0.5,scale=0.85:1.15' change engine.data.augment.AugmentSettings")
    t.add_argument("--lr-decay", type=float, default=1.0, metavar="FACTOR",
                   help="multiply the learning rate by this after every epoch (default 1: constant)")
    t.add_argument("--styles", type=float, default=0.0, metavar="FRACTION",
                   help="add restyled copies of this fraction of MNIST's 0s, 7s and 1s to the training set: "
                        "slashed zeros, crossed sevens, flagged ones (engine/data/digit_styles.py)")
    t.add_argument("--float64", action="store_true", help="train in float64 (slower; float32 by default)")
    t.add_argument("--samples", type=int, default=1000, help="points in a built-in 2-D dataset")
    t.add_argument("--noise", type=float, default=None, help="noise σ of a built-in 2-D dataset")
    t.add_argument("--out", metavar="MODEL.npz", help="save the trained model (and its training state) here")
    t.add_argument("--resume", metavar="CHECKPOINT.npz",
                   help="continue exactly where a checkpoint saved by train --out or the app stopped; its "
                        "dataset and settings are used, --epochs is the new total")
    t.add_argument("--weights-only", action="store_true",
                   help="save without the optimiser's state (Adam's moments triple the file); for models "
                        "that are used, not trained further")
    t.add_argument("--quiet", action="store_true", help="no progress bar")

    e = sub.add_parser("evaluate", help="evaluate a saved model on the test set")
    e.add_argument("model", help="a .npz checkpoint saved by train or by the app")
    e.add_argument("--data", metavar="DIR", help="folder with the four MNIST IDX files")
    e.add_argument("--dataset", default=None, help="the dataset the model was trained on (default: its own)")

    d = sub.add_parser("download", help="download MNIST (checksummed) into the cache or a folder")
    d.add_argument("--dir", metavar="DIR", help="where to put the files (default: the user cache folder)")
    return p


# -- progress ---------------------------------------------------------------------------------
class ProgressBar:
    """One line that redraws itself on a terminal; on a pipe, nothing until the line is done."""

    def __init__(self, stream=sys.stderr, width=28):
        self.stream, self.width = stream, width  # stream None: draw nothing
        self.tty = stream is not None and stream.isatty()
        self._last = 0.0

    def update(self, fraction, text, force=False):
        now = time.perf_counter()
        if not self.tty or (not force and now - self._last < 0.1):
            return
        self._last = now
        filled = int(self.width * min(max(fraction, 0.0), 1.0))
        bar = "█" * filled + "░" * (self.width - filled)
        self.stream.write(f"\r{bar} {text}\x1b[K")
        self.stream.flush()

    def clear(self):
        if self.tty:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _fmt_bytes(n):
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n / 1e3:.0f} kB"


# -- data -------------------------------------------------------------------------------------
def load_dataset(name, data_dir, args=None):
    """The dataset by name; MNIST is looked up (--data, environment, cache) but never downloaded here."""
    from engine.data.datasets import load_mnist
    from engine.data.mnist_source import HOW_TO_GET_MNIST, MnistUnavailable, find_mnist
    from engine.data.toy_datasets import TOY_DATASETS, make_toy

    if name is None:
        name = "mnist" if (data_dir or find_mnist()) else None
        if name is None:
            raise UsageError(
                "no MNIST found: run `python main.py download`, pass --data DIR, set BACKPROP_STUDIO_MNIST, "
                f"or choose a built-in set with --dataset ({', '.join(TOY_DATASETS)})"
            )
    if name == "mnist":
        folder = find_mnist(data_dir)
        if folder is None:
            raise MnistUnavailable(f"MNIST was not found. {HOW_TO_GET_MNIST}")
        return load_mnist(folder)
    if name in TOY_DATASETS:
        samples = getattr(args, "samples", 1000) if args else 1000
        noise = getattr(args, "noise", None) if args else None
        seed = getattr(args, "seed", 0) if args else 0
        return make_toy(name, n=samples, noise=noise, seed=seed)
    raise UsageError(f"unknown dataset {name!r}; choose mnist or one of {', '.join(TOY_DATASETS)}")


# -- commands ---------------------------------------------------------------------------------
def parse_arch(text, features, n_classes):
    try:
        sizes = [int(s) for s in text.replace(",", "-").split("-") if s.strip()]
    except ValueError:
        raise UsageError(f"--arch must be sizes joined by '-', e.g. 784-128-10; got {text!r}") from None
    if len(sizes) < 2 or min(sizes) < 1:
        raise UsageError(f"--arch needs at least an input and an output size, all ≥ 1; got {text!r}")
    if sizes[0] != features:
        raise UsageError(f"--arch must start with the data's {features} features; got {text!r}")
    if sizes[-1] < n_classes:
        raise UsageError(f"--arch must end with at least the data's {n_classes} classes; got {text!r}")
    return sizes


def build_network(args, dataset):
    import numpy as np

    from engine import NeuralNetwork, get_activation, get_loss, get_optimizer

    default_arch = "784-128-64-10" if dataset.is_image else f"2-8-8-{dataset.n_classes}"
    sizes = parse_arch(args.arch or default_arch, dataset.features, dataset.n_classes)
    acts = [a.strip() for a in args.act.split(",") if a.strip()]
    n_hidden = len(sizes) - 2
    if len(acts) not in (1, n_hidden) and not (n_hidden == 0 and len(acts) <= 1):
        raise UsageError(f"--act lists {len(acts)} activations for {n_hidden} hidden layers")
    try:
        for a in acts + ([args.out_act] if args.out_act else []):
            get_activation(a)
        loss = get_loss(args.loss)
        lr = args.lr if args.lr is not None else (0.001 if args.optimizer == "adam" else 0.05)
        settings = {"lr": lr, "l2": args.l2}
        if args.optimizer == "momentum":
            settings["momentum"] = args.momentum
        get_optimizer(args.optimizer, **settings)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.batch < 1 or args.epochs < 1:
        raise UsageError("--batch and --epochs must be ≥ 1")
    hidden = acts * n_hidden if len(acts) == 1 else acts
    dtype = np.float64 if args.float64 else np.float32
    return NeuralNetwork.build(sizes, hidden, loss, out_act=args.out_act, optimizer=args.optimizer,
                               seed=args.seed, dtype=dtype, **settings)


def cmd_train(args, out=sys.stdout):
    from engine.files.checkpoint import save_checkpoint
    from engine.files.trainer_state import save_training
    from engine.training import BatchDone, Diverged, EpochDone, Trainer

    if args.resume:
        dataset, trainer, lr0 = resume_training(args)
        net = trainer.net
    else:
        args.epochs = 5 if args.epochs is None else args.epochs
        dataset = load_dataset(args.dataset, args.data, args)
        net = build_network(args, dataset)
        augment = None
        if args.augment is not None:
            if not dataset.is_image:
                raise UsageError("--augment applies to image datasets (MNIST) only")
            augment = make_augment(args.augment)
        if not 0 < args.lr_decay <= 1 or not 0 <= args.styles <= 1:
            raise UsageError("--lr-decay must be in (0, 1] and --styles in [0, 1]")
        if args.styles:
            if dataset.name != "mnist":
                raise UsageError("--styles applies to MNIST only")
            dataset = with_styles(dataset, args.styles, args.seed)
        lr0 = net.lr  # the learning rate of epoch 1; --lr-decay shrinks it after each epoch
        trainer = Trainer(net, dataset, batch_size=args.batch, epochs=args.epochs, seed=args.seed, augment=augment)
    print(f"{dataset.title}: {len(dataset.y_train):,} train / {len(dataset.y_test):,} test · {net!r} · "
          f"{net.n_params():,} parameters", file=out, flush=True)
    bar = ProgressBar(None if args.quiet else sys.stderr)
    train_seconds = 0.0
    last = None
    try:
        for event in trainer.run():
            if isinstance(event, BatchDone):
                bar.update(event.batch / event.n_batches,
                           f"epoch {event.epoch + 1}/{args.epochs} · batch {event.batch}/{event.n_batches} · "
                           f"loss {event.loss:.4f} · {event.samples_per_second:,.0f} samples/s")
            elif isinstance(event, EpochDone):
                bar.clear()
                train_seconds += event.seconds
                last = event
                if args.lr_decay != 1.0:
                    trainer.set_hyperparameters(lr=lr0 * args.lr_decay ** (event.epoch + 1))
                print(f"epoch {event.epoch + 1}/{event.epochs}: train loss {event.train_loss:.4f} · "
                      f"test loss {event.test_loss:.4f} · test accuracy {100 * event.test_accuracy:.2f} % · "
                      f"{event.seconds:.2f} s", file=out, flush=True)
            elif isinstance(event, Diverged):
                bar.clear()
                print(event.message, file=sys.stderr)
                return 1
    except KeyboardInterrupt:
        bar.clear()
        print("interrupted: stopping after the current batch", file=sys.stderr)
        trainer.request_stop()
    result = {
        "dataset": dataset.name,
        "arch": "-".join(str(s) for s in net.sizes),
        "epochs": trainer.epoch,
        "train_seconds": round(train_seconds, 3),
        "test_loss": None if last is None else round(last.test_loss, 6),
        "test_accuracy": None if last is None else round(last.test_accuracy, 6),
    }
    if args.out:
        extra = {"dataset": dataset.name, "dataset_params": dataset.params if not dataset.is_image else {},
                 "hyperparameters": {"batch": args.batch, "epochs": args.epochs, "seed": args.seed,
                                     "augment": args.augment, "lr": lr0, "lr_decay": args.lr_decay,
                                     "styles": args.styles},
                 "test_accuracy": result["test_accuracy"]}
        saved = None
        if args.weights_only:
            from engine.optimizers import SGD

            saved = net.clone()
            saved.optimizer = SGD(lr=net.lr)  # plain SGD keeps no state: the file holds the weights alone
            extra["hyperparameters"]["optimizer"] = net.optimizer.name
        if saved is None:  # the network with its training state: `train --resume` continues it exactly
            save_training(args.out, trainer, extra=extra)
        else:
            save_checkpoint(args.out, saved, extra=extra)
        result["model"] = os.path.abspath(args.out)
    print(json.dumps(result), file=out, flush=True)
    return 0


def resume_training(args):
    """(dataset, trainer, lr of epoch 1) continuing ``args.resume`` exactly; ``args`` takes its settings."""
    from engine.files.checkpoint import load_checkpoint
    from engine.files.trainer_state import resume

    net, extra = load_checkpoint(args.resume)
    hyper, params = extra.get("hyperparameters") or {}, extra.get("dataset_params") or {}
    args.samples, args.noise, args.seed = params.get("n", 1000), params.get("noise"), params.get("seed", 0)
    dataset = load_dataset(extra.get("dataset"), args.data, args)
    args.augment, args.lr_decay = hyper.get("augment"), hyper.get("lr_decay", 1.0)
    args.styles, args.seed = hyper.get("styles") or 0.0, hyper.get("seed", 0)
    if args.styles:
        dataset = with_styles(dataset, args.styles, args.seed)
    augment = make_augment(args.augment) if args.augment is not None else None
    trainer = resume(net, dataset, extra, name=os.path.basename(args.resume), augment=augment)
    if args.epochs is not None:
        trainer.epochs = args.epochs
    args.batch, args.epochs = trainer.batch_size, trainer.epochs
    return dataset, trainer, hyper.get("lr", net.lr)


def make_augment(text):
    """augment_batch with AugmentSettings from 'key=value,…' (a range as low:high); '' = the defaults."""
    import functools

    from engine.data.augment import AugmentSettings, augment_batch

    values = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        key, sep, value = item.partition("=")
        try:
            if not sep:
                raise ValueError(item)
            values[key.strip()] = tuple(float(v) for v in value.split(":")) if ":" in value else float(value)
        except ValueError:
            raise UsageError(f"--augment settings are key=value pairs joined by ',', e.g. 'shear=0.3'; got {item!r}")
    try:
        settings = AugmentSettings(**values)
    except TypeError:
        names = ", ".join(AugmentSettings.__dataclass_fields__)
        raise UsageError(f"--augment knows {names}; got {', '.join(values)}") from None
    return functools.partial(augment_batch, settings=settings)


def with_styles(dataset, fraction, seed):
    """MNIST plus restyled copies (slashed 0, crossed 7, flagged 1) of ``fraction`` of those digits."""
    import dataclasses

    import numpy as np

    from engine.data.digit_styles import add_styles

    extra, labels = add_styles(dataset.x_train, dataset.y_train, np.random.default_rng(seed), fraction)
    return dataclasses.replace(
        dataset, x_train=np.concatenate([dataset.x_train, np.round(extra * 255).astype(dataset.x_train.dtype)]),
        y_train=np.concatenate([dataset.y_train, labels.astype(dataset.y_train.dtype)]))


def cmd_evaluate(args, out=sys.stdout):
    from engine.files.checkpoint import load_checkpoint
    from engine.training import Trainer

    net, extra = load_checkpoint(args.model)
    extra = extra or {}
    name = args.dataset or extra.get("dataset")
    if name and name != "mnist":
        params = extra.get("dataset_params") or {}
        args.samples, args.noise, args.seed = params.get("n", 1000), params.get("noise"), params.get("seed", 0)
    dataset = load_dataset(name, args.data, args)
    if net.layers[0].ins != dataset.features:
        raise UsageError(f"the model takes {net.layers[0].ins} inputs but {dataset.name} has {dataset.features}")
    t0 = time.perf_counter()
    trainer = Trainer(net, dataset, batch_size=1, epochs=0)
    test_loss, test_acc = trainer.evaluate("test")
    seconds = time.perf_counter() - t0
    print(f"{os.path.basename(args.model)} on {dataset.title} test set: loss {test_loss:.4f} · "
          f"accuracy {100 * test_acc:.2f} % ({len(dataset.y_test):,} samples, {seconds:.2f} s)", file=out)
    print(json.dumps({"dataset": dataset.name, "arch": "-".join(str(s) for s in net.sizes),
                      "test_loss": round(test_loss, 6), "test_accuracy": round(test_acc, 6),
                      "eval_seconds": round(seconds, 3)}), file=out, flush=True)
    return 0


def cmd_download(args, out=sys.stdout):
    from engine.data.mnist_download import download_mnist

    bar = ProgressBar()
    state = {}

    def progress(name, done, total, mirror):
        if state.get("name") != name:
            bar.clear()
            print(f"{name} from {mirror}", file=out, flush=True)
            state["name"] = name
        frac = done / total if total else 0.0
        bar.update(frac, f"{_fmt_bytes(done)} / {_fmt_bytes(total) if total else '?'}")

    try:
        folder = download_mnist(args.dir, progress=progress)
    except KeyboardInterrupt:
        bar.clear()
        print("download cancelled; nothing was kept", file=sys.stderr)
        return 130
    bar.clear()
    print(f"MNIST is ready in {folder}", file=out)
    print(json.dumps({"mnist": os.path.abspath(folder)}), file=out, flush=True)
    return 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            from gui.shell.app import run_app

            return run_app(argv)
        command = {"train": cmd_train, "evaluate": cmd_evaluate, "download": cmd_download}[args.command]
        return command(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except (ValueError, OSError) as exc:
        # Errors the engine raises for bad files and data carry a message meant for people.
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
