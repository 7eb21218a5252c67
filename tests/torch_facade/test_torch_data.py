"""gradwork.torch.utils.data against torch.utils.data: collated batches (types, shapes, dtypes), loader
order and lengths, samplers, splits, iterable datasets and the argument errors."""
import collections
import threading
import time

import numpy as np
import pytest

import gradwork.torch as gtorch
from gradwork import data as gw_data
from gradwork.torch.utils import data as gdata

torch = pytest.importorskip("torch")
tdata = torch.utils.data

Point = collections.namedtuple("Point", "x y")


def _plain(batch):
    """A batch (facade or torch) as nested Python values: (kind, dtype name, shape, values) per tensor."""
    if isinstance(batch, (gtorch.Tensor, torch.Tensor)):
        return "tensor", str(batch.dtype).replace("torch.", ""), tuple(batch.shape), batch.detach().numpy().tolist()
    if isinstance(batch, dict):
        return type(batch).__name__, {k: _plain(v) for k, v in batch.items()}
    if isinstance(batch, (list, tuple)):
        return type(batch).__name__, [_plain(v) for v in batch]
    return batch


def _both(make):
    """make(module) for the facade and for torch: the same samples built with each one's tensors."""
    return make(gtorch), make(torch)


class Images:
    """Map-style dataset of (image (1, 28, 28) float32, int label) pairs, built with `lib`'s tensors."""

    def __init__(self, lib, n=10):
        self.lib, self.n = lib, n
        self.images = np.random.default_rng(0).normal(size=(n, 1, 28, 28)).astype(np.float32)

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return self.lib.tensor(self.images[i]), i % 3


@pytest.mark.parametrize("make", [
    lambda lib: [(lib.ones(1, 28, 28) * i, i) for i in range(4)],                   # MNIST-like pairs
    lambda lib: [1.5, 2.5, -3.0],                                                   # floats: float64
    lambda lib: [1, 2, 3],                                                          # ints: int64
    lambda lib: [True, False],                                                      # bools: bool
    lambda lib: [np.float32(1), np.float32(2)],                                     # NumPy scalars keep dtype
    lambda lib: [np.arange(3.0), np.ones(3)],                                       # arrays keep dtype
    lambda lib: [np.arange(3, dtype=np.int32), np.ones(3, dtype=np.int32)],
    lambda lib: [{"a": lib.zeros(2), "b": [1, 2.0]}, {"a": lib.ones(2), "b": [3, 4.0]}],
    lambda lib: [collections.OrderedDict(x=1, y=lib.zeros(2, dtype=lib.float64))] * 3,
    lambda lib: [Point(1, 2.0), Point(3, 4.0)],
    lambda lib: [("a", 1), ("b", 2)],                                               # strings stay a list
    lambda lib: [[lib.zeros(2), (lib.ones(1), 7)], [lib.ones(2), (lib.zeros(1), 8)]],
])
def test_default_collate_matches_torch(make):
    ours, theirs = _both(make)
    assert _plain(gdata.default_collate(ours)) == _plain(tdata.default_collate(theirs))


def test_mnist_like_pairs_collate_to_float32_images_and_int64_labels_as_torch():
    images, labels = next(iter(gdata.DataLoader(Images(gtorch), batch_size=4)))
    expected = next(iter(tdata.DataLoader(Images(torch), batch_size=4)))
    assert isinstance(images, gtorch.Tensor) and images.shape == (4, 1, 28, 28) and images.dtype == gtorch.float32
    assert labels.shape == (4,) and labels.dtype == gtorch.int64
    assert _plain([images, labels]) == _plain(expected)


@pytest.mark.parametrize("samples, error, match", [
    ([object(), object()], TypeError, "default_collate: batch must contain tensors, numpy arrays, numbers"),
    ([np.array(["a"]), np.array(["b"])], TypeError, "found <U1"),
    ([[1, 2], [3]], RuntimeError, "each element in list of batch should be of equal size"),
])
def test_default_collate_errors_as_torch(samples, error, match):
    with pytest.raises(error, match=match):
        tdata.default_collate(samples)
    with pytest.raises(error, match=match):
        gdata.default_collate(samples)


