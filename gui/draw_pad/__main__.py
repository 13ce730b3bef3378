"""``python -m gui.draw_pad``: the draw pad alone, classifying with the bundled pretrained model.

Draw with the left mouse button; the line under the pad says what the model reads. ``--digit`` starts
with a made-up drawing (a 7 of two strokes) already on the pad.
"""

import numpy as np
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gui.common.demo import demo_parser, run_demo
from gui.draw_pad.model_store import load_bundled_model
from gui.draw_pad.pad import DrawPad

SEVEN = [[(70, 60), (200, 60)], [(200, 60), (150, 140), (110, 230)]]  # canvas pixels of the 280 px pad


def build(args):
    box = QWidget()
    pad = DrawPad()
    guess = QLabel("Draw a digit (right-click or Esc clears, Ctrl+Z undoes a stroke).")
    layout = QVBoxLayout(box)
    layout.addWidget(pad)
    layout.addWidget(guess)
    layout.addStretch(1)

    def show(probs):
        order = np.argsort(probs)[::-1]
        guess.setText("  ·  ".join(f"{d}: {100 * probs[d]:.1f} %" for d in order[:3]))

    pad.prediction_changed.connect(show)
    pad.cleared.connect(lambda: guess.setText("Draw a digit."))
    pad.set_model(load_bundled_model())
    if args.digit:
        pad.draw_strokes([np.array(s, dtype=float) * pad.width() / 280 for s in SEVEN])
    return box


def main(argv=None):
    parser = demo_parser(__doc__.splitlines()[0])
    parser.add_argument("--digit", action="store_true", help="start with a made-up 7 on the pad")
    parser.set_defaults(size="320x380")
    args = parser.parse_args(argv)
    return run_demo("Draw pad", lambda: build(args), args)


if __name__ == "__main__":
    raise SystemExit(main())
