"""PretrainedPreview: until anything is trained, the network view shows the draw pad's model.

At start the session holds an untrained seed network, whose picture says little and whose guesses are
noise. On MNIST the view shows the model the draw pad classifies with instead (the bundled pretrained
MLP, or the one fine-tuned on the user's digits), with a badge saying so, and the digit drawn on the
pad lights it up: the view and the pad's guess agree. The first step of training (Space, step batch,
step phase) hands the view back to the training network for good; so do the badge's link and any
network that was not built untrained (an opened checkpoint). Reset then shows the fresh network it built.
"""

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QLabel

import gui.draw_pad.model_store as model_store
from engine.files.checkpoint import CheckpointError, load_checkpoint
from engine.training_config import MNIST
from gui.common.formatting import percent
from gui.network_view.layout import compute_layout

TRAIN_ACTIONS = ("play_pause", "step_batch", "step_phase")  # the toolbar actions that start training
TITLES = {"bundled": "Pretrained model", "personal": "Pretrained model, fine-tuned on your digits"}
BADGE_STYLE = "background: rgba(24, 64, 104, 225); color: white; padding: 4px 9px; border-radius: 4px"
LINK_COLOUR = "#9fd3ff"
BADGE_X, BADGE_Y = 8, 28  # the badge's place in the view: top left, under the column headers
GRID_OVERLAP = 8  # pixels of the input grid the full badge may cover before the compact one is used


def arrow(sizes, space="&nbsp;"):
    """784 → 16 → 10, never broken across lines (rich text; ``space=" "`` for plain text)."""
    return f"{space}→{space}".join(map(str, sizes))


def model_accuracy(source):
    """The MNIST test accuracy saved with the draw pad's model ("bundled" or "personal"), or None."""
    if source == "bundled":
        return model_store.bundled_model_info().get("test_accuracy")
    if source == "personal":
        try:
            return load_checkpoint(model_store.personal_model_path())[1].get("mnist_test_accuracy")
        except CheckpointError:
            return None
    return None


def untrained(net):
    """True when ``net`` still has the zero biases every layer starts from (no step, no checkpoint)."""
    return all(not layer.b.any() for layer in net.layers)


