"""`train`: build (or resume) a run from the options, train it headless, save it, and print a JSON last line."""

import json
import os
import sys
from dataclasses import dataclass

from engine.cli.advice import divergence_advice
from engine.cli.datasets import checkpoint_dataset, load_csv_dataset, load_dataset
from engine.cli.interrupt import StopOnSignal
from engine.cli.parser import UsageError
from engine.cli.progress import ProgressBar
from engine.cli.quiet import finite, quiet_numpy
from engine.cli.saving import check_out_path, save_with_fallback
from engine.cli.setup import network_from_args, option

# Options a resumed run takes from its next batch, and the ones the checkpoint decides (then ignored).
RESUME_APPLIES = ("lr", "l2", "momentum", "beta1", "beta2", "batch_size")
RESUME_IGNORES = {"dataset": "--dataset", "target": "--target", "drop_missing": "--drop-missing", "arch": "--arch",
                  "act": "--act", "out_act": "--out-act", "loss": "--loss",
                  "optimizer": "--optimizer", "seed": "--seed", "init": "--init", "augment": "--augment",
                  "lr_decay": "--lr-decay", "styles": "--styles", "samples": "--samples", "noise": "--noise",
                  "float64": "--float64"}


@dataclass
class Run:
    """A trainer with what the CLI adds around it: the epoch-1 learning rate, its decay, how the data was made."""

    dataset: object
    trainer: object
    lr0: float  # the learning rate of epoch 1; lr_decay shrinks it after each epoch
    lr_decay: float
    augment: str | None  # the --augment settings text, or None
    styles: float
    seed: int


@dataclass
class Outcome:
    """How training ended: the last EpochDone, the seconds spent training, a Diverged event if it diverged."""

    last: object = None
    seconds: float = 0.0
    diverged: object = None


def cmd_train(args, out=None):
    out = out or sys.stdout
    out_path = check_out_path(args.out) if args.out is not None else None
    run = resume_run(args) if args.resume else new_run(args)
    net = run.trainer.net
    print(f"{run.dataset.title}: {len(run.dataset.y_train):,} train / {len(run.dataset.y_test):,} test · {net!r} · "
          f"{net.n_params():,} parameters", file=out, flush=True)
    saved = note = None
    with StopOnSignal(run.trainer.request_stop) as signals:  # also keeps a save from being cut in half
        outcome = train(run, args, signals, out)
        result = summary(run, outcome)
        if out_path is not None:
            saved, note = save_with_fallback(out_path, lambda path: save_run(path, run, args, result))
            result["model"] = os.path.abspath(saved)
    code = tell_end(run, outcome, signals, saved, note)
    print(json.dumps(result, allow_nan=False), file=out, flush=True)
    return code


# -- building ---------------------------------------------------------------------------------
def new_run(args):
    """A fresh run from the options."""
    from engine.data.digit_styles import with_styles
    from engine.training import Trainer

    seed, lr_decay, styles = option(args, "seed"), option(args, "lr_decay"), option(args, "styles")
    augment = None if args.augment is None else _augment(args.augment)  # checked before loading anything
    dataset = _new_dataset(args, seed)
    if augment is not None and not dataset.is_image:
        raise UsageError("--augment applies to image datasets (MNIST) only")
    if styles:
        if dataset.name != "mnist":
            raise UsageError("--styles applies to MNIST only")
        dataset = with_styles(dataset, styles, seed)
    net, config = network_from_args(args, dataset)
    trainer = Trainer(net, dataset, batch_size=config.batch_size, epochs=config.epochs, seed=seed, augment=augment)
    return Run(dataset, trainer, net.lr, lr_decay, args.augment, styles, seed)


