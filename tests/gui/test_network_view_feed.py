"""NetworkViewFeed: the view follows the session, and a slow view is fed less often but ends up current."""

import time

import pytest
from PySide6.QtCore import QObject, Signal

from gui import network_view_feed
from gui.network_view_feed import NetworkViewFeed
from gui.training_config import make_builtin


class FakeSession(QObject):
    """The two signals and three attributes of TrainingSession that the feed reads."""

    network_reset = Signal(object)
    updated = Signal(object)

    def __init__(self, dataset):
        super().__init__()
        self.network, self.dataset, self.playing = None, dataset, True


class SlowView:
    """Records what it is given; each repaint takes ``cost`` seconds, as a big network's would."""

    def __init__(self, cost):
        self.cost = cost
        self.calls = []  # (method name, argument)

    def __getattr__(self, name):
        if name.startswith("set_"):
            return lambda *args: self.calls.append((name, args[0] if args else None))
        raise AttributeError(name)

    def mode(self):
        return "weights"

    def repaint(self):
        time.sleep(self.cost)

    def shown(self, name):
        return [arg for call, arg in self.calls if call == name]


class Update:
    def __init__(self, k):
        self.weights, self.gradients, self.deltas = [k], [k], [k]


@pytest.fixture
def dataset():
    return make_builtin("xor")


def test_a_new_network_brings_class_names_and_points(qtbot, dataset):
    view, session = SlowView(0.0), FakeSession(dataset)
    feed = NetworkViewFeed(view, session)
    session.network_reset.emit("net")
    assert view.shown("set_network") == ["net"]
    assert view.shown("set_class_names") == [dataset.class_names]
    assert view.shown("set_dataset_2d")[0] is dataset.x_train
    assert feed.mode_selector().findChild(QObject, "view_mode") is not None


def test_a_burst_of_updates_to_a_slow_view_is_coalesced_to_the_newest(qtbot, dataset, monkeypatch):
    monkeypatch.setattr(network_view_feed, "LONG_FRAME_INTERVAL", 0.5)
    view, session = SlowView(0.06), FakeSession(dataset)  # a long frame: 60 ms
    feed = NetworkViewFeed(view, session)  # noqa: F841 - kept alive: it has no parent
    session.network_reset.emit("net")
    for k in range(10):
        session.updated.emit(Update(k))
    qtbot.waitUntil(lambda: view.shown("set_weights")[-1:] == [[9]], timeout=5000)
    assert view.shown("set_weights") == [[0], [9]]
    assert view.shown("set_deltas") == [[0], [9]] and view.shown("set_gradients") == [[0], [9]]


def test_steps_by_hand_are_each_shown(qtbot, dataset):
    view, session = SlowView(0.06), FakeSession(dataset)
    session.playing = False
    feed = NetworkViewFeed(view, session)  # noqa: F841 - kept alive: it has no parent
    session.network_reset.emit("net")
    for k in range(3):
        session.updated.emit(Update(k))
        qtbot.waitUntil(lambda: view.shown("set_weights")[-1:] == [[k]], timeout=2000)
    assert view.shown("set_weights") == [[0], [1], [2]]


def test_a_reset_drops_an_update_still_waiting(qtbot, dataset):
    view, session = SlowView(0.06), FakeSession(dataset)
    feed = NetworkViewFeed(view, session)  # noqa: F841 - kept alive: it has no parent
    session.network_reset.emit("net")
    session.updated.emit(Update(0))
    session.updated.emit(Update(1))  # waits for its turn
    session.network_reset.emit("net2")
    qtbot.wait(int(1000 * network_view_feed.MIN_INTERVAL) + 300)
    assert view.shown("set_weights") == [[0]] and view.shown("set_network") == ["net", "net2"]
