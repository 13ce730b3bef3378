"""Several training set-ups on the same data, side by side: a Comparison trains them round-robin, one batch each.

A view (the CLI's table, a window's tab) drives ``Comparison.events()`` from one thread and reads
``RunEvent``s: which run, and the Trainer's own event (BatchDone, EpochDone, Diverged, Finished).
``ProcessComparison`` trains the same runs one process each (1 BLAS thread apiece) and returns the
same results. The presets are the experiments worth trying first: the articles' four (LeakyReLU or
Sigmoid at the output × MSE or cross-entropy) and one run per initialisation.
"""

import math
from dataclasses import asdict, dataclass, field, replace

from engine.initializers import INITIALIZERS
from engine.training import BatchDone, Diverged, EpochDone, Finished, Trainer
from engine.training_config import MNIST, TrainingConfig, build_network


@dataclass
class RunSpec:
    """One set-up to compare: a name for the table, its TrainingConfig, the output activation (None: the loss's).

    ``raw_pixels`` feeds images as stored, 0–255, instead of scaled to 0..1 (as the articles' script does).
    """

    name: str
    config: TrainingConfig
    out_act: str | None = None
    raw_pixels: bool = False

    def describe(self):
        """E.g. '784-16-16-10 leaky_relu→sigmoid, mse, sgd lr 0.01, batch 1, init small'."""
        c = self.config
        out = self.out_act or ("sigmoid" if c.loss == "mse" else "identity")
        acts = ",".join(dict.fromkeys(c.activations)) or "-"
        return (f"{'-'.join(map(str, c.hidden)) or 'no hidden'} {acts}→{out}, {c.loss}, {c.optimizer} lr {c.lr:g}, "
                f"batch {c.batch_size}, init {c.init}" + (", raw 0–255 pixels" if self.raw_pixels else ""))


@dataclass
class RunResult:
    """How one run did: accuracies and losses at each epoch's end, its speed, and how it ended."""

    name: str
    epochs: int = 0  # epochs completed
    test_accuracy: float | None = None  # after the last completed epoch
    best_test_accuracy: float | None = None
    test_loss: float | None = None
    train_loss: float | None = None
    train_seconds: float = 0.0  # training only; the test evaluations are not counted
    samples: int = 0  # samples trained on
    diverged: str | None = None  # the Diverged message, if it diverged
    accuracies: list = field(default_factory=list)  # test accuracy after each epoch

    @property
    def samples_per_second(self):
        return self.samples / self.train_seconds if self.train_seconds > 0 else 0.0

    def add(self, event):
        """Take in one of the run's Trainer events."""
        if isinstance(event, BatchDone):
            self.samples = event.samples_seen
        elif isinstance(event, EpochDone):
            self.epochs = event.epoch + 1
            self.train_seconds += event.seconds
            self.test_accuracy, self.test_loss, self.train_loss = event.test_accuracy, event.test_loss, event.train_loss
            self.accuracies.append(event.test_accuracy)
            if math.isfinite(event.test_accuracy):
                self.best_test_accuracy = max(self.best_test_accuracy or 0.0, event.test_accuracy)
        elif isinstance(event, Diverged):
            self.diverged = event.message


@dataclass(frozen=True)
class RunEvent:
    """The Trainer event ``event`` of run number ``run`` (its place in the Comparison)."""

    run: int
    name: str
    event: object


class CompareRun:
    """One run of a Comparison: its spec, network, trainer and result so far."""

    def __init__(self, spec, dataset):
        if spec.raw_pixels and dataset.is_image:
            dataset = replace(dataset, scale=1.0)  # the same arrays, fed unscaled
        self.spec, self.dataset = spec, dataset
        self.net = build_network(spec.config, dataset, out_act=spec.out_act)
        self.trainer = Trainer(self.net, dataset, batch_size=spec.config.batch_size, epochs=spec.config.epochs,
                               seed=spec.config.seed)
        self.result = RunResult(spec.name)
        self.finished = None  # the Finished event once the run has ended

    def step(self):
        """One batch; its events, with Finished appended when the run ends with it."""
        events = self.trainer.step()
        for event in events:
            self.result.add(event)
        if self.result.diverged or self.trainer.done:
            reason = "diverged" if self.result.diverged else "completed"
            self.finished = Finished(reason, self.trainer.epoch, self.result.train_seconds)
            events.append(self.finished)
        return events


class Comparison:
    """Runs trained side by side on their datasets, one batch of each in turn (round-robin), in one thread.

    ``datasets`` maps a dataset id to its Dataset (each spec's ``config.dataset`` must be there).
    """

    def __init__(self, specs, datasets):
        names = [spec.name for spec in specs]
        if len(set(names)) != len(names):
            raise ValueError(f"two runs are named alike: {', '.join(n for n in names if names.count(n) > 1)}")
        self.runs = [CompareRun(spec, datasets[spec.config.dataset]) for spec in specs]
        self._stop = False

    @classmethod
    def of_runs(cls, runs):
        """A Comparison of CompareRuns already made (a view that adds and removes runs between sessions)."""
        comparison = cls([], {})
        comparison.runs = list(runs)
        return comparison

    def request_stop(self):
        """End ``events`` after the batch in progress (any thread); asked before ``events`` starts, it trains nothing.

        The stop lasts: to train on, make a new Comparison of the same runs (``of_runs``), as the window does.
        """
        self._stop = True

    def events(self):
        """Train every run to its end, one batch per run per turn; yields RunEvents."""
        active = [k for k, run in enumerate(self.runs) if run.finished is None]
        while active and not self._stop:
            for k in list(active):
                run = self.runs[k]
                for event in run.step():
                    yield RunEvent(k, run.spec.name, event)
                if run.finished is not None:
                    active.remove(k)
                if self._stop:
                    break

    def results(self):
        return [run.result for run in self.runs]