def test_default_convert_as_torch():
    sample = (np.arange(3.0), 2, "s", {"k": np.float32(1)})
    assert _plain(gdata.default_convert(sample)) == _plain(tdata.default_convert(sample))


@pytest.mark.parametrize("kwargs", [{}, {"batch_size": 3}, {"batch_size": 3, "drop_last": True},
                                    {"batch_size": 4}, {"batch_size": None}])
@pytest.mark.parametrize("kind", ["pairs", "tensors", "range"])
def test_loader_batches_and_lengths_match_torch_without_shuffling(kind, kwargs):
    def dataset(lib):
        if kind == "pairs":
            return Images(lib)
        if kind == "tensors":
            x = np.arange(30, dtype=np.float32).reshape(10, 3)
            return (gdata if lib is gtorch else tdata).TensorDataset(lib.tensor(x), lib.arange(10))
        return range(10)
    ours = gdata.DataLoader(dataset(gtorch), **kwargs)
    theirs = tdata.DataLoader(dataset(torch), **kwargs)
    assert len(ours) == len(theirs) and len(ours.dataset) == len(theirs.dataset) == 10
    assert ours.batch_size == theirs.batch_size and ours.drop_last == theirs.drop_last
    assert [_plain(b) for b in ours] == [_plain(b) for b in theirs]


def test_a_tensor_dataset_is_gathered_in_one_step_as_its_samples_would_collate():
    ds = gdata.TensorDataset(gtorch.randn(11, 2, 3), gtorch.arange(11))
    subset = gdata.Subset(ds, [5, 1, 9, 0, 3, 2])
    for source in (ds, subset):
        fast = [_plain(b) for b in gdata.DataLoader(source, batch_size=4)]
        by_sample = [_plain(b) for b in gdata.DataLoader(source, batch_size=4, collate_fn=gdata.default_collate)]
        assert fast == by_sample


def test_shuffling_covers_every_sample_reshuffles_and_repeats_with_a_generator():
    ds = gdata.TensorDataset(gtorch.arange(20))
    loader = gdata.DataLoader(ds, batch_size=6, shuffle=True, generator=gtorch.Generator().manual_seed(3))
    epoch1 = np.concatenate([b.numpy() for b, in loader])
    epoch2 = np.concatenate([b.numpy() for b, in loader])
    assert sorted(epoch1) == sorted(epoch2) == list(range(20)) and epoch1.tolist() != epoch2.tolist()
    again = gdata.DataLoader(ds, batch_size=6, shuffle=True, generator=gtorch.Generator().manual_seed(3))
    assert np.concatenate([b.numpy() for b, in again]).tolist() == epoch1.tolist()
    loader.generator.manual_seed(3)  # reseeding the loader's generator repeats its epochs
    assert np.concatenate([b.numpy() for b, in loader]).tolist() == epoch1.tolist()
    gtorch.manual_seed(5)
    first = [b.tolist() for b, in gdata.DataLoader(ds, batch_size=6, shuffle=True)]
    gtorch.manual_seed(5)
    assert first == [b.tolist() for b, in gdata.DataLoader(ds, batch_size=6, shuffle=True)]


@pytest.mark.parametrize("workers", [1, 3])
def test_workers_give_the_batches_of_no_workers(workers):
    def batches(**kwargs):
        loader = gdata.DataLoader(Images(gtorch, 23), batch_size=4, shuffle=True,
                                  generator=gtorch.Generator().manual_seed(0), **kwargs)
        return [_plain(b) for b in loader]
    assert batches(num_workers=workers, prefetch_factor=3) == batches()


