"""The command line's options; the training numbers come from engine/hyperparameters.py with their ranges."""

import argparse

from engine.hyperparameters import HYPERPARAMETERS

USAGE_ERROR = 2
TRAIN_ONLY = ("lr_decay", "styles", "samples", "noise")  # table entries that are not a set-up's but the CLI's
THREADS_HELP = ("BLAS threads for the matrix products (default 1: with another CPU-bound program running, "
                "2 threads on 2 cores measured 5× slower, 1 thread never does)")


class UsageError(Exception):
    """A bad argument: reported as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{self.prog}: {message}")


def _typed(hp):
    """An argparse type that reads ``hp``'s kind and refuses values out of its range."""
    def parse(text):
        try:
            return hp.parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    parse.__name__ = hp.kind.__name__  # argparse names the type in some messages
    return parse


def _threads(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 1024:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to 1024, got {text!r}")
    return value


def _add_table_options(parser):
    for hp in HYPERPARAMETERS.values():
        if hp.flag is None:
            continue
        default = hp.default if hp.cli_default is None else hp.cli_default
        if hp.choices:
            parser.add_argument(hp.flag, dest=hp.name, choices=hp.choices, default=None,
                                help=f"{hp.help} (default {default})")
            continue
        shown = {"lr": "0.001 for adam, 0.05 else", "epochs": f"{default}; with --resume, the saved total",
                 "noise": "the set's own"}.get(hp.name, f"{default:g}" if default is not None else None)
        parser.add_argument(hp.flag, dest=hp.name, type=_typed(hp), default=None,
                            metavar="N" if hp.kind is int else "X",
                            help=f"{hp.help}; {hp.range_text()} (default {shown})")


def _fraction(text):
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be a number between 0 and 1 (exclusive), got {text!r}")
    return value


def _add_csv_options(parser):
    parser.add_argument("--data-csv", metavar="FILE", help="your own table: a CSV of numbers, one target column, "
                                                           "the rest features (classification or regression "
                                                           "as the target decides)")
    parser.add_argument("--target", metavar="COL", help="the target column of --data-csv: its name or 0-based "
                                                        "index (default: the last column)")
    parser.add_argument("--test-fraction", type=_fraction, default=0.2, metavar="F",
                        help="share of the CSV's rows held out for testing (default 0.2)")
    parser.add_argument("--drop-missing", action="store_true", help="leave out CSV rows with a missing value "
                                                                    "instead of refusing the file")


def build_parser(description=None):
    """The parser of `backprop-studio [train|evaluate|export|download] …`; errors raise UsageError."""
    p = _Parser(prog="backprop-studio", description=description)
    p.add_argument("--debug", action="store_true", help="show the full traceback of an unexpected error")
    sub = p.add_subparsers(dest="command", parser_class=_Parser,
                           metavar="{train,evaluate,export,download,compare}")

    t = sub.add_parser("train", help="train a network headless and print its test accuracy")
    t.add_argument("--data", metavar="DIR", help="folder with the four MNIST IDX files")
    t.add_argument("--dataset", default=None,
                   help="mnist (default when MNIST is found), a built-in 2-D set: quadrants, xor, "
                        "circles, spirals, blobs, or a built-in regression: sine, abs, cubic, step, surface")
    _add_csv_options(t)
    t.add_argument("--arch", help="layer sizes input first, e.g. 784-128-64-10 (default: 784-128-64-10 "
                                  "for MNIST, 2-8-8-k for 2-D sets, FEATURES-16-16-OUTPUTS for a CSV)")
    t.add_argument("--act", default=None, help="hidden activation(s): one name, or a comma list (one per "
                                               "hidden layer); leaky_relu:0.1 sets the slope (default relu)")
    t.add_argument("--out-act", help="last layer's activation (default: identity with ce, sigmoid with mse)")
    t.add_argument("--loss", default=None, help="ce (cross-entropy, the default) or mse")
    t.add_argument("--optimizer", default=None, help="sgd, momentum or adam (default adam)")
    _add_table_options(t)
    t.add_argument("--augment", nargs="?", const="", default=None, metavar="SETTINGS",
                   help="augment images like real drawings (shifts, rotations, scale, thickness); SETTINGS "
                        "such as 'shear=0.3,thickness=0.5,scale=0.85:1.15' change engine.data.augment.AugmentSettings")
    t.add_argument("--float64", action="store_true", help="train in float64 (slower; float32 by default)")
    t.add_argument("--out", metavar="MODEL.npz", help="save the trained model (and its training state) here; "
                                                      "checked before training starts")
    t.add_argument("--resume", metavar="CHECKPOINT.npz",
                   help="continue exactly where a checkpoint saved by train --out or the app stopped; its "
                        "dataset and network are used; --epochs is the new total, and --lr, --l2, --momentum, "
                        "--beta1, --beta2 and --batch change the run from its next batch")
    t.add_argument("--weights-only", action="store_true",
                   help="save without the optimiser's state (Adam's moments triple the file); for models "
                        "that are used, not trained further")
    t.add_argument("--threads", type=_threads, default=1, metavar="N", help=THREADS_HELP)
    t.add_argument("--quiet", action="store_true", help="no progress bar")
    t.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    e = sub.add_parser("evaluate", help="evaluate a saved model on the test set")
    e.add_argument("model", help="a .npz checkpoint saved by train or by the app")
    e.add_argument("--data", metavar="DIR", help="folder with the four MNIST IDX files")
    e.add_argument("--dataset", default=None, help="the dataset the model was trained on (default: its own)")
    e.add_argument("--data-csv", metavar="FILE", help="the CSV the model was trained on (the same file: its "
                                                      "SHA-256 is checked), or another table of the same shape")
    e.add_argument("--threads", type=_threads, default=1, metavar="N", help=THREADS_HELP)
    e.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    x = sub.add_parser("export", help="write a saved model as ONNX, a NumPy-only script or a PyTorch script")
    x.add_argument("model", help="a .npz checkpoint saved by train or by the app")
    x.add_argument("--format", required=True, metavar="FORMAT",
                   help="onnx (needs: pip install 'backprop-studio[export]'), numpy (a .py needing only NumPy, "
                        "with a .npz of weights beside it) or pytorch (an nn.Sequential script and its .npz)")
    x.add_argument("-o", "--out", required=True, metavar="OUT",
                   help="the file to write (.onnx or .py; the suffix is added when missing)")
    x.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    from engine.cli.compare import add_compare_parser

    add_compare_parser(sub)

    d = sub.add_parser("download", help="download MNIST (checksummed) into the cache or a folder")
    d.add_argument("--dir", metavar="DIR", help="where to put the files (default: the user cache folder)")
    d.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return p
