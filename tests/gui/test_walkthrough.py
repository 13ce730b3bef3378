"""Walking a training step phase by phase through the real QActions: the view, the captions, the batch."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox

from engine.phases import Backward, Forward, Loss, Update
from engine.training import BatchDone
from engine.training_config import build
from gui.shell.main_window import MainWindow
from gui.walkthrough.phase_captions import num
from tests.gui.window_helpers import TIMEOUT, action, assert_freed_by_reference_counting, make_window, phase


def caption(window):
    return window.walkthrough.caption.plain_text()


def same_weights(a, b):
    return all(np.array_equal(Wa, Wb) and np.array_equal(ba, bb) for (Wa, ba), (Wb, bb) in zip(a, b))


def twin_after(window, steps):
    """Weights of a network built like the window's and trained ``steps`` batches headlessly."""
    net, trainer = build(window.session.config, window.dataset())
    for _ in range(steps):
        trainer.step()
    return net.weights()


@pytest.mark.parametrize("hidden", [[], [8], [8, 8]])  # 1, 2 and 3 layers
def test_step_phase_walks_the_view_through_forward_loss_backward_update(qtbot, hidden):
    window = make_window(qtbot, hidden=hidden, activations=["tanh"] * len(hidden))
    view, L = window.network_view, len(hidden) + 1
    assert action(window, "step_phase").isEnabled()
    start = window.network().weights()
    for k in range(L):  # forward: left to right, later columns still dark
        step = phase(window, qtbot)
        assert isinstance(step.event, Forward) and step.event.layer == k
        assert view.highlight_layer() == k and view.mode() == "weights"
        snap = view.snapshot()
        assert snap.reach == k + 1 and snap.lit(k + 1) and not snap.lit(k + 2)
        first = step if k == 0 else first
        np.testing.assert_array_equal(snap.input, first.event.a_in[:, 0])  # the sample stepped is the input
        assert same_weights(snap.weights, start)
    step = phase(window, qtbot)  # the loss: every column lit, the target ringed
    assert isinstance(step.event, Loss) and view.highlight_layer() == L - 1
    assert view.snapshot().reach is None and view.snapshot().target == int(step.event.targets[0])
    grads = {}
    for k in range(L - 1, -1, -1):  # backward: right to left, ∂L/∂W of the layers reached so far
        step = phase(window, qtbot)
        assert isinstance(step.event, Backward) and step.event.layer == k
        assert view.highlight_layer() == k and view.mode() == "gradient"
        grads[k] = step.event.dW
        snap = view.snapshot()
        for j in range(L):  # layers not reached yet have no gradient to show
            np.testing.assert_array_equal(snap.gradients[j][0], grads[j] if j in grads else 0)
            assert (snap.values("gradient", j) is None) == (j not in grads)
    assert window.toolbar.findChild(QComboBox, "view_mode").currentData() == "gradient"
    assert window.trainer.steps == 0  # nothing is committed before the batch ends
    for k in range(L):  # update: left to right, ΔW
        step = phase(window, qtbot)
        assert isinstance(step.event, Update) and step.event.layer == k
        assert view.highlight_layer() == k and view.mode() == "delta"
        np.testing.assert_allclose(view.snapshot().deltas[k][0], step.event.W_after - step.event.W_before)
    with qtbot.waitSignal(window.weights_updated, timeout=TIMEOUT):  # done: a batch like any other
        step = phase(window, qtbot)
    assert isinstance(step.event, BatchDone) and step.last and step.count == 3 * L + 2
    assert view.highlight_layer() is None and view.mode() == "weights" and view.snapshot().reach is None
    assert window.trainer.steps == 1 and len(window.loss_plot.batch) == 1
    assert same_weights(view.snapshot().weights, window.trainer.net.weights())
    assert same_weights(window.network().weights(), twin_after(window, 1))  # bit for bit one train step
    step = phase(window, qtbot)  # and the next press walks the next batch
    assert isinstance(step.event, Forward) and step.step == 2 and view.highlight_layer() == 0


def test_step_batch_mid_walk_finishes_that_batch_and_play_finishes_it_first(qtbot):
    window = make_window(qtbot, epochs=100_000)  # still running when paused, however loaded the machine
    for _ in range(5):
        phase(window, qtbot)
    with qtbot.waitSignal(window.weights_updated, timeout=TIMEOUT):
        action(window, "step_batch").trigger()
    assert window.trainer.steps == 1  # the walked batch was finished, not a new one started
    assert same_weights(window.network().weights(), twin_after(window, 1))
    assert window.network_view.highlight_layer() is None
    step_two = phase(window, qtbot)
    assert step_two.step == 2
    phase(window, qtbot)
    with qtbot.waitSignal(window.session.phase_reached, timeout=TIMEOUT) as end:
        action(window, "play_pause").trigger()
    assert isinstance(end.args[0].event, BatchDone) and end.args[0].step == 2
    qtbot.waitUntil(lambda: window.trainer.steps > 10, timeout=TIMEOUT)
    action(window, "play_pause").trigger()
    qtbot.waitUntil(lambda: not window.worker.busy, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: same_weights(window.network().weights(), window.trainer.net.weights()), timeout=TIMEOUT)
    assert same_weights(window.network().weights(), twin_after(window, window.trainer.steps))
    assert window.network_view.mode() == "weights" and not window.walkthrough.record.active
    assert "Walk through" in caption(window)  # the caption is idle again


def test_reset_discards_a_walk_in_progress(qtbot):
    window = make_window(qtbot)
    for _ in range(6):
        phase(window, qtbot)
    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        action(window, "reset").trigger()
    assert window.network_view.highlight_layer() is None and "Walk through" in caption(window)
    step = phase(window, qtbot)
    assert isinstance(step.event, Forward) and step.step == 1 and step.event.layer == 0
    assert same_weights(step.weights, window.network().weights()) and window.trainer.steps == 0


def _softmax(v):
    e = np.exp(v - v.max())
    return e / e.sum()


def test_caption_numbers_equal_values_recomputed_from_the_arrays(qtbot):
    window = make_window(qtbot, optimizer="sgd", lr=0.1)
    tanh_slope = lambda z: 1 - np.tanh(z) ** 2  # noqa: E731  (the hidden layers are tanh)
    forwards = {}
    for k in range(3):
        step = phase(window, qtbot)
        e, (W, b) = step.event, step.weights[k]
        forwards[k] = e
        x = e.a_in[:, 0].astype(np.float64)
        z = W.astype(np.float64) @ x + b[:, 0]
        # Hidden layers: the largest |z|; the output: sample 1's target, the class the loss reads.
        j = int(e.targets[0]) if k == 2 else int(np.argmax(np.abs(z)))
        a = z[j] if k == 2 else np.tanh(z[j])
        text = caption(window)
        assert f"neuron {j} of layer {k + 1}" in text or f"output “{window.dataset().class_names[j]}”" in text
        assert f"= {num(z[j])}" in text and f"= {num(a)}" in text
        assert "sample 1 of 16" in text
        assert f"z = {float(e.z[j, 0])!r}" in window.walkthrough.caption.equations.toolTip()  # exact
    step = phase(window, qtbot)
    e = step.event
    e_loss = e.value
    p, t, n = _softmax(e.outputs[:, 0].astype(np.float64)), int(e.targets[0]), e.outputs.shape[1]
    grad = (p - np.eye(len(p))[t]) / n
    j = int(np.argmax(np.abs(grad)))
    text = caption(window)
    assert f"= {num(-np.log(p[t]))}" in text and f"= {num(e.value)}" in text and f"= {num(grad[j])}" in text
    for k in (2, 1, 0):
        step = phase(window, qtbot)
        e, f = step.event, forwards[k]
        z = f.z.astype(np.float64)
        slope = np.ones_like(z) if k == 2 else tanh_slope(z)
        delta = e.grad_out.astype(np.float64) * slope  # δ = ∂L/∂a ⊙ f′(z), every sample
        j = int(np.argmax(np.abs(delta[:, 0])))
        dW = delta @ f.a_in.astype(np.float64).T  # Σ over the batch of δ·a
        i = int(np.argmax(np.abs(delta[j, 0] * f.a_in[:, 0])))  # the largest term of sample 1, never δ × 0
        text = caption(window)
        assert f"= {num(delta[j, 0])}" in text and f"× {num(slope[j, 0])}" in text
        assert f"= {num(delta[j, 0] * f.a_in[i, 0])}" in text and f"batch of 16: {num(dW[j, i])}" in text
    for k in range(3):
        step = phase(window, qtbot)
        e = step.event
        change = e.W_after.astype(np.float64) - e.W_before
        j, i = np.unravel_index(int(np.argmax(np.abs(change))), change.shape)
        backward_dW = window.walkthrough.record.backward[k].dW
        w1 = np.float32(e.W_before[j, i]) - np.float32(0.1) * backward_dW[j, i]  # plain SGD: w − η ∂L/∂w
        assert w1 == e.W_after[j, i]
        text = caption(window)
        assert f"= {num(e.W_before[j, i])} − {num(0.1)} × " in text and f"= {num(w1)}" in text
    phase(window, qtbot)
    weights = window.network().weights()
    a = forwards[0].a_in.astype(np.float64)  # the whole batch once more, with the new weights
    for (W, b), act in zip(weights, window.network().activations):
        a = act.f(W.astype(np.float64) @ a + b)
    targets = window.walkthrough.record.loss.targets
    after = np.mean([-np.log(_softmax(a[:, c])[targets[c]]) for c in range(a.shape[1])])
    text = caption(window)
    assert f"→ {num(_softmax(a[:, 0])[t])}" in text and f"{num(p[t])} →" in text
    assert f"before the update {num(e_loss)}, after it {num(after)}" in text.replace("\n", " ")


def test_a_selected_neuron_is_the_one_the_caption_explains(qtbot):
    window = make_window(qtbot)
    view = window.network_view
    phase(window, qtbot)
    step = phase(window, qtbot)  # forward of layer 2 (column 2)
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.neuron_center(2, 3).toPoint())
    text = caption(window)
    assert "neuron 3 of layer 2 (your selection)" in text
    W, b = step.weights[1]
    z = float(W[3].astype(np.float64) @ step.event.a_in[:, 0] + b[3, 0])
    assert f"= {num(z)}" in text
    assert view.snapshot().focus == (2, 3)


def test_one_sample_walks_a_batch_of_one_and_restores_the_batch_size(qtbot):
    window = make_window(qtbot)
    spin = window.controls.batch_size
    assert spin.value() == 16
    action(window, "one_sample").trigger()
    assert action(window, "one_sample").isChecked() and spin.value() == 1
    step = phase(window, qtbot)
    assert step.event.a_in.shape[1] == 1 and "its only sample" in caption(window)
    for _ in range(4):
        step = phase(window, qtbot)
    e = step.event  # backward of the output layer: with one sample, δ·a is the whole gradient
    assert isinstance(e, Backward) and e.delta.shape[1] == 1
    assert "summed over the batch" not in caption(window)
    action(window, "one_sample").trigger()
    assert not action(window, "one_sample").isChecked() and spin.value() == 16
    with qtbot.waitSignal(window.weights_updated, timeout=TIMEOUT) as blocker:
        action(window, "step_batch").trigger()  # finishes the batch of one
    assert blocker.args[0].batch.batch_size == 1
    step = phase(window, qtbot)
    assert step.event.a_in.shape[1] == 16  # the next batch has the restored size


def test_shift_right_steps_a_phase(qtbot):
    window = make_window(qtbot)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=TIMEOUT)
    window.loss_plot.setFocus()
    with qtbot.waitSignal(window.session.phase_reached, timeout=TIMEOUT) as blocker:
        qtbot.keyClick(window.loss_plot, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert isinstance(blocker.args[0].event, Forward)
    assert window.network_view.highlight_layer() == 0


def test_mnist_seed_network_walks_a_digit(qtbot, mnist_subset_dir, monkeypatch):
    import gui.shell.main_window as main_window

    monkeypatch.setattr(main_window, "discover_mnist", lambda: (mnist_subset_dir, None))
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.network() is not None and window.dataset().name == "mnist", timeout=TIMEOUT)
    step = phase(window, qtbot)
    assert step.event.a_in.shape == (784, 32) and "784 inputs" in caption(window)
    assert "… 781 more terms" in caption(window) and "sample 1 of 32" in caption(window)
    for _ in range(6):
        step = phase(window, qtbot)
    assert isinstance(step.event, Backward) and step.event.layer == 0 and "pixel (" in caption(window)


def test_the_window_is_freed_by_reference_counting_after_a_walk(qtbot):
    # A reference cycle through the window would leave it to the cycle collector, which may free it at
    # any allocation, even while Qt paints it (a crash). The walkthrough keeps no reference back to it.
    window = MainWindow(dataset="circles")
    window.show()
    for _ in range(3):
        phase(window, qtbot)
    windows = [window]
    del window
    assert_freed_by_reference_counting(windows)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_a_walked_batch_that_diverges_says_so_and_keeps_the_good_weights(qtbot):
    window = make_window(qtbot, optimizer="sgd")
    good = window.network().weights()
    window.trainer.set_hyperparameters(lr=float("inf"))  # the update makes the weights infinite
    for _ in range(10):
        phase(window, qtbot)
    with qtbot.waitSignal(window.session.diverged, timeout=TIMEOUT):
        step = phase(window, qtbot)
    assert step.kind == "done" and "diverged" in caption(window)
    qtbot.waitUntil(lambda: same_weights(window.network_view.snapshot().weights, good), timeout=TIMEOUT)
    assert not window.walkthrough.feed.held and window.network_view.highlight_layer() is None


def test_the_caption_keeps_one_height_through_a_walk_so_the_views_stay_put(qtbot):
    window = make_window(qtbot)
    window.resize(1280, 720)
    phase(window, qtbot)  # the first step may also clear a notice above the tabs
    QApplication.processEvents()
    captions, views = set(), set()
    for _ in range(len(window.network().layers) * 3 + 1):  # the rest: forward, loss, backward, update, done
        phase(window, qtbot)
        QApplication.processEvents()  # the layout requests the step posted
        captions.add(window.walkthrough.height())
        views.add(window.network_view.height())
    assert len(captions) == 1 and len(views) == 1
    assert "after it" in caption(window)  # the done step: the batch's loss before and after the update
