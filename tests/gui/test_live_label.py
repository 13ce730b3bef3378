"""LiveLabel: a text that changes often repaints the label without laying out the window again."""

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from gui.common.live_label import LiveLabel
from tests.gui.window_helpers import TIMEOUT, action, shown_window


class LayoutRequests(QObject):
    """Counts the LayoutRequest events a widget receives."""

    def __init__(self, widget):
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def row_of(qtbot, label):
    """A shown window holding ``label`` in a row beside a stretch, inside a column (two layouts deep)."""
    window = QWidget()
    inner = QWidget()
    row = QHBoxLayout(inner)
    row.addWidget(label)
    row.addStretch(1)
    QVBoxLayout(window).addWidget(inner)
    qtbot.addWidget(window)
    window.resize(600, 80)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)  # the layouts of showing it are done
    return window


def ink(widget):
    """How many pixels of the widget's picture differ from its top-left pixel (the background)."""
    image = widget.grab().toImage()
    background = image.pixel(0, 0)
    return sum(image.pixel(x, y) != background for x in range(image.width()) for y in range(image.height()))


def test_a_text_that_fits_repaints_without_a_layout_and_a_longer_one_gets_room(qtbot):
    label = LiveLabel("epoch 1/10 · batch 100/1875 · 210,000 samples/s")
    window = row_of(qtbot, label)
    requests = LayoutRequests(window)
    width = label.width()
    shown = ink(label)
    label.setText("epoch 2/10 · batch 1/1875")  # shorter: fits the room it has
    qtbot.wait(50)
    assert requests.count == 0 and label.width() == width and label.text() == "epoch 2/10 · batch 1/1875"
    assert 0 < ink(label) < shown  # the new, shorter text is what is painted
    long = "epoch 2/10 · batch 1/1875 · 210,000 samples/s · ETA 0:42 · and rather more to say"
    label.setText(long)  # longer than its room: the layout gives it more
    qtbot.waitUntil(lambda: requests.count > 0 and label.width() > width, timeout=TIMEOUT)
    assert label.width() >= label.fontMetrics().horizontalAdvance(long) and label.text() == long


def test_an_ignored_width_never_asks_for_a_layout(qtbot):
    label = LiveLabel("")
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    window = row_of(qtbot, label)
    requests = LayoutRequests(window)
    for k in range(20):
        label.setText(f"Epoch {k}: test accuracy 9{k % 10}.0 %" * (1 + k % 3))
    qtbot.wait(50)
    assert requests.count == 0 and label.text().startswith("Epoch 19")


def test_a_second_line_is_laid_out_like_a_qlabel(qtbot):
    label = LiveLabel("one line")
    window = row_of(qtbot, label)  # noqa: F841 - kept: it owns the label
    height = label.sizeHint().height()
    label.setText("one line\nand another")
    assert QLabel.text(label) == "one line\nand another" and label.sizeHint().height() > height


def test_training_in_the_window_lays_it_out_rarely(qtbot):
    window = shown_window(qtbot, "circles", size=(1200, 800))
    qtbot.waitExposed(window)
    qtbot.wait(50)
    requests = LayoutRequests(window)
    for _ in range(12):  # each step changes the status text and the timeline's label
        with qtbot.waitSignal(window.session.updated, timeout=TIMEOUT):
            action(window, "step_batch").trigger()
    qtbot.wait(50)
    assert "batch 12/" in window.status.progress_label.text()
    assert requests.count <= 5  # QLabels asked for 15 (a layout at every change of a text)
