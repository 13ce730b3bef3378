"""What the app remembers between runs (QSettings, INI format, per user): for now the chosen MNIST folder."""

import os

from PySide6.QtCore import QSettings

ORGANIZATION = "Backprop Studio"
APPLICATION = "Backprop Studio"
MNIST_FOLDER_KEY = "data/mnist_folder"  # a folder the user picked that holds the four MNIST files


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
