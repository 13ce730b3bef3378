"""GUI test fixtures: the user data folder and the settings are temporary ones."""

import pytest


@pytest.fixture(autouse=True)
def private_user_data(tmp_path, monkeypatch):
    """Personal digits and fine-tuned models go to a fresh folder, never the user's own."""
    folder = tmp_path / "user-data"
    monkeypatch.setenv("BACKPROP_STUDIO_DATA_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def private_settings(tmp_path):
    """QSettings (e.g. the remembered MNIST folder) read and write a fresh INI folder, never the user's own."""
    from PySide6.QtCore import QSettings

    folder = tmp_path / "settings"
    QSettings.setDefaultFormat(QSettings.IniFormat)
    for scope, name in ((QSettings.UserScope, "user"), (QSettings.SystemScope, "system")):
        QSettings.setPath(QSettings.IniFormat, scope, str(folder / name))
    return folder


@pytest.fixture
def discard_on_close(monkeypatch):
    """Windows closed at the end of a test with training their file lacks are closed without saving."""
    from PySide6.QtWidgets import QMessageBox

    from tests.gui.checkpoint_helpers import answer_questions

    return answer_questions(monkeypatch, QMessageBox.StandardButton.Discard)
