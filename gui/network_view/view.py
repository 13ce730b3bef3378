"""NetworkView: every neuron and every edge of the network, coloured by weight, gradient or change.

Layers run left to right. An image input is a grid of input nodes showing the current input's
pixels; a 2-D input gets a decision map of the whole input plane and a heat map per neuron; a 1-D input a
function plot (gui/network_view/function_plot.py); a table's inputs are named by its columns.
The view draws private copies (NetworkSnapshot): training may mutate the network meanwhile.
"""

import time

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

import gui.common.colormaps as cm
import gui.network_view.painter as npaint
import gui.network_view.scene as scene
from gui.network_view.card import card_for
from gui.network_view.decision_map import plane_point
from gui.network_view.edge_layer import EdgeLayer, strongest_per_neuron
from gui.network_view.function_plot import paint_function
from gui.network_view.layout import compute_layout
from gui.network_view.snapshot import NetworkSnapshot, NeuronInfo  # noqa: F401  (NeuronInfo is part of the API)

MODES = ("weights", "gradient", "delta")
MODE_SYMBOL = {"weights": "W", "gradient": "∂L/∂W", "delta": "ΔW"}
MISSING = {"gradient": "no gradient yet", "delta": "no change yet"}  # before a step, or during one (walkthrough)
AUTO_ALL_EDGES = 784 * 128  # up to this many edges per layer, every edge is drawn by default
AUTO_STRONGEST = 64  # beyond it, the strongest incoming edges per neuron
FOCUS_STRONGEST = 32  # a chosen neuron's strongest edges each way drawn on top ("auto"; an edge limit: that many)
FOCUSED_FADE = 0.12  # the other edges' opacity while a neuron is chosen
RELAYOUT_DELAY_MS = 150  # after the last resize, redo the edges of a big network
RELAYOUT_DEBOUNCE_ABOVE_MS = 40.0  # … when drawing new edge geometry last took longer than this


