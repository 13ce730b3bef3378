"""File ▸ Open data…: a person's CSV read in the background, trained, saved and opened again; the built-in
regressions in the dataset list, with the loss plot showing RMSE."""

import shutil

import pytest
from PySide6.QtWidgets import QPushButton

from tests.gui.checkpoint_helpers import answer_dialogs
from tests.gui.table_helpers import IRIS, open_table
from tests.gui.window_helpers import TIMEOUT, action, make_window, step


def train_to_the_end(window, qtbot, **changes):
    config = window.controls.config()
    for key, value in changes.items():
        setattr(config, key, value)
    window.controls.set_config(config)
    window.reset()
    with qtbot.waitSignal(window.session.run_ended, timeout=60_000):
        action(window, "play_pause").trigger()


def test_iris_opens_builds_its_network_and_learns(qtbot, monkeypatch):
    window = make_window(qtbot)
    open_table(window, qtbot, monkeypatch, IRIS)
    assert window.controls.dataset.currentData() == "csv" and window.controls.dataset.currentText() == "iris.csv"
    assert window.network().sizes == [4, 16, 16, 3] and window.dataset().n_classes == 3
    assert "iris.csv" in window.controls.dataset_info.text()
    train_to_the_end(window, qtbot, epochs=100, lr=0.01, batch_size=16)
    accuracy = window.session.trainer.history.epoch_test_accuracy[-1]
    assert accuracy >= 0.95
    assert window.loss_plot.last_score().startswith("test accuracy")


def test_a_regression_trains_with_mse_and_the_loss_plot_shows_rmse(qtbot):
    window = make_window(qtbot)
    combo = window.controls.dataset
    combo.setCurrentIndex(combo.findData("sine"))  # fresh network: switching builds the new one
    net = window.network()
    assert net.sizes == [1, 16, 16, 1] and net.activations[-1].name == "identity"
    assert net.loss_function.name == "mse" and not window.controls.loss.isEnabled()
    assert window.loss_plot.acc_plot.titleLabel.text == "Test RMSE"
    with qtbot.waitSignal(window.session.epoch_finished, timeout=TIMEOUT) as heard:
        action(window, "play_pause").trigger()
    window.pause()
    event = heard.args[0]
    assert window.loss_plot.accuracy.y[0] == pytest.approx(event.test_rmse, rel=1e-4)
    assert window.loss_plot.last_score().startswith("test RMSE")


def test_a_checkpoint_of_a_table_reopens_with_the_same_file_only(qtbot, monkeypatch, tmp_path, discard_unsaved):
    table, model = tmp_path / "iris.csv", tmp_path / "iris.npz"
    shutil.copy(IRIS, table)
    window = make_window(qtbot)
    open_table(window, qtbot, monkeypatch, table)
    step(window, qtbot, 2)
    window.file_actions.save_to(str(model))
    second = make_window(qtbot)
    assert second.file_actions.open_path(str(model))
    assert second.network().sizes == [4, 16, 16, 3] and second.dataset().params["file"] == "iris.csv"
    assert second.controls.dataset.currentData() == "csv"

    third = make_window(qtbot)
    with open(table, "a") as fh:
        fh.write("5.0,3.0,1.5,0.2,setosa\n")
    assert not third.file_actions.open_path(str(model))
    assert "has changed" in third.notice.text() and third.dataset().name == "circles"


def test_a_bad_table_is_refused_with_a_message_and_nothing_changes(qtbot, monkeypatch, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,x\n2,y\n3,x\n4,x\n5,y\n6,y\n7,x\n8,y\n9,x\n10,y\n")
    window = make_window(qtbot)
    before = window.network()
    answer_dialogs(monkeypatch, bad)
    action(window, "open_data").trigger()
    with qtbot.waitSignal(window.datasets.failed, timeout=TIMEOUT):
        window.open_data.dialog.target.setCurrentIndex(1)  # words as the target: fine …
        window.open_data.dialog.drop_missing.setChecked(False)
        bad.write_text("a,b\n1,x\n2,,\n")  # … but the file changed under the dialog: read fails
        window.open_data.dialog.accept()
    assert "bad.csv" in window.notice.text() and window.network() is before
    assert window.open_data.progress is None and window.action("reset").isEnabled()


def test_a_tables_configuration_imports_only_once_a_table_is_open(qtbot, monkeypatch, tmp_path):
    exported = tmp_path / "iris.json"
    window = make_window(qtbot)
    open_table(window, qtbot, monkeypatch, IRIS)
    window.file_actions.export_config(str(exported))
    other = make_window(qtbot)
    assert not other.file_actions.import_config(str(exported))
    assert "Open data" in other.notice.text() and other.controls.config().dataset == "circles"
    open_table(other, qtbot, monkeypatch, IRIS)
    assert other.file_actions.import_config(str(exported)) and other.network().sizes == [4, 16, 16, 3]


def test_reading_a_table_shows_progress_and_cancel_stops_it(qtbot, monkeypatch):
    def slow_load(path, progress=None, should_stop=None, **options):  # in the loader's thread
        progress(0.5)
        should_stop.__self__.wait(TIMEOUT / 1000)  # until Cancel sets the loader's stop event
        return None if should_stop() else pytest.fail("never cancelled")

    monkeypatch.setattr("gui.datasets.loader.load_csv", slow_load)
    window = make_window(qtbot)
    before = window.network()
    answer_dialogs(monkeypatch, IRIS)
    action(window, "open_data").trigger()
    with qtbot.waitSignal(window.datasets.progress, timeout=TIMEOUT):
        window.open_data.dialog.accept()
    assert window.open_data.progress.value() == 500 and not window.action("reset").isEnabled()
    with qtbot.waitSignal(window.datasets.cancelled, timeout=TIMEOUT):
        window.open_data.progress.findChild(QPushButton).click()  # the dialog's Cancel button
    assert window.open_data.progress is None and window.action("reset").isEnabled()
    assert window.network() is before and window.controls.dataset.findData("csv") < 0
