"""The function plot of a 1-input network: the data points, the network's curve, and each hidden neuron's own.

Where a 2-input network gets a decision map, a 1-input network is a function of x: its output over the
range of the data, with the points it learns from. Each neuron of the last hidden layer is drawn as its
contribution wⱼ·aⱼ(x) to the output — the output is their sum plus the bias, so the curves show how the
network builds its answer out of bends. Hovering a hidden neuron draws its curve boldly: a last-layer
neuron's contribution, an earlier neuron's activation aⱼ(x).
"""

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen

import gui.common.colormaps as cm
import gui.network_view.painter as npaint
from gui.network_view.decision_map import forward_all

SAMPLES = 240  # x positions each curve is evaluated at
MAX_POINTS = 2000  # data points drawn at most (evenly chosen): more only darken the plot
CURVE = QColor(250, 250, 250)  # the network's output
POINT = QColor(150, 156, 168, 150)
RISE, FALL = QColor(90, 160, 230), QColor(235, 140, 60)  # a contribution with a positive or negative weight


def function_curves(weights, acts, loss, x_data=None, y_data=None, n=SAMPLES):
    """{"xs" (n,), "outputs" (outs, n), "hidden" [(m, n) per hidden layer], "contributions" (m, n) of the last
    hidden layer, "extent" (xmin, xmax, ymin, ymax)} of a 1-input network given its [(W, b)] and activations."""
    if x_data is not None and len(x_data):
        lo, hi = float(np.min(x_data)), float(np.max(x_data))
    else:
        lo, hi = -1.0, 1.0
    pad = max(hi - lo, 1e-3) * 0.05
    xs = np.linspace(lo - pad, hi + pad, n)
    with np.errstate(all="ignore"):
        layers = forward_all(weights, acts, xs[None, :].astype(weights[0][0].dtype))
        outputs = np.asarray(loss.probabilities(layers[-1]) if layers[-1].shape[0] > 1 else layers[-1], float)
        hidden = [np.asarray(a, float) for a in layers[1:-1]]
        contributions = (np.asarray(weights[-1][0][0], float)[:, None] * hidden[-1] if hidden and
                         len(outputs) == 1 else None)
    shown = [outputs] + ([contributions] if contributions is not None else [])
    if y_data is not None and len(y_data) and len(outputs) == 1:
        shown.append(np.asarray(y_data, float)[None, :])
    values = np.concatenate([v.ravel() for v in shown])
    values = values[np.isfinite(values)]
    ymin, ymax = (float(values.min()), float(values.max())) if len(values) else (-1.0, 1.0)
    if len(outputs) > 1:  # class probabilities
        ymin, ymax = 0.0, 1.0
    margin = max(ymax - ymin, 1e-3) * 0.08
    return {"xs": xs, "outputs": outputs, "hidden": hidden, "contributions": contributions,
            "extent": (xs[0], xs[-1], ymin - margin, ymax + margin)}


def _path(xs, ys, to_px):
    path = QPainterPath()
    started = False
    for x, y in zip(xs, ys):
        if not np.isfinite(y):
            started = False
            continue
        point = to_px(x, y)
        if started:
            path.lineTo(point)
        else:
            path.moveTo(point)
            started = True
    return path


def paint_function(p, rect, curves, points=None, labels=None, hovered=None, n_layers=2):
    """Draw ``curves`` (function_curves) in ``rect`` (x, y, side): points, contributions, output, the
    ``hovered`` (column, index) hidden neuron's curve boldly."""
    x, y, side = rect
    frame = QRectF(x, y, side, side)
    xmin, xmax, ymin, ymax = curves["extent"]

    def to_px(u, v):
        return QPointF(x + (u - xmin) / (xmax - xmin) * side, y + (ymax - v) / (ymax - ymin) * side)

    p.save()
    p.setClipRect(frame)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.fillRect(frame, QColor(*cm.BACKGROUND).lighter(115))
    if ymin < 0 < ymax:  # the x axis
        p.setPen(QPen(npaint.OUTLINE, 0.8, Qt.PenStyle.DotLine))
        p.drawLine(to_px(xmin, 0), to_px(xmax, 0))
    outputs = curves["outputs"]
    if points is not None and len(points):
        step = max(1, len(points) // MAX_POINTS)
        p.setPen(Qt.PenStyle.NoPen)
        for xi, yi in zip(points[::step], labels[::step]):
            if len(outputs) == 1:
                p.setBrush(POINT)
                p.drawEllipse(to_px(float(xi), float(yi)), 2.2, 2.2)
            else:  # a class: a tick on the curve's floor in the class colour
                p.setBrush(QColor(*(int(c) for c in cm.class_color(int(yi)))))
                p.drawEllipse(to_px(float(xi), ymin + (ymax - ymin) * 0.03), 2.2, 2.2)
    p.setBrush(Qt.BrushStyle.NoBrush)  # paths are lines, never filled
    xs = curves["xs"]
    contributions = curves["contributions"]
    if contributions is not None:
        for row in contributions:
            colour = QColor(RISE if row[-1] >= row[0] else FALL)
            colour.setAlpha(110)
            p.setPen(QPen(colour, 1.0))
            p.drawPath(_path(xs, row, to_px))
    for k, row in enumerate(outputs):
        colour = CURVE if len(outputs) == 1 else QColor(*(int(c) for c in cm.class_color(k)))
        p.setPen(QPen(colour, 2.4))
        p.drawPath(_path(xs, row, to_px))
    bold = hovered_curve(curves, hovered, n_layers)
    if bold is not None:
        p.setPen(QPen(QColor(255, 220, 80), 2.6))
        p.drawPath(_path(xs, bold, to_px))
    p.restore()
    p.setPen(QPen(npaint.OUTLINE, 1))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(frame)
    npaint.draw_header(p, x + side / 2, "function of x" if len(outputs) == 1 else "class probabilities",
                       width=side)
    npaint.draw_axis_labels(p, rect, curves["extent"], "x", "y")


def hovered_curve(curves, hovered, n_layers):
    """The curve drawn boldly for the neuron ``hovered`` (column, index): a last-hidden-layer neuron's
    contribution, an earlier hidden neuron's activation; None for inputs, outputs or nothing."""
    if hovered is None:
        return None
    col, j = hovered
    if not 1 <= col < n_layers:
        return None
    if col == n_layers - 1 and curves["contributions"] is not None:
        return curves["contributions"][j]
    return curves["hidden"][col - 1][j]
