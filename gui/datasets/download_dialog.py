"""DownloadDialog: fetch MNIST off the GUI thread, with progress, cancel, and a way out when it fails.

The download runs ``engine.data.mnist_download.download_mnist`` in a DownloadWorker moved to a QThread. The dialog
shows bytes per file and overall, the speed and the mirror in use. On success it remembers nothing (the
verified cache is found by ``find_mnist`` at every start) and closes with ``accept``. On failure it lists
what each mirror answered and offers Retry and "Choose folder…" (a folder already holding the four files,
remembered in the settings). The dialog closes only once its thread has finished, so no thread outlives it;
the engine gives up within a tenth of a second of a cancel, so that is at once.
"""

import html
import os
import threading
import time

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine.data import mnist_download, mnist_source
from engine.data.mnist_download import DownloadCancelled, DownloadError
from engine.data.mnist_source import MNIST_SIZES
from gui.common.formatting import sig3
from gui.common.settings import remember_mnist_folder

TOTAL_BYTES = sum(MNIST_SIZES.values())  # the four .gz files together, 11.6 MB
SPEED_WINDOW = 2.0  # seconds of history the shown speed averages over
TIMEOUT = 15.0  # seconds per connection and per read when the dialog is given none
SHUTDOWN_WAIT_MS = 2000  # how long a quitting app waits for the cancelled download (it takes ~0.1 s)
_abandoned = []  # threads still running after SHUTDOWN_WAIT_MS: kept referenced, as Qt aborts on deleting one


def human_bytes(n):
    """A byte count for people: 4542 → "4.54 kB", 9912422 → "9.91 MB"."""
    if n < 1000:
        return f"{n} B"
    if n < 1_000_000:
        return f"{sig3(n / 1e3)} kB"
    return f"{sig3(n / 1e6)} MB"


def mnist_folder_problem(folder):
    """Why ``folder`` cannot serve as the MNIST folder (one sentence people can act on), or None if it can."""
    missing = mnist_source.missing_files(folder) if os.path.isdir(folder) else list(MNIST_SIZES)
    if not missing:
        return None
    names = ", ".join(f"{m}.gz" for m in missing)
    verb = "is" if len(missing) == 1 else "are"
    return (f"{folder} does not hold MNIST: {names} {verb} missing (.gz or uncompressed). "
            "Choose the folder that holds all four files.")


def ask_for_mnist_folder(parent, start=None):
    """Let the user pick a folder; returns (folder, None), (None, why it does not hold MNIST) or (None, None)."""
    folder = QFileDialog.getExistingDirectory(parent, "Folder with the four MNIST files",
                                              start or os.path.expanduser("~"))
    if not folder:
        return None, None
    problem = mnist_folder_problem(folder)
    return (None, problem) if problem else (os.path.abspath(folder), None)


class DownloadWorker(QObject):
    """Runs one download_mnist call in the thread it is moved to; ``cancel()`` is safe from any thread."""

    progressed = Signal(str, int, int, str)  # file, bytes done, bytes total, mirror URL ("" = already here)
    succeeded = Signal(str)  # the folder now holding the four verified files
    failed = Signal(object)  # the exception; a DownloadError carries .attempts [(file, mirror, reason)]
    cancelled = Signal()  # stopped on request; the engine removed the partial file
    finished = Signal()  # always last, whatever the outcome

    def __init__(self, dest, mirrors, timeout, max_rate=30.0):
        super().__init__()
        self.dest, self.mirrors, self.timeout = dest, list(mirrors), timeout
        self.min_interval = 1.0 / max_rate  # seconds between two progress signals of the same file
        self._cancel = threading.Event()  # read by the engine between chunks
        self._last = ("", 0.0)  # (file, time) of the last progress signal

    def __repr__(self):
        return f"DownloadWorker({self.dest!r}, {len(self.mirrors)} mirrors, cancelled={self._cancel.is_set()})"

    def cancel(self):
        """Ask the download to stop; the engine gives up within a tenth of a second, whatever the server does."""
        self._cancel.set()

    def _progress(self, name, done, total, mirror):
        """Engine callback (worker thread): forward, throttled, but always the first and last of a file."""
        now = time.perf_counter()
        if name != self._last[0] or done >= total or now - self._last[1] >= self.min_interval:
            self._last = (name, now)
            self.progressed.emit(name, done, total, mirror or "")

    @Slot()
    def run(self):
        try:
            folder = mnist_download.download_mnist(self.dest, progress=self._progress, cancel=self._cancel,
                                                   mirrors=self.mirrors, timeout=self.timeout)
        except DownloadCancelled:
            self.cancelled.emit()
        except Exception as exc:  # noqa: BLE001 - every failure must reach the dialog, not kill the thread
            self.failed.emit(exc)
        else:
            self.succeeded.emit(folder)
        finally:
            self.finished.emit()


