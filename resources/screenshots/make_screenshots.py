"""The README's screenshots, taken from real runs of the app: ``python resources/screenshots/make_screenshots.py``.

It opens the real MainWindow (offscreen, 1400×900) and drives it the way a person would: the toolbar's
QActions, the controls, mouse events on the network view and the draw pad. Every run is seeded and
every wait is on the app's own state, never on a fixed delay that a slow machine could outrun. Runs
stop by themselves at a set epoch, so the walkthroughs and the evaluation are the same on every run;
only mnist_training.png, taken while training runs, may differ by a few batches.

    --data DIR       the folder with the four MNIST files (default: $BACKPROP_STUDIO_MNIST)
    --unipen PATH    real pen strokes, digits.jsonl.gz (default: unipen-dev/ beside the MNIST folder)
    --out DIR        where the PNGs go (default: this folder)
    --only NAME…     take only these screenshots (names without .png)
    --full-colour    save 24-bit PNGs (default: 256 colours by median cut, a third of the size)

The user's own settings, digits and fine-tuned model are never read or written: the script points
QSettings and the user data folder at a temporary directory.
"""

import argparse
import os
import sys
import tempfile
import time

from palette import quantized  # beside this script (its folder is on sys.path when run as a script)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SIZE = (1400, 900)  # the window, in pixels
SCREEN = (1920, 1080)  # the screen it is on (a narrower one would give the side panels one column)
TIMEOUT = 120.0  # seconds any single wait may take before the script gives up with a message
MNIST_EPOCHS = 5  # the MNIST run pauses by itself after these (a fixed point, so what follows is the same)
SHOT_EPOCH = 3  # mnist_training.png is taken during this epoch, past SHOT_FRACTION of its batches
SHOT_FRACTION = 0.5
HOVER_NEURON = 5  # the first-layer neuron hovered in mnist_training.png (its card shows its 28×28 weights)
DIGIT = 3  # the label of the pen-stroke digit drawn on the pad
DIGIT_BOX, DIGIT_OFFSET = 0.5, (-0.15, -0.12)  # its size and off-centre position on the pad (fractions)
TOY = "spirals"
TOY_WALK_EPOCH = 36  # the 2-D walk happens after these epochs, while the spirals are still being learnt
TOY_EPOCHS = 100
SHOTS = ("first_minute", "mnist_training", "evaluation", "draw_pad", "walk_forward", "walk_backward", "spirals",
         "walk_2d_forward", "walk_2d_backward", "sine_fit")
REGRESSION = "sine"  # the 1-D set of sine_fit.png: its function plot with each hidden neuron's curve


class ScreenshotError(RuntimeError):
    """Something the script needs is missing, or the app did not do what was asked in time."""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.environ.get("BACKPROP_STUDIO_MNIST"),
                        help="folder with the four MNIST IDX files (default: $BACKPROP_STUDIO_MNIST)")
    parser.add_argument("--unipen", help="UNIPEN digits.jsonl.gz (default: unipen-dev/ beside the MNIST folder)")
    parser.add_argument("--out", default=HERE, help="folder for the PNGs (default: %(default)s)")
    parser.add_argument("--only", nargs="+", choices=SHOTS, metavar="NAME", help=f"a subset of: {', '.join(SHOTS)}")
    parser.add_argument("--full-colour", action="store_true", help="24-bit PNGs instead of 256 colours")
    args = parser.parse_args(argv)
    if not args.data:
        parser.error("MNIST is needed: pass --data DIR or set BACKPROP_STUDIO_MNIST")
    args.data = os.path.abspath(args.data)
    if args.unipen is None:
        args.unipen = os.path.join(os.path.dirname(args.data), "unipen-dev", "digits.jsonl.gz")
    args.only = set(args.only or SHOTS)
    return args


def isolate_environment(args, scratch):
    """Offscreen Qt on a SCREEN-sized screen, MNIST from --data, and a private user data folder; call before
    anything imports Qt."""
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    from gui.common.offscreen import offscreen_platform

    os.environ["QT_QPA_PLATFORM"] = offscreen_platform(*SCREEN, scratch)
    os.environ["BACKPROP_STUDIO_MNIST"] = args.data
    os.environ["BACKPROP_STUDIO_DATA_DIR"] = os.path.join(scratch, "user-data")


