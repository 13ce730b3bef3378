"""export_model: a checkpoint or network → files other tools read (ONNX; NumPy or PyTorch script + .npz)."""

import io
import os
from pathlib import Path

import numpy as np

from engine.export.plain_model import ExportError, plain_model
from engine.files.atomic_file import write_atomic

TEMPLATES = Path(__file__).resolve().parent / "templates"
# format → (suffix of the file named by out_path, template of the script or None, what it is for people)
FORMATS = {
    "onnx": (".onnx", None, "ONNX graph (onnxruntime, other frameworks)"),
    "numpy": (".py", "numpy_predict.py", "Python script needing only NumPy, with its weights in a .npz"),
    "torch": (".py", "torch_model.py", "PyTorch nn.Sequential script, with its weights in a .npz"),
}
_ALIASES = {"pytorch": "torch", "np": "numpy"}


def export_model(source, fmt, out_path, extra=None):
    """Write ``source`` (a checkpoint path or a NeuralNetwork) in format ``fmt``; returns the written paths (str).

    fmt : "onnx" (one .onnx file), "numpy" or "torch" (a .py and the .npz of the same name beside it).
    out_path : the file to write; the format's suffix is added when it has none.
    extra : the checkpoint's extra when ``source`` is a network (its "dataset" says how inputs are scaled);
            read from the checkpoint otherwise. ``extra["input_scale"]`` overrides the scale.
    Raises ExportError (a ValueError) with a message for people when the export cannot be made.
    """
    key = _ALIASES.get(str(fmt).strip().lower(), str(fmt).strip().lower())
    if key not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    suffix, template, _ = FORMATS[key]
    out = _out_path(out_path, suffix, key)
    net, extra = _network(source, extra)
    model = plain_model(net, extra)
    if key == "onnx":
        from engine.export.onnx_export import onnx_model

        files = {out: onnx_model(model).SerializeToString()}
    else:
        script = (TEMPLATES / template).read_text(encoding="utf-8").replace("@SUMMARY@", _docstring_safe(model.summary()))
        buffer = io.BytesIO()
        np.savez(buffer, **model.arrays())
        # the weights first: a script never stands there without them, even when a write fails
        files = {out.with_suffix(".npz"): buffer.getvalue(), out: script.encode("utf-8")}
    if isinstance(source, (str, os.PathLike)):
        for path in files:
            if path.resolve() == Path(os.fspath(source)).resolve():
                raise ExportError(f"the export would replace the checkpoint {path.name}: choose another name")
    for path, data in files.items():
        try:
            write_atomic(path, lambda fh: fh.write(data))
        except OSError as exc:
            raise ExportError(f"cannot write {path.name} in {path.parent}: {exc.strerror or exc}") from None
    return [str(out)] + [str(path) for path in files if path != out]


def _out_path(out_path, suffix, fmt):
    """``out_path`` as a Path with ``suffix``; ExportError when it names another kind of file or no folder."""
    out = Path(os.fspath(out_path))
    if out.suffix == "":
        out = out.with_suffix(suffix)
    elif out.suffix.lower() != suffix:
        raise ExportError(f"a {fmt} export is written to a {suffix} file, not {out.name}")
    if not out.parent.is_dir():
        raise ExportError(f"cannot write {out.name}: the folder {out.parent} does not exist")
    if out.is_dir():
        raise ExportError(f"cannot write {out}: it is a folder")
    return out


def _network(source, extra):
    """(net, extra) from a NeuralNetwork (with the caller's extra) or a checkpoint path (with its own)."""
    if isinstance(source, (str, os.PathLike)):
        from engine.files.checkpoint import load_checkpoint

        net, stored = load_checkpoint(source)  # CheckpointError is a ValueError that names the file
        return net, {**stored, **(extra or {})}
    if not hasattr(source, "layers") or not hasattr(source, "loss_function"):
        raise ExportError(f"export_model needs a checkpoint path or a NeuralNetwork, got {type(source).__name__}")
    return source, extra or {}


def _docstring_safe(text):
    """``text`` as it may stand inside the script's docstring (no closing quotes, no escapes)."""
    return text.replace("\\", "/").replace('"""', "'''")