class NetworkView(QWidget):
    """The network drawn left to right; hover shows numbers, a click selects a neuron and its edges.

    Neurons are named by column: layer 0 is the input, layer c ≥ 1 holds the outputs of
    net.layers[c − 1]. Edge layers (set_highlight_layer, edge_line) use net.layers' index k.
    """

    neuron_hovered = Signal(object)  # NeuronInfo, or None when the pointer leaves the neurons
    neuron_selected = Signal(object)  # NeuronInfo, or None when the selection is cleared

    def __init__(self, parent=None):
        super().__init__(parent)
        self._snap = None  # NetworkSnapshot: what is drawn
        self._mode = "weights"
        self._deltas_given = False  # once set_deltas is used, ΔW no longer comes from weight differences
        self._highlight = None  # layer index k (as in net.layers) whose edges and outputs are emphasised
        self._class_names = None
        self._zoom = 1.0  # the words' scale (presentation): fonts and the strips kept for them
        self._edge_limit = "auto"  # None: every edge; k: the strongest k incoming per neuron
        self._pending_points = None  # a 2-D (or 1-D) dataset given before any network
        self._input_names = []  # a table's column names, beside the input neurons
        self._layout = None  # ViewLayout for the current size (None: recompute)
        self._edges = []  # EdgeLayer per layer (geometry follows the layout)
        self._images = {}  # layer → cached QImage of its edges in the current mode
        self._scales = {}  # layer → the ± value drawn at full colour in the current mode
        self._limits = {}  # layer → strongest incoming edges per neuron drawn (None: every edge)
        self._points_img = None  # the dataset's points, drawn once for the decision map
        self._grid_cache = {}  # the input grid's picture for the current input
        self._strip = npaint.colour_bar_image()
        self._stale_edges = False  # edge geometry is from an older size (redone when resizing settles)
        self._fresh_edges = False  # edge geometry just built: the next paint measures its cost
        self._geometry_ms = 0.0  # what the last new geometry cost to draw
        self._relayout_timer = QTimer(self)
        self._relayout_timer.setSingleShot(True)
        self._relayout_timer.setInterval(RELAYOUT_DELAY_MS)
        self._relayout_timer.timeout.connect(self.relayout_now)
        self._hover = None  # ("neuron", column, index) or ("edge", layer, edge)
        self._hover_pos = None
        self._selected = None  # same form as _hover
        self.setMouseTracking(True)
        self.setMinimumSize(360, 240)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def __repr__(self):
        arch = "-".join(map(str, self._snap.sizes)) if self._snap is not None else "empty"
        return f"NetworkView({arch}, mode={self._mode!r})"

    # -- what to show --------------------------------------------------------------------------------
    @Slot(object)
    def set_network(self, net):
        """Show ``net`` (new architecture or new weights) on the next paint; its arrays are copied."""
        old = self._snap
        snap = NetworkSnapshot(net)
        if old is not None and old.sizes == snap.sizes:
            snap.input = old.input
        else:
            self._layout = None
            self._hover = self._selected = None
            if old is not None and old.input is not None and old.input.size == snap.sizes[0]:
                snap.input = old.input
            if self._highlight is not None and self._highlight >= snap.n_layers:
                self._highlight = None
        given = (old.points, old.labels) if old is not None else self._pending_points
        if given is not None and given[0] is not None and given[0].shape[1] == snap.sizes[0]:
            snap.set_points(*given)
        self._snap = snap
        self._images.clear()
        self.update()

    @Slot(object)
    def set_weights(self, weights):
        """New weights [(W (outs, ins), b (outs, 1)), …] for the same architecture (copied)."""
        old = self._require().set_weights(weights)
        if not self._deltas_given:  # ΔW from the last two weight sets received
            self._snap.deltas = [(W - W0, b - b0) for (W, b), (W0, b0) in zip(self._snap.weights, old)]
        self._images.clear()
        self.update()

    @Slot(object)
    def set_gradients(self, gradients):
        """∂L/∂W and ∂L/∂b of the last step [(dW, db), …] (copied), or None."""
        self._require().gradients = self._snap.copy_pairs(gradients, "gradients")
        if self._mode == "gradient":
            self._images.clear()
        self.update()

    @Slot(object)
    def set_deltas(self, deltas):
        """The change of the last step [(ΔW, Δb), …] (copied), or None."""
        self._deltas_given = True
        self._require().deltas = self._snap.copy_pairs(deltas, "deltas")
        if self._mode == "delta":
            self._images.clear()
        self.update()

    @Slot(str)
    def set_mode(self, mode):
        """Colour edges by "weights", "gradient" (∂L/∂W of the last step) or "delta" (ΔW of the last step)."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
        if mode != self._mode:
            self._mode = mode
            self._images.clear()
            self.update()

    def mode(self):
        return self._mode

    @Slot(object)
    def set_input(self, x):
        """The input whose activations light the neurons: a vector of the input size (784 or 2), or None."""
        self._require().set_input(x)
        self.update()

    @Slot(object)
    def set_highlight_layer(self, k):
        """Emphasise layer k's edges and the neurons they feed (k indexes net.layers), or None."""
        if k is not None and (self._snap is None or not 0 <= int(k) < self._snap.n_layers):
            raise ValueError(f"no layer {k} to highlight")
        self._highlight = None if k is None else int(k)
        self.update()

    def highlight_layer(self):
        return self._highlight

    def set_dataset_2d(self, points, labels):
        """Points (n, 2) and their class labels (n,) drawn on the decision map; None clears them."""
        self._set_points(points, labels, 2)

    def set_dataset_1d(self, x, y):
        """Samples x (n,) and their targets or class labels y (n,) drawn on the function plot; None clears them."""
        self._set_points(x, y, 1)

    def set_input_names(self, names):
        """Names written beside the input neurons (a table's columns); None or [] for none."""
        self._input_names = list(names or [])
        self.update()

    def input_names(self):
        """The names written beside the input neurons ([] when none)."""
        return list(self._input_names)

    def _set_points(self, points, labels, dim):
        if points is not None:
            points = np.array(points, dtype=np.float64).reshape(-1, dim)
            labels = np.array(labels).reshape(-1)
            if len(labels) != len(points):
                raise ValueError(f"{len(labels)} labels for {len(points)} points")
        if self._snap is None:
            self._pending_points = None if points is None else (points, labels)
        else:
            self._snap.set_points(points, labels if points is not None else None)
        self._points_img = None
        self.update()

    def set_class_names(self, names):
        """Names written beside the output neurons (default: 0, 1, 2, …)."""
        self._class_names = None if names is None else [str(n) for n in names]
        self.update()

    def set_edge_limit(self, k):
        """None: draw every edge; an int: only the strongest k incoming per neuron; "auto" (the default)
        draws every edge up to 784×128 edges per layer and the strongest 64 per neuron beyond."""
        if not (k is None or k == "auto" or (isinstance(k, (int, np.integer)) and k > 0)):
            raise ValueError(f"edge limit must be None, 'auto' or a positive int, got {k!r}")
        self._edge_limit = k
        self._images.clear()
        self.update()

    @Slot(float)
    def set_zoom(self, zoom):
        """Words (headers, labels, legends, the hover card) at ``zoom`` times their size; 1.0 is normal."""
        if zoom <= 0:
            raise ValueError(f"zoom must be positive, got {zoom!r}")
        self._zoom = float(zoom)
        self._layout = None  # the strips kept for words grow with them
        self.update()

    def zoom(self):
        return self._zoom

    # -- reading back (tests, the main window) -------------------------------------------------------
    def snapshot(self):
        """The NetworkSnapshot being drawn (None before set_network)."""
        return self._snap

    def neuron_info(self, layer, index):
        """The NeuronInfo of neuron ``index`` in column ``layer`` (0 = input)."""
        return self._require().neuron_info(layer, index)

    def neuron_center(self, layer, index):
        """Where neuron ``index`` of column ``layer`` (0 = input) is drawn, in widget pixels."""
        x, y = self._ensure_layout().centres[layer][index]
        return QPointF(float(x), float(y))

    def edge_line(self, k, j, i):
        """The visible part of layer k's edge from input i to neuron j (QLineF, widget pixels)."""
        self._ensure_layout()
        return self._edges[k].segment(j * self._snap.sizes[k] + i)

    def edge_scale(self, k):
        """The ± value drawn at full colour for layer k in the current mode (known after a paint)."""
        return self._scales.get(k)

    def card_lines(self):
        """The lines of the card shown now (for the hovered thing, else the selected one); [] without one.
        The card is the one popup: the view has no tooltip."""
        target = self._hover or (self._selected if not self._stale_edges else None)
        if self._snap is None or target is None:
            return []
        return card_for(self._snap, self._ensure_layout(), self._mode, target, self._class_names)[0]

    def text_rects(self):
        """Where the view paints its words (headers, output labels, legends, axes): [(QRectF, text)]; the
        hover card is not among them. Known after a paint (the legends follow the drawn edges)."""
        if self._snap is None:
            return []
        return [(w.rect, w.text) for w in self._plan_labels(self._ensure_layout())[1]]

    def plane_rect(self):
        """(x, y, side) of the decision map, or None when the input is not a 2-D point."""
        return self._ensure_layout().map_rect if self._snap is not None else None

    # -- internals -----------------------------------------------------------------------------------
    def _require(self):
        if self._snap is None:
            raise ValueError("call set_network first")
        return self._snap

    def _ensure_layout(self):
        lay = self._layout
        if lay is None or (lay.width, lay.height) != (max(self.width(), 200), max(self.height(), 160)):
            sizes = self._snap.sizes
            resized = lay is not None and lay.sizes == sizes and bool(self._images)
            lay = self._layout = compute_layout(sizes, self.width(), self.height(), plane=sizes[0] in (1, 2),
                                                zoom=self._zoom)
            self._points_img = None
            if resized and self._geometry_ms > RELAYOUT_DEBOUNCE_ABOVE_MS:
                # Rasterising a big network's edges for a new size takes a while: during a drag
                # the old pictures are stretched, and the edges are redone once the size settles.
                self._stale_edges = True
                self._relayout_timer.start()
            else:
                self._build_edges()
        return lay

    def _build_edges(self):
        lay, dpr = self._layout, self.devicePixelRatioF()
        self._edges = [EdgeLayer(lay.centres[k], lay.centres[k + 1], *lay.bands[k], dpr=dpr)
                       for k in range(len(lay.sizes) - 1)]
        self._images.clear()
        self._stale_edges = False
        self._fresh_edges = True

    @Slot()
    def relayout_now(self):
        """Redo the edges for the current size now (after a resize they are redone when it settles)."""
        self._relayout_timer.stop()
        if self._snap is not None and self._stale_edges:
            self._build_edges()
            self.update()

    def _edge_image(self, k):
        if k not in self._images:
            values = self._snap.values(self._mode, k)
            if values is None:
                return None
            self._scales[k] = cm.symmetric_scale(values)
            limit = self._edge_limit
            if limit == "auto":
                limit = None if values.size <= AUTO_ALL_EDGES else AUTO_STRONGEST
            keep = strongest_per_neuron(values, limit)
            self._limits[k] = None if keep is None else limit
            self._images[k] = self._edges[k].render(values.ravel(), self._scales[k], keep)
        return self._images[k]

    def _node_at(self, pos):
        hit = self._ensure_layout().node_at(pos.x(), pos.y())
        return None if hit is None else ("neuron", hit[0], hit[1])

    def _plane_point(self, pos):
        """The input point (x₁, x₂) under ``pos`` on the decision map, or None."""
        rect = self._ensure_layout().map_rect
        if rect is None or self._snap.sizes[0] != 2:
            return None
        return plane_point(rect, self._snap.plane_maps()["extent"], pos.x(), pos.y())

    def _target_at(self, pos):
        """What is under ``pos``: a neuron first, else the top-most edge, else None."""
        if self._snap is None:
            return None
        hit = self._node_at(pos)
        if hit is not None:
            return hit
        plane = self._plane_point(pos)
        if plane is not None:
            return ("plane", *plane)
        for k, edges in enumerate([] if self._stale_edges else self._edges):
            if edges.x0 <= pos.x() <= edges.x1:
                values = self._snap.values(self._mode, k)
                e = edges.edge_at(pos.x(), pos.y(), None if values is None else values.ravel())
                if e is not None:
                    return ("edge", k, e)
        return None

    # -- mouse -----------------------------------------------------------------------------------------
    def mouseMoveEvent(self, event):
        pos = event.position()
        target = self._target_at(pos)
        old = self._hover
        self._hover, self._hover_pos = target, pos
        if target != old:
            was = old if old is not None and old[0] == "neuron" else None
            now = target if target is not None and target[0] == "neuron" else None
            if now != was:
                self.neuron_hovered.emit(None if now is None else self._snap.neuron_info(now[1], now[2]))
        self.update()

    def leaveEvent(self, event):
        if self._hover is not None and self._hover[0] == "neuron":
            self.neuron_hovered.emit(None)
        self._hover = self._hover_pos = None
        self.update()

    def mousePressEvent(self, event):
        if event.button() != Qt.MouseButton.LeftButton:
            return
        target = self._target_at(event.position())
        if target is not None and target[0] == "plane":
            target = None  # the map only answers hovering
        had_neuron = self._selected is not None and self._selected[0] == "neuron"
        self._selected = target
        if target is not None and target[0] == "neuron":
            self.neuron_selected.emit(self._snap.neuron_info(target[1], target[2]))
        elif had_neuron:
            self.neuron_selected.emit(None)
        self.update()

    # -- painting --------------------------------------------------------------------------------------
    def paintEvent(self, event):
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(*cm.BACKGROUND))
        if self._snap is None:
            p.setPen(npaint.DIM_TEXT)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No network yet")
            return
        with np.errstate(all="ignore"):  # a diverged network still gets drawn (NaN as zero)
            lay = self._ensure_layout()
            self._paint_edges(p, lay)
            self._paint_chosen_edges(p)
            self._paint_nodes(p, lay)
            self._paint_labels(p, lay)
            if lay.map_rect is not None and self._snap.sizes[0] == 2:
                self._paint_plane(p, lay)
            elif lay.map_rect is not None:
                self._paint_function(lay)(p)
            self._paint_card(p)
        p.end()

    def _paint_edges(self, p, lay):
        dim_all = self._selected is not None and self._selected[0] == "neuron"
        started = time.perf_counter()
        for k, edges in enumerate(self._edges):
            img = self._edge_image(k)
            rect = edges.rect
            if self._stale_edges:  # stretch the old picture over the band's new place
                rect = EdgeLayer.band_rect(lay.centres[k], lay.centres[k + 1], *lay.bands[k])
            if img is None:
                npaint.draw_band_note(p, lay, k, rect, MISSING[self._mode])
                continue
            faded = dim_all or (self._highlight is not None and k != self._highlight)
            p.setOpacity(FOCUSED_FADE if dim_all else 0.22 if faded else 1.0)
            if self._stale_edges:
                p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
                p.drawImage(rect, img)
            else:
                p.drawImage(rect.topLeft(), img)
        p.setOpacity(1.0)
        if self._fresh_edges:
            self._fresh_edges = False
            self._geometry_ms = (time.perf_counter() - started) * 1000

    def _paint_chosen_edges(self, p):
        """The selected neuron's incoming and outgoing edges, and the hovered or selected edge, on top."""
        if not self._stale_edges:
            hover = self._hover if self._hover is not None and self._hover[0] == "edge" else None
            scene.paint_chosen_edges(p, self._edges, self._snap, self._mode, self._scales, [self._selected, hover],
                                     self._focus_limit())

    def _focus_limit(self):
        """How many of a chosen neuron's strongest edges each way are drawn on top (None: all)."""
        limit = self._edge_limit
        return limit if isinstance(limit, (int, np.integer)) else None if limit is None else FOCUS_STRONGEST

    def _paint_nodes(self, p, lay):
        chosen = [(self._selected, 2.2), (self._hover, 1.4)]
        scene.paint_nodes(p, lay, self._snap, self._highlight, chosen, self._grid_cache)
        if not self._stale_edges:
            scene.paint_chosen_inputs(p, lay, self._snap, self._mode, self._selected, self._focus_limit())

    def _plan_labels(self, lay):
        """(bars, words) for ``lay``: every word the view paints, measured and placed (scene.plan_labels)."""
        scales = {k: self._scales[k] for k in self._images if k in self._scales}
        notes = {k: f"strongest {n}/neuron" for k, n in self._limits.items() if n is not None}
        return scene.plan_labels(self.font(), lay, self._snap, self._highlight, self._class_names, scales,
                                 MODE_SYMBOL[self._mode], notes, self._zoom)

    def _paint_labels(self, p, lay):
        bars, words = self._plan_labels(lay)
        scene.paint_labels(p, self.font(), bars, words, self._strip)
        if self._input_names and lay.grid is None and len(self._input_names) == self._snap.sizes[0]:
            npaint.draw_input_labels(p, lay, self._input_names)

    def _paint_plane(self, p, lay):
        if self._snap.points is not None and self._points_img is None:
            extent, side = self._snap.plane_maps()["extent"], lay.map_rect[2]
            self._points_img = npaint.points_image(self._snap.points, self._snap.labels, extent, side)
        scene.paint_plane(p, lay, self._snap, self._points_img)

    def _paint_function(self, lay):
        def paint(p):
            snap = self._snap
            chosen = next((t for t in (self._hover, self._selected) if t is not None and t[0] == "neuron"), None)
            x = None if snap.points is None else snap.points[:, 0]
            paint_function(p, lay.map_rect, snap.function_curves(), x, snap.labels,
                           None if chosen is None else chosen[1:], snap.n_layers)
        return paint

    def _paint_card(self, p):
        target, anchor = self._hover, self._hover_pos
        if target is None and self._selected is not None and not self._stale_edges:
            target = self._selected
            anchor = self.neuron_center(target[1], target[2]) if target[0] == "neuron" else \
                self._edges[target[1]].segment(target[2]).center()
        if target is not None and anchor is not None:
            lines, image, caption = card_for(self._snap, self._layout, self._mode, target, self._class_names)
            npaint.draw_card(p, anchor, lines, QRectF(self.rect()), image, caption, self._zoom)
