"""DrawPad: real mouse, keyboard and tablet events draw, undo and clear; each stroke is classified."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QPointingDevice, QTabletEvent
from PySide6.QtWidgets import QApplication

from engine import NeuralNetwork
from engine.data.preprocess import preprocess
from gui.draw_pad.pad import DrawPad


def _net(seed=0):
    return NeuralNetwork.build([784, 32, 10], "relu", "ce", seed=seed)


@pytest.fixture
def pad(qtbot):
    pad = DrawPad()
    qtbot.addWidget(pad)
    pad.show()
    qtbot.waitExposed(pad)
    pad.set_model(_net())
    return pad


def drag(qtbot, pad, points):
    """One stroke with the left button: press at the first point, move through the rest, release."""
    points = [QPoint(*p) for p in points]
    qtbot.mousePress(pad, Qt.LeftButton, pos=points[0])
    for p in points[1:]:
        qtbot.mouseMove(pad, p)
    qtbot.mouseRelease(pad, Qt.LeftButton, pos=points[-1])


def test_a_drag_draws_white_ink_and_emits_probabilities(qtbot, pad):
    assert pad.width() == pad.height() >= 280
    assert pad.probabilities() is None
    seen = []
    pad.prediction_changed.connect(seen.append)
    drag(qtbot, pad, [(140, 60), (140, 120), (140, 220)])
    probs = seen[-1]  # the release classifies the finished stroke (moves may have emitted before)
    assert probs.shape == (10,)
    assert probs.sum() == pytest.approx(1.0, abs=1e-5)
    np.testing.assert_allclose(pad.probabilities(), probs)
    image = pad.image()
    assert image.shape == (pad.height(), pad.width()) and image.dtype == np.uint8
    assert image[140, 140] == 255  # on the stroke
    assert image[140, 40] == 0  # far from it
    assert image[140, 140 + 8] > 0 and image[140, 140 + 12] == 0  # the default 18 px pen
    # what the network saw is exactly the preprocessing of the canvas
    expected = pad.model().predict_proba(preprocess(image).x).ravel()
    np.testing.assert_allclose(pad.probabilities(), expected, rtol=1e-5)


def test_every_stroke_emits_and_the_prediction_follows_the_drawing(qtbot, pad):
    seen = []
    pad.prediction_changed.connect(seen.append)
    drag(qtbot, pad, [(100, 60), (100, 220)])
    after_one = pad.probabilities()
    n_after_one = len(seen)
    drag(qtbot, pad, [(60, 140), (220, 140)])
    assert n_after_one >= 1 and len(seen) > n_after_one
    assert not np.allclose(pad.probabilities(), after_one)
    assert len(pad.strokes()) == 2


def test_a_click_draws_a_dot(qtbot, pad):
    qtbot.mouseClick(pad, Qt.LeftButton, pos=QPoint(50, 70))
    assert pad.image()[70, 50] == 255
    assert len(pad.strokes()) == 1


def test_right_click_clears(qtbot, pad):
    drag(qtbot, pad, [(100, 60), (100, 220)])
    with qtbot.waitSignal(pad.cleared):
        qtbot.mouseClick(pad, Qt.RightButton, pos=QPoint(10, 10))
    assert pad.probabilities() is None
    assert pad.image().max() == 0
    assert pad.is_empty() and pad.strokes() == []


def test_escape_clears_and_ctrl_z_undoes_the_last_stroke(qtbot, pad):
    pad.activateWindow()
    qtbot.waitActive(pad)
    drag(qtbot, pad, [(100, 60), (100, 220)])
    one_stroke, probs_one = pad.image(), pad.probabilities()
    drag(qtbot, pad, [(60, 140), (220, 140)])
    assert not np.array_equal(pad.image(), one_stroke)
    with qtbot.waitSignal(pad.prediction_changed):
        qtbot.keyClick(pad, Qt.Key_Z, Qt.ControlModifier)
    assert len(pad.strokes()) == 1
    np.testing.assert_array_equal(pad.image(), one_stroke)
    np.testing.assert_allclose(pad.probabilities(), probs_one, rtol=1e-6)
    with qtbot.waitSignal(pad.cleared):
        qtbot.keyClick(pad, Qt.Key_Escape)
    assert pad.is_empty() and pad.image().max() == 0 and pad.probabilities() is None


def test_undo_of_the_only_stroke_empties_the_pad(qtbot, pad):
    drag(qtbot, pad, [(100, 60), (100, 220)])
    with qtbot.waitSignal(pad.cleared):
        pad.undo_action.trigger()
    assert pad.is_empty() and pad.probabilities() is None
    pad.undo_action.trigger()  # nothing left to undo: no error
    assert pad.is_empty()


def test_clear_empties_the_pad(qtbot, pad):
    drag(qtbot, pad, [(100, 60), (100, 220)])
    inputs = []
    pad.input_changed.connect(inputs.append)
    pad.clear()
    assert pad.probabilities() is None and pad.preprocessed() is None and pad.image().max() == 0
    assert inputs == [None]


def test_pen_width_sets_the_stroke_width(qtbot, pad):
    pad.set_pen_width(30)
    drag(qtbot, pad, [(140, 60), (140, 220)])
    assert pad.image()[140, 140 + 13] > 0
    pad.clear()
    pad.set_pen_width(8)
    drag(qtbot, pad, [(140, 60), (140, 220)])
    assert pad.image()[140, 140 + 6] == 0
    pad.set_pen_width(1000)
    assert pad.pen_width() == 48


def test_the_network_input_is_the_centred_28x28(qtbot, pad):
    inputs = []
    pad.input_changed.connect(inputs.append)
    drag(qtbot, pad, [(200, 200), (250, 260)])  # a small stroke far from the middle
    x = inputs[-1]
    assert x.shape == (784, 1)
    image = x.reshape(28, 28)
    rows, cols = np.nonzero(image > 0.1)
    assert max(rows.max() - rows.min(), cols.max() - cols.min()) + 1 in (20, 21)  # fitted to 20 px
    mass = image.sum()
    com = (image.sum(axis=1) @ np.arange(28) / mass, image.sum(axis=0) @ np.arange(28) / mass)
    assert com == pytest.approx((14.0, 14.0), abs=0.5)  # MNIST's centre of mass
    steps = pad.preprocessed()
    assert steps.drawn.shape == (280, 280) and steps.fitted.shape == (20, 20)


def test_model_is_a_private_copy_and_must_fit_the_pad(qtbot, pad):
    net = _net(seed=1)
    pad.set_model(net)
    drag(qtbot, pad, [(100, 60), (100, 220)])
    before = pad.probabilities()
    for layer in net.layers:  # training the original elsewhere must not touch the pad's copy
        layer.W[...] = 0
    pad.undo()
    drag(qtbot, pad, [(100, 60), (100, 220)])
    np.testing.assert_allclose(pad.probabilities(), before, rtol=1e-6)
    with pytest.raises(ValueError, match="784 inputs and 10 outputs"):
        pad.set_model(NeuralNetwork.build([2, 8, 3], "tanh", "ce"))
    pad.set_model(_net(seed=2))  # a new model re-classifies the drawing at once
    assert not np.allclose(pad.probabilities(), before)


def test_without_a_model_the_pad_still_draws(qtbot):
    pad = DrawPad()
    qtbot.addWidget(pad)
    pad.show()
    inputs = []
    pad.input_changed.connect(inputs.append)
    drag(qtbot, pad, [(100, 60), (100, 220)])
    assert pad.image()[140, 100] == 255
    assert pad.probabilities() is None
    assert inputs[-1].shape == (784, 1)


def test_a_tablet_pen_draws(qtbot, pad):
    device = QPointingDevice.primaryPointingDevice()

    def send(kind, x, y, button, buttons):
        event = QTabletEvent(kind, device, QPointF(x, y), QPointF(pad.mapToGlobal(QPoint(x, y))), 0.8, 0.0, 0.0,
                             0.0, 0.0, 0.0, Qt.NoModifier, button, buttons)
        QApplication.sendEvent(pad, event)
        assert event.isAccepted()

    with qtbot.waitSignal(pad.prediction_changed):
        send(QTabletEvent.TabletPress, 140, 50, Qt.LeftButton, Qt.LeftButton)
        for y in range(60, 231, 10):
            send(QTabletEvent.TabletMove, 140, y, Qt.NoButton, Qt.LeftButton)
        send(QTabletEvent.TabletRelease, 140, 230, Qt.LeftButton, Qt.NoButton)
    assert len(pad.strokes()) == 1
    assert pad.image()[140, 140] == 255 and pad.image()[40, 140] == 0


def test_live_prediction_while_drawing_only_when_cheap(qtbot, pad, monkeypatch):
    import gui.draw_pad.pad as draw_pad

    monkeypatch.setattr(draw_pad, "LIVE_INTERVAL", 0.0)  # every move may predict: no dependence on timing
    monkeypatch.setattr(draw_pad, "LIVE_BUDGET", float("inf"))  # predictions "cheap", however busy the machine
    seen = []
    pad.prediction_changed.connect(seen.append)
    qtbot.mousePress(pad, Qt.LeftButton, pos=QPoint(140, 60))
    for y in range(70, 221, 10):
        qtbot.mouseMove(pad, QPoint(140, y))
    assert len(seen) == 16  # one prediction per move, before the stroke is finished
    qtbot.mouseRelease(pad, Qt.LeftButton, pos=QPoint(140, 220))
    assert len(seen) == 17

    pad.clear()
    seen.clear()
    monkeypatch.setattr(draw_pad, "LIVE_BUDGET", -1.0)  # predictions "too slow": only finished strokes
    drag(qtbot, pad, [(140, 60)] + [(140, y) for y in range(70, 221, 10)])
    assert len(seen) == 1
