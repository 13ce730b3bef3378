"""`python -m gui.network_view` and the other widget demos open their widget alone and save a screenshot."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
DEMOS = [
    (["-m", "gui.network_view"], (900, 600)),
    (["-m", "gui.network_view", "--arch", "784-16-16-10"], (900, 600)),
    (["-m", "gui.training.loss_plot_demo", "--epochs", "5"], (900, 600)),
    (["-m", "gui.draw_pad", "--digit"], (320, 380)),
]


@pytest.mark.parametrize("args, size", DEMOS, ids=[" ".join(a[1:]) for a, _ in DEMOS])
def test_demo_shows_its_widget_alone(tmp_path, args, size):
    png = tmp_path / "demo.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, *args, "--screenshot", str(png), "--after", "400"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stderr
    image = QImage(str(png))
    assert (image.width(), image.height()) == size
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 20  # something was painted, not an empty window


def test_a_bad_size_is_one_line_not_a_traceback():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-m", "gui.network_view", "--size", "big"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=90)
    assert result.returncode != 0
    assert "--size must be WIDTHxHEIGHT" in result.stderr and "Traceback" not in result.stderr
