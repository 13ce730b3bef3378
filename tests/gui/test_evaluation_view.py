"""EvaluationView: confusion matrix, cell clicks, mistakes gallery, dataset browser, progress, cancel, shutdown."""

import os
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox

from engine import Layer, NeuralNetwork
from engine.data.datasets import Dataset
from engine.training import Trainer
from gui.evaluation.point_gallery import PointGallery
from gui.evaluation.sample_gallery import SampleGallery
from gui.evaluation.view import EvaluationView

K = 3
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class GatedDataset(Dataset):
    """A dataset whose chunks after the first wait for ``gate``: an evaluation that stays in progress."""

    def columns(self, which, start=0, stop=None, dtype=np.float32):
        if start > 0:
            assert self.gate.wait(30), "the test never opened the gate"
        return super().columns(which, start, stop, dtype)


def _images(n=90, seed=0, cls=Dataset):
    """4×4 uint8 'images' in 3 classes (scale 1/255)."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, (n, 16), dtype=np.uint8)
    y = rng.integers(0, K, n).astype(np.int64)
    ds = cls(name="tiny", title="Tiny images", input_shape=(4, 4), class_names=["a", "b", "c"],
             x_train=x[: n // 2], y_train=y[: n // 2], x_test=x, y_test=y, scale=1 / 255)
    ds.gate = threading.Event()
    return ds


def _hand_net(ins=16, seed=1):
    """ins → 3 identity outputs with fixed weights: right on some samples, wrong on others."""
    layer = Layer(ins, K, "identity", rng=0, dtype=np.float64)
    layer.W[...] = np.random.default_rng(seed).normal(0, 1, (K, ins))
    layer.b[...] = 0
    return NeuralNetwork([layer], "ce")


def _brute_force(net, ds):
    """Predicted class and softmax confidence of every test sample, one sample at a time."""
    W, b = net.layers[0].W, net.layers[0].b[:, 0]
    preds, conf = [], []
    for row in ds.x_test:
        out = W @ (row.astype(np.float64) * ds.scale) + b
        e = np.exp(out - out.max())
        preds.append(int(np.argmax(out)))
        conf.append(float((e / e.sum()).max()))
    return np.array(preds), np.array(conf)


@pytest.fixture
def view(qtbot):
    v = EvaluationView()
    qtbot.addWidget(v)
    v.resize(1200, 720)
    v.show()
    qtbot.waitExposed(v)
    return v


def _evaluate_by_click(qtbot, view, timeout=10_000):
    with qtbot.waitSignal(view.evaluation_finished, timeout=timeout) as blocker:
        qtbot.mouseClick(view.evaluate_button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def test_confusion_matrix_counts_equal_a_brute_force_count(qtbot, view):
    ds, net = _images(), _hand_net()
    view.set_model(net, ds)
    result = _evaluate_by_click(qtbot, view)
    preds, _ = _brute_force(net, ds)
    expected = np.zeros((K, K), int)
    for t, p in zip(ds.y_test, preds):
        expected[t, p] += 1
    assert 0 < np.trace(expected) < len(preds)
    np.testing.assert_array_equal(view.confusion_matrix.confusion(), expected)
    assert result is view.result()
    assert f"{np.trace(expected) / len(preds) * 100:.3g} %" in view.accuracy_label.text()


def test_clicking_a_cell_shows_exactly_that_pair_in_the_gallery(qtbot, view):
    ds, net = _images(n=150, seed=2), _hand_net(seed=3)
    view.set_model(net, ds)
    _evaluate_by_click(qtbot, view)
    preds, conf = _brute_force(net, ds)
    assert isinstance(view.gallery, SampleGallery)
    for t in range(K):
        for p in range(K):
            centre = view.confusion_matrix.cell_rect(t, p).center()
            with qtbot.waitSignal(view.confusion_matrix.cell_clicked) as clicked:
                qtbot.mouseClick(view.confusion_matrix, Qt.MouseButton.LeftButton, pos=centre)
            assert clicked.args == [t, p]
            shown = view.gallery.indices()
            expected = np.flatnonzero((ds.y_test == t) & (preds == p))
            assert sorted(shown) == sorted(expected)
            # hardest first: confident mistakes first, shaky right answers first
            assert np.all(np.diff(conf[shown]) >= -1e-12) if t == p else np.all(np.diff(conf[shown]) <= 1e-12)
            assert view.confusion_matrix.selected() == (t, p)
    qtbot.mouseClick(view.all_mistakes_button, Qt.MouseButton.LeftButton)
    assert sorted(view.gallery.indices()) == sorted(np.flatnonzero(ds.y_test != preds))
    assert view.confusion_matrix.selected() is None


def test_mistakes_gallery_lists_exactly_the_wrong_predictions_most_confident_first(qtbot, view):
    ds, net = _images(n=200, seed=4), _hand_net(seed=5)
    view.set_model(net, ds)
    _evaluate_by_click(qtbot, view)
    preds, conf = _brute_force(net, ds)
    wrong = np.flatnonzero(preds != ds.y_test)
    shown = view.gallery.indices()
    assert sorted(shown) == sorted(wrong) and len(set(shown)) == len(shown)
    np.testing.assert_array_equal(shown, wrong[np.argsort(-conf[wrong], kind="stable")])
    assert f"All {len(wrong)} mistakes" in view.gallery_title.text()
    # the first card's tooltip names that sample, its classes and its exact probability
    first = int(shown[0])
    tip = view.gallery.tooltip_for(first)
    assert f"#{first}" in tip and f"{conf[first]:.6g}" in tip
    assert view.gallery.position_at(view.gallery.card_rect(0).center()) == 0


def test_mean_images_and_counts_equal_numpy_per_class(qtbot, view):
    ds, net = _images(n=120, seed=6), _hand_net()
    view.set_model(net, ds)
    browser = view.browser
    for split in ("train", "test"):
        if browser.split() != split:
            browser.split_box.setFocus()
            qtbot.keyClick(browser.split_box, Qt.Key.Key_Down)
        assert browser.split() == split
        x, y = ds.split(split)
        for c in range(K):
            np.testing.assert_allclose(browser.means()[c], np.mean(x[y == c], axis=0), rtol=1e-12)
        np.testing.assert_array_equal(browser.counts(), [np.sum(y == c) for c in range(K)])


def test_progress_goes_from_zero_to_the_split_size(qtbot, view):
    ds, net = _images(n=90), _hand_net()
    view.set_model(net, ds)
    view.chunk = 7
    seen = []
    view.progressed.connect(lambda done, total: seen.append((done, total)))
    _evaluate_by_click(qtbot, view)
    assert seen[0] == (0, 90) and seen[-1] == (90, 90)
    assert all(total == 90 for _, total in seen)
    assert all(a <= b for (a, _), (b, _) in zip(seen, seen[1:]))
    assert not view.progress_bar.isVisible()  # shown only while evaluating


def test_cancel_stops_the_evaluation(qtbot, view):
    ds, net = _images(cls=GatedDataset), _hand_net()
    view.set_model(net, ds)
    view.chunk = 10
    finished, seen = [], []
    view.evaluation_finished.connect(finished.append)
    view.progressed.connect(lambda done, total: seen.append(done))
    with qtbot.waitSignal(view.progressed, timeout=10_000):
        qtbot.mouseClick(view.evaluate_button, Qt.MouseButton.LeftButton)
    assert view.running and view.cancel_button.isEnabled() and view.progress_bar.isVisible()
    with qtbot.waitSignal(view.evaluation_cancelled, timeout=10_000):
        qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
        ds.gate.set()  # the chunk in progress completes; the next one never starts
    assert not finished and view.result() is None
    assert max(seen) < 90
    assert not view.running and not view.cancel_button.isEnabled() and view.evaluate_button.isEnabled()
    ds.gate.set()
    _evaluate_by_click(qtbot, view)  # and it evaluates again afterwards
    assert view.result().n == 90


def test_closing_mid_evaluation_stops_and_waits_for_the_thread(qtbot, view):
    ds, net = _images(cls=GatedDataset), _hand_net()
    view.set_model(net, ds)
    view.chunk = 10
    finished = []
    view.evaluation_finished.connect(finished.append)
    with qtbot.waitSignal(view.progressed, timeout=10_000):
        view.evaluate()
    assert view.evaluation_thread.isRunning()
    opener = threading.Timer(0.2, ds.gate.set)  # releases the worker while close() waits for it
    opener.start()
    view.close()
    opener.join()
    assert not view.evaluation_thread.isRunning()
    qtbot.wait(50)  # let anything the worker queued arrive: it must be ignored
    assert not finished and view.result() is None


_LIFETIME_SCRIPT = textwrap.dedent("""
    import gc, os, sys, threading
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    sys.path.insert(0, {root!r})
    sys.path.insert(0, {tests!r})
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication, QWidget
    from test_evaluation_view import GatedDataset, _hand_net, _images
    from gui.evaluation.view import EvaluationView

    app = QApplication([])

    def start(parent=None):
        ds = _images(cls=GatedDataset)
        view = EvaluationView(parent)
        view.set_model(_hand_net(), ds)
        view.chunk = 10
        loop = QEventLoop()
        view.progressed.connect(loop.quit)
        view.evaluate()
        loop.exec()
        return view, ds

    # 1. the view is garbage-collected mid-evaluation
    view, ds = start()
    thread = view.evaluation_thread
    threading.Timer(0.2, ds.gate.set).start()
    del view
    gc.collect()
    assert not thread.isRunning(), "the thread still runs after the view was collected"
    # 2. the view's parent is deleted (C++ side) mid-evaluation, then the application quits
    parent = QWidget()
    view2, ds2 = start(parent)
    threading.Timer(0.2, ds2.gate.set).start()
    parent.deleteLater()
    app.processEvents()
    app.processEvents()
    # 3. an evaluation still running when the interpreter exits
    view3, ds3 = start()
    threading.Timer(0.2, ds3.gate.set).start()
    print("done", flush=True)
