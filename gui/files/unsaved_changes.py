"""UnsavedChanges: what the checkpoint file holds of the current network, and the question asked before losing more.

A checkpoint file belongs to the network it was opened or saved from: a network built afresh (Reset,
another dataset or architecture) has none, it is "Untitled". Training that no file holds is unsaved, and
two things ask "Save / Discard / Cancel" before losing it, training paused while they ask:

- Reset, or opening another file, whenever the network trained since its file was saved or opened, or,
  untitled, trained at all. A Discard is not asked again for the same training (a reset that waits for
  its dataset to load). Edit ▸ Undo reset can still bring the replaced network back.
- Closing the window, once a checkpoint was opened or saved in it. A window only played in never asks
  when it closes: nothing in it was ever kept in a file.

Save writes the file (an untitled network asks where, as Save As); a save that fails or is cancelled
changes nothing and the window stays as it was.
"""

from dataclasses import dataclass

from PySide6.QtWidgets import QMessageBox

BUTTONS = QMessageBox.StandardButton


@dataclass(frozen=True)
class Held:
    """What a checkpoint file holds of a network: its training step ``steps``, ``how`` it got there."""

    name: str  # the file's name
    steps: int
    how: str  # "opened" or "saved"


@dataclass(frozen=True)
class FileState:
    """A network's file as the window knows it: to set aside with the network and give back with it."""

    path: str = None  # None: untitled
    modified: bool = False  # trained or changed since the file was opened or saved
    held: Held = None  # what the file holds of the network; None when untitled


class UnsavedChanges:
    """What the checkpoint file holds of ``session``'s training, and the questions asked before losing more."""

    def __init__(self, session):
        self._session = session
        self._held = None  # (session generation, Held): the network the file belongs to, and what it holds
        self.last_file = None  # the name of the checkpoint last opened or saved in this window
        self._discarded = None  # (generation, steps) whose loss a question was answered Discard for

    def __repr__(self):
        return f"UnsavedChanges({self.describe() or 'nothing unsaved'})"

    def held(self):
        """The Held of the current network; None when it is untitled (built since, or never saved)."""
        if self._held is None or self._held[0] != self._session.generation:
            return None
        return self._held[1]

    def hold(self, held):
        """The current network's file holds ``held`` of it (just opened or saved, or as it was set aside); None:
        it is untitled."""
        self._held = None if held is None else (self._session.generation, held)
        if held is not None:
            self.last_file = held.name

    def unsaved_steps(self):
        """Batches the current network trained that no file holds (0 when nothing would be lost)."""
        held = self.held()
        return self._steps() - (held.steps if held is not None else 0)

    def trained_since(self):
        """True when the current network trained since its file was opened or saved (untitled: at all)."""
        return self.unsaved_steps() > 0

    def describe(self):
        """What is unsaved, in a sentence ("" when nothing is)."""
        if not self.trained_since():
            return ""
        held, trained = self.held(), batches(self.unsaved_steps())
        if held is not None:
            return f"The network has trained {trained} since {held.name} was {held.how}."
        if self.last_file is not None:
            return (f"The network trained since Reset ({trained}) is not saved: {self.last_file} holds another "
                    "network, not this one.")
        return f"The network has trained {trained} and is not saved in any file."

    def may_replace(self, save, parent, what="Reset"):
        """Ask before ``what`` ("Reset", "Opening a file") replaces training no file holds; True when it may go on.

        ``save()`` saves the network (True when written).
        """
        if not self.trained_since() or self._discarded == (self._session.generation, self._steps()):
            return True
        playing = self._pause()
        held = self.held()
        question = f"Save changes to {held.name}" if held is not None else "Save the trained network"
        text = (f"{question} before {what.lower()}?\n\n{self.describe()} {what} puts another network in its "
                "place; Edit ▸ Undo reset brings this one back until the next reset.")
        answer = self._ask(parent, "Unsaved training", text, save, playing)
        if answer == BUTTONS.Discard:
            self._discarded = (self._session.generation, self._steps())
        return answer in (BUTTONS.Save, BUTTONS.Discard)

    def may_close(self, save, parent):
        """Ask before closing loses training no file holds (once a file was used here); True when closing may go on.

        ``save()`` saves the network (True when written).
        """
        if self.last_file is None or not self.trained_since():
            return True
        playing = self._pause()
        held = self.held()
        question = f"Save changes to {held.name}?" if held is not None else "Save the network trained since Reset?"
        text = f"{question}\n\n{self.describe()} Without saving, that training is lost."
        return self._ask(parent, "Unsaved training", text, save, playing) in (BUTTONS.Save, BUTTONS.Discard)

    def _pause(self):
        """Pause before asking, so the question counts and Save writes what was trained, no batch more;
        True when it was playing."""
        playing = self._session.playing
        self._session.pause_and_wait()
        return playing

    def _ask(self, parent, title, text, save, playing):
        """Save / Discard / Cancel; the button (Cancel when the save failed). Cancel resumes ``playing``."""
        answer = QMessageBox.question(parent, title, text, BUTTONS.Save | BUTTONS.Discard | BUTTONS.Cancel,
                                      BUTTONS.Save)
        if answer == BUTTONS.Save and not save():
            answer = BUTTONS.Cancel
        if playing and answer == BUTTONS.Cancel:  # nothing happens: training goes on as it was
            self._session.play()
        return answer

    def _steps(self):
        trainer = self._session.trainer
        return 0 if trainer is None else trainer.steps  # an int read from the GUI thread: at most a batch behind


def batches(n):
    """"1 batch", "1,024 batches"."""
    return "1 batch" if n == 1 else f"{n:,} batches"

