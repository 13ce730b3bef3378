"""DownloadDialog against a real loopback HTTP server whose mirrors misbehave on purpose (no real network)."""

import glob
import os
import shutil

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QFileDialog

from engine.data.mnist_source import MNIST_SHA256, MNIST_SIZES, file_is_verified
from gui.common.settings import MNIST_FOLDER_KEY, app_settings, remember_mnist_folder, remembered_mnist_folder
from gui.datasets import download_dialog
from gui.datasets.download_dialog import DownloadDialog, human_bytes
from tests.loopback_mnist_server import direct_loopback, mirror_server, quick_retry, refused_url, server  # noqa: F401

NAMES = list(MNIST_SHA256)


@pytest.fixture(autouse=True)
def _direct(direct_loopback, quick_retry):
    """No proxy between the dialog and the loopback server; a 5xx mirror is retried at once."""


def part_files(folder):
    """Temporary download files left in ``folder``."""
    return glob.glob(os.path.join(glob.escape(os.fspath(folder)), ".*.part"))


def make_dialog(qtbot, dest, mirrors, timeout=5.0):
    dialog = DownloadDialog(dest=os.fspath(dest), mirrors=mirrors, timeout=timeout)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def fail_first(qtbot, dialog):
    """Start, and wait until the dialog shows its failure view."""
    dialog.start()
    qtbot.waitUntil(lambda: dialog.retry_button.isVisible(), timeout=20_000)
    assert dialog.thread.isFinished()


def failure_rows(dialog):
    table = dialog.failure_table
    return [tuple(table.item(r, c).text() for c in range(3)) for r in range(table.rowCount())]


def test_progress_shows_bytes_speed_and_the_mirror_in_use(qtbot, server, tmp_path):
    dest = tmp_path / "cache"
    dialog = make_dialog(qtbot, dest, [server.url("404"), server.url("slow")])
    seen = []  # (overall bar value, overall text, mirror text) each time bytes arrived

    def record(value):
        if value > 0:
            seen.append((value, dialog.overall_label.text(), dialog.mirror_label.text()))

    dialog.overall_bar.valueChanged.connect(record)
    with qtbot.waitSignal(dialog.mnist_ready, timeout=20_000) as ready:
        dialog.start()
    assert ready.args == [os.fspath(dest)]
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.result() == DownloadDialog.Accepted and dialog.outcome == "downloaded"
    values, total = [v for v, _, _ in seen], download_dialog.TOTAL_BYTES  # the subset's, as the server's files
    assert len(values) > len(NAMES) and values == sorted(values)  # several steps, never backwards
    assert any(0 < v < total // 2 for v in values) and values[-1] == total
    assert {m for _, _, m in seen} == {f"From {server.url('slow')}"}  # the 404 mirror never delivered
    assert seen[-1][1].startswith(f"{human_bytes(total)} of {human_bytes(total)} · ")
    assert seen[-1][1].endswith("/s")  # the speed (the slow mirror pauses, so time has passed)
    assert {n: dialog.file_bars[n].value() for n in NAMES} == MNIST_SIZES
    assert all(dialog.file_labels[n].text().endswith("✓") for n in NAMES)
    assert dialog.thread.isFinished()
    assert part_files(dest) == [] and all(file_is_verified(dest / n) for n in NAMES)
    assert remembered_mnist_folder() is None  # the cache is found without a setting


def test_files_already_there_are_not_fetched_again(qtbot, server, tmp_path, mnist_subset_dir):
    dest = tmp_path / "cache"
    dest.mkdir()
    shutil.copy(os.path.join(mnist_subset_dir, NAMES[0]), dest)
    dialog = make_dialog(qtbot, dest, [server.url("ok")])
    with qtbot.waitSignal(dialog.accepted, timeout=20_000):
        dialog.start()
    assert dialog.file_labels[NAMES[0]].text() == "already here ✓"
    assert [name for _, name in server.log] == NAMES[1:]


@pytest.mark.parametrize("how", ["cancel button", "escape key", "window close"])
@pytest.mark.parametrize("mirror", ["stallbody", "trickle"])
def test_cancel_stops_the_thread_and_leaves_no_partial_file(qtbot, server, tmp_path, how, mirror):
    dest = tmp_path / "cache"
    # The first mirror sends 64 KiB then stays silent, or trickles a byte every 0.5 s: the download is surely
    # still running when cancelled, and would go on far longer (15 s read timeout, minutes of deadline) than
    # the wait for the dialog to close.
    dialog = make_dialog(qtbot, dest, [server.url(mirror), server.url("ok")], timeout=15.0)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.overall_bar.value() > 0, timeout=10_000)
    assert dialog.running and len(part_files(dest)) == 1  # a partial file exists while it runs
    thread = dialog.thread
    with qtbot.waitSignal(dialog.rejected, timeout=10_000):
        if how == "cancel button":
            qtbot.mouseClick(dialog.cancel_button, Qt.LeftButton)
        elif how == "escape key":
            qtbot.keyClick(dialog, Qt.Key_Escape)
        else:
            dialog.close()
        assert dialog.isVisible() and not dialog.cancel_button.isEnabled()  # closes once the thread ends
        assert dialog.mirror_label.text().startswith("Cancelling")
    assert thread.isFinished() and not dialog.running
    assert dialog.outcome == "cancelled" and not dialog.isVisible()
    assert part_files(dest) == [] and not any(os.path.exists(dest / n) for n in NAMES)
    assert ("ok", NAMES[0]) not in server.log  # the next mirror was never asked


