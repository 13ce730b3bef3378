"""PhasePresenter: shows the phase of a walked training step in the NetworkView.

Forward: the batch's first sample is the view's input, and the columns light up layer by layer
(later ones stay dark). Loss: the output column with the target ringed. Backward: the current
layer's edges coloured by ∂L/∂W, right to left (layers not reached yet show "no gradient yet").
Update: ΔW of the layers updated so far. Done: the new weights. The edge mode the user chose comes back when the walk ends.
"""

import numpy as np

from gui.training.phase_walk import WalkRecord


class PhasePresenter:
    """Maps the current step of a WalkRecord to NetworkView calls; ``end`` gives the view back."""

    def __init__(self, view):
        self.view = view
        self._user_mode = None  # the view's mode before the walk (restored by ``end``), None when idle
        self._shown_batch = None  # (generation, step) of the batch whose starting weights the view has

    def __repr__(self):
        return f"PhasePresenter({'walking' if self._user_mode is not None else 'idle'})"

    @property
    def walking(self):
        return self._user_mode is not None

    def show(self, record: WalkRecord, focus=None):
        """Show ``record.current``; ``focus`` (column, index) is the neuron the caption speaks of."""
        step, view = record.current, self.view
        if step is None or view.snapshot() is None:
            return
        if self._user_mode is None:
            self._user_mode = view.mode()
        L = len(step.weights)
        if self._shown_batch != (step.generation, step.step):
            self._shown_batch = (step.generation, step.step)
            view.set_weights(step.weights)  # the weights this batch starts from, whatever the feed showed
        kind, layer = step.kind, getattr(step.event, "layer", None)
        snap = view.snapshot()
        if kind == "forward":
            if layer == 0:
                view.set_input(np.asarray(step.event.a_in[:, 0], dtype=np.float64))
            view.set_mode("weights")
            snap.mark(reach=layer + 1, focus=focus)
            view.set_highlight_layer(layer)
        elif kind == "loss":
            targets = np.asarray(step.event.targets)
            target = int(targets.reshape(-1)[0]) if targets.ndim == 1 else int(np.argmax(targets[:, 0]))
            snap.mark(target=target, focus=focus)
            view.set_highlight_layer(L - 1)
        elif kind == "backward":
            view.set_gradients(self._pairs(record.backward, L, lambda e: (e.dW, e.db), step.weights))
            snap.mark(focus=focus, pending=set(range(L)) - set(record.backward))
            view.set_mode("gradient")
            view.set_highlight_layer(layer)
        elif kind == "update":
            view.set_deltas(self._pairs(record.update, L, lambda e: (e.W_after - e.W_before, e.b_after - e.b_before),
                                        step.weights))
            snap.mark(focus=focus, pending=set(range(L)) - set(record.update))
            view.set_mode("delta")
            view.set_highlight_layer(layer)
        else:  # done: the new weights (unless the batch diverged: its update was undone), every column lit
            if len(record.update) == L and hasattr(step.event, "loss"):
                view.set_weights([(u.W_after, u.b_after) for _, u in sorted(record.update.items())])
            view.set_mode("weights")
            snap.mark()
            view.set_highlight_layer(None)
        view.update()

    @staticmethod
    def _pairs(by_layer, L, pair, weights):
        """[(M, v), …] for every layer: from ``by_layer`` where present, zeros elsewhere (not reached yet)."""
        return [pair(by_layer[k]) if k in by_layer else (np.zeros_like(W), np.zeros_like(b))
                for k, (W, b) in enumerate(weights)]

    def forget_weights(self):
        """The view showed other weights meanwhile (a past moment): the next ``show`` sets them again."""
        self._shown_batch = None

    def end(self):
        """The walk is over (training goes on, or a reset): no marks, no highlight, the user's edge mode."""
        view, mode = self.view, self._user_mode
        self._user_mode, self._shown_batch = None, None
        if mode is None or view.snapshot() is None:
            return
        view.snapshot().mark()
        view.set_highlight_layer(None)
        view.set_mode(mode)
