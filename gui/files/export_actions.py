"""ExportActions: File ▸ Export model… and File ▸ Export figure… (and "Export figure…" on a figure's right-click).

Export model writes the window's current network as ONNX, a NumPy-only script or a PyTorch script through
engine.export.export_model, with the dataset information a checkpoint would hold (how inputs are scaled,
the class names). The network is a copy taken where the trainer lives, between two batches
(TrainingWorker.call_between_batches), as saving a checkpoint does. File ▸ Export figure… starts on the
current tab's main figure (Training: the network view; Evaluation: the confusion matrix), and the dialog
offers every figure; a right-click starts on the figure clicked. Errors are shown in the window's notice,
success in the status bar.
"""

import functools
import importlib.util
import os

from PySide6.QtCore import QObject, QPoint, Qt, Slot
from PySide6.QtWidgets import QMenu

from engine.export import FORMATS, ExportError, export_model
from engine.export.onnx_export import INSTALL_HINT as ONNX_HINT
from gui.common.action_spec import make_action
from gui.common.export_dialog import ExportDialog, ExportFormat
from gui.common.figure_export import PNG, SCALES, SVG, save_figure
from gui.files.checkpoint_contents import checkpoint_extra, trained_config
from gui.training.worker import WalkInProgress

SPECS = [
    ("export_model", "Export &model…", "", ("Writes the current network for use elsewhere: ONNX, a NumPy-only "
                                            "script or a PyTorch script.")),
    ("export_figure", "Export &figure…", "", ("Saves a figure — the network view, the loss and accuracy plots, the "
                                              "confusion matrix, the draw pad's preprocessing — as PNG or SVG.")),
]
MODEL_LABELS = {"onnx": "ONNX model (.onnx)", "numpy": "NumPy script (.py + .npz weights)",
                "torch": "PyTorch script (.py + .npz weights)"}
MODEL_FILTERS = {"onnx": "ONNX models (*.onnx)", "numpy": "Python scripts (*.py)", "torch": "Python scripts (*.py)"}


def model_formats():
    """The model formats on offer; ONNX greyed out, with how to get it, when the onnx package is missing."""
    onnx_missing = importlib.util.find_spec("onnx") is None
    return [ExportFormat(key, MODEL_LABELS[key], FORMATS[key][0], MODEL_FILTERS[key],
                         ONNX_HINT if key == "onnx" and onnx_missing else "") for key in FORMATS]


def figure_formats():
    """PNG at each scale, then SVG."""
    pngs = [ExportFormat(f"png{s}", f"PNG, {s}× its size on screen", PNG, "PNG images (*.png)") for s in SCALES]
    return pngs + [ExportFormat("svg", "SVG (vector, for slides and print)", SVG, "SVG drawings (*.svg)")]


