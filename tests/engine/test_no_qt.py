"""The engine never imports Qt, pyqtgraph or the GUI: it must run headless and in a worker thread."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import engine

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("PySide6", "shiboken6", "PyQt", "pyqtgraph", "gui")

PROBE = f"""
import importlib, pkgutil, sys
import engine
names = sorted(m.name for m in pkgutil.walk_packages(engine.__path__, "engine."))
for name in names:
    importlib.import_module(name)
print("imported:", " ".join(names))
bad = sorted(m for m in sys.modules if m.startswith({FORBIDDEN!r}))
assert not bad, f"the engine imported {{bad}}"
"""


def test_engine_imports_no_qt_and_no_gui():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    imported = result.stdout.split("imported:", 1)[1].split()
    expected = sorted(m.name for m in pkgutil.walk_packages(engine.__path__, "engine."))
    assert imported == expected
    assert {"engine.network", "engine.training", "engine.files.checkpoint", "engine.data.datasets"} <= set(imported)


def test_the_probe_would_notice_qt():
    """The check is real: the same probe fails once something imports a forbidden module."""
    probe = "import gui\n" + PROBE if (ROOT / "gui" / "__init__.py").exists() else "import pyqtgraph\n" + PROBE
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "the engine imported" in result.stderr
