"""DisplayBudget: while training runs at full speed, the views may use only a small share of the GUI thread.

The training thread and the GUI thread share Python's GIL, and what the GUI thread spends on a frame (a
paint, a plot, the slots an update reaches) is taken from training almost one for one: measured here,
the worker lost 14 ms per 13.4 ms network-view paint, 2.5 ms per 1.9 ms blit. So at full speed the
interval between updates, and between the views' frames, follows the GUI thread's own CPU time: every
PERIOD its share of the wall clock is read and the frame interval scaled by share / SHARE, between
FASTEST and SLOWEST; updates (status, counters, the losses for the plot) keep coming at least every
UPDATES_SLOWEST, their views redrawing only when the frame interval allows. Anything else the GUI thread
does meanwhile (hovering, a dialog) counts too, and slows the updates rather than training. Paced runs and
stepping are untouched: there the worker waits for its pace and every batch is shown.

Not only the GUI thread's CPU time costs training: every time it takes the GIL, the worker must hand it
over and take it back. Measured with a thread doing short GIL-releasing NumPy calls 5 % of the time beside
a headless Trainer: the Trainer lost 4 %; the same 5 % in a few long calls cost it 1 %. Hence a share of
1.5 %, and at most one update a second once frames are two seconds apart.
"""

import time

from PySide6.QtCore import QObject, QTimer, Signal, Slot

SHARE = 0.015  # of wall-clock time the GUI thread may spend on training's updates and frames at full speed
FASTEST, SLOWEST = 0.1, 2.0  # seconds between two frames of the views at full speed
UPDATES_SLOWEST = 1.0  # seconds between two updates at most: counters and status stay live (~1 ms each)
PERIOD = 0.5  # seconds between two readings of the GUI thread's CPU time
EASE = 0.7  # a shorter interval is approached by this factor a reading (a longer one is taken at once)


class DisplayBudget(QObject):
    """Spaces the worker's updates and the views' frames by what they cost the GUI thread, at full speed."""

    frame_interval_changed = Signal(float)  # seconds views should leave between frames; 0 when not governing

    def __init__(self, worker, parent=None):
        super().__init__(parent)
        self.worker = worker
        self.normal_interval = worker.min_interval  # what paced runs and steps use
        self.interval = FASTEST  # seconds between frames at full speed, kept from one run to the next
        self._updates = 0  # updates handled since the last reading
        self._cpu = self._wall = 0.0  # GUI thread CPU time and wall clock at the last reading
        self._timer = QTimer(self)
        self._timer.setInterval(int(PERIOD * 1000))
        self._timer.timeout.connect(self._measure)

    @property
    def active(self):
        return self._timer.isActive()

    def follow(self, playing, speed):
        """Govern the update interval while ``playing`` at full speed (``speed`` 0); hand it back otherwise."""
        if playing and speed == 0:
            if not self.active:
                self._start()
        elif self.active or self.worker.min_interval != self.normal_interval:
            self._timer.stop()
            self.worker.min_interval = self.normal_interval
            self.frame_interval_changed.emit(0.0)

    def count_update(self):
        """One update reached the GUI thread (called from its slot)."""
        self._updates += 1

    def _start(self):
        self._updates = 0
        self._cpu, self._wall = time.thread_time(), time.perf_counter()
        self.worker.min_interval = min(self.interval, UPDATES_SLOWEST)
        self._timer.start()
        self.frame_interval_changed.emit(self.interval)

    @Slot()
    def _measure(self):
        cpu, wall = time.thread_time(), time.perf_counter()
        share = (cpu - self._cpu) / max(wall - self._wall, 1e-3)
        updates = self._updates
        self._cpu, self._wall, self._updates = cpu, wall, 0
        if updates == 0:  # nothing arrived (a slow first batch): keep the interval
            return
        # The GUI thread's share scales with the update rate, less a part that does not (epoch ends force
        # updates; other work): correcting by share / SHARE each reading converges on SHARE or SLOWEST.
        wanted = min(SLOWEST, max(FASTEST, self.interval * share / SHARE))
        interval = wanted if wanted > self.interval else max(wanted, self.interval * EASE)
        if interval != self.interval:
            self.interval, self.worker.min_interval = interval, min(interval, UPDATES_SLOWEST)
            self.frame_interval_changed.emit(interval)
