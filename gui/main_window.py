"""MainWindow: toolbar actions, the controls dock, the live views, and the training worker's thread.

The window builds networks and trainers on the GUI thread and hands each trainer to the worker, which
alone uses it from then on. The window keeps a *copy* of the network (``network()``) that follows the
worker's throttled updates; views and the draw pad read that copy, never the trainer's.
"""

from PySide6.QtCore import Qt, QThread, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QApplication, QDockWidget, QMainWindow, QScrollArea, QSplitter, QStyle,
                               QToolBar, QVBoxLayout, QWidget)

from engine import mnist_source
from engine.optimizers import get_optimizer
from engine.toy_datasets import TOY_DATASETS

from .controls_panel import ControlsPanel
from .dataset_loader import DatasetLoader
from .download_dialog import DownloadDialog, ask_for_mnist_folder
from .formatting import percent, sig3
from .loss_plot import LossPlot
from .mnist_location import discover_mnist
from .notice_bar import NoticeBar
from .settings import remember_mnist_folder
from .status_bar import TrainingStatusBar
from .training_config import DEFAULT_TOY, MNIST, build, dataset_title, defaults_for, make_builtin
from .training_worker import TrainingWorker

_WHAT_CHANGED = {"dataset": "The dataset", "architecture": "The architecture", "loss": "The loss",
                 "seed": "The seed"}


