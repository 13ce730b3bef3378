"""Opening a person's CSV in a window as a user does: File ▸ Open data…, the dialog, OK."""

from tests.gui.checkpoint_helpers import answer_dialogs
from tests.gui.window_helpers import TIMEOUT, action

IRIS = "tests/fixtures/iris/iris.csv"


def open_table(window, qtbot, monkeypatch, path, test_fraction=0.2):
    """Choose ``path`` with File ▸ Open data…, keep the last column as target, press OK; wait for the network."""
    answer_dialogs(monkeypatch, path)
    action(window, "open_data").trigger()
    dialog = window.open_data.dialog
    assert dialog is not None and dialog.target.currentText() == dialog.target.itemText(dialog.target.count() - 1)
    dialog.test_fraction.setValue(test_fraction)
    with qtbot.waitSignal(window.network_reset, timeout=TIMEOUT):
        dialog.accept()