def _new_dataset(args, seed):
    """The dataset the options name: a CSV (--data-csv), a built-in set or MNIST."""
    if args.data_csv is None:
        given = [flag for flag, value in (("--target", args.target), ("--drop-missing", args.drop_missing),
                                          ("--test-fraction", args.test_fraction != 0.2)) if value]
        if given:
            raise UsageError(f"{', '.join(given)} apply to --data-csv only")
        return load_dataset(args.dataset, args.data, samples=option(args, "samples"), noise=args.noise, seed=seed)
    if args.dataset is not None:
        raise UsageError("--data-csv and --dataset both name the data; give one")
    return load_csv_dataset(args.data_csv, args.target, args.test_fraction, args.drop_missing, seed)


def _augment(text):
    from engine.data.augment import make_augment

    try:
        return make_augment(text)
    except ValueError as exc:
        raise UsageError(f"--augment: {exc}") from None


def resume_run(args):
    """The run saved in ``args.resume``, continuing exactly; the options that can apply, applied."""
    from engine.data.augment import make_augment
    from engine.data.digit_styles import with_styles
    from engine.files.checkpoint import load_checkpoint
    from engine.files.trainer_state import resume

    net, extra = load_checkpoint(args.resume)
    extra = extra or {}
    hyper = extra.get("hyperparameters") or {}
    dataset = checkpoint_dataset(extra, args.data, args.data_csv)
    text, styles, seed = hyper.get("augment"), hyper.get("styles") or 0.0, hyper.get("seed", 0)
    if styles:
        dataset = with_styles(dataset, styles, seed)
    augment = make_augment(text) if text is not None else None
    trainer = resume(net, dataset, extra, name=os.path.basename(args.resume), augment=augment)
    run = Run(dataset, trainer, hyper.get("lr", net.lr), hyper.get("lr_decay", 1.0), text, styles, seed)
    apply_resume_options(args, run)
    return run


def apply_resume_options(args, run):
    """Queue the given options a running trainer takes; say in one line each what applies and what is ignored."""
    from engine.hyperparameters import HYPERPARAMETERS

    trainer, name = run.trainer, os.path.basename(args.resume)
    if args.epochs is not None:
        trainer.epochs = args.epochs
    opt = trainer.net.optimizer
    given = {key: getattr(args, key) for key in RESUME_APPLIES if getattr(args, key) is not None}
    ignored = [flag for key, flag in RESUME_IGNORES.items() if getattr(args, key, None) not in (None, False)]
    ignored += [HYPERPARAMETERS[key].flag for key in ("momentum", "beta1", "beta2")
                if key in given and not hasattr(opt, key)]
    applied = {key: value for key, value in given.items() if key in ("lr", "l2", "batch_size") or hasattr(opt, key)}
    if applied:
        trainer.set_hyperparameters(**applied)
        if "lr" in applied:  # the decay goes on from the new rate
            run.lr0 = applied["lr"] / run.lr_decay ** trainer.epoch
        shown = ", ".join(f"{HYPERPARAMETERS[key].flag} {value:g}" for key, value in applied.items())
        print(f"resuming {name}: {shown} apply from the next batch", file=sys.stderr)
    if ignored:
        print(f"resuming {name}: {', '.join(ignored)} ignored; the checkpoint's own "
              f"{'is' if len(ignored) == 1 else 'are'} kept ({opt.name} optimiser)", file=sys.stderr)


