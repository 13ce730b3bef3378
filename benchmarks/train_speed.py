"""Training speed: one MNIST epoch through the engine's Trainer, against PyTorch and bare GEMM calls.

Run:  python benchmarks/train_speed.py [--data DIR] [--reps 7] [--threads 1,2] [--per-sample N] [--native-blas]
                                      [--cpu-time]

For each model it times one epoch of 60,000 samples in float32 (median of ``--reps`` runs):
- engine:   engine.training.Trainer.run(), the real path: shuffled batch gathered from the uint8
            images, cast and scaled, forward, loss, backward, SGD update, divergence check, events.
            The test split is left out so that the end-of-epoch evaluation is not timed.
- pytorch:  the same model with nn.Linear and torch.optim.SGD, data pre-converted to one float32
            tensor, batches by indexing a random permutation (no DataLoader); skipped without torch.
- gemm:     only the matrix products a forward and backward pass need (3 per layer, minus the first
            layer's gradient to its input), same shapes and layout, in NumPy.
Then per-sample training (batch 1, the articles' way): ``net.train(x, t)`` on single columns against
the articles' plain NumPy code written out here (same init, LeakyReLU, MSE, float32).
Ratios below 1 mean the engine is faster. Each case's targets are printed with "met" or "MISSED".
The machine is shared: read medians, not single runs (``--cpu-time`` is steadier under load).

OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (if set) pick an older BLAS kernel; ``--native-blas`` also runs
the whole benchmark again in a child process with both unset, to show what the native kernel gives.
"""

import argparse
import dataclasses
import os
import statistics
import subprocess
import sys
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from engine.data.datasets import load_mnist  # noqa: E402
from engine.data.mnist_source import MNIST_ENV, find_mnist  # noqa: E402
from engine.network import NeuralNetwork  # noqa: E402
from engine.training import Trainer  # noqa: E402

BLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
clock = time.perf_counter  # wall clock; --cpu-time switches to this thread's CPU time


@dataclasses.dataclass(frozen=True)
class Case:
    """One model to time: sizes, hidden activation, output activation, loss, batch size."""

    name: str
    sizes: tuple
    act: str  # hidden layers
    out_act: str  # last layer
    loss: str
    batch: int
    lr: float = 0.05
    targets: tuple = ()  # what is asked of this case: ("gemm" | "pytorch" | "seconds", at most), printed beside it


CASES = [
    Case("784-16-16-10 CE", (784, 16, 16, 10), "leaky_relu:0.1", "identity", "ce", 32,
         targets=(("gemm", 3.0), ("seconds", 0.25))),
    Case("784-16-16-10 MSE", (784, 16, 16, 10), "leaky_relu:0.1", "leaky_relu:0.1", "mse", 32),
    Case("784-128-64-10 CE", (784, 128, 64, 10), "relu", "identity", "ce", 128,
         targets=(("gemm", 1.25), ("pytorch", 0.5))),
]
PER_SAMPLE_TARGET = 0.8  # net.train at most this times the articles' plain code


def targets_met(case, med):
    """'engine ≤ 3.0 × gemm: met; …' for the case's targets, from the median seconds ``med`` of each kind."""
    said = []
    for kind, limit in case.targets:
        if kind == "seconds":
            said.append(f"engine ≤ {limit:g} s: {_verdict(med['engine'] <= limit)}")
        elif kind in med:
            said.append(f"engine ≤ {limit:g} × {kind}: {_verdict(med['engine'] <= limit * med[kind])}")
        else:
            said.append(f"engine ≤ {limit:g} × {kind}: not measured")
    return "; ".join(said)


def _verdict(met):
    return "met" if met else "MISSED"


