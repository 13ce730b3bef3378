"""Dark mode: the evaluation tab's matrix turns dark with the application palette, and light again."""

from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtGui import QColor, QPalette

import gui.common.colormaps as cm
from gui.common.theme import dark_palette, is_dark
from gui.evaluation.confusion_matrix import ConfusionMatrixView, cell_rgb


@pytest.fixture
def app_palette(qapp):
    """Whatever a test does to the application palette is undone afterwards."""
    yield qapp
    qapp.setPalette(QPalette())
    assert not is_dark()


def _matrix(qtbot):
    confusion = np.array([[8, 1, 0], [2, 5, 0], [0, 0, 4]])
    result = SimpleNamespace(confusion=confusion, class_names=["a", "b", "c"],
                             per_class_accuracy=lambda: np.diag(confusion) / confusion.sum(axis=1))
    view = ConfusionMatrixView()
    qtbot.addWidget(view)
    view.set_result(result)
    view.resize(360, 320)
    return view


def _corner_and_label(view, path):
    """Lightness of the background (a corner pixel) and the lightest/darkest label pixel near row 0's name."""
    image = view.grab().toImage()
    image.save(path)
    side, left, top = view._layout()
    back = QColor(image.pixel(2, view.height() - 2)).lightness()
    names = [QColor(image.pixel(x, y)).lightness() for x in range(0, left - 6) for y in range(top, top + side)]
    label = min(names) if back > 128 else max(names)
    return back, label


def test_a_dark_palette_turns_the_matrix_dark_and_a_light_one_back(qtbot, app_palette):
    view = _matrix(qtbot)
    back, label = _corner_and_label(view, "/tmp/matrix_light.png")
    assert back > 200 and label < 120
    app_palette.setPalette(dark_palette())
    back, label = _corner_and_label(view, "/tmp/matrix_dark.png")
    assert back < 60 and label > 150
    app_palette.setPalette(QPalette())
    back, label = _corner_and_label(view, "/tmp/matrix_light_again.png")
    assert back > 200 and label < 120


def test_dark_cells_keep_blue_right_and_orange_wrong():
    paper = (32, 33, 37)
    right, wrong = cell_rgb(9, 10, True, 5, paper), cell_rgb(5, 10, False, 5, paper)
    assert np.argmax(np.subtract(right, paper)) == np.argmax(np.subtract(cm.POSITIVE, paper))
    assert np.argmax(np.subtract(wrong, paper)) == np.argmax(np.subtract(cm.NEGATIVE, paper))