""")


def test_a_view_collected_or_deleted_mid_evaluation_never_aborts(tmp_path):
    script = tmp_path / "lifetime.py"
    script.write_text(_LIFETIME_SCRIPT.format(root=ROOT, tests=os.path.dirname(os.path.abspath(__file__))))
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "done" in proc.stdout
    assert "QThread" not in proc.stderr, proc.stderr


def test_2d_dataset_shows_points_and_a_table(qtbot, view):
    rng = np.random.default_rng(7)
    x = rng.uniform(-1, 1, (120, 2)).astype(np.float32)
    y = (x[:, 0] + 0.3 * rng.normal(size=120) > 0).astype(np.int64)  # noisy labels: some mistakes
    ds = Dataset(name="pts", title="Points", input_shape=(2,), class_names=["left", "right"],
                 x_train=x[:60], y_train=y[:60], x_test=x, y_test=y)
    layer = Layer(2, 2, "identity", rng=0, dtype=np.float64)
    layer.W[...] = [[-1.0, 0.0], [1.0, 0.0]]
    layer.b[...] = 0
    net = NeuralNetwork([layer], "ce")
    view.set_model(net, ds)
    _evaluate_by_click(qtbot, view)
    assert isinstance(view.gallery, PointGallery)
    preds = (x[:, 0] > 0).astype(int)
    wrong = np.flatnonzero(preds != y)
    assert len(wrong) > 0
    assert sorted(view.gallery.indices()) == sorted(wrong)
    assert view.gallery.model.rowCount() == len(wrong)
    qtbot.mouseClick(view.confusion_matrix, Qt.MouseButton.LeftButton,
                     pos=view.confusion_matrix.cell_rect(1, 0).center())
    assert sorted(view.gallery.indices()) == sorted(np.flatnonzero((y == 1) & (preds == 0)))
    assert view.browser.pages.currentIndex() == 1


def test_the_view_judges_a_clone_not_the_network_being_trained(qtbot, view):
    ds, net = _images(), _hand_net()
    before, _ = _brute_force(net, ds)
    view.set_model(net, ds)
    net.layers[0].W[...] = 0  # training moves on in another thread
    _evaluate_by_click(qtbot, view)
    np.testing.assert_array_equal(view.result().predicted, before)
    assert "changed" not in view.summary_label.text()
    view.set_model(net, ds)  # a newer model of the same dataset: the result is kept but marked stale
    assert view.result() is not None and "changed since" in view.summary_label.text()


def test_a_model_that_does_not_fit_the_dataset_is_explained_not_evaluated(qtbot, view):
    view.set_model(NeuralNetwork.build([2, 3], "relu", "ce", seed=0), _images())
    assert not view.evaluate_button.isEnabled()
    assert "takes 2 inputs" in view.summary_label.text()
    view.evaluate()
    assert not view.running and view.result() is None


def test_every_control_has_a_tooltip(view):
    view.set_model(_hand_net(), _images())
    controls = view.findChildren(QAbstractButton) + view.findChildren(QComboBox)
    assert len(controls) >= 5
    qt_own = {"qt_tableview_cornerbutton", "ScrollLeftButton", "ScrollRightButton"}  # Qt's, not ours
    missing = [c.text() if isinstance(c, QAbstractButton) else c.currentText() for c in controls
               if not c.toolTip() and c.objectName() not in qt_own]
    assert not missing


def test_matrix_cell_tooltip_gives_exact_share(qtbot, view):
    ds, net = _images(), _hand_net()
    view.set_model(net, ds)
    r = _evaluate_by_click(qtbot, view)
    t, p = 0, 1
    tip = view.confusion_matrix.tooltip_at(view.confusion_matrix.cell_rect(t, p).center())
    count, total = r.confusion[t, p], r.confusion[t].sum()
    assert f"{count:,} samples" in tip and f"{count / total:.6g}" in tip
    assert view.confusion_matrix.tooltip_at(QPoint(-5, -5)) is None


def test_end_to_end_on_real_mnist(qtbot, view, mnist_subset):
    mnist = mnist_subset  # 2,000 training and 1,000 test images of the real set
    net = NeuralNetwork.build([784, 32, 10], "relu", "ce", optimizer="adam", lr=1e-3, seed=0)
    trainer = Trainer(net, mnist, batch_size=64, seed=0)
    for _ in range(300):
        trainer.step()
    view.set_model(net, mnist)
    result = _evaluate_by_click(qtbot, view, timeout=60_000)
    X, labels = mnist.columns("test")
    assert result.n == len(labels) and result.confusion.sum() == len(labels)
    assert result.accuracy == pytest.approx(net.accuracy(X, labels))
    assert result.accuracy > 0.85
    m = result.confusion.copy()
    np.fill_diagonal(m, 0)
    t, p = np.unravel_index(np.argmax(m), m.shape)
    qtbot.mouseClick(view.confusion_matrix, Qt.MouseButton.LeftButton,
                     pos=view.confusion_matrix.cell_rect(int(t), int(p)).center())
    preds = net.predict(X)
    assert sorted(view.gallery.indices()) == sorted(np.flatnonzero((labels == t) & (preds == p)))
    assert len(view.gallery.indices()) == m[t, p] > 0
    means = view.browser.means()
    for c in range(10):
        np.testing.assert_allclose(means[c], np.mean(mnist.x_train[mnist.y_train == c], axis=0), rtol=1e-9)


def test_clicking_a_card_names_its_sample(qtbot, view):
    ds, net = _images(), _hand_net()
    view.set_model(net, ds)
    _evaluate_by_click(qtbot, view)
    first = int(view.gallery.indices()[0])
    with qtbot.waitSignal(view.sample_clicked) as clicked:
        qtbot.mouseClick(view.gallery.viewport(), Qt.MouseButton.LeftButton, pos=view.gallery.card_rect(0).center())
    assert clicked.args == ["test", first]


def test_changing_the_split_judges_the_new_split(qtbot, view):
    ds, net = _images(n=90), _hand_net()
    view.set_model(net, ds)
    _evaluate_by_click(qtbot, view)
    with qtbot.waitSignal(view.evaluation_finished) as done:
        view.split_box.setFocus()
        qtbot.keyClick(view.split_box, Qt.Key.Key_Down)
    assert done.args[0].split == "train" and done.args[0].n == 45
    assert "Training accuracy" in view.accuracy_label.text()


def test_a_new_dataset_mid_evaluation_drops_the_old_evaluation(qtbot, view):
    ds, net = _images(cls=GatedDataset), _hand_net()
    view.set_model(net, ds)
    view.chunk = 10
    finished = []
    view.evaluation_finished.connect(finished.append)
    with qtbot.waitSignal(view.progressed, timeout=10_000):
        view.evaluate()
    other = _images(n=30, seed=9)
    view.set_model(net, other)
    assert not view.running
    ds.gate.set()
    result = _evaluate_by_click(qtbot, view)
    assert result.n == 30 and [r.n for r in finished] == [30]  # the first job's answer never showed
