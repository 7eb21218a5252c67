"""fit / evaluate / predict on gradwork's own data sources: DataLoader, Dataset, TensorDataset, PyDataset.

Where the batches are the same as those `fit` makes from the arrays (same order, same size), the
result must be bit-identical to fitting the arrays.
"""

import numpy as np
import pytest

import gradwork as gw
from gradwork.nn import Dense, Input


def _data(n=96, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 5)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.int64) + (x[:, 2] > 1)
    return x, y


def _model(seed=0):
    gw.random.seed(seed)
    model = gw.Sequential([Input(shape=(5,)), Dense(8, activation="relu"), Dense(3)])
    model.compile(optimizer=gw.optimizers.Adam(0.01),
                  loss=gw.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model


def _weights(model):
    return [w.copy() for w in model.get_weights()]


def _same(a, b):
    return len(a) == len(b) and all(np.array_equal(u, v) for u, v in zip(a, b))


@pytest.mark.parametrize("workers", [{}, {"num_workers": 2}, {"num_workers": 2, "multiprocessing_context": "spawn"}])
def test_a_dataloader_over_arrays_trains_exactly_as_the_arrays(workers):
    x, y = _data()
    by_arrays, by_loader = _model(), _model()
    h1 = by_arrays.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    h2 = by_loader.fit(gw.data.DataLoader((x, y), batch_size=16, **workers), epochs=3, verbose=0)
    assert _same(_weights(by_arrays), _weights(by_loader))
    assert h1.history == h2.history
    loader = gw.data.DataLoader((x, y), batch_size=10)
    assert by_loader.evaluate(loader, verbose=0) == by_arrays.evaluate(x, y, batch_size=10, verbose=0)
    np.testing.assert_array_equal(by_loader.predict(gw.data.DataLoader(x, batch_size=7), verbose=0),
                                  by_arrays.predict(x, batch_size=7, verbose=0))


def test_a_map_style_dataset_is_batched_with_the_calls_batch_size():
    x, y = _data()
    by_arrays, by_dataset = _model(), _model()
    by_arrays.fit(x, y, batch_size=12, epochs=2, shuffle=False, verbose=0)
    by_dataset.fit(gw.data.TensorDataset(x, y), batch_size=12, epochs=2, shuffle=False, verbose=0)
    assert _same(_weights(by_arrays), _weights(by_dataset))

    class Pairs(gw.data.Dataset):                     # samples one by one, stacked by the default collate
        def __len__(self):
            return len(x)

        def __getitem__(self, i):
            return x[i], y[i]

    by_samples = _model()
    by_samples.fit(Pairs(), batch_size=12, epochs=2, shuffle=False, verbose=0)
    assert _same(_weights(by_arrays), _weights(by_samples))
    assert by_samples.evaluate(Pairs(), batch_size=20, verbose=0) == by_arrays.evaluate(x, y, batch_size=20,
                                                                                          verbose=0)


class _Batches(gw.data.PyDataset):
    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.epochs_ended = 0

    def __len__(self):
        return -(-len(self.x) // self.batch_size)

    def __getitem__(self, index):
        part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[part], self.y[part]

    def on_epoch_end(self):
        self.epochs_ended += 1


def test_a_pydataset_with_workers_trains_exactly_as_the_arrays_and_ends_each_epoch():
    x, y = _data()
    by_arrays = _model()
    by_arrays.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    for workers in (1, 2):
        source = _Batches(x, y, 16, workers=workers)
        model = _model()
        model.fit(source, epochs=3, verbose=0)
        assert _same(_weights(by_arrays), _weights(model))
        assert source.epochs_ended == 3


def test_data_sources_as_validation_data():
    x, y = _data()
    vx, vy = _data(40, seed=1)
    by_arrays, by_loader = _model(), _model()
    h1 = by_arrays.fit(x, y, batch_size=16, epochs=2, shuffle=False, validation_data=(vx, vy),
                       validation_batch_size=8, verbose=0)
    h2 = by_loader.fit(gw.data.DataLoader((x, y), batch_size=16), epochs=2,
                       validation_data=gw.data.DataLoader((vx, vy), batch_size=8), verbose=0)
    assert h1.history == h2.history


def test_a_pytorch_dataloader_feeds_fit_evaluate_and_predict_without_gradwork_importing_torch():
    torch = __import__("pytest").importorskip("torch")
    x, y = _data()
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)),
                                         batch_size=16)
    by_arrays, by_torch = _model(), _model()
    by_arrays.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    by_torch.fit(loader, epochs=2, verbose=0)
    assert _same(_weights(by_arrays), _weights(by_torch))
    assert by_torch.evaluate(loader, verbose=0) == by_arrays.evaluate(x, y, batch_size=16, verbose=0)
    np.testing.assert_array_equal(by_torch.predict(loader, verbose=0), by_arrays.predict(x, batch_size=16, verbose=0))


@pytest.mark.parametrize("dtype", [np.uint8, np.float64])
def test_a_memory_mapped_npy_is_shuffled_by_index_and_never_loaded_whole(tmp_path, dtype):
    import tracemalloc

    rng = np.random.default_rng(0)
    x = (rng.random((20000, 100)) * 255).astype(dtype)  # uint8: 2 MB on disk, 8 MB as float32; float64: 16 MB
    np.save(tmp_path / "x.npy", x)
    y = rng.integers(0, 3, len(x))
    mapped = np.load(tmp_path / "x.npy", mmap_mode="r")

    def fitted(data, measure=False):
        gw.random.seed(0)
        model = gw.Sequential([Input(shape=(100,)), Dense(3)])
        model.compile(optimizer="sgd", loss=gw.losses.SparseCategoricalCrossentropy(from_logits=True))
        model.fit(data[:512], y[:512], batch_size=256, epochs=1, verbose=0)   # build and warm up
        tracemalloc.start()
        try:
            model.fit(data, y, batch_size=256, epochs=1, shuffle=True, verbose=0)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        return model.get_weights(), peak

    weights, peak = fitted(mapped)
    assert peak < x.nbytes / 2, f"fit allocated {peak} bytes at its peak for a {x.nbytes}-byte mapped array"
    assert _same(weights, fitted(x)[0])  # the same training as on the array in memory
