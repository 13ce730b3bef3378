"""The training toolbar's QActions (play/pause, step back, step batch, step phase, reset, Download MNIST: names
tests rely on) and its speed control, with the keys that make it slower and faster."""

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QToolBar, QWidget

from gui.common.action_spec import make_action
from gui.common.icons import icon
from gui.common.settings import remember_speed, remembered_speed

# objectName, text, icon (resources/icons or a Qt standard icon), shortcut, one-sentence tooltip
SPECS = [
    ("play_pause", "Play", "play", "Space", "Trains continuously; press again to pause."),
    ("step_back", "Step back", "step_back", "Left",
     "Goes back one batch — weights and optimiser exactly as they were — or, in a walked step, one phase."),
    ("step_batch", "Step batch", "step_batch", "Right", "Trains exactly one mini-batch, then shows the result."),
    ("step_phase", "Step phase", "step_phase", "Shift+Right",
     "Walks one training step phase by phase: forward, loss, backward, update."),
    ("reset", "Reset", "reset", "Ctrl+R", "Builds a fresh network from the controls, initialised from the seed."),
]
# Not on the toolbar (the speed box is): keys for it, listed in Help ▸ Keyboard shortcuts like every action.
SPEED_SPECS = [
    ("slower", "Slower", "[", "Trains fewer batches a second (the speed box steps down: full speed, 100, 50 … 1)."),
    ("faster", "Faster", "]", "Trains more batches a second, up to full speed."),
]
SPEEDS = (1, 2, 5, 10, 20, 50, 100)  # what the speed box steps through, then full speed (0)
MAX_SPEED = 1000  # batches a second one may type


class SpeedBox(QSpinBox):
    """Batches a second (objectName "training_speed"): steps 1, 2, 5 … 100, then "Full speed" (0)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("training_speed")
        self.setRange(0, MAX_SPEED)
        self.setSpecialValueText("Full speed")
        self.setSuffix(" batches/s")
        self.setKeyboardTracking(False)  # a typed number applies on Enter or focus-out
        self.setAccelerated(False)
        self.setToolTip("How fast training goes: a few batches a second to watch each change, or full speed. "
                        "Slower: [ · faster: ]")

    def __repr__(self):
        return f"SpeedBox({self.text()!r})"

    def stepBy(self, steps):
        value = self.value()
        for _ in range(abs(steps)):
            value = _faster(value) if steps > 0 else _slower(value)
        self.setValue(value)

    def stepEnabled(self):
        up = QSpinBox.StepEnabledFlag.StepUpEnabled if self.value() != 0 else QSpinBox.StepEnabledFlag.StepNone
        down = QSpinBox.StepEnabledFlag.StepDownEnabled if self.value() != 1 else QSpinBox.StepEnabledFlag.StepNone
        return up | down


def _faster(value):
    """The next speed up: the next of SPEEDS, full speed (0) after the last; full speed stays."""
    if value == 0:
        return 0
    return next((s for s in SPEEDS if s > value), 0)


def _slower(value):
    """The next speed down: full speed → the largest of SPEEDS; never below 1."""
    if value == 0:
        return SPEEDS[-1]
    return max([s for s in SPEEDS if s < value] or [1])


class TrainingActions:
    """The "Training" toolbar (for the window to add) with these actions and the speed box; shows the play/pause
    state on them. ``speed_box.valueChanged`` says the speed the user chose (remembered for the next start)."""

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
        self.speed_box = SpeedBox()
        self.speed_box.setValue(remembered_speed(MAX_SPEED))
        self.speed_box.valueChanged.connect(remember_speed)
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(6, 0, 2, 0)
        label = QLabel("Speed:")
        label.setBuddy(self.speed_box)
        row.addWidget(label)
        row.addWidget(self.speed_box)
        self.speed_widget = box
        toolbar.addWidget(box)
        for name, text, keys, tip in SPEED_SPECS:
            action = self.actions[name] = make_action(toolbar, name, text, keys, tip)
            action.triggered.connect(self._on_slower if name == "slower" else self._on_faster)
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

    def key_actions(self):
        """The actions that have keys but no button (slower, faster): the window adds them so their keys work."""
        return [self.actions[name] for name, *_ in SPEED_SPECS]

    @Slot()
    def _on_slower(self):
        self.speed_box.stepBy(-1)

    @Slot()
    def _on_faster(self):
        self.speed_box.stepBy(1)

    def show_state(self, playing, ready, can_step_back=False):
        """Play or Pause on the first action; everything but reset disabled until a network is ready; Step back
        only when there is something to go back to."""
        play = self.actions["play_pause"]
        play.setText("Pause" if playing else "Play")
        play.setIcon(self._pause_icon if playing else self._play_icon)
        for name in ("play_pause", "step_batch", "step_phase"):
            self.actions[name].setEnabled(ready)
        self.actions["step_back"].setEnabled(ready and can_step_back)
