"""Training under load: one MNIST epoch idle, then beside a CPU-bound program, as `train` runs it.

Run:  python benchmarks/train_under_load.py [--data DIR] [--arch 784-256-128-10] [--batch 128] [--threads 1,2]

The run is built by the CLI's own code (engine/cli: `train --arch … --batch …`, every other option
its default: Adam, relu, init, seed) and trained inside the same BLAS thread limit `train --threads N`
sets. For each thread count it times one epoch with nothing else started, then one epoch while a
child `python -c 'while True: pass'` spins (started here, killed here, and bounded by a timeout
in case this process dies), and prints the ratio loaded / idle. The test split is left out so
the end-of-epoch evaluation is not timed. Other processes on the machine make both figures slower;
the load average is printed beside them, and so are the CPU seconds the process used: wall time
that grows while CPU time does not is time spent waiting for a core, not work done twice over
(BLAS threads that spin while they wait for one another show as CPU time that grows).
"""

import argparse
import dataclasses
import os
import subprocess
import sys
import time

from threadpoolctl import threadpool_limits

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from engine.cli.parser import build_parser  # noqa: E402
from engine.cli.train import new_run  # noqa: E402
from engine.data.mnist_source import MNIST_ENV, find_mnist  # noqa: E402

SPIN_LIMIT = 600  # seconds the competitor may live at most, even if this process is killed


def epoch_seconds(argv):
    """(wall, CPU) seconds for one epoch of the run `train argv` builds, inside its --threads BLAS limit."""
    args = build_parser().parse_args(["train", *argv, "--epochs", "1", "--quiet"])
    run = new_run(args)
    trainer = run.trainer
    trainer.dataset = dataclasses.replace(trainer.dataset, x_test=trainer.dataset.x_test[:0],
                                          y_test=trainer.dataset.y_test[:0])
    with threadpool_limits(limits=args.threads, user_api="blas"):
        start, cpu = time.perf_counter(), time.process_time()
        for event in trainer.run():
            pass
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    if event.reason != "completed":
        raise RuntimeError(f"training ended with {event.reason}")
    return seconds, cpu


class Competitor:
    """A CPU-bound child (a bare Python loop) for as long as the ``with`` block lasts."""

    def __enter__(self):
        code = f"import signal; signal.alarm({SPIN_LIMIT})\nwhile True: pass"
        self.child = subprocess.Popen([sys.executable, "-c", code])
        time.sleep(0.3)  # let it reach its loop and the scheduler notice it
        return self

    def __exit__(self, *exc):
        self.child.kill()
        self.child.wait()


def _load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", help=f"MNIST folder (default: ${MNIST_ENV}, else the user cache)")
    parser.add_argument("--arch", default="784-256-128-10")
    parser.add_argument("--batch", default="128")
    parser.add_argument("--threads", default="1,2", help="comma-separated BLAS thread counts; 1 is train's default")
    parser.add_argument("--reps", type=int, default=1, help="epochs per measurement (the median is kept)")
    args = parser.parse_args(argv)
    folder = find_mnist(args.data) or sys.exit(f"no MNIST found: name its folder with --data or {MNIST_ENV}")
    base = ["--data", folder, "--arch", args.arch, "--batch", args.batch]
    print(f"train {' '.join(base[2:])} (other options: the CLI's defaults), one epoch; {os.cpu_count()} CPUs")
    print(f"load average before: {_load()}")
    epoch_seconds(base + ["--threads", "1"])  # warm-up: loads the data into the page cache, first BLAS calls
    for threads in (int(t) for t in args.threads.split(",")):
        run = base + ["--threads", str(threads)]
        idle, loaded = [], []
        for _ in range(args.reps):  # alternate so slow spells of the machine hit both
            idle.append(epoch_seconds(run))
            with Competitor():
                loaded.append(epoch_seconds(run))
        (idle_s, idle_cpu), (loaded_s, loaded_cpu) = sorted(idle)[len(idle) // 2], sorted(loaded)[len(loaded) // 2]
        default = " (train's default)" if threads == 1 else ""
        print(f"--threads {threads}{default}: idle {idle_s:.2f} s, beside a busy loop {loaded_s:.2f} s: "
              f"ratio {loaded_s / idle_s:.2f}× (CPU seconds {idle_cpu:.2f} → {loaded_cpu:.2f}, "
              f"{loaded_cpu / idle_cpu:.2f}×)   load average {_load()}", flush=True)


if __name__ == "__main__":
    main()
