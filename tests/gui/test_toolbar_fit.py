"""The training toolbar keeps every control in sight: narrower windows show some buttons' icons alone."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDockWidget, QToolButton

from tests.gui.window_helpers import TIMEOUT, action, shown_window

WORDS, ICON = Qt.ToolButtonStyle.ToolButtonTextBesideIcon, Qt.ToolButtonStyle.ToolButtonIconOnly
NAMES = ("download_mnist", "reset", "step_back", "step_phase", "step_batch", "play_pause")  # the order words go


def styles(window):
    return [window.toolbar.widgetForAction(action(window, name)).toolButtonStyle() for name in NAMES]


@pytest.mark.parametrize("width", [1024, 1400])
def test_every_control_of_the_toolbar_stays_in_sight(qtbot, width):
    window = shown_window(qtbot, "circles")
    qtbot.waitExposed(window)
    # As on a narrow screen (gui/shell/window_layout.py: fit_docks_to_screen): one side column of docks.
    window.tabifyDockWidget(window.findChild(QDockWidget, "controls_dock"), window.findChild(QDockWidget, "draw_pad_dock"))
    qtbot.wait(50)
    window.resize(width, 700)
    qtbot.waitUntil(lambda: window.network() is not None and window.width() == width, timeout=TIMEOUT)
    qtbot.wait(20)
    selector = next(box for box in window.toolbar.findChildren(QComboBox) if box.isVisible())
    right = selector.mapTo(window.toolbar, selector.rect().topRight()).x()
    assert right <= window.toolbar.width()  # the edge selector is on the toolbar, not behind its » menu
    extension = window.toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert extension is None or not extension.isVisible()
    assert window.toolbar.layout().sizeHint().width() <= window.toolbar.width()  # all of it fits
    found = styles(window)
    assert found == sorted(found, key=lambda style: style != ICON)  # words go in order (Download's first)
    assert found[-1] == WORDS  # Play keeps its word
    assert (ICON in found) == (width == 1024)  # at 1024 px the words would not all fit


def test_a_wider_window_gives_the_words_back(qtbot):
    window = shown_window(qtbot, "circles", size=(1400, 900))
    qtbot.waitExposed(window)
    assert set(styles(window)) == {WORDS}
    window._toolbar_fit.toolbar.resize(700, window.toolbar.height())  # as a narrow window would
    window._toolbar_fit.fit()
    assert styles(window)[:2] == [ICON, ICON]
    window._toolbar_fit.toolbar.resize(1400, window.toolbar.height())
    window._toolbar_fit.fit()
    assert set(styles(window)) == {WORDS}
