"""The window remembers its geometry, docks, splitter and last configuration; damaged settings cost only defaults."""

import json
from dataclasses import asdict

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtWidgets import QApplication, QDockWidget

from engine.training_config import defaults_for
from gui.common.settings import app_settings
from gui.shell import main_window
from gui.shell.main_window import MainWindow
from gui.shell.window_layout import fit_to_screen
from gui.shell.window_state import CONFIG_KEY, GEOMETRY_KEY, STATE_KEY, config_from_json


def open_window(qtbot, **kwargs):
    window = MainWindow(**kwargs)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_close_then_open_gives_the_same_geometry_docks_splitter_and_config(qtbot):
    first = open_window(qtbot, dataset="spirals")
    height = first.minimumHeight() + 37  # not the default (900)
    first.resize(1300, height)
    pad_dock = first.findChild(QDockWidget, "draw_pad_dock")
    first.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, pad_dock)  # moved, as a person would by dragging
    QApplication.processEvents()  # the centre is laid out anew (its caption wraps to the new width) before …
    first.splitter.setSizes([420, 150])  # … the splitter is set
    sizes = first.splitter.sizes()
    config = first.controls.config()
    config.hidden, config.activations = [12, 7, 5], ["relu", "tanh", "sigmoid"]
    config.lr, config.batch_size, config.seed, config.optimizer = 0.02, 64, 7, "momentum"
    first.controls.set_config(config)
    first.close()  # the close event saves

    second = open_window(qtbot)
    assert (second.width(), second.height()) == (1300, height)
    assert second.notice.text() == first.notice.text()  # without MNIST both say so: the same height above the views
    assert second.dockWidgetArea(second.findChild(QDockWidget, "draw_pad_dock")) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert second.splitter.sizes() == sizes
    assert second.controls.config() == config
    assert second.session.config == config  # rebuilt from it, not only shown
    assert second.network().sizes[1:-1] == [12, 7, 5]
    assert "config" in second.window_state.restored and "geometry" in second.window_state.restored


def test_a_notice_at_the_next_start_only_borrows_its_height_from_the_views(qtbot, monkeypatch):
    monkeypatch.setattr(main_window, "discover_mnist", lambda: (None, None))  # the notice is shown at each start
    first = open_window(qtbot, dataset="spirals")
    first.resize(first.width(), first.minimumHeight() + 37)  # not the default
    qtbot.waitUntil(lambda: first.notice.isVisible() and first.splitter.height() > 300)  # laid out at that height
    with_notice = first.splitter.height()
    first.notice.clear()  # closed with its ✕
    qtbot.waitUntil(lambda: first.splitter.height() > with_notice)  # the views took the notice's room
    total = first.splitter.height()
    first.splitter.setSizes([total // 2 + 20, total - total // 2 - 20])  # not the default split
    sizes = first.splitter.sizes()
    first.close()
    second = open_window(qtbot)
    assert second.notice.isVisible() and second.size() == first.size()
    assert sum(second.splitter.sizes()) < sum(sizes)
    second.notice.clear()
    qtbot.waitUntil(lambda: second.splitter.sizes() == sizes)


def test_a_maximized_window_opens_maximized(qtbot):
    first = open_window(qtbot, dataset="circles")
    first.showMaximized()
    qtbot.waitUntil(first.isMaximized)
    first.close()
    second = open_window(qtbot, dataset="circles")
    assert second.isMaximized()


def test_an_explicitly_requested_dataset_wins_over_the_remembered_config(qtbot):
    first = open_window(qtbot, dataset="spirals")
    first.close()
    second = open_window(qtbot, dataset="xor")
    assert second.controls.config() == defaults_for("xor")
    assert "config" not in second.window_state.restored


def test_a_config_whose_dataset_is_not_available_is_ignored(qtbot):
    saved = asdict(defaults_for("circles"))
    saved.update(dataset="no-such-set", lr=0.5)
    app_settings().setValue(CONFIG_KEY, json.dumps(saved))
    window = open_window(qtbot, dataset=None)
    assert window.controls.config().dataset != "no-such-set"
    assert window.controls.config().lr != 0.5
    assert "config" not in window.window_state.restored


def test_garbage_in_the_settings_file_gives_the_defaults(qtbot):
    reference = open_window(qtbot, dataset=None)
    default_size, default_config = reference.size(), reference.controls.config()
    path = app_settings().fileName()
    reference.close()
    with open(path, "wb") as f:  # not even INI
        f.write(bytes(range(256)) * 8 + b"\n[window]\nversion=1\ngeometry=@ByteArray(\x00\xff\n")
    window = open_window(qtbot, dataset=None)
    assert window.size() == default_size
    assert window.controls.config() == default_config


def test_well_formed_but_wrong_values_are_each_ignored(qtbot):
    settings = app_settings()
    settings.setValue("window/version", 1)
    settings.setValue(GEOMETRY_KEY, "not a geometry")
    settings.setValue(STATE_KEY, QByteArray(b"\x00\x01garbage state"))
    settings.setValue("window/splitter/main", 12345)
    settings.setValue(CONFIG_KEY, json.dumps({"dataset": "circles", "lr": "fast", "batch_size": 10**9, "epochs": 3,
                                              "hidden": [-4], "activations": ["tanh"], "loss": "hinge",
                                              "seed": 2.5, "l2": float("nan"), "unknown_key": 1}))
    settings.sync()
    window = open_window(qtbot, dataset=None)
    expected = defaults_for("circles")
    expected.epochs = 3  # the one valid value
    assert window.controls.config() == expected
    assert window.window_state.restored == ["config"]


def test_a_layout_from_another_version_is_not_restored(qtbot):
    first = open_window(qtbot, dataset="circles")
    first.resize(1000, 700)
    first.close()
    app_settings().setValue("window/version", 0)
    second = open_window(qtbot, dataset="circles")
    assert second.size() != first.size()
    assert second.window_state.restored == []


def test_config_from_json_round_trips_and_checks_each_field(qtbot):
    window = open_window(qtbot, dataset="circles")
    controls, datasets = window.controls, ["circles", "xor"]
    config = defaults_for("xor")
    config.hidden, config.activations, config.l2, config.beta2 = [3], ["relu"], 0.001, 0.99
    assert config_from_json(json.dumps(asdict(config)), controls, datasets) == config
    for text in ("", "[1, 2]", "{", "null", json.dumps({"lr": 0.1}), json.dumps({"dataset": "mnist"}), None, b"x"):
        assert config_from_json(text, controls, datasets) is None, text
    mismatched = json.dumps({"dataset": "xor", "hidden": [4, 4], "activations": ["relu"], "batch_size": True})
    assert config_from_json(mismatched, controls, datasets) == defaults_for("xor")


def test_settings_go_to_the_test_folder(private_settings):
    assert app_settings().fileName().startswith(str(private_settings))
    assert app_settings().format() == QSettings.IniFormat


def test_the_default_size_fits_the_screen(qtbot):
    window = open_window(qtbot, dataset="circles")  # no saved geometry: the default size, fitted to the screen
    area = window.screen().availableGeometry()
    wanted_w, wanted_h = main_window.MainWindow.DEFAULT_SIZE
    assert window.width() == max(min(wanted_w, area.width()), window.minimumWidth())
    assert window.height() == max(min(wanted_h, area.height()), window.minimumHeight())
    window.resize(area.width() + 500, area.height() + 500)  # as a default larger than a small screen would ask
    fit_to_screen(window)
    assert (window.width(), window.height()) == (max(area.width(), window.minimumWidth()),
                                                 max(area.height(), window.minimumHeight()))
