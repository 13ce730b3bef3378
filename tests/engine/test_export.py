"""Exported models (ONNX, NumPy script, PyTorch script) give the engine's outputs on the same inputs."""

import importlib
import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from engine import ACTIVATIONS, NeuralNetwork
from engine.data.mnist_source import MNIST_ENV
from engine.data.toy_datasets import make_toy
from engine.export import ExportError, export_model, plain_model
from engine.files.checkpoint import load_checkpoint, save_checkpoint
from tests import optional_package

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUNDLED = os.path.join(ROOT, "resources", "models", "mnist_mlp.npz")
N = 1000  # samples compared per model
TOLERANCE = 1e-5  # float32: summation order differs between runtimes, nothing else may


def need(name):
    return optional_package.need(name, "pip install '.[export-test]' and torch (CPU)")


# -- inputs and the engine's outputs --------------------------------------------------------------
def mnist_samples():
    """N MNIST test images as stored (uint8 rows), or random pixels 0..255 when MNIST is not at hand."""
    folder = os.environ.get(MNIST_ENV)
    if folder and os.path.isdir(folder):
        from engine.data.datasets import load_mnist

        return load_mnist(folder).x_test[:N]
    return np.random.default_rng(0).integers(0, 256, (N, 784)).astype(np.uint8)


def points():
    """N points of the plane: a blobs test set plus points around it (stored values = network input)."""
    blobs = make_toy("blobs", n=500, seed=1).x_test
    extra = np.random.default_rng(2).uniform(-1.5, 1.5, (N - len(blobs), 2)).astype(np.float32)
    return np.concatenate([blobs, extra])


def engine_outputs(net, model, samples):
    """What the engine gives for ``samples`` (rows as stored): probabilities for softmax models, else outputs."""
    X = (samples.reshape(len(samples), -1).astype(np.float32) * np.float32(model.input_scale)).T
    out = net.predict_proba(X) if model.output == "softmax" else net.infer(X)
    return out.T


def assert_same(outputs, expected):
    assert outputs.shape == expected.shape
    assert np.max(np.abs(outputs - expected)) <= TOLERANCE
    assert np.array_equal(np.argmax(outputs, axis=1), np.argmax(expected, axis=1))


def every_activation_net(loss="ce"):
    """A 2-D classifier whose layers use every activation the engine has (leaky slope not the default)."""
    acts = [f"{name}:0.2" if name == "leaky_relu" else name for name in ACTIVATIONS]
    sizes = [2] + [12] * (len(acts) - 1) + [3]
    net = NeuralNetwork.build(sizes, acts, loss, seed=3, optimizer="adam", lr=0.01)
    data = make_toy("blobs", n=600, seed=1)
    for _ in range(60):  # trained a little, so the outputs are not all alike
        net.train(data.x_train.T, data.y_train)
    return net


def trained_2d_checkpoint(tmp_path, loss="ce"):
    path = tmp_path / f"blobs_{loss}.npz"
    save_checkpoint(path, every_activation_net(loss), extra={"dataset": "blobs", "dataset_params": {"n": 600}})
    return path


CASES = {
    "mnist": lambda tmp_path: (BUNDLED, mnist_samples()),
    "2d": lambda tmp_path: (trained_2d_checkpoint(tmp_path), points()),
    "2d-mse": lambda tmp_path: (trained_2d_checkpoint(tmp_path, "mse"), points()),
}


def case(name, tmp_path):
    """(checkpoint path, net, PlainModel, samples, engine outputs) of a test case."""
    path, samples = CASES[name](tmp_path)
    net, extra = load_checkpoint(path)
    model = plain_model(net, extra)
    return path, net, model, samples, engine_outputs(net, model, samples)


# -- the three formats agree with the engine ------------------------------------------------------
@pytest.mark.parametrize("name", list(CASES))
def test_onnx_export_runs_in_onnxruntime_with_the_engines_outputs(tmp_path, name):
    onnx, ort = need("onnx"), need("onnxruntime")
    path, net, model, samples, expected = case(name, tmp_path)
    written = export_model(path, "onnx", tmp_path / "model")
    assert written == [str(tmp_path / "model.onnx")]
    proto = onnx.load(written[0])
    onnx.checker.check_model(proto, full_check=True)
    assert [op.version for op in proto.opset_import] == [17]
    meta = {p.key: p.value for p in proto.metadata_props}
    assert float(meta["input_scale"]) == model.input_scale
    ops = [node.op_type for node in proto.graph.node]
    assert ops.count("Gemm") == len(net.layers)
    assert (ops[-1] == "Softmax") == (model.output == "softmax")
    session = ort.InferenceSession(written[0], providers=["CPUExecutionProvider"])
    x = samples.reshape(len(samples), -1).astype(np.float32) * np.float32(float(meta["input_scale"]))
    (outputs,) = session.run(None, {"x": x})
    assert_same(outputs, expected)


