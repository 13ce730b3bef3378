"""UnsavedChanges: closing the window (or File ▸ Quit) asks before training done since the last save is lost.

It asks only when the window has a checkpoint file (opened or saved in it) and the network trained since:
"Save changes to run.npz?", training paused meanwhile. Save writes the file and closes (a save that fails
keeps the window open, its notice saying why), Discard closes, Cancel keeps the window open and training
as it was. Without a file there is nothing the training could be a change to, so quitting never nags; a
reset with no training since loses nothing (the file still holds the trained network, the seed makes the
fresh one again).
"""

import os

from PySide6.QtWidgets import QMessageBox

BUTTONS = QMessageBox.StandardButton


class UnsavedChanges:
    """What the checkpoint file holds of ``session``'s training, and the question asked before losing more."""

    def __init__(self, session):
        self._session = session
        self._saved = None  # (session generation, trainer steps) the file holds, once opened or saved

    def __repr__(self):
        return f"UnsavedChanges(saved at {self._saved})"

    def mark_saved(self, generation, steps):
        """The file now holds training step ``steps`` of the session's ``generation`` (opened or saved)."""
        self._saved = (generation, steps)

    def trained_since(self):
        """True when the file's network has trained since it was opened or saved (or a new one trained)."""
        session = self._session
        if self._saved is None or session.trainer is None:
            return False
        steps = session.trainer.steps  # an int read from the GUI thread: at worst one batch behind
        return (session.generation, steps) != self._saved and steps > 0

    def may_close(self, path, save_to, parent):
        """Ask "Save changes to ``path``?" over ``parent`` when training would be lost; True when closing may go on.

        ``save_to(path)`` writes the file (True when written).
        """
        session = self._session
        if path is None or not self.trained_since():
            return True
        name, playing = os.path.basename(path), session.playing
        session.pause()  # what is saved is what was trained when the window closes, no batch more
        answer = QMessageBox.question(
            parent, "Unsaved training",
            f"Save changes to {name}?\n\nThe network has trained since {name} was opened or saved; "
            "without saving, that training is lost.",
            BUTTONS.Save | BUTTONS.Discard | BUTTONS.Cancel, BUTTONS.Save)
        closing = save_to(path) if answer == BUTTONS.Save else answer == BUTTONS.Discard
        if playing and not closing:  # the window stays: training goes on as it was
            session.play()
        return closing
