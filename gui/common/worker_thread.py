"""WorkerThread: a QObject worker in a QThread of its own, started, cancelled and ended the same way everywhere.

The worker is moved to the thread; ``run`` (a slot of the worker) is called when the thread starts, for a
one-shot job; ``quit_on`` ends the thread with the worker's last signal. When the thread has finished, Qt
deletes the worker and the thread (deleteLater on both; ``keep_worker`` leaves the worker to Python, for an
owner that still reads it afterwards). The thread has no Qt parent on purpose: Qt
destroys a child thread with its parent, and destroying a running QThread aborts the process. ``stop``
cancels cooperatively (the ``cancel`` callable), ends the thread's event loop and waits a bounded time;
``stop_with(owner)`` does it when the owner is deleted or garbage-collected, or the interpreter exits.
A thread still running after the wait is kept referenced until it ends, never destroyed while it runs.
"""

import functools
import weakref

import shiboken6
from PySide6.QtCore import QThread

WAIT_MS = 30_000  # the longest ``stop`` waits: far above a batch, a chunk or a file read, yet never forever
_LINGERING = set()  # QThreads that outlived their wait: referenced until they end


class WorkerThread:
    """``worker`` living in a new QThread named ``name``; see the module docstring."""

    def __init__(self, worker, name, run=None, cancel=None, keep_worker=False):
        self.worker = worker
        self.thread = QThread()
        self.thread.setObjectName(name)
        self._cancel = cancel  # asks the worker to stop soon (any thread); must not refer to the owner
        worker.moveToThread(self.thread)
        if run is not None:
            self.thread.started.connect(run)
        if not keep_worker:
            self.thread.finished.connect(worker.deleteLater)
        self.thread.finished.connect(self.thread.deleteLater)

    def __repr__(self):
        return f"WorkerThread({self.thread.objectName() if self.alive() else 'ended'}, running={self.running()})"

    def quit_on(self, *signals):
        """End the thread when any of the worker's ``signals`` is emitted (its job's last word)."""
        for signal in signals:
            signal.connect(self.thread.quit)
        return self

    def start(self):
        self.thread.start()
        return self

    def alive(self):
        """False once Qt has deleted the thread (after it finished)."""
        return shiboken6.isValid(self.thread)

    def running(self):
        return self.alive() and self.thread.isRunning()

    def cancel(self):
        """Ask the job to stop soon, without waiting (nothing happens once the thread has ended)."""
        if self.running() and self._cancel is not None:
            self._cancel()

    def stop(self, wait_ms=WAIT_MS):
        """Cancel the job, end the event loop and wait at most ``wait_ms``; True when the thread has ended."""
        return _stop(self.thread, self._cancel, wait_ms)

    def stop_with(self, owner):
        """Stop (and wait) when ``owner`` is deleted by Qt, collected by Python, or the interpreter exits."""
        stop = functools.partial(_stop, self.thread, self._cancel, WAIT_MS)
        weakref.finalize(owner, stop)
        owner.destroyed.connect(stop)
        return self


def _stop(thread, cancel, wait_ms, *_):
    if not shiboken6.isValid(thread) or not thread.isRunning():  # never started, or ended (and deleted)
        return True
    if cancel is not None:
        cancel()
    thread.quit()
    if thread.wait(wait_ms):
        return True
    _LINGERING.add(thread)
    thread.finished.connect(functools.partial(_LINGERING.discard, thread))
    return False
