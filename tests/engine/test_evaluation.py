"""Evaluation: predictions in chunks, confusion matrix, errors by confidence, per-class summaries."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Layer, NeuralNetwork
from engine.data.datasets import Dataset
from engine.evaluation import (
    class_counts,
    class_means,
    confusion_matrix,
    evaluate,
    examples_per_class,
    misclassified,
    per_class_accuracy,
)

K = 3  # classes of the hand-made dataset


def _images(n=37, seed=0, k=K):
    """A tiny image set (2×2 uint8 'images', scale 1/255) with random labels."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, (n, 4), dtype=np.uint8)
    y = rng.integers(0, k, n).astype(np.int64)
    return Dataset(name="tiny", title="Tiny", input_shape=(2, 2), class_names=["a", "b", "c"][:k],
                   x_train=x[:5], y_train=y[:5], x_test=x, y_test=y, scale=1 / 255)


def _hand_net(outs=K, loss="ce"):
    """4 inputs → ``outs`` identity outputs with fixed, hand-written weights."""
    layer = Layer(4, outs, "identity", rng=0, dtype=np.float64)
    layer.W[...] = np.array([[1.0, -0.5, 0.2, 0.0], [0.3, 1.0, -0.7, 0.1], [-0.2, 0.4, 1.0, -0.3],
                             [0.5, 0.5, -1.0, 0.2]])[:outs]
    layer.b[...] = np.array([[0.05], [-0.02], [0.01], [-0.4]])[:outs]
    return NeuralNetwork([layer], loss)


def _brute_force(net, ds):
    """Per sample, by a plain loop: output, predicted class, softmax probabilities."""
    W, b = net.layers[0].W, net.layers[0].b[:, 0]
    preds, probs = [], []
    for row in ds.x_test:
        out = W @ (row.astype(np.float64) / 255) + b
        e = np.exp(out - out.max())
        preds.append(int(np.argmax(out)))
        probs.append(e / e.sum())
    return np.array(preds), np.array(probs).T


def test_confusion_matrix_equals_a_brute_force_count():
    ds, net = _images(), _hand_net()
    result = evaluate(net, ds, chunk=5)
    preds, _ = _brute_force(net, ds)
    expected = np.zeros((K, K), int)
    for t, p in zip(ds.y_test, preds):
        expected[t, p] += 1
    assert 0 < np.trace(expected) < len(preds)  # the hand-made model is right on some, wrong on others
    np.testing.assert_array_equal(result.confusion, expected)
    np.testing.assert_array_equal(result.predicted, preds)
    assert result.accuracy == pytest.approx(np.trace(expected) / len(preds))
    assert result.accuracy == pytest.approx(net.accuracy(*ds.columns("test", dtype=np.float64)))
    np.testing.assert_allclose(result.per_class_accuracy(), np.diag(expected) / expected.sum(axis=1))


def test_probabilities_confidence_and_loss_match_the_network():
    ds, net = _images(), _hand_net()
    result = evaluate(net, ds, chunk=4)
    _, probs = _brute_force(net, ds)
    np.testing.assert_allclose(result.probabilities, probs, rtol=1e-12)
    np.testing.assert_allclose(result.confidence, probs[result.predicted, np.arange(ds.y_test.size)])
    X, labels = ds.columns("test", dtype=np.float64)
    assert result.loss == pytest.approx(net.loss(net.infer(X), labels))
    order, p = result.top(0, 2)
    assert list(order) == list(np.argsort(-probs[:, 0])[:2])
    np.testing.assert_allclose(p, np.sort(probs[:, 0])[::-1][:2])


@pytest.mark.parametrize("chunk", [1, 3, 36, 37, 1000])
def test_chunk_size_does_not_change_the_result(chunk):
    ds, net = _images(), _hand_net()
    whole, chunked = evaluate(net, ds, chunk=10_000), evaluate(net, ds, chunk=chunk)
    np.testing.assert_array_equal(chunked.predicted, whole.predicted)
    np.testing.assert_allclose(chunked.probabilities, whole.probabilities)
    assert chunked.loss == pytest.approx(whole.loss)


def test_progress_goes_from_zero_to_total_once_per_chunk():
    ds, net = _images(n=37), _hand_net()
    calls = []
    evaluate(net, ds, chunk=10, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 37), (10, 37), (20, 37), (30, 37), (37, 37)]


def test_should_stop_cancels_between_chunks():
    ds, net = _images(n=37), _hand_net()
    calls = []
    result = evaluate(net, ds, chunk=10, progress=lambda d, t: calls.append(d),
                      should_stop=lambda: len(calls) >= 3)
    assert result is None
    assert calls == [0, 10, 20]  # the third chunk never ran


