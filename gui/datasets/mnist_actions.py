"""MnistActions: how the main window gets MNIST when it is missing — download it, or choose a folder."""

from PySide6.QtCore import QObject, Signal, Slot

from engine.data import mnist_source
from gui.common.settings import remember_mnist_folder
from gui.datasets.download_dialog import DownloadDialog, ask_for_mnist_folder


class MnistActions(QObject):
    """The "Download MNIST" dialog and "Choose folder"; ``found`` gives the folder MNIST can be read from.

    parent : the widget the dialogs open over (the window). datasets : the DatasetStore (its current
    MNIST folder starts the folder dialog). notice : the NoticeBar that says what a chosen folder lacks.
    """

    found = Signal(str)  # a folder that holds MNIST (downloaded or chosen): offer it at once

    def __init__(self, parent, datasets, notice):
        super().__init__(parent)
        self._datasets, self._notice = datasets, notice
        self._dialog = None  # the open "Download MNIST" dialog, if any

    def __repr__(self):
        return f"MnistActions(dialog {'open' if self._dialog is not None else 'closed'})"

    def buttons(self):
        """(label, tooltip, slot) pairs for a notice that says MNIST is missing."""
        return [("Download MNIST…", "Downloads the four MNIST files (11.6 MB) into the user cache, once.",
                 self.download),
                ("Choose folder…", "Use a folder that already holds the four MNIST files; it is remembered.",
                 self.choose_folder)]

    @Slot()
    def download(self):
        """Open the download dialog (window-modal, not blocking); on success MNIST is offered at once."""
        if self._dialog is not None:
            self._dialog.raise_()
            return
        # Always the cache, never ensure_mnist: a stale environment variable must not stop the download.
        dialog = self._dialog = DownloadDialog(self.parent(), dest=mnist_source.cache_dir())
        dialog.mnist_ready.connect(self.found)
        dialog.finished.connect(self._on_closed)
        dialog.open()
        dialog.start()

    @Slot()
    def choose_folder(self):
        """Ask for a folder holding MNIST; remember it and offer MNIST, or say what the folder lacks."""
        folder, problem = ask_for_mnist_folder(self.parent(), self._datasets.mnist_folder)
        if problem:
            self._notice.show_message(problem, "error", self.buttons(), sticky=True)
        elif folder:
            remember_mnist_folder(folder)
            self.found.emit(folder)

    @Slot(int)
    def _on_closed(self, result):
        dialog, self._dialog = self._dialog, None
        if dialog is not None:
            dialog.deleteLater()

    def shutdown(self):
        """Cancel a download in progress and wait for its thread."""
        if self._dialog is not None:
            self._dialog.shutdown()
