"""How big is a GIF of the spirals learning, and what does recording cost? File ▸ Record…'s own Recorder.

The main window trains the spirals (Play) for ``--seconds`` of wall time while a Recorder grabs the network
view (or, with ``--with-loss``, the view over the loss plot) at ``--fps``; then the GIF is made as the app
makes it. Prints frames, the grab time per frame, the frames' memory, the GIF's size and the time to make it.

    python benchmarks/record_gif.py [--seconds 30] [--fps 10] [--with-loss] [--out spirals.gif]

Measured (offscreen, 2 cores shared with other work, load 8–10, 2026-12, window 1920 × 1080, 30 s at 10 frames/s):
    view alone (1279 × 491 → 640 × 246)       209–270 grabs, 22–36 distinct, grab 12–21 ms   GIF 0.26–0.29 MiB
    view over loss plot (1279 × 823 → 640 × 412) 173–270 grabs, 155–241 distinct, grab 24–60 ms GIF 0.79–0.85 MiB
The GIF is made in 0.4–2.3 s. With a palette per frame instead of one for all, view over loss plot: 12.2 MiB
(every frame is written whole when the same colour has another index in each). Fewer grabs than 300: the
timer's turn comes late when the GUI thread is busy; the view itself redraws only as often as training feeds it.
"""

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--fps", type=float, default=10)
    parser.add_argument("--with-loss", action="store_true")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    os.environ.setdefault("BACKPROP_STUDIO_DATA_DIR", tempfile.mkdtemp())

    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from gui.common.recorder import Recorder, gif_bytes
    from gui.shell.main_window import MainWindow

    window = MainWindow(dataset="spirals")
    window.resize(1920, 1080)
    window.show()
    config = window.controls.config()
    config.epochs = 5000  # training goes on for the whole recording
    window.controls.set_config(config)
    window.reset()
    widget = window.splitter if args.with_loss else window.network_view
    recorder = Recorder(widget, fps=args.fps)
    grab_seconds = []
    grab = recorder.grab_frame

    def timed_grab():
        t0 = time.perf_counter()
        grab()
        grab_seconds.append(time.perf_counter() - t0)

    recorder._timer.timeout.disconnect()
    recorder._timer.timeout.connect(timed_grab)
    window.play()
    recorder.start()
    end = time.perf_counter() + args.seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)
    recorder.stop()
    window.pause()
    t0 = time.perf_counter()
    data = gif_bytes(recorder.frames, args.fps)
    gif_seconds = time.perf_counter() - t0
    if args.out:
        with open(args.out, "wb") as fh:
            fh.write(data)
    size = recorder.frames[0][0].size()
    grab_seconds.sort()
    print(f"recorded {args.seconds:g} s at {args.fps:g} frames/s of {'view + loss plot' if args.with_loss else 'view'}"
          f" ({widget.width()} × {widget.height()} → {size.width()} × {size.height()}): {recorder.grabs()} grabs, "
          f"{len(recorder.frames)} distinct frames, {recorder.bytes / 2**20:.0f} MiB in memory")
    print(f"grab: median {1000 * grab_seconds[len(grab_seconds) // 2]:.1f} ms, "
          f"max {1000 * grab_seconds[-1]:.1f} ms; training reached epoch {window.trainer.epoch}")
    print(f"GIF: {len(data) / 2**20:.2f} MiB, made in {gif_seconds:.1f} s")
    window.shutdown()


if __name__ == "__main__":
    main()
