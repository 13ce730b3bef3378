"""A 256-colour palette for a screenshot by median cut, so its PNG is a third of the size and looks the same.

Screenshots of this app hold a few tens of thousands of distinct colours, mostly anti-aliasing between a
handful of flat ones; 256 well-chosen colours render text, edges and heat maps indistinguishably.
"""

import numpy as np

COLOURS = 256


def image_colours(image):
    """(rgb (k, 3) float64, counts (k,)) of the distinct colours of a QImage."""
    from PySide6.QtGui import QImage

    img = image.convertToFormat(QImage.Format.Format_RGB32)
    w, h = img.width(), img.height()
    words = np.frombuffer(img.constBits(), dtype=np.uint32, count=img.bytesPerLine() * h // 4)
    pixels = words.reshape(h, -1)[:, :w].ravel() & 0xFFFFFF
    colours, counts = np.unique(pixels, return_counts=True)
    rgb = np.stack([(colours >> 16) & 255, (colours >> 8) & 255, colours & 255], axis=1).astype(np.float64)
    return rgb, counts


def median_cut(rgb, counts, n=COLOURS):
    """Up to ``n`` colours (m, 3): boxes of colour space split at the pixel-weighted median of their widest side.

    The box split next is the one whose widest side, times the square root of its pixel count, is largest:
    big flat areas keep their exact colour, and rare colours (a highlighted step, a target ring) keep a box.
    """
    boxes = [np.arange(len(rgb))]
    while len(boxes) < n:
        scores = [np.ptp(rgb[b], axis=0).max() * np.sqrt(counts[b].sum()) if len(b) > 1 else -1.0 for b in boxes]
        i = int(np.argmax(scores))
        if scores[i] <= 0:
            break
        box = boxes.pop(i)
        side = int(np.argmax(np.ptp(rgb[box], axis=0)))
        order = box[np.argsort(rgb[box, side], kind="stable")]
        running = np.cumsum(counts[order])
        cut = min(max(int(np.searchsorted(running, running[-1] / 2)), 1), len(order) - 1)
        boxes += [order[:cut], order[cut:]]
    return np.array([(rgb[b] * counts[b, None]).sum(axis=0) / counts[b].sum() for b in boxes])


def quantized(image, n=COLOURS):
    """``image`` (a QImage) as an 8-bit indexed image with a median-cut palette of ``n`` colours."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    palette = np.round(median_cut(*image_colours(image), n=n)).astype(np.uint32)
    table = [int(0xFF000000 | (r << 16) | (g << 8) | b) for r, g, b in palette]
    return image.convertToFormat(QImage.Format.Format_Indexed8, table, Qt.ImageConversionFlag.ThresholdDither)
