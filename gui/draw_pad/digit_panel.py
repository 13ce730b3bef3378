"""DigitPanel: the draw pad with its guess, the 10 probabilities, what the network sees, and "teach it"."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QFont, QImage, QPixmap
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

import gui.draw_pad.model_store as model_store
from engine.files.personal_digits import PersonalDigits, PersonalDigitsError
from gui.common.formatting import percent
from gui.common.worker_thread import WorkerThread
from gui.draw_pad.fine_tune_worker import STEPS as FINE_TUNE_STEPS
from gui.draw_pad.fine_tune_worker import FineTuneWorker
from gui.draw_pad.pad import PEN_RANGE, DrawPad

NOT_SURE = 0.6  # below this top probability the guess reads "not sure"
MIN_TO_FINE_TUNE = 1  # personal digits needed before fine-tuning is offered
BAR, TOP_BAR = (150, 185, 215), (31, 119, 180)  # other classes / the guess
STEP_SIZE = 62  # side of each preprocessing thumbnail, in pixels
INPUT_ZOOM = 3  # the 28×28 input is shown larger: 84 px, each input pixel a 3×3 square
STEPS = (("drawn", "drawn"), ("cropped", "cropped"), ("fitted", "fit to 20×20"), ("centred", "centred 28×28"))


class DigitPanel(QWidget):
    """Everything around the DrawPad; loads the start model (fine-tuned or bundled) unless given one."""

    model_changed = Signal(object)  # the network the pad now uses (after fine-tuning or forgetting)

    def __init__(self, parent=None, net=None, personal=None, load_model=True):
        super().__init__(parent)
        self.draw_pad = DrawPad(self)
        self._source = None  # "bundled", "personal", "given" or None: where the pad's model came from
        self._personal, self._personal_error = personal, None  # PersonalDigits, or why it is unavailable
        if personal is None:
            try:
                self._personal = PersonalDigits(model_store.user_data_dir())
            except PersonalDigitsError as exc:
                self._personal_error = str(exc)
        self._tuning = None  # the fine-tuning WorkerThread while one runs
        self._mnist = None  # MNIST, kept after the first fine-tuning (loading it takes a moment)
        self.fine_tune_steps = FINE_TUNE_STEPS  # mini-batches per fine-tuning
        self._build()
        self.draw_pad.prediction_changed.connect(self._on_prediction_changed)
        self.draw_pad.input_changed.connect(self._on_input_changed)
        self.draw_pad.cleared.connect(self._on_cleared)
        if net is not None:
            self.set_model(net, "given")
        elif load_model:
            net, source = model_store.load_start_model()
            if net is not None:
                self.set_model(net, source)
        self._on_cleared()
        self._update_teach()

    # -- layout -----------------------------------------------------------------------------
    def _build(self):
        pad = self.draw_pad
        tools = QHBoxLayout()
        for action in (pad.clear_action, pad.undo_action):
            button = QToolButton(self)
            button.setDefaultAction(action)
            tools.addWidget(button)
        self.addActions([pad.clear_action, pad.undo_action])  # Esc / Ctrl+Z anywhere in the panel
        tools.addStretch(1)
        tools.addWidget(QLabel("pen"))
        self.pen_spin = QDoubleSpinBox(self, objectName="pen_width")
        self.pen_spin.setRange(*PEN_RANGE)
        self.pen_spin.setDecimals(0)
        self.pen_spin.setSuffix(" px")
        self.pen_spin.setValue(pad.pen_width())
        self.pen_spin.setToolTip("Width of the pen, in pixels of the 280 px pad.")
        self.pen_spin.valueChanged.connect(pad.set_pen_width)
        tools.addWidget(self.pen_spin)

        self.guess_label = QLabel("–", self, objectName="guess")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 3.2)
        font.setBold(True)
        self.guess_label.setFont(font)
        self.guess_label.setAlignment(Qt.AlignCenter)
        self.guess_label.setMinimumWidth(60)
        self.confidence_label = QLabel("", self, objectName="confidence")
        self.confidence_label.setWordWrap(True)
        guess = QHBoxLayout()
        guess.addWidget(self.guess_label)
        guess.addWidget(self.confidence_label, 1)

        self.bars_plot = pg.PlotWidget(self, background="w")
        self.bars_plot.setFixedHeight(120)
        plot = self.bars_plot.getPlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(False, False)
        plot.setXRange(-0.6, 9.6, padding=0)
        plot.setYRange(0, 1.12, padding=0)  # headroom so the "100%" tick label fits
        plot.getAxis("bottom").setTicks([[(d, str(d)) for d in range(10)]])
        plot.getAxis("left").setTicks([[(0, "0"), (0.5, "50%"), (1, "100%")]])
        plot.getAxis("left").setWidth(42)
        for axis in ("left", "bottom"):
            plot.getAxis(axis).setTextPen(pg.mkPen(60, 60, 60))
        self.bars = pg.BarGraphItem(x=np.arange(10), height=np.zeros(10), width=0.7, brushes=[pg.mkBrush(BAR)] * 10,
                                    pen=pg.mkPen(None))
        plot.addItem(self.bars)
        self.bars_plot.setToolTip("The network's probability for each digit.")

        steps = self.steps_grid = QGridLayout()  # its geometry is the preprocessing strip's, exported as a figure
        steps.setHorizontalSpacing(4)
        self.step_images = {}  # step name → QLabel showing it
        for col, (key, caption) in enumerate(STEPS):
            image = QLabel(self, objectName=f"step_{key}")
            side = 28 * INPUT_ZOOM + 2 if key == "centred" else STEP_SIZE
            image.setFixedSize(side, side)
            image.setAlignment(Qt.AlignCenter)
            image.setStyleSheet("background: black; border: 1px solid #888;")
            text = QLabel(caption, self)
            text.setAlignment(Qt.AlignCenter)
            small = QFont(self.font())
            small.setPointSizeF(small.pointSizeF() * 0.85)
            text.setFont(small)
            steps.addWidget(image, 0, col, Qt.AlignCenter | Qt.AlignBottom)
            steps.addWidget(text, 1, col, Qt.AlignCenter)
            self.step_images[key] = image
        self.step_images["centred"].setToolTip("Exactly what the network sees: 28×28 pixels, 784 inputs.")

        teach = QHBoxLayout()
        teach.setSpacing(2)
        self.teach_buttons = []
        for digit in range(10):
            button = QToolButton(self, objectName=f"teach_{digit}")
            button.setText(str(digit))
            button.setFixedSize(QSize(26, 26))
            button.setToolTip(f"It was a {digit}: keep this drawing as a {digit} in your own digits.")
            button.clicked.connect(lambda _=False, d=digit: self.teach(d))
            teach.addWidget(button)
            self.teach_buttons.append(button)
        self.fine_tune_button = QPushButton("Fine-tune on my digits", self, objectName="fine_tune")
        self.fine_tune_button.setToolTip("Train the model briefly on your digits mixed with MNIST.")
        self.fine_tune_button.clicked.connect(self._on_fine_tune_clicked)
        self.forget_button = QPushButton("Forget my digits", self, objectName="forget_digits")
        self.forget_button.setToolTip("Delete your saved digits and the model fine-tuned on them.")
        self.forget_button.clicked.connect(self._on_forget_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.fine_tune_button)
        buttons.addWidget(self.forget_button)
        self.progress = QProgressBar(self)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(6)
        self.progress.hide()
        self.status_label = QLabel("", self, objectName="teach_status")
        self.status_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.draw_pad, 0, Qt.AlignHCenter)
        layout.addLayout(tools)
        layout.addLayout(guess)
        layout.addWidget(self.bars_plot)
        layout.addWidget(_heading("What the network sees", self))
        layout.addLayout(steps)
        layout.addWidget(_heading("Wrong? It was a:", self))
        layout.addLayout(teach)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_label)
        layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Preferred)

    # -- model ------------------------------------------------------------------------------
    def set_model(self, net, source="given"):
        """Classify with ``net`` (784 inputs, 10 outputs; the pad keeps a private copy)."""
        self.draw_pad.set_model(net)
        self._source = source
        self.setToolTip({"bundled": "Model: the bundled pretrained MLP.",
                         "personal": "Model: the bundled MLP fine-tuned on your digits."}.get(source, ""))

    def model(self):
        """The pad's private copy of the model, or None."""
        return self.draw_pad.model()

    def model_source(self):
        return self._source

    def set_mnist(self, dataset):
        """MNIST to mix into fine-tuning (an engine Dataset); otherwise it is looked up when first needed."""
        self._mnist = dataset

    # -- showing the prediction -------------------------------------------------------------
    @Slot(object)
    def _on_prediction_changed(self, probs):
        top = int(np.argmax(probs))
        p = float(probs[top])
        sure = p >= NOT_SURE
        self.guess_label.setText(str(top) if sure else f"{top}?")
        self.guess_label.setStyleSheet("" if sure else "color: #888;")
        second = int(np.argsort(probs)[-2])
        self.confidence_label.setText(f"{percent(p)} sure" if sure else
                                      f"not sure: {top} ({percent(p)}) or {second} ({percent(float(probs[second]))})")
        brushes = [pg.mkBrush(TOP_BAR if d == top else BAR) for d in range(10)]
        self.bars.setOpts(height=np.asarray(probs, dtype=float), brushes=brushes)
        self.bars_plot.setToolTip("  ".join(f"{d}: {percent(float(q))}" for d, q in enumerate(probs)))

    @Slot(object)
    def _on_input_changed(self, x):
        steps = self.draw_pad.preprocessed()
        if x is None or steps is None:
            return
        for key, _ in STEPS:
            self.step_images[key].setPixmap(_thumbnail(getattr(steps, key), smooth=key in ("drawn", "cropped")))
        self._update_teach()

    @Slot()
    def _on_cleared(self):
        self.guess_label.setText("–")
        self.guess_label.setStyleSheet("color: #888;")
        self.confidence_label.setText("Draw a digit on the pad.")
        self.bars.setOpts(height=np.zeros(10), brushes=[pg.mkBrush(BAR)] * 10)
        for label in self.step_images.values():
            label.clear()
        self._update_teach()

    # -- teach it ---------------------------------------------------------------------------
    def personal_digits(self):
        return self._personal

    @Slot(int)
    def teach(self, digit):
        """Keep the current 28×28 input, labelled ``digit``, in the personal dataset."""
        steps = self.draw_pad.preprocessed()
        if self._personal is None or steps is None or self.draw_pad.is_empty():
            return
        try:
            self._personal.add(steps.centred, digit)
        except OSError as exc:
            self.status_label.setText(f"Could not save the digit: {exc}")
            return
        n = len(self._personal)
        self.status_label.setText(f"Kept as a {digit}. You have {n} digit{'s' if n != 1 else ''} of your own "
                                  f"({', '.join(f'{d}×{c}' for d, c in enumerate(self._personal.counts()) if c)}).")
        self.draw_pad.clear()
        self._update_teach()

    def _update_teach(self):
        busy = self._tuning is not None
        has_drawing = not self.draw_pad.is_empty() and self.draw_pad.preprocessed() is not None
        available = self._personal is not None
        for button in self.teach_buttons:
            button.setEnabled(available and has_drawing and not busy)
        n = len(self._personal) if available else 0
        self.fine_tune_button.setEnabled(busy or (available and n >= MIN_TO_FINE_TUNE and self.model() is not None))
        self.fine_tune_button.setText("Stop fine-tuning" if busy else f"Fine-tune on my {n} digits" if n
                                      else "Fine-tune on my digits")
        self.forget_button.setEnabled(not busy and (n > 0 or self._source == "personal"))
        if not available:
            for button in self.teach_buttons + [self.fine_tune_button]:
                button.setToolTip(f"Your digits cannot be used: {self._personal_error}")

    @Slot()
    def _on_fine_tune_clicked(self):
        if self._tuning is not None:
            self._tuning.cancel()
            return
        X, y = self._personal.columns()
        worker = FineTuneWorker(self.model(), X, y, mnist=self._mnist, steps=self.fine_tune_steps)
        worker.progressed.connect(self._on_fine_tune_progressed)
        worker.finished.connect(self._on_fine_tune_finished)
        worker.failed.connect(self._on_fine_tune_failed)
        self._tuning = WorkerThread(worker, "fine-tuning", run=worker.run, cancel=worker.request_stop)
        self._tuning.quit_on(worker.finished, worker.failed).stop_with(self)
        self.progress.setRange(0, 0)  # busy until the first step (MNIST may be loading)
        self.progress.show()
        self.status_label.setText(f"Fine-tuning on your {len(y)} digits mixed with MNIST…")
        self._tuning.start()
        self._update_teach()

    @Slot(int, int, float)
    def _on_fine_tune_progressed(self, step, steps, loss):
        self.progress.setRange(0, steps)
        self.progress.setValue(step)

    @Slot(object, object)
    def _on_fine_tune_finished(self, net, report):
        self._mnist = report.pop("mnist", None)
        self._end_thread()
        b, a = report["before"], report["after"]
        n = report["n_personal"]
        try:
            model_store.save_personal_model(net, extra={"fine_tuned_on": n, "steps": report["steps"],
                                                        "mnist_test_accuracy": a["mnist"]})
            kept = ""
        except (OSError, ValueError) as exc:
            kept = f" (not saved for next time: {exc})"
        self.set_model(net, "personal")
        self.model_changed.emit(net)
        self.status_label.setText(
            f"Fine-tuned{' (stopped early)' if report['stopped'] else ''}: {round(a['personal'] * n)} of your "
            f"{n} digits read right (before: {round(b['personal'] * n)}); MNIST test {percent(a['mnist'])} "
            f"(before: {percent(b['mnist'])}).{kept}")
        self._update_teach()

    @Slot(str)
    def _on_fine_tune_failed(self, message):
        self._end_thread()
        self.status_label.setText(message)
        self._update_teach()

    def _end_thread(self):
        self.progress.hide()
        if self._tuning is not None:
            self._tuning.stop()  # it is ending already: the worker's last signal quits it
        self._tuning = None

    @Slot()
    def _on_forget_clicked(self):
        n = len(self._personal) if self._personal is not None else 0
        answer = QMessageBox.question(self, "Forget my digits",
                                      f"Delete your {n} saved digits and the model fine-tuned on them?")
        if answer == QMessageBox.Yes:
            self.forget()

    def forget(self):
        """Delete the personal digits and the fine-tuned model; go back to the bundled model."""
        if self._personal is not None:
            self._personal.clear()
        model_store.forget_personal_model()
        if self._source == "personal":
            try:
                net = model_store.load_bundled_model()
            except ValueError as exc:
                self.status_label.setText(f"The bundled model cannot be loaded: {exc}")
            else:
                self.set_model(net, "bundled")
                self.model_changed.emit(net)
        self.status_label.setText("Your digits are forgotten; the pad uses the bundled model.")
        self._update_teach()

    def shutdown(self):
        """Stop a fine-tuning in progress and wait for its thread (call before the window closes)."""
        if self._tuning is not None:
            self._tuning.stop()
            self._tuning = None

    def closeEvent(self, event):
        self.shutdown()
        super().closeEvent(event)

    def __repr__(self):
        n = len(self._personal) if self._personal is not None else 0
        return f"DigitPanel(model {self._source}, {n} personal digits)"


def _heading(text, parent):
    label = QLabel(text, parent)
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    return label


def _thumbnail(image, smooth):
    """A STEP_SIZE square pixmap of a float image in [0, 1]: whole-pixel zoom for small images."""
    a = np.ascontiguousarray(np.round(np.clip(image, 0, 1) * 255).astype(np.uint8))
    if a.size == 0:
        return QPixmap()
    h, w = a.shape
    qimage = QImage(a.data, w, h, w, QImage.Format_Grayscale8).copy()
    if not smooth:
        k = max(1, (STEP_SIZE if h != 28 else 28 * INPUT_ZOOM) // max(h, w))  # integer zoom: crisp pixels
        return QPixmap.fromImage(qimage.scaled(w * k, h * k, Qt.KeepAspectRatio, Qt.FastTransformation))
    return QPixmap.fromImage(qimage.scaled(STEP_SIZE - 2, STEP_SIZE - 2, Qt.KeepAspectRatio, Qt.SmoothTransformation))
