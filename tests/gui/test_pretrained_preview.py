"""The first minute: the network view shows the draw pad's pretrained model until training starts."""

import re

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction

from engine import NeuralNetwork
from engine.training_config import MNIST
from gui.common.formatting import percent
from gui.draw_pad import model_store
from gui.draw_pad.pad import DrawPad
from gui.draw_pad.pretrained_preview import untrained
from gui.shell.main_window import MainWindow

TIMEOUT = 20_000  # ms
SEED_SIZES = [784, 16, 16, 10]  # the network Space trains on MNIST by default


def mnist_window(qtbot):
    """A shown window on MNIST, its first network built, nothing trained."""
    window = MainWindow(dataset=MNIST)
    qtbot.addWidget(window)
    window.resize(1400, 900)  # a desktop's window: the default fits the 800 × 800 offscreen screen, a laptop's size
    window.show()
    qtbot.waitUntil(lambda: window.network() is not None and window.dataset().name == MNIST, timeout=TIMEOUT)
    return window


def action(window, name):
    found = window.findChild(QAction, name)
    assert found is not None, name
    return found


def badge_text(window):
    """What the badge over the view says, as plain text."""
    badge = window.preview.badge
    if not badge.isVisible():
        return ""
    return re.sub(r"<[^>]+>", "", badge.text().replace("<br>", "\n")).replace("&nbsp;", " ")


def draw_a_stroke(qtbot, pad, points):
    """One left-button stroke through ``points`` (pad pixels), as a person draws it."""
    qtbot.mousePress(pad, Qt.LeftButton, pos=QPoint(*points[0]))
    for p in points[1:]:
        qtbot.mouseMove(pad, QPoint(*p))
    qtbot.mouseRelease(pad, Qt.LeftButton, pos=QPoint(*points[-1]))


THREE = [(90, 70), (130, 55), (170, 60), (190, 85), (180, 115), (145, 135), (120, 140), (150, 142),
         (185, 160), (195, 195), (175, 225), (135, 235), (95, 222)]


def test_at_start_the_view_shows_the_pads_pretrained_model_and_says_so(qtbot, mnist_subset_in_env):
    window = mnist_window(qtbot)
    model, snap = window.digit_panel.model(), window.network_view.snapshot()
    assert window.digit_panel.model_source() == "bundled"
    assert snap.sizes == model.sizes == [784, 384, 192, 10] and window.network().sizes == SEED_SIZES
    for (W, b), (W_model, b_model) in zip(snap.weights, model.weights()):
        np.testing.assert_array_equal(W, W_model)
        np.testing.assert_array_equal(b, b_model)
    assert window.preview.showing()
    text = badge_text(window)
    accuracy = model_store.bundled_model_info()["test_accuracy"]
    assert "Pretrained model" in text and "784 → 384 → 192 → 10" in text
    assert f"{percent(accuracy)} on MNIST test" in text
    assert "Space trains a fresh 784 → 16 → 16 → 10" in text
    assert snap.input is not None  # a test digit lights it until something is drawn


def test_a_drawn_digit_lights_the_pretrained_network_as_the_pad_reads_it(qtbot, mnist_subset_in_env):
    window = mnist_window(qtbot)
    pad = window.findChild(DrawPad)
    draw_a_stroke(qtbot, pad, THREE)
    snap = window.network_view.snapshot()
    assert snap.sizes == [784, 384, 192, 10]
    np.testing.assert_array_equal(snap.input, pad.preprocessed().centred.ravel())
    probs = pad.probabilities()
    np.testing.assert_allclose(snap.probabilities(), probs, atol=1e-5)
    assert int(np.argmax(snap.probabilities())) == int(np.argmax(probs))
    hidden = snap.forward()[0][1]
    assert hidden.shape == (384,) and hidden.max() > 0  # the first hidden layer lights up
    pad.clear()
    assert window.network_view.snapshot().input is None


def test_space_switches_the_view_to_the_training_network_which_then_learns(qtbot, mnist_subset_in_env):
    window = mnist_window(qtbot)
    view = window.network_view
    action(window, "play_pause").trigger()
    assert view.snapshot().sizes == window.network().sizes == SEED_SIZES
    assert not window.preview.showing() and not window.preview.badge.isVisible()
    with qtbot.waitSignal(window.weights_updated, timeout=TIMEOUT):
        pass
    action(window, "play_pause").trigger()
    qtbot.waitUntil(lambda: not window.playing, timeout=TIMEOUT)

    def shows_training():
        return all(np.array_equal(W, V) for (W, _), (V, _) in zip(window.network().weights(), view.snapshot().weights))

    qtbot.waitUntil(shows_training, timeout=TIMEOUT)
    assert not untrained(window.network())