@pytest.mark.parametrize("name", list(CASES))
def test_numpy_export_runs_alone_with_the_engines_outputs(tmp_path, name):
    path, net, model, samples, expected = case(name, tmp_path)
    out_dir = tmp_path / "elsewhere"
    out_dir.mkdir()
    script, weights = export_model(path, "numpy", out_dir / "digits.py")
    assert weights == str(out_dir / "digits.npz")
    np.save(tmp_path / "samples.npy", samples)
    # A clean interpreter (-I: no PYTHONPATH, no user site, not the project folder) where the engine and
    # the other frameworks cannot be imported: the script must get by with NumPy and the standard library.
    probe = (
        "import runpy, sys\n"
        "for name in ('engine', 'gui', 'torch', 'onnx', 'onnxruntime'):\n"
        "    sys.modules[name] = None\n"
        f"sys.argv = [{script!r}] + sys.argv[1:]\n"
        "try:\n"
        "    runpy.run_path(sys.argv[0], run_name='__main__')\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        "others = {m.split('.')[0] for m in sys.modules} - set(sys.stdlib_module_names)\n"
        "print('third-party:', sorted(m for m in others if not m.startswith('_') and sys.modules.get(m)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", probe, str(tmp_path / "samples.npy"), "--out", str(tmp_path / "out.npy")],
        cwd=tmp_path, env={"PATH": os.environ.get("PATH", "")}, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "third-party: ['numpy']" in result.stdout
    assert_same(np.load(tmp_path / "out.npy"), expected)


