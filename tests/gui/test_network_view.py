"""NetworkView: colours land in the right bins and pixels, modes switch data, hover and clicks name neurons."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

import gui.common.colormaps as cm
from engine import Identity, Layer, NeuralNetwork
from gui.network_view.edge_layer import composite_bins
from gui.network_view.layout import compute_layout
from gui.network_view.view import NetworkView, NeuronInfo

W_SIZE, H_SIZE = 900, 560


def make_net(sizes, weights=None, loss="ce", act="tanh", dtype=np.float64):
    """A network with the given sizes; ``weights`` [(W, b)] overwrite the random start when given."""
    layers = [Layer(i, o, act if k < len(sizes) - 2 else Identity(), rng=k, init="auto", dtype=dtype)
              for k, (i, o) in enumerate(zip(sizes[:-1], sizes[1:]))]
    net = NeuralNetwork(layers, loss)
    if weights is not None:
        net.set_weights(weights)
    return net


@pytest.fixture
def view(qtbot):
    v = NetworkView()
    qtbot.addWidget(v)
    v.resize(W_SIZE, H_SIZE)
    v.show()
    qtbot.waitExposed(v)
    return v


def pixel(img, point):
    c = img.pixelColor(int(round(point.x())), int(round(point.y())))
    return c.red(), c.green(), c.blue()


def pixels_around(img, point):
    """The colours of the pixel at ``point`` and of the ones just above and below it."""
    return [pixel(img, QPointF(point.x(), point.y() + dy)) for dy in (-1, 0, 1)]


def is_blue(rgb):
    r, g, b = rgb
    return b > r + 60


def is_orange(rgb):
    r, g, b = rgb
    return r > b + 60


def near_background(rgb, tol=30):
    return max(abs(c - k) for c, k in zip(rgb, cm.BACKGROUND)) <= tol


def midpoint(line, t=0.5):
    return QPointF(line.x1() + t * (line.x2() - line.x1()), line.y1() + t * (line.y2() - line.y1()))


# -- colour maps ------------------------------------------------------------------------------------------
def test_weight_bins_of_a_known_matrix():
    W = np.array([[-1.0, -0.5, 0.0], [0.5, 1.0, 3.0]])
    bins = cm.weight_bins(W, scale=1.0, n_bins=21)
    assert bins.shape == W.shape
    assert bins.tolist() == [[0, 5, 10], [15, 20, 20]]  # ±1 at the ends, 0 in the middle, 3 clips
    assert cm.weight_bins(np.array([-0.01, 0.01]), 1.0, 21).tolist() == [10, 10]


def test_bin_colours_are_orange_for_negative_blue_for_positive_and_faint_at_zero():
    rgba = cm.bin_colors(21)
    assert is_orange(rgba[0, :3]) and is_blue(rgba[20, :3])
    assert np.allclose(rgba[10, :3], cm.ZERO, atol=1)
    assert rgba[10, 3] == rgba[:, 3].min() and rgba[0, 3] == rgba[20, 3] == rgba[:, 3].max()
    assert np.allclose(rgba[:, 3], rgba[::-1, 3])  # symmetric around zero
    order = cm.draw_order(21)
    assert order[0] == 10 and set(order[-2:]) == {0, 20}  # strong edges are drawn last, on top


def test_symmetric_scale_ignores_outliers():
    values = np.concatenate([np.linspace(-1, 1, 1000), [50.0]])
    assert 0.9 < cm.symmetric_scale(values) <= 1.0
    assert cm.symmetric_scale(np.zeros(5)) == 1.0


def test_composite_draws_later_bins_on_top_and_accumulates_alpha():
    rgba = np.array([[255.0, 0, 0, 0.5], [0, 0, 255.0, 0.999]])
    counts = np.array([[2, 1], [0, 1]])  # pixel 0: two red lines; pixel 1: red then blue
    rgb, alpha = composite_bins(counts, rgba, order=np.array([0, 1]))
    assert alpha[0] == pytest.approx(1 - 0.5 ** 2)
    assert rgb[0, 0] == pytest.approx(255 * 0.75, abs=0.5) and rgb[2, 0] == 0
    assert rgb[2, 1] > 250 and rgb[0, 1] < 1  # blue, drawn last, covers red


# -- edges on screen ------------------------------------------------------------------------------------------
def test_edge_pixels_show_the_sign_of_their_weight(view):
    W1 = np.zeros((3, 4))
    W1[0, 0], W1[2, 3] = 1.0, -1.0
    weights = [(W1, np.zeros((3, 1))), (np.zeros((2, 3)), np.zeros((2, 1)))]
    view.set_network(make_net([4, 3, 2], weights))
    img = view.grab().toImage()
    assert is_blue(pixel(img, midpoint(view.edge_line(0, 0, 0))))
    assert is_orange(pixel(img, midpoint(view.edge_line(0, 2, 3))))
    assert near_background(pixel(img, midpoint(view.edge_line(0, 1, 2))))  # weight 0: barely visible
    assert view.edge_scale(0) == pytest.approx(1.0)


def test_every_edge_of_an_image_layer_is_drawn_and_strong_ones_show(view):
    rng = np.random.default_rng(0)
    W1 = rng.normal(0, 0.01, (16, 784))
    W1[3, 14 * 28 + 20] = 2.0
    W1[12, 5 * 28 + 22] = -2.0
    weights = [(W1, np.zeros((16, 1))), (rng.normal(0, 0.3, (10, 16)), np.zeros((10, 1)))]
    view.set_network(make_net([784, 16, 10], weights))
    img = view.grab().toImage()
    # Within a pixel of the midpoint: another strong edge may cross a 1-px line right there.
    assert any(is_blue(c) for c in pixels_around(img, midpoint(view.edge_line(0, 3, 14 * 28 + 20))))
    assert any(is_orange(c) for c in pixels_around(img, midpoint(view.edge_line(0, 12, 5 * 28 + 22))))
    # The faint haze of the other 12,542 edges is there too, all across the band.
    band = view.edge_line(0, 8, 14 * 28)
    for t in (0.1, 0.35, 0.6, 0.85):
        assert not near_background(pixel(img, midpoint(band, t)), tol=4)


def test_modes_draw_weights_gradients_and_changes(view):
    W1 = np.zeros((3, 4))
    W1[0, 0] = 1.0
    weights = [(W1, np.zeros((3, 1))), (np.zeros((2, 3)), np.zeros((2, 1)))]
    net = make_net([4, 3, 2], weights)
    view.set_network(net)
    at = midpoint(view.edge_line(0, 0, 0))
    assert is_blue(pixel(view.grab().toImage(), at))

    view.set_mode("gradient")
    assert near_background(pixel(view.grab().toImage(), at))  # no gradient yet: nothing drawn
    grads = [(-W1 * 3e-3, np.zeros((3, 1))), (np.zeros((2, 3)), np.zeros((2, 1)))]
    view.set_gradients(grads)
    assert is_orange(pixel(view.grab().toImage(), at))
    assert view.edge_scale(0) == pytest.approx(3e-3)  # its own symmetric scale

    view.set_mode("delta")
    changed = [(W1 * 1.5, np.zeros((3, 1))), (np.zeros((2, 3)), np.zeros((2, 1)))]
    view.set_weights(changed)  # ΔW comes from the last two weight sets when no set_deltas is given
    assert is_blue(pixel(view.grab().toImage(), at))
    assert view.edge_scale(0) == pytest.approx(0.5)
    view.set_deltas([(-W1, np.zeros((3, 1))), (np.zeros((2, 3)), np.zeros((2, 1)))])
    assert is_orange(pixel(view.grab().toImage(), at))
    view.set_mode("weights")
    assert is_blue(pixel(view.grab().toImage(), at))
    with pytest.raises(ValueError):
        view.set_mode("biases")


def test_highlighting_a_layer_dims_the_others(view):
    W1, W2 = np.zeros((3, 4)), np.zeros((2, 3))
    W1[0, 0], W2[0, 0] = 1.0, 1.0
    view.set_network(make_net([4, 3, 2], [(W1, np.zeros((3, 1))), (W2, np.zeros((2, 1)))]))
    p1, p2 = midpoint(view.edge_line(0, 0, 0)), midpoint(view.edge_line(1, 0, 0))
    before = view.grab().toImage()
    view.set_highlight_layer(1)
    after = view.grab().toImage()
    assert sum(pixel(after, p1)) < sum(pixel(before, p1)) - 60
    assert pixel(after, p2) == pixel(before, p2)
    with pytest.raises(ValueError):
        view.set_highlight_layer(2)


# -- neurons ----------------------------------------------------------------------------------------------------
def test_input_activations_match_numpy_and_light_the_likeliest_output(view):
    rng = np.random.default_rng(1)
    net = make_net([784, 16, 16, 10])
    view.set_network(net)
    x = rng.uniform(0, 1, 784)
    view.set_input(x)
    acts = net.activations_for(x)
    info = view.neuron_info(2, 5)
    assert info == NeuronInfo(2, 5, float(net.layers[1].b[5, 0]), info.z, float(acts[2][5, 0]))
    assert info.z == pytest.approx(float((net.layers[1].W @ acts[1] + net.layers[1].b)[5, 0]))
    probs = net.predict_proba(x)[:, 0]
    best, worst = int(np.argmax(probs)), int(np.argmin(probs))
    img = view.grab().toImage()
    assert sum(pixel(img, view.neuron_center(3, best))) > sum(pixel(img, view.neuron_center(3, worst))) + 100
    assert view.neuron_info(0, 300).activation == pytest.approx(x[300])


def test_view_keeps_its_own_copy_while_training_mutates_the_network(view):
    net = make_net([4, 3, 2])
    view.set_network(net)
    drawn = view.snapshot().weights[0][0].copy()
    net.layers[0].W[...] += 5.0
    assert np.array_equal(view.snapshot().weights[0][0], drawn)
    weights = net.weights()
    view.set_weights(weights)
    weights[0][0][...] = 0
    assert np.array_equal(view.snapshot().weights[0][0], drawn + 5.0)


def test_hovering_a_neuron_reports_it(view, qtbot):
    net = make_net([4, 3, 2])
    view.set_network(net)
    view.set_input([0.1, -0.2, 0.3, 0.4])
    view.repaint()
    target = view.neuron_center(1, 2).toPoint()
    with qtbot.waitSignal(view.neuron_hovered, timeout=2000) as blocker:
        qtbot.mouseMove(view, target)
    info = blocker.args[0]
    assert (info.layer, info.index) == (1, 2)
    assert info.bias == pytest.approx(float(net.layers[0].b[2, 0]))
    assert info.activation == pytest.approx(float(net.activations_for(np.array([0.1, -0.2, 0.3, 0.4]))[1][2, 0]))
    with qtbot.waitSignal(view.neuron_hovered, timeout=2000) as blocker:
        qtbot.mouseMove(view, QPoint(W_SIZE // 2, 8))  # the header strip: no neuron there
    assert blocker.args[0] is None


def test_hovering_an_image_input_cell_reports_the_pixel(view, qtbot):
    view.set_network(make_net([784, 16, 10]))
    x = np.linspace(0, 1, 784)
    view.set_input(x)
    view.repaint()
    with qtbot.waitSignal(view.neuron_hovered, timeout=2000) as blocker:
        qtbot.mouseMove(view, view.neuron_center(0, 28 * 10 + 7).toPoint())
    assert blocker.args[0] == NeuronInfo(0, 287, None, None, pytest.approx(x[287]))


def test_hovering_an_edge_shows_its_weight(view, qtbot):
    W1 = np.zeros((3, 4))
    W1[1, 2] = 0.7321
    view.set_network(make_net([4, 3, 2], [(W1, np.zeros((3, 1))), (np.zeros((2, 3)), np.zeros((2, 1)))]))
    view.repaint()
    qtbot.mouseMove(view, midpoint(view.edge_line(0, 1, 2), 0.4).toPoint())
    qtbot.waitUntil(lambda: any("0.732" in line for line in view.card_lines()), timeout=2000)
    assert view.toolTip() == ""  # one popup: the card, rounded as it shows it


def test_clicking_selects_a_neuron_and_empty_space_clears_it(view, qtbot):
    W2 = np.zeros((2, 3))
    W2[1, 0] = 1.0
    view.set_network(make_net([4, 3, 2], [(np.zeros((3, 4)), np.zeros((3, 1))), (W2, np.zeros((2, 1)))]))
    view.repaint()
    out_edge = midpoint(view.edge_line(1, 1, 0), 0.75)  # clear of the card pinned beside the neuron
    before = view.grab().toImage()
    with qtbot.waitSignal(view.neuron_selected, timeout=2000) as blocker:
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.neuron_center(1, 0).toPoint())
    assert (blocker.args[0].layer, blocker.args[0].index) == (1, 0)
    qtbot.mouseMove(view, QPoint(W_SIZE // 2, 8))  # the card follows the pointer; keep it off the edge
    selected = view.grab().toImage()
    assert is_blue(pixel(selected, out_edge)) and is_blue(pixel(before, out_edge))
    other = midpoint(view.edge_line(0, 2, 3))  # not an edge of the selected neuron: dimmed
    assert sum(pixel(selected, other)) <= sum(pixel(before, other))
    with qtbot.waitSignal(view.neuron_selected, timeout=2000) as blocker:
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=QPoint(W_SIZE // 2, 8))
    assert blocker.args[0] is None


def test_view_follows_an_architecture_change(view, qtbot):
    view.set_network(make_net([4, 3, 2]))
    view.repaint()
    assert len(view.snapshot().sizes) == 3
    view.set_network(make_net([4, 6, 5, 2]))
    view.repaint()
    assert view.snapshot().sizes == [4, 6, 5, 2]
    centres = [view.neuron_center(2, j).y() for j in range(5)]
    assert sorted(centres) == centres and len(set(centres)) == 5
    with qtbot.waitSignal(view.neuron_hovered, timeout=2000) as blocker:
        qtbot.mouseMove(view, view.neuron_center(2, 4).toPoint())
    assert (blocker.args[0].layer, blocker.args[0].index) == (2, 4)
    with pytest.raises(ValueError):
        view.set_weights(make_net([4, 3, 2]).weights())  # old shapes: use set_network


# -- 2-D networks --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("axis", [0, 1])
def test_decision_map_shows_class_one_where_the_coordinate_is_positive(view, axis):
    # Logits (−5 x_axis, +5 x_axis): class 1 wins exactly where that coordinate is positive.
    W = np.zeros((2, 2))
    W[0, axis], W[1, axis] = -5.0, 5.0
    view.set_network(make_net([2, 2], [(W, np.zeros((2, 1)))]))
    rng = np.random.default_rng(0)
    pts = rng.uniform(-1, 1, (50, 2))
    view.set_dataset_2d(pts, (pts[:, axis] > 0).astype(int))
    img = view.grab().toImage()
    x, y, side = view.plane_rect()
    # Screen y grows downwards: the positive x₂ half is the top of the map.
    positive = QPointF(x + 0.9 * side, y + 0.5 * side) if axis == 0 else QPointF(x + 0.5 * side, y + 0.1 * side)
    negative = QPointF(x + 0.1 * side, y + 0.5 * side) if axis == 0 else QPointF(x + 0.5 * side, y + 0.9 * side)
    c0, c1 = np.array(cm.class_color(0)), np.array(cm.class_color(1))

    def closer_to(rgb, colour, other):
        return np.linalg.norm(np.array(rgb) - colour) < np.linalg.norm(np.array(rgb) - other)

    assert closer_to(pixel(img, positive), c1, c0)
    assert closer_to(pixel(img, negative), c0, c1)
    probs = view.snapshot().plane_maps()["probs"].reshape(2, 96, 96)  # row 0 is the top
    at_positive = probs[1, 48, 90] if axis == 0 else probs[1, 5, 48]
    at_negative = probs[1, 48, 5] if axis == 0 else probs[1, 90, 48]
    assert at_positive > 0.99 and at_negative < 0.01


def test_hidden_neurons_of_a_2d_net_are_heat_map_tiles_that_follow_the_weights(view):
    W1 = np.array([[3.0, 0.0], [0.0, 3.0]])
    net = make_net([2, 2, 2], [(W1, np.zeros((2, 1))), (np.eye(2), np.zeros((2, 1)))])
    view.set_network(net)
    img = view.grab().toImage()
    c = view.neuron_center(1, 0)  # tanh(3x): dark on the left of its tile, bright on the right
    half = 0.6 * (view.neuron_center(1, 1).y() - c.y()) / 2
    assert sum(pixel(img, QPointF(c.x() + half, c.y()))) > sum(pixel(img, QPointF(c.x() - half, c.y()))) + 200


def test_hovering_the_decision_map_reads_the_network_there(view, qtbot):
    net = make_net([2, 2], [(np.array([[-5.0, 0.0], [5.0, 0.0]]), np.zeros((2, 1)))])
    view.set_network(net)
    view.repaint()
    x, y, side = view.plane_rect()
    qtbot.mouseMove(view, QPoint(int(x + 0.8 * side), int(y + 0.5 * side)))
    qtbot.waitUntil(lambda: len(view.card_lines()) == 3, timeout=2000)
    assert view.card_lines()[2].startswith("class 1: 99.")  # right of x = 0: class 1


def test_resizing_redraws_the_edges_once_the_size_settles(view, qtbot, monkeypatch):
    import gui.network_view.view as nv

    monkeypatch.setattr(nv, "RELAYOUT_DEBOUNCE_ABOVE_MS", -1.0)  # treat every network as slow to redraw
    view.set_network(make_net([784, 128, 10], dtype=np.float32))
    view.repaint()
    view.resize(W_SIZE - 100, H_SIZE - 60)
    view.repaint()  # meanwhile the old edges are stretched into place
    new_x = view.neuron_center(2, 0).x()
    assert view.edge_line(1, 0, 0).p2().x() != pytest.approx(new_x)
    qtbot.waitUntil(lambda: view.edge_line(1, 0, 0).p2().x() == pytest.approx(new_x), timeout=3000)


@pytest.mark.filterwarnings("error")
def test_a_diverged_network_is_still_drawn(view, qtbot):
    net = make_net([784, 16, 10])
    view.set_network(net)
    view.set_input(np.ones(784))
    weights = net.weights()
    weights[0][0][0, 0] = np.nan
    weights[1][0][...] = np.inf
    view.set_weights(weights)
    for mode in ("weights", "delta"):
        view.set_mode(mode)
        img = view.grab().toImage()
    qtbot.mouseMove(view, view.neuron_center(2, 3).toPoint())
    assert img.width() == W_SIZE
    assert view.neuron_info(1, 0).bias == pytest.approx(float(net.layers[0].b[0, 0]))


@pytest.mark.parametrize("size", [(1000, 560), (640, 420)])
def test_no_gradient_yet_is_written_between_the_heat_map_tiles_not_under_them(view, monkeypatch, size):
    """The note of a layer without values stays clear of the tiles (which are painted over the band)."""
    import gui.network_view.view as network_view

    view.resize(*size)
    view.set_network(make_net([2, 16, 16, 16, 3]))
    view.set_mode("gradient")
    with_text = view.grab().toImage()
    monkeypatch.setitem(network_view.MISSING, "gradient", "")
    without = view.grab().toImage()
    lay = compute_layout(view.snapshot().sizes, view.width(), view.height(), plane=True)
    text_x = [x for x in range(with_text.width()) for y in range(with_text.height())
              if with_text.pixel(x, y) != without.pixel(x, y)]
    assert text_x, "the note is drawn"
    for k in range(len(lay.sizes) - 1):  # every band has its note
        assert any(lay.bands[k][0] < x < lay.bands[k][1] for x in text_x)
    for k, tiled in enumerate(lay.tiles):
        if tiled:  # no text within 2 px of a tile column (before: it ran on under the tiles)
            cx, half = lay.centres[k][0, 0], lay.radius[k]
            assert not [x for x in text_x if cx - half - 2 <= x <= cx + half + 2], k
