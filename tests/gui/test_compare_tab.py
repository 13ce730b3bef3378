"""The Compare tab: presets trained side by side to the end of an epoch, runs removed, the history kept and exported.

MNIST is the subset shipped with the tests (2,000 training and 1,000 test images), so the articles' four
runs (one sample per step) finish their epoch in seconds.
"""

import csv
import threading

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog, QPushButton

from engine.compare_history import read_history
from engine.data import mnist_source
from engine.data.mnist_source import MNIST_ENV
from gui.common.formatting import percent
from gui.compare import tab as compare_tab_module
from gui.compare.curves import CompareCurves
from tests.gui.window_helpers import TIMEOUT, action, change_config, shown_window

TRAINING = 120_000  # ms: four runs of 2,000 single-sample steps and their test passes, on a loaded machine


def compare_tab(window):
    """The window's Compare tab, shown through View ▸ Compare (Ctrl+3)."""
    action(window, "show_compare").trigger()
    assert window.evaluation.tabs.currentWidget() is window.compare
    return window.compare


def train_to_the_end(qtbot, tab):
    """Press Start and wait until the comparison has ended (every run finished)."""
    with qtbot.waitSignal(tab.running_changed, timeout=TRAINING, check_params_cb=lambda running: not running):
        action(tab, "compare_start").trigger()


def last_x(tab):
    """Where run 0's loss curve ends (epochs; 0 while it has no point)."""
    losses = tab.curves.points(0)[0]
    return losses[-1][0] if losses else 0


def table_column(tab, column):
    return [tab.table.item(row, column).text() for row in range(tab.table.rowCount())]


def test_the_articles_four_train_side_by_side_to_the_end_of_epoch_one(qtbot, mnist_subset_in_env, monkeypatch):
    threads = set()  # where the curves were drawn: the GUI thread only
    add_loss = CompareCurves.add_loss
    monkeypatch.setattr(CompareCurves, "add_loss",
                        lambda curves, *args: (threads.add(threading.current_thread()), add_loss(curves, *args)))
    window = shown_window(qtbot)
    tab = compare_tab(window)
    action(tab, "compare_articles").trigger()
    names = ["LeakyReLU + MSE", "LeakyReLU + CE", "Sigmoid + MSE", "Sigmoid + CE"]
    assert table_column(tab, 0) == names
    assert not action(tab, "compare_stop").isEnabled()
    train_to_the_end(qtbot, tab)  # MNIST is read first (the window opened on a 2-D set), then the four train

    assert table_column(tab, 2) == ["1 ✓"] * 4
    for text in table_column(tab, 3) + table_column(tab, 4):
        assert text.endswith(" %"), text
    for k in range(4):
        losses, accuracies = tab.curves.points(k)
        assert len(losses) >= 2 and losses[-1][0] == pytest.approx(1.0)
        assert len(accuracies) == 1 and accuracies[0][0] == 1 and 0 <= accuracies[0][1] <= 100
    assert [item[1].text for item in tab.curves.legend.items] == names
    records = read_history()
    assert [r["name"] for r in records] == names and all(r["epochs"] == 1 for r in records)
    assert all(r["dataset_title"] == "MNIST digits" and r["raw_pixels"] for r in records)
    assert tab.state.text().startswith("4 runs, 4 finished")
    assert threads == {threading.main_thread()}

    plot = tab.curves.accuracy_plot  # the pointer over the best run's accuracy point names a run and the value
    accuracies = [tab.curves.points(k)[1][0][1] for k in range(4)]
    best = max(accuracies)
    view = plot.getPlotItem().getViewBox()
    nudge = iter(range(10**6))

    def point_at_best():  # the range settles on a later paint: map afresh, and move (a 1 px nudge is a new move)
        view.updateAutoRange()
        at = plot.mapFromScene(view.mapViewToScene(pg.Point(1, best)))
        qtbot.mouseMove(plot.viewport(), at + QPoint(next(nudge) % 2, 0))
        return tab.curves.hover.text().strip() != ""

    qtbot.waitUntil(point_at_best, timeout=TIMEOUT)
    name, _, value = tab.curves.hover.text().partition(": ")
    assert name in {names[k] for k in range(4) if abs(accuracies[k] - best) < 0.5}  # points that close overlap
    assert value == f"test accuracy {percent(best / 100)} at epoch 1.00"


def test_a_selected_run_is_removed_with_its_row_and_curves(qtbot, mnist_subset_in_env):
    window = shown_window(qtbot)
    tab = compare_tab(window)
    action(tab, "compare_inits").trigger()
    names = table_column(tab, 0)
    assert len(names) >= 3
    assert not action(tab, "compare_remove").isEnabled()  # nothing selected
    tab.table.selectRow(1)
    action(tab, "compare_remove").trigger()
    assert table_column(tab, 0) == names[:1] + names[2:]
    assert [item[1].text for item in tab.curves.legend.items] == names[:1] + names[2:]
    assert [spec.name for spec in tab.specs] == names[:1] + names[2:]