class ExportActions(QObject):
    """The two actions; see the module docstring.

    parent : the widget the dialogs open over. parts : the window's FileParts. figures : the Figures
    (gui/common/figure_export.py) on offer; current_figure : a function giving the name of the current tab's.
    folder : a function giving the folder the file dialogs start in.
    """

    def __init__(self, parent, parts, figures, current_figure, folder):
        super().__init__(parent)
        self.parts = parts
        self.figures = {f.name: f for f in figures}
        self._current_figure = current_figure
        self._folder = folder
        self.dialog = None  # the export dialog last opened
        self.actions = {name: make_action(self, name, text, keys, tip) for name, text, keys, tip in SPECS}
        self.actions["export_model"].triggered.connect(self.export_model_dialog)
        self.actions["export_figure"].triggered.connect(self.export_figure_dialog)
        for figure in figures:
            for widget in figure.menu_widgets():
                _offer_on_right_click(widget, functools.partial(self.export_figure_dialog, figure.name))

    def __repr__(self):
        return f"ExportActions({', '.join(self.figures)})"

    def __getitem__(self, name):
        return self.actions[name]

    # -- the model -------------------------------------------------------------------------------
    def _model_name(self):
        session = self.parts.session
        if session.network is None:
            return "network"
        return f"{session.config.dataset}-{'-'.join(map(str, session.network.sizes))}"

    @Slot()
    def export_model_dialog(self):
        if self.parts.session.trainer is None:
            self._tell("Nothing to export yet: the network is still being built.", "info")
            return
        base = os.path.join(self._folder(), self._model_name())
        intro = ("The network as it is now, with how its inputs are scaled and its classes' names. The scripts "
                 "need nothing from this app to run.")
        self.dialog = ExportDialog(self.parent(), "Export model", model_formats(), lambda key: base, intro=intro)
        self.dialog.chosen.connect(self.export_model_to)
        self.dialog.open()

    @Slot(str, str)
    def export_model_to(self, fmt, path):
        """Write the current network to ``path`` in format ``fmt`` ("onnx", "numpy", "torch"); True when written."""
        session = self.parts.session
        if session.trainer is None:
            return False
        base, dataset = session.config, session.dataset
        taken = []

        def copy(trainer):  # in the training thread, between two batches
            config = trained_config(base, trainer)
            taken.append((trainer.net.clone(), checkpoint_extra(config, dataset, trainer)))

        playing = session.playing
        if playing:  # the copy stops the run between two batches; it goes on afterwards
            session.pause()
        try:
            session.worker.call_between_batches(copy)
        except WalkInProgress:
            self._tell("A training step is being walked phase by phase and its update is not done: finish the "
                       "step (Step batch), then export.", "warning")
            return False
        finally:
            if playing:
                session.play()
        net, extra = taken[0]
        try:
            files = export_model(net, fmt, path, extra=extra)
        except ExportError as exc:
            self._tell(f"Not exported: {exc}", "error", tooltip=path)
            return False
        names = ", ".join(os.path.basename(f) for f in files)
        self.parts.status.showMessage(f"Exported {names} to {os.path.dirname(files[0])}", 8000)
        return True

    # -- figures ---------------------------------------------------------------------------------
    @Slot()
    def export_figure_dialog(self, name=None):
        """The figure dialog, starting on figure ``name`` (default: the current tab's main figure)."""
        name = name or self._current_figure()
        targets = [(f.name, f.title) for f in self.figures.values()]
        dialog = ExportDialog(self.parent(), "Export figure", figure_formats(), self._figure_path,
                              targets=targets, target=name)
        self.dialog = dialog
        dialog.chosen.connect(lambda fmt, path: self.export_figure_to(dialog.target(), fmt, path))
        dialog.open()

    def _figure_path(self, fmt):
        name = self.dialog.target() if self.dialog is not None else self._current_figure()
        return os.path.join(self._folder(), f"{self._model_name()}-{name}")

    def export_figure_to(self, name, fmt, path):
        """Write figure ``name`` to ``path`` as "svg" or "png1", "png2", "png4"; True when written."""
        figure = self.figures[name]
        scale = 1 if fmt == "svg" else int(fmt[3:])
        try:
            size = save_figure(figure, path, scale)
        except OSError as exc:
            self._tell(f"Not saved: {os.path.basename(path)}: {exc.strerror or exc}", "error", tooltip=path)
            return False
        self.parts.status.showMessage(f"Saved {figure.title.lower()} as {os.path.basename(path)} "
                                      f"({size / 1024:,.0f} KB)", 8000)
        return True

    def _tell(self, text, kind="info", tooltip=""):
        self.parts.notice.show_message(text, kind, (), tooltip)


def _offer_on_right_click(widget, export):
    """A right-click on ``widget`` offers "Export figure…", which calls ``export``."""
    widget.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    widget.customContextMenuRequested.connect(FigureMenu(widget, export).show_at)


class FigureMenu(QObject):
    """The right-click menu of a figure (a child of its widget, which it finds as its parent)."""

    def __init__(self, widget, export):
        super().__init__(widget)
        self.setObjectName("figure_menu")
        self._export = export
        self.menu = None  # the menu last shown

    @Slot(QPoint)
    def show_at(self, pos):
        widget = self.parent()
        self.menu = QMenu(widget)
        self.menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.menu.addAction("Export figure…", self._export).setObjectName("export_this_figure")
        self.menu.popup(widget.mapToGlobal(pos))
