"""1-input networks: a function plot of the data, the network's curve and each hidden neuron's contribution;
a table's inputs named by its columns."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint

from engine import NeuralNetwork
from engine.data.toy_datasets import make_toy
from gui.network_view.function_plot import function_curves
from gui.network_view.snapshot import NetworkSnapshot
from gui.network_view.view import NetworkView
from tests.gui.table_helpers import IRIS, open_table
from tests.gui.window_helpers import make_window

HIGHLIGHT = (255, 220, 80)  # the hovered neuron's curve


def sine_net():
    net = NeuralNetwork.build([1, 6, 5, 1], "tanh", "mse", out_act="identity", seed=3, dtype=np.float64)
    return net, make_toy("sine", n=200, noise=0.1)


def test_the_last_hidden_layers_contributions_add_up_to_the_output():
    net, sine = sine_net()
    snap = NetworkSnapshot(net)
    curves = function_curves(snap.weights, snap.acts, snap.loss, sine.x_train[:, 0], sine.y_train)
    bias = net.layers[-1].b[0, 0]
    assert curves["contributions"].shape == (5, len(curves["xs"]))
    assert np.allclose(curves["contributions"].sum(axis=0) + bias, curves["outputs"][0])
    assert curves["xs"][0] < sine.x_train.min() and curves["xs"][-1] > sine.x_train.max()
    xmin, xmax, ymin, ymax = curves["extent"]
    assert ymin < sine.y_train.min() and ymax > sine.y_train.max()  # every point is inside the plot


def highlighted_pixels(view):
    image = view.grab().toImage()
    x, y, side = (int(v) for v in view.plane_rect())
    count = 0
    for i in range(x, x + side, 2):
        for j in range(y, y + side, 2):
            c = image.pixelColor(i, j)
            count += abs(c.red() - HIGHLIGHT[0]) + abs(c.green() - HIGHLIGHT[1]) + abs(c.blue() - HIGHLIGHT[2]) < 40
    return count


def test_hovering_a_hidden_neuron_draws_its_curve_on_the_function_plot(qtbot):
    net, sine = sine_net()
    view = NetworkView()
    qtbot.addWidget(view)
    view.resize(900, 560)
    view.show()
    qtbot.waitExposed(view)
    view.set_network(net)
    view.set_dataset_1d(sine.x_train[:, 0], sine.y_train)
    assert view.plane_rect() is not None and view.snapshot().points.shape == (len(sine.y_train), 1)
    assert highlighted_pixels(view) == 0
    centre = view.neuron_center(2, 0)
    qtbot.mouseMove(view, QPoint(int(centre.x()), int(centre.y())))
    assert highlighted_pixels(view) > 20
    qtbot.mouseMove(view, QPoint(5, 5))  # away from every neuron: the highlight goes
    assert highlighted_pixels(view) == 0


@pytest.mark.parametrize("name", ["sine", "step"])
def test_the_window_shows_a_1d_regression_as_a_function(qtbot, name):
    window = make_window(qtbot)
    combo = window.controls.dataset
    combo.setCurrentIndex(combo.findData(name))
    view = window.network_view
    assert view.snapshot().sizes[0] == 1 and view.plane_rect() is not None
    assert view.snapshot().points is not None and view.input_names() == []


def test_a_tables_inputs_are_named_by_its_columns(qtbot, monkeypatch):
    window = make_window(qtbot)
    open_table(window, qtbot, monkeypatch, IRIS)
    view = window.network_view
    assert view.input_names() == ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    assert view.plane_rect() is None  # 4 inputs: no map, no function plot
