"""MNIST in the main window: the notice when it is missing, the Download MNIST action, a chosen folder.

Downloads go to the loopback server (tests/loopback_mnist_server.py) and into a temporary cache; the
settings are a temporary INI folder (tests/gui/conftest.py), so nothing touches the network or the user.
"""

import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QPushButton

from engine.data import mnist_download, mnist_source
from engine.data.mnist_source import MNIST_ENV, MNIST_SHA256, file_is_verified
from engine.training_config import MNIST
from gui.common.settings import remember_mnist_folder, remembered_mnist_folder
from gui.datasets import download_dialog
from gui.datasets.download_dialog import DownloadDialog
from gui.shell.main_window import MainWindow
from tests.loopback_mnist_server import direct_loopback, mirror_server, refused_url, server  # noqa: F401


@pytest.fixture(autouse=True)
def _direct(direct_loopback):
    """No proxy between the app and the loopback server."""


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty user cache, and no environment variable: MNIST is nowhere."""
    folder = tmp_path / "cache" / "mnist"
    monkeypatch.setattr(mnist_source, "cache_dir", lambda: str(folder))
    monkeypatch.delenv(MNIST_ENV, raising=False)
    return folder


@pytest.fixture
def open_window(qtbot):
    """Build MainWindow() as the app does, shown; each is closed (threads stopped) at the end."""
    windows = []  # strong references: a window must be closed, not garbage-collected, to stop its threads

    def make():
        window = MainWindow()
        windows.append(window)
        window.show()
        return window

    yield make
    for window in windows:
        window.close()


def notice_button(window, text):
    buttons = [b for b in window.notice.findChildren(QPushButton) if b.text() == text and b.isVisible()]
    assert len(buttons) == 1, [b.text() for b in window.notice.findChildren(QPushButton)]
    return buttons[0]


def wait_for_mnist(qtbot, window):
    qtbot.waitUntil(lambda: window.dataset() is not None and window.dataset().is_image, timeout=30_000)


def test_without_mnist_the_window_opens_on_a_2d_set_says_what_to_do_and_trains(qtbot, cache, open_window):
    window = open_window()
    assert window.dataset() is not None and not window.dataset().is_image
    assert window.controls.dataset.findData(MNIST) == -1
    assert window.notice.isVisible() and "MNIST was not found" in window.notice.text()
    assert "Download" in window.notice.text()
    assert notice_button(window, "Download MNIST…") and notice_button(window, "Choose folder…")
    with qtbot.waitSignal(window.weights_updated, timeout=10_000) as update:
        window.action("step_batch").trigger()
    assert update.args[0].batch.step == 1
    assert window.notice.isVisible()  # the advice stays until MNIST is there


@pytest.mark.parametrize("how", ["toolbar action", "notice button"])
def test_download_makes_mnist_selectable_without_restart(qtbot, server, cache, open_window, monkeypatch, how):
    monkeypatch.setattr(mnist_download, "MIRRORS", (server.url("404"), server.url("ok")))
    window = open_window()
    action = window.findChild(QAction, "download_mnist")
    assert action is window.action("download_mnist") and action in window.toolbar.actions()
    if how == "toolbar action":
        action.trigger()
    else:
        qtbot.mouseClick(notice_button(window, "Download MNIST…"), Qt.LeftButton)
    dialog = window.findChild(DownloadDialog)
    assert dialog is not None and dialog.isVisible() and dialog.dest == str(cache)
    with qtbot.waitSignal(dialog.accepted, timeout=30_000):
        pass
    index = window.controls.dataset.findData(MNIST)
    assert index >= 0 and window.controls.dataset.model().item(index).isEnabled()
    assert window.controls.dataset.currentData() == MNIST
    wait_for_mnist(qtbot, window)
    assert window.dataset().features == 784
    assert all(file_is_verified(cache / name) for name in MNIST_SHA256)
    assert not window.notice.isVisible()
    assert remembered_mnist_folder() is None  # the verified cache needs no setting
    qtbot.waitUntil(lambda: window.findChild(DownloadDialog) is None)  # the dialog is deleted once closed


def test_a_stale_environment_variable_does_not_block_the_download(qtbot, server, cache, open_window, monkeypatch,
                                                                   tmp_path):
    stale = tmp_path / "moved-away"
    monkeypatch.setenv(MNIST_ENV, str(stale))
    monkeypatch.setattr(mnist_download, "MIRRORS", (server.url("ok"),))
    window = open_window()
    assert not window.dataset().is_image and MNIST_ENV in window.notice.text() and str(stale) in window.notice.text()
    window.action("download_mnist").trigger()
    with qtbot.waitSignal(window.findChild(DownloadDialog).accepted, timeout=30_000):
        pass
    wait_for_mnist(qtbot, window)
    window.close()
    again = open_window()  # the next start: the variable is still stale, the cache is verified
    assert again.controls.dataset.currentData() == MNIST
    wait_for_mnist(qtbot, again)


def test_cancelling_the_download_leaves_the_window_as_it_was(qtbot, server, cache, open_window, monkeypatch):
    monkeypatch.setattr(mnist_download, "MIRRORS", (server.url("stallbody"),))
    monkeypatch.setattr(download_dialog, "TIMEOUT", 1.0)  # the silent mirror lets go within a second
    window = open_window()
    window.action("download_mnist").trigger()
    dialog = window.findChild(DownloadDialog)
    qtbot.waitUntil(lambda: dialog.overall_bar.value() > 0, timeout=10_000)
    thread = dialog.thread
    with qtbot.waitSignal(dialog.rejected, timeout=30_000):
        qtbot.mouseClick(dialog.cancel_button, Qt.LeftButton)
    assert thread.isFinished()
    assert window.controls.dataset.findData(MNIST) == -1 and "MNIST was not found" in window.notice.text()
    assert not any(name.endswith(".part") for name in os.listdir(cache))


def test_a_chosen_folder_is_checked_remembered_and_used_at_the_next_start(qtbot, cache, open_window, monkeypatch,
                                                                          tmp_path, mnist_subset_dir):
    window = open_window()
    empty = tmp_path / "empty"
    empty.mkdir()
    answers = [str(empty), str(mnist_subset_dir)]  # what the user picks in the folder dialog, in turn
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: answers.pop(0)))
    qtbot.mouseClick(notice_button(window, "Choose folder…"), Qt.LeftButton)
    assert window.notice.kind == "error" and f"{empty} does not hold MNIST" in window.notice.text()
    assert window.controls.dataset.findData(MNIST) == -1 and remembered_mnist_folder() is None
    qtbot.mouseClick(notice_button(window, "Choose folder…"), Qt.LeftButton)  # offered again with the error
    assert remembered_mnist_folder() == os.path.abspath(mnist_subset_dir)
    assert window.controls.dataset.currentData() == MNIST
    wait_for_mnist(qtbot, window)
    window.close()
    again = open_window()  # no variable, empty cache: only the remembered folder can provide MNIST
    assert again.controls.dataset.currentData() == MNIST and not again.notice.isVisible()
    wait_for_mnist(qtbot, again)


def test_a_remembered_folder_that_is_gone_is_reported(qtbot, cache, open_window, tmp_path):
    gone = tmp_path / "gone"
    remember_mnist_folder(gone)
    window = open_window()
    assert not window.dataset().is_image
    assert "chosen earlier" in window.notice.text() and str(gone) in window.notice.text()