# -- one process per run ---------------------------------------------------------------------------
_worker = {}  # in a worker process: the datasets, the queue events go to, the stop flag


def _init_worker(datasets, queue, stop):
    import signal

    from threadpoolctl import threadpool_limits

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the parent, which sets ``stop``
    threadpool_limits(limits=1, user_api="blas")  # two runs on two cores: one BLAS thread each
    _worker.update(datasets=datasets, queue=queue, stop=stop)


def _train_one(k, spec):
    import numpy as np

    run = CompareRun(spec, _worker["datasets"][spec.config.dataset])
    with np.errstate(all="ignore"):  # a diverging run is told by its Diverged event
        while run.finished is None and not _worker["stop"].is_set():
            for event in run.step():
                if not isinstance(event, BatchDone):
                    _worker["queue"].put(RunEvent(k, spec.name, event))
    return run.result


class ProcessComparison:
    """The runs of a Comparison, each trained in a worker process (``workers`` at a time, 1 BLAS thread each)."""

    def __init__(self, specs, datasets, workers):
        import multiprocessing

        self.specs, self.datasets, self.workers = list(specs), datasets, int(workers)
        methods = multiprocessing.get_all_start_methods()
        self._ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")  # fork shares the data
        self._stop = self._ctx.Event()

    def request_stop(self):
        """Stop every run after its batch in progress (any thread, or a signal handler)."""
        self._stop.set()

    def run(self, on_event=None):
        """Train them all; their RunResults in order. ``on_event(RunEvent)`` sees each EpochDone, Diverged, Finished."""
        import queue as queue_module
        from concurrent.futures import ProcessPoolExecutor, wait

        events = self._ctx.Queue()

        def drain():
            try:
                while True:
                    event = events.get(timeout=0.05) if not pending else events.get_nowait()
                    if on_event is not None:
                        on_event(event)
            except queue_module.Empty:
                pass

        with ProcessPoolExecutor(self.workers, mp_context=self._ctx, initializer=_init_worker,
                                 initargs=(self.datasets, events, self._stop)) as pool:
            futures = [pool.submit(_train_one, k, spec) for k, spec in enumerate(self.specs)]
            pending = set(futures)
            while pending:
                _, pending = wait(pending, timeout=0.1)
                drain()
            results = [f.result() for f in futures]
        drain()  # the last events may arrive after their run's result
        return results


# -- presets ---------------------------------------------------------------------------------------
def articles_preset(epochs=1):
    """The articles' four: 784-16-16-10 LeakyReLU hidden, LeakyReLU or Sigmoid at the output × MSE or cross-entropy.

    Everything else as in the articles' script, so the LeakyReLU + MSE run is that script: raw 0–255
    pixels, one sample per step, plain SGD at lr 0.001, their small normal weights. (On pixels scaled
    to 0..1 those tiny weights barely start at lr 0.001 — 11.7 % for all four after 20,000 samples — and
    no single rate suited all four: at 0.1 they reached 16–76 %, at 0.5 one diverged.)
    """
    specs = []
    for out_act, out_title in (("leaky_relu", "LeakyReLU"), ("sigmoid", "Sigmoid")):
        for loss, loss_title in (("mse", "MSE"), ("ce", "CE")):
            config = TrainingConfig(dataset=MNIST, hidden=[16, 16], activations=["leaky_relu"] * 2, loss=loss,
                                    optimizer="sgd", lr=ARTICLES_LR, batch_size=1, epochs=epochs, init="small")
            specs.append(RunSpec(f"{out_title} + {loss_title}", config, out_act, raw_pixels=True))
    return specs


ARTICLES_LR = 0.001


def inits_preset(epochs=1):
    """One run per initialisation (auto left out: it is he and xavier) of 784-16-16-10 LeakyReLU, CE, SGD."""
    return [RunSpec(init, TrainingConfig(dataset=MNIST, hidden=[16, 16], activations=["leaky_relu"] * 2, loss="ce",
                                         optimizer="sgd", lr=0.05, batch_size=32, epochs=epochs, init=init))
            for init in INITIALIZERS if init != "auto"]


PRESETS = {"articles": articles_preset, "inits": inits_preset}


def result_record(spec, result, dataset_title=None):
    """A JSON-ready record of a run: its set-up and its result (what the history keeps)."""
    record = {"name": spec.name, "config": asdict(spec.config), "out_act": spec.out_act, "raw_pixels": spec.raw_pixels}
    record.update({k: v for k, v in asdict(result).items() if k != "name"})
    record["samples_per_second"] = round(result.samples_per_second, 1)
    if dataset_title:
        record["dataset_title"] = dataset_title
    return record
