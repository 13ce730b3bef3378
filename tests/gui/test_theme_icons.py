"""Light and dark: the plots, notices and icons follow the application palette; the icons are sharp at 200 %."""

import os

import numpy as np
import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QColor, QIcon, QPalette
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from gui.common import icons
from gui.common.notice_bar import NoticeBar
from gui.common.theme import SchemeFollower, dark_palette, is_dark
from tests.gui.window_helpers import exposed_window


@pytest.fixture
def app_palette(qapp):
    """Whatever a test does to the application palette is undone afterwards."""
    yield qapp
    qapp.setPalette(QPalette())  # nothing set: the style's own palette again
    assert not is_dark()


def lightness(color):
    return QColor(color).lightness()


def ink(pixmap):
    """Mean lightness (0–255) of the drawn (opaque enough) pixels of a pixmap, and how many there are."""
    image = pixmap.toImage().convertToFormat(pixmap.toImage().Format.Format_ARGB32)
    buf = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes()).reshape(image.height(), -1)[:, : 4 * image.width()]
    bgra = buf.reshape(image.height(), image.width(), 4).astype(float)
    drawn = bgra[..., 3] > 128
    return bgra[drawn][:, :3].mean() if drawn.any() else None, int(drawn.sum())


def test_a_dark_palette_turns_the_plots_dark_and_a_light_one_back(qtbot, app_palette):
    window = exposed_window(qtbot)
    plot = window.loss_plot
    assert lightness(plot.backgroundBrush().color()) > 200
    light_axis_text = plot.loss_plot.getAxis("left").textPen().color()
    app_palette.setPalette(dark_palette())  # the change reaches widgets as (posted) events
    qtbot.waitUntil(lambda: lightness(plot.backgroundBrush().color()) < 60)
    assert lightness(window.digit_panel.bars_plot.backgroundBrush().color()) < 60
    assert lightness(plot.loss_plot.getAxis("left").textPen().color()) > lightness(light_axis_text) + 100
    legend_labels = [label for _, label in plot.loss_plot.legend.items]
    assert all("#d7d8dd" in label.item.toHtml() for label in legend_labels)  # re-rendered in the light text colour
    app_palette.setPalette(QPalette())
    qtbot.waitUntil(lambda: lightness(plot.backgroundBrush().color()) > 200)


def test_a_window_opened_under_a_dark_palette_starts_dark(qtbot, app_palette):
    app_palette.setPalette(dark_palette())
    window = exposed_window(qtbot)
    assert window.palette_follower.dark
    assert lightness(window.loss_plot.backgroundBrush().color()) < 60


def test_notices_are_tinted_for_the_palette_even_while_shown(qtbot, app_palette):
    window = exposed_window(qtbot)
    window.tell("Training diverged.", "warning")
    light_sheet = window.notice.styleSheet()
    app_palette.setPalette(dark_palette())
    qtbot.waitUntil(lambda: window.notice.styleSheet() != light_sheet)
    assert "#3a2e14" in window.notice.styleSheet()
    bar = NoticeBar()  # made while dark
    qtbot.addWidget(bar)
    bar.show_message("Again.", "error")
    assert "#40201f" in bar.styleSheet()


def test_the_system_scheme_installs_a_dark_palette_and_removes_it(qapp, app_palette):
    follower = SchemeFollower(qapp)
    try:
        follower.apply(Qt.ColorScheme.Dark)
        assert is_dark() and follower.installed
        follower.apply(Qt.ColorScheme.Light)
        assert not is_dark() and not follower.installed
    finally:
        follower.setParent(None)
        follower.deleteLater()


@pytest.mark.parametrize("name", [*icons.NAMES, "app"])
def test_every_icon_is_a_valid_svg(name):
    assert QSvgRenderer(icons.svg_path(name)).isValid()
    if name != "app":
        with open(icons.svg_path(name), encoding="utf-8") as f:
            assert "currentColor" in f.read()  # tinted for the palette


def test_icons_take_the_palettes_text_colour_and_are_sharp_at_200_percent(qapp, app_palette):
    play = icons.icon("play")
    assert not play.isNull() and isinstance(play, QIcon)
    light_ink, _ = ink(play.pixmap(QSize(24, 24)))
    app_palette.setPalette(dark_palette())
    dark_ink, _ = ink(play.pixmap(QSize(24, 24)))
    assert light_ink < 80 and dark_ink > 180
    disabled_ink, _ = ink(play.pixmap(QSize(24, 24), QIcon.Mode.Disabled))
    assert disabled_ink < dark_ink - 60  # a disabled action looks disabled
    sharp = play.pixmap(QSize(16, 16), 2.0)
    assert sharp.devicePixelRatio() == 2.0 and sharp.size() == QSize(32, 32)
    assert ink(sharp)[1] > 3 * ink(play.pixmap(QSize(16, 16)))[1]  # drawn at 32 px, not a 16 px one scaled


def test_the_toolbar_uses_our_icons_and_the_window_has_the_app_icon(qtbot):
    window = exposed_window(qtbot)
    for name in ("play_pause", "step_batch", "step_phase", "reset", "download_mnist", "open_checkpoint",
                 "save_checkpoint", "evaluate"):
        icon = window.findChild(QAction, name).icon()
        assert not icon.isNull() and icon.availableSizes() == [QSize(s, s) for s in icons.APP_SIZES], name
    assert not window.windowIcon().isNull()
    assert QSize(256, 256) in window.windowIcon().availableSizes()


def test_a_standard_name_without_a_drawing_of_ours_falls_back_to_the_style(qapp):
    fallback = icons.icon("SP_TrashIcon")
    assert not fallback.isNull()
    assert os.path.basename(icons.svg_path("play")) == "play.svg"
    assert isinstance(QApplication.instance(), QApplication)
