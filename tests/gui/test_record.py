"""File ▸ Record…: frames of the network view while it trains, saved as an animated GIF read back with Pillow."""

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox

from gui.common.recorder import INSTALL_HINT, Recorder, gif_bytes
from gui.files import record_action
from tests.gui.checkpoint_helpers import answer_dialogs, answer_questions, make_window
from tests.gui.window_helpers import TIMEOUT, action, step
from tests.optional_package import need

pytestmark = pytest.mark.usefixtures("discard_on_close")
PILLOW = "pip install '.[record]'"


def read_gif(data_or_path):
    """(frame count, size, durations in ms) of a GIF, read back with Pillow."""
    import io

    Image = need("PIL.Image", PILLOW)
    source = io.BytesIO(data_or_path) if isinstance(data_or_path, bytes) else data_or_path
    with Image.open(source) as gif:
        assert gif.format == "GIF"
        durations = []
        for k in range(gif.n_frames):
            gif.seek(k)
            durations.append(gif.info["duration"])
        return gif.n_frames, gif.size, durations


def test_a_frame_equal_to_the_one_before_lengthens_it_and_the_gif_has_one_frame_per_change(qtbot):
    need("PIL", PILLOW)
    label = QLabel("frame 0")
    qtbot.addWidget(label)
    label.resize(900, 120)
    recorder = Recorder(label, fps=10, max_width=300)
    for text in ("a", "a", "b", "c", "c", "c", "a"):
        label.setText(text)
        recorder.grab_frame()
    assert [n for _, n in recorder.frames] == [2, 1, 3, 1] and recorder.grabs() == 7
    assert recorder.frames[0][0].width() == 300 and recorder.frames[0][0].height() == 40  # scaled down to 300 wide
    count, size, durations = read_gif(gif_bytes(recorder.frames, recorder.fps))
    assert (count, size, durations) == (4, (300, 40), [200, 100, 300, 100])


def test_recording_stops_itself_when_the_frames_fill_their_memory(qtbot):
    label = QLabel("x")
    qtbot.addWidget(label)
    label.resize(100, 50)
    recorder = Recorder(label, fps=10, max_bytes=3 * 100 * 50 * 3)  # room for three frames
    with qtbot.waitSignal(recorder.stopped_full, timeout=TIMEOUT):
        for k in range(5):
            label.setText(str(k))
            recorder.grab_frame()
    assert len(recorder.frames) == 3 and not recorder.recording()


def test_recording_the_view_while_training_saves_a_gif_of_every_frame(qtbot, tmp_path, monkeypatch):
    need("PIL", PILLOW)
    window = make_window(qtbot)
    record = action(window, "record")
    record.trigger()
    dialog = window.record_action.dialog
    assert dialog.isVisible() and dialog.fps.value() == 10
    dialog.buttons["network_loss"].click()
    dialog.start_button.click()
    recorder = window.record_action.recorder
    assert recorder.recording() and recorder.widget is window.splitter
    assert record.text() == "Stop recor&ding"
    for _ in range(4):
        step(window, qtbot)
        recorder.grab_frame()  # besides the timer's: a frame after each batch
    answer_dialogs(monkeypatch, tmp_path / "learning")
    with qtbot.waitSignal(window.record_action.saved, timeout=TIMEOUT) as saved:
        record.trigger()
    assert not recorder.recording() and record.text() == "Recor&d…"
    assert saved.args == [str(tmp_path / "learning.gif"), (tmp_path / "learning.gif").stat().st_size]
    assert window.status.currentMessage().startswith("Saved learning.gif: ")
    count, size, durations = read_gif(str(tmp_path / "learning.gif"))
    assert count == len(recorder.frames) >= 2  # one per change the view showed (its redraws are paced)
    assert size == (recorder.frames[0][0].width(), recorder.frames[0][0].height())
    assert sum(durations) == 100 * recorder.grabs()


def test_without_pillow_record_says_how_to_get_it(qtbot, monkeypatch):
    monkeypatch.setattr(record_action, "gif_writer_available", lambda: False)
    window = make_window(qtbot)
    action(window, "record").trigger()
    assert window.record_action.dialog is None and window.record_action.recorder is None
    assert window.notice.text() == INSTALL_HINT and "pip install 'backprop-studio[record]'" in INSTALL_HINT


def recording_window(qtbot):
    """A window recording its network view, with a few batches and frames in it."""
    window = make_window(qtbot)
    window.record_action.start("network")
    recorder = window.record_action.recorder
    for _ in range(3):
        step(window, qtbot)
        recorder.grab_frame()
    return window, recorder


def test_closing_while_recording_asks_and_save_writes_the_gif_before_the_window_goes(qtbot, tmp_path, monkeypatch):
    need("PIL", PILLOW)
    window, recorder = recording_window(qtbot)
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Save)
    answer_dialogs(monkeypatch, tmp_path / "lesson")  # no extension: .gif is added
    frames = len(recorder.frames)
    assert window.close()
    assert "A recording of" in asked[0] and "Without saving, it is lost" in asked[0]
    count, _, _ = read_gif(str(tmp_path / "lesson.gif"))
    assert count == frames and not recorder.recording()


def test_closing_while_recording_then_cancel_keeps_the_window_and_the_recording(qtbot, tmp_path, monkeypatch):
    window, recorder = recording_window(qtbot)
    frames = len(recorder.frames)
    answer_questions(monkeypatch, QMessageBox.StandardButton.Cancel)
    assert not window.close()
    assert window.isVisible() and recorder.recording() and window.record_action.recorder is recorder
    assert len(recorder.frames) >= frames  # nothing dropped; it goes on
    assert action(window, "record").text() == "Stop recor&ding"
    answer_questions(monkeypatch, QMessageBox.StandardButton.Save)
    answer_dialogs(monkeypatch, "")  # Save, then the file dialog cancelled: still open, still recording
    assert not window.close() and recorder.recording()
    answer_questions(monkeypatch, QMessageBox.StandardButton.Discard)
    assert window.close() and not recorder.recording()
    assert not list(tmp_path.rglob("*.gif"))  # discarded: nothing written
