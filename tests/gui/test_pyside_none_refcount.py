"""PySide6 6.12.0 on Python 3.11 dropped a reference to None on every void call and aborted the app
after a few thousand paints ("Fatal Python error: none_dealloc"); pyproject.toml pins below 6.12 there.
This test proves that the installed PySide6 keeps None's reference count steady."""

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen

CALLS = 10_000


def test_void_qpainter_calls_keep_none_refcount(qapp):
    image = QImage(32, 32, QImage.Format_ARGB32_Premultiplied)
    image.fill(Qt.black)
    pen = QPen(QColor(255, 255, 255), 3.0)
    painter = QPainter(image)
    try:
        before = sys.getrefcount(None)
        for _ in range(CALLS):
            painter.setPen(pen)  # returns void: the call that leaked
        after = sys.getrefcount(None)
    finally:
        painter.end()
    # A leak loses one reference per call; allow a little noise from the interpreter itself.
    assert after >= before - CALLS // 100, (
        f"None lost {before - after} references over {CALLS} void Qt calls: "
        f"this PySide6 build has the none_dealloc bug; install PySide6-Essentials < 6.12 on Python 3.11"
    )
