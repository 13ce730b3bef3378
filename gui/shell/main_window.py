"""MainWindow: builds the window's parts, hands each controller the parts it uses, and wires them together.

Training itself lives in a TrainingSession (worker, thread, trainer). The window keeps no trainer
state of its own: it turns actions and controls into session calls, and session signals into views.
Views and the draw pad read ``network()``, the GUI thread's copy that follows training. No controller
holds the window: each gets the parts it works with, and asks the window for more through a signal.
"""

import os
from functools import partial

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMainWindow

from engine.training_config import CSV, DEFAULT_TOY, MNIST, dataset_title, defaults_for
from gui.common.formatting import percent, sig3
from gui.common.icons import app_icon
from gui.common.notice_bar import NoticeBar
from gui.compare.tab import CompareTab
from gui.datasets.loader import DatasetStore
from gui.datasets.mnist_actions import MnistActions
from gui.datasets.mnist_location import discover_mnist
from gui.datasets.open_data import OpenData
from gui.draw_pad.digit_panel import DigitPanel
from gui.draw_pad.pretrained_preview import TRAIN_ACTIONS, PretrainedPreview
from gui.evaluation.picked_sample import PickedSample
from gui.evaluation.tab import EvaluationTab
from gui.files.checkpoint_actions import CheckpointActions
from gui.files.config_transfer import apply_config
from gui.files.parts import FileParts
from gui.files.reset_undo import ResetUndo
from gui.network_view.feed import NetworkViewFeed
from gui.network_view.view import NetworkView
from gui.shell.edge_budget import EdgeBudget
from gui.shell.export_menu import add_export_actions
from gui.shell.help_menu import HelpMenu
from gui.shell.key_routing import KeyRouting
from gui.shell.local_keys import LocalKeysFirst
from gui.shell.menu_order import MenuOrder
from gui.shell.palette_follower import PaletteFollower
from gui.shell.presentation import Presentation
from gui.shell.toolbar_fit import ToolbarFit
from gui.shell.training_actions import TrainingActions
from gui.shell.view_menu import ViewMenu
from gui.shell.window_layout import (
    add_dock,
    build_centre,
    fit_docks_to_screen,
    fit_to_screen,
    give_icons,
    scroll_tall_docks,
    scrolled,
    zoom_plot,
)
from gui.shell.window_state import WindowState
from gui.training.controls_panel import ControlsPanel
from gui.training.loss_plot import LossPlot
from gui.training.session import TrainingSession
from gui.training.status_bar import TrainingStatusBar
from gui.walkthrough.panel import WalkthroughPanel

TITLE = "Backprop Studio"
UNTITLED = "Untitled"  # the title of a network no checkpoint file belongs to
_WHAT_CHANGED = {"dataset": "The dataset", "architecture": "The architecture", "loss": "The loss",
                 "seed": "The seed"}


