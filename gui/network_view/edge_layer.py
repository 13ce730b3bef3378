"""The edges of one dense layer: their geometry, a cached picture of them, and hit testing.

Qt draws semi-transparent lines at ~50–110 ns per pixel here, so 100k edges of ~300 px would take
seconds. Sparse layers are drawn with QPainter (antialiased, one ``drawLines`` call per colour bin);
dense layers are rasterised with NumPy: every edge is sampled once per pixel column of the band,
the samples are counted per (pixel, colour bin) with one ``bincount``, and the bins are composited
back to front with the exact "over" operator. The strongest edges are then drawn crisply on top.
A dense layer limited to its strongest edges per neuron rasterises those alone (cost follows what is drawn).
"""

import copy
import math

import numpy as np
import shiboken6
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen

import gui.common.colormaps as cm

LINE_PIXEL_BUDGET = 400_000  # edges × band width above which a layer is rasterised, not stroked
RASTER_SAMPLE_BUDGET = 9_000_000  # (column, edge) pairs per raster update; above it the raster gets coarser
OVERLAY_MAX = 80  # strongest edges of a dense layer drawn crisply on top of its raster
OVERLAY_MIN_T = 0.45  # … among those at least this strong (|v| / scale)
OVERLAY_WIDTH = 0.5  # their pen widths relative to a sparse layer's
HAZE_LINES = 25.0  # overlapping lines per pixel beyond which a dense layer's edges are made fainter
DENSE_ALPHA_POWER = 1.2  # > 1: in dense layers weak edges fade faster than strong ones
CACHE_LIMIT = 16_000_000  # (column, edge) runs kept between updates (int32 + int16: ≤ 96 MB)
SPAN_BUDGET = 4_000_000  # (column, edge) pairs up to which edges are counted as runs of rows
CHUNK_SAMPLES = 1_500_000  # (column, edge) pairs counted per bincount call (int64 keys: 12 MB)
SUBSET_SHARE = 0.25  # a dense layer drawing at most this share of its edges rasterises only those


def _draw_segments(painter, segs, bins, n_bins, rgba, widths):
    """Stroke segments (m, 4) as x0, y0, x1, y1 with one pen per bin, weakest bins first.

    Qt blends semi-transparent lines ~20–100× slower than opaque ones here, so each bin's colour is
    mixed with the backdrop beforehand and drawn opaque; only where two lines cross does that differ.
    """
    order = np.argsort(bins, kind="stable")
    sorted_segs = np.ascontiguousarray(segs[order], dtype=np.float64)
    counts = np.bincount(bins, minlength=n_bins)
    starts = np.concatenate([[0], np.cumsum(counts)])
    backdrop = np.array(cm.BACKGROUND, float)
    for b in cm.draw_order(n_bins):
        n = int(counts[b])
        if n == 0 or rgba[b, 3] <= 0.01:
            continue
        r, g, bl = backdrop + (rgba[b, :3] - backdrop) * rgba[b, 3]
        pen = QPen(QColor(int(r), int(g), int(bl)))
        pen.setWidthF(float(widths[b]))
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        painter.setPen(pen)
        # QPainter.drawLines(const QLineF *, int): hand Qt the array's memory, no Python objects per line.
        first = sorted_segs[starts[b] :]
        painter.drawLines(shiboken6.wrapInstance(first.ctypes.data, QLineF), n)


def strongest_per_neuron(values, k):
    """Bool mask (outs, ins) of the k largest |values| in each row (a neuron's inputs); None if all."""
    if k is None or k >= values.shape[1]:
        return None
    top = np.argpartition(np.abs(values), -k, axis=1)[:, -k:]
    keep = np.zeros(values.shape, bool)
    np.put_along_axis(keep, top, True, axis=1)
    return keep


def composite_bins(counts, rgba, order):
    """Premultiplied colour (3, P) float and alpha (P,) from per-bin sample counts (n_bins, P).

    Drawing c lines of one colour with opacity α over each other leaves a transmittance (1 − α)^c;
    drawing the bins in ``order`` gives colour Σ_k col_k (1 − T_k) Π_{m after k} T_m, alpha 1 − Π_k T_k.
    """
    n = counts.shape[1]
    log_t = np.log1p(-np.minimum(rgba[:, 3], 0.999)).astype(np.float32)
    colours = rgba[:, :3].astype(np.float32)
    suffix = np.zeros(n, np.float32)  # Σ log T over the bins drawn after the current one
    after = np.ones(n, np.float32)  # Π T over the bins drawn after the current one
    trans = np.empty(n, np.float32)
    weight = np.empty(n, np.float32)  # how much of the current bin's colour survives
    rgb = np.zeros((3, n), np.float32)
    for k in order[::-1]:
        if log_t[k] == 0 or not counts[k].any():
            continue
        np.multiply(counts[k], log_t[k], out=trans, casting="unsafe")
        suffix += trans
        np.exp(suffix, out=trans)
        np.subtract(after, trans, out=weight)
        for ch in range(3):  # three small axpys beat a (3, bins) @ (bins, P) matmul here by far
            rgb[ch] += colours[k, ch] * weight
        after, trans = trans, after
    return rgb, 1 - after


