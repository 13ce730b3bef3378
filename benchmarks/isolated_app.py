"""The app run by a benchmark with settings of its own: in a fresh child process, or as a window in this one.

The measured child imports this module too (CHILD_PRELUDE), so it imports little at the top.
"""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SETTINGS_ENV = "BENCHMARK_SETTINGS"  # the child's settings folder

# The start of a child's code: the checkout importable, QSettings to the folder the parent chose.
CHILD_PRELUDE = rf"""
import json, os, sys, time
sys.path.insert(0, os.getcwd())
sys.path.append(os.path.join(os.getcwd(), "benchmarks"))
import isolated_app
isolated_app.private_settings(os.environ["{SETTINGS_ENV}"])
"""


def private_settings(folder):
    """QSettings read and write INI files in ``folder``, never the user's own settings."""
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.IniFormat)
    for scope in (QSettings.UserScope, QSettings.SystemScope):
        QSettings.setPath(QSettings.IniFormat, scope, folder)


def app_on_mnist(parser, data, prefix):
    """The QApplication of a window benchmark: MNIST from ``data`` (else ``parser.error``), settings and user
    data of its own, one BLAS thread; (app, BLAS limiter to restore, scratch folder to keep alive)."""
    import tempfile

    from engine.data.mnist_source import MNIST_ENV, find_mnist, has_mnist
    from gui.shell.app import limit_blas_threads, make_application

    data = find_mnist(data) or ""
    if not has_mnist(data):
        parser.error(f"no MNIST found: name its folder with --data or {MNIST_ENV}, or run `python main.py download`")
    os.environ[MNIST_ENV] = data
    # Settings of its own: a configuration the user's last session left must not change what is measured.
    scratch = tempfile.TemporaryDirectory(prefix=prefix)
    private_settings(os.path.join(scratch.name, "settings"))
    os.environ["BACKPROP_STUDIO_DATA_DIR"] = os.path.join(scratch.name, "data")  # e.g. the compare history
    limiter = limit_blas_threads(1)
    return make_application([]), limiter, scratch


def shown_main_window():
    """The visible MainWindow of this process, or None while main.main has not shown it yet."""
    from PySide6.QtWidgets import QApplication

    from gui.shell.main_window import MainWindow

    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()), None)


def child_env(scratch, mnist, **extra):
    """Environment of a child: offscreen unless a display is set, settings and user data in ``scratch``."""
    from engine.data.mnist_source import MNIST_ENV

    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               BACKPROP_STUDIO_DATA_DIR=os.path.join(scratch, "user-data"), **extra)
    env[SETTINGS_ENV] = os.path.join(scratch, "settings")
    env[MNIST_ENV] = os.path.abspath(mnist)
    return env


def run_child(code, tag, env):
    """(time.time() just before the launch, the JSON the child printed after ``tag``, its stderr)."""
    import json
    import subprocess
    import time

    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    lines = [line for line in out.stdout.splitlines() if line.startswith(tag + " ")]
    if out.returncode != 0 or not lines:
        raise SystemExit(f"the app did not start and quit cleanly (exit {out.returncode}):\n{out.stderr}")
    return t0, json.loads(lines[-1][len(tag) + 1:]), out.stderr


def empty_interpreter():
    """Seconds an empty interpreter (`python -c pass`) takes to start and end, for reference."""
    import subprocess
    import time

    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - t0


def wait(ms):
    """Let this process's Qt event loop run for ``ms`` milliseconds."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(ms), loop.quit)
    loop.exec()


def window_on_mnist(size=None):
    """A shown MainWindow (``size`` (width, height) if given), once it has opened on MNIST (at most 60 s)."""
    import time

    from gui.shell.main_window import MainWindow

    window = MainWindow()
    if size is not None:
        window.resize(*size)
    window.show()
    started = time.perf_counter()
    while window.dataset() is None or window.dataset().name != "mnist":
        if time.perf_counter() - started > 60:
            raise SystemExit(f"the window did not open on MNIST: {window.notice.text()}")
        wait(20)
    return window
