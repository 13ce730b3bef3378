"""GUI test fixtures: the user data folder and the settings are temporary ones; waits hear signals in the GUI thread."""

import threading

import pytest


@pytest.fixture(autouse=True)
def private_user_data(tmp_path, monkeypatch):
    """Personal digits and fine-tuned models go to a fresh folder, never the user's own."""
    folder = tmp_path / "user-data"
    monkeypatch.setenv("BACKPROP_STUDIO_DATA_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def private_settings(tmp_path):
    """QSettings (e.g. the remembered MNIST folder) read and write a fresh INI folder, never the user's own."""
    from PySide6.QtCore import QSettings

    folder = tmp_path / "settings"
    QSettings.setDefaultFormat(QSettings.IniFormat)
    for scope, name in ((QSettings.UserScope, "user"), (QSettings.SystemScope, "system")):
        QSettings.setPath(QSettings.IniFormat, scope, str(folder / name))
    return folder


@pytest.fixture(autouse=True)
def signals_waited_for_in_the_gui_thread(monkeypatch):
    """Fails a test whose qtbot.waitSignal heard its signal in another thread: such a wait can hang for ever.

    Use tests/gui/gui_thread.py (or a signal the window sends again on the GUI thread) for a worker's signal.
    """
    from pytestqt.wait_signal import SignalBlocker

    heard_elsewhere = []
    original = SignalBlocker._quit_loop_by_signal

    def quit_loop_by_signal(blocker, *args):
        if threading.current_thread() is not threading.main_thread():
            heard_elsewhere.append(f"{blocker._signals!r} in thread {threading.current_thread().name}")
        return original(blocker, *args)

    monkeypatch.setattr(SignalBlocker, "_quit_loop_by_signal", quit_loop_by_signal)
    yield
    if heard_elsewhere:
        pytest.fail("qtbot.waitSignal heard a signal outside the GUI thread (a race that can hang): "
                    f"{'; '.join(heard_elsewhere)}; wait with tests/gui/gui_thread.py instead", pytrace=False)


@pytest.fixture(autouse=True)
def unanswered_questions_fail(monkeypatch):
    """A question no test answered fails the test at once, where a real one would wait for a click forever."""
    from PySide6.QtWidgets import QMessageBox

    def question(parent, title, text, *args):
        raise AssertionError(f"the test did not answer the question {title!r}: {text}")
    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))


@pytest.fixture
def discard_unsaved(monkeypatch):
    """Questions about unsaved training (Reset, opening a file, closing) answer Discard; the texts asked."""
    from PySide6.QtWidgets import QMessageBox

    from tests.gui.checkpoint_helpers import answer_questions

    return answer_questions(monkeypatch, QMessageBox.StandardButton.Discard)


@pytest.fixture
def discard_on_close(discard_unsaved):
    """Windows closed at the end of a test with training their file lacks are closed without saving."""
    return discard_unsaved
