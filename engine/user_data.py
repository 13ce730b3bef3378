"""Where the user's own files live: the user data folder (platformdirs), or $BACKPROP_STUDIO_DATA_DIR when set."""

import os

DATA_DIR_ENV = "BACKPROP_STUDIO_DATA_DIR"  # overrides the user data folder (tests point it at a temporary one)


def user_data_dir():
    """The folder for the user's personal digits, fine-tuned model and comparison history (may not exist yet)."""
    folder = os.environ.get(DATA_DIR_ENV)
    if folder:
        return folder
    import platformdirs  # imported here so the engine loads without it until user data is wanted

    return platformdirs.user_data_dir("backprop-studio", appauthor=False)
