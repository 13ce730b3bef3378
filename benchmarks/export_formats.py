"""Exports of a model: size of each format, time to export, and test accuracy when run outside the engine.

Each format is written from the checkpoint, then the whole MNIST test set (or a 2-D set's test split)
goes through it: ONNX in onnxruntime, the NumPy script in a separate interpreter (give one whose
environment has only NumPy with --numpy-python), PyTorch in this process. The engine's own accuracy is
the reference; every runtime must match it to the sample.

    python benchmarks/export_formats.py /tmp/m.npz --numpy-python /tmp/np-only/bin/python
Data: --data DIR (default $BACKPROP_STUDIO_MNIST) for MNIST models.

Measured (2 cores shared with other work, 2026-12; NumPy script run in a fresh venv holding only NumPy):
    784-128-64-10 ReLU after `train --epochs 1` (checkpoint 1.8 MB with Adam's moments), engine 95.21 %:
    onnx    model.onnx            438.8 kB   export 1.09 s (0.02 s once onnx is imported)   95.21 %, onnxruntime 1.32.0
    numpy   model.py + model.npz  446.7 kB   export 0.03 s                                  95.21 %, 0.5 s with start-up
    torch   model.py + model.npz  445.8 kB   export 0.01 s                                  95.21 %, torch 2.13.0+cpu
    bundled 784-384-192-10: 1.51 MB each, 98.82 % in all three; no prediction differs from the engine's.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from engine.export import FORMATS, export_model  # noqa: E402
from engine.files.checkpoint import load_checkpoint  # noqa: E402


def test_set(extra, data_dir):
    """(x stored values as rows, labels) of the checkpoint's dataset."""
    name = extra.get("dataset")
    if name == "mnist":
        from engine.data.datasets import load_mnist

        data = load_mnist(data_dir or os.environ["BACKPROP_STUDIO_MNIST"])
    else:
        from engine.data.toy_datasets import make_toy

        params = extra.get("dataset_params") or {}
        data = make_toy(name, n=params.get("n", 1000), noise=params.get("noise"), seed=params.get("seed", 0))
    return data, data.x_test, data.y_test


def run_onnx(path, x):
    import onnxruntime as ort

    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    return session.run(None, {"x": x})[0], f"onnxruntime {ort.__version__}"


def run_numpy(script, raw, python, folder):
    np.save(os.path.join(folder, "samples.npy"), raw)
    out = os.path.join(folder, "outputs.npy")
    subprocess.run([python, "-I", script, os.path.join(folder, "samples.npy"), "--out", out], check=True,
                   env={"PATH": os.environ.get("PATH", "")}, cwd=folder)
    return np.load(out), f"NumPy script in {python}"


def run_torch(script, raw):
    import importlib.util

    import torch

    spec = importlib.util.spec_from_file_location("exported_torch_model", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with torch.no_grad():
        return module.build()(module.scale_input(raw)).numpy(), f"torch {torch.__version__}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", help="a checkpoint (.npz)")
    parser.add_argument("--data", help="MNIST folder (default $BACKPROP_STUDIO_MNIST)")
    parser.add_argument("--numpy-python", default=sys.executable, help="interpreter that runs the NumPy script")
    parser.add_argument("--out-dir", help="keep the exports here (default: a temporary folder)")
    args = parser.parse_args(argv)

    net, extra = load_checkpoint(args.model)
    data, raw, labels = test_set(extra, args.data)
    X, _ = data.columns("test")
    reference = net.predict(X)
    print(f"{os.path.basename(args.model)}: {'-'.join(map(str, net.sizes))} on {data.title}, "
          f"engine accuracy {100 * np.mean(reference == labels):.2f} % ({len(labels):,} test samples)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.out_dir or tmp
        for fmt in FORMATS:
            times = []
            for _ in range(2):  # the first export of a session includes importing onnx (0.7 s of it)
                t0 = time.perf_counter()
                written = export_model(args.model, fmt, os.path.join(folder, f"model_{fmt}"))
                times.append(time.perf_counter() - t0)
            size = sum(os.path.getsize(p) for p in written)
            t0 = time.perf_counter()
            if fmt == "onnx":
                outputs, how = run_onnx(written[0], np.ascontiguousarray(X.T))
            elif fmt == "numpy":
                outputs, how = run_numpy(written[0], raw, args.numpy_python, folder)
            else:
                outputs, how = run_torch(written[0], raw)
            run_seconds = time.perf_counter() - t0
            predicted = outputs.argmax(axis=1)
            accuracy = 100 * np.mean(predicted == labels)
            print(f"{fmt:6}  {' + '.join(os.path.basename(p) for p in written):36} {size / 1000:7.1f} kB  "
                  f"export {times[0]:.2f} s, again {times[1]:.2f} s  accuracy {accuracy:.2f} %  "
                  f"({np.sum(predicted != reference)} predictions differ from the engine)  {how}, {run_seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
