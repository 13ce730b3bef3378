"""Presentation mode: F11 full screen without side panels and back; one zoom for the view's words, the caption
and the plots, remembered; each side panel shown or hidden from the View menu."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from gui.common.settings import app_settings
from gui.shell.presentation import ZOOM_KEY, ZOOMS
from tests.gui.window_helpers import action, shown_window


def docks(window):
    return {d.objectName(): d for d in window.findChildren(QDockWidget)}


def test_presentation_goes_full_screen_without_side_panels_and_back(qtbot):
    window = shown_window(qtbot)
    assert all(d.isVisible() for d in docks(window).values())
    action(window, "presentation").trigger()
    assert window.windowState() & Qt.WindowState.WindowFullScreen
    assert not any(d.isVisible() for d in docks(window).values())
    action(window, "presentation").trigger()
    assert not window.windowState() & Qt.WindowState.WindowFullScreen
    assert all(d.isVisible() for d in docks(window).values())


def test_presentation_has_f11_and_is_in_the_view_menu(qtbot):
    window = shown_window(qtbot)
    assert action(window, "presentation").shortcut().toString() == "F11"
    menu_names = {a.objectName() for a in window.view_menu.menu.actions()}
    assert {"presentation", "zoom_in", "zoom_out", "zoom_reset", "show_controls", "show_draw_pad"} <= menu_names


def test_each_side_panel_is_shown_and_hidden_from_the_view_menu(qtbot):
    window = shown_window(qtbot)
    pad = docks(window)["draw_pad_dock"]
    action(window, "show_draw_pad").trigger()
    assert not pad.isVisible() and docks(window)["controls_dock"].isVisible()
    action(window, "show_draw_pad").trigger()
    assert pad.isVisible()


def test_zoom_scales_the_views_words_the_caption_and_the_plots_together(qtbot):
    window = shown_window(qtbot)
    view, caption, plot = window.network_view, window.walkthrough.caption, window.loss_plot
    view.grab()
    heights = [r.height() for r, _ in view.text_rects()]
    caption_pt = caption.text.font().pointSizeF()
    tick_pt = plot.loss_plot.getAxis("left").style["tickFont"]
    action(window, "zoom_in").trigger()
    action(window, "zoom_in").trigger()
    zoom = window.presentation.zoom
    assert zoom == ZOOMS[ZOOMS.index(1.0) + 2]
    assert view.zoom() == zoom
    view.grab()
    assert max(r.height() for r, _ in view.text_rects()) > max(heights)
    assert caption.text.font().pointSizeF() == caption_pt * zoom
    assert plot.loss_plot.getAxis("left").style["tickFont"].pointSizeF() > (
        tick_pt.pointSizeF() if tick_pt is not None else plot.font().pointSizeF())
    action(window, "zoom_reset").trigger()
    assert view.zoom() == 1.0 and caption.text.font().pointSizeF() == caption_pt


def test_the_zoom_is_remembered_for_the_next_window(qtbot):
    first = shown_window(qtbot)
    action(first, "zoom_in").trigger()
    zoom = first.presentation.zoom
    assert float(app_settings().value(ZOOM_KEY)) == zoom
    second = shown_window(qtbot)
    assert second.presentation.zoom == zoom and second.network_view.zoom() == zoom


def test_zoom_stops_at_its_ends(qtbot):
    window = shown_window(qtbot)
    for _ in range(len(ZOOMS)):
        action(window, "zoom_out").trigger()
    assert window.presentation.zoom == ZOOMS[0] and not action(window, "zoom_out").isEnabled()
    for _ in range(len(ZOOMS)):
        action(window, "zoom_in").trigger()
    assert window.presentation.zoom == ZOOMS[-1] and not action(window, "zoom_in").isEnabled()
