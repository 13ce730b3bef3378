"""Exporting a trained network for use elsewhere: ONNX, a NumPy-only script, or a PyTorch script.

``export_model(checkpoint_or_net, fmt, out_path)`` writes the files and returns their paths. The onnx
package is optional (``pip install 'backprop-studio[export]'``); the other formats need nothing extra here.
"""

from engine.export.exporter import FORMATS, export_model
from engine.export.plain_model import ExportError, PlainModel, plain_model

__all__ = ["FORMATS", "export_model", "ExportError", "PlainModel", "plain_model"]
