"""gui.files: checkpoints and configuration files opened and saved from the window, and unsaved changes."""
