"""Configuration files in the window: export what the controls show, import a shared setup into them.

The file format and its checks are engine/run_config.py. Importing never discards training silently:
a fresh network is rebuilt at once, a trained one keeps training (with the imported learning settings
from the next batch) until the user resets, as when the controls are edited by hand.
"""

import os

from engine.run_config import ConfigError, read_config, write_config
from engine.training_config import CSV, MNIST, config_from_values
from gui.files.checkpoint_contents import config_values


def export_config(parts, path):
    """Write the controls' configuration to ``path`` as JSON; True when written (``parts``: FileParts)."""
    try:
        write_config(path, config_values(parts.controls.config()))
    except ConfigError as exc:
        parts.notice.show_message(f"Not exported: {exc}", "error")
        return False
    parts.status.showMessage(f"Configuration exported to {os.path.basename(os.fspath(path))}", 5000)
    return True


def import_config(parts, path, reset):
    """Read the configuration at ``path`` into the controls; True when read, else nothing changes.

    ``parts``: FileParts; ``reset()`` builds the network from the controls (the window's Reset).
    """
    name = os.path.basename(os.fspath(path))
    try:
        config = config_from_values(read_config(path))
    except ConfigError as exc:
        parts.notice.show_message(f"Could not import: {exc}. Nothing was changed.", "error")
        return False
    if config.dataset == MNIST and not parts.datasets.mnist_folder:
        parts.notice.show_message(f"{name} trains on MNIST digits, which were not found on this computer. Get "
                                  "MNIST, then import it again. Nothing was changed.", "error", parts.mnist_buttons())
        return False
    if config.dataset == CSV and parts.datasets.cached(CSV) is None:
        parts.notice.show_message(f"{name} trains on a table of your own; open it with File ▸ Open data…, then "
                                  "import the configuration again. Nothing was changed.", "error")
        return False
    apply_config(parts, config, f"Imported {name}", reset)
    parts.status.showMessage(f"Configuration imported from {name}", 5000)
    return True


def apply_config(parts, config, what, reset):
    """Show ``config`` in the controls; rebuild a fresh network at once, else say Reset applies it (``what`` did it)."""
    datasets, controls, session = parts.datasets, parts.controls, parts.session
    before = controls.config()
    controls.set_datasets(datasets.choices(), config.dataset)
    controls.set_config(config)
    if session.config is None or session.is_fresh():
        reset()  # nothing trained yet, nothing to lose
    else:
        if config.dataset == session.config.dataset:  # learning settings reach the trainer at once
            session.set_live(config.live_values())
            if config.optimizer != before.optimizer:
                session.set_optimizer(config)
        if config.needs_reset(session.config):
            parts.reset_notice.show_message(
                f"{what}. Reset (Ctrl+R) builds its network; until then training continues with the "
                "current one.", "warning", [("Reset now", "Builds a fresh network from the controls.", reset)])
