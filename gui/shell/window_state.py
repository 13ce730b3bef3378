"""WindowState: the window's size and place, docks, splitters and last configuration, kept between runs.

Saved in the app's QSettings (gui/common/settings.py) when the window closes, restored when the next one
opens. Everything read back is checked: a layout from another version of the window, bytes that are
not a layout, or a configuration with unknown names or out-of-range numbers are ignored (field by
field for the configuration), so a damaged settings file only ever costs the defaults.
"""

import json
from dataclasses import asdict

from PySide6.QtCore import QByteArray, QEvent, QObject, Slot
from PySide6.QtWidgets import QApplication, QSplitter

from engine.hyperparameters import CONFIG_NUMBERS, HYPERPARAMETERS, check_layers
from engine.training_config import defaults_for
from gui.common.settings import app_settings
from gui.training.architecture_editor import ACTIVATION_CHOICES

STATE_VERSION = 1  # saveState/restoreState version: bump when docks or toolbars change meaning
GEOMETRY_KEY = "window/geometry"
STATE_KEY = "window/state"  # docks and toolbars (QMainWindow.saveState)
SPLITTER_KEY = "window/splitter/"  # + the splitter's objectName ("main" for the window's own)
CONFIG_KEY = "training/last_config"  # the controls' TrainingConfig, as JSON


def _bytes(value):
    """``value`` as a QByteArray when QSettings gave back bytes, else None (a string or number is no layout)."""
    if isinstance(value, QByteArray):
        return value if not value.isEmpty() else None
    if isinstance(value, (bytes, bytearray)) and value:
        return QByteArray(bytes(value))
    return None


def config_from_json(text, controls, datasets):
    """The TrainingConfig saved as JSON ``text``, checked against the ``controls`` panel's choices and the ranges
    of engine/hyperparameters.py.

    None when the text is not a JSON object or its dataset is not among ``datasets`` (ids); a field
    that is missing, of the wrong type or out of range keeps the dataset's default.
    """
    try:
        data = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("dataset"), str) or data["dataset"] not in datasets:
        return None
    config = defaults_for(data["dataset"])
    for name in CONFIG_NUMBERS:
        hp, value = HYPERPARAMETERS[name], data.get(name)
        if hp.kind is int and not isinstance(value, int):  # 3.0 was never saved for a whole number
            continue
        try:
            setattr(config, name, hp.check(value))
        except ValueError:
            continue
    for name in ("loss", "optimizer"):
        if isinstance(data.get(name), str) and getattr(controls, name).findData(data[name]) >= 0:
            setattr(config, name, data[name])
    hidden, acts = data.get("hidden"), data.get("activations")
    known = tuple(key for key, _, _ in ACTIVATION_CHOICES)
    if isinstance(hidden, list) and hidden and check_layers(hidden, acts, known) is None:
        config.hidden, config.activations = list(hidden), list(acts)
    return config


class WindowState(QObject):
    """Restores ``window``'s layout now, saves it and the ``controls``' configuration on close.

    window : the QMainWindow (also this object's parent). main_splitter : its centre's QSplitter.
    """

    def __init__(self, window, controls, main_splitter):
        super().__init__(window)
        self._controls, self._main_splitter = controls, main_splitter
        self.restored = []  # what was restored: "geometry", "state", "splitter:<name>", "config"
        self.restore_layout()
        window.installEventFilter(self)
        QApplication.instance().aboutToQuit.connect(self.save)  # quitting without closing the window

    def __repr__(self):
        return f"WindowState(restored {', '.join(self.restored) or 'nothing'})"

    def splitters(self):
        """{name: QSplitter} whose state is kept: the window's main one and every other named splitter."""
        found = {s.objectName(): s for s in self.parent().findChildren(QSplitter) if s.objectName()}
        found.setdefault(self._main_splitter.objectName() or "main", self._main_splitter)
        return found

    # -- restoring -------------------------------------------------------------------------------
    def restore_layout(self):
        """Geometry, docks/toolbars and splitters from the settings; anything unreadable is left alone."""
        settings = app_settings()
        if settings.value("window/version") not in (STATE_VERSION, str(STATE_VERSION)):
            return  # another version's layout (or none): the window's own defaults
        geometry = _bytes(settings.value(GEOMETRY_KEY))
        if geometry is not None and self.parent().restoreGeometry(geometry):
            self.restored.append("geometry")
        state = _bytes(settings.value(STATE_KEY))
        if state is not None and self.parent().restoreState(state, STATE_VERSION):
            self.restored.append("state")
        for name, splitter in self.splitters().items():
            value = _bytes(settings.value(SPLITTER_KEY + name))
            if value is not None and splitter.restoreState(value):
                self.restored.append(f"splitter:{name}")

    def remembered_config(self, datasets):
        """The last configuration, for the caller to show and build, when it differs from the controls' and
        its dataset is among ``datasets`` (ids); else None."""
        config = config_from_json(app_settings().value(CONFIG_KEY), self._controls, datasets)
        if config is None or config == self._controls.config():
            return None
        self.restored.append("config")
        return config

    # -- saving ----------------------------------------------------------------------------------
    @Slot()
    def save(self):
        """Write geometry, docks, splitters and the controls' configuration to the settings."""
        window = self.parent()
        settings = app_settings()
        settings.setValue("window/version", STATE_VERSION)
        settings.setValue(GEOMETRY_KEY, window.saveGeometry())
        settings.setValue(STATE_KEY, window.saveState(STATE_VERSION))
        for name, splitter in self.splitters().items():
            settings.setValue(SPLITTER_KEY + name, splitter.saveState())
        settings.setValue(CONFIG_KEY, json.dumps(asdict(self._controls.config())))
        settings.sync()

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Close and obj is self.parent():
            self.save()
        return False