def check_inputs(args):
    """Fail at once, with a message, when MNIST or the pen strokes are not where they should be."""
    from engine.data import mnist_source

    if not mnist_source.has_mnist(args.data):
        missing = ", ".join(mnist_source.missing_files(args.data)) or "the four files"
        raise ScreenshotError(f"MNIST not found in {args.data} (missing {missing}); pass --data DIR")
    if args.only & {"draw_pad", "first_minute"} and not os.path.isfile(args.unipen):
        raise ScreenshotError(f"real pen strokes not found at {args.unipen} (pass --unipen PATH)")


# -- waiting on the app ------------------------------------------------------------------------------
def wait_until(predicate, what, timeout=TIMEOUT):
    """Process events until ``predicate()`` holds; ScreenshotError naming ``what`` after ``timeout`` seconds."""
    from PySide6.QtTest import QTest

    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise ScreenshotError(f"gave up after {timeout:.0f} s waiting for {what}")
        QTest.qWait(10)


def wait_signal(signal, fire, what, timeout=TIMEOUT):
    """Call ``fire()``, then wait for ``signal`` (a GUI-thread signal); returns its arguments."""
    got = []

    def record(*args):
        got.append(args)

    signal.connect(record)
    try:
        fire()
        wait_until(lambda: got, what, timeout)
    finally:
        signal.disconnect(record)
    return got[0]


def answer_next_question(button="Discard", tries=100):
    """Press ``button`` in the question the next action asks (e.g. Reset after a run: "Unsaved training"), as a
    person would; a modal dialog would wait for a click forever offscreen. Gives up after ``tries`` × 50 ms."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    def press(left=tries):
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.button(getattr(QMessageBox.StandardButton, button)) is not None:
            box.button(getattr(QMessageBox.StandardButton, button)).click()
        elif left > 0:
            QTimer.singleShot(50, lambda: press(left - 1))

    QTimer.singleShot(0, press)


def settle(ms=300):
    """Let the window finish what it schedules on timers (debounced relayouts, coalesced view updates)."""
    from PySide6.QtTest import QTest

    QTest.qWait(ms)


def action(window, name):
    """The window's QAction called ``name``; ScreenshotError when it does not exist."""
    from PySide6.QtGui import QAction

    found = window.findChild(QAction, name)
    if found is None:
        raise ScreenshotError(f"the window has no QAction named {name!r}")
    return found


def step_phase(window):
    """Press Step phase (Shift+→); returns the PhaseStep reached, once the views show it."""
    step = wait_signal(window.session.phase_reached, action(window, "step_phase").trigger, "a phase step")[0]
    settle(100)
    return step


def hover(widget, point):
    """Move the mouse over ``point`` (a QPoint or QPointF in ``widget``) without pressing a button."""
    from PySide6.QtCore import QPointF
    from PySide6.QtTest import QTest

    QTest.mouseMove(widget, QPointF(point).toPoint())
    settle(100)


class Shooter:
    """Saves grabs of a widget as PNGs into ``folder``; remembers what it wrote and how big it is."""

    def __init__(self, folder, wanted, full_colour=False):
        self.folder = folder
        self.wanted = wanted  # names to save; others are skipped
        self.full_colour = full_colour  # False: 256 colours (palette.py)
        self.saved = []  # (name, bytes, width, height)

    def __repr__(self):
        return f"Shooter({self.folder!r}, {len(self.saved)} saved)"

    def __call__(self, name, widget):
        if name not in self.wanted:
            return
        settle(150)
        image = widget.grab().toImage()
        if not self.full_colour:
            image = quantized(image)
        path = os.path.join(self.folder, f"{name}.png")
        temporary = path + ".tmp.png"
        if not image.save(temporary, "PNG", 0):  # quality 0: the strongest PNG compression
            raise ScreenshotError(f"could not write {temporary}")
        os.replace(temporary, path)
        self.saved.append((name, os.path.getsize(path), image.width(), image.height()))
        print(f"  {name}.png  {image.width()}×{image.height()}  {os.path.getsize(path) / 1024:.0f} KB", flush=True)


# -- the scenes ------------------------------------------------------------------------------------
def open_window():
    from gui.shell.main_window import MainWindow

    window = MainWindow()
    window.resize(*SIZE)
    window.show()
    wait_until(lambda: window.network() is not None, "the first network")
    settle()
    return window


def play_to_end(window, epochs, what):
    """Set Epochs, press Play and wait until the run stops by itself; then close its notice."""
    window.controls.epochs.setValue(epochs)
    action(window, "play_pause").trigger()
    wait_until(lambda: not window.session.playing, what)
    finished(window, what)


