"""`main.py train --lr-decay … --styles … --augment …`: the options the bundled draw-pad model is trained with."""

import numpy as np
import pytest

import main
from engine.data.augment import make_augment
from engine.data.datasets import Dataset
from engine.data.digit_styles import with_styles
from engine.files.checkpoint import load_checkpoint


def test_lr_decay_shrinks_the_learning_rate_after_each_epoch(tmp_path, capsys):
    out = tmp_path / "m.npz"
    code = main.main(["train", "--dataset", "blobs", "--arch", "2-4-3", "--epochs", "3", "--lr", "0.1",
                      "--lr-decay", "0.5", "--quiet", "--out", str(out)])
    assert code == 0
    net, extra = load_checkpoint(out)
    assert extra["hyperparameters"]["lr_decay"] == 0.5 and extra["hyperparameters"]["lr"] == 0.1
    assert net.lr == pytest.approx(0.1 * 0.5 ** 2)  # decays after epochs 1 and 2 reached training


@pytest.mark.parametrize("args", [["--lr-decay", "0"], ["--lr-decay", "1.5"], ["--styles", "2"],
                                  ["--styles", "0.3"]])
def test_bad_options_are_usage_errors(args, capsys):
    assert main.main(["train", "--dataset", "blobs", "--epochs", "1", "--quiet", *args]) == main.USAGE_ERROR
    assert "error:" in capsys.readouterr().err


def test_styles_add_restyled_copies_of_0_7_1():
    rng = np.random.default_rng(0)
    x = np.zeros((100, 784), np.uint8)
    x[:, 28 * 5 + 10 : 28 * 5 + 18] = 255  # a bar in every image
    y = np.arange(100) % 10
    ds = Dataset("mnist", "MNIST", (28, 28), [str(d) for d in range(10)], x, y, x[:10], y[:10], scale=1 / 255)
    styled = with_styles(ds, 0.5, seed=rng.integers(100))
    assert len(styled.y_train) == 100 + 3 * 5
    assert sorted(set(styled.y_train[100:].tolist())) == [0, 1, 7]
    assert styled.x_train.dtype == np.uint8 and styled.x_train.shape == (115, 784)
    assert len(styled.y_test) == 10


def test_augment_settings_reach_the_augmentation():
    from engine.data.augment import AugmentSettings

    assert make_augment("").keywords["settings"] == AugmentSettings()
    settings = make_augment("shear=0.3, thickness=0.5,scale=0.9:1.1").keywords["settings"]
    assert settings == AugmentSettings(shear=0.3, thickness=0.5, scale=(0.9, 1.1))
    images = np.zeros((4, 784), np.float32)
    images[:, 300:310] = 1
    out = make_augment("shift=0,rotate=0,scale=1:1,shear=0,thickness=0")(images, np.random.default_rng(0))
    np.testing.assert_allclose(out, images, atol=1e-6)


@pytest.mark.parametrize("text", ["shear", "shear=x", "wobble=2"])
def test_bad_augment_settings_are_usage_errors(text):
    with pytest.raises(ValueError):
        make_augment(text)


def test_weights_only_saves_the_same_weights_in_a_third_of_the_space(tmp_path):
    full, small = tmp_path / "full.npz", tmp_path / "small.npz"
    common = ["train", "--dataset", "blobs", "--arch", "2-64-64-3", "--epochs", "2", "--optimizer", "adam",
              "--quiet", "--out"]
    assert main.main(common + [str(full)]) == 0
    assert main.main(common + [str(small), "--weights-only"]) == 0
    (net_full, _), (net_small, extra) = load_checkpoint(full), load_checkpoint(small)
    for (W1, b1), (W2, b2) in zip(net_full.weights(), net_small.weights()):
        np.testing.assert_array_equal(W1, W2)
        np.testing.assert_array_equal(b1, b2)
    assert small.stat().st_size < 0.5 * full.stat().st_size
    assert extra["hyperparameters"]["optimizer"] == "adam"
