"""Recording a widget as an animated GIF: frames grabbed at a steady rate, written by Pillow in the background.

A frame is QWidget.grab scaled down to at most ``max_width`` pixels wide, kept in memory as 8-bit RGB;
a frame equal to the one before only lengthens it (a paused run costs nothing). The frames are bounded
by MAX_BYTES: the recording stops itself there and says so. Pillow (``pip install 'backprop-studio[record]'``)
turns them into a GIF with one 256-colour palette, the areas unchanged since the frame before left out.
"""

import importlib.util

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QImage

from engine.files.atomic_file import write_atomic

DEFAULT_FPS = 10
MAX_WIDTH = 640  # frames are scaled down to this width: a GIF of the window's size would be 4× the bytes
PALETTE_SAMPLES = 8  # frames the GIF's one palette is made from
MAX_BYTES = 600 * 2**20  # the frames kept in memory at most (≈ 75 s at 10 frames/s of a 640 × 420 view)
INSTALL_HINT = ("Recording an animation needs the Pillow package: pip install 'backprop-studio[record]' "
                "(or pip install pillow), then start the app again.")


def gif_writer_available():
    """True when Pillow can be imported (checked without importing it)."""
    return importlib.util.find_spec("PIL") is not None


class Recorder(QObject):
    """Grabs ``widget`` ``fps`` times a second while recording; ``frames`` are [QImage, repeats]."""

    stopped_full = Signal()  # the frames reached MAX_BYTES: recording stopped by itself
    grabbed = Signal(int)  # frames grabbed so far (repeats counted)

    def __init__(self, widget, fps=DEFAULT_FPS, max_width=MAX_WIDTH, max_bytes=MAX_BYTES, parent=None):
        super().__init__(parent)
        self.widget, self.fps, self.max_width, self.max_bytes = widget, fps, max_width, max_bytes
        self.frames = []  # [QImage (RGB888), how many grabs it stands for]
        self.bytes = 0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(round(1000 / fps))
        self._timer.timeout.connect(self.grab_frame)

    def __repr__(self):
        return f"Recorder({len(self.frames)} frames, {self.grabs()} grabs, recording={self.recording()})"

    def recording(self):
        return self._timer.isActive()

    def grabs(self):
        return sum(n for _, n in self.frames)

    def seconds(self):
        return self.grabs() / self.fps

    def start(self):
        self.grab_frame()
        self._timer.start()

    def stop(self):
        self._timer.stop()

    @Slot()
    def grab_frame(self):
        """Take one frame of the widget now (the timer's slot)."""
        image = self.widget.grab().toImage()
        if image.width() > self.max_width:
            image = image.scaledToWidth(self.max_width, Qt.TransformationMode.SmoothTransformation)
        image = image.convertToFormat(QImage.Format.Format_RGB888)
        if self.frames and self.frames[-1][0] == image:
            self.frames[-1][1] += 1
        elif self.bytes + image.sizeInBytes() > self.max_bytes:
            self.stop()
            self.stopped_full.emit()
            return
        else:
            self.frames.append([image, 1])
            self.bytes += image.sizeInBytes()
        self.grabbed.emit(self.grabs())


def gif_bytes(frames, fps):
    """An animated GIF (looping) of ``frames`` ([QImage RGB888, repeats], all of one size) shown at ``fps``.

    One palette for all frames, made from a few of them spread over the recording: with a palette per
    frame the same colour gets another index in every frame and Pillow can leave nothing out as unchanged.
    """
    import io

    from PIL import Image

    pictures = [_pil_image(image) for image, _ in frames]
    samples = pictures[:: max(1, len(pictures) // PALETTE_SAMPLES)][:PALETTE_SAMPLES]
    width, height = pictures[0].size
    montage = Image.new("RGB", (width, height * len(samples)))
    for k, picture in enumerate(samples):
        montage.paste(picture, (0, k * height))
    palette = montage.quantize(256, method=Image.Quantize.MEDIANCUT)
    indexed = [picture.quantize(palette=palette, dither=Image.Dither.NONE) for picture in pictures]
    durations = [round(1000 * repeats / fps) for _, repeats in frames]
    buffer = io.BytesIO()
    indexed[0].save(buffer, "GIF", save_all=True, append_images=indexed[1:], duration=durations, loop=0)
    return buffer.getvalue()


def _pil_image(image):
    """A Pillow RGB image of a QImage in Format_RGB888 (rows may be padded)."""
    from PIL import Image

    data = bytes(image.constBits())[: image.sizeInBytes()]
    return Image.frombuffer("RGB", (image.width(), image.height()), data, "raw", "RGB", image.bytesPerLine(), 1)


class GifWriter(QObject):
    """Writes a GIF of ``frames`` to ``path`` when ``run`` is called (in a thread of its own)."""

    written = Signal(str, int)  # path, bytes
    failed = Signal(str)  # a message for people

    def __init__(self, frames, fps, path):
        super().__init__()
        self.frames, self.fps, self.path = frames, fps, path

    @Slot()
    def run(self):
        try:
            data = gif_bytes(self.frames, self.fps)
            write_atomic(self.path, lambda fh: fh.write(data))
        except OSError as exc:
            self.failed.emit(f"cannot write {self.path}: {exc.strerror or exc}")
        except Exception as exc:  # noqa: BLE001 — Pillow's errors vary; the person is told, nothing is left
            self.failed.emit(f"the GIF could not be made: {exc}")
        else:
            self.written.emit(self.path, len(data))
