"""How fast does a download against a trickling mirror (1 byte every 0.5 s) let go? CLI, dialog and app.

A loopback server (tests/loopback_mnist_server.py, 127.0.0.1 only) plays the trickling mirror; nothing leaves
the machine. Measured, each ``--runs`` times:
  cli     `python main.py download DIR` in a child (the mirror list pointed at the server); SIGINT once the
          first byte has arrived; seconds from the signal to the child's exit
  dialog  DownloadDialog in this process; its Cancel button clicked once bytes arrive; seconds to `rejected`
  quit    the app in a child opens "Download MNIST" (MIRRORS pointed at the server); once bytes arrive the
          main window is closed, or the child gets SIGINT; seconds from that to the child's exit
  deadline  download_mnist with --deadline seconds per file: seconds until the trickle is abandoned

    python benchmarks/download_cancel.py [--runs 3] [--deadline 2]

Measured (2 cores shared with other work, 2026-12, 3 runs, median / max):
    cli: SIGINT → exit                          0.08 / 0.11 s   exit 130, nothing left
    dialog: Cancel → rejected                   0.09 / 0.10 s   nothing left
    app: close window during download → exit    0.58 / 0.66 s   exit 0, nothing left
    app: SIGINT during download → exit          0.37 / 0.61 s   exit 0, nothing left
    engine: deadline 2 s → abandoned            2.03 s          "too slow: 4 of 9912422 bytes after the 2 s …"
Before, a cancel was seen only when a 64 KiB read completed: 57 s after the cancel here (when the test server
gave up), about 9 hours against a mirror that trickles for ever; the app did not quit on SIGINT at all.
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))

import isolated_app  # noqa: E402

from engine.data.mnist_source import MNIST_ENV  # noqa: E402
from tests.loopback_mnist_server import serve, stop  # noqa: E402

CLI_CHILD = """
import sys
from engine.data import mnist_download
import main
defaults = list(mnist_download.download_mnist.__defaults__)
defaults[3] = [sys.argv[2]]  # mirrors
mnist_download.download_mnist.__defaults__ = tuple(defaults)
sys.exit(main.main(["download", "--dir", sys.argv[1]]))
"""

APP_CHILD = isolated_app.CHILD_PRELUDE + r"""
import signal
from PySide6.QtCore import QTimer
from engine.data import mnist_download, mnist_source
import main
mnist_download.MIRRORS = (os.environ["TRICKLE_URL"],)
mnist_source.cache_dir = lambda: os.environ["TRICKLE_DEST"]
how = os.environ["QUIT_HOW"]

def poll():
    window = isolated_app.shown_main_window()
    if window is None:
        return QTimer.singleShot(50, poll)
    dialog = window.mnist_actions._dialog
    if dialog is None:
        window.action("download_mnist").trigger()
    elif dialog.overall_bar.value() > 0:
        print("quitting", time.time(), flush=True)
        if how == "close":
            window.close()
        else:
            os.kill(os.getpid(), signal.SIGINT)
        return
    QTimer.singleShot(50, poll)

QTimer.singleShot(0, poll)
sys.exit(main.main([]))
"""


def go_direct():
    """Requests from this process and its children go straight to the loopback server, never to a proxy."""
    for key in [k for k in os.environ if k.lower() in ("http_proxy", "https_proxy", "all_proxy")]:
        del os.environ[key]
    os.environ["no_proxy"] = "127.0.0.1,localhost"


def cli_once(url):
    with tempfile.TemporaryDirectory() as dest:
        child = subprocess.Popen([sys.executable, "-c", CLI_CHILD, dest, url], cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = child.stdout.readline()  # "<file> from <mirror>": the first byte has arrived
        if " from " not in line:
            child.kill()
            raise SystemExit(f"the CLI download did not start: {line!r} {child.communicate()[1][-2000:]}")
        time.sleep(0.3)
        start = time.perf_counter()
        child.send_signal(signal.SIGINT)
        status = child.wait(timeout=120)
        took = time.perf_counter() - start
        child.communicate()
        leftovers = os.listdir(dest)
    return took, f"exit {status}, {len(leftovers)} files left"


def dialog_once(url):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from gui.datasets.download_dialog import DownloadDialog

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as dest:
        dialog = DownloadDialog(dest=dest, mirrors=[url])
        dialog.show()
        dialog.start()
        while dialog.overall_bar.value() == 0:
            app.processEvents()
            time.sleep(0.01)
        rejected = []
        dialog.rejected.connect(lambda: rejected.append(time.perf_counter()))
        start = time.perf_counter()
        QTest.mouseClick(dialog.cancel_button, Qt.LeftButton)
        while not rejected and time.perf_counter() - start < 120:
            app.processEvents()
            time.sleep(0.005)
        took = rejected[0] - start
        dialog.deleteLater()
        leftovers = os.listdir(dest)
    return took, f"{dialog.outcome}, {len(leftovers)} files left"


def quit_once(url, mnist, how):
    with tempfile.TemporaryDirectory() as scratch:
        dest = os.path.join(scratch, "mnist-cache")
        env = isolated_app.child_env(scratch, mnist, TRICKLE_URL=url, TRICKLE_DEST=dest, QUIT_HOW=how)
        child = subprocess.Popen([sys.executable, "-c", APP_CHILD], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        line = child.stdout.readline()
        if not line.startswith("quitting "):
            child.kill()
            raise SystemExit(f"the app did not start its download: {child.communicate()[1][-2000:]}")
        status = child.wait(timeout=120)
        took = time.time() - float(line.split()[1])
        child.communicate()
        parts = [f for f in os.listdir(dest) if f.endswith(".part")] if os.path.isdir(dest) else []
    return took, f"exit {status}, {len(parts)} partial files left"


def deadline_once(url, deadline):
    from engine.data.mnist_download import DownloadError, download_mnist

    with tempfile.TemporaryDirectory() as dest:
        start = time.perf_counter()
        try:
            download_mnist(dest, mirrors=[url], deadline=deadline)
        except DownloadError as exc:
            return time.perf_counter() - start, exc.attempts[0][2]
    raise SystemExit("the trickling mirror delivered a file")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--deadline", type=float, default=2.0)
    args = parser.parse_args()
    mnist = os.environ.get(MNIST_ENV)
    if not mnist:
        raise SystemExit(f"set {MNIST_ENV} to a folder with the four MNIST .gz files (the server serves them)")
    go_direct()
    server = serve(mnist)
    url = server.url("trickle")
    cases = [("cli: SIGINT → exit", lambda: cli_once(url)),
             ("dialog: Cancel → rejected", lambda: dialog_once(url)),
             ("app: close window during download → exit", lambda: quit_once(url, mnist, "close")),
             ("app: SIGINT during download → exit", lambda: quit_once(url, mnist, "sigint")),
             (f"engine: deadline {args.deadline:g} s → abandoned", lambda: deadline_once(url, args.deadline))]
    try:
        for title, run in cases:
            results = [run() for _ in range(args.runs)]
            times = [t for t, _ in results]
            print(f"{title:46s} median {statistics.median(times):6.2f} s, max {max(times):6.2f} s   "
                  f"({results[-1][1]})", flush=True)
    finally:
        stop(server)


if __name__ == "__main__":
    main()
