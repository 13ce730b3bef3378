"""Show one widget alone, outside the app: the ``python -m gui.network_view`` habit of pyqtgraph's examples.

A demo builds its widget on made-up data (or the bundled model), shows it in a window of its own, and runs
the event loop. ``--screenshot PNG`` saves the window after a moment and quits, so the demos can be run by
tests and by a person without a screen (``QT_QPA_PLATFORM=offscreen``).
"""

import argparse
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def demo_parser(description):
    """An argument parser with the options every demo has; a demo adds its own before calling run_demo."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--size", default="900x600", help="window size WIDTHxHEIGHT (default 900x600)")
    parser.add_argument("--screenshot", metavar="PNG", help="save the window after --after ms, then quit")
    parser.add_argument("--after", type=int, default=1500, metavar="MS", help="when to take the screenshot")
    return parser


def run_demo(title, build, args):
    """Show ``build()`` (a QWidget, made once the application exists) as a window titled ``title``."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        raise SystemExit(f"--size must be WIDTHxHEIGHT, e.g. 900x600; got {args.size!r}") from None
    widget = build()
    widget.setWindowTitle(f"{title} — Backprop Studio demo")
    widget.resize(width, height)
    widget.show()
    if args.screenshot:
        def save_and_quit():
            ok = widget.grab().save(args.screenshot)
            widget.close()
            app.exit(0 if ok else 1)

        QTimer.singleShot(args.after, save_and_quit)
    return app.exec()
