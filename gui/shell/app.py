"""Start-up of the GUI: one BLAS thread while it runs, the Qt application, the main window, and Ctrl+C."""

import signal
import sys

APP_NAME = "Backprop Studio"  # QSettings and the window system know the app by these
ORGANIZATION = "Backprop Studio"
SIGNAL_POLL_MS = 200  # Qt's loop runs no Python while idle: a no-op timer this often lets a handler run


def limit_blas_threads(threads=1):
    """Limit the BLAS (and OpenMP) pools to ``threads``; returns the limiter, whose
    ``restore_original_limits()`` undoes it.

    With 2 cores, one is the GUI's: 2-thread BLAS next to a busy GUI thread collapses (FINDINGS.md),
    while 1 thread is as fast as 2 for these layer sizes.
    """
    import numpy  # noqa: F401 - threadpoolctl only sees BLAS libraries already loaded
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=threads)


def make_application(argv=None):
    """The QApplication (the existing one if any), named for QSettings, with the Fusion style, the app icon,
    and the system's light or dark palette followed."""
    from PySide6.QtWidgets import QApplication

    from gui.common.icons import app_icon
    from gui.common.theme import follow_system_scheme

    app = QApplication.instance()
    if app is None:
        args = sys.argv[1:] if argv is None else list(argv)
        app = QApplication([sys.argv[0] if sys.argv else "backprop-studio", *args])
        app.setStyle("Fusion")
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName("backprop-studio")  # Wayland and docks match the window to its .desktop entry
    app.setWindowIcon(app_icon())
    follow_system_scheme(app)
    return app


def quit_on_sigint(app, window):
    """Ctrl+C in the terminal closes ``window`` as its close button does, then quits; returns an undo function.

    The close goes through the window's own path, so when training would be lost ("Save changes to …?")
    the question is asked in the window rather than the training thrown away; when nothing would be lost
    the app quits at once. A second Ctrl+C while that question is open quits without saving: the person at
    the terminal has said twice that they want out.
    """
    from PySide6.QtCore import QTimer

    closing = []  # non-empty while the close started by a Ctrl+C is under way (its question may be open)

    def close_and_quit():
        closing.append(True)
        try:
            if window.close():
                app.quit()  # other top-level windows (a detached view, a dialog) must not keep the app alive
        finally:
            closing.clear()

    def on_sigint(signum, frame):
        if closing:
            print("Ctrl+C again: quitting without saving", file=sys.stderr, flush=True)
            app.quit()  # ends the question's loop too; the window's shutdown still stops the threads
        else:
            # Not from inside the handler: it runs between two bytecodes of whatever Python code was running.
            QTimer.singleShot(0, close_and_quit)

    previous = signal.signal(signal.SIGINT, on_sigint)
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)  # Python gets the interpreter back this often: the handler runs
    timer.start(SIGNAL_POLL_MS)

    def undo():
        timer.stop()
        timer.deleteLater()
        signal.signal(signal.SIGINT, previous)

    return undo


def run_app(argv=None) -> int:
    """Show the main window and run the event loop; returns the exit status. ``argv`` excludes the program."""
    limiter = limit_blas_threads(1)
    try:
        app = make_application(argv)
        from gui.shell.main_window import MainWindow

        window = MainWindow()
        window.show()
        undo_sigint = quit_on_sigint(app, window)
        try:
            status = app.exec()
        finally:
            undo_sigint()
        window.shutdown()
        return int(status)
    finally:
        limiter.restore_original_limits()