# -- training ---------------------------------------------------------------------------------
def train(run, args, signals, out):
    """Run the trainer to its end, a divergence or a signal; print a line per epoch."""
    from engine.training import BatchDone, Diverged, EpochDone

    trainer, outcome = run.trainer, Outcome()
    bar = ProgressBar(None if args.quiet else sys.stderr)
    with quiet_numpy():
        for event in trainer.run():
            if signals.received:  # a signal before run() began was cleared by it: ask again
                trainer.request_stop()
            if isinstance(event, BatchDone):
                bar.update(event.batch / event.n_batches,
                           f"epoch {event.epoch + 1}/{trainer.epochs} · batch {event.batch}/{event.n_batches} · "
                           f"loss {event.loss:.4f} · {event.samples_per_second:,.0f} samples/s")
            elif isinstance(event, EpochDone):
                bar.clear()
                outcome.seconds += event.seconds
                outcome.last = event
                if run.lr_decay != 1.0:
                    trainer.set_hyperparameters(lr=run.lr0 * run.lr_decay ** (event.epoch + 1))
                score = (f"test RMSE {event.test_rmse:.4g} · R² {event.test_r2:.4f}" if run.dataset.is_regression
                         else f"test accuracy {100 * event.test_accuracy:.2f} %")
                print(f"epoch {event.epoch + 1}/{event.epochs}: train loss {event.train_loss:.4f} · "
                      f"test loss {event.test_loss:.4f} · {score} · {event.seconds:.2f} s", file=out, flush=True)
            elif isinstance(event, Diverged):
                outcome.diverged = event
    bar.clear()
    return outcome


def summary(run, outcome):
    """The JSON last line's values."""
    last, net = outcome.last, run.trainer.net
    result = {
        "dataset": run.dataset.name,
        "arch": "-".join(str(s) for s in net.sizes),
        "epochs": run.trainer.epoch,
        "train_seconds": round(outcome.seconds, 3),
        "test_loss": None if last is None else finite(last.test_loss),
        "test_accuracy": None if last is None else finite(last.test_accuracy),
    }
    if run.dataset.is_regression:  # in the target's own units
        result["test_rmse"] = None if last is None else finite(last.test_rmse)
        result["test_r2"] = None if last is None else finite(last.test_r2)
    return result


def tell_end(run, outcome, signals, saved, note):
    """Say on stderr how a run ended unless it simply completed; returns the exit code."""
    trainer = run.trainer
    if note:  # the save failed and a fallback was written
        print(f"error: {note}", file=sys.stderr)
    if outcome.diverged is not None:
        event = outcome.diverged
        kept = f"were saved to {saved}" if saved else "were not kept (pass --out to keep them)"
        print(f"error: training diverged at epoch {event.epoch + 1}, batch {event.batch}: the loss or the weights "
              f"stopped being finite numbers. Likely cause: {divergence_advice(trainer.net.optimizer)}. "
              f"The last good weights {kept}.", file=sys.stderr)
        return 1
    if signals.received:
        kept = (f"saved to {saved}; `train --resume {saved}` continues it exactly" if saved
                else "not saved (no --out)")
        print(f"interrupted: stopped after batch {trainer.batch_in_epoch} of epoch {trainer.epoch + 1} "
              f"completed; {kept}", file=sys.stderr)
        return signals.exit_code
    return 1 if note else 0


def save_run(path, run, args, result):
    """Write the run to ``path``: the network with its training state, or (--weights-only) the weights alone."""
    from engine.files.checkpoint import save_checkpoint
    from engine.files.trainer_state import save_training

    trainer, dataset = run.trainer, run.dataset
    extra = {"dataset": dataset.name, "dataset_params": dataset.params if not dataset.is_image else {},
             "hyperparameters": {"batch": trainer.batch_size, "epochs": trainer.epochs, "seed": run.seed,
                                 "augment": run.augment, "lr": run.lr0, "lr_decay": run.lr_decay,
                                 "styles": run.styles},
             "test_accuracy": result["test_accuracy"]}
    if dataset.description:  # the file, its SHA-256, the target and the task: evaluate and resume check them
        extra["dataset_description"] = dataset.description
    if not args.weights_only:  # the network with its training state: `train --resume` continues it exactly
        save_training(path, trainer, extra=extra)
        return
    from engine.optimizers import SGD

    saved = trainer.net.clone()
    saved.optimizer = SGD(lr=trainer.net.lr)  # plain SGD keeps no state: the file holds the weights alone
    extra["hyperparameters"]["optimizer"] = trainer.net.optimizer.name
    save_checkpoint(path, saved, extra=extra)
