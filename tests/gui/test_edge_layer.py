"""EdgeLayer: a dense layer limited to its strongest edges draws those alone, and only those."""

import numpy as np
import pytest

import gui.common.colormaps as cm
from gui.network_view.edge_layer import EdgeLayer


@pytest.fixture
def dense_layer(qapp):
    """300 inputs fanning out to 64 neurons 300 px to the right: 19,200 edges, drawn as a raster."""
    src = np.stack([np.zeros(300), np.linspace(10, 410, 300)], axis=1)
    dst = np.stack([np.full(64, 300.0), np.linspace(10, 410, 64)], axis=1)
    layer = EdgeLayer(src, dst)
    assert layer.dense
    return layer


def alpha_column(img, layer, x):
    """Alpha (0–255) down the image column at widget x."""
    col = int(x - layer.rect.left())
    return np.array([img.pixelColor(col, row).alpha() for row in range(img.height())])


def test_only_the_kept_edges_are_drawn_and_the_whole_layer_is_not_sampled(dense_layer):
    layer = dense_layer
    values = np.random.default_rng(0).normal(size=(64, 300)).astype(np.float32)
    keep = np.zeros((64, 300), bool)
    keep[0] = True  # every edge into neuron 0, at the top: 1.6 % of the layer
    img = layer.render(values.ravel(), cm.symmetric_scale(values), keep)
    near_end = alpha_column(img, layer, layer.x1 - 4)
    top = int(layer.dst[0, 1] - layer.rect.top())
    assert near_end[: top + 6].max() > 0  # the kept edges converge on neuron 0
    assert near_end[top + 40 :].max() == 0  # nothing reaches the other neurons
    assert layer._runs is None  # the 19,200 edges' raster runs were never computed


def test_without_a_limit_every_edge_is_drawn(dense_layer):
    layer = dense_layer
    values = np.random.default_rng(0).normal(size=(64, 300)).astype(np.float32)
    img = layer.render(values.ravel(), cm.symmetric_scale(values))
    near_end = alpha_column(img, layer, layer.x1 - 4)
    bottom = int(layer.dst[-1, 1] - layer.rect.top())
    assert near_end[bottom - 3 : bottom + 3].max() > 0 and layer._runs is not None
