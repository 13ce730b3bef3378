"""WorkerThread: a job runs in its own thread, ends it with its last signal, stops when cancelled or its owner goes."""

import threading

import shiboken6
from PySide6.QtCore import QObject, Signal, Slot

from gui.common import worker_thread
from gui.common.worker_thread import WorkerThread

TIMEOUT = 10_000  # ms; never reached when things work


class Job(QObject):
    """Counts until ``stop`` is set (or ``limit`` is reached), each step only after ``gate`` opens."""

    done = Signal(int)  # how far it counted

    def __init__(self, limit=None):
        super().__init__()
        self.limit = limit
        self.stop = threading.Event()
        self.gate = threading.Event()
        self.gate.set()
        self.started = threading.Event()
        self.thread_ident = None

    @Slot()
    def run(self):
        self.thread_ident = threading.get_ident()
        self.started.set()
        count = 0
        while not self.stop.is_set() and (self.limit is None or count < self.limit):
            self.gate.wait()
            count += 1
        self.done.emit(count)


def test_a_one_shot_job_runs_in_its_thread_which_ends_with_its_last_signal_and_is_deleted(qtbot):
    job = Job(limit=1000)
    counts = []
    job.done.connect(counts.append)
    jobs = WorkerThread(job, "counting", run=job.run).quit_on(job.done)
    thread = jobs.thread
    assert thread.objectName() == "counting" and not jobs.running()
    jobs.start()
    qtbot.waitUntil(lambda: counts == [1000] and not jobs.running(), timeout=TIMEOUT)  # nobody called stop
    assert job.thread_ident not in (None, threading.get_ident())
    qtbot.waitUntil(lambda: not jobs.alive(), timeout=TIMEOUT)  # deleteLater on the thread …
    assert not shiboken6.isValid(job)  # … and on the worker
    assert jobs.stop() is True  # stopping an ended job is harmless


def test_stop_cancels_the_job_and_waits_for_its_thread(qtbot):
    job = Job()  # counts until cancelled
    jobs = WorkerThread(job, "counting", run=job.run, cancel=job.stop.set).quit_on(job.done)
    jobs.start()
    assert job.started.wait(TIMEOUT / 1000)
    assert jobs.running()
    assert jobs.stop() is True
    assert not jobs.running() and job.stop.is_set()


def test_a_job_that_ignores_the_cancel_is_waited_for_a_bounded_time_and_kept_until_it_ends(qtbot):
    job = Job()
    job.gate.clear()  # blocks in its first step, whatever the cancel says
    jobs = WorkerThread(job, "stuck", run=job.run, cancel=job.stop.set).quit_on(job.done)
    jobs.start()
    assert job.started.wait(TIMEOUT / 1000)
    assert jobs.stop(wait_ms=50) is False
    assert jobs.running() and jobs.thread in worker_thread._LINGERING  # never destroyed while it runs
    thread = jobs.thread
    del jobs
    job.gate.set()
    qtbot.waitUntil(lambda: thread not in worker_thread._LINGERING, timeout=TIMEOUT)


def test_the_thread_stops_when_its_owner_is_collected(qtbot):
    owner = QObject()
    job = Job()
    jobs = WorkerThread(job, "owned", run=job.run, cancel=job.stop.set).quit_on(job.done).stop_with(owner).start()
    assert job.started.wait(TIMEOUT / 1000)
    del owner  # its only reference: the finaliser stops and waits for the thread
    assert not jobs.running() and job.stop.is_set()


def test_the_thread_stops_when_its_owner_is_deleted_by_qt(qtbot):
    parent = QObject()
    owner = QObject(parent)
    job = Job()
    jobs = WorkerThread(job, "owned", run=job.run, cancel=job.stop.set).quit_on(job.done).stop_with(owner).start()
    assert job.started.wait(TIMEOUT / 1000)
    with qtbot.waitSignal(owner.destroyed, timeout=TIMEOUT):
        parent.deleteLater()
    assert not jobs.running() and job.stop.is_set()
