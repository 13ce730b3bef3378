"""NetworkViewFeed: the view follows the session, and a slow view is fed less often but ends up current."""

import time

import numpy as np
import pytest
from PySide6.QtCore import QObject, Signal

from engine.training_config import make_builtin
from gui.network_view import feed as network_view_feed
from gui.network_view.feed import NetworkViewFeed


class FakeSession(QObject):
    """The two signals and five attributes of TrainingSession that the feed reads."""

    network_reset = Signal(object)
    updated = Signal(object)

    def __init__(self, dataset):
        super().__init__()
        self.network, self.dataset, self.playing = None, dataset, True
        self.speed = 0  # full speed
        self.frame_interval = 0.0  # the display budget's spacing of frames (0: none)


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


class Net:
    """A stand-in for a NeuralNetwork: the feed reads only its sizes."""

    def __init__(self, *sizes):
        self.sizes = list(sizes)


def test_a_network_shown_instead_holds_the_updates_until_the_sessions_network_returns(qtbot, dataset):
    view, session = SlowView(0.0), FakeSession(dataset)
    session.playing, session.network = False, Net(2, 3, 2)
    feed = NetworkViewFeed(view, session)
    pretrained = Net(2, 50, 2)
    feed.show_instead(pretrained)
    assert view.shown("set_network")[-1] is pretrained and feed.stand_in is pretrained and feed.held
    session.updated.emit(Update(1))
    qtbot.wait(int(1000 * network_view_feed.MIN_INTERVAL) + 100)
    assert view.shown("set_weights") == []
    feed.show_session()
    assert view.shown("set_network")[-1] is session.network and view.shown("set_weights") == [[1]]
    assert feed.stand_in is None and not feed.held


def test_another_hold_ends_the_network_shown_instead(qtbot, dataset):
    view, session = SlowView(0.0), FakeSession(dataset)
    session.network = Net(2, 3, 2)
    feed = NetworkViewFeed(view, session)
    feed.show_instead(Net(2, 50, 2))
    with qtbot.waitSignal(feed.stand_in_ended, timeout=1000):
        feed.hold("walkthrough")  # a walked step is about the session's network
    assert feed.stand_in is None and view.shown("set_network")[-1] is session.network and feed.held


class ImageSet:
    """A stand-in for an image Dataset: class names and one test column."""

    is_image, class_names = True, [str(d) for d in range(10)]

    def columns(self, part, start, n):
        return np.zeros((784, n)), np.zeros(n, int)


def test_a_reset_keeps_the_network_shown_instead_only_while_it_reads_the_samples(qtbot, dataset):
    view, session = SlowView(0.0), FakeSession(ImageSet())
    feed = NetworkViewFeed(view, session)
    pretrained = Net(784, 384, 10)
    feed.show_instead(pretrained)
    session.network_reset.emit(Net(784, 16, 10))
    assert view.shown("set_network") == [pretrained] and feed.stand_in is pretrained
    assert view.shown("set_input")[-1].shape == (784,)  # the first test image, read by the network shown
    session.dataset = dataset  # a 2-D set: the pretrained network cannot read its points
    session.network_reset.emit(Net(2, 8, 2))
    assert view.shown("set_network")[-1].sizes == [2, 8, 2] and feed.stand_in is None and not feed.held


class PairsUpdate:
    """An update whose arrays are real [(W, b)] pairs (easing in mixes them)."""

    def __init__(self, value):
        pair = [(np.full((2, 3), float(value)), np.full((2, 1), float(value)))]
        self.weights, self.gradients, self.deltas = pair, pair, pair


def test_at_a_watched_pace_every_update_is_shown_and_eases_in(qtbot, dataset):
    view, session = SlowView(0.0), FakeSession(dataset)
    session.speed = 5  # batches a second
    feed = NetworkViewFeed(view, session)  # noqa: F841 - kept alive: it has no parent
    session.network_reset.emit("net")
    for k in range(3):
        session.updated.emit(PairsUpdate(k))
        qtbot.waitUntil(lambda k=k: float(view.shown("set_weights")[-1][0][0][0, 0]) == k, timeout=2000)
    seen = [float(pairs[0][0][0, 0]) for pairs in view.shown("set_weights")]
    assert {0.0, 1.0, 2.0} <= set(seen)  # each update shown, none dropped
    between = [v for v in seen if v not in (0.0, 1.0, 2.0)]
    assert between and all(0 < v < 2 for v in between)  # frames on the way from one to the next
    assert seen == sorted(seen)