def finished(window, what):
    """Check the run ended by completing its epochs (not diverged or failed); close its notice."""
    settle()
    if not window.session.epochs_done():
        raise ScreenshotError(f"{what}: the run stopped early: {window.notice.text() or 'no message'}")
    window.notice.close_button.click()  # "Training finished …": read, and closed


def hover_away(window):
    """Move the mouse to the status bar, where nothing shows a card or a crosshair."""
    hover(window.statusBar(), window.statusBar().rect().center())


def walk(window, shoot, forward_layer, backward_layer, names):
    """Step phase by phase (Shift+→): shots in a forward and a backward phase; then the batch is finished."""
    from engine.phases import Backward, Forward
    from engine.training import BatchDone

    while True:
        step = step_phase(window)
        if isinstance(step.event, Forward) and step.event.layer == forward_layer:
            shoot(names[0], window)
        if isinstance(step.event, Backward) and step.event.layer == backward_layer:
            shoot(names[1], window)
        if isinstance(step.event, BatchDone):
            return


def mnist_scene(window, shoot, unipen_path):
    """The seed network 784-16-16-10 on MNIST: a walk after one epoch, training, evaluation, the draw pad."""
    from engine.training_config import MNIST

    if window.session.config.dataset != MNIST or window.network().sizes != [784, 16, 16, 10]:
        raise ScreenshotError(f"expected the seed network 784-16-16-10 on MNIST at start, got {window!r}")
    if "first_minute" in shoot.wanted:  # before any training: the pretrained model, lit by the drawing
        draw_digit(window, unipen_path, shoot, "first_minute")
    play_to_end(window, 1, "the first epoch on MNIST")
    window.controls.epochs.setValue(MNIST_EPOCHS)  # room for more: the walk is the first batch of epoch 2
    walk(window, shoot, 1, 1, ("walk_forward", "walk_backward"))
    train_mnist(window, shoot)
    evaluate(window, shoot)
    if "draw_pad" in shoot.wanted:
        draw_digit(window, unipen_path, shoot)


def train_mnist(window, shoot):
    """Training goes on to MNIST_EPOCHS; one shot mid-run, hovering a first-layer neuron (its weights as an image)."""
    updates = []
    window.session.updated.connect(updates.append)
    window.controls.epochs.setValue(MNIST_EPOCHS)
    action(window, "play_pause").trigger()

    def far_enough():
        b = updates[-1].batch if updates else None
        return b is not None and b.epoch + 1 >= SHOT_EPOCH and b.batch >= SHOT_FRACTION * b.n_batches

    wait_until(far_enough, f"training to reach half of epoch {SHOT_EPOCH}")
    window.session.updated.disconnect(updates.append)
    view = window.network_view
    hover(view, view.neuron_center(1, HOVER_NEURON))
    shoot("mnist_training", window)
    hover_away(window)
    wait_until(lambda: not window.session.playing, f"the {MNIST_EPOCHS} epochs to end")
    finished(window, f"{MNIST_EPOCHS} epochs on MNIST")


def evaluate(window, shoot):
    """The Evaluation tab on the network just trained (skipped while the window has no such tab)."""
    from PySide6.QtGui import QAction

    from gui.evaluation.view import EvaluationView

    if "evaluation" not in shoot.wanted:
        return
    if window.findChild(QAction, "show_evaluation") is None:
        print("  evaluation.png skipped: the window has no 'show_evaluation' action yet", flush=True)
        return
    view = window.findChild(EvaluationView)
    if view is None:
        raise ScreenshotError("the window has a 'show_evaluation' action but no EvaluationView")
    action(window, "show_evaluation").trigger()
    wait_until(lambda: view.isVisible() and view.result() is not None and not view.running, "the evaluation")
    settle()
    shoot("evaluation", window)
    action(window, "show_training").trigger()
    settle()


