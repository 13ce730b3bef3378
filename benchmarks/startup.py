"""Start-up time: from launching `python main.py` to the window shown, and to MNIST ready to train.

Run:  python benchmarks/startup.py [--data DIR] [--runs 5]

Each run is a fresh process (offscreen unless a display is set) that runs the app exactly as
`python main.py` does (``main.main([])``), with a probe added before it starts:
- shown: the main window's first paint has completed (the probe looks for the window when the event
  loop starts and watches its Paint events);
- MNIST ready: the window's network has been rebuilt on MNIST (the seed network, 784-16-16-10), read
  in the background after the window appeared (MNIST is loaded lazily when the window shows before it).
Times run from just before the process is launched (interpreter start-up included) and are the
median of --runs runs; an empty interpreter (`python -c pass`) is timed alike, for reference.
Target: the window shown within 2 s. Settings and user data go to a temporary folder.
"""

import argparse
import os
import statistics
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from isolated_app import CHILD_PRELUDE, child_env, empty_interpreter, run_child  # noqa: E402

from engine.data.mnist_source import MNIST_ENV, find_mnist, has_mnist  # noqa: E402

TARGET = 2.0  # seconds to a shown window

# The child: QSettings to a scratch folder, a probe timer posted for when the event loop starts, then
# main.main([]) as `python main.py` runs it. Times are time.time(), comparable with the parent's.
CHILD = CHILD_PRELUDE + r"""
from PySide6.QtCore import QEvent, QObject, QTimer, Slot
from PySide6.QtWidgets import QApplication

seen = {}


class Probe(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and "paint" not in seen:
            seen["paint"] = True
            QTimer.singleShot(0, self.painted)  # after this paint cycle: the window is on screen
        return False

    @Slot()
    def find_window(self):
        self.window = isolated_app.shown_main_window()
        if self.window is None:
            QTimer.singleShot(1, self.find_window)
            return
        self.window.installEventFilter(self)
        self.window.network_reset.connect(self.network_reset)
        self.network_reset(None)

    @Slot()
    def painted(self):
        seen["shown"] = time.time()
        seen["mnist_loading_when_shown"] = self.window.datasets.loading == "mnist"
        self.quit_when_done()

    @Slot(object)
    def network_reset(self, net):
        dataset = self.window.dataset()
        if dataset is not None and dataset.name == "mnist" and "mnist" not in seen:
            seen["mnist"] = time.time()
            seen["sizes"] = self.window.network().sizes
            self.quit_when_done()

    def quit_when_done(self):
        if "shown" in seen and "mnist" in seen:
            QApplication.instance().quit()


probe = Probe()
QTimer.singleShot(0, probe.find_window)  # runs when main.main's event loop starts: the window exists
import main

seen["status"] = main.main([])
print("STARTUP " + json.dumps(seen), flush=True)
"""


def launch(env):
    """(seconds to the window shown, to MNIST ready, what the child saw, its stderr lines) for one fresh process."""
    t0, seen, stderr = run_child(CHILD, "STARTUP", env)
    noise = [line for line in stderr.splitlines() if line.strip() and "propagateSizeHints" not in line]
    return seen["shown"] - t0, seen["mnist"] - t0, seen, noise


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help=f"MNIST folder (default: ${MNIST_ENV}, else the user cache)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    args.data = find_mnist(args.data) or ""
    if not has_mnist(args.data):
        parser.error(f"no MNIST found: name its folder with --data or {MNIST_ENV}, or run `python main.py download`")

    with tempfile.TemporaryDirectory(prefix="bps-startup-") as scratch:
        env = child_env(scratch, args.data)
        launch(env)  # once unmeasured: the OS file cache holds the libraries afterwards, as it would
        shown, ready, lazy, noise = [], [], [], set()
        for _ in range(args.runs):
            s, r, seen, extra = launch(env)
            shown.append(s)
            ready.append(r)
            lazy.append(seen["mnist_loading_when_shown"])
            noise.update(extra)
        empty = [empty_interpreter() for _ in range(args.runs)]

    med_shown, med_ready = statistics.median(shown), statistics.median(ready)
    print(f"{args.runs} runs of `python main.py` (offscreen, MNIST from {args.data}, network "
          f"{'-'.join(map(str, seen['sizes']))}); times from launching the process")
    print(f"window shown:  {', '.join(f'{t:.2f}' for t in shown)} s → median {med_shown:.2f} s")
    print(f"MNIST ready:   {', '.join(f'{t:.2f}' for t in ready)} s → median {med_ready:.2f} s")
    print(f"empty interpreter (python -c pass): median {statistics.median(empty):.3f} s")
    print(f"MNIST still loading when the window was shown: {sum(lazy)} of {len(lazy)} runs")
    if noise:
        print("the app wrote to stderr:\n  " + "\n  ".join(sorted(noise)))
    print(f"window shown / target {TARGET:.1f} s = {med_shown / TARGET:.2f} "
          f"({'met' if med_shown <= TARGET else 'NOT met'})")
    return 0 if med_shown <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