def test_misclassified_lists_exactly_the_wrong_predictions_most_confident_first():
    ds, net = _images(n=200, seed=3), _hand_net()
    result = evaluate(net, ds)
    preds, probs = _brute_force(net, ds)
    wrong = result.misclassified()
    assert set(wrong) == {i for i in range(200) if preds[i] != ds.y_test[i]}
    assert len(wrong) == len(set(wrong))
    conf = probs.max(axis=0)[wrong]
    assert np.all(np.diff(conf) <= 0)


def test_misclassified_breaks_ties_by_index():
    labels, predicted = np.array([0, 1, 1, 0, 2]), np.array([1, 1, 0, 2, 2])
    assert list(misclassified(labels, predicted, np.array([0.5, 0.9, 0.5, 0.7, 0.1]))) == [3, 0, 2]


def test_pair_holds_exactly_that_cell_hardest_first():
    ds, net = _images(n=300, seed=4), _hand_net()
    result = evaluate(net, ds)
    for t in range(K):
        for p in range(K):
            idx = result.pair(t, p)
            assert set(idx) == set(np.flatnonzero((ds.y_test == t) & (result.predicted == p)))
            assert len(idx) == result.confusion[t, p]
            conf = result.confidence[idx]
            assert np.all(np.diff(conf) >= 0) if t == p else np.all(np.diff(conf) <= 0)


def test_more_outputs_than_classes_widen_the_matrix():
    ds = _images(n=60, k=3)
    result = evaluate(_hand_net(outs=4), ds)
    assert result.confusion.shape == (4, 4)
    assert result.class_names == ["a", "b", "c", "output 3"]
    assert result.confusion.sum() == 60
    assert result.confusion[3].sum() == 0  # no sample is of the extra class


def test_a_network_that_does_not_fit_the_dataset_is_refused():
    with pytest.raises(ValueError, match="takes 2 inputs"):
        evaluate(NeuralNetwork.build([2, 3], "relu", "ce", seed=0), _images())
    with pytest.raises(ValueError, match="2 outputs"):
        evaluate(_hand_net(outs=2), _images())


def test_mse_network_is_judged_on_its_normalised_outputs():
    ds, net = _images(), _hand_net(loss="mse")
    result = evaluate(net, ds)
    X, _ = ds.columns("test", dtype=np.float64)
    np.testing.assert_array_equal(result.predicted, net.predict(X))
    np.testing.assert_allclose(result.probabilities.sum(axis=0)[result.probabilities.sum(axis=0) > 0], 1)


def test_empty_split_gives_nan_accuracy():
    ds = _images()
    empty = Dataset(name="e", title="E", input_shape=(2, 2), class_names=["a", "b", "c"], x_train=ds.x_train,
                    y_train=ds.y_train, x_test=ds.x_test[:0], y_test=ds.y_test[:0], scale=ds.scale)
    calls = []
    result = evaluate(_hand_net(), empty, progress=lambda d, t: calls.append((d, t)))
    assert result.n == 0 and np.isnan(result.accuracy) and result.confusion.sum() == 0
    assert calls == [(0, 0)]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), max_size=60))
def test_confusion_matrix_counts_every_pair(pairs):
    labels = np.array([t for t, _ in pairs], dtype=np.int64)
    predicted = np.array([p for _, p in pairs], dtype=np.int64)
    m = confusion_matrix(labels, predicted, 5)
    for t in range(5):
        for p in range(5):
            assert m[t, p] == sum(1 for pair in pairs if pair == (t, p))


def test_per_class_accuracy_is_nan_for_absent_classes():
    acc = per_class_accuracy(np.array([[3, 1], [0, 0]]))
    assert acc[0] == 0.75 and np.isnan(acc[1])


def test_class_means_equal_numpy_mean_per_class():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 256, (500, 12), dtype=np.uint8)
    y = rng.integers(0, 4, 500)
    y[y == 3] = 2  # class 3 absent
    means = class_means(x, y, 4)
    for c in range(3):
        np.testing.assert_allclose(means[c], np.mean(x[y == c], axis=0), rtol=1e-12)
    assert np.all(np.isnan(means[3]))
    np.testing.assert_array_equal(class_counts(y, 4), [np.sum(y == c) for c in range(4)])


def test_examples_per_class_are_distinct_samples_of_that_class_and_seeded():
    y = np.random.default_rng(2).integers(0, 3, 100)
    y[:] = np.where(y == 2, 1, y)  # class 2 absent
    picks = examples_per_class(y, 3, 8, seed=5)
    for c, idx in enumerate(picks[:2]):
        assert len(idx) == min(8, np.sum(y == c)) and len(set(idx)) == len(idx)
        assert np.all(y[idx] == c)
    assert picks[2].size == 0
    again = examples_per_class(y, 3, 8, seed=5)
    assert all(np.array_equal(a, b) for a, b in zip(picks, again))
