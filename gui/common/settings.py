"""What the app remembers between runs (QSettings, INI format, per user): the MNIST folder, recent files, the
training speed."""

import os

from PySide6.QtCore import QSettings

ORGANIZATION = "Backprop Studio"
APPLICATION = "Backprop Studio"
MNIST_FOLDER_KEY = "data/mnist_folder"  # a folder the user picked that holds the four MNIST files
RECENT_FILES_KEY = "files/recent"  # checkpoints opened or saved, newest first
MAX_RECENT_FILES = 8
SPEED_KEY = "training/speed"  # batches a second the training is paced at; 0 = full speed


def app_settings():
    """The user's settings file; INI everywhere, so tests can redirect it with QSettings.setPath."""
    return QSettings(QSettings.IniFormat, QSettings.UserScope, ORGANIZATION, APPLICATION)


def remembered_mnist_folder():
    """The MNIST folder the user chose last time, or None."""
    value = app_settings().value(MNIST_FOLDER_KEY, "")
    return os.fspath(value) if value else None


def remember_mnist_folder(folder):
    """Remember ``folder`` as the MNIST folder for the next start; None forgets it."""
    settings = app_settings()
    if folder:
        settings.setValue(MNIST_FOLDER_KEY, os.path.abspath(os.fspath(folder)))
    else:
        settings.remove(MNIST_FOLDER_KEY)
    settings.sync()


def recent_files():
    """Checkpoints opened or saved lately, newest first (absolute paths; some may no longer exist)."""
    value = app_settings().value(RECENT_FILES_KEY, [])
    if isinstance(value, str):  # an INI list of one comes back as a plain string
        value = [value]
    return [os.fspath(v) for v in (value or []) if isinstance(v, str) and v][:MAX_RECENT_FILES]


def remember_recent_file(path):
    """Put ``path`` first in the recent files (once), keeping the newest MAX_RECENT_FILES."""
    path = os.path.abspath(os.fspath(path))
    _store_recent([path] + [p for p in recent_files() if p != path])


def forget_recent_file(path):
    """Take ``path`` out of the recent files (it was moved or deleted)."""
    path = os.path.abspath(os.fspath(path))
    _store_recent([p for p in recent_files() if p != path])


def _store_recent(paths):
    settings = app_settings()
    settings.setValue(RECENT_FILES_KEY, paths[:MAX_RECENT_FILES])
    settings.sync()


def remembered_speed(maximum):
    """The training speed chosen last time (batches a second, 0 = full speed); 0 when none or not a number in
    0 … ``maximum``."""
    try:
        value = int(app_settings().value(SPEED_KEY, 0))
    except (TypeError, ValueError):
        return 0
    return value if 0 <= value <= maximum else 0


def remember_speed(value):
    """Remember the training speed for the next start."""
    settings = app_settings()
    settings.setValue(SPEED_KEY, int(value))
    settings.sync()
