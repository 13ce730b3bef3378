"""Ctrl+C in the terminal quits the app: `python main.py` in a child process (offscreen, with its own folders), and
the handler's choices in this process with real SIGINTs: close at once when nothing is lost, else ask."""

import os
import signal
import subprocess
import sys
import threading

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox

from gui.shell.app import quit_on_sigint
from tests.gui.checkpoint_helpers import answer_questions, make_window
from tests.gui.window_helpers import TIMEOUT, step

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
READY = "event loop running"

# `python main.py` as it is, but saying once its event loop runs with the Ctrl+C handler in place:
# a SIGINT sent earlier would test Python's default KeyboardInterrupt, not the app.
CHILD = f"""
import runpy, sys
from PySide6.QtCore import QTimer
import gui.shell.app as app

install = app.quit_on_sigint

def announced(*args):
    undo = install(*args)
    QTimer.singleShot(0, lambda: print({READY!r}, flush=True))
    return undo

app.quit_on_sigint = announced
sys.argv = ["main.py"]
runpy.run_path("main.py", run_name="__main__")
"""


@pytest.fixture
def app_process(tmp_path):
    """The app in a child process whose settings, cache and user data are folders of this test."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path / "home"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_CACHE_HOME=str(tmp_path / "cache"),
               XDG_DATA_HOME=str(tmp_path / "data"), BACKPROP_STUDIO_DATA_DIR=str(tmp_path / "user-data"))
    child = subprocess.Popen([sys.executable, "-c", CHILD], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    guard = threading.Timer(120, child.kill)  # a child that never starts must not hang the test run
    guard.start()
    yield child
    guard.cancel()
    if child.poll() is None:
        child.kill()
    child.communicate()


def test_ctrl_c_in_the_terminal_quits_the_app(app_process):
    line = app_process.stdout.readline()
    assert line.strip() == READY, app_process.stderr.read() if app_process.poll() is not None else line
    app_process.send_signal(signal.SIGINT)
    try:
        status = app_process.wait(timeout=30)  # a generous bound for a loaded machine; it takes well under 1 s
    except subprocess.TimeoutExpired:
        pytest.fail("the app ignored Ctrl+C")
    _, err = app_process.communicate()
    assert status == 0, err
    assert "KeyboardInterrupt" not in err and "Traceback" not in err


class Application(QObject):
    """Stands in for the QApplication given to quit_on_sigint: quitting the real one would end the tests' loop."""

    def __init__(self):
        super().__init__()
        self.quits = 0

    def quit(self):
        self.quits += 1


@pytest.fixture
def ctrl_c(qtbot):
    """(application stand-in, press) for a window: ``press()`` sends this process a real SIGINT."""
    made = []

    def install(window):
        app = Application()
        made.append(quit_on_sigint(app, window))
        return app, lambda: signal.raise_signal(signal.SIGINT)

    yield install
    for undo in made:
        undo()  # pytest's own Ctrl+C handling back


def test_ctrl_c_closes_a_window_with_nothing_to_lose_without_asking(qtbot, tmp_path, monkeypatch, ctrl_c):
    window = make_window(qtbot)
    step(window, qtbot, times=2)  # trained, but never saved to a file: nothing a file would lose
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Cancel)
    ended = []  # the training thread ends with the close; once ended it may be deleted at any event
    window.worker.thread().finished.connect(lambda: ended.append(True), Qt.ConnectionType.DirectConnection)
    app, press = ctrl_c(window)
    press()
    qtbot.waitUntil(lambda: app.quits == 1, timeout=TIMEOUT)
    assert asked == [] and not window.isVisible() and ended == [True]


def test_ctrl_c_asks_before_losing_training_and_cancel_keeps_the_window(qtbot, tmp_path, monkeypatch, ctrl_c):
    window = make_window(qtbot)
    step(window, qtbot)
    assert window.file_actions.save_to(tmp_path / "run.npz")
    step(window, qtbot)
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Cancel)
    app, press = ctrl_c(window)
    press()
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=TIMEOUT)
    assert asked[0].startswith("Save changes to run.npz?")
    assert app.quits == 0 and window.isVisible() and window.worker.thread().isRunning()
    answer_questions(monkeypatch, QMessageBox.StandardButton.Discard)
    window.close()


def test_a_second_ctrl_c_while_the_question_is_open_quits(qtbot, tmp_path, monkeypatch, ctrl_c):
    window = make_window(qtbot)
    step(window, qtbot)
    assert window.file_actions.save_to(tmp_path / "run.npz")
    step(window, qtbot)
    app, press = ctrl_c(window)
    asked = []

    def question(parent, title, text, buttons, default):
        asked.append(text)
        press()  # the person at the terminal presses Ctrl+C again instead of answering
        return QMessageBox.StandardButton.Cancel  # what the question returns once the quit has ended its loop

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    press()
    qtbot.waitUntil(lambda: app.quits == 1, timeout=TIMEOUT)
    assert len(asked) == 1
    answer_questions(monkeypatch, QMessageBox.StandardButton.Discard)
    window.close()  # the real application's quit would have ended the loop; here the test closes the window