def test_after_a_step_batch_the_pad_feeds_the_training_network(qtbot, mnist_subset_in_env):
    window = mnist_window(qtbot)
    with qtbot.waitSignal(window.weights_updated, timeout=TIMEOUT):
        action(window, "step_batch").trigger()
        assert window.network_view.snapshot().sizes == SEED_SIZES  # at once, before the batch is done
    pad = window.findChild(DrawPad)
    draw_a_stroke(qtbot, pad, THREE)
    snap = window.network_view.snapshot()
    assert snap.sizes == SEED_SIZES
    np.testing.assert_array_equal(snap.input, pad.preprocessed().centred.ravel())
    assert badge_text(window) == ""


def test_step_phase_walks_the_training_network_from_the_start(qtbot, mnist_subset_in_env):
    window = mnist_window(qtbot)
    with qtbot.waitSignal(window.session.phase_reached, timeout=TIMEOUT):
        action(window, "step_phase").trigger()
    assert window.network_view.snapshot().sizes == SEED_SIZES
    assert window.network_view.highlight_layer() == 0 and window.walkthrough.record.active


def test_reset_before_training_keeps_the_pretrained_model_and_names_the_new_network(qtbot, mnist_subset_in_env):
    window = mnist_window(qtbot)
    config = window.controls.config()
    config.hidden, config.activations = [32], ["relu"]
    window.controls.set_config(config)
    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        action(window, "reset").trigger()
    assert window.network().sizes == [784, 32, 10]
    assert window.network_view.snapshot().sizes == [784, 384, 192, 10]
    assert "Space trains a fresh 784 → 32 → 10" in badge_text(window)


def test_reset_after_training_shows_the_fresh_training_network(qtbot, mnist_subset_in_env, discard_unsaved):
    window = mnist_window(qtbot)
    with qtbot.waitSignal(window.weights_updated, timeout=TIMEOUT):
        action(window, "step_batch").trigger()
    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        action(window, "reset").trigger()
    assert untrained(window.network())
    assert window.network_view.snapshot().sizes == SEED_SIZES and not window.preview.showing()
    assert badge_text(window) == ""


def test_the_badges_link_shows_the_training_network(qtbot, mnist_subset_in_env):
    window = mnist_window(qtbot)
    window.preview.badge.linkActivated.emit("training")
    assert window.network_view.snapshot().sizes == SEED_SIZES and badge_text(window) == ""


def test_a_model_fine_tuned_on_the_users_digits_is_shown_in_its_place(qtbot, mnist_subset_in_env):
    window = mnist_window(qtbot)
    net = NeuralNetwork.build([784, 24, 10], "relu", "ce", seed=1)
    model_store.save_personal_model(net, extra={"mnist_test_accuracy": 0.912})
    window.digit_panel.set_model(net, "personal")
    window.digit_panel.model_changed.emit(net)  # as a finished fine-tuning does
    assert window.network_view.snapshot().sizes == [784, 24, 10]
    text = badge_text(window)
    assert "fine-tuned on your digits" in text and "91.2 % on MNIST test" in text


def test_on_a_2d_dataset_the_view_shows_the_training_network(qtbot):
    window = MainWindow(dataset="circles")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.network() is not None, timeout=TIMEOUT)
    assert window.network_view.snapshot().sizes == window.network().sizes
    assert not window.preview.showing() and badge_text(window) == ""


def test_untrained_means_the_starting_zero_biases():
    net = NeuralNetwork.build([784, 16, 10], "relu", "ce", seed=0)
    assert untrained(net)
    net.layers[1].b[3] = 0.01
    assert not untrained(net)


def test_a_walk_started_without_the_action_still_walks_the_training_network(qtbot, mnist_subset_in_env):
    window = mnist_window(qtbot)
    with qtbot.waitSignal(window.session.phase_reached, timeout=TIMEOUT):
        window.step_phase()  # the window's slot, as a tool would call it
    assert window.network_view.snapshot().sizes == SEED_SIZES and window.network_view.highlight_layer() == 0
    assert window.preview.dismissed and badge_text(window) == ""


def test_in_a_small_view_the_badge_keeps_to_its_title_and_leaves_the_input_visible(qtbot, mnist_subset_in_env):
    window = mnist_window(qtbot)
    assert "Space trains" in badge_text(window)
    window.network_view.resize(460, 260)  # a small window's view
    text = badge_text(window)
    assert text.startswith("Pretrained model") and "on MNIST test" in text and "Space trains" not in text
    assert "784 → 384 → 192 → 10" in window.preview.badge.toolTip()
