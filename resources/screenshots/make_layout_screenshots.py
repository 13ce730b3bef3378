"""The window at projector, beamer and desktop sizes, each at 100 %, 150 % and 200 %:
``python resources/screenshots/make_layout_screenshots.py``.

Each picture is the real MainWindow, opened offscreen on a screen of that size in logical pixels (so
1024×700 at 150 % is a 1536×1050 picture), on MNIST with the bundled model shown, taken in a process of
its own because QT_SCALE_FACTOR counts only before the QApplication exists. Names: layout_WxH_S.png.

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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("BACKPROP_STUDIO_MNIST"))
    parser.add_argument("--out", default=HERE)
    parser.add_argument("--one", nargs=3, metavar=("WIDTH", "HEIGHT", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.data:
        parser.error("MNIST is needed: pass --data DIR or set BACKPROP_STUDIO_MNIST")
    os.environ["BACKPROP_STUDIO_MNIST"] = os.path.abspath(args.data)
    if args.one:
        take_one(int(args.one[0]), int(args.one[1]), args.one[2])
        return
    os.makedirs(args.out, exist_ok=True)
    for scale in SCALES:
        for width, height in SIZES:
            path = os.path.join(os.path.abspath(args.out), shot_name(width, height, scale))
            env = dict(os.environ, QT_SCALE_FACTOR=scale)
            subprocess.run([sys.executable, os.path.abspath(__file__), "--one", str(width), str(height), path],
                           env=env, check=True)


if __name__ == "__main__":
    main()
