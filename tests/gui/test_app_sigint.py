"""Ctrl+C in the terminal quits the app: `python main.py` in a child process, offscreen, with its own folders."""

import os
import signal
import subprocess
import sys

import pytest

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
    yield child
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
