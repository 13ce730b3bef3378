"""DigitPanel: the guess, the bars and the steps follow the pad; teach it, fine-tune, forget."""

import os

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QToolButton

from engine import NeuralNetwork
from gui.draw_pad import model_store
from gui.draw_pad.digit_panel import DigitPanel


def _net(seed=0):
    return NeuralNetwork.build([784, 32, 10], "relu", "ce", seed=seed)


def drag(qtbot, pad, points):
    points = [QPoint(*p) for p in points]
    qtbot.mousePress(pad, Qt.LeftButton, pos=points[0])
    for p in points[1:]:
        qtbot.mouseMove(pad, p)
    qtbot.mouseRelease(pad, Qt.LeftButton, pos=points[-1])


@pytest.fixture
def panel(qtbot):
    panel = DigitPanel(net=_net())
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def test_guess_bars_and_steps_follow_the_drawing(qtbot, panel):
    guess = panel.findChild(QLabel, "guess")
    assert guess.text() == "–"
    centred = panel.findChild(QLabel, "step_centred")
    assert centred.pixmap() is None or centred.pixmap().isNull()
    drag(qtbot, panel.draw_pad, [(140, 60), (140, 220)])
    probs = panel.draw_pad.probabilities()
    top = int(np.argmax(probs))
    assert guess.text().rstrip("?") == str(top)
    np.testing.assert_allclose(panel.bars.opts["height"], probs)
    for key in ("drawn", "cropped", "fitted", "centred"):
        assert not panel.findChild(QLabel, f"step_{key}").pixmap().isNull()
    assert panel.findChild(QLabel, "step_centred").pixmap().width() == 84  # 28 px × 3, what the network sees
    panel.draw_pad.clear()
    assert guess.text() == "–"
    assert panel.bars.opts["height"].max() == 0


def test_an_unsure_guess_says_so(qtbot):
    net = _net()
    for layer in net.layers:  # every output equal: 10 % each
        layer.W[...] = 0
        layer.b[...] = 0
    panel = DigitPanel(net=net)
    qtbot.addWidget(panel)
    drag(qtbot, panel.draw_pad, [(140, 60), (140, 220)])
    assert "not sure" in panel.findChild(QLabel, "confidence").text()
    assert panel.findChild(QLabel, "guess").text().endswith("?")


def test_pen_width_control_sets_the_pad_pen(qtbot, panel):
    panel.pen_spin.setValue(30)
    assert panel.draw_pad.pen_width() == 30


def test_teach_keeps_the_28x28_input_with_its_label(qtbot, panel, private_user_data):
    teach3 = panel.findChild(QToolButton, "teach_3")
    assert not teach3.isEnabled()  # nothing drawn yet
    drag(qtbot, panel.draw_pad, [(140, 60), (140, 220)])
    seen = panel.draw_pad.preprocessed().centred
    assert teach3.isEnabled()
    qtbot.mouseClick(teach3, Qt.LeftButton)
    digits = panel.personal_digits()
    assert len(digits) == 1 and digits.labels.tolist() == [3]
    np.testing.assert_allclose(digits.images[0] / 255, seen, atol=1 / 255)
    assert os.path.isfile(os.path.join(private_user_data, "personal_digits.npz"))
    assert panel.draw_pad.is_empty()  # ready for the next digit
    assert "Fine-tune on my 1 digits" in panel.findChild(QPushButton, "fine_tune").text()


def test_fine_tune_learns_my_digits_and_forget_goes_back(qtbot, panel, mnist_subset, private_user_data, monkeypatch):
    panel.set_mnist(mnist_subset)
    panel.fine_tune_steps = 150
    strokes = [[(140, 60), (140, 220)], [(120, 60), (150, 220)], [(150, 50), (135, 230)]]
    for stroke in strokes:  # three bars, taught as 7s (a random network does not read them so)
        drag(qtbot, panel.draw_pad, stroke)
        qtbot.mouseClick(panel.findChild(QToolButton, "teach_7"), Qt.LeftButton)
    X, y = panel.personal_digits().columns()
    button = panel.findChild(QPushButton, "fine_tune")
    with qtbot.waitSignal(panel.model_changed, timeout=60_000) as blocker:
        qtbot.mouseClick(button, Qt.LeftButton)
        assert button.text() == "Stop fine-tuning"
    tuned = blocker.args[0]
    assert tuned.accuracy(X, y) == 1.0
    assert panel.model_source() == "personal"
    assert panel.model().accuracy(X, y) == 1.0  # the pad now uses it
    assert os.path.isfile(model_store.personal_model_path())
    assert "3 of your 3 digits read right" in panel.findChild(QLabel, "teach_status").text()

    restarted = DigitPanel()  # the fine-tuned model is what the next start loads
    qtbot.addWidget(restarted)
    assert restarted.model_source() == "personal"
    assert len(restarted.personal_digits()) == 3

    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.Yes)
    qtbot.mouseClick(panel.findChild(QPushButton, "forget_digits"), Qt.LeftButton)
    assert len(panel.personal_digits()) == 0
    assert not os.path.exists(model_store.personal_model_path())
    assert panel.model_source() == ("bundled" if os.path.isfile(model_store.BUNDLED_MODEL) else "personal")


def test_fine_tune_without_mnist_explains_what_to_do(qtbot, panel, monkeypatch):
    import gui.draw_pad.fine_tune_worker as worker

    monkeypatch.setattr(worker, "_find_mnist", lambda: None)
    drag(qtbot, panel.draw_pad, [(140, 60), (140, 220)])
    qtbot.mouseClick(panel.findChild(QToolButton, "teach_1"), Qt.LeftButton)
    status = panel.findChild(QLabel, "teach_status")
    qtbot.mouseClick(panel.findChild(QPushButton, "fine_tune"), Qt.LeftButton)
    qtbot.waitUntil(lambda: "download MNIST" in status.text(), timeout=10_000)
    assert panel.model_source() == "given"
    assert panel.findChild(QPushButton, "fine_tune").isEnabled()
