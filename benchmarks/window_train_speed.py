"""Full-speed training in the window: samples/s of the two spirals (100 epochs) and MNIST 784-16-16-10 (2 epochs).

Run:  python benchmarks/window_train_speed.py [--runs 3] [--mnist-epochs 2] [--speed 0]

Each run opens a MainWindow offscreen (settings in a temporary folder), sets the speed control to
``--speed`` (0 = full speed), presses Play and waits for the run to end; the rate is samples trained
over the worker's own run time (Finished.seconds), and the process's CPU time a sample (GUI and worker
threads) tells what the work costs when the machine is shared. Medians of --runs; the machine is shared, so
compare figures taken in the same session.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def one_run(app, dataset, epochs, speed):
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QSpinBox

    from gui.shell.main_window import MainWindow

    window = MainWindow(dataset=dataset)
    window.show()
    while window.session.trainer is None:  # MNIST is read in the background first
        app.processEvents()
        time.sleep(0.01)
    config = window.controls.config()
    config.epochs = epochs
    window.controls.set_config(config)
    window.reset()
    box = window.findChild(QSpinBox, "training_speed")
    if box is not None:
        box.setValue(speed)
    cpu0 = time.process_time()
    loop, ended = QEventLoop(), []
    window.worker.finished.connect(lambda generation, event: (ended.append(event), loop.quit()))
    window.action("play_pause").trigger()
    loop.exec()
    event = ended[-1]
    samples = window.trainer.samples_seen
    cpu = time.process_time() - cpu0
    window.shutdown()
    window.close()
    window.deleteLater()
    app.processEvents()
    return samples / event.seconds, 1e6 * cpu / samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mnist-epochs", type=int, default=2)
    parser.add_argument("--speed", type=int, default=0)
    args = parser.parse_args()
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    folder = tempfile.mkdtemp()
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, folder)
    os.environ["BACKPROP_STUDIO_DATA_DIR"] = folder
    app = QApplication.instance() or QApplication([])
    sets = [("spirals", 100)]
    if os.environ.get("BACKPROP_STUDIO_MNIST"):
        sets.append(("mnist", args.mnist_epochs))
    for dataset, epochs in sets:
        runs = [one_run(app, dataset, epochs, args.speed) for _ in range(args.runs)]
        rates = [r for r, _ in runs]
        print(f"{dataset:8s} {epochs:3d} epochs: {statistics.median(rates):10,.0f} samples/s, "
              f"{statistics.median(c for _, c in runs):.2f} CPU µs a sample, both threads "
              f"(runs: {', '.join(f'{r:,.0f}' for r in rates)})", flush=True)


if __name__ == "__main__":
    main()
