"""File ▸ Export model… through its real action: the dialog, the file dialog answered, files the engine agrees with."""

import importlib
import importlib.util
import os

import numpy as np
import pytest

from gui.files import export_actions
from tests.gui.checkpoint_helpers import answer_dialogs, make_window
from tests.gui.window_helpers import TIMEOUT, action, phase, step
from tests.optional_package import need

pytestmark = pytest.mark.usefixtures("discard_on_close")
EXPORT_TEST = "pip install '.[export-test]' and torch (CPU)"  # as tests/engine/test_export.py


def export_through_dialog(window, monkeypatch, fmt, path):
    """Trigger File ▸ Export model…, choose ``fmt``, press Export… and answer the file dialog with ``path``."""
    calls = answer_dialogs(monkeypatch, path)
    action(window, "export_model").trigger()
    dialog = window.export_actions.dialog
    assert dialog.isVisible() and dialog.windowTitle() == "Export model"
    dialog.select(fmt)
    dialog.export_button.click()
    assert not dialog.isVisible()
    return calls


def load_script(path):
    spec = importlib.util.spec_from_file_location(f"exported_{os.path.basename(path)[:-3]}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_file_menu_offers_the_exports_above_quit(qtbot):
    window = make_window(qtbot)
    names = [a.objectName() for a in window.file_actions.menu.actions()]
    assert names[-5:] == ["export_model", "export_figure", "record", "", "quit"]
    for name in ("export_model", "export_figure", "record"):
        assert action(window, name).toolTip()


def test_a_numpy_export_of_the_trained_network_predicts_as_the_engine_does(qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot, hidden=[7, 5], activations=["tanh", "relu"], seed=4)
    step(window, qtbot, times=12)
    calls = export_through_dialog(window, monkeypatch, "numpy", tmp_path / "spiral_model")
    assert calls[0][0] == "save" and calls[0][3].startswith("Python scripts (*.py)")
    script, weights = tmp_path / "spiral_model.py", tmp_path / "spiral_model.npz"
    assert script.is_file() and weights.is_file()
    assert "Exported spiral_model.py, spiral_model.npz" in window.status.currentMessage()
    module = load_script(str(script))
    exported = module.load(str(weights))
    net, dataset = window.trainer.net, window.dataset()
    x = dataset.x_test
    outputs = module.predict(exported, module.scale_input(x, exported))
    expected = net.predict_proba((x.reshape(len(x), -1).astype(np.float32) * np.float32(dataset.scale)).T).T
    assert np.max(np.abs(outputs - expected)) <= 1e-5
    assert np.array_equal(np.argmax(outputs, axis=1), net.predict(x.T.astype(np.float32) * np.float32(dataset.scale)))
    assert [str(c) for c in exported["class_names"]] == list(dataset.class_names)


def test_a_pytorch_export_gives_the_engines_outputs(qtbot, tmp_path, monkeypatch):
    torch = need("torch", EXPORT_TEST)
    window = make_window(qtbot, seed=2)
    step(window, qtbot, times=5)
    export_through_dialog(window, monkeypatch, "torch", tmp_path / "model.py")
    module = load_script(str(tmp_path / "model.py"))
    model = module.build(str(tmp_path / "model.npz"))
    x = window.dataset().x_test.astype(np.float32)
    with torch.no_grad():
        outputs = model(torch.from_numpy(x)).numpy()
    expected = window.trainer.net.predict_proba(x.T).T
    assert np.max(np.abs(outputs - expected)) <= 1e-5


def test_onnx_is_greyed_out_with_how_to_get_it_when_the_package_is_missing(qtbot, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(export_actions.importlib.util, "find_spec",
                        lambda name, *a: None if name == "onnx" else real(name, *a))
    window = make_window(qtbot)
    action(window, "export_model").trigger()
    dialog = window.export_actions.dialog
    assert not dialog.buttons["onnx"].isEnabled() and dialog.buttons["numpy"].isChecked()
    hint = dialog.findChild(export_actions.QObject, "format_onnx_unavailable")
    assert "pip install 'backprop-studio[export]'" in hint.text()
    dialog.reject()


def test_a_step_walked_half_way_is_not_exported_and_the_notice_says_why(qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot)
    phase(window, qtbot)  # forward pass of a batch: its update is not done
    export_through_dialog(window, monkeypatch, "numpy", tmp_path / "half.py")
    assert not (tmp_path / "half.py").exists() and not (tmp_path / "half.npz").exists()
    assert "finish the step" in window.notice.text()


def test_a_folder_that_cannot_be_written_is_a_message_not_a_crash(qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot)
    export_through_dialog(window, monkeypatch, "numpy", tmp_path / "missing-folder" / "model.py")
    assert "Not exported" in window.notice.text() and "does not exist" in window.notice.text()


def test_exporting_while_training_plays_writes_the_network_and_training_goes_on(qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot, epochs=500)
    with qtbot.waitSignal(window.weights_updated, timeout=TIMEOUT):
        action(window, "play_pause").trigger()
    export_through_dialog(window, monkeypatch, "numpy", tmp_path / "live.py")
    assert window.playing
    module = load_script(str(tmp_path / "live.py"))
    exported = module.load(str(tmp_path / "live.npz"))
    with qtbot.waitSignal(window.weights_updated, timeout=TIMEOUT):  # training went on after the copy
        pass
    action(window, "play_pause").trigger()
    for k, layer in enumerate(window.trainer.net.layers, start=1):
        assert exported[f"W{k}"].shape == layer.W.shape and np.all(np.isfinite(exported[f"W{k}"]))


def test_an_onnx_export_runs_in_onnxruntime_with_the_engines_outputs(qtbot, tmp_path, monkeypatch):
    need("onnx", EXPORT_TEST)
    ort = need("onnxruntime", EXPORT_TEST)
    window = make_window(qtbot, seed=5)
    step(window, qtbot, times=5)
    export_through_dialog(window, monkeypatch, "onnx", tmp_path / "model.onnx")
    session = ort.InferenceSession(str(tmp_path / "model.onnx"), providers=["CPUExecutionProvider"])
    x = window.dataset().x_test.astype(np.float32)
    (outputs,) = session.run(None, {"x": x})
    assert np.max(np.abs(outputs - window.trainer.net.predict_proba(x.T).T)) <= 1e-5