def test_worker_init_fn_is_called_once_per_worker_with_its_id():
    seen, lock = [], threading.Lock()

    def init(worker_id):
        with lock:
            seen.append(worker_id)
    list(gdata.DataLoader(range(40), batch_size=2, num_workers=3, worker_init_fn=init))
    assert sorted(seen) == list(range(len(seen))) and 1 <= len(seen) <= 3


def test_a_slow_batch_past_the_timeout_is_an_error():
    class Slow(gdata.Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            time.sleep(0.3)
            return i
    with pytest.raises(RuntimeError, match="timed out"):
        list(gdata.DataLoader(Slow(), num_workers=1, timeout=0.05))


def test_random_split_sizes_match_torch_and_the_subsets_partition_the_dataset():
    for n, lengths in [(10, [3, 7]), (10, [0.3, 0.3, 0.4]), (11, [0.5, 0.5]), (3, [0.1, 0.9]), (7, [1 / 3] * 3)]:
        ours = gdata.random_split(range(n), lengths, generator=gtorch.Generator().manual_seed(0))
        theirs = tdata.random_split(range(n), lengths, generator=torch.Generator().manual_seed(0))
        assert [len(s) for s in ours] == [len(s) for s in theirs]
        assert sorted(i for s in ours for i in s.indices) == list(range(n))
        assert all(isinstance(s, gdata.Subset) and s.dataset == range(n) for s in ours)
    same = [gdata.random_split(range(10), [5, 5], generator=gtorch.Generator().manual_seed(1))[0].indices
            for _ in range(2)]
    assert same[0] == same[1]
    for lengths in ([3, 3], [0.5, 0.6]):
        with pytest.raises(ValueError, match="sum"):
            gdata.random_split(range(10), lengths)


def test_subset_and_concat_index_as_torch():
    ours, theirs = gdata.Subset(list(range(10)), [3, 1, 4]), tdata.Subset(list(range(10)), [3, 1, 4])
    assert [ours[i] for i in range(3)] == [theirs[i] for i in range(3)] and len(ours) == len(theirs)
    ours = gdata.ConcatDataset([range(3), range(10, 12)])
    theirs = tdata.ConcatDataset([range(3), range(10, 12)])
    assert [ours[i] for i in range(-5, 5)] == [theirs[i] for i in range(-5, 5)]
    assert ours.cumulative_sizes == theirs.cumulative_sizes and len(ours) == 5
    both = gdata.TensorDataset(gtorch.zeros(2)) + gdata.TensorDataset(gtorch.ones(3))
    assert isinstance(both, gdata.ConcatDataset) and len(both) == 5
    with pytest.raises(IndexError):
        ours[5]
    with pytest.raises(ValueError, match="empty"):
        gdata.ConcatDataset([])


def test_samplers_match_torch():
    assert list(gdata.SequentialSampler(range(5))) == list(tdata.SequentialSampler(range(5)))
    for args in [(range(10), 3, False), (range(10), 3, True), ([4, 2, 7], 2, False)]:
        assert list(gdata.BatchSampler(*args)) == list(tdata.BatchSampler(*args))
        assert len(gdata.BatchSampler(*args)) == len(tdata.BatchSampler(*args))
    permutation = list(gdata.RandomSampler(range(10), generator=gtorch.Generator().manual_seed(0)))
    assert sorted(permutation) == list(range(10)) and all(type(i) is int for i in permutation)
    for kwargs in [{"num_samples": 25}, {"replacement": True, "num_samples": 7}]:
        drawn = list(gdata.RandomSampler(range(10), **kwargs))
        assert len(drawn) == len(gdata.RandomSampler(range(10), **kwargs)) == kwargs["num_samples"]
        assert set(drawn) <= set(range(10))
    long = list(gdata.RandomSampler(range(10), num_samples=25))
    assert sorted(long[:20]) == sorted(list(range(10)) * 2)  # whole permutations first, as torch
    assert sorted(gdata.SubsetRandomSampler([5, 6, 7])) == [5, 6, 7]
    weighted = list(gdata.WeightedRandomSampler(gtorch.tensor([0.0, 1.0, 0.0, 2.0]), 50))
    assert set(weighted) <= {1, 3} and len(weighted) == 50


def test_loader_takes_a_sampler_or_a_batch_sampler_as_torch():
    sampler = [9, 0, 4, 4, 2]
    for kwargs in [{"sampler": sampler, "batch_size": 2}, {"batch_sampler": [[3, 1], [0], [7, 7, 2]]}]:
        ours, theirs = gdata.DataLoader(range(10), **kwargs), tdata.DataLoader(range(10), **kwargs)
        assert [_plain(b) for b in ours] == [_plain(b) for b in theirs] and len(ours) == len(theirs)
        assert ours.batch_size == theirs.batch_size


class Stream(gdata.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))


