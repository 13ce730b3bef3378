"""ResetUndo: the Edit menu — Undo reset brings back the network the last reset (or opened file) replaced.

A network that holds something — it trained, or it came from a file — is set aside whole when it is
replaced: its Trainer itself (weights, optimiser state, shuffle, counters, history), the settings it
trains with from its next batch, and its file. Undo reset puts it back as it was, bit for bit, with the
controls, loss curves, status and title; the network it replaces is set aside in turn, so Redo reset
goes back to that one. A network that holds nothing (never trained, from no file: the seed builds it
again) is not kept, and the one kept before stays.

One network is kept, never more: each holds its optimiser state and history and keeps its dataset in
memory, and Reset asks before it drops training no file holds (gui/files/unsaved_changes.py).
"""

import os
from dataclasses import dataclass

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QMenu

from engine.files.trainer_state import capture
from gui.common.action_spec import explain, make_action
from gui.files.checkpoint_contents import trained_config
from gui.files.unsaved_changes import FileState, batches

# objectName, text, shortcut, one-sentence tooltip (the network it brings back is added when there is one)
SPECS = [
    ("undo_reset", "&Undo reset", "Ctrl+Z", "Brings back the network the last reset (or opened file) replaced, as "
                                            "it was: weights, optimiser state, history and file. Only the last "
                                            "reset can be undone."),
    ("redo_reset", "&Redo reset", "Ctrl+Shift+Z", "Goes back to the network that Undo reset replaced."),
]


@dataclass(frozen=True, eq=False)
class KeptNetwork:
    """A network set aside whole, to be brought back."""

    trainer: object  # the Trainer: its network, optimiser, shuffle and history, untouched since
    config: object  # the TrainingConfig it trains with from its next batch (the controls show it)
    dataset: object
    file: FileState
    undo: bool  # True: Undo reset brings it back; False: Redo reset does
    cause: str  # what replaced it ("reset" or "open"): the actions are named for it

    def summary(self):
        """"2 → 8 → 2 on Circles, 37 batches trained, run.npz"."""
        sizes = " → ".join(map(str, self.trainer.net.sizes))
        steps = self.trainer.steps
        parts = [f"{sizes} on {self.dataset.title}", f"{batches(steps)} trained" if steps else "not trained"]
        if self.file.path is not None:
            parts.append(os.path.basename(self.file.path))
        return ", ".join(parts)


class ResetUndo(QObject):
    """The Edit menu (``menu``, over ``parent``) and the one network it keeps; see the module docstring.

    parts : the FileParts; files : the CheckpointActions whose file state goes and comes with a network.
    """

    def __init__(self, parent, parts, files):
        super().__init__(parent)
        self.parts, self.files = parts, files
        self.kept = None  # the KeptNetwork, if any
        self._bringing_back = None  # the KeptNetwork that is replacing the current one
        self.actions = {}  # objectName → QAction
        self.menu = QMenu("&Edit", parent)
        self.menu.setObjectName("edit_menu")
        self.menu.setToolTipsVisible(True)
        for name, text, keys, tip in SPECS:
            action = self.actions[name] = make_action(self, name, text, keys, tip)
            action.triggered.connect(self.bring_back)
            self.menu.addAction(action)
        parts.session.about_to_replace.connect(self._set_aside)
        self._show()

    def __repr__(self):
        return f"ResetUndo({self.kept.summary() if self.kept else 'nothing kept'})"

    def __getitem__(self, name):
        return self.actions[name]

    @Slot()
    def bring_back(self):
        """Put the kept network back in place of the current one (which is kept in turn); False when none is."""
        kept = self.kept
        if kept is None:
            return False
        self._bringing_back = kept
        try:
            source = "reset undone" if kept.undo else "reset redone"
            self.files.adopt(kept.config, kept.dataset, kept.trainer, kept.file, source)
        finally:
            self._bringing_back = None
        self._show()
        self.parts.status.showMessage(f"Brought back {kept.summary()}", 5000)
        return True

    @Slot()
    def _set_aside(self):
        """The session is about to replace its network (settled): keep it when it holds something."""
        session, files, back = self.parts.session, self.files, self._bringing_back
        trainer = session.trainer
        if back is None and trainer.steps == 0 and files.path is None:
            return  # the seed builds it again: nothing lost, and what was kept before stays
        pending = capture(trainer)["trainer"]["pending"]  # settings set for its next batch
        self.kept = KeptNetwork(trainer, trained_config(session.config, trainer, pending), session.dataset,
                                files.file_state(), undo=back is None or not back.undo,
                                cause=back.cause if back else "open" if files.opening else "reset")
        self._show()

    def _show(self):
        """Enable the action that brings the kept network back, and name that network in its tooltip."""
        kept = self.kept
        for name, text, _, tip in SPECS:
            action = self.actions[name]
            enabled = kept is not None and kept.undo == (name == "undo_reset")
            action.setEnabled(enabled)
            action.setText(text.replace("reset", "open") if enabled and kept.cause == "open" else text)
            explain(action, f"{tip} Kept: {kept.summary()}." if enabled else tip)
