"""CheckpointActions: the File menu — checkpoints that resume exactly, recent files, configuration files.

Saving takes a consistent copy where the trainer lives: TrainingWorker.call_between_batches runs the
write in the training thread between two batches while the GUI waits (a run in progress pauses for it,
then goes on). Opening checks everything first — the file, its configuration, its dataset, its trainer
state — and changes nothing when any of it fails; the window's notice names the file and the problem.
Every operation has a method that takes a path (``open_path``, ``save_to``, ``export_config``,
``import_config``); the dialogs only ask for the path. A file belongs to the network it was opened or
saved from: a network built afresh is untitled, and Save then asks where, as Save As does.
"""

import functools
import os

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMenu

from engine.files.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from engine.files.trainer_state import capture, has_state, resume
from engine.training import Trainer
from engine.training_config import MNIST, dataset_title
from gui.common.action_spec import make_action
from gui.common.settings import forget_recent_file, recent_files, remember_recent_file
from gui.files.checkpoint_contents import (
    MnistMissing,
    checkpoint_extra,
    config_from_checkpoint,
    dataset_for,
    trained_config,
)
from gui.files.config_transfer import export_config, import_config
from gui.files.unsaved_changes import FileState, Held, UnsavedChanges
from gui.training.status_bar import Resumed
from gui.training.worker import WalkInProgress

CHECKPOINT_FILTER = "Backprop Studio checkpoints (*.npz);;All files (*)"
CONFIG_FILTER = "Backprop Studio configurations (*.json);;All files (*)"

# objectName, text, shortcut, one-sentence tooltip
SPECS = [
    ("open_checkpoint", "&Open…", "Ctrl+O", "Opens a saved checkpoint: network, optimiser, history; Play continues "
                                            "exactly where it stopped."),
    ("save_checkpoint", "&Save", "Ctrl+S", "Saves the network, its training state and history to the current file."),
    ("save_checkpoint_as", "Save &As…", "Ctrl+Shift+S", "Saves the network, its training state and history to a "
                                                        "new file."),
    ("export_config", "&Export configuration…", "", "Writes the controls' settings (no weights) to a small JSON "
                                                    "file to share a setup."),
    ("import_config", "&Import configuration…", "", "Reads settings from a configuration file into the controls."),
    ("quit", "&Quit", "Ctrl+Q", "Stops training and closes the window, first offering to save training no "
                                "file holds."),
]