def test_a_finished_run_goes_into_the_history_which_exports_as_csv(qtbot, tmp_path, monkeypatch):
    window = shown_window(qtbot, "circles")
    change_config(window, epochs=2)
    tab = compare_tab(window)
    action(tab, "compare_add_current").trigger()
    action(tab, "compare_add_current").trigger()  # the same set-up twice: named apart
    assert table_column(tab, 0)[1].endswith("(2)")
    train_to_the_end(qtbot, tab)
    records = read_history()
    assert [r["name"] for r in records] == table_column(tab, 0)
    assert records[0]["test_accuracy"] == records[1]["test_accuracy"]  # same seed, same data: same run

    action(tab, "compare_history").trigger()
    dialog = tab.history_dialog
    assert dialog.table.rowCount() == 2
    target = tmp_path / "history.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [row["name"] for row in rows] == [r["name"] for r in records]
    assert rows[0]["dataset"] == "circles" and rows[0]["epochs"] == "2"
    dialog.close()


def test_double_clicking_a_run_opens_its_set_up_in_the_training_controls(qtbot):
    window = shown_window(qtbot, "circles")
    change_config(window, lr=0.123, hidden=[5], activations=["relu"])
    tab = compare_tab(window)
    action(tab, "compare_add_current").trigger()
    change_config(window, lr=0.01, hidden=[8, 8], activations=["tanh", "tanh"])
    rect = tab.table.visualItemRect(tab.table.item(0, 1))
    qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # as a hand does: press,
    qtbot.mouseDClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # release, press again
    config = window.controls.config()
    assert config.lr == pytest.approx(0.123) and config.hidden == [5] and config.activations == ["relu"]
    assert window.evaluation.tabs.currentWidget() is window.evaluation.training_page


def test_without_mnist_the_articles_preset_offers_the_download_and_inits_run_on_a_2d_set(qtbot, tmp_path,
                                                                                        monkeypatch):
    monkeypatch.setattr(mnist_source, "cache_dir", lambda: str(tmp_path / "empty-cache"))
    monkeypatch.delenv(MNIST_ENV, raising=False)
    window = shown_window(qtbot, "circles")
    assert window.datasets.mnist_folder is None
    tab = compare_tab(window)
    action(tab, "compare_articles").trigger()
    assert tab.table.rowCount() == 0
    assert "MNIST" in tab.notice.text()
    assert {"Download MNIST…", "Choose folder…"} <= {b.text() for b in tab.notice.findChildren(QPushButton)}
    action(tab, "compare_inits").trigger()
    assert tab.table.rowCount() >= 3
    assert all(spec.config.dataset == "circles" for spec in tab.specs)


def test_stop_keeps_what_was_trained_and_start_goes_on(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(mnist_source, "cache_dir", lambda: str(tmp_path / "empty-cache"))
    monkeypatch.delenv(MNIST_ENV, raising=False)
    monkeypatch.setitem(compare_tab_module.TOY_INITS, "epochs", 10_000)  # far more than a Stop lets through
    window = shown_window(qtbot, "circles")
    tab = compare_tab(window)
    action(tab, "compare_inits").trigger()
    stopped_at = []
    for _ in range(2):
        with qtbot.waitSignal(tab.running_changed, timeout=TRAINING):
            action(tab, "compare_start").trigger()
        assert action(tab, "compare_stop").isEnabled() and not action(tab, "compare_add_current").isEnabled()
        qtbot.waitUntil(lambda: last_x(tab) > max(stopped_at, default=0), timeout=TRAINING)  # a report since Stop
        with qtbot.waitSignal(tab.running_changed, timeout=TRAINING, check_params_cb=lambda running: not running):
            action(tab, "compare_stop").trigger()
        stopped_at.append(last_x(tab))
    assert 0 < stopped_at[0] < stopped_at[1] < 10_000  # the second session went on from the first
    assert read_history() == []  # nothing finished, nothing recorded
    assert action(tab, "compare_start").isEnabled() and not action(tab, "compare_remove").isEnabled()


def test_a_run_is_added_from_an_exported_configuration_file(qtbot, tmp_path, monkeypatch):
    window = shown_window(qtbot, "circles")
    change_config(window, lr=0.07, hidden=[6, 3], activations=["relu", "tanh"], batch_size=8)
    path = tmp_path / "small relu.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(path), ""))
    action(window, "export_config").trigger()  # File ▸ Export configuration…
    change_config(window, lr=0.01, hidden=[8, 8], activations=["tanh", "tanh"], batch_size=16)
    tab = compare_tab(window)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), ""))
    action(tab, "compare_add_file").trigger()
    assert table_column(tab, 0) == ["small relu"]
    config = tab.specs[0].config
    assert (config.lr, config.hidden, config.activations, config.batch_size) == (0.07, [6, 3], ["relu", "tanh"], 8)
    path.write_text("{not json")  # a broken file is refused, saying why, and adds nothing
    action(tab, "compare_add_file").trigger()
    assert table_column(tab, 0) == ["small relu"] and "Not added" in tab.notice.text()


def test_closing_the_window_ends_a_comparison_in_progress(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(mnist_source, "cache_dir", lambda: str(tmp_path / "empty-cache"))
    monkeypatch.delenv(MNIST_ENV, raising=False)
    monkeypatch.setitem(compare_tab_module.TOY_INITS, "epochs", 10_000)
    window = shown_window(qtbot, "circles")
    tab = compare_tab(window)
    action(tab, "compare_inits").trigger()
    with qtbot.waitSignal(tab.running_changed, timeout=TRAINING):
        action(tab, "compare_start").trigger()
    job = tab._job
    assert job.running()
    window.close()
    assert not job.running()  # stopped after its batch and waited for, not left training
