"""Configuration files in the window: export what the controls show, import a shared setup into them.

The file format and its checks are engine/run_config.py. Importing never discards training silently:
a fresh network is rebuilt at once, a trained one keeps training (with the imported learning settings
from the next batch) until the user resets, as when the controls are edited by hand.
"""

import os

from engine.run_config import ConfigError, read_config, write_config
from engine.training_config import MNIST
from gui.files.checkpoint_contents import config_from_values, config_values


def export_config(window, path):
    """Write ``window``'s controls' configuration to ``path`` as JSON; True when written."""
    try:
        write_config(path, config_values(window.controls.config()))
    except ConfigError as exc:
        window.tell(f"Not exported: {exc}", "error")
        return False
    window.status.showMessage(f"Configuration exported to {os.path.basename(os.fspath(path))}", 5000)
    return True


def import_config(window, path):
    """Read the configuration at ``path`` into ``window``'s controls; True when read, else nothing changes."""
    name = os.path.basename(os.fspath(path))
    try:
        config = config_from_values(read_config(path))
    except ConfigError as exc:
        window.tell(f"Could not import: {exc}. Nothing was changed.", "error")
        return False
    if config.dataset == MNIST and not window.datasets.mnist_folder:
        window.tell(f"{name} trains on MNIST digits, which were not found on this computer. Get MNIST, then "
                    "import it again. Nothing was changed.", "error", window.mnist_actions.buttons())
        return False
    session, before = window.session, window.controls.config()
    window.controls.set_datasets(window.datasets.choices(), config.dataset)
    window.controls.set_config(config)
    if session.config is None or session.is_fresh():
        window.reset()  # nothing trained yet, nothing to lose
    else:
        if config.dataset == session.config.dataset:  # learning settings reach the trainer at once
            session.set_live(config.live_values())
            if config.optimizer != before.optimizer:
                session.set_optimizer(config)
        if config.needs_reset(session.config):
            window.reset_notice.show_message(
                f"Imported {name}. Reset (Ctrl+R) builds its network; until then training continues with the "
                "current one.", "warning", [("Reset now", "Builds a fresh network from the controls.", window.reset)])
    window.status.showMessage(f"Configuration imported from {name}", 5000)
    return True
