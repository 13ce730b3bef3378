"""The window at projector, beamer and desktop sizes, each at 100 %, 150 % and 200 %:
``python resources/screenshots/make_layout_screenshots.py``.

Each picture is the real MainWindow, opened offscreen on a screen of that size in logical pixels (so
1024×700 at 150 % is a 1536×1050 picture), on MNIST with the bundled model shown, taken in a process of
its own because QT_SCALE_FACTOR counts only before the QApplication exists. Names: layout_WxH_S.png.
Then big_network_focus.png: 784-128-64-10 after one batch, a hidden neuron clicked.

    --data DIR    the folder with the four MNIST files (default: $BACKPROP_STUDIO_MNIST)
    --out DIR     where the PNGs go (default: this folder)
"""

import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SIZES = [(1024, 700), (1280, 720), (1920, 1080)]
SCALES = ("1", "1.5", "2")
FOCUS_NEURON = 40  # the hidden neuron clicked in big_network_focus.png


def shot_name(width, height, scale):
    return f"layout_{width}x{height}_{scale}x.png"


def take_one(width, height, path):
    """In this process: open the window at width × height (QT_SCALE_FACTOR from the environment), save it."""
    sys.path.insert(0, HERE)
    sys.path.insert(0, ROOT)
    from palette import quantized

    from gui.shell.offscreen_window import open_window

    with tempfile.TemporaryDirectory(prefix="layout-shot-") as scratch:
        _, window = open_window(width, height, scratch)
        image = quantized(window.grab().toImage())
        temporary = path + ".tmp.png"
        if not image.save(temporary, "PNG", 0):
            sys.exit(f"could not write {temporary}")
        os.replace(temporary, path)
        print(f"  {os.path.basename(path)}  {image.width()}×{image.height()}  {os.path.getsize(path) / 1024:.0f} KB")
        window.shutdown()


def take_focus(path):
    """784-128-64-10 at 1280×720 with one hidden neuron clicked: its strongest inputs framed, the rest faded."""
    sys.path.insert(0, HERE)
    sys.path.insert(0, ROOT)
    from palette import quantized
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    from gui.shell.offscreen_window import open_window, settle

    with tempfile.TemporaryDirectory(prefix="layout-shot-") as scratch:
        app, window = open_window(1280, 720, scratch)
        config = window.controls.config()
        config.hidden, config.activations = [128, 64], ["relu", "relu"]
        window.controls.set_config(config)
        window.reset()
        while window.network() is None or window.network().sizes != [784, 128, 64, 10]:
            app.processEvents()
        stepped = []
        window.weights_updated.connect(stepped.append)
        window.action("step_batch").trigger()  # a trained batch: the input and the activations are shown
        while not stepped:
            app.processEvents()
        settle(app)
        view = window.network_view
        QTest.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.neuron_center(1, FOCUS_NEURON).toPoint())
        QTest.mouseMove(view, QPoint(view.width() - 2, 2))
        settle(app)
        image = quantized(window.grab().toImage())
        if not image.save(path, "PNG", 0):
            sys.exit(f"could not write {path}")
        print(f"  {os.path.basename(path)}  {image.width()}×{image.height()}  {os.path.getsize(path) / 1024:.0f} KB")
        window.shutdown()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("BACKPROP_STUDIO_MNIST"))
    parser.add_argument("--out", default=HERE)
    parser.add_argument("--one", nargs=3, metavar=("WIDTH", "HEIGHT", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--focus", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.data:
        parser.error("MNIST is needed: pass --data DIR or set BACKPROP_STUDIO_MNIST")
    os.environ["BACKPROP_STUDIO_MNIST"] = os.path.abspath(args.data)
    if args.one:
        take_one(int(args.one[0]), int(args.one[1]), args.one[2])
        return
    if args.focus:
        take_focus(args.focus)
        return
    os.makedirs(args.out, exist_ok=True)
    for scale in SCALES:
        for width, height in SIZES:
            path = os.path.join(os.path.abspath(args.out), shot_name(width, height, scale))
            env = dict(os.environ, QT_SCALE_FACTOR=scale)
            subprocess.run([sys.executable, os.path.abspath(__file__), "--one", str(width), str(height), path],
                           env=env, check=True)
    subprocess.run([sys.executable, os.path.abspath(__file__), "--focus",
                    os.path.join(os.path.abspath(args.out), "big_network_focus.png")], check=True)


if __name__ == "__main__":
    main()
