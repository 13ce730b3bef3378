"""ArchitectureEditor: hidden layers as rows (neurons, activation, remove), plus fixed input and output."""

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QPushButton, QSpinBox, QToolButton, QVBoxLayout, QWidget

from engine.hyperparameters import MAX_HIDDEN, MAX_NEURONS  # the limits a configuration file has too

# (name the engine knows, what people read, one-sentence tooltip)
ACTIVATION_CHOICES = [
    ("leaky_relu", "LeakyReLU", "max(z, 0.1·z): like ReLU, but negative inputs keep a small slope so no neuron dies."),
    ("relu", "ReLU", "max(z, 0): passes positive inputs unchanged and silences negative ones."),
    ("tanh", "tanh", "Squashes z into (−1, 1), centred on zero; smooth, but saturates for large |z|."),
    ("sigmoid", "sigmoid", "Squashes z into (0, 1); smooth, but saturates and learns slowly in deep stacks."),
    ("identity", "identity", "Leaves z unchanged: a linear layer (stacked linear layers stay linear)."),
]


class ArchitectureEditor(QWidget):
    """Edits the hidden layers; input and output sizes come from the dataset and are shown, not edited."""

    changed = Signal()  # a layer was added, removed, resized or given another activation

    def __init__(self, parent=None):
        super().__init__(parent)
        self._inputs, self._outputs = 784, 10  # set by the dataset
        self._output_text = ""  # e.g. "softmax (in the loss)"
        self._rows = []  # per hidden layer: (name label, neurons spin box, activation combo, remove button)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        self.input_label = QLabel()
        self.input_label.setToolTip("The input layer: one neuron per feature of a sample; set by the dataset.")
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(3)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 2)
        self.add_button = QPushButton("+ Add hidden layer")
        self.add_button.setObjectName("add_layer")
        self.add_button.setToolTip(f"Adds a hidden layer after the last one (at most {MAX_HIDDEN}).")
        self.add_button.clicked.connect(self._on_add)
        self.output_label = QLabel()
        self.output_label.setToolTip("The output layer: one neuron per class; its size is set by the dataset.")
        self.summary_label = QLabel()
        self.summary_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # muted, on light and dark
        self.summary_label.setWordWrap(True)
        for w in (self.input_label,):
            outer.addWidget(w)
        outer.addLayout(self.grid)
        outer.addWidget(self.add_button)
        outer.addWidget(self.output_label)
        outer.addWidget(self.summary_label)
        self.set_layers([16, 16], ["leaky_relu", "leaky_relu"])

    def __repr__(self):
        return f"ArchitectureEditor({' → '.join(map(str, self.sizes()))})"

    # -- reading and writing -----------------------------------------------------------------
    def hidden(self):
        """Neurons per hidden layer, first to last."""
        return [spin.value() for _, spin, _, _ in self._rows]

    def activations(self):
        """Activation name per hidden layer, as the engine spells them."""
        return [combo.currentData() for _, _, combo, _ in self._rows]

    def sizes(self):
        return [self._inputs, *self.hidden(), self._outputs]

    def set_layers(self, hidden, activations):
        """Show these hidden layers (without emitting ``changed``)."""
        if len(hidden) != len(activations):
            raise ValueError(f"{len(hidden)} layer sizes but {len(activations)} activations")
        while len(self._rows) > len(hidden):
            self._remove_row(len(self._rows) - 1)
        while len(self._rows) < len(hidden):
            self._append_row(16, "leaky_relu")
        for (_, spin, combo, _), n, act in zip(self._rows, hidden, activations):
            spin.blockSignals(True)
            combo.blockSignals(True)
            spin.setValue(int(n))
            index = combo.findData(str(act).split(":")[0])
            combo.setCurrentIndex(max(index, 0))
            spin.blockSignals(False)
            combo.blockSignals(False)
        self._refresh()

    def set_io(self, inputs, input_text, outputs, output_text):
        """The dataset's input and output sizes, with a few words on each (e.g. "28×28 pixels")."""
        self._inputs, self._outputs = int(inputs), int(outputs)
        self.input_label.setText(f"Input: {inputs:,} ({input_text})")
        self._output_text = output_text
        self._refresh()

    def set_output_text(self, text):
        """A few words on the output layer, e.g. "softmax inside the loss"."""
        self._output_text = text
        self._refresh()

    # -- rows --------------------------------------------------------------------------------
    def _append_row(self, neurons, activation):
        k = len(self._rows) + 1
        name = QLabel()
        spin = QSpinBox()
        spin.setRange(1, MAX_NEURONS)
        spin.setValue(int(neurons))
        spin.setObjectName(f"neurons_{k}")
        spin.setAccelerated(True)
        combo = QComboBox()
        combo.setObjectName(f"activation_{k}")
        for key, text, tip in ACTIVATION_CHOICES:
            combo.addItem(text, key)
            combo.setItemData(combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        combo.setCurrentIndex(max(combo.findData(activation), 0))
        remove = QToolButton()
        remove.setText("✕")
        remove.setObjectName(f"remove_layer_{k}")
        remove.setAutoRaise(True)
        remove.setFixedWidth(24)
        spin.valueChanged.connect(self._on_edited)
        combo.currentIndexChanged.connect(self._on_edited)
        remove.clicked.connect(self._on_remove_clicked)
        row = len(self._rows)
        for col, w in enumerate((name, spin, combo, remove)):
            self.grid.addWidget(w, row, col)
        self._rows.append((name, spin, combo, remove))

    def _remove_row(self, index):
        widgets = self._rows.pop(index)
        for w in widgets:
            self.grid.removeWidget(w)
            w.deleteLater()
        # Re-lay the rows below so the grid has no hole, and renumber names and tooltips.
        for row, (name, spin, combo, remove) in enumerate(self._rows):
            for col, w in enumerate((name, spin, combo, remove)):
                self.grid.addWidget(w, row, col)

    def _refresh(self):
        for k, (name, spin, combo, remove) in enumerate(self._rows, start=1):
            name.setText(f"Hidden {k}")
            spin.setObjectName(f"neurons_{k}")
            combo.setObjectName(f"activation_{k}")
            remove.setObjectName(f"remove_layer_{k}")
            spin.setToolTip(f"Neurons in hidden layer {k}: more can represent more but train slower "
                            f"(1–{MAX_NEURONS}).")
            combo.setToolTip(f"The activation function of hidden layer {k}, applied to each neuron's weighted sum.")
            remove.setToolTip(f"Removes hidden layer {k}.")
        self.add_button.setEnabled(len(self._rows) < MAX_HIDDEN)
        self.output_label.setText(f"Output: {self._outputs} ({self._output_text})" if self._output_text
                                  else f"Output: {self._outputs}")
        sizes = self.sizes()
        params = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
        self.summary_label.setText(f"{' → '.join(map(str, sizes))} · {params:,} parameters")

    # -- edits -------------------------------------------------------------------------------
    @Slot()
    def _on_add(self):
        if len(self._rows) >= MAX_HIDDEN:
            return
        last = self._rows[-1] if self._rows else None
        self._append_row(last[1].value() if last else 16, last[2].currentData() if last else "leaky_relu")
        self._refresh()
        self.changed.emit()

    @Slot()
    def _on_remove_clicked(self):
        button = self.sender()
        index = next((i for i, row in enumerate(self._rows) if row[3] is button), None)
        if index is None:
            return
        self._remove_row(index)
        self._refresh()
        self.changed.emit()

    @Slot()
    def _on_edited(self):
        self._refresh()
        self.changed.emit()