# -- the three ways of training one epoch ---------------------------------------------------------
def engine_epoch(case, dataset, seed):
    """Seconds for one epoch through Trainer.run() (the test split is empty: no evaluation)."""
    net = NeuralNetwork.build(case.sizes, case.act, case.loss, out_act=case.out_act, lr=case.lr, seed=seed)
    trainer = Trainer(net, dataset, batch_size=case.batch, epochs=1, seed=seed)
    start = clock()
    for event in trainer.run():
        pass
    seconds = clock() - start
    if event.reason != "completed":
        raise RuntimeError(f"{case.name}: training ended with {event.reason}")
    return seconds


def gemm_epoch(case, n_samples, seed):
    """Seconds for the matrix products alone: W a (forward), δ a_inᵀ (dW) and Wᵀ δ (except layer 1)."""
    rng = np.random.default_rng(seed)
    sizes = case.sizes
    Ws = [rng.standard_normal((o, i)).astype(np.float32) * 0.05 for i, o in zip(sizes[:-1], sizes[1:])]
    dWs = [np.empty_like(W) for W in Ws]

    def buffers(n):
        rows = rng.random((n, sizes[0]), dtype=np.float32)  # a batch as the Trainer stores it
        acts = [rows.T] + [rng.random((o, n), dtype=np.float32) for o in sizes[1:]]
        deltas = [rng.standard_normal((o, n)).astype(np.float32) for o in sizes[1:]]
        grads = [np.empty((i, n), np.float32) for i in sizes[1:-1]]
        return acts, deltas, grads

    full = buffers(case.batch)
    last = n_samples % case.batch
    tail = buffers(last) if last else None
    start = clock()
    for pos in range(0, n_samples, case.batch):
        acts, deltas, grads = tail if (tail and pos + case.batch > n_samples) else full
        for k, W in enumerate(Ws):
            np.matmul(W, acts[k], out=acts[k + 1])
        for k in range(len(Ws) - 1, -1, -1):
            np.matmul(deltas[k], acts[k].T, out=dWs[k])
            if k > 0:
                np.matmul(Ws[k].T, deltas[k], out=grads[k - 1])
    return clock() - start


def torch_epoch(case, torch_data, seed, threads):
    """Seconds for one epoch of the same model in PyTorch (plain SGD, batches by indexing)."""
    import torch
    from torch import nn

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    X, y = torch_data

    def act(spec):
        name, _, alpha = spec.partition(":")
        return {"relu": nn.ReLU(), "identity": nn.Identity(),
                "leaky_relu": nn.LeakyReLU(float(alpha or 0.1))}[name]

    layers = []
    sizes = case.sizes
    for k, (i, o) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers += [nn.Linear(i, o), act(case.out_act if k == len(sizes) - 2 else case.act)]
    model = nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=case.lr)
    if case.loss == "ce":
        lossf = nn.CrossEntropyLoss()
        targets = y
    else:
        lossf = nn.MSELoss()
        targets = torch.nn.functional.one_hot(y, sizes[-1]).float()
    n = len(y)
    start = clock()
    order = torch.randperm(n)
    for pos in range(0, n, case.batch):
        idx = order[pos : pos + case.batch]
        opt.zero_grad(set_to_none=True)
        loss = lossf(model(X[idx]), targets[idx])
        loss.backward()
        opt.step()
        loss.item()  # the engine hands every batch's loss to its listeners; so does this
    return clock() - start


# -- per-sample training, the articles' way ------------------------------------------------------------
PER_SAMPLE_SIZES = (784, 16, 16, 10)  # the articles' script: LeakyReLU, MSE, lr 0.001, raw 0–255 pixels


def per_sample_columns(dataset, n):
    """The first ``n`` samples as the articles' script feeds them: float32 columns and one-hot targets."""
    xs = dataset.x_train[:n].astype(np.float32)[:, :, None]  # (n, 784, 1): one column per sample
    ts = np.zeros((n, PER_SAMPLE_SIZES[-1], 1), np.float32)
    ts[np.arange(n), dataset.y_train[:n], 0] = 1
    return xs, ts


def articles_layers(seed):
    from engine import Layer, LeakyReLU

    sizes = PER_SAMPLE_SIZES
    return [Layer(i, o, LeakyReLU(), rng=seed + k) for k, (i, o) in enumerate(zip(sizes[:-1], sizes[1:]))]


