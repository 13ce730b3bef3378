"""Big networks made legible: wide layers as blocks of squares, a chosen neuron's strongest edges and input
pixels in focus, and an edge budget chosen in the View menu."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from engine import NeuralNetwork
from gui.common.settings import app_settings
from gui.network_view.layout import compute_layout
from gui.network_view.view import FOCUS_STRONGEST, NetworkView
from tests.gui.test_network_view import is_blue, is_orange, pixel
from tests.gui.window_helpers import action, shown_window


@pytest.mark.parametrize("sizes, size", [([784, 128, 64, 10], (900, 420)), ([784, 384, 192, 10], (700, 300))])
def test_wide_layers_are_blocks_of_squares_every_one_reachable(sizes, size):
    lay = compute_layout(sizes, *size)
    for col in (1, 2):
        x, y, cell, rows = lay.blocks[col]
        assert cell >= 5  # a square a person can see and point at (a column of circles would be 1–2 px)
        for j in range(sizes[col]):
            cx, cy = lay.centres[col][j]
            assert lay.node_at(cx, cy) == (col, j)
    for x0, x1 in lay.bands:
        assert x1 - x0 > 40  # room left for the edges between the blocks
    assert lay.blocks[3] is None  # ten outputs stay circles with their labels


def test_clicking_a_neuron_frames_its_strongest_input_pixels_and_fades_the_rest(qtbot):
    view = NetworkView()
    qtbot.addWidget(view)
    view.resize(900, 420)
    view.show()
    net = NeuralNetwork.build([784, 128, 64, 10], "relu", "ce", seed=0)
    view.set_network(net)
    view.set_input(np.zeros(784))
    view.grab()
    with qtbot.waitSignal(view.neuron_selected) as selected:
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.neuron_center(1, 40).toPoint())
    assert (selected.args[0].layer, selected.args[0].index) == (1, 40)
    row = net.layers[0].W[40]
    order = np.argsort(-np.abs(row))
    img = view.grab().toImage()
    lay = view._ensure_layout()
    cell = lay.grid[2] / lay.grid_n

    def frame_colour(i):
        x, y = lay.centres[0][i]
        return pixel(img, QPointF(x - cell / 2 + 1, y))  # on the frame's left side

    strongest = order[0]
    colour = frame_colour(strongest)
    assert is_blue(colour) if row[strongest] > 0 else is_orange(colour)  # as the edge: + blue, − orange
    weakest = order[-1]  # not among the strongest FOCUS_STRONGEST: no frame, the grid's dark cell
    assert not (is_orange(frame_colour(weakest)) or is_blue(frame_colour(weakest)))
    assert FOCUS_STRONGEST < 784


def test_the_edge_budget_is_chosen_in_the_view_menu_and_remembered(qtbot):
    window = shown_window(qtbot)
    view = window.network_view
    action(window, "edges_4").trigger()
    view.grab()
    assert view._edge_limit == 4
    assert any("top 4" in text or "strongest 4" in text for _, text in view.text_rects())
    assert app_settings().value("view/edge_limit") == "4"
    second = shown_window(qtbot)
    assert action(second, "edges_4").isChecked() and second.network_view._edge_limit == 4
    action(second, "edges_all").trigger()
    assert second.network_view._edge_limit is None
