"""Start-up of the GUI: one BLAS thread while it runs, the Qt application, and the main window."""

import sys

APP_NAME = "Backprop Studio"  # QSettings and the window system know the app by these
ORGANIZATION = "Backprop Studio"


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


def run_app(argv=None) -> int:
    """Show the main window and run the event loop; returns the exit status. ``argv`` excludes the program."""
    limiter = limit_blas_threads(1)
    try:
        app = make_application(argv)
        from gui.shell.main_window import MainWindow

        window = MainWindow()
        window.show()
        status = app.exec()
        window.shutdown()
        return int(status)
    finally:
        limiter.restore_original_limits()
