"""Driving a MainWindow in tests: open it, change its config, press its real QActions, check it can be freed."""

import gc
import weakref

from PySide6.QtGui import QAction

from gui.shell.main_window import MainWindow

TIMEOUT = 10_000  # ms; generous for a loaded machine, never reached when things work


def shown_window(qtbot, dataset="circles", size=None):
    """A shown window on ``dataset``, closed by qtbot at the end of the test; ``size`` is (width, height)."""
    window = MainWindow(dataset=dataset)
    qtbot.addWidget(window)
    if size is not None:
        window.resize(*size)
    window.show()
    return window


def exposed_window(qtbot):
    """A shown window on the circles, waited for until it is on screen (painted at least once)."""
    window = shown_window(qtbot)
    qtbot.waitExposed(window)
    return window


def change_config(window, **config_changes):
    """Set the controls' config fields ``config_changes`` and reset, so the network is built from them."""
    if config_changes:
        config = window.controls.config()
        for key, value in config_changes.items():
            setattr(config, key, value)
        window.controls.set_config(config)
        window.reset()


def make_window(qtbot, dataset="circles", **config_changes):
    """A shown window on a built-in 2-D set (fast), optionally with a changed config, fresh and paused."""
    window = shown_window(qtbot, dataset)
    change_config(window, **config_changes)
    return window


def action(window, name):
    """The window's QAction named ``name`` (fails the test when there is none)."""
    found = window.findChild(QAction, name)
    assert found is not None, name
    return found


def step(window, qtbot, times=1):
    """Press Step batch ``times`` times, each time waiting for the views' new weights."""
    for _ in range(times):
        with qtbot.waitSignal(window.weights_updated, timeout=TIMEOUT):
            action(window, "step_batch").trigger()


def phase(window, qtbot):
    """Press Step phase; returns the PhaseStep the session reached (its views are updated by then)."""
    with qtbot.waitSignal(window.session.phase_reached, timeout=TIMEOUT) as blocker:
        action(window, "step_phase").trigger()
    return blocker.args[0]


def assert_freed_by_reference_counting(windows):
    """Shut down the one window in the list ``windows`` and drop it: with the cycle collector off it must go.

    A reference cycle through the window would leave it to the cycle collector, which may free it at any
    allocation, even while Qt paints it (a crash). The caller hands the window over in a list and no longer
    names it, so the list holds the last reference.
    """
    ref = weakref.ref(windows[0])
    windows[0].shutdown()
    gc.collect()
    gc.disable()
    try:
        windows.clear()
        assert ref() is None
    finally:
        gc.enable()


def training_thread_ended(window):
    """The window's training thread has finished (after a close it may already be deleted: then it has too)."""
    thread = window.worker.thread()
    return thread is None or thread.isFinished()
