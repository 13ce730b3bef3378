"""DrawPad under a lot of ink and absurd input: a stroke costs the same after hundreds; wild coordinates are clamped."""

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from gui.draw_pad.pad import REACH, DrawPad
from tests.gui.test_draw_pad import drag, pad  # noqa: F401 - the shown pad with a model, and a left-button stroke


def loop(k, n=40):
    """The k-th test stroke: ``n`` points on a loop whose place and size change with k."""
    t = np.linspace(0, 2 * np.pi, n)
    cx, cy, r = 140 + 50 * np.cos(0.7 * k), 140 + 50 * np.sin(1.3 * k), 25 + (17 * k) % 60
    return np.stack([cx + r * np.cos(1.5 * t), cy + r * np.sin(t)], axis=1).round().astype(int).tolist()


def send(pad, kind, x, y, buttons=Qt.LeftButton):
    """A mouse event at (x, y) in pad coordinates, floats as a device may report them, delivered to the pad."""
    pos = QPointF(x, y)
    button = Qt.NoButton if kind == QMouseEvent.Type.MouseMove else Qt.LeftButton
    held = Qt.NoButton if kind == QMouseEvent.Type.MouseButtonRelease else buttons
    event = QMouseEvent(kind, pos, pad.mapToGlobal(pos), button, held, Qt.NoModifier)
    QApplication.sendEvent(pad, event)


def test_strokes_drawn_one_by_one_make_the_canvas_of_all_of_them_drawn_at_once(qtbot, pad):
    for k in range(12):
        drag(qtbot, pad, loop(k))
    again = DrawPad()
    qtbot.addWidget(again)
    again.draw_strokes([points for _, points in pad.strokes()])
    assert pad.image().max() == 255
    np.testing.assert_array_equal(pad.image(), again.image())


def test_undo_leaves_the_canvas_of_the_strokes_that_remain(qtbot, pad):
    for k in range(5):
        drag(qtbot, pad, loop(k))
    pad.undo_action.trigger()
    pad.undo_action.trigger()
    fresh = DrawPad()
    qtbot.addWidget(fresh)
    fresh.draw_strokes([loop(k) for k in range(3)])
    np.testing.assert_array_equal(pad.image(), fresh.image())
    drag(qtbot, pad, loop(9))  # drawing goes on from there
    fresh.draw_strokes([loop(9)])
    np.testing.assert_array_equal(pad.image(), fresh.image())


def test_a_finished_stroke_is_rendered_alone_not_with_every_earlier_one(qtbot, pad, monkeypatch):
    rendered = []  # strokes rendered per call
    paint = DrawPad._paint_strokes

    def counting(self, image, strokes):
        rendered.append(len(strokes))
        paint(self, image, strokes)

    monkeypatch.setattr(DrawPad, "_paint_strokes", counting)
    for k in range(30):
        drag(qtbot, pad, loop(k, n=10))
    assert len(pad.strokes()) == 30
    assert sum(rendered) == 30  # one stroke per release; re-rendering the ink would be 1 + 2 + … + 30 = 465


def test_a_mouse_event_far_outside_is_clamped_not_an_overflow(qtbot, pad):
    side = pad.width()
    send(pad, QMouseEvent.Type.MouseButtonPress, 140.0, 140.0)
    send(pad, QMouseEvent.Type.MouseMove, 3e9, 140.0)  # a broken device driver's idea of a position
    send(pad, QMouseEvent.Type.MouseMove, 140.0, -3e9)
    send(pad, QMouseEvent.Type.MouseButtonRelease, 3e9, 3e9)
    [(_, points)] = pad.strokes()
    assert points.tolist() == [[140, 140], [(REACH + 1) * side, 140], [140, -REACH * side],
                               [(REACH + 1) * side, (REACH + 1) * side]]
    image = pad.image()
    assert image[140, 200] == 255 and image[140, 270] == 255  # the line towards the first clamped point
    assert image[100, 200] == 0  # the others run outside the canvas
    assert pad.probabilities() is not None and np.isfinite(pad.probabilities()).all()


def test_a_press_far_outside_and_strokes_given_far_outside_are_clamped(qtbot, pad):
    side = pad.width()
    send(pad, QMouseEvent.Type.MouseButtonPress, -3e9, 140.0)
    send(pad, QMouseEvent.Type.MouseButtonRelease, 140.0, 140.0)
    pad.draw_strokes([np.array([[140.0, 20.0], [1e300, 20.0], [np.nan, 5.0]]), np.zeros((0, 2)), [[np.inf, 1.0]]])
    first, second = (points.tolist() for _, points in pad.strokes())
    assert first == [[-REACH * side, 140], [140, 140]]
    assert second == [[140, 20], [(REACH + 1) * side, 20]]  # the point that is not a number is left out
    # the empty stroke and the one of no real point are not strokes at all
    assert pad.image()[140, 100] == 255 and pad.image()[20, 200] == 255
