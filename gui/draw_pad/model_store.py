"""Where the draw pad's models live: the bundled pretrained one, and the user's own data.

The bundled model ships with the project at resources/models/mnist_mlp.npz (found relative to this
file, so it works from any working directory and offline). The user's personal digits and the model
fine-tuned on them live in the user data folder (platformdirs), or in $BACKPROP_STUDIO_DATA_DIR
when that is set (tests point it at a temporary folder).
"""

import os

from engine.files.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from engine.user_data import DATA_DIR_ENV, user_data_dir  # noqa: F401 - the draw pad's folder is the user's
from gui.common.paths import PROJECT_DIR

MODELS_DIR = os.path.join(PROJECT_DIR, "resources", "models")
BUNDLED_MODEL = os.path.join(MODELS_DIR, "mnist_mlp.npz")
PERSONAL_MODEL_NAME = "my_mnist_mlp.npz"  # the bundled model fine-tuned on the user's digits


def personal_model_path():
    return os.path.join(user_data_dir(), PERSONAL_MODEL_NAME)


def load_bundled_model():
    """The pretrained MNIST network shipped with the project; CheckpointError when it is missing."""
    net, _ = load_checkpoint(BUNDLED_MODEL)
    return net


def bundled_model_info():
    """The bundled model's saved extra data (hyperparameters, MNIST test accuracy), or {} if absent."""
    try:
        _, extra = load_checkpoint(BUNDLED_MODEL)
    except CheckpointError:
        return {}
    return extra


def load_start_model():
    """(net, source): the user's fine-tuned model when there is a usable one, else the bundled model.

    source is "personal" or "bundled"; (None, None) when neither can be loaded (the pad then only draws).
    """
    path = personal_model_path()
    if os.path.exists(path):
        try:
            net, _ = load_checkpoint(path)
            if net.sizes[0] == 784 and net.sizes[-1] == 10:
                return net, "personal"
        except CheckpointError:
            pass  # a damaged personal model must not stop the app; the bundled one still works
    try:
        return load_bundled_model(), "bundled"
    except CheckpointError:
        return None, None


def save_personal_model(net, extra=None):
    """Keep a fine-tuned model in the user data folder (atomically); returns its path."""
    os.makedirs(user_data_dir(), exist_ok=True)
    path = personal_model_path()
    save_checkpoint(path, net, extra=extra)
    return path


def forget_personal_model():
    """Delete the fine-tuned model, if any; the bundled model is used from then on."""
    try:
        os.remove(personal_model_path())
    except FileNotFoundError:
        pass