class DownloadDialog(QDialog):
    """Downloads MNIST into ``dest`` (default: the user cache); ``folder`` holds the result once accepted."""

    mnist_ready = Signal(str)  # emitted just before accept: the folder to load MNIST from

    def __init__(self, parent=None, dest=None, mirrors=None, timeout=None):
        super().__init__(parent)
        self.setWindowTitle("Download MNIST")
        self.setMinimumWidth(620)
        self.dest = dest  # None: the user cache, resolved at start
        self.mirrors = mirrors  # None: engine.data.mnist_download.MIRRORS, resolved at start
        self.timeout = timeout  # seconds per connection and per read; None: TIMEOUT, resolved at start
        self.folder = None  # where MNIST is, once found (downloaded or chosen)
        self.outcome = None  # "downloaded", "chosen", "failed", "cancelled" or None while running
        self.thread = None  # the QThread of the current attempt (kept until it has finished)
        self.worker = None  # its DownloadWorker (kept with the thread; both are replaced on retry)
        self._closing = False  # the user asked to close: reject as soon as the thread has finished
        self._done = {}  # file → bytes received in the current attempt
        self._samples = []  # (time, total bytes) for the speed over the last SPEED_WINDOW seconds
        self._build()

    def __repr__(self):
        return f"DownloadDialog(dest={self.dest!r}, outcome={self.outcome!r}, folder={self.folder!r})"

    # -- layout ----------------------------------------------------------------------------
    def _build(self):
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.RichText)
        self.intro.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.intro)

        files = QWidget()
        grid = QGridLayout(files)
        grid.setContentsMargins(0, 4, 0, 4)
        self.file_bars, self.file_labels = {}, {}  # file → QProgressBar / QLabel "x of y"
        for row, name in enumerate(MNIST_SIZES):
            bar = QProgressBar()
            bar.setRange(0, MNIST_SIZES[name])
            bar.setTextVisible(False)
            bar.setMaximumHeight(14)
            label = QLabel()
            label.setMinimumWidth(170)
            grid.addWidget(QLabel(name), row, 0)
            grid.addWidget(bar, row, 1)
            grid.addWidget(label, row, 2)
            self.file_bars[name], self.file_labels[name] = bar, label
        grid.setColumnStretch(1, 1)
        self.overall_bar = QProgressBar()
        self.overall_bar.setRange(0, TOTAL_BYTES)
        self.overall_bar.setFormat("%p %")
        self.overall_bar.setToolTip("Bytes received of all four files together.")
        self.overall_label = QLabel()  # "5.2 MB of 11.6 MB · 2.31 MB/s"
        self.mirror_label = QLabel()  # the mirror the current file comes from
        self.mirror_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.mirror_label.setToolTip("Mirrors are tried in order; a failing one is skipped for the next.")
        self.progress_box = QWidget()
        box = QVBoxLayout(self.progress_box)
        box.setContentsMargins(0, 0, 0, 0)
        for widget in (files, self.overall_bar, self.overall_label, self.mirror_label):
            box.addWidget(widget)
        layout.addWidget(self.progress_box)

        self.failure_table = QTableWidget(0, 3)  # one row per (file, mirror, answer)
        self.failure_table.setHorizontalHeaderLabels(["File", "Mirror", "Answer"])
        self.failure_table.verticalHeader().setVisible(False)
        self.failure_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.failure_table.setWordWrap(True)
        header = self.failure_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.Stretch)
        self.failure_table.setToolTip("What each mirror answered, in the order they were tried.")
        layout.addWidget(self.failure_table)
        self.advice = QLabel()  # what to do after a failure
        self.advice.setTextFormat(Qt.RichText)
        self.advice.setWordWrap(True)
        layout.addWidget(self.advice)
        self.folder_error = QLabel()  # why a chosen folder was not accepted
        self.folder_error.setWordWrap(True)
        self.folder_error.setStyleSheet("color: #b00020;")
        self.folder_error.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.folder_error)
        layout.addStretch(1)  # spare height goes above the buttons, not between the texts

        self.buttons = QDialogButtonBox()
        self.choose_button = QPushButton("Choose folder…")
        self.choose_button.setToolTip("Use a folder that already holds the four MNIST files; it is remembered.")
        self.retry_button = QPushButton("Retry")
        self.retry_button.setToolTip("Try every mirror again.")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the download; nothing partial is left on disk.")
        self.close_button = QPushButton("Close")
        self.close_button.setToolTip("Carry on without MNIST; the built-in 2-D datasets still work.")
        for button in (self.choose_button, self.retry_button):
            self.buttons.addButton(button, QDialogButtonBox.ActionRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.RejectRole)
        self.buttons.addButton(self.close_button, QDialogButtonBox.RejectRole)
        self.choose_button.clicked.connect(self.choose_folder)
        self.retry_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.reject)
        self.close_button.clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        self._show_failure_widgets(False)

    def _show_failure_widgets(self, failed):
        """Progress while running; the mirrors' answers and the ways out after a failure."""
        self.progress_box.setVisible(not failed)
        self.cancel_button.setVisible(not failed)
        for widget in (self.failure_table, self.advice, self.choose_button, self.retry_button, self.close_button):
            widget.setVisible(failed)
        self.folder_error.setVisible(failed and bool(self.folder_error.text()))
        self._fit_height()

    def _fit_height(self):
        """Shrink or grow to the height the visible content needs at the current width (wrapped labels)."""
        layout = self.layout()
        layout.activate()
        height = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else -1
        self.resize(self.width(), max(height, layout.totalMinimumSize().height()))

    # -- running ---------------------------------------------------------------------------
    @property
    def running(self):
        """True while a download thread is alive."""
        return self.thread is not None and self.thread.isRunning()

    @Slot()
    def start(self):
        """Start (or retry) the download in a fresh worker thread."""
        if self.running:
            return
        self.dest = self.dest if self.dest is not None else mnist_source.cache_dir()
        mirrors = self.mirrors if self.mirrors is not None else mnist_download.MIRRORS
        timeout = self.timeout if self.timeout is not None else TIMEOUT
        self.outcome, self._closing = None, False
        self._done = dict.fromkeys(MNIST_SIZES, 0)
        self._samples = [(time.perf_counter(), 0)]
        self.intro.setText(f"Downloading the four MNIST files ({human_bytes(TOTAL_BYTES)}) into<br>"
                           f"<code>{html.escape(self.dest)}</code><br>"
                           "Each file is checked against its published SHA-256 before it is used.")
        for name, bar in self.file_bars.items():
            bar.setValue(0)
            self.file_labels[name].setText("waiting")
        self.overall_bar.setValue(0)
        self.overall_label.setText(f"0 B of {human_bytes(TOTAL_BYTES)}")
        self.mirror_label.setText("Connecting…")
        self.cancel_button.setEnabled(True)
        self.folder_error.clear()
        self._show_failure_widgets(False)

        self.worker = DownloadWorker(self.dest, mirrors, timeout)
        self.thread = QThread(self)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.progressed.connect(self._on_progressed)
        self.worker.succeeded.connect(self._on_succeeded)
        self.worker.failed.connect(self._on_failed)
        self.worker.cancelled.connect(self._on_cancelled)
        self.worker.finished.connect(self.thread.quit)
        self.thread.finished.connect(self._on_thread_finished)
        self.thread.start()

    @Slot(str, int, int, str)
    def _on_progressed(self, name, done, total, mirror):
        self._done[name] = done
        self.file_bars[name].setValue(done)
        if not mirror:
            self.file_labels[name].setText("already here ✓")
        elif done >= total:
            self.file_labels[name].setText(f"{human_bytes(total)} ✓")
        else:
            self.file_labels[name].setText(f"{human_bytes(done)} of {human_bytes(total)}")
        if mirror:
            self.mirror_label.setText(f"From {mirror}")
            self.mirror_label.setToolTip(f"{name} comes from {mirror}")
        overall = sum(self._done.values())
        now = time.perf_counter()
        self._samples.append((now, overall))
        while len(self._samples) > 2 and now - self._samples[1][0] >= SPEED_WINDOW:
            self._samples.pop(0)  # keep one sample older than the window as the reference
        t0, b0 = self._samples[0]
        text = f"{human_bytes(overall)} of {human_bytes(TOTAL_BYTES)}"
        if now - t0 > 0.2 and overall > b0:
            text += f" · {human_bytes((overall - b0) / (now - t0))}/s"
        self.overall_label.setText(text)
        self.overall_bar.setValue(overall)

    @Slot(str)
    def _on_succeeded(self, folder):
        self.folder, self.outcome = folder, "downloaded"

    @Slot(object)
    def _on_failed(self, exc):
        self.outcome = "failed"
        attempts = getattr(exc, "attempts", [])
        self.failure_table.setRowCount(len(attempts))
        for row, (name, mirror, reason) in enumerate(attempts):
            for col, text in enumerate((name, mirror, reason)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.failure_table.setItem(row, col, item)
        self.failure_table.resizeRowsToContents()
        rows = sum(self.failure_table.rowHeight(r) for r in range(len(attempts)))
        self.failure_table.setFixedHeight(self.failure_table.horizontalHeader().sizeHint().height() + rows
                                         + 2 * self.failure_table.frameWidth() + 2)
        self.failure_table.setColumnHidden(0, len({a[0] for a in attempts}) <= 1)  # the heading names it
        if isinstance(exc, DownloadError):
            first = attempts[0][0] if attempts else "a file"
            self.intro.setText(f"<b>MNIST could not be downloaded:</b> every mirror failed for {first}. "
                               "What each one answered:")
            self.advice.setText(
                "What you can do:<ul style='margin-left:-20px'>"
                "<li>Check the internet connection (or proxy settings such as HTTPS_PROXY) and press "
                "<b>Retry</b>.</li>"
                "<li>Or get the four files another way (" + ", ".join(MNIST_SIZES) + ") into one folder "
                "and press <b>Choose folder…</b>; it is remembered for the next start.</li>"
                "<li>Or <b>Close</b>: the built-in 2-D datasets work without MNIST.</li></ul>")
        else:
            self.intro.setText(f"<b>MNIST could not be downloaded:</b> {html.escape(str(exc))}")
            self.advice.setText("Fix the problem above and press <b>Retry</b>, or press <b>Choose folder…</b> "
                                "to use a folder that already holds the four MNIST files.")

    @Slot()
    def _on_cancelled(self):
        self.outcome = "cancelled"

    @Slot()
    def _on_thread_finished(self):
        """The attempt is over and its thread has stopped: act on the outcome."""
        if self.outcome == "downloaded":  # even if a cancel came too late to matter: the files are good
            self._finish()
        elif self._closing or self.outcome == "cancelled":
            self.outcome = "cancelled"
            super().reject()
        else:
            self._show_failure_widgets(True)
            self.failure_table.setVisible(self.failure_table.rowCount() > 0)

    def _finish(self):
        self.mnist_ready.emit(self.folder)
        self.accept()

    # -- the ways out ----------------------------------------------------------------------
    @Slot()
    def choose_folder(self):
        """Ask for a folder holding the four MNIST files; accept it if it does, else say what is missing."""
        folder, problem = ask_for_mnist_folder(self, self.folder)
        if problem:
            self.folder_error.setText(problem)
            self.folder_error.setVisible(True)
            self._fit_height()
            return
        if not folder:
            return
        self.folder, self.outcome = folder, "chosen"
        remember_mnist_folder(self.folder)
        self._finish()

    def reject(self):
        """Cancel (or Escape, or the window's close button): stop the download first, then close."""
        if not self.running:
            super().reject()
            return
        self._closing = True
        self.worker.cancel()
        self.cancel_button.setEnabled(False)
        self.mirror_label.setText("Cancelling…")

    def closeEvent(self, event):
        if self.running:
            event.ignore()
            self.reject()
        else:
            super().closeEvent(event)

    def shutdown(self):
        """Stop the download and wait for its thread, at most SHUTDOWN_WAIT_MS (for an application that is quitting)."""
        if self.running:
            self._closing = True
            self.worker.cancel()
            self.thread.quit()
            if not self.thread.wait(SHUTDOWN_WAIT_MS):
                self.thread.setParent(None)  # not deleted with the dialog while it still runs
                _abandoned.append(self.thread)
