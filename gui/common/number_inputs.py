"""Spin boxes for numbers that live on a log scale: learning rates, L2 strengths, batch sizes."""

import math

from PySide6.QtCore import Slot
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QAbstractSpinBox, QDoubleSpinBox, QSpinBox


def next_125(value, up, smallest):
    """The next number of the 1-2-5 series (…0.01, 0.02, 0.05, 0.1…) above or below ``value``."""
    if value <= 0:
        return smallest if up else 0.0
    exp = math.floor(math.log10(value)) - 1
    candidates = [m * 10.0**e for e in range(exp, exp + 3) for m in (1, 2, 5)]
    if up:
        return min(c for c in candidates if c > value * (1 + 1e-9))
    below = [c for c in candidates if c < value * (1 - 1e-9)]
    return max(below) if below else 0.0


class LogSpinBox(QDoubleSpinBox):
    """A number stepped along the 1-2-5 series, shown with 3 significant digits; exact value in the tooltip.

    With ``allow_zero`` the series continues from ``smallest`` down to 0 (e.g. "no L2").
    """

    def __init__(self, smallest, maximum, value, *, allow_zero=False, tooltip="", parent=None):
        super().__init__(parent)
        self.smallest = float(smallest)  # smallest positive value reachable by stepping
        self.base_tooltip = tooltip  # the one-sentence explanation; the exact value is appended
        self.setDecimals(12)
        self.setRange(0.0 if allow_zero else self.smallest, float(maximum))
        self.setKeyboardTracking(False)  # apply typed values on Enter or focus-out, not per keystroke
        self.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)
        self.valueChanged.connect(self._update_tooltip)
        self.setValue(value)
        self._update_tooltip(self.value())

    def __repr__(self):
        return f"LogSpinBox({self.value()!r})"

    def textFromValue(self, value):
        return "0" if value == 0 else f"{value:.3g}"

    def valueFromText(self, text):
        try:
            return float(text.strip().replace(",", "."))
        except ValueError:
            return self.value()

    def validate(self, text, pos):
        stripped = text.strip().replace(",", ".")
        try:
            number = float(stripped)
        except ValueError:
            # Partial input such as "", "1e" or "0." may still become a number.
            ok = all(c in "0123456789.eE+-" for c in stripped)
            return (QValidator.State.Intermediate if ok else QValidator.State.Invalid), text, pos
        if self.minimum() <= number <= self.maximum():
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos

    def stepBy(self, steps):
        value = self.value()
        for _ in range(abs(steps)):
            value = next_125(value, steps > 0, self.smallest)
        if 0 < value < self.smallest:
            value = 0.0 if self.minimum() == 0 else self.smallest
        self.setValue(min(max(value, self.minimum()), self.maximum()))

    def stepEnabled(self):
        flags = QAbstractSpinBox.StepEnabledFlag.StepNone
        if self.value() < self.maximum():
            flags |= QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
        if self.value() > self.minimum():
            flags |= QAbstractSpinBox.StepEnabledFlag.StepDownEnabled
        return flags

    @Slot(float)
    def _update_tooltip(self, value):
        self.setToolTip(f"{self.base_tooltip} (now exactly {value!r})" if self.base_tooltip else repr(value))


class PowerOfTwoSpinBox(QSpinBox):
    """An integer whose arrows step to the next power of two (16 → 32 → 64); any value may be typed."""

    def __repr__(self):
        return f"PowerOfTwoSpinBox({self.value()})"

    def stepBy(self, steps):
        value = self.value()
        for _ in range(abs(steps)):
            # Up: the next power of two above value; down: the largest one below it.
            value = 1 << value.bit_length() if steps > 0 else 1 << max(0, (value - 1).bit_length() - 1)
        self.setValue(min(max(value, self.minimum()), self.maximum()))


class TrimmedSpinBox(QDoubleSpinBox):
    """A QDoubleSpinBox that shows 0.9 rather than 0.9000 (the decimals still bound what may be typed)."""

    def __repr__(self):
        return f"TrimmedSpinBox({self.value()!r})"

    def textFromValue(self, value):
        text = f"{value:.{self.decimals()}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
