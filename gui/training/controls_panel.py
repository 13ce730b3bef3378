"""ControlsPanel: dataset, architecture, loss, optimiser and its settings, batch size, epochs, L2, seed.

The panel edits a TrainingConfig. Settings a running trainer accepts are announced with
``live_changed`` (they apply from the next batch); the others with ``structure_changed`` (they need a
reset). ``set_config`` writes values under signal blockers, so pushing a config never echoes back.
"""

from PySide6.QtCore import QSignalBlocker, Qt, Signal, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QSpinBox, QVBoxLayout, QWidget

from engine.hyperparameters import HYPERPARAMETERS, LIVE_KEYS
from engine.training_config import TrainingConfig
from gui.common.number_inputs import LogSpinBox, PowerOfTwoSpinBox, TrimmedSpinBox
from gui.training.architecture_editor import ArchitectureEditor

LOSS_CHOICES = [
    ("ce", "Cross-entropy", "Softmax over the outputs, then −log of the probability given to the right class."),
    ("mse", "Mean squared error", "The mean of (output − one-hot target)² over all outputs; sigmoid outputs."),
]
OPTIMIZER_CHOICES = [
    ("sgd", "SGD", "Plain gradient descent: every weight moves by −learning rate × its gradient."),
    ("momentum", "Momentum", "Gradient descent with a velocity that accumulates past gradients (heavy ball)."),
    ("adam", "Adam", "Per-weight step sizes from running averages of the gradient and its square."),
]
OUTPUT_TEXT = {"ce": "softmax inside the loss", "mse": "sigmoid"}
REGRESSION_OUTPUT_TEXT = "identity: one real number"


def _ranged(spin, name):
    """``spin`` with the range of hyperparameter ``name`` (engine/hyperparameters.py)."""
    hp = HYPERPARAMETERS[name]
    spin.setRange(hp.low, hp.high)
    return spin


def _log_spin(name, tooltip):
    hp = HYPERPARAMETERS[name]
    return LogSpinBox(hp.low, hp.high, hp.default, allow_zero=hp.zero_is_off, tooltip=tooltip)


