"""Waiting for a signal sent from another thread: hear it in the GUI thread first, then wait there.

qtbot.waitSignal connects a plain callable, which PySide runs in the thread that sends the signal. Sent from
a worker thread just as the wait begins, it quits the waiting loop before that loop runs and stops the
wait's timer from the wrong thread (which only forgets the timer): the test then waits for ever. A QObject
of the GUI thread hears the signal there instead (a queued call), and the wait has nothing to race with.
"""

import contextlib

from PySide6.QtCore import QObject, Signal


class GuiThreadEcho(QObject):
    """Sends ``heard`` (the arguments, as a tuple) in the GUI thread each time ``signal`` is sent, from any thread."""

    heard = Signal(tuple)

    def __init__(self, signal):
        super().__init__()
        self.signal = signal
        signal.connect(self._hear)  # a method of a QObject living in the GUI thread: called there, queued

    def _hear(self, *args):
        self.heard.emit(args)


class _Heard:
    """What the wait heard: ``args`` as qtbot's blocker gives them (None while nothing was)."""

    def __init__(self, blocker):
        self._blocker = blocker

    @property
    def args(self):
        return list(self._blocker.args[0]) if self._blocker.args else None


@contextlib.contextmanager
def wait_signal_in_gui_thread(qtbot, signal, timeout):
    """``qtbot.waitSignal(signal, timeout=timeout)`` for a signal sent from another thread (see the module)."""
    echo = GuiThreadEcho(signal)
    try:
        with qtbot.waitSignal(echo.heard, timeout=timeout) as blocker:
            yield _Heard(blocker)
    finally:
        signal.disconnect(echo._hear)