def draw_digit(window, unipen_path, shoot, name="draw_pad"):
    """A real pen-stroke digit drawn on the pad with mouse events: the guess, the bars, the preprocessing."""
    import numpy as np
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    from engine.data.unipen import fit_strokes, load_unipen
    from gui.draw_pad.pad import DrawPad

    pads = window.findChildren(DrawPad)
    if len(pads) != 1:
        raise ScreenshotError(f"expected one DrawPad in the window, found {len(pads)}")
    pad = pads[0]
    side = pad.width()
    offset = np.asarray(DIGIT_OFFSET) * side
    for label, strokes in load_unipen(unipen_path):  # the first digit of the file read right and surely
        if label != DIGIT or len(strokes) < 2:
            continue
        pad.clear_action.trigger()
        for stroke in fit_strokes(strokes, side, DIGIT_BOX, offset):
            points = [QPoint(round(x), round(y)) for x, y in stroke]
            QTest.mousePress(pad, Qt.LeftButton, Qt.NoModifier, points[0])
            for p in points[1:]:
                QTest.mouseMove(pad, p)
            QTest.mouseRelease(pad, Qt.LeftButton, Qt.NoModifier, points[-1])
        probs = pad.probabilities()
        if probs is not None and int(np.argmax(probs)) == DIGIT and probs[DIGIT] > 0.95:
            break
    else:
        raise ScreenshotError(f"no {DIGIT} drawn from {unipen_path} was read right by the pad's model")
    hover_away(window)
    shoot(name, window)
    pad.clear_action.trigger()
    settle()


def choose_dataset(window, name, inputs):
    """Choose dataset ``name`` in the controls and wait for its network (``inputs`` wide); returns its title."""
    from engine.training_config import dataset_title

    title = dataset_title(name)
    combo = window.controls.dataset
    index = combo.findData(name)
    if index < 0:
        raise ScreenshotError(f"the dataset list has no {name!r}")
    combo.setCurrentIndex(index)
    if window.network().sizes[0] != inputs:  # after training, the window asks for a reset instead
        answer_next_question("Discard")  # the run since the model was opened is not kept
        wait_signal(window.network_reset, action(window, "reset").trigger, f"a network for {title}")
    wait_until(lambda: window.network().sizes[0] == inputs, f"a network for {title}")
    return title


def toy_scene(window, shoot):
    """A 2-D set chosen in the controls: a walk while it is still learning, then trained to the end."""
    from PySide6.QtCore import QPointF

    title = choose_dataset(window, TOY, 2)
    play_to_end(window, TOY_WALK_EPOCH, f"{TOY_WALK_EPOCH} epochs on {title}")
    window.controls.epochs.setValue(TOY_EPOCHS)
    walk(window, shoot, 1, 0, ("walk_2d_forward", "walk_2d_backward"))
    play_to_end(window, TOY_EPOCHS, f"{TOY_EPOCHS} epochs on {title}")
    view = window.network_view
    left, top, side = view.plane_rect()
    hover(view, QPointF(left + 0.3 * side, top + 0.35 * side))  # a point of the map: its probabilities
    shoot("spirals", window)
    hover_away(window)


def sine_scene(window, shoot):
    """The sine trained to the end; hovering the last hidden neuron whose contribution varies most shows it."""
    import numpy as np

    choose_dataset(window, REGRESSION, 1)
    play_to_end(window, 100, "100 epochs on the sine")
    view = window.network_view
    strongest = int(np.ptp(view.snapshot().function_curves()["contributions"], axis=1).argmax())
    column = len(window.network().sizes) - 2
    for _ in range(2):  # the first move after the run may land where the pointer last was
        hover(view, view.neuron_center(column, strongest))
    shoot("sine_fit", window)
    hover_away(window)


def main(argv=None):
    args = parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="screenshots-") as scratch:
        isolate_environment(args, scratch)
        check_inputs(args)
        from PySide6.QtCore import QSettings

        from gui.shell.app import limit_blas_threads, make_application

        limiter = limit_blas_threads(1)  # as the app itself runs: one BLAS thread next to the GUI
        app = make_application([])
        QSettings.setDefaultFormat(QSettings.IniFormat)
        for scope, name in ((QSettings.UserScope, "user"), (QSettings.SystemScope, "system")):
            QSettings.setPath(QSettings.IniFormat, scope, os.path.join(scratch, "settings", name))
        os.makedirs(args.out, exist_ok=True)
        shoot = Shooter(args.out, args.only, args.full_colour)
        window = open_window()
        try:
            if args.only & set(SHOTS[:5]):
                mnist_scene(window, shoot, args.unipen)
            if args.only & set(SHOTS[5:8]):
                toy_scene(window, shoot)
            if "sine_fit" in args.only:
                sine_scene(window, shoot)
        finally:
            window.close()
            window.shutdown()
            app.processEvents()
            limiter.restore_original_limits()
    total = sum(size for _, size, _, _ in shoot.saved)
    print(f"{len(shoot.saved)} screenshots, {total / 1024:.0f} KB, in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    try:
        main()
    except ScreenshotError as exc:
        sys.exit(f"make_screenshots: {exc}")
