"""The main window opened offscreen on a screen of a chosen size, with private settings and user data: for the
layout checks and the layout screenshots. Call before anything creates the QApplication."""

import os
import time

WAIT_S = 60.0  # the longest to wait for the window's dataset and network


def settle(app, rounds=20):
    """Deliver the events that laying out posts (a layout request, then the fits that follow it)."""
    for _ in range(rounds):
        app.sendPostedEvents()
        app.processEvents()


def open_window(width, height, scratch):
    """(app, window): a shown MainWindow of width × height logical pixels on a screen of that size, at the
    QT_SCALE_FACTOR of the environment, once its dataset and network are there; files go to ``scratch``."""
    from gui.common.offscreen import offscreen_platform

    scale = float(os.environ.get("QT_SCALE_FACTOR") or 1)
    os.environ["QT_QPA_PLATFORM"] = offscreen_platform(width, height, scratch, scale)
    os.environ["BACKPROP_STUDIO_DATA_DIR"] = os.path.join(scratch, "user-data")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, os.path.join(scratch, "settings"))
    app = QApplication.instance() or QApplication([])
    from gui.shell.main_window import MainWindow

    window = MainWindow()
    window.resize(width, height)
    window.show()
    deadline = time.monotonic() + WAIT_S
    while window.network() is None or window.datasets.loading is not None:
        if time.monotonic() > deadline:
            raise RuntimeError("the window did not get its dataset and network in time")
        app.processEvents()
        time.sleep(0.01)
    settle(app)
    return app, window
