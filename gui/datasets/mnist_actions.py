"""MnistActions: how the main window gets MNIST when it is missing — download it, or choose a folder."""

from PySide6.QtCore import QObject, Slot

from engine.data import mnist_source
from gui.common.settings import remember_mnist_folder
from gui.datasets.download_dialog import DownloadDialog, ask_for_mnist_folder


class MnistActions(QObject):
    """The "Download MNIST" dialog and "Choose folder" for a MainWindow; on success MNIST is offered at once."""

    def __init__(self, window):
        super().__init__(window)  # the window is reached through parent(): a Python reference back to it
        # would make a cycle, left to the cycle collector, which may free the window while Qt paints it
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
        dialog.mnist_ready.connect(self._on_ready)
        dialog.finished.connect(self._on_closed)
        dialog.open()
        dialog.start()

    @Slot()
    def choose_folder(self):
        """Ask for a folder holding MNIST; remember it and offer MNIST, or say what the folder lacks."""
        window = self.parent()
        folder, problem = ask_for_mnist_folder(window, window.datasets.mnist_folder)
        if problem:
            window.tell(problem, "error", self.buttons(), sticky=True)
        elif folder:
            remember_mnist_folder(folder)
            window.mnist_available(folder)

    @Slot(str)
    def _on_ready(self, folder):
        self.parent().mnist_available(folder)

    @Slot(int)
    def _on_closed(self, result):
        dialog, self._dialog = self._dialog, None
        if dialog is not None:
            dialog.deleteLater()

    def shutdown(self):
        """Cancel a download in progress and wait for its thread."""
        if self._dialog is not None:
            self._dialog.shutdown()
