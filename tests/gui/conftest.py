"""GUI test fixtures: the user data folder and the settings are temporary ones; real pen strokes for the draw pad."""

import os

import pytest

from engine.data.mnist_source import MNIST_ENV


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


@pytest.fixture(scope="session")
def unipen_path():
    """unipen-dev/digits.jsonl.gz beside the MNIST folder; fails (never skips) in CI when it is missing."""
    mnist = os.environ.get(MNIST_ENV)
    path = os.path.join(os.path.dirname(os.path.abspath(mnist)), "unipen-dev", "digits.jsonl.gz") if mnist else None
    if not path or not os.path.isfile(path):
        message = f"real pen strokes are expected at unipen-dev/digits.jsonl.gz beside ${MNIST_ENV} (got {path!r})"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(autouse=True)
def unanswered_questions_fail(monkeypatch):
    """A question no test answered fails the test at once, where a real one would wait for a click forever."""
    from PySide6.QtWidgets import QMessageBox

    def question(parent, title, text, *args):
        raise AssertionError(f"the test did not answer the question {title!r}: {text}")
    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))


@pytest.fixture
def discard_unsaved(monkeypatch):
    """Questions about unsaved training (Reset, opening a file, closing) answer Discard; the texts asked."""
    from PySide6.QtWidgets import QMessageBox

    from tests.gui.checkpoint_helpers import answer_questions

    return answer_questions(monkeypatch, QMessageBox.StandardButton.Discard)


@pytest.fixture
def discard_on_close(discard_unsaved):
    """Windows closed at the end of a test with training their file lacks are closed without saving."""
    return discard_unsaved