class MainWindow(QMainWindow):
    """The one window: toolbar, controls (left dock), Training, Evaluation and Compare tabs (centre), draw pad (right
    dock), File, Edit, View and Help menus, status bar.

    What it holds — training: ``datasets`` (DatasetStore), ``session`` (TrainingSession) and its ``worker``;
    the toolbar: ``toolbar`` with the training actions, One sample, Download MNIST and the edge-mode selector;
    left: ``controls`` (ControlsPanel); centre, above the tabs: ``notice`` and ``reset_notice`` (NoticeBar);
    the Training tab: ``network_view`` (NetworkView, fed by a NetworkViewFeed) over ``loss_plot`` in
    ``splitter``, ``walkthrough`` (WalkthroughPanel) under them; the Evaluation tab: ``evaluation``
    (EvaluationTab, with its EvaluationView and the QTabWidget) and ``picked_sample``; the Compare tab:
    ``compare`` (CompareTab); right: ``digit_panel``
    (DigitPanel) and ``preview`` (PretrainedPreview); menus: ``file_actions`` (CheckpointActions) with
    ``export_actions`` (ExportActions) and ``record_action`` (RecordAction), ``reset_undo`` (the Edit menu),
    ``view_menu``, ``help_menu``; ``mnist_actions``; ``status`` (TrainingStatusBar); ``palette_follower``;
    ``window_state``; ``presentation`` (full screen, the side panels, the words' zoom); ``edge_budget``.
    """

    DEFAULT_SIZE = (1400, 900)  # asked for at the first start (fitted to a smaller screen)

    network_reset = Signal(object)  # the window's copy of a freshly built NeuralNetwork
    weights_updated = Signal(object)  # a TrainingUpdate, after the window's copy took its weights
    dataset_changed = Signal(object)  # the Dataset the current network trains on

    def __init__(self, dataset=None, parent=None):
        """``dataset``: a dataset id to open on; by default MNIST when found, else a built-in 2-D set."""
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setWindowIcon(app_icon())
        self.resize(*self.DEFAULT_SIZE)
        self._shown_dataset = None  # the Dataset the views were last given
        self._shut_down = False
        mnist_folder, self._mnist_problem = discover_mnist()
        self.datasets = DatasetStore(mnist_folder, self)
        self.session = TrainingSession(self)
        self.worker = self.session.worker  # tests and tools wait on its ``busy``; its signals come from its thread
        self.notice = NoticeBar()  # messages: MNIST missing, divergence, errors, finished
        self.reset_notice = NoticeBar()  # "the architecture changed: reset to apply"
        self.mnist_actions = MnistActions(self, self.datasets, self.notice)  # download MNIST or choose its folder
        self._build_toolbar()
        self.controls = ControlsPanel()
        controls_dock = add_dock(self, "Controls", "controls_dock", Qt.DockWidgetArea.LeftDockWidgetArea,
                                 scrolled(self.controls))
        self.network_view = NetworkView()
        self.loss_plot = LossPlot()
        self.session.display_budget.frame_interval_changed.connect(self.loss_plot.set_frame_interval)
        self.walkthrough = WalkthroughPanel(self.session, self.controls, self.loss_plot, self)
        self.toolbar.insertAction(self._actions["reset"], self.walkthrough.one_sample)
        for name in ("step_phase", "step_back"):
            self._actions[name].triggered.connect(self.walkthrough.timeline.go_live)
        centre = build_centre((self.notice, self.reset_notice), self.network_view, self.loss_plot, self.walkthrough)
        self.setCentralWidget(centre.widget)
        self.splitter = centre.splitter  # network view over loss plot, in the Training tab
        self.status = TrainingStatusBar()
        self.setStatusBar(self.status)
        self._connect_session()
        self._feed_network_view()
        self.digit_panel = DigitPanel()  # the draw pad, classifying with the bundled model from the start
        pad_dock = add_dock(self, "Draw a digit", "draw_pad_dock", Qt.DockWidgetArea.RightDockWidgetArea,
                            self.digit_panel)
        fit_docks_to_screen(self, controls_dock, pad_dock)
        self._side_docks = (controls_dock, pad_dock)
        self.preview = PretrainedPreview(  # the pad's model in the view until training starts
            self.session, self.network_view, self._view_feed, self.digit_panel, self.controls, self.datasets,
            [self._actions[name] for name in TRAIN_ACTIONS], self)
        self.evaluation = EvaluationTab(self.session, centre.evaluation_view, centre.tabs, centre.training_page,
                                        self.dataset_changed, self)  # when to evaluate, switching tabs
        self.compare = CompareTab(self.controls, self.datasets, self.mnist_actions.buttons)
        centre.tabs.addTab(self.compare, "Compare")
        centre.tabs.setTabToolTip(2, "Several set-ups trained side by side on the same data (Ctrl+3).")
        self._build_menus()
        self._open_first_dataset(dataset)
        # Last: every dock and splitter exists to be restored, every action to be given its icon.
        give_icons(self)
        scroll_tall_docks(self)
        fit_to_screen(self)  # before the saved geometry, which replaces it when there is one
        self.palette_follower = PaletteFollower(self, [self.loss_plot, self.digit_panel.bars_plot], self.loss_plot)
        self.window_state = WindowState(self, self.controls, self.splitter)
        self.key_routing = KeyRouting(self)  # Space in number fields, arrows in sliders, Esc out of fields
        if dataset is None:
            self._restore_config()

    def __repr__(self):
        config = self.session.config
        return f"MainWindow({config.dataset if config else 'loading'}, generation {self.session.generation})"

    # -- what other widgets plug into ------------------------------------------------------------
    def network(self):
        """The window's copy of the current network (weights follow training); None while loading."""
        return self.session.network

    def dataset(self):
        """The Dataset the current network trains on; None while loading."""
        return self.session.dataset

    @property
    def trainer(self):
        """The current Trainer. Only its thread-safe methods may be called from the GUI thread."""
        return self.session.trainer

    @property
    def playing(self):
        return self.session.playing

    def action(self, name):
        """Any of the window's QActions by objectName: toolbar (play_pause, …) and menus (evaluate, quit, …)."""
        found = self._actions.get(name) or self.findChild(QAction, name)
        if found is None:
            known = sorted({a.objectName() for a in self.findChildren(QAction)} - {""})
            raise KeyError(f"the window has no action named {name!r}; it has: {', '.join(known)}")
        return found

    # -- building ---------------------------------------------------------------------------------
    def _build_toolbar(self):
        self._training_actions = TrainingActions()
        self.toolbar = self._training_actions.toolbar
        self.addToolBar(self.toolbar)
        self._actions = dict(self._training_actions.actions)  # objectName → QAction
        # Icons alone, Download first, when the words would push the last controls behind the » menu.
        self._toolbar_fit = ToolbarFit(self.toolbar, [self._actions[name] for name in (
            "download_mnist", "reset", "step_back", "step_phase", "step_batch", "play_pause")])
        for name, slot in (("play_pause", self.toggle_play), ("step_batch", self.step_batch),
                           ("step_phase", self.step_phase), ("step_back", self.step_back), ("reset", self.reset),
                           ("download_mnist", self.download_mnist)):
            self._actions[name].triggered.connect(slot)
        self.addActions(self._training_actions.key_actions())  # slower, faster: keys without a button
        speed = self._training_actions.speed_box
        speed.valueChanged.connect(self.session.set_speed)
        self.session.set_speed(speed.value())

    def _feed_network_view(self):
        """The network view fed from training, with its edge-mode selector in the toolbar."""
        self._view_feed = NetworkViewFeed(self.network_view, self.session, self)
        mode_box = self._view_feed.mode_selector()
        self.toolbar.addWidget(mode_box)
        self.walkthrough.set_view(self.network_view, self._view_feed, mode_box)

    def _build_menus(self):
        """File (checkpoints, configurations), Edit (Undo reset), View (the tabs, Evaluate now), Help; their
        shortcuts work wherever the focus is in the window (Ctrl+Z in the draw pad undoes a stroke)."""
        parts = self._file_parts = FileParts(self.session, self.controls, self.datasets, self.notice, self.reset_notice, self.status,
                          self.loss_plot, self.mnist_actions.buttons)
        self.file_actions = CheckpointActions(self, parts)
        self.file_actions["quit"].triggered.connect(self.close)
        self.file_actions.reset_requested.connect(self.reset)
        self.file_actions.file_changed.connect(self._show_title)
        self.open_data = OpenData(self, self.datasets, self.notice)  # File ▸ Open data…, under Open Recent
        self.file_actions.menu.insertAction(self.file_actions["save_checkpoint"], self.open_data.action)
        self.file_actions.menu.insertSeparator(self.file_actions["save_checkpoint"])
        self.open_data.opened.connect(self._on_table_opened)
        self.export_actions, self.record_action = add_export_actions(self, parts)  # above Quit
        self.reset_undo = ResetUndo(self, parts, self.file_actions)
        self._local_keys = LocalKeysFirst(self, [self.reset_undo["undo_reset"]])
        self.view_menu = ViewMenu(self)
        evaluation, tabs = self.evaluation, self.evaluation.tabs
        self.view_menu["show_training"].triggered.connect(evaluation.show_training)
        self.view_menu["show_evaluation"].triggered.connect(evaluation.show_evaluation)
        self.view_menu["evaluate"].triggered.connect(evaluation.evaluate_now)
        self.view_menu["show_compare"].triggered.connect(partial(tabs.setCurrentWidget, self.compare))
        self.compare.open_setup.connect(self._open_compared_setup)
        tabs.currentChanged.connect(self.view_menu.show_tab)
        self.presentation = Presentation(self, self._side_docks, [
            self.network_view.set_zoom, self.walkthrough.caption.set_zoom, partial(zoom_plot, self.loss_plot)])
        self.view_menu.add_section(self.presentation.actions)
        self.edge_budget = EdgeBudget(self.network_view, self)
        self.view_menu.add_submenu(self.edge_budget.menu, self.edge_budget.actions)
        self.picked_sample = PickedSample(evaluation, self.network_view, self.preview, self.status,
                                          self.view_menu["show_evaluation"])
        self.help_menu = HelpMenu(self)
        for menu in (self.file_actions, self.reset_undo, self.view_menu, self.help_menu):
            self.menuBar().addMenu(menu.menu)
            self.addActions(list(menu.actions.values()))
        self._menu_order = MenuOrder(self.menuBar())  # menus added later still go before Help

    def _connect_session(self):
        s, c = self.session, self.controls
        for signal, slot in ((s.network_reset, self._on_network_reset), (s.updated, self._on_updated),
                             (s.epoch_finished, self._on_epoch_finished), (s.diverged, self._on_diverged),
                             (s.failed, self._on_failed), (s.run_ended, self._on_run_ended),
                             (s.playing_changed, self._show_play_state),
                             (s.playing_changed, self.status.set_running),
                             (s.can_step_back_changed, self._show_play_state), (s.stepped_back, self._on_stepped_back),
                             (self.datasets.loaded, self._on_dataset_loaded),
                             (self.datasets.failed, self._on_dataset_failed),
                             (self.datasets.cancelled, self._show_play_state),
                             (self.datasets.started, self._show_play_state),
                             (self.mnist_actions.found, self.mnist_available),
                             (c.live_changed, self._on_live_changed), (c.optimizer_changed, self._on_optimizer_changed),
                             (c.structure_changed, self._on_structure_changed),
                             (QApplication.instance().aboutToQuit, self.shutdown)):
            signal.connect(slot)

    # -- actions ----------------------------------------------------------------------------------
    @Slot()
    def toggle_play(self):
        """Play when paused, pause when playing."""
        if self.session.playing:
            self.pause()
        else:
            self.play()

    @Slot()
    def play(self):
        if not self._all_epochs_done():
            self.session.play()

    @Slot()
    def pause(self):
        self.session.pause()

    @Slot()
    def step_batch(self):
        """Pause if playing, then train exactly one mini-batch."""
        if not self._all_epochs_done():
            self.session.step_batch()

    @Slot()
    def step_phase(self):
        """Pause if playing, then walk the current mini-batch one phase further (forward, loss, backward, update)."""
        if not self._all_epochs_done():
            self.session.step_phase()

    @Slot()
    def step_back(self):
        """Pause if playing, then go back one batch (in a walked batch, one phase), exactly as things were."""
        self.session.step_back()

    @Slot()
    def reset(self):
        """Build a fresh network and trainer from the controls (same seed → same initial weights).

        Training no file holds is asked about first (Save / Discard / Cancel); Edit ▸ Undo reset brings
        the replaced network back.
        """
        if not self.file_actions.may_replace("Reset"):
            return
        config = self.controls.config()
        dataset = self.datasets.get(config.dataset)
        if dataset is None:  # being read in the background: the reset happens when it is there
            self.status.showMessage(f"Loading {dataset_title(config.dataset)}…")
            self._show_play_state()
            return
        if dataset is not self.session.dataset:
            self.controls.set_dataset_shape(dataset)
        self.session.rebuild(config, dataset)  # → _on_network_reset

    @Slot(object)
    def _on_network_reset(self, net):
        dataset = self.session.dataset
        self.loss_plot.clear_data()
        self.loss_plot.set_dataset(dataset)
        self.status.show_idle(self.session.config.epochs)
        self.reset_notice.clear()
        self.notice.clear_passing()
        self._show_title()
        if dataset is not self._shown_dataset:
            self._shown_dataset = dataset
            self.dataset_changed.emit(dataset)
        self.network_reset.emit(net)
        self._show_play_state()

    def _all_epochs_done(self):
        if not self.session.epochs_done():
            return False
        epochs = self.session.worker.epoch_limit
        self.tell(f"All {epochs} epochs are done. Raise Epochs to train further, or Reset to "
                   "start again.", "info", [("Reset", "Builds a fresh network.", self.reset)])
        return True

    @Slot()
    def _show_play_state(self):
        loading = self.datasets.loading is not None
        self._training_actions.show_state(self.session.playing, self.session.trainer is not None and not loading,
                                          self.session.can_step_back)
        self._actions["reset"].setEnabled(not loading)

    # -- datasets --------------------------------------------------------------------------------
    def _open_first_dataset(self, requested):
        first = requested or (MNIST if self.datasets.mnist_folder else DEFAULT_TOY)
        self.controls.set_datasets(self.datasets.choices(), first)
        self.controls.set_config(defaults_for(first))
        if not self.datasets.mnist_folder:
            why = (self._mnist_problem + " ") if self._mnist_problem else ""
            # No set named: the remembered configuration may start another 2-D set (WindowState).
            self.tell(f"MNIST was not found, so training starts on a built-in 2-D set. {why}Download it once "
                      "(11.6 MB), or choose a folder that holds the four MNIST files.", "info",
                      self.mnist_actions.buttons(), sticky=True)
        self.reset()

    @Slot()
    def download_mnist(self):
        """Open the "Download MNIST" dialog (window-modal, not blocking)."""
        self.mnist_actions.download()

    @Slot()
    def choose_mnist_folder(self):
        """Ask for a folder that holds MNIST and remember it."""
        self.mnist_actions.choose_folder()

    @Slot(str)
    def mnist_available(self, folder):
        """MNIST can now be read from ``folder`` (e.g. after a download): offer it and switch to it."""
        self.datasets.set_mnist_folder(folder)
        self.controls.set_datasets(self.datasets.choices(), self.controls.config().dataset)
        self.notice.clear()
        self.compare.notice.clear()
        self.controls.dataset.setCurrentIndex(0)  # emits structure_changed("dataset")

    @Slot(object)
    def _open_compared_setup(self, config):
        """A compared run's set-up in the controls (Compare tab, double-click), and the Training tab shown."""
        if config.dataset == MNIST and not self.datasets.mnist_folder:
            return
        apply_config(self._file_parts, config, "The compared run's set-up is in the controls", self.reset)
        self.evaluation.show_training()

    def _restore_config(self):
        """The configuration of the last run in the controls, built, if its dataset is on offer."""
        config = self.window_state.remembered_config([key for key, _ in self.datasets.choices()])
        if config is not None:
            self.controls.set_config(config)
            self.reset()

    @Slot()
    def _on_table_opened(self):
        """A CSV was read: offer it in the dataset selector and switch to it (a reset builds its network)."""
        self.controls.set_datasets(self.datasets.choices(), CSV)
        self._on_structure_changed("dataset")

    @Slot(str)
    def _on_dataset_loaded(self, name):
        self.status.clearMessage()
        if self.controls.config().dataset == name and name != CSV:  # a table: _on_table_opened
            self.reset()
        self._show_play_state()

    @Slot(str, str)
    def _on_dataset_failed(self, name, message):
        self.status.clearMessage()
        self.tell(f"{dataset_title(name)} could not be read: {message}", "error", sticky=True)
        if self.session.trainer is None:  # nothing to show yet: fall back to a built-in set
            self.controls.set_config(defaults_for(DEFAULT_TOY))
            self.reset()
        self._show_play_state()

    # -- controls -> trainer ---------------------------------------------------------------------
    def _same_dataset(self):
        """False while a switch of dataset waits for its reset (live values then wait too)."""
        built = self.session.config
        return built is not None and self.controls.config().dataset == built.dataset

    @Slot(dict)
    def _on_live_changed(self, values):
        if not self._same_dataset():
            return
        self.session.set_live(values)
        if "epochs" in values:  # the new total at once, not with the next batch
            self.status.set_epochs(values["epochs"])
        if "batch_size" in values:  # the batches left, counted at the new size, at once
            self.status.set_batch_size(values["batch_size"])

    @Slot(str)
    def _on_optimizer_changed(self, kind):
        if self._same_dataset():
            self.session.set_optimizer(self.controls.config())

    @Slot(str)
    def _on_structure_changed(self, what):
        config = self.controls.config()
        if what == "dataset":  # each dataset starts from its own sensible defaults (the seed stays)
            table = self.datasets.cached(CSV) if config.dataset == CSV else None
            defaults = defaults_for(config.dataset, table.is_regression if table is not None else None)
            defaults.seed = config.seed
            self.controls.set_config(defaults)
            config = defaults
            self._show_dataset_shape(config.dataset)
        if self.session.config is None or self.session.is_fresh():
            self.reset()  # nothing trained yet, nothing to lose
            return
        if not config.needs_reset(self.session.config):
            self.reset_notice.clear()
            return
        self.reset_notice.show_message(
            f"{_WHAT_CHANGED[what]} changed. Reset (Ctrl+R) builds the new network; until then training "
            "continues with the current one.", "warning",
            [("Reset now", "Builds a fresh network from the controls.", self.reset)])

    def _show_dataset_shape(self, name):
        """The controls show the inputs and outputs of dataset ``name`` (the network a reset would build), when it
        is at hand without reading anything (MNIST not yet read keeps the shape shown)."""
        built = self.session.dataset
        if built is not None and self.session.config.dataset == name:
            dataset = built
        else:
            dataset = self.datasets.get(name) if name != MNIST else None
        if dataset is not None:
            self.controls.set_dataset_shape(dataset)

    # -- session -> views --------------------------------------------------------------------------
    @Slot(object)
    def _on_updated(self, update):
        self.loss_plot.add_batches(update.epoch_x, update.losses)
        self.status.show_update(update)
        self.weights_updated.emit(update)

    @Slot(object)
    def _on_stepped_back(self, back):
        """The loss plot as the history is now; before any batch, the status says nothing is trained."""
        self.loss_plot.show_history(back.history, back.n_train)
        if back.step == 0:
            self.status.show_idle(self.session.worker.epoch_limit)

    @Slot(object)
    def _on_epoch_finished(self, event):
        self.loss_plot.add_epoch(event.epoch + 1, event.train_loss, event.test_loss, event.test_accuracy)
        score = (f"test RMSE {sig3(event.test_rmse)}, R² {event.test_r2:.3f}" if self.session.dataset.is_regression
                 else f"test accuracy {percent(event.test_accuracy)}")
        self.status.show_epoch(f"Epoch {event.epoch + 1}: {score}, test loss {sig3(event.test_loss)}")

    @Slot(object)
    def _on_diverged(self, event):
        self.tell(event.message, "warning")

    @Slot(str)
    def _on_failed(self, text):
        last = text.strip().splitlines()[-1] if text.strip() else "unknown error"
        self.tell(f"Training stopped on an error: {last}", "error", tooltip=text)

    @Slot(object)
    def _on_run_ended(self, event):
        if event.reason == "completed":
            tail = self.loss_plot.last_score()
            tail = f"; {tail}" if tail else ""
            self.tell(f"Training finished: {event.epochs_done} epochs{tail}.", "info")

    def tell(self, text, kind="info", buttons=(), tooltip="", sticky=False):
        """Show a message above the views; unless ``sticky``, the next reset clears it."""
        self.notice.show_message(text, kind, buttons, tooltip, sticky)

    @Slot()
    def _show_title(self):
        """"run.npz — Backprop Studio — <dataset>, 784 → 16 → 10": the network's file, or Untitled."""
        net, dataset = self.session.network, self.session.dataset
        if net is None:
            self.setWindowTitle(TITLE)
            return
        files = self.file_actions
        name = UNTITLED if files.path is None else os.path.basename(files.path)
        self.setWindowTitle(f"{name}[*] — {TITLE} — {dataset.title}, {' → '.join(map(str, net.sizes))}")
        self.setWindowModified(files.modified)

    # -- closing -----------------------------------------------------------------------------------
    @Slot()
    def shutdown(self):
        """Stop training after the batch in progress and wait for both threads (idempotent)."""
        if self._shut_down:
            return
        self._shut_down = True
        self.digit_panel.shutdown()
        self.evaluation.shutdown()
        self.compare.shutdown()
        self.mnist_actions.shutdown()
        self.session.shutdown()
        self.datasets.shutdown()

    def closeEvent(self, event):
        # "Save the recording?" or "Save changes to …?" answered Cancel: the window stays.
        if self.isVisible() and not (self.record_action.may_close() and self.file_actions.may_close()):
            event.ignore()
            return
        self.shutdown()
        super().closeEvent(event)
