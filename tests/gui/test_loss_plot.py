"""LossPlot: bounded growing buffers, smoothed line, epoch curves, hover read-out, clearing; items made once;
throttled at full speed, one paint per redraw."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QGraphicsView

from gui.common.formatting import sig3
from gui.training.loss_plot import LossPlot
from gui.training.loss_series import CAPACITY, SMOOTHING, GrowingSeries, smoothed


@pytest.fixture
def plot(qtbot):
    widget = LossPlot()
    widget.resize(900, 320)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def points(curve):
    """How many points a curve holds now."""
    x, _ = curve.getOriginalDataset()
    return 0 if x is None else len(x)


def test_growing_series_keeps_every_point_across_reallocations():
    series = GrowingSeries(capacity=4)
    xs = np.arange(1000, dtype=float)
    for start in range(0, 1000, 7):
        series.extend(xs[start : start + 7], 2 * xs[start : start + 7])
    assert len(series) == 1000
    np.testing.assert_array_equal(series.x, xs)
    np.testing.assert_array_equal(series.y, 2 * xs)


def test_batches_feed_raw_and_bias_corrected_smoothed_curves(plot, qtbot):
    losses = np.array([2.0, 1.0, 0.5, 0.25])
    plot.add_batches(np.array([0.1, 0.2, 0.3, 0.4]), losses)
    np.testing.assert_allclose(plot.batch.y, losses)
    # Bias-corrected EMA: the first value is the first loss; then Σ βᵏ(1−β)x / (1 − βⁿ).
    weights = SMOOTHING ** np.arange(3, -1, -1) * (1 - SMOOTHING)
    assert plot.smooth.y[0] == pytest.approx(2.0)
    assert plot.smooth.y[-1] == pytest.approx(np.sum(weights * losses) / (1 - SMOOTHING**4))
    # Plotted as log10 under a log-labelled axis, once the (rate-limited) redraw has come.
    qtbot.waitUntil(lambda: points(plot.batch_curve) == 4, timeout=2000)
    x, y = plot.batch_curve.getOriginalDataset()
    np.testing.assert_allclose(y, np.log10(losses))
    assert plot.loss_plot.getAxis("left").logMode


def test_smoothing_continues_across_updates(plot):
    losses = np.linspace(2.0, 0.1, 50)
    whole = LossPlot()
    whole.add_batches(np.arange(50) / 10, losses)
    for start in range(0, 50, 9):
        plot.add_batches(np.arange(start, min(start + 9, 50)) / 10, losses[start : start + 9])
    np.testing.assert_allclose(plot.smooth.y, whole.smooth.y)


def test_epochs_feed_train_test_and_accuracy(plot, qtbot):
    plot.add_epoch(1.0, 0.5, 0.4, 0.9)
    plot.add_epoch(2.0, 0.3, 0.35, 0.925)
    np.testing.assert_allclose(plot.epoch_train.y, [0.5, 0.3])
    np.testing.assert_allclose(plot.epoch_test.y, [0.4, 0.35])
    np.testing.assert_allclose(plot.accuracy.y, [90.0, 92.5])
    qtbot.waitUntil(lambda: points(plot.acc_curve) == 2, timeout=2000)
    x, y = plot.acc_curve.getOriginalDataset()
    np.testing.assert_allclose(x, [1.0, 2.0])
    np.testing.assert_allclose(y, [90.0, 92.5])


def test_redraws_are_coalesced_and_items_created_once(plot, qtbot):
    items = list(plot.loss_plot.listDataItems())
    redraws = []
    plot.batch_curve.sigPlotChanged.connect(lambda *_: redraws.append(1))
    for k in range(20):
        plot.add_batches(np.arange(k * 100, (k + 1) * 100) / 500, np.full(100, 1.0 / (k + 1)))
    plot.add_epoch(2.0, 0.2, 0.2, 0.5)
    qtbot.waitUntil(lambda: points(plot.batch_curve) == 2000, timeout=2000)
    assert 1 <= len(redraws) < 21  # twenty-one updates in a burst, far fewer redraws
    assert list(plot.loss_plot.listDataItems()) == items
    assert plot.batch_curve.opts["autoDownsample"] and plot.batch_curve.opts["clipToView"]
    assert plot.batch_curve.opts["downsampleMethod"] == "peak"


def test_zero_loss_is_plotted_on_the_log_axis(plot):
    plot.add_batches(np.array([0.5, 1.0]), np.array([0.0, 0.1]))
    assert np.all(plot.batch.y > 0) and np.all(np.isfinite(np.log10(plot.batch.y)))


def test_hover_shows_the_value_under_the_mouse(plot, qtbot):
    xs = np.arange(1, 201) / 100
    plot.add_batches(xs, 1.0 / (1 + xs))
    plot.add_epoch(1.0, 0.55, 0.6, 0.8761)
    qtbot.waitUntil(lambda: points(plot.batch_curve) == 200 and points(plot.acc_curve) == 1, timeout=2000)
    vb = plot.loss_plot.vb
    scene_point = vb.mapViewToScene(QPointF(1.5, np.log10(0.4)))
    qtbot.mouseMove(plot.viewport(), plot.mapFromScene(scene_point))
    qtbot.waitUntil(lambda: "batch loss" in plot.hover_text, timeout=2000)
    # The nearest batch to the pixel under the mouse, and its own loss, to 3 significant digits.
    shown = float(plot.hover_text.split("\n")[0].split()[1])
    assert shown == pytest.approx(1.5, abs=0.03) and round(shown * 100) == shown * 100
    assert f"batch loss {sig3(1 / (1 + shown))}\n" in plot.hover_text
    qtbot.wait(20)
    scene_point = plot.acc_plot.vb.mapViewToScene(QPointF(1.05, 87.0))
    qtbot.mouseMove(plot.viewport(), plot.mapFromScene(scene_point))
    qtbot.waitUntil(lambda: "test accuracy" in plot.hover_text, timeout=2000)
    assert "87.6 %" in plot.hover_text


def test_clear_empties_every_curve_and_keeps_the_plots(plot):
    plot.add_batches(np.array([0.1, 0.2]), np.array([1.0, 0.9]))
    plot.add_epoch(1.0, 0.5, 0.4, 0.9)
    plot.clear_data()
    assert len(plot.batch) == len(plot.smooth) == len(plot.epoch_test) == len(plot.accuracy) == 0
    for curve in (plot.batch_curve, plot.smooth_curve, plot.train_curve, plot.test_curve, plot.acc_curve):
        x, _ = curve.getOriginalDataset()
        assert x is None or len(x) == 0
    assert plot.loss_plot.scene() is plot.scene() and plot.hint.isVisible()
    plot.add_batches(np.array([0.1]), np.array([3.0]))
    assert plot.smooth.y[0] == pytest.approx(3.0)  # the smoothing restarted too


def test_a_long_run_stays_bounded_and_is_shown_from_its_first_batch_to_its_latest(plot, qtbot):
    n = 4 * CAPACITY + 123
    xs = np.arange(1, n + 1) / 1875
    losses = 2.0 / np.sqrt(np.arange(1, n + 1))  # falling: the first batch is the highest of its run
    losses[n // 3] = 50.0  # one spike, long since thinned when the run ends
    for start in range(0, n, 1000):
        plot.add_batches(xs[start : start + 1000], losses[start : start + 1000])
    assert len(plot.batch) <= CAPACITY + 3 and len(plot.smooth) <= CAPACITY + 3
    assert (plot.batch.x[0], plot.batch.y[0]) == (xs[0], losses[0])
    assert (plot.batch.x[-1], plot.batch.y[-1]) == (xs[-1], losses[-1])
    assert 50.0 in plot.batch.y and plot.batch.y.min() == losses[-1]  # the raw curve keeps its spread
    ema, smooth = 0.0, np.empty(n)  # the smoothed line, computed batch by batch over the whole run
    for i, value in enumerate(losses):
        ema = SMOOTHING * ema + (1 - SMOOTHING) * value
        smooth[i] = ema / (1 - SMOOTHING ** (i + 1))
    kept = np.rint(plot.smooth.x * 1875).astype(int) - 1  # the batches its points are
    assert kept[0] == 0 and kept[-1] == n - 1
    np.testing.assert_allclose(plot.smooth.y, smooth[kept], rtol=1e-12)
    assert plot.smooth.y.max() == pytest.approx(smooth.max())  # the spike's mark on the smoothed line too
    qtbot.waitUntil(lambda: points(plot.batch_curve) == len(plot.batch), timeout=2000)
    x, _ = plot.batch_curve.getOriginalDataset()
    assert x[0] == xs[0] and x[-1] == xs[-1]
    (x0, x1), _ = plot.loss_plot.vb.viewRange()
    assert x0 <= 0 and x1 >= xs[-1]  # the view shows the whole run


def _smoothed_one_by_one(losses, ema=0.0, n=0):
    """The EMA written as its definition: one loss at a time, non-finite ones skipped."""
    out = []
    for value in losses:
        if np.isfinite(value):
            ema, n = SMOOTHING * ema + (1 - SMOOTHING) * value, n + 1
        out.append(ema / (1 - SMOOTHING**n) if n else value)
    return np.array(out), ema, n


@pytest.mark.parametrize("seed", range(6))
def test_vectorised_smoothing_equals_the_definition_with_gaps_and_long_runs(seed):
    rng = np.random.default_rng(seed)
    losses = rng.random(rng.integers(1, 3000)) * 3
    losses[rng.integers(0, len(losses), 4)] = np.nan
    if seed % 2:
        losses[: min(5, len(losses))] = np.inf  # a run that starts non-finite: shown as is until a finite one
    start = (0.0, 0) if seed < 3 else (0.7, 12)
    got, ema, n = smoothed(losses, *start)
    want, ema_ref, n_ref = _smoothed_one_by_one(losses, *start)
    np.testing.assert_allclose(got, want, rtol=1e-9)
    assert n == n_ref and ema == pytest.approx(ema_ref, rel=1e-9)


def test_throttled_it_paints_once_per_redraw_and_still_answers_the_mouse(plot, qtbot):
    paints = []
    original = type(plot).paintEvent

    def counted(widget, event):
        paints.append(1)
        return original(widget, event)

    plot.paintEvent = lambda event: counted(plot, event)
    xs = np.arange(1, 401) / 100
    plot.set_frame_interval(0.05)
    for k in range(4):  # four redraws, each allowed by the frame interval
        plot.add_batches(xs[k * 100 : (k + 1) * 100], 1.0 / (1 + xs[k * 100 : (k + 1) * 100]))
        qtbot.waitUntil(lambda: points(plot.batch_curve) == (k + 1) * 100, timeout=2000)
        qtbot.wait(60)
    assert 4 <= len(paints) <= 5, paints  # pyqtgraph alone repaints 2–5 times per redraw
    scene_point = plot.loss_plot.vb.mapViewToScene(QPointF(2.5, np.log10(0.3)))
    qtbot.mouseMove(plot.viewport(), plot.mapFromScene(scene_point))
    qtbot.waitUntil(lambda: "batch loss" in plot.hover_text, timeout=2000)
    before = len(paints)
    qtbot.waitUntil(lambda: len(paints) > before, timeout=2000)  # the label is painted, not only set
    plot.set_frame_interval(0)
    assert plot.viewportUpdateMode() == QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate


def test_a_shorter_frame_interval_brings_a_waiting_redraw_forward(plot, qtbot):
    plot.set_frame_interval(30.0)  # full speed on a costly machine: a redraw every 30 s
    plot.add_batches(np.array([0.1]), np.array([1.0]))
    plot.add_batches(np.array([0.2]), np.array([0.9]))  # waits for its turn
    qtbot.wait(200)
    assert points(plot.batch_curve) < 2
    plot.set_frame_interval(0)  # paused: the plot catches up now, not 30 s later
    qtbot.waitUntil(lambda: points(plot.batch_curve) == 2, timeout=2000)


def test_a_hidden_plot_draws_nothing_until_it_is_shown_again(qtbot):
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    window = QWidget()  # the plot inside a shown window, as on a tab the user left
    plot = LossPlot()
    QVBoxLayout(window).addWidget(plot)
    qtbot.addWidget(window)
    window.resize(900, 320)
    window.show()
    qtbot.waitExposed(window)
    plot.add_batches(np.array([0.1, 0.2]), np.array([1.0, 0.5]))
    qtbot.waitUntil(lambda: points(plot.batch_curve) == 2, timeout=2000)
    plot.hide()
    plot.add_batches(np.array([0.3, 0.4, 0.5]), np.array([0.4, 0.3, 0.2]))
    qtbot.wait(300)  # well past a redraw's turn (REDRAW_RATE)
    assert points(plot.batch_curve) == 2  # not drawn meanwhile
    assert len(plot.batch) == 5  # though the data are all there when asked for
    plot.show()
    qtbot.waitUntil(lambda: points(plot.batch_curve) == 5, timeout=2000)


def test_a_short_plot_names_its_curves_in_the_title_instead_of_a_legend_over_them(plot, qtbot):
    from gui.training.loss_plot import COMPACT_HEIGHT

    plot.add_batches(np.array([0.1, 0.2]), np.array([1.0, 0.5]))
    plot.resize(900, COMPACT_HEIGHT + 60)
    qtbot.waitUntil(lambda: plot.legend.isVisible(), timeout=2000)
    assert "smoothed" not in plot.loss_plot.titleLabel.text
    plot.resize(900, COMPACT_HEIGHT - 100)  # a 1024×700 window gives it ~155 px
    qtbot.waitUntil(lambda: not plot.legend.isVisible(), timeout=2000)
    title = plot.loss_plot.titleLabel.text
    assert all(name in title for name in ("batch", "smoothed", "train", "test"))
    plot.add_batches(np.array([0.3]), np.array([0.4]))
    qtbot.wait(200)  # a redraw does not bring the legend back
    assert not plot.legend.isVisible()
    plot.set_zoom(1.5)  # a taller least height for the legend at a projector's zoom
    plot.resize(900, COMPACT_HEIGHT + 60)
    qtbot.wait(50)
    assert not plot.legend.isVisible()
    plot.resize(900, round(1.5 * COMPACT_HEIGHT) + 20)
    qtbot.waitUntil(lambda: plot.legend.isVisible(), timeout=2000)
    assert plot.loss_plot.titleLabel.text == "Loss"