class SizedStream(Stream):
    def __len__(self):
        return self.n


def test_an_iterable_dataset_is_batched_in_order_as_torch():
    class TorchStream(tdata.IterableDataset):
        def __iter__(self):
            return iter(range(7))
    for kwargs in [{"batch_size": 3}, {"batch_size": 3, "drop_last": True}, {"batch_size": None}]:
        ours = [_plain(b) for b in gdata.DataLoader(Stream(7), **kwargs)]
        assert ours == [_plain(b) for b in tdata.DataLoader(TorchStream(), **kwargs)]
    assert len(gdata.DataLoader(SizedStream(7), batch_size=3)) == 3
    with pytest.raises(TypeError, match="has no len"):
        len(gdata.DataLoader(Stream(7), batch_size=3))
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        gdata.DataLoader(Stream(7), shuffle=True)
    with pytest.raises(ValueError, match="expected unspecified sampler option"):
        gdata.DataLoader(Stream(7), sampler=[0])


@pytest.mark.parametrize("kwargs, error, match", [
    ({"batch_sampler": [[0]], "batch_size": 2}, ValueError, "batch_sampler option is mutually exclusive"),
    ({"batch_sampler": [[0]], "shuffle": True}, ValueError, "batch_sampler option is mutually exclusive"),
    ({"sampler": [0, 1], "shuffle": True}, ValueError, "sampler option is mutually exclusive with shuffle"),
    ({"batch_size": None, "drop_last": True}, ValueError, "mutually exclusive with drop_last"),
    ({"prefetch_factor": 2}, ValueError, "prefetch_factor option could only be specified"),
    ({"persistent_workers": True}, ValueError, "persistent_workers option needs num_workers > 0"),
    ({"timeout": -1}, ValueError, "timeout option should be non-negative"),
    ({"batch_size": 0}, ValueError, "batch_size"),
])
def test_loader_argument_errors_as_torch(kwargs, error, match):
    with pytest.raises(error, match=match):
        gdata.DataLoader(range(4), **kwargs)
    with pytest.raises(error):
        tdata.DataLoader(range(4), **kwargs)


def test_the_facade_classes_are_gradwork_data_machinery():
    assert gdata.Dataset is gw_data.Dataset and gdata.Subset is gw_data.Subset
    assert gdata.BatchSampler is gw_data.BatchSampler and gdata.IterableDataset is gw_data.IterableDataset
    assert issubclass(gdata.DataLoader, gw_data.DataLoader) and issubclass(gdata.TensorDataset, gw_data.TensorDataset)
    assert issubclass(gdata.RandomSampler, gw_data.RandomSampler)
    loader = gdata.DataLoader(range(5), pin_memory=True, persistent_workers=True, num_workers=1)
    assert isinstance(loader.sampler, gdata.SequentialSampler) and isinstance(loader.batch_sampler, gdata.BatchSampler)
    assert gdata.get_worker_info() is None
    with pytest.raises(AttributeError, match="does not provide torch.utils.data.DistributedSampler"):
        gdata.DistributedSampler  # noqa: B018 (the access is the test)