def test_shutdown_during_a_trickle_stops_the_thread_and_leaves_no_partial_file(qtbot, server, tmp_path):
    dest = tmp_path / "cache"
    dialog = make_dialog(qtbot, dest, [server.url("trickle"), server.url("ok")], timeout=15.0)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.overall_bar.value() > 0, timeout=10_000)
    thread = dialog.thread
    dialog.shutdown()  # what a quitting app calls
    assert thread.isFinished() and not dialog.running
    assert part_files(dest) == [] and not any(os.path.exists(dest / n) for n in NAMES)
    assert server.log == [("trickle", NAMES[0])]


def test_failure_lists_every_mirror_with_its_answer(qtbot, server, tmp_path, refused_url):
    dest = tmp_path / "cache"
    dialog = make_dialog(qtbot, dest, [server.url("404"), refused_url, server.url("flip")])
    fail_first(qtbot, dialog)
    assert dialog.outcome == "failed" and dialog.isVisible()
    rows = failure_rows(dialog)
    assert [(f, m) for f, m, _ in rows] == [(NAMES[0], server.url("404")), (NAMES[0], refused_url),
                                             (NAMES[0], server.url("flip"))]
    assert rows[0][2] == "HTTP 404 Not Found"
    assert rows[1][2] == "connection refused"
    assert rows[2][2].startswith("checksum mismatch")
    assert dialog.failure_table.isVisible() and not dialog.progress_box.isVisible()
    assert NAMES[0] in dialog.intro.text()
    assert "Retry" in dialog.advice.text() and "Choose folder" in dialog.advice.text()
    assert dialog.choose_button.isVisible() and not dialog.cancel_button.isVisible()
    assert part_files(dest) == []
    with qtbot.waitSignal(dialog.rejected, timeout=5000):
        qtbot.mouseClick(dialog.close_button, Qt.LeftButton)


def test_retry_starts_a_new_attempt_that_can_succeed(qtbot, server, tmp_path):
    dest = tmp_path / "cache"
    dialog = make_dialog(qtbot, dest, [server.url("500")])
    fail_first(qtbot, dialog)
    first_thread = dialog.thread
    dialog.mirrors = [server.url("500"), server.url("ok")]  # as if the network came back
    with qtbot.waitSignal(dialog.accepted, timeout=20_000):
        qtbot.mouseClick(dialog.retry_button, Qt.LeftButton)
        assert dialog.progress_box.isVisible() and not dialog.failure_table.isVisible()
    assert dialog.thread is not first_thread and dialog.thread.isFinished()
    assert dialog.folder == os.fspath(dest) and all(file_is_verified(dest / n) for n in NAMES)


def test_choose_folder_rejects_a_folder_without_mnist_and_accepts_one_with_it(
        qtbot, server, tmp_path, mnist_subset_dir, monkeypatch):
    dest = tmp_path / "cache"
    dialog = make_dialog(qtbot, dest, [server.url("404")])
    fail_first(qtbot, dialog)
    partial = tmp_path / "partial"
    partial.mkdir()
    shutil.copy(os.path.join(mnist_subset_dir, NAMES[1]), partial)
    answers = [str(partial), str(mnist_subset_dir)]  # what the user picks in the folder dialog, in turn
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: answers.pop(0)))

    qtbot.mouseClick(dialog.choose_button, Qt.LeftButton)
    message = dialog.folder_error.text()
    assert dialog.folder_error.isVisible() and str(partial) in message
    assert all(f"{n}" in message for n in NAMES if n != NAMES[1]) and NAMES[1] not in message
    assert dialog.isVisible() and dialog.folder is None and remembered_mnist_folder() is None

    with qtbot.waitSignal(dialog.mnist_ready, timeout=5000) as ready:
        qtbot.mouseClick(dialog.choose_button, Qt.LeftButton)
    assert ready.args == [os.path.abspath(mnist_subset_dir)]
    assert dialog.result() == DownloadDialog.Accepted and dialog.outcome == "chosen"
    assert remembered_mnist_folder() == os.path.abspath(mnist_subset_dir)


def test_choosing_nothing_changes_nothing(qtbot, server, tmp_path, monkeypatch):
    dialog = make_dialog(qtbot, tmp_path / "cache", [server.url("404")])
    fail_first(qtbot, dialog)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: ""))
    qtbot.mouseClick(dialog.choose_button, Qt.LeftButton)
    assert dialog.isVisible() and not dialog.folder_error.isVisible() and dialog.outcome == "failed"


def test_settings_live_in_the_test_folder(private_settings, tmp_path):
    assert remembered_mnist_folder() is None
    remember_mnist_folder(tmp_path)
    assert remembered_mnist_folder() == str(tmp_path)
    assert app_settings().fileName().startswith(str(private_settings))
    assert QSettings(app_settings().fileName(), QSettings.IniFormat).value(MNIST_FOLDER_KEY) == str(tmp_path)
    remember_mnist_folder(None)
    assert remembered_mnist_folder() is None
