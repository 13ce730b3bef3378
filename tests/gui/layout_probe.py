"""Checks that the main window's layout holds: no word on another, nothing squeezed, the network view largest.

``layout_problems(window)`` lists what is wrong with a shown window (empty when the layout holds). Run as
``python -m tests.gui.layout_probe WIDTH HEIGHT`` it opens the window on an offscreen screen of that size in
logical pixels (at the QT_SCALE_FACTOR set in the environment), on MNIST when $BACKPROP_STUDIO_MNIST is set, checks it with
the bundled model and with other networks in the view, and prints {"problems": [...]} as its last line.
"""

import json
import sys
import tempfile

SIZES = [(1024, 700), (1280, 720), (1920, 1080)]  # logical pixels: a projector, a 720p beamer, a desktop
NETWORKS = [[784, 128, 64, 10], [784, 16, 16, 10], [2, 8, 8, 2]]  # shown in the view after the bundled one


def text_problems(view, what):
    """Words of the network view that overlap each other or leave the view."""
    problems = []
    inside = view.rect().toRectF() if hasattr(view.rect(), "toRectF") else view.rect()
    texts = view.text_rects()
    if not texts:
        problems.append(f"{what}: the view painted no words")
    for i, (rect, text) in enumerate(texts):
        if not inside.contains(rect):
            problems.append(f"{what}: {text!r} at {rect.getRect()} leaves the view {view.width()}×{view.height()}")
        for other, other_text in texts[i + 1:]:
            if rect.intersects(other):
                problems.append(f"{what}: {text!r} overlaps {other_text!r}")
    return problems


def least_size(widget):
    """The smallest size a layout may give ``widget``: its minimum size where set, else its minimum size
    hint, never more than its maximum size (as Qt's layouts reckon it)."""
    hint, least, most = widget.minimumSizeHint(), widget.minimumSize(), widget.maximumSize()
    w = least.width() if least.width() > 0 else max(hint.width(), 0)
    h = least.height() if least.height() > 0 else max(hint.height(), 0)
    return min(w, most.width()), min(h, most.height())


def squeezed(window):
    """Visible widgets smaller than the least size a layout may give them (by more than a pixel); Qt's own
    parts of composite widgets (qt_*) are laid out by their widget, not by a layout."""
    from PySide6.QtWidgets import QScrollArea, QWidget

    problems = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.isWindow() or widget.objectName().startswith("qt_"):
            continue
        scroll = widget.parentWidget().parentWidget() if widget.parentWidget() is not None else None
        if isinstance(scroll, QScrollArea) and scroll.widget() is widget:
            continue  # a scroll area's content scrolls instead of being squeezed
        w, h = least_size(widget)
        if widget.width() < w - 1 or widget.height() < h - 1:
            name = widget.objectName() or type(widget).__name__
            problems.append(f"{name} is {widget.width()}×{widget.height()}, below its minimum {w}×{h}")
    return problems


def caption_problems(window):
    """Caption labels cut short: the height their text needs at their width is more than they have."""
    problems = []
    caption = window.walkthrough.caption
    for label in (caption.text, caption.equations, caption.table):
        if label.isVisible() and label.wordWrap() and label.heightForWidth(label.width()) > label.height() + 1:
            problems.append(f"{label.objectName()} needs {label.heightForWidth(label.width())} px, has "
                            f"{label.height()}")
    slider = window.walkthrough.timeline.slider
    if slider.width() < 120:
        problems.append(f"the timeline's slider is only {slider.width()} px wide")
    return problems


def largest_problems(window):
    """The network view must be the largest visible part of the window."""
    from PySide6.QtWidgets import QDockWidget

    view = window.network_view
    area = view.width() * view.height()
    others = [(d.objectName(), d) for d in window.findChildren(QDockWidget) if d.isVisible()]
    others += [("loss_plot", window.loss_plot), ("walkthrough", window.walkthrough)]
    return [f"{name} ({w.width()}×{w.height()}) is larger than the network view ({view.width()}×{view.height()})"
            for name, w in others if w.isVisible() and w.width() * w.height() > area]


def layout_problems(window, what=""):
    """Everything wrong with the shown ``window``'s layout, as sentences (empty when it holds)."""
    window.network_view.grab()  # a paint: the legends follow the edges drawn
    return (text_problems(window.network_view, what or "view") + squeezed(window) + caption_problems(window)
            + largest_problems(window))


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    from gui.shell.offscreen_window import open_window

    _, window = open_window(int(args[0]), int(args[1]), tempfile.mkdtemp(prefix="layout-probe-"))
    from engine import NeuralNetwork

    problems = layout_problems(window, "bundled model")
    view = window.network_view
    for sizes in NETWORKS:
        view.set_network(NeuralNetwork.build(sizes, "relu", "ce", seed=0))
        view.set_input(None if sizes[0] != 2 else [0.3, -0.2])
        problems += text_problems(view, "-".join(map(str, sizes)))
    print(json.dumps({"size": [window.width(), window.height()], "problems": problems}))
    window.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
