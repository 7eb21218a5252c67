"""gradwork.data: to_categorical, train_test_split, Standardizer, normalize, batches, DataLoader."""
import numpy as np
import pytest

import gradwork.random as gw_random
from gradwork.data import (
    DataLoader, Standardizer, batches, normalize, num_batches, standardize, to_categorical, train_test_split,
)


# ---------------------------------------------------------------- to_categorical

def test_to_categorical_basic():
    out = to_categorical([0, 2, 1, 2])
    assert out.dtype == np.float32 and out.shape == (4, 3)
    np.testing.assert_array_equal(out, np.eye(3)[[0, 2, 1, 2]])


def test_to_categorical_num_classes_shapes_and_dtype():
    assert to_categorical([1], num_classes=5).tolist() == [[0, 1, 0, 0, 0]]
    assert to_categorical(np.array([[1], [0]]), 2).shape == (2, 2)      # trailing axis of 1 dropped (Keras)
    assert to_categorical(np.array([[1, 0, 2]]), 3).shape == (1, 3, 3)  # other shapes kept
    assert to_categorical(np.array([1.0, 0.0]), dtype="float64").dtype == np.float64  # whole floats accepted
    assert to_categorical(np.array([], dtype=int), 4).shape == (0, 4)


def test_to_categorical_rejects_bad_labels():
    with pytest.raises(ValueError, match="out of range"):
        to_categorical([0, 3], num_classes=3)
    with pytest.raises(ValueError, match="non-negative"):
        to_categorical([-1, 0])
    with pytest.raises(ValueError, match="whole-number"):
        to_categorical([0.5])
    with pytest.raises(TypeError):
        to_categorical(["a"])


# ---------------------------------------------------------------- train_test_split

def test_split_sizes_disjoint_and_paired():
    x = np.arange(100).reshape(50, 2)
    y = np.arange(50)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, seed=0)
    assert len(x_test) == 13 and len(x_train) == 37  # ceil(0.25 * 50), as scikit-learn
    np.testing.assert_array_equal(x_train[:, 0] // 2, y_train)  # rows stay with their labels
    np.testing.assert_array_equal(x_test[:, 0] // 2, y_test)
    assert sorted(np.concatenate([y_train, y_test]).tolist()) == list(range(50))


def test_split_int_size_no_shuffle_and_no_y():
    x = np.arange(10)
    x_train, x_test = train_test_split(x, test_size=3, shuffle=False)
    assert x_train.tolist() == list(range(7)) and x_test.tolist() == [7, 8, 9]


def test_split_determinism():
    x = np.arange(40)
    a = train_test_split(x, seed=1)[1]
    assert np.array_equal(a, train_test_split(x, seed=1)[1])
    assert not np.array_equal(a, train_test_split(x, seed=2)[1])
    gw_random.seed(5)
    b = train_test_split(x)[1]
    gw_random.seed(5)
    assert np.array_equal(b, train_test_split(x)[1])


def test_split_stratified_keeps_proportions():
    y = np.repeat([0, 1, 2], [60, 30, 10])
    x = np.arange(100)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, seed=0, stratify=y)
    assert np.bincount(y_test).tolist() == [12, 6, 2]
    assert np.bincount(y_train).tolist() == [48, 24, 8]
    np.testing.assert_array_equal(y[x_test], y_test)
    assert len(set(x_train.tolist()) | set(x_test.tolist())) == 100
    # a split that cannot be exact still has the requested test size
    _, x_test, _, y_test = train_test_split(x, y, test_size=0.15, seed=0, stratify=y)
    assert len(y_test) == 15 and np.bincount(y_test, minlength=3).tolist() == [9, 5, 1]


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(test_size=0.0), ValueError, "in \\(0, 1\\)"),
    (dict(test_size=1.5), ValueError, "in \\(0, 1\\)"),
    (dict(test_size=10), ValueError, "both must be at least 1"),
    (dict(test_size="half"), TypeError, "test_size"),
    (dict(stratify=np.zeros(10), shuffle=False), ValueError, "shuffle=True"),
])
def test_split_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        train_test_split(np.arange(10), np.arange(10), **kwargs)


def test_split_length_mismatch():
    with pytest.raises(ValueError, match="samples"):
        train_test_split(np.arange(10), np.arange(9))


# ---------------------------------------------------------------- scaling

