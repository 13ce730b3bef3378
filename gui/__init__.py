"""Backprop Studio's window: PySide6 + pyqtgraph views of the engine's networks.

The public surface is ``from gui import MainWindow, DrawPad, NetworkView``; the names are looked up on
first use, so importing one subpackage (``gui.common``, say) does not build the whole window's imports.
"""

_PUBLIC = {
    "MainWindow": "gui.shell.main_window",
    "DrawPad": "gui.draw_pad.pad",
    "NetworkView": "gui.network_view.view",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'gui' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_PUBLIC[name]), name)
