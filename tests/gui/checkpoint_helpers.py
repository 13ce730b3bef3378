"""The File menu tests' tools: dialogs that answer at once, weights compared exactly, the same run trained headless."""

import numpy as np
from PySide6.QtWidgets import QFileDialog, QMessageBox

from engine.training_config import build
from tests.gui import window_helpers


def make_window(qtbot, dataset="spirals", **changes):
    """window_helpers.make_window on the spirals unless told otherwise (800 training points: 25 batches of 32)."""
    return window_helpers.make_window(qtbot, dataset, **changes)


def answer_dialogs(monkeypatch, path):
    """QFileDialog's static methods answer ``path`` (tests never block on a dialog); returns the calls."""
    calls = []

    def answer(kind):
        def dialog(parent, caption, folder, filters):
            calls.append((kind, caption, folder, filters))
            return str(path), filters.split(";;")[0]
        return staticmethod(dialog)

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer("save"))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", answer("open"))
    return calls


def answer_questions(monkeypatch, button):
    """QMessageBox.question answers ``button`` (tests never block on a dialog); returns the texts asked."""
    asked = []

    def question(parent, title, text, buttons, default):
        asked.append(text)
        return button
    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def weights(net):
    """Copies of the network's [(W, b), ...], safe from later training."""
    return [(W.copy(), b.copy()) for W, b in net.weights()]


def assert_same_weights(a, b):
    for (Wa, ba), (Wb, bb) in zip(a, b):
        assert np.array_equal(Wa, Wb) and np.array_equal(ba, bb)


def reference(window, steps):
    """The same config trained straight through in the engine, ``steps`` batches."""
    net, trainer = build(window.session.config, window.dataset())
    for _ in range(steps):
        trainer.step()
    return trainer


def state_of(window):
    """What opening a bad file must leave unchanged."""
    return (window.trainer, window.session.generation, window.controls.config(), weights(window.network()),
            len(window.loss_plot.batch), window.windowTitle())