def test_standardizer_per_feature():
    rng = np.random.default_rng(0)
    x = rng.normal([5.0, -3.0, 0.0], [2.0, 0.5, 1.0], size=(500, 3))
    x[:, 2] = 7.0  # a constant feature
    s = Standardizer().fit(x)
    z = s.transform(x)
    assert z.dtype == np.float64 and s.mean.shape == (1, 3)
    np.testing.assert_allclose(z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(z[:, :2].std(axis=0), 1.0, atol=1e-12)
    np.testing.assert_array_equal(z[:, 2], 0.0)  # constant feature -> 0, not NaN
    np.testing.assert_allclose(s.inverse_transform(z), x, atol=1e-12)


def test_standardizer_images_scalar_stats_and_uint8():
    x = np.random.default_rng(1).integers(0, 256, (20, 4, 4), dtype=np.uint8)
    s = Standardizer(axis=None)
    z = s.fit_transform(x)
    assert z.dtype == np.float32 and s.mean.shape == (1, 1, 1)
    assert abs(float(z.mean())) < 1e-5 and abs(float(z.std()) - 1.0) < 1e-5
    assert x.dtype == np.uint8  # input untouched


def test_standardizer_unfitted_and_function():
    with pytest.raises(RuntimeError, match="not fitted"):
        Standardizer().transform(np.zeros((2, 2)))
    z = standardize(np.array([[1.0], [3.0]]))
    assert z.ravel().tolist() == [-1.0, 1.0]


def test_normalize_keras_semantics():
    x = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, -1.0]])
    out = normalize(x)
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0], [2 ** -0.5, -(2 ** -0.5)]])
    np.testing.assert_allclose(normalize(x, order=1)[2], [0.5, -0.5])
    np.testing.assert_allclose(np.linalg.norm(normalize(x, axis=0), axis=0), 1.0)
    assert normalize(np.array([[3, 4]])).dtype == np.float32


# ---------------------------------------------------------------- batching

def test_batches_in_order_are_views():
    x = np.arange(20).reshape(10, 2)
    y = np.arange(10)
    got = list(batches(x, y, batch_size=4))
    assert [len(yb) for _, yb in got] == [4, 4, 2]
    assert np.shares_memory(got[0][0], x)
    np.testing.assert_array_equal(np.concatenate([xb for xb, _ in got]), x)
    assert [len(xb) for xb in batches(x, batch_size=4, drop_last=True)] == [4, 4]
    assert num_batches(10, 4) == 3 and num_batches(10, 4, drop_last=True) == 2


def test_batches_shuffled_cover_everything_and_keep_pairs():
    x = np.arange(103, dtype=np.float32)[:, None] * np.ones((1, 3), dtype=np.float32)
    y = np.arange(103)
    seen = []
    for xb, yb in batches(x, y, batch_size=16, shuffle=True, seed=0):
        np.testing.assert_array_equal(xb[:, 0], yb)
        assert xb.dtype == np.float32 and not np.shares_memory(xb, x)
        seen.append(yb)
    order = np.concatenate(seen)
    assert sorted(order.tolist()) == list(range(103)) and order.tolist() != list(range(103))


def test_batches_shuffle_determinism():
    x = np.arange(50)
    first = [b.tolist() for b in batches(x, batch_size=8, shuffle=True, seed=3)]
    assert first == [b.tolist() for b in batches(x, batch_size=8, shuffle=True, seed=3)]
    gw_random.seed(9)
    a = [b.tolist() for b in batches(x, batch_size=8, shuffle=True)]
    gw_random.seed(9)
    assert a == [b.tolist() for b in batches(x, batch_size=8, shuffle=True)]


@pytest.mark.parametrize("args, match", [
    ((np.arange(5), np.arange(4)), "samples"),
    ((np.arange(5), None, 0), "batch_size"),
    ((np.arange(5), None, 2.5), "batch_size"),
    ((np.float64(1.0),), "scalar"),
])
def test_batches_errors_are_raised_at_call(args, match):
    with pytest.raises(ValueError, match=match):
        batches(*args)  # not only when iteration starts


def test_dataloader_epochs():
    x = np.arange(100)
    loader = DataLoader(x, x * 2, batch_size=32, shuffle=True, seed=0)
    assert len(loader) == 4 and loader.num_samples == 100
    epoch1 = np.concatenate([yb for _, yb in loader])
    epoch2 = np.concatenate([yb for _, yb in loader])
    assert sorted(epoch1.tolist()) == sorted(epoch2.tolist()) == list(range(0, 200, 2))
    assert not np.array_equal(epoch1, epoch2)  # reshuffled every epoch
    again = DataLoader(x, x * 2, batch_size=32, shuffle=True, seed=0)
    np.testing.assert_array_equal(np.concatenate([yb for _, yb in again]), epoch1)  # repeatable by seed
    assert len(DataLoader(x, batch_size=32, drop_last=True)) == 3
    assert "batch_size=32" in repr(loader)
