"""PickedSample: a sample clicked in the Evaluation tab becomes the network view's input, and is shown.

A card of the mistakes gallery, a point of the 2-D gallery or an example in the dataset browser: the
sample goes to the network view as its input (a 28×28 image lights the input grid the way a drawn digit
does; a 2-D point gets the ring on the decision map), the Training tab comes up to show it, and the
status bar says which sample it is and how the network reads it ("test sample 1234: a 9 read as 4").
Ctrl+2 goes back to the Evaluation tab, which keeps its place.
"""

import numpy as np
from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QKeySequence

from gui.common.formatting import percent

MESSAGE_MS = 30_000  # how long the status bar names the sample (training messages may replace it sooner)


def describe(split, index, names, true, predicted, probability):
    """"test sample 1234: a 9 read as 4 (87.3 %)" for digits; quoted class names for the rest."""
    digits = all(name.isdigit() for name in names)
    said = (lambda c: names[c]) if digits else (lambda c: f"“{names[c]}”")
    what = f"a {said(true)}" if digits else said(true)
    verdict = f"read as {said(predicted)}" if predicted != true else "read correctly"
    return f"{split} sample {index}: {what} {verdict} ({percent(probability)})"


class PickedSample(QObject):
    """Listens to ``tab``'s EvaluationView and shows a clicked sample in ``network_view``.

    preview : the draw pad's PretrainedPreview (dismissed, so the view shows the network that was judged).
    status : the status bar that names the sample. back_action : the action that shows the Evaluation tab.
    """

    def __init__(self, tab, network_view, preview, status, back_action):
        super().__init__(tab)
        self._tab, self._view, self._preview, self._status = tab, network_view, preview, status
        self._back_action = back_action
        tab.view.sample_clicked.connect(self.show_sample)
        self.shown = None  # (split, index) of the sample last put in the network view

    def __repr__(self):
        return f"PickedSample({self.shown})"

    @Slot(str, int)
    def show_sample(self, split, index):
        """Make sample ``index`` of ``split`` the network view's input, show the view and name the sample."""
        tab, view = self._tab, self._view
        net, dataset = tab.session.network, tab.session.dataset
        if net is None or dataset is None or not 0 <= index < len(dataset.split(split)[1]):
            return
        X, labels = dataset.columns(split, index, index + 1)  # X (features, 1)
        if self._preview.showing():  # the view shows the network that was judged
            self._preview.dismiss()
        snap = view.snapshot()
        if snap is None or snap.sizes[0] != X.shape[0]:
            return
        view.set_input(np.asarray(X[:, 0], dtype=np.float64))
        self.shown = (split, index)
        probs = net.predict_proba(X)[:, 0]
        predicted = int(np.argmax(probs))
        tab.show_training()
        back = self._back_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        text = describe(split, index, dataset.class_names, int(labels[0]), predicted, float(probs[predicted]))
        self._status.showMessage(f"{text} · {back}: back to the Evaluation tab", MESSAGE_MS)