@pytest.mark.parametrize("name", list(CASES))
def test_torch_export_gives_the_engines_outputs(tmp_path, name):
    torch = need("torch")
    path, net, model, samples, expected = case(name, tmp_path)
    script, _ = export_model(path, "torch", tmp_path / f"torch_{name.replace('-', '_')}.py")
    spec = importlib.util.spec_from_file_location("exported_torch_model", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sequential = module.build()
    assert isinstance(sequential, torch.nn.Sequential)
    assert sum(isinstance(m, torch.nn.Linear) for m in sequential) == len(net.layers)
    with torch.no_grad():
        outputs = sequential(module.scale_input(samples)).numpy()
    assert_same(outputs, expected)
    if model.output == "softmax":  # without the softmax it gives the logits, for nn.CrossEntropyLoss
        with torch.no_grad():
            logits = module.build(softmax=False)(module.scale_input(samples)).numpy()
        reference = net.infer(module.scale_input(samples).numpy().T).T
        np.testing.assert_allclose(logits, reference, rtol=TOLERANCE, atol=TOLERANCE)  # logits reach ±20


def test_every_activation_has_an_export():
    """A new activation in the engine fails here until the export maps it (plain_model names each one)."""
    from engine.export.onnx_export import ACTIVATION_OPS

    model = plain_model(every_activation_net())
    assert [name for name, _ in model.activations] == list(ACTIVATIONS)
    assert dict(model.activations)["leaky_relu"] == 0.2
    assert set(ACTIVATION_OPS) == set(ACTIVATIONS)


def test_a_float64_network_is_exported_in_float32(tmp_path):
    net = NeuralNetwork.build([2, 6, 3], "tanh", "ce", seed=4, dtype=np.float64)
    model = plain_model(net)
    assert all(W.dtype == b.dtype == np.float32 for W, b in model.weights)
    assert np.allclose(model.weights[0][0], net.layers[0].W, atol=1e-7)


# -- what the exports record about the input ------------------------------------------------------
def test_mnist_input_scale_is_what_the_dataset_feeds_the_network(mnist):
    model = plain_model(*load_checkpoint(BUNDLED))
    assert model.input_scale == mnist.scale
    assert model.input_shape == tuple(mnist.input_shape) and model.class_names == mnist.class_names
    X, _ = mnist.columns("test", 0, 5)
    raw = mnist.x_test[:5].astype(np.float32) * np.float32(model.input_scale)
    assert np.array_equal(raw.T, X)


def test_the_npz_holds_plain_arrays_in_the_documented_layout(tmp_path):
    net, extra = load_checkpoint(BUNDLED)
    _, weights = export_model(BUNDLED, "numpy", tmp_path / "m.py")
    with np.load(weights, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    assert str(arrays["format"]) == "backprop-studio-export" and int(arrays["version"]) == 1
    for k, layer in enumerate(net.layers, start=1):
        assert arrays[f"W{k}"].shape == (layer.outs, layer.ins) and arrays[f"b{k}"].shape == (layer.outs, 1)
        assert arrays[f"W{k}"].dtype == np.float32
        assert np.array_equal(arrays[f"W{k}"], layer.W)
    assert list(arrays["activations"]) == ["relu", "relu", "identity"]
    assert np.isnan(arrays["leaky_slopes"]).all()
    assert str(arrays["output"]) == "softmax" and str(arrays["dataset"]) == "mnist"
    assert float(arrays["input_scale"]) == np.float32(1 / 255)
    assert list(arrays["input_shape"]) == [28, 28] and list(arrays["class_names"]) == [str(d) for d in range(10)]
    assert "255" in str(arrays["input_description"])


def test_a_2d_export_records_its_dataset_and_unscaled_input(tmp_path):
    model = plain_model(every_activation_net(), {"dataset": "blobs"})
    data = make_toy("blobs", n=16)
    assert model.input_scale == data.scale == 1.0
    assert model.class_names == data.class_names and model.input_shape == (2,)


def test_a_network_without_dataset_is_exported_with_its_inputs_unchanged(tmp_path):
    net = NeuralNetwork.build([5, 4, 3], "tanh", "ce", seed=0)
    model = plain_model(net)
    assert (model.input_scale, model.dataset, model.input_shape) == (1.0, "", (5,))
    assert "not recorded" in model.input_description
    assert plain_model(net, {"input_scale": 0.5}).input_scale == 0.5


def test_the_script_prints_one_class_per_row_from_a_csv(tmp_path):
    path = trained_2d_checkpoint(tmp_path)
    net, extra = load_checkpoint(path)
    script, _ = export_model(path, "numpy", tmp_path / "blobs_model.py")
    rows = points()[:20]
    np.savetxt(tmp_path / "points.csv", rows, delimiter=",")
    result = subprocess.run([sys.executable, script, str(tmp_path / "points.csv")], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    names = make_toy("blobs", n=16).class_names
    assert result.stdout.splitlines() == [names[k] for k in net.predict(rows.T)]


# -- refusals, with messages for people -----------------------------------------------------------
def test_refusals_say_what_is_wrong(tmp_path):
    with pytest.raises(ExportError, match="unknown export format 'keras'; choose one of onnx, numpy, torch"):
        export_model(BUNDLED, "keras", tmp_path / "m")
    with pytest.raises(ExportError, match=r"a numpy export is written to a \.py file, not m\.onnx"):
        export_model(BUNDLED, "numpy", tmp_path / "m.onnx")
    with pytest.raises(ExportError, match="the folder .* does not exist"):
        export_model(BUNDLED, "onnx", tmp_path / "missing" / "m.onnx")
    with pytest.raises(ExportError, match="checkpoint path or a NeuralNetwork"):
        export_model(42, "numpy", tmp_path / "m.py")
    (tmp_path / "notes.npz").write_text("hello")
    with pytest.raises(ValueError, match="notes.npz: not a checkpoint"):
        export_model(tmp_path / "notes.npz", "numpy", tmp_path / "m.py")
    assert sorted(os.listdir(tmp_path)) == ["notes.npz"]  # nothing written by a refused export


def test_an_export_never_replaces_its_checkpoint(tmp_path):
    path = tmp_path / "model.npz"
    net, extra = load_checkpoint(BUNDLED)
    save_checkpoint(path, net, extra=extra)
    before = path.read_bytes()
    with pytest.raises(ExportError, match="would replace the checkpoint model.npz: choose another name"):
        export_model(path, "torch", tmp_path / "model.py")
    assert path.read_bytes() == before


def test_a_write_that_fails_is_reported(tmp_path, monkeypatch):
    def refuse(path, write):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("engine.export.exporter.write_atomic", refuse)  # as in a folder one may not write to
    with pytest.raises(ExportError, match=f"cannot write m.npz in {tmp_path}: Permission denied"):
        export_model(BUNDLED, "numpy", tmp_path / "m.py")


def test_a_diverged_network_is_refused(tmp_path):
    net = NeuralNetwork.build([2, 3, 2], "relu", "ce", seed=0)
    net.layers[0].W[0, 0] = np.nan
    with pytest.raises(ExportError, match="layer 1 has NaN or infinite weights"):
        export_model(net, "numpy", tmp_path / "m.py")


def test_an_activation_the_formats_do_not_compute_is_refused(tmp_path):
    from engine import ReLU

    class ShiftedReLU(ReLU):  # named like ReLU, but not what the exported relu computes
        def f(self, x):
            return super().f(x) + 1

    net = NeuralNetwork.build([2, 3, 2], [ShiftedReLU(), "identity"], "ce", seed=0)
    with pytest.raises(ExportError, match="layer 1: the activation ShiftedReLU.. has no export"):
        export_model(net, "onnx", tmp_path / "m.onnx")


def test_onnx_export_without_the_onnx_package_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)  # import onnx now fails, as where it is not installed
    with pytest.raises(ExportError, match=r"pip install 'backprop-studio\[export\]'"):
        export_model(BUNDLED, "onnx", tmp_path / "m.onnx")
    assert not os.listdir(tmp_path)


def test_a_network_and_its_extra_export_like_its_checkpoint(tmp_path):
    net, extra = load_checkpoint(BUNDLED)
    export_model(net, "numpy", tmp_path / "from_net.py", extra=extra)
    export_model(BUNDLED, "numpy", tmp_path / "from_file.py")
    assert (tmp_path / "from_net.py").read_text() == (tmp_path / "from_file.py").read_text()
    a, b = (np.load(tmp_path / f"{n}.npz", allow_pickle=False) for n in ("from_net", "from_file"))
    assert a.files == b.files
    assert all(a[k].dtype == b[k].dtype and a[k].tobytes() == b[k].tobytes() for k in a.files)
    assert json.dumps(list(a["class_names"])) == json.dumps([str(d) for d in range(10)])