def engine_per_sample(columns, seed):
    """Seconds for ``net.train(x, t)`` once per column, the articles' script on the engine."""
    from engine import MSELoss

    net = NeuralNetwork(articles_layers(seed), MSELoss(), 0.001)
    start = clock()
    for x, t in zip(*columns):
        net.train(x, t)
    return clock() - start


def plain_per_sample(columns, seed):
    """Seconds for the articles' plain code on the same columns: same init, maths written out in NumPy.

    Forward z = W·x + b, a = f(z) per layer; MSE's gradient 2(a − t)/size; backward per layer from the
    last: db = f′(z)·dx; dx = Wᵀ·db; dW = db·xᵀ; W −= lr·dW; b −= lr·db. The loss is computed too, as
    ``net.train`` returns it.
    """
    layers = articles_layers(seed)
    params = [(layer.W.copy(), layer.b.copy(), layer.act) for layer in layers]
    lr = np.float32(0.001)
    start = clock()
    for x, t in zip(*columns):
        xs, zs = [x], []
        for W, b, act in params:
            z = np.dot(W, xs[-1]) + b
            zs.append(z)
            xs.append(act.f(z))
        out = xs[-1]
        np.mean((out - t) ** 2)  # the loss, which net.train returns
        dx = 2 * (out - t) / out.size
        for k in range(len(params) - 1, -1, -1):
            W, b, act = params[k]
            db = act.df(zs[k]) * dx
            dx = np.dot(W.T, db)
            dW = np.dot(db, xs[k].T)
            W -= lr * dW
            b -= lr * db
    return clock() - start


def run_per_sample(args, dataset):
    columns = per_sample_columns(dataset, args.per_sample)
    times = {"engine": [], "plain": []}
    for rep in range(-1, args.reps):
        for kind, fn in (("engine", engine_per_sample), ("plain", plain_per_sample)):
            seconds = fn(columns, rep + 1)
            if rep >= 0:
                times[kind].append(seconds)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"per sample (batch 1), {args.per_sample} samples, {'-'.join(map(str, PER_SAMPLE_SIZES))} LeakyReLU MSE: "
          f"net.train {med['engine']:.3f} s, articles' plain code {med['plain']:.3f} s, "
          f"ratio {med['engine'] / med['plain']:.2f}  (target ≤ {PER_SAMPLE_TARGET:g}: "
          f"{_verdict(med['engine'] <= PER_SAMPLE_TARGET * med['plain'])})")
    if args.verbose:
        for k, v in times.items():
            print(f"    {k:8s} " + " ".join(f"{s:.3f}" for s in v))


# -- running and reporting -------------------------------------------------------------------------
def load_dataset(folder):
    folder = find_mnist(folder) or sys.exit(f"no MNIST found: name its folder with --data or {MNIST_ENV}, or run `python main.py download`")
    full = load_mnist(folder)
    return dataclasses.replace(full, x_test=full.x_test[:0], y_test=full.y_test[:0])


def torch_tensors(dataset):
    try:
        import torch
    except ImportError:
        return None
    X = torch.from_numpy(dataset.x_train.astype(np.float32) * np.float32(dataset.scale))
    return X, torch.from_numpy(dataset.y_train.astype(np.int64))


