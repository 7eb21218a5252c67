"""gw.data sources: Dataset, TensorDataset, DataLoader (PyTorch's arguments), PyDataset (Keras's)."""
import threading

import numpy as np
import pytest

import gradwork as gw
from gradwork.data import DataLoader, Dataset, PyDataset, TensorDataset, default_collate


class Squares(Dataset):
    """Sample i is (a (2, 3) float array filled with i, the label i * i): a generic map-style dataset."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        return np.full((2, 3), float(index)), index * index


class Batches(PyDataset):
    """Batch i is (x filled with i, y = i); records the epoch hooks and the loading threads."""

    def __init__(self, n=7, **kwargs):
        super().__init__(**kwargs)
        self.n, self.ends, self.begins, self.threads = n, 0, 0, set()

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        self.threads.add(threading.get_ident())
        rng = np.random.default_rng(index)  # costs a little, differently per batch: workers finish out of order
        x = rng.normal(size=(int(rng.integers(1, 2000)), 4)).sum(axis=0) * 0 + index
        return x, np.array([index])

    def on_epoch_begin(self):
        self.begins += 1

    def on_epoch_end(self):
        self.ends += 1


def _flat(loader):
    return [np.concatenate([np.ravel(part) for part in (b if isinstance(b, tuple) else (b,))]) for b in loader]


def _assert_same_batches(a, b):
    assert len(a) == len(b)
    for u, v in zip(a, b):
        assert u.dtype == v.dtype and u.tobytes() == v.tobytes()


# ---------------------------------------------------------------- datasets

def test_tensor_dataset_batch_fetch_equals_stacked_samples():
    x, y = np.random.default_rng(0).normal(size=(10, 3, 2)), np.arange(10)
    ds = TensorDataset(x, y)
    assert len(ds) == 10 and ds.arrays[0] is x
    idx = np.array([7, 2, 2, 9])
    xb, yb = ds[idx]
    sx, sy = default_collate([ds[int(i)] for i in idx])
    np.testing.assert_array_equal(xb, sx)
    np.testing.assert_array_equal(yb, sy)
    assert np.shares_memory(ds[2:5][0], x)
    assert "(10, 3, 2)" in repr(ds)


def test_tensor_dataset_keeps_a_memory_map_unread(tmp_path):
    path = tmp_path / "x.npy"
    np.save(path, np.arange(40.0).reshape(20, 2))
    x = np.load(path, mmap_mode="r")
    ds = TensorDataset(x)
    assert ds.arrays[0] is x
    np.testing.assert_array_equal(ds[np.array([3, 1])][0], [[6, 7], [2, 3]])


def test_default_collate_keeps_structure():
    samples = [({"a": np.zeros(2), "b": 1}, [np.ones(3), 2.0]) for _ in range(4)]
    batch = default_collate(samples)
    assert isinstance(batch, tuple) and isinstance(batch[1], list)
    assert batch[0]["a"].shape == (4, 2) and batch[0]["b"].shape == (4,)
    assert batch[1][0].shape == (4, 3) and batch[1][1].tolist() == [2.0] * 4


@pytest.mark.parametrize("arrays, match", [
    ((), "at least one array"),
    ((np.zeros(5), np.zeros(4)), "array 0 has 5 samples but array 1 has 4"),
    ((np.zeros(5), np.float64(1)), "array 1 must have a first"),
])
def test_tensor_dataset_errors(arrays, match):
    with pytest.raises(ValueError, match=match):
        TensorDataset(*arrays)


def test_dataset_base_names_what_is_missing():
    with pytest.raises(NotImplementedError, match="__getitem__"):
        Dataset()[0]


# ---------------------------------------------------------------- DataLoader

def test_loader_lengths_order_and_drop_last():
    x, y = np.arange(20).reshape(10, 2), np.arange(10)
    loader = DataLoader((x, y), batch_size=4)
    assert len(loader) == 3 and loader.num_samples == 10
    got = list(loader)
    assert [yb.tolist() for _, yb in got] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert np.shares_memory(got[0][0], x)  # unshuffled batches of arrays are views
    dropped = DataLoader((x, y), batch_size=4, drop_last=True)
    assert len(dropped) == 2 and [len(yb) for _, yb in dropped] == [4, 4]
    assert [b.tolist() for b in DataLoader(y, batch_size=6)] == [list(range(6)), [6, 7, 8, 9]]


def test_loader_keeps_the_older_x_y_forms():
    x, y = np.arange(10.0), np.arange(10)
    expected = _flat(DataLoader((x, y), batch_size=3, shuffle=True, seed=1))
    for loader in (DataLoader(x, y, batch_size=3, shuffle=True, seed=1),
                   DataLoader(x, y=y, batch_size=3, shuffle=True, seed=1),
                   DataLoader(x, y, 3, True, 1),                       # x, y, batch_size, shuffle, seed
                   DataLoader(TensorDataset(x, y), 3, True, seed=1)):  # PyTorch's positional order
        _assert_same_batches(_flat(loader), expected)
    with pytest.raises(TypeError, match="batch_size both by position and by keyword"):
        DataLoader(x, 3, batch_size=4)
    with pytest.raises(ValueError, match="y is only accepted"):
        DataLoader(TensorDataset(x), y=y)


def test_loader_over_a_generic_dataset_stacks_samples():
    loader = DataLoader(Squares(5), batch_size=2)
    batches = list(loader)
    assert len(loader) == 3 and [b[0].shape for b in batches] == [(2, 2, 3), (2, 2, 3), (1, 2, 3)]
    assert batches[1][1].tolist() == [4, 9] and batches[2][0][0, 0, 0] == 4.0


def test_collate_fn_receives_the_samples():
    seen = []

    def collate(samples):
        seen.append(len(samples))
        return sum(int(y) for _, y in samples)

    assert list(DataLoader(Squares(5), batch_size=2, collate_fn=collate)) == [1, 13, 16]
    assert list(DataLoader(np.arange(5), batch_size=2, collate_fn=sum)) == [1, 5, 4]  # bare rows
    assert list(DataLoader((np.arange(4), -np.arange(4)), batch_size=4, collate_fn=len)) == [4]
    assert seen == [2, 2, 1]


def test_shuffling_reproducible_by_seed_and_by_gw_random_seed():
    x = np.arange(50)
    loader = DataLoader(x, batch_size=8, shuffle=True, seed=3)
    epoch1, epoch2 = np.concatenate(list(loader)), np.concatenate(list(loader))
    assert sorted(epoch1.tolist()) == list(range(50)) and not np.array_equal(epoch1, epoch2)
    again = DataLoader(x, batch_size=8, shuffle=True, seed=3)
    np.testing.assert_array_equal(np.concatenate(list(again)), epoch1)
    np.testing.assert_array_equal(np.concatenate(list(again)), epoch2)
    unseeded = DataLoader(x, batch_size=8, shuffle=True)
    gw.random.seed(9)
    a = np.concatenate(list(unseeded))
    gw.random.seed(9)
    np.testing.assert_array_equal(np.concatenate(list(unseeded)), a)
    generic = [b[1] for b in DataLoader(Squares(9), batch_size=4, shuffle=True, seed=2)]
    tensor = [b[1] for b in DataLoader(TensorDataset(np.arange(9), np.arange(9) ** 2), batch_size=4,
                                       shuffle=True, seed=2)]
    _assert_same_batches(generic, tensor)  # one order, whichever way the batch is fetched


def test_permutation_is_drawn_when_the_epoch_starts():
    loader = DataLoader(np.arange(10), batch_size=5, shuffle=True)
    gw.random.seed(4)
    epoch = iter(loader)
    gw.random.seed(5)
    gw.random.seed(4)
    np.testing.assert_array_equal(np.concatenate(list(epoch)), np.concatenate(list(loader)))


@pytest.mark.parametrize("make", [
    lambda: (np.random.default_rng(0).normal(size=(37, 3)), np.arange(37)),
    lambda: Squares(37),
])
def test_workers_yield_in_order_and_bit_identical(make):
    serial = _flat(DataLoader(make(), batch_size=5, shuffle=True, seed=0))
    for workers in (1, 3):
        _assert_same_batches(_flat(DataLoader(make(), batch_size=5, shuffle=True, seed=0, num_workers=workers)),
                             serial)


@pytest.mark.parametrize("context", ["fork", "spawn"])
def test_worker_processes_yield_in_order_and_bit_identical(context):
    serial = _flat(DataLoader(Squares(23), batch_size=4, shuffle=True, seed=0))
    loader = DataLoader(Squares(23), batch_size=4, shuffle=True, seed=0, num_workers=2,
                        multiprocessing_context=context)
    _assert_same_batches(_flat(loader), serial)


def test_leaving_an_epoch_early_stops_the_workers():
    loader = DataLoader(Squares(50), batch_size=2, num_workers=2)
    for i, _ in enumerate(loader):
        if i == 3:
            break
    assert len(list(loader)) == 25


@pytest.mark.parametrize("kwargs, error, match", [
    ({"batch_size": 0}, ValueError, "batch_size must be a positive integer, got 0"),
    ({"batch_size": 2.5}, ValueError, "batch_size"),
    ({"num_workers": -1}, ValueError, "num_workers must be a non-negative integer, got -1"),
    ({"shuffle": 64}, TypeError, "shuffle must be True or False, got 64"),
    ({"collate_fn": 3}, TypeError, "collate_fn must be callable"),
    ({"multiprocessing_context": "fork"}, ValueError, "needs worker processes: give num_workers > 0"),
    ({"num_workers": 2, "multiprocessing_context": "threads"}, ValueError,
     r"multiprocessing_context must be one of \[.*'spawn'.*\] or None, got 'threads'"),
])
def test_loader_argument_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        DataLoader(np.zeros(4), **kwargs)


def test_loader_data_errors():
    with pytest.raises(ValueError, match="array 0 has 5 samples but array 1 has 4"):
        DataLoader((np.zeros(5), np.zeros(4)))
    with pytest.raises(ValueError, match="samples"):
        DataLoader(np.zeros(5), np.zeros(4))
    with pytest.raises(ValueError, match="dataset_or_arrays is empty"):
        DataLoader(np.zeros((0, 3)))
    with pytest.raises(ValueError, match="dataset_or_arrays is empty"):
        DataLoader(Squares(0))
    with pytest.raises(TypeError, match="dataset_or_arrays must be a Dataset"):
        DataLoader(3)
    with pytest.raises(TypeError, match="at most 5 positional"):
        DataLoader(np.zeros(4), np.zeros(4), 2, False, None, False, 9)


# ---------------------------------------------------------------- PyDataset

@pytest.mark.parametrize("kwargs", [{}, {"workers": 3, "max_queue_size": 2}, {"workers": 2}])
def test_pydataset_epochs_in_order_with_hooks(kwargs):
    ds = Batches(**kwargs)
    for epoch in range(2):
        got = list(ds.iter_epoch())
        assert [int(y[0]) for _, y in got] == list(range(7))
        assert all(np.all(x == i) for i, (x, _) in enumerate(got))
        assert ds.begins == ds.ends == epoch + 1
    assert (threading.get_ident() in ds.threads) == (kwargs.get("workers", 1) == 1)
    assert ds.num_batches == 7 and [int(y[0]) for _, y in ds] == list(range(7)) and ds.ends == 3


def test_pydataset_workers_are_threads_of_this_process_and_bit_identical():
    serial, threaded = Batches(), Batches(workers=3)
    _assert_same_batches([x for x, _ in serial.iter_epoch()], [x for x, _ in threaded.iter_epoch()])
    assert threading.get_ident() in serial.threads and threading.get_ident() not in threaded.threads


def test_pydataset_in_processes_is_bit_identical():
    ds = Batches(workers=2, use_multiprocessing=True, max_queue_size=3)
    got = list(ds.iter_epoch())
    _assert_same_batches([x for x, _ in got], [x for x, _ in Batches().iter_epoch()])
    assert ds.threads == set() and ds.ends == 1  # loaded in the worker processes' copies


def test_pydataset_without_super_init_uses_keras_defaults():
    class Bare(PyDataset):
        def __len__(self):
            return 2

        def __getitem__(self, index):
            return np.array([index])

    assert [b.tolist() for b in Bare().iter_epoch()] == [[0], [1]]


@pytest.mark.parametrize("kwargs, error, match", [
    ({"workers": 0}, ValueError, "workers must be a positive integer, got 0"),
    ({"max_queue_size": 0}, ValueError, "max_queue_size must be a positive integer"),
    ({"use_multiprocessing": 1}, TypeError, "use_multiprocessing must be True or False"),
])
def test_pydataset_argument_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        PyDataset(**kwargs)


def test_pydataset_errors_name_what_is_missing():
    with pytest.raises(NotImplementedError, match="__len__"):
        len(PyDataset())
    with pytest.raises(ValueError, match="0 batches"):
        list(Batches(n=0).iter_epoch())


# ---------------------------------------------------------------- samplers, subsets, streams

def test_samplers_choose_the_order_and_batch_samplers_the_batches():
    x = np.arange(10)
    assert [b.tolist() for b in DataLoader(x, batch_size=3, sampler=[9, 8, 7, 0])] == [[9, 8, 7], [0]]
    loader = DataLoader(x, batch_sampler=[[1, 2], [5], [0, 0, 3]])
    assert [b.tolist() for b in loader] == [[1, 2], [5], [0, 0, 3]] and len(loader) == 3 and loader.batch_size is None
    seeded = [list(gw.data.RandomSampler(x, seed=4)) for _ in range(2)]
    assert seeded[0] == seeded[1] and sorted(seeded[0]) == list(range(10))
    weighted = gw.data.WeightedRandomSampler([0, 1, 0, 1], num_samples=20, seed=0)
    assert set(weighted) <= {1, 3} and len(list(weighted)) == 20
    assert len(DataLoader(x, batch_size=4, sampler=gw.data.SubsetRandomSampler([1, 2, 3, 4, 5], seed=0))) == 2
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive"):
        DataLoader(x, batch_size=4, batch_sampler=[[0]])
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(x, shuffle=True, sampler=[0])
    with pytest.raises(ValueError, match="weights must be"):
        gw.data.WeightedRandomSampler([0, -1], 2)


def test_subsets_of_a_tensor_dataset_are_gathered_as_their_samples_would_stack():
    data = TensorDataset(np.arange(12.0).reshape(6, 2), np.arange(6))
    train, val = gw.data.random_split(data, [4, 2], seed=0)
    assert sorted(train.indices + val.indices) == list(range(6))
    assert train.indices == gw.data.random_split(data, [4, 2], seed=0)[0].indices
    gathered = _flat(DataLoader(train, batch_size=3))
    _assert_same_batches(gathered, _flat(DataLoader(train, batch_size=3, collate_fn=default_collate)))
    assert [len(s) for s in gw.data.random_split(data, [0.5, 0.5])] == [3, 3]
    both = data + data
    assert isinstance(both, gw.data.ConcatDataset) and len(both) == 12 and both[7][1] == 1


def test_an_iterable_dataset_is_batched_as_it_streams():
    class Numbers(gw.data.IterableDataset):
        def __iter__(self):
            return iter(range(5))
    assert [b.tolist() for b in DataLoader(Numbers(), batch_size=2)] == [[0, 1], [2, 3], [4]]
    assert [b.tolist() for b in DataLoader(Numbers(), batch_size=2, drop_last=True)] == [[0, 1], [2, 3]]
    with pytest.raises(TypeError, match="has no len"):
        len(DataLoader(Numbers(), batch_size=2))
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        DataLoader(Numbers(), shuffle=True)


def test_collate_names_the_sample_of_another_shape():
    with pytest.raises(ValueError, match=r"sample 1 has shape \(3,\) where sample 0 has \(2,\)"):
        default_collate([np.zeros(2), np.zeros(3)])
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([(1, 2), (3,)])


def test_worker_options():
    ids = []
    loader = DataLoader(Squares(9), batch_size=2, num_workers=2, prefetch_factor=1, worker_init_fn=ids.append)
    _assert_same_batches(_flat(loader), _flat(DataLoader(Squares(9), batch_size=2)))
    assert sorted(ids) == list(range(len(ids))) and 1 <= len(ids) <= 2
    with pytest.raises(ValueError, match="prefetch_factor option could only be specified"):
        DataLoader(Squares(9), prefetch_factor=2)
    with pytest.raises(ValueError, match="timeout option should be non-negative"):
        DataLoader(Squares(9), timeout=float("nan"))