def _to_bgra(rgb, alpha, rows, cols):
    """Premultiplied BGRA uint8 (rows, cols, 4) from colour (3, P) and alpha (P,)."""
    out = np.empty((rows, cols, 4), dtype=np.uint8)
    for ch in range(3):
        out[..., 2 - ch] = np.clip(rgb[ch].reshape(rows, cols) + 0.5, 0, 255)
    out[..., 3] = np.clip(alpha.reshape(rows, cols) * 255 + 0.5, 0, 255)
    return out


class EdgeLayer:
    """All ``ins × outs`` edges of one layer, from ``src`` (ins, 2) to ``dst`` (outs, 2) in widget pixels.

    Edge e = j·ins + i joins src[i] to dst[j], so ``W.ravel()`` (W of shape (outs, ins)) lines up with
    the edges. Edges are visible between x0 and x1 (the input grid hides the start of its edges).
    """

    def __init__(self, src, dst, x0=None, x1=None, dpr=1.0):
        self.src = np.asarray(src, dtype=np.float64)
        self.dst = np.asarray(dst, dtype=np.float64)
        self.ins, self.outs = len(self.src), len(self.dst)
        self.x0 = float(self.src[:, 0].max() if x0 is None else x0)
        self.x1 = float(self.dst[:, 0].min() if x1 is None else x1)
        self.dpr = float(dpr)
        self.n_edges = self.ins * self.outs
        # Endpoints per edge, clipped to [x0, x1]: the visible part of every edge.
        xs = np.repeat(self.src[None, :, 0], self.outs, 0).ravel()
        ys = np.repeat(self.src[None, :, 1], self.outs, 0).ravel()
        xt = np.repeat(self.dst[:, 0], self.ins)
        yt = np.repeat(self.dst[:, 1], self.ins)
        self._slope = (yt - ys) / np.maximum(xt - xs, 1e-9)  # dy/dx of each edge
        self._y0 = ys + self._slope * (self.x0 - xs)  # y where each edge enters the band
        self.segments = np.stack([np.full_like(xs, self.x0), self._y0,
                                  np.full_like(xs, self.x1), ys + self._slope * (self.x1 - xs)], axis=1)
        self.rect = self.band_rect(self.src, self.dst, self.x0, self.x1)  # the band, widget px
        width = max(self.x1 - self.x0, 1.0)
        self.dense = self.n_edges * width > LINE_PIXEL_BUDGET
        self.step = 2  # raster pixel size: the haze is smoothed when stretched, strong edges stay crisp
        while self.dense and self.n_edges * width / self.step > RASTER_SAMPLE_BUDGET and self.step < 6:
            self.step += 1
        # Runs keep steep edges continuous but double the counting. Edges fanning out of one column
        # need them (single samples line up into moiré stripes); edges from an input grid start at
        # many x and blur into a haze anyway, as do the densest layers: one sample per column there.
        from_column = np.ptp(self.src[:, 0]) < 1.0
        self.spans = from_column and self.n_edges * width / self.step <= SPAN_BUDGET
        self._runs = None  # cached (start key, run length in keys, keys per pixel) of every edge per raster column
        self._buf = None  # reused int64 buffer for a chunk of bincount keys
        self._overlap = 1.0  # mean number of edges crossing a covered display pixel (from the geometry)

    @staticmethod
    def band_rect(src, dst, x0, x1, pad=3.0):
        """The QRectF that edges from ``src`` to ``dst`` (n, 2) occupy between x0 and x1."""
        ylo = min(np.min(src[:, 1]), np.min(dst[:, 1])) - pad
        yhi = max(np.max(src[:, 1]), np.max(dst[:, 1])) + pad
        return QRectF(x0, ylo, max(x1 - x0, 1.0), yhi - ylo)

    # -- picture ---------------------------------------------------------------------------------
    def render(self, values, scale, keep=None, n_bins=cm.N_BINS):
        """A QImage of the band (``self.rect``) showing every edge coloured by ``values`` (n_edges,).

        ``scale`` is the value drawn at full colour; ``keep`` (bool mask) limits which edges are drawn.
        """
        values = np.asarray(values, dtype=np.float32).reshape(-1)
        if values.size != self.n_edges:
            raise ValueError(f"{values.size} values for {self.n_edges} edges")
        if self.dense and keep is not None:
            kept = np.flatnonzero(np.asarray(keep, bool).reshape(-1))
            if kept.size <= SUBSET_SHARE * self.n_edges:  # sampling every edge would cost 4–12× more
                return self._subset(kept).render(values[kept], scale, None, n_bins)
        bins = cm.weight_bins(values, scale, n_bins)
        if keep is not None:
            bins[~np.asarray(keep, bool).reshape(-1)] = -1
        dpr = self.dpr
        img = QImage(max(1, math.ceil(self.rect.width() * dpr)), max(1, math.ceil(self.rect.height() * dpr)),
                     QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(0)
        painter = QPainter(img)
        painter.scale(dpr, dpr)
        painter.translate(-self.rect.left(), -self.rect.top())
        rgba = cm.bin_colors(n_bins)
        widths = cm.edge_width(cm.bin_centres(n_bins))
        if self.dense:
            over = self._overlay(np.abs(values) / np.float32(scale), bins)
            raster_bins = bins.copy()
            raster_bins[over] = -1  # drawn crisply below instead
            self._paint_raster(painter, raster_bins, rgba, n_bins)
            shown = over
            widths = widths * OVERLAY_WIDTH
        else:
            shown = np.flatnonzero(bins >= 0)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        _draw_segments(painter, self.segments[shown], bins[shown], n_bins, rgba, widths)
        painter.end()
        img.setDevicePixelRatio(dpr)
        return img

    def _subset(self, kept):
        """These edges only (indices into this layer's), drawn like this layer (a raster, same pixel size)."""
        sub = copy.copy(self)
        sub._y0, sub._slope, sub.segments = self._y0[kept], self._slope[kept], self.segments[kept]
        sub.n_edges = kept.size
        sub.spans = np.ptp(self.src[:, 0]) < 1.0 and kept.size * max(self.x1 - self.x0, 1.0) / self.step <= SPAN_BUDGET
        sub._runs = sub._buf = None
        return sub

    def _overlay(self, t, bins):
        """Indices of the strongest edges (at most OVERLAY_MAX, |v|/scale ≥ OVERLAY_MIN_T)."""
        cand = np.flatnonzero((t >= OVERLAY_MIN_T) & (bins >= 0))
        if cand.size > OVERLAY_MAX:
            cand = cand[np.argpartition(t[cand], -OVERLAY_MAX)[-OVERLAY_MAX:]]
        return cand

    def _raster_shape(self):
        s = self.step
        return int(math.ceil(self.rect.height() / s)), int(math.ceil(self.rect.width() / s))

    def _sample_runs(self, n_keys_per_pixel):
        """Where every edge crosses every raster column, as bincount keys: (start, step to the end).

        A key is pixel · n_keys_per_pixel + bin, pixels numbered column-major with one spare row
        per column, so one column's keys span a few kB and bincount stays in cache. An edge covers
        the run of rows it passes within a column: steep edges stay continuous instead of dotted.
        Both arrays have shape (cols, edges); the run ends ``step`` keys after its start.
        """
        s = self.step
        rows, cols = self._raster_shape()
        xs = np.arange(cols + 1, dtype=np.float32) * s  # column boundaries, relative to x0
        y = self._y0.astype(np.float32)[None, :] - np.float32(self.rect.top())
        y = y + self._slope.astype(np.float32)[None, :] * xs[:, None]
        y *= np.float32(1.0 / s)
        r = np.clip(y, 0, rows - 1).astype(np.int32)  # row of each edge at each column boundary
        start = np.minimum(r[:-1], r[1:])
        end = np.maximum(r[:-1], r[1:]) + 1
        end -= start
        start += (np.arange(cols, dtype=np.int32) * (rows + 1))[:, None]
        start *= n_keys_per_pixel
        end *= n_keys_per_pixel
        if not self.spans:
            return start, None
        small = end.max(initial=0) < np.iinfo(np.int16).max
        return start, end.astype(np.int16) if small else end

    def _count(self, start, end, bins, n_keys):
        """Edges per key: +1 where a run starts, −1 just after it ends (summed down each column later).

        Without ``end``, each edge counts once per column, in its start pixel (no runs).
        """
        chunk = max(1, CHUNK_SAMPLES // max(self.n_edges, 1))
        shape = (min(chunk, len(start)), self.n_edges)
        if self._buf is None or self._buf.shape != shape:
            self._buf = np.empty(shape, dtype=np.int64)
        counts = np.zeros(n_keys, dtype=np.int64)
        for c0 in range(0, len(start), chunk):
            keys = self._buf[: len(start[c0 : c0 + chunk])]
            np.add(start[c0 : c0 + chunk], bins[None, :], out=keys)  # int64 keys: no copy in bincount
            counts += np.bincount(keys.ravel(), minlength=n_keys)
            if end is not None:
                keys += end[c0 : c0 + chunk]
                counts -= np.bincount(keys.ravel(), minlength=n_keys)
        return counts

    def _paint_raster(self, painter, bins, rgba, n_bins):
        """Count edges per (pixel, bin), composite the bins, draw the result stretched over the band."""
        rows, cols = self._raster_shape()
        nbt = n_bins + 1  # the extra bin collects the edges not drawn here (bin −1)
        n_keys = cols * (rows + 1) * nbt
        if self._runs is None or self._runs[2] != nbt:
            start, end = self._sample_runs(nbt)
            # How many edges cross a covered display pixel on average: a property of the geometry.
            cover = self._count(start, end, np.zeros(self.n_edges, np.int64), n_keys)
            cover = cover.reshape(cols, rows + 1, nbt)[..., 0]
            cover = np.cumsum(cover, axis=1) if self.spans else cover
            self._overlap = cover.sum() / max(np.count_nonzero(cover), 1) * self.step
            runs = (start, end, nbt)
            if start.size <= CACHE_LIMIT:
                self._runs = runs
        else:
            runs = self._runs
        keyed = np.where(bins < 0, n_bins, bins).astype(np.int64)
        counts = self._count(runs[0], runs[1], keyed, n_keys).reshape(cols, rows + 1, nbt)
        counts = np.cumsum(counts[..., :n_bins], axis=1) if self.spans else counts[..., :n_bins]
        counts = counts[:, :rows]
        counts = np.ascontiguousarray(counts.transpose(2, 0, 1)).reshape(n_bins, -1)
        # Where hundreds of edges overlap, lower their opacity (by the mean overlap of the covered
        # pixels) so the haze stays readable and the strongest edges, drawn last, stand out.
        fade = min(1.0, HAZE_LINES / self._overlap) / self.step
        rgba = rgba.copy()
        alpha = np.minimum(rgba[:, 3], 0.999) ** DENSE_ALPHA_POWER
        rgba[:, 3] = 1 - (1 - alpha) ** max(fade, 0.002)
        rgb, alpha = composite_bins(counts, rgba, cm.draw_order(n_bins))
        img = cm.premultiplied_to_qimage(_to_bgra(rgb, alpha, cols, rows).transpose(1, 0, 2).copy())
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.drawImage(QRectF(self.rect.left(), self.rect.top(), cols * self.step, rows * self.step), img)

    def draw_subset(self, painter, idx, values, scale, n_bins=cm.N_BINS):
        """Draw edges ``idx`` crisply with ``painter`` (widget coordinates), at least faintly visible."""
        idx = np.asarray(idx, dtype=np.int64)
        bins = cm.weight_bins(np.asarray(values).reshape(-1)[idx], scale, n_bins)
        rgba = cm.bin_colors(n_bins)
        rgba[:, 3] = np.maximum(rgba[:, 3], 0.7)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        _draw_segments(painter, self.segments[idx], bins, n_bins, rgba, cm.edge_width(cm.bin_centres(n_bins)))

    # -- hit testing -----------------------------------------------------------------------------
    def edge_at(self, x, y, values=None, tol=3.0):
        """The edge whose visible part passes within ``tol`` px of (x, y), or None.

        Among several, the one drawn on top wins: the largest |value| (or the nearest without values).
        """
        if not self.x0 <= x <= self.x1:
            return None
        ye = self._y0 + self._slope * (x - self.x0)
        dist = np.abs(ye - y) / np.sqrt(1 + self._slope ** 2)
        near = np.flatnonzero(dist <= tol)
        if near.size == 0:
            return None
        if values is None:
            return int(near[np.argmin(dist[near])])
        v = np.abs(np.asarray(values).reshape(-1)[near])
        return int(near[np.argmax(v)])

    def endpoints(self, e):
        """(source index i, target index j) of edge e."""
        return int(e % self.ins), int(e // self.ins)

    def segment(self, e):
        """The visible part of edge e as a QLineF in widget pixels."""
        x0, y0, x1, y1 = self.segments[e]
        return QLineF(QPointF(x0, y0), QPointF(x1, y1))

    def __repr__(self):
        kind = f"raster 1/{self.step}" if self.dense else "lines"
        return f"EdgeLayer({self.ins} → {self.outs}, {self.n_edges} edges, {kind})"
