"""`python main.py export MODEL --format … -o OUT`: the files written, their JSON line, and one-line refusals."""

import json
import subprocess
import sys

import numpy as np

import main
from engine.files.checkpoint import load_checkpoint


def _train(tmp_path):
    model = tmp_path / "m.npz"
    assert main.main(["train", "--dataset", "blobs", "--arch", "2-6-3", "--epochs", "2", "--quiet",
                      "--out", str(model)]) == 0
    return model


def test_export_numpy_writes_a_script_that_predicts_like_the_engine(tmp_path, capsys):
    model = _train(tmp_path)
    capsys.readouterr()
    assert main.main(["export", str(model), "--format", "numpy", "-o", str(tmp_path / "out" / "blobs")]) == 1
    assert "blobs" in capsys.readouterr().err  # a missing folder is named, not a traceback
    assert main.main(["export", str(model), "--format", "numpy", "-o", str(tmp_path / "blobs")]) == 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert sorted(line["files"]) == sorted([str(tmp_path / "blobs.py"), str(tmp_path / "blobs.npz")])
    net, _ = load_checkpoint(model)
    x = np.random.default_rng(0).normal(size=(5, 2)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    subprocess.run([sys.executable, "-I", str(tmp_path / "blobs.py"), str(tmp_path / "x.npy"), "--out",
                    str(tmp_path / "y.npy")], check=True, timeout=60, cwd=tmp_path)
    assert np.allclose(np.load(tmp_path / "y.npy"), net.predict_proba(x.T).T, atol=1e-5)


def test_bad_format_or_missing_model_is_one_line_and_exit_2(tmp_path, capsys):
    model = _train(tmp_path)
    capsys.readouterr()
    assert main.main(["export", str(model), "--format", "keras", "-o", str(tmp_path / "k")]) == main.USAGE_ERROR
    err = capsys.readouterr().err
    assert "--format must be one of onnx, numpy, torch" in err and len(err.strip().splitlines()) == 1
    assert main.main(["export", str(tmp_path / "nope.npz"), "--format", "numpy", "-o", "x"]) == main.USAGE_ERROR
    assert "no checkpoint at" in capsys.readouterr().err
