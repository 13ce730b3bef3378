"""The window's layout holds on small screens, projectors and at 150 % and 200 %: no word on another, none
outside the network view, no widget squeezed below its minimum, the network view the largest part."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from engine import NeuralNetwork
from gui.network_view.view import NetworkView
from gui.shell.main_window import MainWindow
from tests.gui.layout_probe import NETWORKS, SIZES, layout_problems, text_problems

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCALES = (1, 1.5, 2)
VIEW_SIZES = [(360, 240), (480, 300), (700, 280), (1400, 700)]  # the view's least size up to a big screen


@pytest.mark.parametrize("zoom", [1.0, 2.0])  # 2.0: the presentation's larger words
@pytest.mark.parametrize("size", VIEW_SIZES)
@pytest.mark.parametrize("sizes", [[784, 384, 192, 10], [784, 128, 64, 10], [2, 8, 8, 2], [2, 3, 3, 3, 3, 3, 2]])
def test_the_network_views_words_never_overlap_nor_leave_it(qtbot, size, sizes, zoom):
    view = NetworkView()
    qtbot.addWidget(view)
    view.set_zoom(zoom)
    view.resize(*size)
    view.show()
    view.set_network(NeuralNetwork.build(sizes, "leaky_relu", "ce", seed=0))
    view.set_edge_limit(8)  # the bars' legends then carry a note as well
    view.set_input(np.full(sizes[0], 0.4))
    view.grab()
    assert text_problems(view, f"{sizes} in {size}") == []
    words = [text for _, text in view.text_rects()]
    if sizes[0] == 784 and size[0] >= 480 * zoom:  # room enough for every header and legend, shortened or not
        assert {"W1", "W2", "W3"} <= {w.split()[0] for w in words}
        assert any(w.startswith("out") for w in words)


def test_a_narrow_view_shortens_its_headers_instead_of_printing_them_on_each_other(qtbot):
    view = NetworkView()
    qtbot.addWidget(view)
    view.resize(360, 240)
    view.show()
    view.set_network(NeuralNetwork.build([784, 16, 16, 10], "leaky_relu", "ce", seed=0))
    view.grab()
    words = [text for _, text in view.text_rects()]
    assert "16 · leaky_relu" not in words  # too long for the room between two columns
    assert "16" in words


def test_the_window_layout_holds_at_1920x1080(qtbot, mnist_subset_in_env):
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    qtbot.waitUntil(lambda: window.network() is not None and window.datasets.loading is None, timeout=60_000)
    for sizes in NETWORKS:
        window.network_view.set_network(NeuralNetwork.build(sizes, "relu", "ce", seed=0))
        qtbot.waitUntil(lambda: layout_problems(window) == [], timeout=5_000)  # once the layout has settled
    window.shutdown()


@pytest.mark.parametrize("size, scale", [(size, scale) for scale in SCALES for size in SIZES
                                         if (size, scale) != ((1920, 1080), 1)])  # that one: in this process
def test_the_window_layout_holds_at_every_size_and_scale(size, scale, mnist_subset_in_env):
    """Each in a process of its own: QT_SCALE_FACTOR counts only before the QApplication exists."""
    env = dict(os.environ, QT_SCALE_FACTOR=str(scale))
    run = subprocess.run([sys.executable, "-m", "tests.gui.layout_probe", *map(str, size)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["size"] == list(size)
    assert result["problems"] == []