class PretrainedPreview(QObject):
    """Shows ``panel``'s (a DigitPanel) model in the NetworkView ``view``, through ``feed``, until training starts.

    It also hands the pad's drawing to the view as its input, whichever network the view shows.
    session : the TrainingSession. controls, datasets : the ControlsPanel and the DatasetStore, which tell
    what the first network will be while MNIST is read. train_actions : the QActions that start training.
    """

    def __init__(self, session, view, feed, panel, controls, datasets, train_actions, parent=None):
        super().__init__(parent)
        self.session, self.view, self.feed, self.panel = session, view, feed, panel
        self._controls, self._datasets = controls, datasets
        self.dismissed = False  # training started (or the user asked for the training network): never again
        self._facts = None  # (model, its MNIST test accuracy): the model the badge's numbers belong to
        self._texts = ("", "")  # the badge's full and compact texts
        self.badge = QLabel(self.view)  # over the view while it shows the pad's model
        self.badge.setObjectName("pretrained_badge")
        self.badge.setStyleSheet(BADGE_STYLE)
        self.badge.setTextFormat(Qt.TextFormat.RichText)
        self.badge.linkActivated.connect(self._on_link)
        self.badge.move(BADGE_X, BADGE_Y)
        self.badge.hide()
        self.view.installEventFilter(self)  # the badge's text is chosen again when the view is resized
        s = self.session
        s.network_reset.connect(self._refresh)
        s.updated.connect(self._on_trained)  # training started some other way than the actions
        s.playing_changed.connect(self._on_playing_changed)
        for action in train_actions:
            action.triggered.connect(self.dismiss)
        feed.stand_in_ended.connect(self.dismiss)  # a walked step began some other way than the action
        self.panel.model_changed.connect(self._refresh)
        self.panel.draw_pad.input_changed.connect(self._on_drawn_input)
        self._refresh()
        QTimer.singleShot(0, self, self._refresh)  # MNIST is being read by then: the first frame shows the model

    def __repr__(self):
        return f"PretrainedPreview({'showing' if self.showing() else 'dismissed' if self.dismissed else 'idle'})"

    def showing(self):
        """True while the view shows the draw pad's model instead of the training network."""
        return self.feed.stand_in is not None

    @Slot()
    def dismiss(self):
        """From now on the view shows the training network (called when training starts)."""
        self.dismissed = True
        self._refresh()

    def _wanted(self):
        """The pad's model when it should be shown now, else None."""
        model = self.panel.model()
        if self.dismissed or model is None:
            return None
        net, dataset = self.session.network, self.session.dataset
        if net is None:  # nothing built yet: shown while MNIST is read for the first network
            return model if self._datasets.loading == MNIST == self._controls.config().dataset else None
        reads = dataset is not None and dataset.is_image and net.sizes[0] == model.sizes[0]
        if not reads or net.sizes[-1] != model.sizes[-1]:
            return None
        return model if self.session.is_fresh() and untrained(net) else None

    @Slot()
    @Slot(object)
    def _refresh(self, *_):
        net = self.session.network
        if net is not None and not (self.session.is_fresh() and untrained(net)):
            self.dismissed = True  # trained, or a trained network opened: the view follows training from now on
        model = self._wanted()
        if model is None:
            self.feed.show_session()
            self.badge.hide()
            return
        self.feed.show_instead(model)
        self._show_badge(model)

    def _show_badge(self, model):
        if self._facts is None or self._facts[0] is not model:
            self._facts = (model, model_accuracy(self.panel.model_source()))
        accuracy = self._facts[1]
        title = TITLES.get(self.panel.model_source(), "The draw pad's model")
        score = f"{percent(accuracy)} on MNIST test" if accuracy is not None else ""
        net = self.session.network
        if net is not None:
            fresh = f"{arrow(net.sizes)} · <a href='training' style='color: {LINK_COLOUR}'>show it</a>"
        else:  # MNIST is being read: the network Space will train is not built yet
            fresh = arrow([model.sizes[0], *self._controls.config().hidden, model.sizes[-1]])
        self._texts = (f"<b>{title}</b> · {arrow(model.sizes)}<br>{score + ' · ' if score else ''}It reads the "
                       f"digit you draw.<br>Space trains a fresh {fresh}",
                       f"<b>{title}</b>{' · ' + score if score else ''}")  # (full, compact for small views)
        self.badge.setToolTip(f"The network view shows the draw pad's model ({arrow(model.sizes, ' ')}) until training "
                              "starts; then it shows the network being trained.")
        self._place_badge()
        self.badge.show()
        self.badge.raise_()

    def _place_badge(self):
        """The full text where it fits left of the first hidden column and above the input grid, else the short one."""
        lay = compute_layout(self.view.snapshot().sizes, self.view.width(), self.view.height(),
                             zoom=self.view.zoom())
        room = int(lay.column_x(1)) - BADGE_X - 14
        top = lay.grid[1] if lay.grid is not None else lay.height
        y = max(BADGE_Y, round(lay.top))  # under the headers, however large their words
        self.badge.move(BADGE_X, y)
        for text in self._texts:
            self.badge.setText(text)
            self.badge.adjustSize()  # its lines never wrap: the size is the text's
            if self.badge.width() <= room and y + self.badge.height() - top <= GRID_OVERLAP:
                break

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Resize and self.badge.isVisible():
            self._place_badge()
        return False

    @Slot(str)
    def _on_link(self, _):
        self.dismiss()

    @Slot(object)
    def _on_trained(self, _):
        if not self.dismissed:
            self.dismiss()

    @Slot(bool)
    def _on_playing_changed(self, playing):
        if playing:
            self.dismiss()

    @Slot(object)
    def _on_drawn_input(self, x):
        """The digit drawn on the pad becomes the view's input, when the network shown reads 28×28 images."""
        snap = self.view.snapshot()
        if snap is None or snap.sizes[0] != 784:
            return
        self.view.set_input(None if x is None else x.ravel())
