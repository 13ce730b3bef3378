"""The draw pad inside the main window: exactly one, the bundled model loaded, the drawing fed to the network view."""

import numpy as np
from PySide6.QtCore import QPoint, Qt

from engine.training_config import MNIST
from gui.draw_pad.pad import DrawPad
from gui.shell.main_window import MainWindow


def test_the_window_has_one_pad_with_the_bundled_model(qtbot):
    window = MainWindow(dataset="circles")
    qtbot.addWidget(window)
    pads = window.findChildren(DrawPad)
    assert len(pads) == 1
    assert pads[0].model() is not None and pads[0].model().sizes[0] == 784
    assert window.digit_panel.model_source() == "bundled"
    window.close()


def test_a_drawn_digit_becomes_the_network_views_input(qtbot, mnist_subset_in_env):
    window = MainWindow(dataset=MNIST)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.network() is not None and window.network().sizes[0] == 784, timeout=20_000)
    given = []
    window.network_view.set_input = given.append  # what the pad hands the view, in order
    pad = window.findChild(DrawPad)
    qtbot.mousePress(pad, Qt.LeftButton, pos=QPoint(140, 60))
    qtbot.mouseMove(pad, QPoint(140, 220))
    qtbot.mouseRelease(pad, Qt.LeftButton, pos=QPoint(140, 220))
    assert given and given[-1].shape == (784,)
    np.testing.assert_array_equal(given[-1], pad.preprocessed().centred.ravel())
    pad.clear()
    assert given[-1] is None
    window.close()
