"""Figures out of the window: File ▸ Export figure… and the right-click menu write real PNG and SVG files."""

import xml.etree.ElementTree as ET

import pytest
from PySide6.QtGui import QContextMenuEvent, QImage
from PySide6.QtWidgets import QApplication

from gui.common.figure_export import save_figure
from tests.gui.checkpoint_helpers import answer_dialogs, make_window
from tests.gui.window_helpers import TIMEOUT, action, step

pytestmark = pytest.mark.usefixtures("discard_on_close")
SVG_NS = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def window(qtbot):
    """A window on the spirals, trained a little and evaluated (every figure has something to show)."""
    window = make_window(qtbot)
    step(window, qtbot, times=8)
    with qtbot.waitSignal(window.evaluation.view.evaluation_finished, timeout=TIMEOUT):
        action(window, "evaluate").trigger()  # shows the Evaluation tab
    action(window, "show_training").trigger()
    window.digit_panel.draw_pad.draw_strokes([[(60, 60), (140, 200), (220, 80)]])
    return window


def figure(window, name):
    return window.export_actions.figures[name]


def png_size(path):
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    image = QImage(str(path))
    assert not image.isNull()
    return image.width(), image.height()


def svg_root(path):
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG_NS}svg"
    return root


def shapes(root):
    """How many drawn shapes (paths, lines, rectangles, pictures) an SVG holds."""
    return sum(len(root.findall(f".//{SVG_NS}{tag}")) for tag in ("path", "polyline", "polygon", "rect", "image"))


@pytest.mark.parametrize("name", ["network", "loss", "confusion", "preprocessing"])
def test_every_figure_is_a_png_of_its_size_at_1x_and_2x_and_an_svg_of_paths_and_text(window, tmp_path, name):
    fig = figure(window, name)
    width, height = fig.rect().width(), fig.rect().height()  # on screen, or where it would be (a hidden tab)
    assert width > 50 and height > 50
    for scale in (1, 2):
        path = tmp_path / f"{name}@{scale}.png"
        assert save_figure(fig, path, scale) == path.stat().st_size
        assert png_size(path) == (width * scale, height * scale)
    path = tmp_path / f"{name}.svg"
    save_figure(fig, path)
    root = svg_root(path)
    assert root.get("viewBox").split() == ["0", "0", str(width), str(height)]
    assert shapes(root) > 2
    texts = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG_NS}text"))
    expected = {"network": "decision map", "loss": "epoch", "confusion": "predicted class",
                "preprocessing": "centred"}[name]
    assert expected in texts


def test_the_plots_svg_is_vector_lines_not_a_picture(window, tmp_path):
    save_figure(figure(window, "loss"), tmp_path / "loss.svg")
    root = svg_root(tmp_path / "loss.svg")
    assert root.findall(f".//{SVG_NS}image") == []
    assert len(root.findall(f".//{SVG_NS}path")) + len(root.findall(f".//{SVG_NS}polyline")) >= 4
    assert len(root.findall(f".//{SVG_NS}text")) >= 10  # titles, axis labels, tick labels, the legend


def export_from_the_menu(window, monkeypatch, fmt, path):
    """File ▸ Export figure…, format ``fmt``, the file dialog answered ``path``; the figure the dialog started on."""
    answer_dialogs(monkeypatch, path)
    action(window, "export_figure").trigger()
    dialog = window.export_actions.dialog
    dialog.select(fmt)
    dialog.export_button.click()
    return dialog.target()


def test_file_export_figure_starts_on_the_current_tabs_figure_and_writes_it(window, tmp_path, monkeypatch):
    assert export_from_the_menu(window, monkeypatch, "png2", tmp_path / "view") == "network"
    view = window.network_view
    assert png_size(tmp_path / "view.png") == (2 * view.width(), 2 * view.height())
    assert "view.png" in window.status.currentMessage()
    action(window, "show_evaluation").trigger()
    assert export_from_the_menu(window, monkeypatch, "svg", tmp_path / "matrix.svg") == "confusion"
    svg_root(tmp_path / "matrix.svg")


def right_click(widget):
    """A right-click in the middle of ``widget``, as the windowing system delivers it (to a plot's viewport)."""
    target = widget.viewport() if hasattr(widget, "viewport") else widget
    centre = target.rect().center()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, centre, target.mapToGlobal(centre))
    QApplication.sendEvent(target, event)


@pytest.mark.parametrize("name, widget", [("loss", lambda w: w.loss_plot),
                                          ("preprocessing", lambda w: w.digit_panel.step_images["centred"])])
def test_a_right_click_offers_export_figure_for_the_figure_clicked(window, tmp_path, monkeypatch, name, widget):
    clicked = widget(window)
    right_click(clicked)
    menus = [m for m in clicked.findChildren(type(window.file_actions.menu)) if m.isVisible()]
    assert len(menus) == 1
    (item,) = menus[0].actions()
    assert item.text() == "Export figure…"
    item.trigger()
    dialog = window.export_actions.dialog
    assert dialog.target() == name
    answer_dialogs(monkeypatch, tmp_path / "picked")
    dialog.select("png4")
    dialog.export_button.click()
    rect = figure(window, name).rect()
    assert png_size(tmp_path / "picked.png") == (4 * rect.width(), 4 * rect.height())


def test_a_figure_that_cannot_be_written_is_a_message(window, tmp_path, monkeypatch):
    export_from_the_menu(window, monkeypatch, "png1", tmp_path / "no-such-folder" / "view.png")
    assert "Not saved: view.png" in window.notice.text()