def _combo(name, choices, tooltip):
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setToolTip(tooltip)
    for key, text, tip in choices:
        combo.addItem(text, key)
        combo.setItemData(combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
    return combo


class ControlsPanel(QWidget):
    """Every training setting, grouped as Data, Network and Training; one-sentence tooltips on each."""

    live_changed = Signal(dict)  # {name: value}: applies to a running trainer from the next batch
    optimizer_changed = Signal(str)  # a different optimiser (fresh state), from the next batch
    structure_changed = Signal(str)  # "dataset", "architecture", "loss" or "seed": needs a reset

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)

        data = QGroupBox("Data")
        form = QFormLayout(data)
        self.dataset = QComboBox()
        self.dataset.setObjectName("dataset")
        self.dataset.setToolTip("The samples the network learns from; switching asks for a reset.")
        self.dataset_info = QLabel()
        self.dataset_info.setWordWrap(True)
        self.dataset_info.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # muted, on light and dark
        form.addRow("Dataset", self.dataset)
        form.addRow(self.dataset_info)
        layout.addWidget(data)

        net = QGroupBox("Network")
        form = QFormLayout(net)
        self.architecture = ArchitectureEditor()
        self.loss = _combo("loss", LOSS_CHOICES, "What the network minimises: how far its outputs are from the labels.")
        self.seed = _ranged(QSpinBox(), "seed")
        self.seed.setObjectName("seed")
        self.seed.setToolTip("Random seed of the initial weights and the shuffling; "
                             "the same seed replays the same run.")
        form.addRow(self.architecture)
        form.addRow("Loss", self.loss)
        form.addRow("Seed", self.seed)
        layout.addWidget(net)

        train = QGroupBox("Training")
        self._train_form = form = QFormLayout(train)
        self.optimizer = _combo("optimizer", OPTIMIZER_CHOICES,
                                "How gradients become weight changes; switching keeps the weights, resets its memory.")
        self.lr = _log_spin("lr", "Learning rate: how far each step moves the weights "
                             "along the gradient; applies from the next batch.")
        self.lr.setObjectName("learning_rate")
        self.momentum = _ranged(TrimmedSpinBox(), "momentum")
        self.momentum.setObjectName("momentum")
        self.momentum.setDecimals(3)
        self.momentum.setSingleStep(0.05)
        self.momentum.setToolTip("Momentum μ: the fraction of the previous step carried into the next one.")
        self.beta1 = _ranged(TrimmedSpinBox(), "beta1")
        self.beta1.setObjectName("beta1")
        self.beta1.setDecimals(4)
        self.beta1.setSingleStep(0.01)
        self.beta1.setToolTip("Adam's β₁: how slowly its running mean of the gradient forgets the past.")
        self.beta2 = _ranged(TrimmedSpinBox(), "beta2")
        self.beta2.setObjectName("beta2")
        self.beta2.setDecimals(4)
        self.beta2.setSingleStep(0.001)
        self.beta2.setToolTip("Adam's β₂: how slowly its running mean of the squared gradient forgets the past.")
        self.batch_size = _ranged(PowerOfTwoSpinBox(), "batch_size")
        self.batch_size.setObjectName("batch_size")
        self.batch_size.setKeyboardTracking(False)
        self.batch_size.setToolTip("Samples averaged per gradient step (1–512); applies from the next batch.")
        self.epochs = _ranged(QSpinBox(), "epochs")
        self.epochs.setObjectName("epochs")
        self.epochs.setKeyboardTracking(False)
        self.epochs.setToolTip("Passes over the whole training set before training stops by itself.")
        self.l2 = _log_spin("l2", "L2 weight decay λ: pulls every weight "
                             "towards zero by λ·w per step (0 = off); applies from the next batch.")
        self.l2.setObjectName("l2")
        form.addRow("Optimizer", self.optimizer)
        form.addRow("Learning rate", self.lr)
        form.addRow("Momentum μ", self.momentum)
        form.addRow("Adam β₁", self.beta1)
        form.addRow("Adam β₂", self.beta2)
        form.addRow("Batch size", self.batch_size)
        form.addRow("Epochs", self.epochs)
        form.addRow("L2", self.l2)
        layout.addWidget(train)
        layout.addStretch(1)

        self._regression = False  # the dataset shown is a regression: MSE and an identity output, fixed
        self.set_config(TrainingConfig())
        self.dataset.currentIndexChanged.connect(self._on_dataset)
        self.architecture.changed.connect(self._on_architecture)
        self.loss.currentIndexChanged.connect(self._on_loss)
        self.seed.valueChanged.connect(self._on_seed)
        self.optimizer.currentIndexChanged.connect(self._on_optimizer)
        for name in LIVE_KEYS:
            getattr(self, name).valueChanged.connect(self._on_live)

    def __repr__(self):
        return f"ControlsPanel({self.config()!r})"

    # -- the config --------------------------------------------------------------------------
    def config(self):
        """The TrainingConfig the controls show now."""
        return TrainingConfig(
            dataset=self.dataset.currentData() or "", hidden=self.architecture.hidden(),
            activations=self.architecture.activations(), loss=self.loss.currentData(),
            optimizer=self.optimizer.currentData(), lr=self.lr.value(), batch_size=self.batch_size.value(),
            epochs=self.epochs.value(), l2=self.l2.value(), seed=self.seed.value(),
            momentum=self.momentum.value(), beta1=self.beta1.value(), beta2=self.beta2.value())

    def set_config(self, config):
        """Show ``config`` without emitting any change signal."""
        widgets = (self.dataset, self.architecture, self.loss, self.seed, self.optimizer, self.lr, self.momentum,
                   self.beta1, self.beta2, self.batch_size, self.epochs, self.l2)
        blockers = [QSignalBlocker(w) for w in widgets]
        index = self.dataset.findData(config.dataset)
        if index >= 0:
            self.dataset.setCurrentIndex(index)
        self.architecture.set_layers(config.hidden, config.activations)
        self.loss.setCurrentIndex(max(0, self.loss.findData(config.loss)))
        self.seed.setValue(config.seed)
        self.optimizer.setCurrentIndex(max(0, self.optimizer.findData(config.optimizer)))
        self.lr.setValue(config.lr)
        self.momentum.setValue(config.momentum)
        self.beta1.setValue(config.beta1)
        self.beta2.setValue(config.beta2)
        self.batch_size.setValue(config.batch_size)
        self.epochs.setValue(config.epochs)
        self.l2.setValue(config.l2)
        del blockers
        self._show_optimizer_rows()
        self._show_output_text()

    def set_datasets(self, choices, current=None):
        """The datasets to offer, as [(id, title), …]; selects ``current`` (no change signal)."""
        with QSignalBlocker(self.dataset):
            self.dataset.clear()
            for key, title in choices:
                self.dataset.addItem(title, key)
            if current is not None:
                self.dataset.setCurrentIndex(max(0, self.dataset.findData(current)))

    def set_dataset_shape(self, dataset):
        """Show the input and output sizes of ``dataset`` in the architecture editor and the info line."""
        if dataset.is_image:
            what = f"{dataset.input_shape[0]}×{dataset.input_shape[1]} pixels"
        elif dataset.feature_names:
            what = ", ".join(dataset.feature_names) if dataset.features <= 4 else "the table's columns"
        else:
            what = {1: "x", 2: "x and y of a point"}.get(dataset.features, "features")
        self._regression = dataset.is_regression
        self.loss.setEnabled(not self._regression)
        self.loss.setToolTip("A regression learns with the mean squared error." if self._regression else
                             "What the network minimises: how far its outputs are from the labels.")
        self.architecture.set_io(dataset.features, what, dataset.n_outputs, self._output_text())
        kind = "a regression" if dataset.is_regression else f"{dataset.n_classes} classes"
        about = f" {dataset.description}" if dataset.description else ""
        self.dataset_info.setText(f"{len(dataset.y_train):,} training and {len(dataset.y_test):,} test samples, "
                                  f"{kind}.{about}")

    # -- edits -------------------------------------------------------------------------------
    def _show_optimizer_rows(self):
        kind = self.optimizer.currentData()
        self._train_form.setRowVisible(self.momentum, kind == "momentum")
        self._train_form.setRowVisible(self.beta1, kind == "adam")
        self._train_form.setRowVisible(self.beta2, kind == "adam")

    def _output_text(self):
        return REGRESSION_OUTPUT_TEXT if self._regression else OUTPUT_TEXT.get(self.loss.currentData(), "")

    def _show_output_text(self):
        self.architecture.set_output_text(self._output_text())

    @Slot()
    def _on_dataset(self):
        self.structure_changed.emit("dataset")

    @Slot()
    def _on_architecture(self):
        self.structure_changed.emit("architecture")

    @Slot()
    def _on_loss(self):
        self._show_output_text()
        self.structure_changed.emit("loss")

    @Slot()
    def _on_seed(self):
        self.structure_changed.emit("seed")

    @Slot()
    def _on_optimizer(self):
        self._show_optimizer_rows()
        self.optimizer_changed.emit(self.optimizer.currentData())

    @Slot()
    def _on_live(self):
        name = next((key for key in LIVE_KEYS if getattr(self, key) is self.sender()), None)
        if name is not None:
            self.live_changed.emit({name: getattr(self.config(), name)})
