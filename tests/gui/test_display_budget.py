"""DisplayBudget: at full speed the update interval follows the GUI thread's share; paced runs keep every update."""

import pytest
from PySide6.QtWidgets import QGraphicsView, QSpinBox

from gui.training import display_budget as budget_module
from gui.training.display_budget import FASTEST, SHARE, SLOWEST, UPDATES_SLOWEST, DisplayBudget
from tests.gui.window_helpers import TIMEOUT, action, change_config, shown_window


class Worker:
    min_interval = 1 / 30  # what TrainingWorker starts with


class Clocks:
    """Stands in for time.thread_time and time.perf_counter: the GUI thread's CPU seconds and the wall clock."""

    def __init__(self):
        self.cpu = self.wall = 0.0

    def spend(self, share, seconds=budget_module.PERIOD):
        self.cpu += share * seconds
        self.wall += seconds


@pytest.fixture
def clocks(monkeypatch):
    clocks = Clocks()
    monkeypatch.setattr(budget_module.time, "thread_time", lambda: clocks.cpu)
    monkeypatch.setattr(budget_module.time, "perf_counter", lambda: clocks.wall)
    return clocks


def reading(budget, clocks, share, updates=5):
    for _ in range(updates):
        budget.count_update()
    clocks.spend(share)
    budget._measure()


def test_a_busy_gui_thread_spaces_the_updates_until_its_share_fits(qtbot, clocks):
    worker, changes = Worker(), []
    budget = DisplayBudget(worker)
    budget.frame_interval_changed.connect(changes.append)
    budget.follow(True, 0)
    assert budget.active and worker.min_interval == FASTEST and changes == [FASTEST]
    reading(budget, clocks, 4 * SHARE)  # four times its share: frames four times further apart
    assert budget.interval == pytest.approx(4 * FASTEST) == changes[-1] == worker.min_interval
    reading(budget, clocks, 100 * SHARE)
    assert budget.interval == SLOWEST == changes[-1]  # frames never further apart than this
    assert worker.min_interval == UPDATES_SLOWEST  # and the counters keep coming
    reading(budget, clocks, SHARE / 10)  # cheap again: the interval shortens step by step, not at once
    assert budget.interval == pytest.approx(SLOWEST * budget_module.EASE)
    for _ in range(30):
        reading(budget, clocks, SHARE / 10)
    assert worker.min_interval == FASTEST == budget.interval == changes[-1]


def test_a_reading_without_updates_changes_nothing(qtbot, clocks):
    worker = Worker()
    budget = DisplayBudget(worker)
    budget.follow(True, 0)
    reading(budget, clocks, 50 * SHARE, updates=0)  # e.g. a first batch still training: not the views' doing
    assert worker.min_interval == FASTEST


def test_paced_runs_pauses_and_steps_get_the_workers_own_interval_back(qtbot, clocks):
    worker, changes = Worker(), []
    budget = DisplayBudget(worker)
    budget.frame_interval_changed.connect(changes.append)
    budget.follow(True, 0)
    reading(budget, clocks, 8 * SHARE)
    budget.follow(True, 5)  # 5 batches a second: every batch is shown
    assert not budget.active and worker.min_interval == 1 / 30 and changes[-1] == 0.0
    budget.follow(True, 0)  # full speed again: starts from what it had learnt
    assert budget.interval == pytest.approx(8 * FASTEST)
    assert worker.min_interval == pytest.approx(min(8 * FASTEST, UPDATES_SLOWEST))
    budget.follow(False, 0)
    assert not budget.active and worker.min_interval == 1 / 30


def test_the_window_governs_while_playing_at_full_speed_only(qtbot):
    window = shown_window(qtbot, "circles", size=(1400, 900))
    qtbot.waitUntil(lambda: window.network() is not None, timeout=TIMEOUT)
    change_config(window, epochs=1000)
    speed, budget, plot = window.findChild(QSpinBox, "training_speed"), window.session.display_budget, window.loss_plot
    speed.setValue(0)  # full speed
    action(window, "play_pause").trigger()
    qtbot.waitUntil(lambda: window.worker.running, timeout=TIMEOUT)
    # Updates come at the frame interval, or every UPDATES_SLOWEST when frames are further apart (a first
    # reading may already have lengthened the interval).
    assert budget.active and window.worker.min_interval == min(budget.interval, UPDATES_SLOWEST)
    assert plot.viewportUpdateMode() == QGraphicsView.ViewportUpdateMode.NoViewportUpdate
    speed.setValue(5)  # watched batch by batch: every batch is sent and shown
    assert not budget.active and window.worker.min_interval == budget.normal_interval
    assert plot.viewportUpdateMode() == QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate
    speed.setValue(0)
    assert budget.active
    action(window, "play_pause").trigger()  # paused: stepping shows every step
    assert not budget.active and window.worker.min_interval == budget.normal_interval
    assert plot.viewportUpdateMode() == QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate
