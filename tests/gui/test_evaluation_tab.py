"""The Evaluation tab in the main window, driven through the View menu's real QActions and real clicks."""

import threading

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

import gui.shell.main_window as main_window
from gui.evaluation.point_gallery import PointGallery
from gui.evaluation.sample_gallery import SampleGallery
from tests.gui.window_helpers import TIMEOUT, action, change_config, shown_window, step, training_thread_ended


def open_window(qtbot, dataset="circles", **config_changes):
    """A shown window on ``dataset`` (a 2-D set, or "mnist"), fresh and paused."""
    window = shown_window(qtbot, dataset, size=(1400, 900))
    qtbot.waitUntil(lambda: window.network() is not None and window.dataset().name == dataset, timeout=TIMEOUT)
    change_config(window, **config_changes)
    return window


@pytest.fixture
def mnist_window(qtbot, mnist_subset_dir, monkeypatch):
    monkeypatch.setattr(main_window, "discover_mnist", lambda: (mnist_subset_dir, None))
    return open_window(qtbot, "mnist")


def evaluate_now(window, qtbot, timeout=TIMEOUT):
    """Trigger "Evaluate now" (F5) and wait for its result."""
    with qtbot.waitSignal(window.evaluation.view.evaluation_finished, timeout=timeout) as done:
        action(window, "evaluate").trigger()
    return done.args[0]


def counting_evaluations(view, monkeypatch):
    """Count the evaluations the window asks of ``view`` (its own button is not counted)."""
    calls = []
    original = view.evaluate
    monkeypatch.setattr(view, "evaluate", lambda: (calls.append(1), original())[1])
    return calls


def test_view_menu_has_the_tab_and_evaluate_actions_between_file_and_help(qtbot):
    window = open_window(qtbot)
    expected = {"show_training": "Ctrl+1", "show_evaluation": "Ctrl+2", "show_compare": "Ctrl+3", "evaluate": "F5"}
    for name, keys in expected.items():
        assert action(window, name).shortcut() == QKeySequence(keys) and action(window, name).toolTip()
    bar = window.menuBar()
    titles = lambda: [a.text().replace("&", "") for a in bar.actions()]  # noqa: E731
    assert "View" in titles()
    view_menu = next(a.menu() for a in bar.actions() if a.text().replace("&", "") == "View")
    named = [a.objectName() for a in view_menu.actions() if not a.isSeparator()]
    assert named[:len(expected)] == list(expected)  # first; the presentation and panel actions follow
    for title in ("Help", "File", "Tools"):  # menus added later, in any order: File, View, the others, Help
        if title not in titles():
            bar.addMenu(f"&{title}")
    order = titles()
    assert order.index("File") < order.index("View") < order.index("Tools") < order.index("Help")


def test_ctrl_2_shows_the_evaluation_tab_and_ctrl_1_the_training_tab(qtbot):
    window = open_window(qtbot)
    tabs, view = window.evaluation.tabs, window.evaluation.view
    assert tabs.currentWidget() is not view and window.network_view.isVisible()
    with qtbot.waitSignal(view.evaluation_finished, timeout=TIMEOUT):  # shown for the first time: it evaluates
        action(window, "show_evaluation").trigger()
    assert tabs.currentWidget() is view and view.isVisible() and not window.network_view.isVisible()
    assert action(window, "show_evaluation").isChecked() and not action(window, "show_training").isChecked()
    # the same through the keyboard
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=TIMEOUT)
    view.confusion_matrix.setFocus()
    qtbot.keyClick(view.confusion_matrix, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert tabs.currentWidget() is window.evaluation.training_page and window.network_view.isVisible()
    assert action(window, "show_training").isChecked()
    qtbot.keyClick(window.loss_plot, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert tabs.currentWidget() is view


def check_accuracy_and_cells(window, qtbot, gallery_type, timeout=TIMEOUT):
    """F5 → the accuracy recomputed here; a real click on each populated cell → exactly its samples."""
    view = window.evaluation.view
    result = evaluate_now(window, qtbot, timeout)
    assert window.evaluation.tabs.currentWidget() is view  # "Evaluate now" shows what it computed
    X, labels = window.dataset().columns("test")
    net = window.network()
    accuracy = net.accuracy(X, labels)
    assert result.split == "test" and result.n == len(labels)
    assert result.accuracy == pytest.approx(accuracy, abs=1e-12)
    assert f"Test accuracy {accuracy * 100:.3g} %" in view.accuracy_label.text()
    assert isinstance(view.gallery, gallery_type)
    preds = net.predict(X)
    wrong = np.flatnonzero(preds != labels)
    assert sorted(view.gallery.indices()) == sorted(wrong)  # the gallery opens on every mistake
    counts = np.zeros_like(result.confusion)
    np.add.at(counts, (labels, preds), 1)
    assert (result.confusion == counts).all()
    qtbot.waitUntil(lambda: view.confusion_matrix.width() > 0 and view.confusion_matrix.isVisible())
    cells = [tuple(c) for c in np.argwhere(counts > 0)]
    off = [c for c in cells if c[0] != c[1]]
    side, width = view.confusion_matrix.cell_rect(0, 0).width(), window.width()
    for t, p in (off[:3] + [cells[0]]):  # a few mistakes and a right answer
        centre = view.confusion_matrix.cell_rect(t, p).center()
        with qtbot.waitSignal(view.confusion_matrix.cell_clicked, timeout=TIMEOUT) as clicked:
            qtbot.mouseClick(view.confusion_matrix, Qt.MouseButton.LeftButton, pos=centre)
        assert clicked.args == [t, p]
        QApplication.processEvents()  # the gallery's longer title is laid out: it must not squeeze the matrix
        assert view.confusion_matrix.cell_rect(0, 0).width() == side and window.width() == width
        expected = np.flatnonzero((labels == t) & (preds == p))
        assert len(view.gallery.indices()) == counts[t, p] == len(expected)
        assert sorted(view.gallery.indices()) == sorted(expected)
    return result


def test_evaluate_now_on_a_2d_set_matches_a_recount_and_cells_show_their_points(qtbot):
    window = open_window(qtbot, "blobs")
    step(window, qtbot, 5)  # part-trained: a few mistakes to click
    result = check_accuracy_and_cells(window, qtbot, PointGallery)
    assert 0 < result.n_correct < result.n


def test_evaluate_now_on_mnist_matches_a_recount_and_cells_show_their_images(qtbot, mnist_window):
    step(mnist_window, qtbot, 40)
    result = check_accuracy_and_cells(mnist_window, qtbot, SampleGallery, timeout=60_000)
    assert result.n == len(mnist_window.dataset().y_test) and 0.3 < result.accuracy < 1
    # the dataset browser describes MNIST: per-class counts and mean images of the training set
    browser = mnist_window.evaluation.view.browser
    ds = mnist_window.dataset()
    np.testing.assert_array_equal(browser.counts(), np.bincount(ds.y_train, minlength=10))
    np.testing.assert_allclose(browser.means()[3], ds.x_train[ds.y_train == 3].mean(axis=0), rtol=1e-9)


def test_showing_the_tab_evaluates_only_when_the_weights_changed(qtbot, monkeypatch):
    window = open_window(qtbot)
    view = window.evaluation.view
    calls = counting_evaluations(view, monkeypatch)
    step(window, qtbot, 3)  # hidden: nothing is evaluated while training
    assert calls == []
    with qtbot.waitSignal(view.evaluation_finished, timeout=TIMEOUT):
        action(window, "show_evaluation").trigger()
    first = view.result()
    action(window, "show_training").trigger()
    action(window, "show_evaluation").trigger()  # same weights: the result stands
    assert len(calls) == 1 and not view.running and view.result() is first
    action(window, "show_training").trigger()
    step(window, qtbot, 2)
    with qtbot.waitSignal(view.evaluation_finished, timeout=TIMEOUT) as done:
        action(window, "show_evaluation").trigger()
    assert len(calls) == 2
    X, labels = window.dataset().columns("test")
    np.testing.assert_array_equal(done.args[0].predicted, window.network().predict(X))


def test_while_shown_it_follows_epochs_not_batches_and_ends_on_the_final_weights(qtbot, monkeypatch):
    window = open_window(qtbot, epochs=4)
    view = window.evaluation.view
    with qtbot.waitSignal(view.evaluation_finished, timeout=TIMEOUT):
        action(window, "show_evaluation").trigger()
    calls = counting_evaluations(view, monkeypatch)
    updates, epochs = [], []
    window.weights_updated.connect(updates.append)
    window.session.epoch_finished.connect(epochs.append)
    with qtbot.waitSignal(window.session.run_ended, timeout=TIMEOUT):  # re-sent on the GUI thread: the
        action(window, "play_pause").trigger()  # run's last update has reached the window's network
    X, labels = window.dataset().columns("test")
    final = window.network().predict(X)
    qtbot.waitUntil(lambda: not view.running and "changed since" not in view.summary_label.text(), timeout=TIMEOUT)
    np.testing.assert_array_equal(view.result().predicted, final)  # it ends on the final weights
    assert len(epochs) == 4, (epochs, window.trainer.epoch)
    assert 1 <= len(calls) <= len(epochs) + 1  # at most at each epoch end and when the run ended
    assert len(calls) < len(updates)


def test_the_dataset_browser_follows_the_dataset(qtbot):
    window = open_window(qtbot)
    browser = window.evaluation.view.browser
    assert browser.counts().sum() == len(window.dataset().y_train)
    combo = window.controls.dataset
    with qtbot.waitSignal(window.dataset_changed, timeout=TIMEOUT):
        combo.setCurrentIndex(combo.findData("blobs"))
    ds = window.dataset()
    assert ds.name == "blobs"
    np.testing.assert_array_equal(browser.counts(), np.bincount(ds.y_train, minlength=ds.n_classes))
    for c in range(ds.n_classes):
        np.testing.assert_allclose(browser.means()[c], ds.x_train[ds.y_train == c].mean(axis=0), rtol=1e-6)


def test_a_new_dataset_replaces_the_old_result(qtbot):
    window = open_window(qtbot)
    view = window.evaluation.view
    evaluate_now(window, qtbot)
    combo = window.controls.dataset
    with qtbot.waitSignal(view.evaluation_finished, timeout=TIMEOUT) as done:  # shown: the new set is judged
        combo.setCurrentIndex(combo.findData("blobs"))
    assert done.args[0].n == len(window.dataset().y_test) and done.args[0].n_classes == window.dataset().n_classes


def gate_test_columns(dataset):
    """Make the dataset's test chunks after the first wait for the returned Event (an evaluation in progress)."""
    gate = threading.Event()
    columns = dataset.columns

    def gated(which, start=0, stop=None, dtype=np.float32):
        if which == "test" and start > 0:
            gate.wait(30)
        return columns(which, start, stop, dtype)

    dataset.columns = gated
    return gate


def test_training_goes_on_while_an_evaluation_is_in_progress(qtbot):
    window = open_window(qtbot)
    view = window.evaluation.view
    view.chunk = 10
    gate = gate_test_columns(window.dataset())
    with qtbot.waitSignal(view.progressed, timeout=TIMEOUT):
        action(window, "evaluate").trigger()
    steps = window.trainer.steps
    step(window, qtbot, 3)  # the evaluation is stuck in a chunk: training and the window still answer
    assert view.running and window.trainer.steps == steps + 3
    with qtbot.waitSignal(view.evaluation_finished, timeout=TIMEOUT):
        gate.set()
    assert "changed since" in view.summary_label.text()  # it judged the weights from before the steps


@pytest.mark.parametrize("playing", [False, True])
def test_closing_during_an_evaluation_never_hangs(qtbot, playing):
    for k in range(5):
        window = open_window(qtbot, epochs=100_000)
        view = window.evaluation.view
        view.chunk = 10
        gate = gate_test_columns(window.dataset())
        if playing:
            with qtbot.waitSignal(window.weights_updated, timeout=TIMEOUT):
                action(window, "play_pause").trigger()
        with qtbot.waitSignal(view.progressed, timeout=TIMEOUT):
            action(window, "evaluate").trigger()
        assert view.running and view.evaluation_thread.isRunning()
        finished = []
        view.evaluation_finished.connect(finished.append)
        opener = threading.Timer(0.1 * (k % 3), gate.set)  # the worker blocks in a chunk while close() waits
        opener.start()
        window.close()
        opener.join()
        assert not view.evaluation_thread.isRunning() and training_thread_ended(window)
        qtbot.wait(20)  # whatever the worker queued must be dropped
        assert finished == []


def test_closing_during_a_real_mnist_evaluation_never_hangs(qtbot, mnist_window):
    view = mnist_window.evaluation.view
    view.chunk = 50
    with qtbot.waitSignal(view.progressed, timeout=TIMEOUT):
        action(mnist_window, "evaluate").trigger()
    mnist_window.close()
    assert not view.evaluation_thread.isRunning() and not view.running


def test_clicking_a_mistake_on_the_plane_makes_it_the_network_views_input(qtbot):
    window = open_window(qtbot, "blobs")
    step(window, qtbot, 5)  # part-trained: a few mistakes to click
    evaluate_now(window, qtbot)
    gallery = window.evaluation.view.gallery
    assert isinstance(gallery, PointGallery)
    i = int(gallery.indices()[0])
    X, labels = window.dataset().columns("test", i, i + 1)
    plot = gallery.plot
    qtbot.waitUntil(lambda: plot.isVisible() and plot.width() > 100)
    scene_pos = plot.getPlotItem().vb.mapViewToScene(QPointF(float(X[0, 0]), float(X[1, 0])))
    at = plot.mapFromScene(scene_pos)
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert window.evaluation.tabs.currentWidget() is window.evaluation.training_page  # shown at once
    np.testing.assert_allclose(window.network_view.snapshot().input, X[:, 0], rtol=1e-6)
    predicted = int(window.network().predict(X)[0])
    names = window.dataset().class_names
    assert predicted != labels[0]
    assert window.status.currentMessage().startswith(
        f"test sample {i}: “{names[labels[0]]}” read as “{names[predicted]}” (")
    qtbot.keyClick(window.loss_plot, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # and back to the mistakes
    assert window.evaluation.showing_evaluation and int(gallery.indices()[0]) == i


def test_clicking_a_misread_digit_lights_the_network_view_like_a_drawn_one(qtbot, mnist_window):
    window = mnist_window
    assert window.preview.showing()  # before training the view shows the draw pad's model…
    step(window, qtbot, 20)
    result = evaluate_now(window, qtbot, timeout=60_000)
    gallery = window.evaluation.view.gallery
    assert isinstance(gallery, SampleGallery)
    qtbot.waitUntil(lambda: gallery.viewport().isVisible())
    i = int(gallery.indices()[0])
    qtbot.mouseClick(gallery.viewport(), Qt.MouseButton.LeftButton, pos=gallery.card_rect(0).center())
    assert window.evaluation.tabs.currentWidget() is window.evaluation.training_page
    X, labels = window.dataset().columns("test", i, i + 1)
    snap = window.network_view.snapshot()
    assert snap.sizes == window.network().sizes and not window.preview.showing()  # …the judged network now
    np.testing.assert_array_equal(snap.input, X[:, 0])
    t, p = int(labels[0]), int(result.predicted[i])
    assert window.status.currentMessage().startswith(f"test sample {i}: a {t} read as {p} (")