def run(args):
    dataset = load_dataset(args.data)
    n = len(dataset.y_train)
    torch_data = torch_tensors(dataset)
    blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
    kernel = ", ".join(f"{i['internal_api']} {i.get('version')} {i.get('architecture')}" for i in blas)
    env = " ".join(f"{v}={os.environ[v]}" for v in BLAS_VARS if v in os.environ) or "unset"
    print(f"NumPy {np.__version__}; BLAS: {kernel}; {' / '.join(BLAS_VARS)}: {env}")
    if torch_data is None:
        print("PyTorch is not importable: the PyTorch reference was skipped.")
    else:
        import torch

        print(f"PyTorch {torch.__version__}")
    print(f"{n} training samples per epoch, float32, median of {args.reps} runs (after one warm-up run), "
          f"{'CPU seconds of this thread' if clock is time.thread_time else 'wall-clock seconds'}")
    print(f"load average before: {_load()} (other processes make every figure slower and noisier)\n")

    for threads in args.threads:
        print(f"== {threads} thread{'s' if threads > 1 else ''} (BLAS via threadpoolctl; torch.set_num_threads)")
        print(f"{'model':<18} {'batch':>5} {'engine s':>9} {'pytorch s':>10} {'gemm s':>8} "
              f"{'eng/torch':>10} {'eng/gemm':>9}  targets")
        with threadpool_limits(threads):
            for case in args.cases:
                kinds = {"engine": lambda r: engine_epoch(case, dataset, r),
                         "gemm": lambda r: gemm_epoch(case, n, r)}
                if torch_data is not None:
                    kinds["pytorch"] = lambda r: torch_epoch(case, torch_data, r, threads)
                times = {k: [] for k in kinds}
                for rep in range(-1, args.reps):  # rep -1 warms up; kinds alternate so noise hits all
                    for kind, fn in kinds.items():
                        seconds = fn(rep + 1)
                        if rep >= 0:
                            times[kind].append(seconds)
                med = {k: statistics.median(v) for k, v in times.items()}
                torch_s = f"{med['pytorch']:10.3f}" if "pytorch" in med else f"{'skipped':>10}"
                ratio_t = f"{med['engine'] / med['pytorch']:10.2f}" if "pytorch" in med else f"{'-':>10}"
                print(f"{case.name:<18} {case.batch:>5} {med['engine']:9.3f} {torch_s} {med['gemm']:8.3f} "
                      f"{ratio_t} {med['engine'] / med['gemm']:9.2f}  {targets_met(case, med)}")
                if args.verbose:
                    for k, v in times.items():
                        print(f"    {k:8s} " + " ".join(f"{s:.3f}" for s in v))
            if args.per_sample:
                run_per_sample(args, dataset)
        print(f"load average after: {_load()}\n")


def _load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", help=f"MNIST folder (default: ${MNIST_ENV}, else the user cache)")
    parser.add_argument("--reps", type=int, default=7, help="timed runs per measurement (median reported)")
    parser.add_argument("--threads", default="1", help="comma-separated thread counts, e.g. 1,2")
    parser.add_argument("--only", help="run only the cases whose name contains this text")
    parser.add_argument("--per-sample", type=int, default=10000, metavar="N",
                        help="also time N per-sample steps (batch 1) against the articles' plain code (0: skip)")
    parser.add_argument("--verbose", action="store_true", help="print every run's seconds")
    parser.add_argument("--cpu-time", action="store_true",
                        help="time with this thread's CPU time, not the wall clock (1 thread only): "
                             "steadier when other processes share the machine")
    parser.add_argument("--native-blas", action="store_true",
                        help=f"then run again in a child process with {' and '.join(BLAS_VARS)} unset")
    args = parser.parse_args(argv)
    args.threads = [int(t) for t in args.threads.split(",")]
    if args.cpu_time:
        if args.threads != [1]:
            parser.error("--cpu-time needs --threads 1: other threads' work would not be counted")
        global clock
        clock = time.thread_time
    args.cases = [c for c in CASES if not args.only or args.only in c.name]
    run(args)
    if args.native_blas and any(v in os.environ for v in BLAS_VARS):
        print(f"== again with {' and '.join(BLAS_VARS)} unset (native BLAS kernel)\n", flush=True)
        env = {k: v for k, v in os.environ.items() if k not in BLAS_VARS}
        child = [a for a in (argv if argv is not None else sys.argv[1:]) if a != "--native-blas"]
        subprocess.run([sys.executable, os.path.abspath(__file__), *child], env=env, check=True)


if __name__ == "__main__":
    main()
