"""Time and peak memory to refuse hostile checkpoints: a zip bomb, and dataset settings asking for 60 million points.

Run:  python benchmarks/hostile_checkpoints.py [--gib 1.5] [--compare GIT_REF]

Two files are made in a temporary folder:
  bomb.npz      a valid checkpoint plus one unused member of compressed zeros (--gib GiB of them, in ~1 MB
                per GiB; built as tests/npz_mutations.py builds its bombs)
  points.npz    a valid checkpoint of a spirals network whose dataset_params ask for n = 60,000,000
Each is read in a fresh interpreter: by load_checkpoint for both, and by `main.py evaluate` for the second,
as a person would run it. The child measures its own peak RSS (resource.getrusage, ru_maxrss) once
everything is imported and again after the read, and the seconds the read took. The acceptance: each is
refused in under 0.5 s with a peak under 100 MB above the interpreter's. --compare runs the same
readers from another commit (e.g. c137061) for the figures before.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from engine import NeuralNetwork  # noqa: E402
from engine.files.checkpoint import save_checkpoint  # noqa: E402
from tests.npz_mutations import deflated_zeros_npy, with_deflated_member  # noqa: E402

MB = 2**20
CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
import numpy
import main
from engine.files.checkpoint import load_checkpoint
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
t0 = time.perf_counter()
try:
    if sys.argv[2] == "evaluate":
        import io, contextlib
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main.main(["evaluate", sys.argv[3]])
        outcome = f"exit {code}: {err.getvalue().strip()[:160]}"
    else:
        load_checkpoint(sys.argv[3])
        outcome = "accepted"
except Exception as exc:
    outcome = f"{type(exc).__name__}: {str(exc)[:160]}"
seconds = time.perf_counter() - t0
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "before": before, "after": after, "outcome": outcome}))
"""


def make_files(folder, gib):
    net = NeuralNetwork.build([2, 8, 8, 2], "tanh", "ce", optimizer="adam", lr=0.01, seed=0)
    points = os.path.join(folder, "points.npz")
    save_checkpoint(points, net, extra={"dataset": "spirals", "dataset_params": {
        "n": 60_000_000, "noise": 0.03, "seed": 0, "test_fraction": 0.2}})
    valid = os.path.join(folder, "valid.npz")
    save_checkpoint(valid, net, extra={"dataset": "spirals"})
    with open(valid, "rb") as fh:
        raw, crc, size = deflated_zeros_npy(int(gib * 1024))
        bomb_bytes = with_deflated_member(fh.read(), "padding.npy", raw, crc, size)
    bomb = os.path.join(folder, "bomb.npz")
    with open(bomb, "wb") as fh:
        fh.write(bomb_bytes)
    return [("zip bomb", "load", bomb, size), ("60 million points", "load", points, None),
            ("60 million points", "evaluate", points, None)]


def measure(root, how, path):
    done = subprocess.run([sys.executable, "-c", CHILD, root, how, path], capture_output=True, text=True,
                          timeout=600, cwd=root)
    if done.returncode != 0:
        return {"seconds": float("nan"), "before": 0, "after": 0, "outcome": done.stderr.strip()[-200:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gib", type=float, default=1.5, help="GiB of zeros in the bomb's unused member")
    parser.add_argument("--compare", metavar="GIT_REF", help="also run the readers of this commit")
    args = parser.parse_args(argv)
    folder = tempfile.TemporaryDirectory()
    cases = make_files(folder.name, args.gib)
    roots = [("this tree", ROOT)]
    if args.compare:
        old = os.path.join(folder.name, "old")
        os.mkdir(old)
        archive = subprocess.run(["git", "-C", ROOT, "archive", args.compare, "engine", "main.py"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", old], input=archive, check=True)
        roots.append((args.compare, old))
    ok = True
    for label, root in roots:
        print(f"-- readers of {label}")
        for what, how, path, inflated in cases:
            r = measure(root, how, path)
            extra = r["after"] - r["before"]
            size = os.path.getsize(path)
            note = f" ({inflated / MB:,.0f} MB inflated)" if inflated else ""
            print(f"{what:<18} {how:<8} file {size / MB:5.2f} MB{note}: {r['seconds']:6.3f} s, peak RSS "
                  f"{r['before'] / MB:,.0f} → {r['after'] / MB:,.0f} MB (+{extra / MB:,.1f} MB) — {r['outcome']}")
            if root == ROOT:
                ok &= r["seconds"] < 0.5 and extra < 100 * MB and r["outcome"] != "accepted"
    print("acceptance (refused, < 0.5 s, < 100 MB over the interpreter):", "met" if ok else "NOT MET")
    folder.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