class CheckpointActions(QObject):
    """The File menu's actions and what they do; see the module docstring.

    parent : the widget the file dialogs open over (the window). parts : the FileParts they work with.
    The window puts ``menu`` (the File menu) in its menu bar and connects the "quit" action to its close.
    """

    file_changed = Signal()  # ``path`` or ``modified`` changed: the window's title names the file
    reset_requested = Signal()  # an imported configuration wants a fresh network from the controls

    def __init__(self, parent, parts):
        super().__init__(parent)
        self.parts = parts
        self.path = None  # the current network's checkpoint, opened or saved; None: untitled, Save asks where
        self.modified = False  # trained or changed since that file was opened or saved (untitled: built)
        self._pending = None  # a checkpoint waiting for MNIST to finish loading
        self._installing = False  # True while an opened checkpoint is being installed (not a change)
        self.unsaved = UnsavedChanges(parts.session)  # Reset and closing ask before unsaved training is lost
        self.actions = {}  # objectName → QAction
        for name, text, keys, tip in SPECS:
            self.actions[name] = make_action(self, name, text, keys, tip)
        self.menu = QMenu("&File", parent)
        self.menu.setObjectName("file_menu")
        self.menu.setToolTipsVisible(True)
        self.recent_menu = QMenu("Open &Recent", self.menu)
        self.recent_menu.setObjectName("recent_files")
        self.recent_menu.setToolTipsVisible(True)
        a = self.actions
        for item in (a["open_checkpoint"], self.recent_menu, None, a["save_checkpoint"], a["save_checkpoint_as"],
                     None, a["export_config"], a["import_config"], None, a["quit"]):
            if item is None:
                self.menu.addSeparator()
            elif isinstance(item, QMenu):
                self.menu.addMenu(item)
            else:
                self.menu.addAction(item)
        self._show_recent()

        for name, slot in (("open_checkpoint", self.open_dialog), ("save_checkpoint", self.save),
                           ("save_checkpoint_as", self.save_as), ("export_config", self.export_dialog),
                           ("import_config", self.import_dialog)):
            self.actions[name].triggered.connect(slot)
        parts.session.network_reset.connect(self._on_network_reset)
        parts.session.updated.connect(self._on_changed)
        parts.datasets.loaded.connect(self._on_dataset_loaded)
        controls = parts.controls
        for signal in (controls.live_changed, controls.structure_changed, controls.optimizer_changed):
            signal.connect(self._on_changed)

    def __repr__(self):
        name = os.path.basename(self.path) if self.path else "no file"
        return f"CheckpointActions({name}{', modified' if self.modified else ''})"

    def __getitem__(self, name):
        return self.actions[name]

    # -- dialogs ---------------------------------------------------------------------------------
    def dialog_folder(self):
        """Where the dialogs start: beside the current or the most recent file, else the home folder."""
        for path in [self.path, *recent_files()]:
            if path and os.path.isdir(os.path.dirname(path)):
                return os.path.dirname(path)
        return os.path.expanduser("~")

    def _suggested_name(self, suffix):
        session = self.parts.session
        if session.network is None:
            return os.path.join(self.dialog_folder(), f"network{suffix}")
        base = os.path.splitext(os.path.basename(self.path))[0] if self.path else (
            f"{session.config.dataset}-{'-'.join(map(str, session.network.sizes))}")
        return os.path.join(self.dialog_folder(), base + suffix)

    @Slot()
    def open_dialog(self):
        if not self.may_replace("Opening a file"):
            return
        path, _ = QFileDialog.getOpenFileName(self.parent(), "Open checkpoint", self.dialog_folder(), CHECKPOINT_FILTER)
        if path:
            self.open_path(path)

    @Slot()
    def save(self):
        """Save to the current network's file; an untitled one asks where (as Save As). True when written."""
        return self.save_as() if self.path is None else self.save_to(self.path)

    @Slot()
    def save_as(self):
        """Ask where, then save there; True when written (False when the dialog was cancelled)."""
        path, _ = QFileDialog.getSaveFileName(self.parent(), "Save checkpoint", self._suggested_name(".npz"),
                                              CHECKPOINT_FILTER)
        return bool(path) and self.save_to(path if os.path.splitext(path)[1] else path + ".npz")

    @Slot()
    def export_dialog(self):
        path, _ = QFileDialog.getSaveFileName(self.parent(), "Export configuration", self._suggested_name(".json"),
                                              CONFIG_FILTER)
        if path:
            self.export_config(path if os.path.splitext(path)[1] else path + ".json")

    @Slot()
    def import_dialog(self):
        path, _ = QFileDialog.getOpenFileName(self.parent(), "Import configuration", self.dialog_folder(), CONFIG_FILTER)
        if path:
            self.import_config(path)

    # -- saving ----------------------------------------------------------------------------------
    def save_to(self, path):
        """Write a checkpoint of the current training to ``path`` (atomically); True when it was written."""
        parts, session = self.parts, self.parts.session
        path = os.path.abspath(os.fspath(path))
        name = os.path.basename(path)
        if session.trainer is None:
            self._tell("Nothing to save yet: the network is still being built.", "info")
            return False
        base, dataset, playing = session.config, session.dataset, session.playing
        written = []  # the training step the file holds

        def write(trainer):  # in the training thread, between two batches
            state = capture(trainer)
            config = trained_config(base, trainer, state["trainer"]["pending"])
            save_checkpoint(path, trainer.net, extra={**checkpoint_extra(config, dataset, trainer), **state})
            written.append(trainer.steps)

        if playing:
            session.pause()
        try:
            session.worker.call_between_batches(write)
        except WalkInProgress:
            self._tell("A training step is being walked phase by phase, and a checkpoint holds whole steps only. "
                       "Finish the step, then save.", "warning",
                       [("Finish step and save", "Trains the rest of this batch, then saves.",
                         functools.partial(self._finish_step_and_save, path))])
            return False
        except CheckpointError as exc:
            self._tell(f"Not saved: {exc}", "error")
            return False
        except OSError as exc:
            self._tell(f"Not saved: {name}: {exc.strerror or exc}", "error", tooltip=str(exc))
            return False
        finally:
            if playing:
                session.play()
        self.path, self.modified = path, False
        self.unsaved.hold(Held(name, written[0], "saved"))
        remember_recent_file(path)
        self._show_recent()
        self.file_changed.emit()
        parts.status.showMessage(f"Saved {name}", 5000)
        return True

    @Slot()
    def _finish_step_and_save(self, path):
        self.parts.notice.clear()
        self.parts.session.step_batch()  # queued before the save's request, so the walk ends first
        self.save_to(path)

    # -- opening ---------------------------------------------------------------------------------
    def open_path(self, path):
        """Open the checkpoint at ``path`` and show it ready to continue; True when it was opened.

        When anything is wrong nothing changes and the window's notice says what.
        """
        parts = self.parts
        path = os.path.abspath(os.fspath(path))
        name = os.path.basename(path)
        try:
            net, extra = load_checkpoint(path)
            config = config_from_checkpoint(net, extra, name)
            dataset = dataset_for(parts.datasets, config, extra, name)
            if dataset is None:  # MNIST is being read in the background: opened when it is there
                self._pending = path
                parts.status.showMessage(f"Loading {dataset_title(MNIST)} to open {name}…")
                return False
            if has_state(extra):
                trainer = resume(net, dataset, extra, name=name)
                trainer.epochs = config.epochs
            else:
                trainer = Trainer(net, dataset, batch_size=config.batch_size, epochs=config.epochs, seed=config.seed)
        except MnistMissing:
            self._tell(f"{name} was trained on MNIST digits, which were not found on this computer. Get MNIST, "
                       "then open the file again. Nothing was changed.", "error", parts.mnist_buttons())
            return False
        except CheckpointError as exc:
            self._tell(f"Could not open {name}: {_problem(exc, name)}. Nothing was changed.", "error",
                       tooltip=path)
            return False
        except ValueError as exc:  # the network does not fit the dataset (inputs, classes)
            self._tell(f"Could not open {name}: {exc}. Nothing was changed.", "error", tooltip=path)
            return False
        self._install(path, config, dataset, net, trainer, resumed=has_state(extra))
        return True

    def _install(self, path, config, dataset, net, trainer, resumed):
        name = os.path.basename(path)
        self._pending = None
        self.adopt(config, dataset, trainer, FileState(path, False, Held(name, trainer.steps, "opened")),
                   f"opened from {name}")
        remember_recent_file(path)
        self._show_recent()
        if not resumed:
            self._tell(f"{name} holds a trained network but no training state (it was saved without one): "
                       "training continues from its weights with a fresh shuffle and history.", "info")

    def adopt(self, config, dataset, trainer, file, source):
        """Make ``trainer`` (training its network on ``dataset`` as ``config`` says) current, with its ``file``.

        The controls show ``config``, the loss plot the trainer's history, the status bar where it stands
        and ``source`` ("opened from run.npz"). Opening a file and Undo reset both bring a network in here.
        """
        parts = self.parts
        controls = parts.controls
        controls.set_datasets(parts.datasets.choices(), config.dataset)
        controls.set_config(config)
        controls.set_dataset_shape(dataset)
        self._installing = True
        try:
            parts.session.install(config, dataset, trainer.net, trainer)  # the window's views show the network
        finally:
            self._installing = False
        self.path, self.modified = file.path, file.modified
        self.unsaved.hold(file.held)
        self._show_history(trainer, source)
        self.file_changed.emit()

    def file_state(self):
        """The current network's FileState, to set aside with it."""
        return FileState(self.path, self.modified, self.unsaved.held())

    @property
    def opening(self):
        """True while an opened checkpoint replaces the network (not a reset)."""
        return self._installing

    def _show_history(self, trainer, source):
        """The stored curves in the loss plot, and where training stands in the status bar."""
        parts, h = self.parts, trainer.history
        n_train = len(trainer.dataset.y_train)
        if h.batch_loss:
            parts.loss_plot.add_batches(np.asarray(h.batch_samples, dtype=np.float64) / n_train,
                                         np.asarray(h.batch_loss))
        for values in zip(h.epoch_numbers().tolist(), h.epoch_train_loss, h.epoch_test_loss, h.epoch_test_accuracy):
            parts.loss_plot.add_epoch(*values)
        t = trainer
        if t.steps:
            parts.status.show_resumed(Resumed(source, t.epoch, t.batch_in_epoch, t.n_batches, t.samples_seen,
                                               t.epochs, n_train))

    @Slot(str)
    def _on_dataset_loaded(self, name):
        if name == MNIST and self._pending is not None:
            path, self._pending = self._pending, None
            self.open_path(path)

    # -- recent files ----------------------------------------------------------------------------
    def _show_recent(self):
        menu = self.recent_menu
        menu.clear()
        paths = recent_files()
        for k, path in enumerate(paths):
            action = menu.addAction(f"&{k + 1} {os.path.basename(path)}")
            action.setObjectName(f"recent_file_{k}")
            action.setData(path)
            action.setToolTip(path)
            action.triggered.connect(functools.partial(self.open_recent, path))
        if paths:
            menu.addSeparator()
            clear = menu.addAction("Clear list")
            clear.setObjectName("clear_recent_files")
            clear.setToolTip("Forgets the recent files (the files themselves stay).")
            clear.triggered.connect(self._clear_recent)
        else:
            menu.addAction("No recent files").setEnabled(False)
        menu.setEnabled(True)

    @Slot()
    def open_recent(self, path):
        """Open a recent file; one that is gone leaves the list with a message."""
        if not self.may_replace("Opening a file"):
            return False
        if not os.path.isfile(path):
            forget_recent_file(path)
            self._show_recent()
            self._tell(f"{os.path.basename(path)} is no longer at {os.path.dirname(path)}; it was taken off "
                       "the recent files.", "warning", tooltip=path)
            return False
        return self.open_path(path)

    @Slot()
    def _clear_recent(self):
        for path in recent_files():
            forget_recent_file(path)
        self._show_recent()

    # -- configuration files ---------------------------------------------------------------------
    def export_config(self, path):
        """Write the controls' configuration to ``path`` as JSON; True when written."""
        return export_config(self.parts, path)

    def import_config(self, path):
        """Read a configuration file into the controls; True when read (see gui/files/config_transfer.py)."""
        if not import_config(self.parts, path, self._request_reset):
            return False
        self._on_changed()
        return True

    def _tell(self, text, kind="info", buttons=(), tooltip=""):
        self.parts.notice.show_message(text, kind, buttons, tooltip)

    @Slot()
    def _request_reset(self):
        self.reset_requested.emit()

    # -- changes since the file ------------------------------------------------------------------
    @Slot(object)
    def _on_network_reset(self, net):
        if not self._installing:  # a network built afresh: the file belongs to the one it replaced
            self.path, self.modified = None, False
        self.file_changed.emit()

    @Slot()
    def _on_changed(self, *args):
        if not self.modified:
            self.modified = True
            self.file_changed.emit()

    def may_replace(self, what="Reset"):
        """Ask "Save changes …?" when ``what`` would replace training no file holds; True when it may go on."""
        return self.unsaved.may_replace(self.save, self.parent(), what)

    def may_close(self):
        """Ask "Save changes …?" when closing would lose training; True when the window may close."""
        return self.unsaved.may_close(self.save, self.parent())


def _problem(exc, name):
    """The problem in a CheckpointError's message, without the file name it starts with."""
    text = str(exc)
    return text[len(name) + 2:] if text.startswith(name + ": ") else text

