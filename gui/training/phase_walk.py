"""Walking one mini-batch phase by phase: what the worker sends (PhaseStep) and what the GUI keeps.

The walk is ``Trainer.step_phases(record=True)``, the same code path as every training step. The
worker advances it one phase per request (PhaseWalk); the GUI collects the phases of the batch being
walked (WalkRecord), because a caption for the backward pass needs the forward pass's z, and one for
the update needs the backward pass's ∂L/∂W.
"""

from dataclasses import dataclass

from engine.phases import Backward, Forward, Loss, Update
from engine.training import EpochDone

PHASE_TYPES = (Forward, Loss, Backward, Update)


@dataclass(frozen=True, eq=False)
class PhaseStep:
    """One step of a walk: an engine phase, or the event that ended the batch (BatchDone, Diverged)."""

    generation: int  # which trainer sent it (see TrainingWorker)
    event: object  # Forward, Loss, Backward, Update (copies), then BatchDone or Diverged
    index: int  # 0-based position in the walk
    count: int  # steps in the walk: L forward, the loss, L backward, L updates, the end
    step: int  # 1-based number of the batch being walked (since the trainer was made)
    epoch: int  # 0-based epoch of that batch
    weights: list  # [(W (outs, ins), b (outs, 1)), …] at the start of the batch, before its update
    optimizer: str  # the optimiser's name: "sgd", "momentum" or "adam"
    l2: float  # its L2 weight decay λ (0 = off)
    epoch_done: object = None  # the EpochDone, when this batch ended an epoch

    @property
    def kind(self):
        """"forward", "loss", "backward", "update", or "done" once the batch has ended."""
        return self.event.kind if isinstance(self.event, PHASE_TYPES) else "done"

    @property
    def last(self):
        return self.index == self.count - 1


class PhaseWalk:
    """A mini-batch being walked in the worker thread: the phase generator and what each step carries."""

    def __init__(self, trainer, generation):
        net = trainer.net
        self.generation = generation
        self.weights = net.weights()  # copies: the batch's update changes the network's arrays
        self.count = 3 * len(net.layers) + 2
        self.step = trainer.steps + 1
        self.epoch = trainer.epoch
        self.optimizer = (net.optimizer.name, float(net.optimizer.l2))
        self.index = -1  # the last step sent
        self._phases = trainer.step_phases(record=True)

    def __repr__(self):
        return f"PhaseWalk(batch {self.step}, step {self.index + 1}/{self.count})"

    def advance(self):
        """(the next PhaseStep, the engine events that ended the batch: [] until its end)."""
        event = next(self._phases)
        if isinstance(event, PHASE_TYPES):
            return self._step(event), []
        return self._end([event, *self._phases])

    def finish(self):
        """Run the rest of the batch at once: (the final PhaseStep, the engine events that ended it)."""
        return self._end([e for e in self._phases if not isinstance(e, PHASE_TYPES)])

    def _end(self, events):
        self.index = self.count - 2  # the end is the last step, however many phases were skipped
        epoch_done = next((e for e in events if isinstance(e, EpochDone)), None)
        return self._step(events[0], epoch_done), events

    def _step(self, event, epoch_done=None):
        self.index += 1
        return PhaseStep(self.generation, event, self.index, self.count, self.step, self.epoch, self.weights,
                         *self.optimizer, epoch_done=epoch_done)


class WalkRecord:
    """The phases of the batch being walked, as the GUI received them (the newest is ``current``)."""

    def __init__(self):
        self.clear()

    def clear(self):
        self.current = None  # the latest PhaseStep
        self.forward = {}  # layer k → Forward
        self.loss = None  # Loss
        self.backward = {}  # layer k → Backward
        self.update = {}  # layer k → Update

    def __repr__(self):
        where = "empty" if self.current is None else f"batch {self.current.step}, {self.current.kind}"
        return f"WalkRecord({where})"

    @property
    def active(self):
        """True while a batch is being walked (some phase shown, the batch not yet ended)."""
        return self.current is not None and self.current.kind != "done"

    def add(self, step):
        """Take the next step; a step of another batch (or trainer) starts the record afresh."""
        cur = self.current
        if cur is None or step.step != cur.step or step.generation != cur.generation or step.index <= cur.index:
            self.clear()
        self.current = step
        event = step.event
        if isinstance(event, Forward):
            self.forward[event.layer] = event
        elif isinstance(event, Loss):
            self.loss = event
        elif isinstance(event, Backward):
            self.backward[event.layer] = event
        elif isinstance(event, Update):
            self.update[event.layer] = event
