"""The training toolbar's QActions: play/pause, step batch, step phase, reset, Download MNIST (names tests rely on)."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QToolBar

from gui.common.action_spec import make_action
from gui.common.icons import icon

# objectName, text, icon (resources/icons), shortcut, one-sentence tooltip
SPECS = [
    ("play_pause", "Play", "play", "Space", "Trains continuously; press again to pause."),
    ("step_batch", "Step batch", "step_batch", "Right", "Trains exactly one mini-batch, then shows the result."),
    ("step_phase", "Step phase", "step_phase", "Shift+Right",
     "Walks one training step phase by phase: forward, loss, backward, update."),
    ("reset", "Reset", "reset", "Ctrl+R", "Builds a fresh network from the controls, initialised from the seed."),
]


class TrainingActions:
    """The "Training" toolbar (for the window to add) with these actions; shows the play/pause state on them."""

    def __init__(self):
        self.toolbar = toolbar = QToolBar("Training")
        toolbar.setObjectName("training_toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._play_icon, self._pause_icon = icon("play"), icon("pause")
        self.actions = {}  # objectName → QAction
        for name, text, icon_name, keys, tip in SPECS:
            action = make_action(toolbar, name, text, keys, tip, icon(icon_name))
            toolbar.addAction(action)
            self.actions[name] = action
        toolbar.addSeparator()
        download = self.actions["download_mnist"] = QAction(icon("SP_ArrowDown"), "Download MNIST", toolbar)
        download.setObjectName("download_mnist")
        download.setToolTip("Downloads the four MNIST files (11.6 MB) once, checked by SHA-256; "
                            "or lets you choose a folder that holds them.")
        toolbar.addAction(download)

    def __getitem__(self, name):
        return self.actions[name]

    def __repr__(self):
        return f"TrainingActions({', '.join(self.actions)})"

    def show_state(self, playing, ready):
        """Play or Pause on the first action; everything but reset disabled until a network is ready."""
        play = self.actions["play_pause"]
        play.setText("Pause" if playing else "Play")
        play.setIcon(self._pause_icon if playing else self._play_icon)
        for name in ("play_pause", "step_batch", "step_phase"):
            self.actions[name].setEnabled(ready)
