"""RecordAction: File ▸ Record… starts recording the network view (alone or over the loss plot) as an animated
GIF; triggered again ("Stop recording"), it asks where to save and writes the GIF in the background.
Closing the window while recording asks first: Save (the GIF is written before the window goes), Discard
or Cancel.

Recording goes on whatever the window does — training, walking a step phase by phase, paused — and
costs a grab of the view per frame (gui/common/recorder.py). Without Pillow the action says how to get it.
"""

import os

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
)

from gui.common.action_spec import make_action
from gui.common.recorder import DEFAULT_FPS, INSTALL_HINT, GifWriter, Recorder, gif_writer_available
from gui.common.worker_thread import WorkerThread

GIF_FILTER = "Animated GIF (*.gif);;All files (*)"
START_TIP = "Records the network view (with or without the loss plot) as an animated GIF while it trains or walks."
STOP_TIP = "Stops recording and asks where to save the animated GIF."


class RecordDialog(QDialog):
    """What to record (``targets``: [(key, title)]) and how many frames a second; Start or Cancel."""

    def __init__(self, parent, targets):
        super().__init__(parent)
        self.setWindowTitle("Record an animation")
        self.setObjectName("record_dialog")
        layout = QVBoxLayout(self)
        intro = QLabel("Records what the view shows from now until File ▸ Stop recording, then saves it as an "
                       "animated GIF (for slides and web pages).", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        column = QVBoxLayout()
        self.group = QButtonGroup(self)
        self.buttons = {}
        for key, title in targets:
            button = QRadioButton(title, self, objectName=f"record_{key}")
            self.group.addButton(button)
            self.buttons[key] = button
            column.addWidget(button)
        next(iter(self.buttons.values())).setChecked(True)
        form.addRow("Record:", column)
        self.fps = QSpinBox(self, objectName="record_fps")
        self.fps.setRange(1, 30)
        self.fps.setValue(DEFAULT_FPS)
        self.fps.setSuffix(" frames/s")
        self.fps.setToolTip("More frames a second: smoother, and a bigger file.")
        form.addRow("Rate:", self.fps)
        layout.addLayout(form)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.start_button = box.addButton("Start recording", QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setObjectName("start_recording")
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout.addWidget(box)

    def target(self):
        button = self.group.checkedButton()
        return next(k for k, b in self.buttons.items() if b is button)


class RecordAction(QObject):
    """The "record" action and the recording in progress; see the module docstring.

    parent : the widget the dialogs open over. parts : the window's FileParts (notice, status bar).
    targets : [(key, title, widget)] that can be recorded; folder : a function giving where to save.
    """

    saved = Signal(str, int)  # the GIF's path and size in bytes, once it is written

    def __init__(self, parent, parts, targets, folder):
        super().__init__(parent)
        self.parts = parts
        self.targets = {key: (title, widget) for key, title, widget in targets}
        self._folder = folder
        self.action = make_action(self, "record", "Recor&d…", "", START_TIP)
        self.action.triggered.connect(self.toggle)
        self.recorder = None  # the recording in progress, or the one being saved
        self.dialog = None  # the dialog last opened
        self.writer = None  # WorkerThread writing the GIF
        self._saving_frames = 0  # frames in the GIF being written

    def __repr__(self):
        return f"RecordAction({self.recorder!r})"

    def recording(self):
        return self.recorder is not None and self.recorder.recording()

    @Slot()
    def toggle(self):
        if self.recording():
            self.stop()
            return
        if not gif_writer_available():
            self.parts.notice.show_message(INSTALL_HINT, "info")
            return
        self.dialog = RecordDialog(self.parent(), [(key, title) for key, (title, _) in self.targets.items()])
        self.dialog.accepted.connect(self._start_from_dialog)
        self.dialog.open()

    @Slot()
    def _start_from_dialog(self):
        self.start(self.dialog.target(), self.dialog.fps.value())

    def start(self, key, fps=DEFAULT_FPS):
        """Start recording target ``key`` at ``fps`` frames a second."""
        self.recorder = Recorder(self.targets[key][1], fps, parent=self)
        self.recorder.grabbed.connect(self._show_progress)
        self.recorder.stopped_full.connect(self._on_full)
        self.recorder.start()
        self.action.setText("Stop recor&ding")
        self.action.setToolTip(STOP_TIP)
        self.action.setStatusTip(STOP_TIP)

    @Slot(int)
    def _show_progress(self, grabs):
        self.parts.status.showMessage(f"● Recording: {self.recorder.seconds():.1f} s (File ▸ Stop recording)", 2000)

    @Slot()
    def _on_full(self):
        self.parts.notice.show_message(f"Recording stopped at {self.recorder.seconds():.0f} s: the frames fill the "
                                       "memory set aside for them.", "info")
        self.stop()

    @Slot()
    def stop(self):
        """Stop recording, ask where to save, and write the GIF in the background (Cancel drops the frames)."""
        recorder = self.recorder
        recorder.stop()
        self._show_stopped()
        path = self._ask_path()
        if path is None:
            self.recorder = None
            self.parts.status.showMessage("Recording discarded", 5000)
            return
        self.recorder, self._saving_frames = None, len(recorder.frames)
        self.parts.status.showMessage(f"Saving {os.path.basename(path)} ({self._saving_frames} frames)…")
        writer = GifWriter(recorder.frames, recorder.fps, path)
        writer.written.connect(self._on_written)
        writer.failed.connect(self._on_failed)
        self.writer = WorkerThread(writer, "gif-writer", run=writer.run).quit_on(writer.written, writer.failed)
        self.writer.stop_with(self)
        self.writer.start()

    def may_close(self):
        """Before the window closes: a recording in progress is saved (now, before it closes), discarded, or
        the closing cancelled, as the person answers. True when the window may close."""
        if not self.recording():
            return True
        recorder = self.recorder
        recorder.stop()  # no frames of a closing window meanwhile
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self.parent(), "Recording in progress",
            f"A recording of {recorder.seconds():.0f} s is in progress.\n\nSave it as an animated GIF before closing? "
            "Without saving, it is lost.", buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save)
        if answer == buttons.Discard:
            self.recorder = None
            self._show_stopped()
            return True
        path = self._ask_path() if answer == buttons.Save else None
        if path is None or not self._write_now(recorder, path):  # Cancel, no file, or not written: goes on
            recorder.start()
            return False
        self.recorder = None
        self._show_stopped()
        return True

    def _write_now(self, recorder, path):
        """Write the GIF here and now (the window is closing); True when written, else the person is told why."""
        writer = GifWriter(recorder.frames, recorder.fps, path)
        failures = []
        writer.failed.connect(failures.append)
        self.parts.status.showMessage(f"Saving {os.path.basename(path)} ({len(recorder.frames)} frames)…")
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            writer.run()
        finally:
            QApplication.restoreOverrideCursor()
        if failures:
            self.parts.notice.show_message(f"Recording not saved: {failures[0]} (it goes on: Stop recording saves "
                                           "it elsewhere)", "error")
            return False
        return True

    def _ask_path(self):
        """Where to save the GIF (".gif" added when the name has no extension), or None when cancelled."""
        start = os.path.join(self._folder(), "recording.gif")
        path, _ = QFileDialog.getSaveFileName(self.parent(), "Save recording", start, GIF_FILTER)
        if not path:
            return None
        return path if os.path.splitext(path)[1] else path + ".gif"

    def _show_stopped(self):
        self.action.setText("Recor&d…")
        self.action.setToolTip(START_TIP)
        self.action.setStatusTip(START_TIP)

    @Slot(str, int)
    def _on_written(self, path, size):
        self.parts.status.showMessage(f"Saved {os.path.basename(path)}: {self._saving_frames} frames, "
                                      f"{size / 2**20:.1f} MB", 8000)
        self.saved.emit(path, size)

    @Slot(str)
    def _on_failed(self, message):
        self.parts.notice.show_message(f"Recording not saved: {message}", "error")