class MainWindow(QMainWindow):
    """The one window: toolbar, controls (left dock), network view and loss plot (centre), status bar."""

    network_reset = Signal(object)  # the window's copy of a freshly built NeuralNetwork
    weights_updated = Signal(object)  # a TrainingUpdate, after the window's copy took its weights
    dataset_changed = Signal(object)  # the Dataset the current network trains on

    def __init__(self, dataset=None, parent=None):
        """``dataset``: a dataset id to open on; by default MNIST when found, else a built-in 2-D set."""
        super().__init__(parent)
        self.setWindowTitle("Backprop Studio")
        self.resize(1400, 900)
        self._datasets = {}  # dataset id → loaded Dataset
        self._mnist_folder, self._mnist_problem = discover_mnist()
        self._generation = 0  # bumped by every reset; worker signals from older trainers are dropped
        self._trainer = None  # the worker's current Trainer (built here; only its thread-safe setters used here)
        self._net = None  # the window's copy of the network, following the worker's updates
        self._dataset = None  # the Dataset of the current network
        self._built = None  # the TrainingConfig the current network was built from
        self._playing = False  # what the user asked for: a run in progress or paused
        self._loading = None  # the dataset id being loaded in the background, if any
        self._network_view = None
        self._draw_pad_dock = None
        self._shut_down = False
        self._notice_sticky = False  # the notice shown survives resets (MNIST missing)
        self._download_dialog = None  # the open "Download MNIST" dialog, if any

        self._build_actions()
        self.controls = ControlsPanel()
        scroll = QScrollArea()
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(self.controls.sizeHint().width() + 24)
        self.controls_dock = QDockWidget("Controls", self)
        self.controls_dock.setObjectName("controls_dock")
        self.controls_dock.setWidget(scroll)
        self.controls_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.controls_dock)

        self.notice = NoticeBar()  # messages: MNIST missing, divergence, errors, finished
        self.reset_notice = NoticeBar()  # "the architecture changed: reset to apply"
        self.loss_plot = LossPlot()
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.loss_plot)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(6, 6, 6, 0)
        column.addWidget(self.notice)
        column.addWidget(self.reset_notice)
        column.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.status = TrainingStatusBar()
        self.setStatusBar(self.status)

        self.worker = TrainingWorker()
        self._thread = QThread(self)
        self._thread.setObjectName("training")
        self.worker.moveToThread(self._thread)
        self.worker.started.connect(self._on_started)
        self.worker.batch_finished.connect(self._on_batch_finished)
        self.worker.epoch_finished.connect(self._on_epoch_finished)
        self.worker.diverged.connect(self._on_diverged)
        self.worker.failed.connect(self._on_failed)
        self.worker.finished.connect(self._on_finished)
        self._thread.start()
        self.loader = DatasetLoader()
        self._loader_thread = QThread(self)
        self._loader_thread.setObjectName("dataset loading")
        self.loader.moveToThread(self._loader_thread)
        self.loader.loaded.connect(self._on_dataset_loaded)
        self.loader.failed.connect(self._on_dataset_failed)
        self._loader_thread.start()
        QApplication.instance().aboutToQuit.connect(self.shutdown)

        self.controls.live_changed.connect(self._on_live_changed)
        self.controls.optimizer_changed.connect(self._on_optimizer_changed)
        self.controls.structure_changed.connect(self._on_structure_changed)
        self._open_first_dataset(dataset)

    def __repr__(self):
        return f"MainWindow({self._built.dataset if self._built else 'loading'}, generation {self._generation})"

    # -- what other widgets plug into ------------------------------------------------------------
    def network(self):
        """The window's copy of the current network (weights follow training); None while loading."""
        return self._net

    def dataset(self):
        """The Dataset the current network trains on; None while loading."""
        return self._dataset

    @property
    def trainer(self):
        """The current Trainer. Only its thread-safe methods may be called from the GUI thread."""
        return self._trainer

    @property
    def playing(self):
        return self._playing

    def action(self, name):
        """A toolbar QAction by objectName: play_pause, step_batch, step_phase or reset."""
        return self._actions[name]

    def set_network_view(self, widget):
        """Put ``widget`` above the loss plot; it is fed ``set_network``, ``set_weights``, ``set_gradients``."""
        if self._network_view is not None:
            self._network_view.setParent(None)
        self._network_view = widget
        self.splitter.insertWidget(0, widget)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self._feed_view_network()

    def set_draw_pad_panel(self, widget, title="Draw a digit"):
        """Put ``widget`` in a dock on the right (the draw pad and its guesses)."""
        if self._draw_pad_dock is None:
            self._draw_pad_dock = QDockWidget(title, self)
            self._draw_pad_dock.setObjectName("draw_pad_dock")
            self._draw_pad_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self._draw_pad_dock)
        self._draw_pad_dock.setWindowTitle(title)
        self._draw_pad_dock.setWidget(widget)

    # -- actions ----------------------------------------------------------------------------------
    def _build_actions(self):
        style = self.style()
        icon = lambda name: style.standardIcon(getattr(QStyle.StandardPixmap, name))  # noqa: E731
        self._play_icon, self._pause_icon = icon("SP_MediaPlay"), icon("SP_MediaPause")
        specs = [
            ("play_pause", "Play", self._play_icon, "Space", "Trains continuously; press again to pause."),
            ("step_batch", "Step batch", icon("SP_MediaSkipForward"), "Right",
             "Trains exactly one mini-batch, then shows the result."),
            ("step_phase", "Step phase", icon("SP_MediaSeekForward"), "Shift+Right",
             "Walks one training step phase by phase: forward, loss, backward, update."),
            ("reset", "Reset", icon("SP_BrowserReload"), "Ctrl+R",
             "Builds a fresh network from the controls, initialised from the seed."),
        ]
        self.toolbar = QToolBar("Training")
        self.toolbar.setObjectName("training_toolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(self.toolbar.toolButtonStyle().ToolButtonTextBesideIcon)
        self.addToolBar(self.toolbar)
        self._actions = {}  # objectName → QAction
        for name, text, ic, keys, tip in specs:
            action = QAction(ic, text, self)
            action.setObjectName(name)
            action.setShortcut(QKeySequence(keys))
            action.setToolTip(f"{tip} ({QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)})")
            self.toolbar.addAction(action)
            self._actions[name] = action
        self.toolbar.addSeparator()
        download = QAction(icon("SP_ArrowDown"), "Download MNIST", self)
        download.setObjectName("download_mnist")
        download.setToolTip("Downloads the four MNIST files (11.6 MB) once, checked by SHA-256; "
                            "or lets you choose a folder that holds them.")
        download.triggered.connect(self.download_mnist)
        self.toolbar.addAction(download)
        self._actions["download_mnist"] = download
        self._actions["step_phase"].setEnabled(False)  # phase stepping arrives with the walkthrough
        self._actions["play_pause"].triggered.connect(self.toggle_play)
        self._actions["step_batch"].triggered.connect(self.step_batch)
        self._actions["reset"].triggered.connect(self.reset)

    @Slot()
    def toggle_play(self):
        """Play when paused, pause when playing."""
        if self._playing:
            self.pause()
        else:
            self.play()

    @Slot()
    def play(self):
        if self._trainer is None or self._playing:
            return
        if self._all_epochs_done():
            return
        self._playing = True
        self.worker.play()
        self._show_play_state()

    @Slot()
    def pause(self):
        self._playing = False
        self.worker.pause()
        self._show_play_state()

    @Slot()
    def step_batch(self):
        """Pause if playing, then train exactly one mini-batch."""
        if self._trainer is None or self._all_epochs_done():
            return
        self._playing = False
        self.worker.step_batch()
        self._show_play_state()

    @Slot()
    def reset(self):
        """Build a fresh network and trainer from the controls (same seed → same initial weights)."""
        config = self.controls.config()
        dataset = self._datasets.get(config.dataset)
        if dataset is None and config.dataset != MNIST:
            dataset = self._datasets[config.dataset] = make_builtin(config.dataset)
        if dataset is None:
            self._load(config.dataset)
            return
        self._playing = False
        net, trainer = build(config, dataset)
        self._generation += 1
        self._trainer, self._built, self._net = trainer, config, net.clone()
        self.worker.set_epoch_limit(config.epochs)
        self.worker.set_trainer(trainer, self._generation)
        if dataset is not self._dataset:
            self._dataset = dataset
            self.controls.set_dataset_shape(dataset)
            self.dataset_changed.emit(dataset)
        self.loss_plot.clear_data()
        self.status.show_idle(config.epochs)
        self.reset_notice.clear()
        if not self._notice_sticky:
            self.notice.clear()
        self.setWindowTitle(f"Backprop Studio — {dataset.title}, {' → '.join(map(str, net.sizes))}")
        self._feed_view_network()
        self.network_reset.emit(self._net)
        self._show_play_state()

    def _all_epochs_done(self):
        epochs = self.controls.epochs.value()
        if self._trainer.epoch < epochs:
            return False
        self._tell(f"All {epochs} epochs are done. Raise Epochs to train further, or Reset to "
                   "start again.", "info", [("Reset", "Builds a fresh network.", self.reset)])
        return True

    def _show_play_state(self):
        action = self._actions["play_pause"]
        action.setText("Pause" if self._playing else "Play")
        action.setIcon(self._pause_icon if self._playing else self._play_icon)
        ready = self._trainer is not None and self._loading is None
        for name in ("play_pause", "step_batch", "reset"):
            self._actions[name].setEnabled(ready or (name == "reset" and self._loading is None))

    # -- datasets --------------------------------------------------------------------------------
    def _open_first_dataset(self, requested):
        choices = ([(MNIST, dataset_title(MNIST))] if self._mnist_folder else [])
        choices += [(key, title) for key, (title, _, _) in TOY_DATASETS.items()]
        first = requested or (MNIST if self._mnist_folder else DEFAULT_TOY)
        self.controls.set_datasets(choices, first)
        self.controls.set_config(defaults_for(first))
        if not self._mnist_folder:
            why = (self._mnist_problem + " ") if self._mnist_problem else ""
            self._tell(f"MNIST was not found, so training starts on the built-in 2-D set "
                       f"“{dataset_title(first)}”. {why}Download it once (11.6 MB), or choose a folder that "
                       "holds the four MNIST files.", "info", self._mnist_buttons(), sticky=True)
        self.reset()

    def _mnist_buttons(self):
        return [("Download MNIST…", "Downloads the four MNIST files (11.6 MB) into the user cache, once.",
                 self.download_mnist),
                ("Choose folder…", "Use a folder that already holds the four MNIST files; it is remembered.",
                 self.choose_mnist_folder)]

    @Slot()
    def download_mnist(self):
        """Open the download dialog (window-modal, not blocking); on success MNIST is offered at once."""
        if self._download_dialog is not None:
            self._download_dialog.raise_()
            return
        # Always the cache, never ensure_mnist: a stale environment variable must not stop the download.
        dialog = self._download_dialog = DownloadDialog(self, dest=mnist_source.cache_dir())
        dialog.mnist_ready.connect(self._on_mnist_ready)
        dialog.finished.connect(self._on_download_closed)
        dialog.open()
        dialog.start()

    @Slot()
    def choose_mnist_folder(self):
        """Ask for a folder holding MNIST; remember it and offer MNIST, or say what the folder lacks."""
        folder, problem = ask_for_mnist_folder(self, self._mnist_folder)
        if problem:
            self._tell(problem, "error", self._mnist_buttons(), sticky=True)
        elif folder:
            remember_mnist_folder(folder)
            self._on_mnist_ready(folder)

    @Slot(str)
    def _on_mnist_ready(self, folder):
        self.mnist_available(folder)

    @Slot(int)
    def _on_download_closed(self, result):
        dialog, self._download_dialog = self._download_dialog, None
        if dialog is not None:
            dialog.deleteLater()

    def mnist_available(self, folder):
        """MNIST can now be read from ``folder`` (e.g. after a download): offer it and switch to it."""
        self._mnist_folder = folder
        self._datasets.pop(MNIST, None)
        choices = [(MNIST, dataset_title(MNIST))] + [(k, t) for k, (t, _, _) in TOY_DATASETS.items()]
        self.controls.set_datasets(choices, self.controls.config().dataset)
        self.notice.clear()
        self.controls.dataset.setCurrentIndex(0)  # emits structure_changed("dataset")

    def _load(self, name):
        if self._loading == name:
            return
        self._loading = name
        self.status.showMessage(f"Loading {dataset_title(name)}…")
        self._show_play_state()
        self.loader.request(name, self._mnist_folder or "")

    @Slot(str, object)
    def _on_dataset_loaded(self, name, dataset):
        self._datasets[name] = dataset
        self._loading = None
        self.status.clearMessage()
        if self.controls.config().dataset == name:
            self.reset()
        self._show_play_state()

    @Slot(str, str)
    def _on_dataset_failed(self, name, message):
        self._loading = None
        self.status.clearMessage()
        self._tell(f"{dataset_title(name)} could not be read: {message}", "error", sticky=True)
        if self._trainer is None:  # nothing to show yet: fall back to a built-in set
            self.controls.set_config(defaults_for(DEFAULT_TOY))
            self.reset()
        self._show_play_state()

    # -- controls -> trainer ---------------------------------------------------------------------
    @Slot(dict)
    def _on_live_changed(self, values):
        if self._trainer is None or self._built is None or self.controls.config().dataset != self._built.dataset:
            return  # a switch of dataset is pending: these values apply with the reset
        self._trainer.set_hyperparameters(**values)
        if "epochs" in values:
            self.worker.set_epoch_limit(values["epochs"])
            if self._net is not None and self.status.progress_label.text().startswith("epoch 0/"):
                self.status.show_idle(values["epochs"])

    @Slot(str)
    def _on_optimizer_changed(self, kind):
        config = self.controls.config()
        if self._trainer is None or config.dataset != self._built.dataset:
            return
        optimizer = get_optimizer(kind, lr=config.lr, l2=config.l2, **config.optimizer_settings())
        self.worker.replace_optimizer(self._trainer, optimizer)

    @Slot(str)
    def _on_structure_changed(self, what):
        config = self.controls.config()
        if what == "dataset":  # each dataset starts from its own sensible defaults (the seed stays)
            defaults = defaults_for(config.dataset)
            defaults.seed = config.seed
            self.controls.set_config(defaults)
            config = defaults
        fresh = self._trainer is not None and self._trainer.steps == 0 and not self._playing
        if self._built is None or fresh or self._trainer is None:
            self.reset()
            return
        if not config.needs_reset(self._built):
            self.reset_notice.clear()
            return
        self.reset_notice.show_message(
            f"{_WHAT_CHANGED[what]} changed. Reset (Ctrl+R) builds the new network; until then training "
            "continues with the current one.", "warning",
            [("Reset now", "Builds a fresh network from the controls.", self.reset)])

    # -- worker -> views -------------------------------------------------------------------------
    @Slot(int)
    def _on_started(self, generation):
        if generation == self._generation:
            self.status.clearMessage()

    @Slot(object)
    def _on_batch_finished(self, update):
        if update.generation != self._generation:
            return
        self._net.set_weights(update.weights)
        self.loss_plot.add_batches(update.epoch_x, update.losses)
        self.status.show_update(update)
        view = self._network_view
        if view is not None:
            if hasattr(view, "set_weights"):
                view.set_weights(update.weights)
            if hasattr(view, "set_gradients"):
                view.set_gradients(update.gradients)
        self.weights_updated.emit(update)

    @Slot(int, object)
    def _on_epoch_finished(self, generation, event):
        if generation != self._generation:
            return
        self.loss_plot.add_epoch(event.epoch + 1, event.train_loss, event.test_loss, event.test_accuracy)
        self.status.showMessage(f"Epoch {event.epoch + 1}: test accuracy {percent(event.test_accuracy)}, "
                                f"test loss {sig3(event.test_loss)}", 8000)

    @Slot(int, object)
    def _on_diverged(self, generation, event):
        if generation == self._generation:
            self._tell(event.message, "warning")

    @Slot(int, str)
    def _on_failed(self, generation, text):
        if generation == self._generation:
            last = text.strip().splitlines()[-1] if text.strip() else "unknown error"
            self._tell(f"Training stopped on an error: {last}", "error", tooltip=text)

    @Slot(int, object)
    def _on_finished(self, generation, event):
        if generation != self._generation or event.reason == "stopped":
            return  # "stopped" answers a pause, step or reset the user asked for
        self._playing = False
        self._show_play_state()
        if event.reason == "completed":
            acc = self._trainer.history.epoch_test_accuracy
            tail = f"; test accuracy {percent(acc[-1])}" if acc else ""
            self._tell(f"Training finished: {event.epochs_done} epochs{tail}.", "info")

    def _tell(self, text, kind="info", buttons=(), tooltip="", sticky=False):
        """Show a message above the views; unless ``sticky``, the next reset clears it."""
        self._notice_sticky = sticky
        self.notice.show_message(text, kind, buttons, tooltip)

    def _feed_view_network(self):
        view = self._network_view
        if view is None or self._net is None:
            return
        view.set_network(self._net)
        if hasattr(view, "set_dataset_2d") and self._dataset is not None and not self._dataset.is_image:
            view.set_dataset_2d(self._dataset.x_train, self._dataset.y_train)

    # -- closing -----------------------------------------------------------------------------------
    @Slot()
    def shutdown(self):
        """Stop training after the batch in progress and wait for both threads (idempotent)."""
        if self._shut_down:
            return
        self._shut_down = True
        self._playing = False
        if self._download_dialog is not None:
            self._download_dialog.shutdown()
        self.worker.stop()
        for thread in (self._thread, self._loader_thread):
            thread.quit()
            thread.wait()

    def closeEvent(self, event):
        self.shutdown()
        super().closeEvent(event)
