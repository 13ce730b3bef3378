"""The hyperparameters of a training set-up: one table of names, kinds, ranges, defaults and help.

The CLI's options (engine/cli/parser.py), the controls' spin boxes (gui/training), the configuration
file's checks (engine/run_config.py) and the saved-settings check (gui/shell/window_state.py) are all
built from this table, so a range is written once.
"""

import json
import math
from dataclasses import dataclass

from engine.initializers import DEFAULT_INIT, INITIALIZERS, init_help

MAX_HIDDEN = 6  # hidden layers the app's architecture editor and a configuration file allow
MAX_NEURONS = 512  # neurons per hidden layer, likewise


@dataclass(frozen=True)
class Hyperparameter:
    """One setting: its kind (int, float, or str with ``choices``), its range ``low``…``high``, default and help."""

    name: str
    kind: type
    low: float
    high: float
    default: object  # the app's default (for MNIST; engine/training_config.py gives 2-D sets their own)
    help: str
    flag: str | None = None  # the CLI's option, e.g. "--batch"; None when the CLI has none
    cli_default: object = None  # the CLI's default when it differs from ``default`` (None: see ``default``)
    zero_is_off: bool = False  # 0 is allowed below ``low`` and means "off"
    config: bool = True  # a key of the training set-up (TrainingConfig, configuration files)
    live: bool = False  # a running trainer accepts it from the next batch (Trainer.set_hyperparameters)
    choices: tuple = ()  # the names a str setting may take (low and high are unused then)

    def range_text(self):
        """E.g. 'a number from 1e-06 to 1000 (or 0 for off)', or 'one of he, xavier'."""
        if self.choices:
            return f"one of {', '.join(self.choices)}"
        what = "a whole number" if self.kind is int else "a number"
        off = " (or 0 for off)" if self.zero_is_off else ""
        low, high = (f"{self.low:,}", f"{self.high:,}") if self.kind is int else (f"{self.low:g}", f"{self.high:g}")
        return f"{what} from {low} to {high}{off}"

    def check(self, value):
        """``value`` as ``kind`` when it is in range; ValueError saying the range otherwise."""
        if self.choices:
            if not isinstance(value, str) or value not in self.choices:
                raise ValueError(f"{self.name} must be {self.range_text()}, got {short(value)}")
            return value
        ok = not isinstance(value, bool) and isinstance(value, (int, float))
        if ok and self.kind is int:
            ok = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        if ok:
            try:
                value = self.kind(value)
            except (OverflowError, ValueError):  # int(inf), float(10**400)
                ok = False
        if ok and self.kind is float:
            ok = math.isfinite(value)
        if ok:
            ok = self.low <= value <= self.high or (self.zero_is_off and value == 0)
        if not ok:
            raise ValueError(f"{self.name} must be {self.range_text()}, got {short(value)}")
        return value

    def parse(self, text):
        """``text`` (as typed on a command line) checked; ValueError saying the range otherwise."""
        if self.choices:
            if text not in self.choices:
                raise ValueError(f"must be {self.range_text()}, got {text!r}")
            return text
        try:
            value = int(text) if self.kind is int else float(text)
        except (TypeError, ValueError):
            raise ValueError(f"must be {self.range_text()}, got {text!r}") from None
        try:
            return self.check(value)
        except ValueError:
            raise ValueError(f"must be {self.range_text()}, got {text!r}") from None


def short(value, limit=60):
    """``value`` as JSON (repr when it has none), cut to ``limit`` characters: a message never holds a whole file."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except Exception:  # noqa: BLE001 - e.g. an int too long to print; the message must still appear
        text = f"a {type(value).__name__}"
    return text if len(text) <= limit else text[: limit - 1] + "…"


_TABLE = (
    Hyperparameter("lr", float, 1e-6, 1000.0, 0.001, "learning rate: how far each step moves the weights along "
                   "the gradient", flag="--lr", live=True),
    Hyperparameter("momentum", float, 0.0, 0.999, 0.9, "momentum μ: the fraction of the previous step carried "
                   "into the next one (optimizer momentum)", flag="--momentum", live=True),
    Hyperparameter("beta1", float, 0.0, 0.9999, 0.9, "Adam's β₁: how slowly its running mean of the gradient "
                   "forgets the past", flag="--beta1", live=True),
    Hyperparameter("beta2", float, 0.0, 0.9999, 0.999, "Adam's β₂: how slowly its running mean of the squared "
                   "gradient forgets the past", flag="--beta2", live=True),
    Hyperparameter("batch_size", int, 1, 512, 32, "samples averaged per gradient step", flag="--batch",
                   cli_default=128, live=True),
    Hyperparameter("epochs", int, 1, 100_000, 10, "passes over the training set", flag="--epochs", cli_default=5,
                   live=True),
    Hyperparameter("l2", float, 1e-6, 1.0, 0.0, "L2 weight decay λ: pulls every weight towards zero by λ·w per "
                   "step (0 = off)", flag="--l2", zero_is_off=True, live=True),
    Hyperparameter("init", str, 0, 0, DEFAULT_INIT, "how the first weights are drawn: " + init_help(),
                   flag="--init",
                   choices=tuple(INITIALIZERS)),
    Hyperparameter("seed", int, 0, 2**31 - 1, 0, "seed of the initial weights, the shuffling and the "
                   "augmentation: the same seed replays the same run", flag="--seed"),
    Hyperparameter("lr_decay", float, 0.01, 1.0, 1.0, "multiply the learning rate by this after every epoch "
                   "(1: constant)", flag="--lr-decay", config=False),
    Hyperparameter("styles", float, 0.0, 1.0, 0.0, "add restyled copies of this fraction of MNIST's 0s, 7s and "
                   "1s to the training set: slashed zeros, crossed sevens, flagged ones "
                   "(engine/data/digit_styles.py)", flag="--styles", config=False),
    Hyperparameter("samples", int, 4, 10**15, 1000, "points in a built-in 2-D dataset", flag="--samples",
                   config=False),
    Hyperparameter("noise", float, 0.0, 10.0, None, "noise σ of a built-in 2-D dataset",
                   flag="--noise", config=False),
)
HYPERPARAMETERS = {h.name: h for h in _TABLE}
# The numbers of a training set-up, in the order a configuration file lists them; then its named choices.
CONFIG_NUMBERS = tuple(h.name for h in _TABLE if h.config and not h.choices)
CONFIG_CHOICES = tuple(h.name for h in _TABLE if h.config and h.choices)
# Settings that reach a running trainer from the next batch; everything else needs a reset.
LIVE_KEYS = tuple(h.name for h in _TABLE if h.live)


def check_layers(hidden, activations, known):
    """A problem with hidden layer sizes and their activations (names in ``known``) as a sentence, or None."""
    if not isinstance(hidden, list) or len(hidden) > MAX_HIDDEN:
        return f"\"hidden\" must be a list of at most {MAX_HIDDEN} layer sizes, got {short(hidden)}"
    for k, n in enumerate(hidden):
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_NEURONS:
            return f"\"hidden\" layer {k + 1} must have 1 to {MAX_NEURONS} neurons, got {short(n)}"
    if not isinstance(activations, list) or len(activations) != len(hidden):
        return (f"\"activations\" must list one activation per hidden layer ({len(hidden)}), "
                f"got {short(activations)}")
    for k, act in enumerate(activations):
        if not isinstance(act, str) or act not in known:
            return f"\"activations\" {k + 1} must be one of {', '.join(known)}; got {short(act)}"
    return None
