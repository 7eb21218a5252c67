"""`gradwork.torch.nn` BatchNorm, InstanceNorm, LayerNorm and GroupNorm, and `F.batch_norm` and friends,
against PyTorch.

Batch norm runs several training-mode steps on different batches (outputs, input/weight/bias
gradients, running statistics and num_batches_tracked after each), then evaluation, for momentum
0.1, 0.5 and None (the cumulative average), without affine parameters and without running
statistics, in float64 and float32. State dicts go both ways with num_batches_tracked an int64;
repr, defaults, and the errors (raised before any statistic moves).
"""
import numpy as np
import pytest

import gradwork.torch as gtorch
from gradwork.torch.nn import functional as F

from .oracle import (
    FLOAT64_RTOL, assert_close, assert_same_run, load_from_torch, load_into_torch, numpy_state, tolerance, twins,
)

torch = pytest.importorskip("torch")

DTYPES = pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
STATISTICS = ("running_mean", "running_var", "num_batches_tracked")


def _batches(shape, dtype, count=3, seed=1):
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal(shape) * (1 + i) + 2 * i).astype(dtype) for i in range(count)]


def _same_state(ours, theirs, rtol):
    mine = numpy_state(ours)
    for name, value in numpy_state(theirs).items():
        assert_close(mine[name], value, rtol, name)
        assert mine[name].dtype == value.dtype, name


@DTYPES
@pytest.mark.parametrize("name, kwargs, shape", [
    ("BatchNorm1d", {}, (6, 4)),
    ("BatchNorm1d", dict(momentum=0.5), (3, 4, 5)),
    ("BatchNorm2d", {}, (2, 4, 3, 5)),
    ("BatchNorm2d", dict(momentum=None, eps=1e-3), (3, 4, 2, 3)),
    ("BatchNorm2d", dict(affine=False), (2, 4, 3, 3)),
    ("BatchNorm2d", dict(bias=False), (2, 4, 3, 3)),
    ("BatchNorm1d", dict(track_running_stats=False), (5, 4)),
    ("InstanceNorm2d", dict(affine=True, track_running_stats=True, momentum=0.3), (2, 4, 3, 5)),
    ("InstanceNorm1d", {}, (2, 4, 6)),
], ids=["bn1d", "bn1d_seq_momentum", "bn2d", "bn2d_cumulative", "bn2d_no_affine", "bn2d_no_bias",
        "bn1d_no_running_stats", "instance2d_tracked", "instance1d"])
def test_training_steps_then_evaluation_match_torch(name, kwargs, shape, dtype):
    ours, theirs = twins(name, 4, dtype=dtype, **kwargs)
    rtol = tolerance(dtype, int(np.prod(shape)))
    for step, x in enumerate(_batches(shape, dtype)):
        assert_same_run(ours, theirs, [x], rtol, seed=step)
        _same_state(ours, theirs, rtol)
    ours.eval()
    theirs.eval()
    assert_same_run(ours, theirs, _batches(shape, dtype, 1, seed=9), rtol)
    _same_state(ours, theirs, rtol)  # evaluation moves nothing


@DTYPES
@pytest.mark.parametrize("args, kwargs, shape", [
    ((5,), {}, (2, 3, 5)), (([3, 5],), {}, (2, 3, 5)), ((5,), dict(elementwise_affine=False), (4, 5)),
    ((5,), dict(bias=False, eps=1e-3), (2, 2, 5)),
], ids=["last_dim", "last_two_dims", "no_affine", "no_bias"])
def test_layer_norm_matches_torch(args, kwargs, shape, dtype):
    ours, theirs = twins("LayerNorm", *args, dtype=dtype, **kwargs)
    _perturb(ours, theirs)
    assert_same_run(ours, theirs, _batches(shape, dtype, 1), tolerance(dtype, 16))


@DTYPES
@pytest.mark.parametrize("args, kwargs, shape", [
    ((2, 4), {}, (3, 4, 5)), ((4, 4), {}, (2, 4, 3, 2)), ((1, 6), dict(affine=False), (2, 6, 3)),
    ((2, 6), dict(bias=False), (3, 6)),
], ids=["pairs", "instance_like", "layer_like_no_affine", "features_no_bias"])
def test_group_norm_matches_torch(args, kwargs, shape, dtype):
    ours, theirs = twins("GroupNorm", *args, dtype=dtype, **kwargs)
    _perturb(ours, theirs)
    assert_same_run(ours, theirs, _batches(shape, dtype, 1), tolerance(dtype, 16))


def _perturb(ours, theirs):
    """Weights other than the initial ones and zeros, the same in both, so that their gradients are tested."""
    rng = np.random.default_rng(5)
    state = {k: v + rng.standard_normal(v.shape).astype(v.dtype) for k, v in numpy_state(theirs).items()}
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    load_from_torch(ours, theirs)


def test_functional_batch_norm_updates_the_running_statistics_as_torch():
    """momentum weighs the batch statistic; the running variance follows the UNBIASED batch variance."""
    rng = np.random.default_rng(3)
    x, w, b = rng.standard_normal((5, 3, 4)), rng.standard_normal(3), rng.standard_normal(3)
    stats = [rng.standard_normal(3), rng.random(3) + 0.5]
    ours_stats, theirs_stats = [gtorch.tensor(s.copy()) for s in stats], [torch.tensor(s.copy()) for s in stats]
    assert_same_run(lambda t, w, b: F.batch_norm(t, *ours_stats, w, b, training=True, momentum=0.3),
                    lambda t, w, b: torch.nn.functional.batch_norm(t, *theirs_stats, w, b, training=True, momentum=0.3),
                    [x, w, b], FLOAT64_RTOL)
    for mine, expected, what in zip(ours_stats, theirs_stats, ("running_mean", "running_var")):
        assert_close(mine, expected, FLOAT64_RTOL, what)
    n = x.size // 3
    np.testing.assert_allclose(ours_stats[1].numpy(), 0.7 * stats[1] + 0.3 * x.var(axis=(0, 2)) * n / (n - 1))
    assert_same_run(lambda t, w, b: F.batch_norm(t, *ours_stats, w, b),
                    lambda t, w, b: torch.nn.functional.batch_norm(t, *theirs_stats, w, b), [x, w, b], FLOAT64_RTOL)


@pytest.mark.parametrize("function", ["layer_norm", "group_norm", "instance_norm"])
def test_functional_forms_match_torch(function):
    rng = np.random.default_rng(4)
    x, w, b = rng.standard_normal((2, 4, 3, 5)), rng.standard_normal(4), rng.standard_normal(4)
    if function == "layer_norm":
        w, b = rng.standard_normal((3, 5)), rng.standard_normal((3, 5))
    extra = {"layer_norm": ([3, 5],), "group_norm": (2,), "instance_norm": ()}[function]
    assert_same_run(lambda t, w, b: getattr(F, function)(t, *extra, weight=w, bias=b),
                    lambda t, w, b: getattr(torch.nn.functional, function)(t, *extra, weight=w, bias=b), [x, w, b],
                    FLOAT64_RTOL)


def test_state_dict_goes_both_ways_with_an_int64_batch_count():
    theirs = torch.nn.BatchNorm2d(3).double()
    for x in _batches((4, 3, 2, 2), np.float64):
        theirs(torch.tensor(x))
    ours = gtorch.nn.BatchNorm2d(3).double()
    load_from_torch(ours, theirs)
    assert ours.num_batches_tracked.item() == 3 and ours.num_batches_tracked.dtype == np.int64
    for x in _batches((4, 3, 2, 2), np.float64, seed=2):
        ours(gtorch.tensor(x))
    back = torch.nn.BatchNorm2d(3).double()
    load_into_torch(back, ours)
    assert back.num_batches_tracked.item() == 6
    ours.eval()
    back.eval()
    x = _batches((2, 3, 2, 2), np.float64, seed=7)[0]
    assert_close(ours(gtorch.tensor(x)), back(torch.tensor(x)), FLOAT64_RTOL, "evaluation after the round trip")


def test_defaults_are_pytorchs():
    bn = gtorch.nn.BatchNorm2d(3)
    assert list(bn.state_dict()) == list(torch.nn.BatchNorm2d(3).state_dict())
    assert [p.dtype for p in bn.parameters()] == [np.float32] * 2
    np.testing.assert_array_equal(bn.weight.detach().numpy(), np.ones(3))
    np.testing.assert_array_equal(bn.bias.detach().numpy(), np.zeros(3))
    np.testing.assert_array_equal(bn.running_mean.numpy(), np.zeros(3))
    np.testing.assert_array_equal(bn.running_var.numpy(), np.ones(3))
    assert bn.num_batches_tracked.shape == () and bn.num_batches_tracked.dtype == np.int64
    assert [name for name, _ in bn.named_buffers()] == list(STATISTICS)
    bn(gtorch.randn(4, 3, 2, 2))
    bn.reset_running_stats()
    assert bn.num_batches_tracked.item() == 0 and bn.running_var.numpy().tolist() == [1, 1, 1]
    assert gtorch.nn.BatchNorm1d(3, affine=False).weight is None
    assert dict(gtorch.nn.BatchNorm1d(3, track_running_stats=False).named_buffers()) == {}
    assert [name for name, _ in gtorch.nn.LayerNorm(3, bias=False).named_parameters()] == ["weight"]


@pytest.mark.parametrize("spec", [
    "BatchNorm1d(4)", "BatchNorm2d(4, momentum=None, affine=False, track_running_stats=False)",
    "BatchNorm2d(3, 1e-3, 0.2, bias=False)", "LayerNorm(4)", "LayerNorm([3, 4], bias=False)",
    "LayerNorm(4, elementwise_affine=False)", "GroupNorm(2, 4)", "GroupNorm(1, 3, affine=False)",
    "InstanceNorm2d(4)", "InstanceNorm1d(3, affine=True, track_running_stats=True)",
])
def test_repr_is_pytorchs(spec):
    assert repr(eval("gtorch.nn." + spec)) == repr(eval("torch.nn." + spec))


@pytest.mark.parametrize("call, error, message", [
    (lambda bn: bn(gtorch.zeros(2, 3, 5, 5)), RuntimeError,
     r"BatchNorm2d\(4, eps=1e-05.*\): expected input with 4 channels \(dim 1\), got 3 channels \(input of shape "
     r"\(2, 3, 5, 5\)\)"),
    (lambda bn: bn(gtorch.zeros(2, 4, 5)), ValueError, r"BatchNorm2d\(4, .*\): expected 4D input \(got 3D input\)"),
    (lambda bn: bn(gtorch.zeros(1, 4, 1, 1)), ValueError,
     r"BatchNorm2d\(4, .*\): Expected more than 1 value per channel when training, got input size \(1, 4, 1, 1\)"),
])
def test_batch_norm_errors_come_before_any_statistic_moves(call, error, message):
    bn = gtorch.nn.BatchNorm2d(4)
    bn(gtorch.randn(3, 4, 2, 2))
    before = numpy_state(bn)
    with pytest.raises(error, match=message):
        call(bn)
    for name, value in numpy_state(bn).items():
        np.testing.assert_array_equal(value, before[name], err_msg=name)


@pytest.mark.parametrize("call, error, message", [
    (lambda: gtorch.nn.LayerNorm(4)(gtorch.zeros(2, 3)), RuntimeError,
     r"LayerNorm\(\(4,\), .*\): expected input with shape \[\*, 4\], but got input of size \[2, 3\]"),
    (lambda: gtorch.nn.GroupNorm(2, 5), ValueError, r"GroupNorm: num_channels \(5\) must be divisible by num_groups "
                                                    r"\(2\)"),
    (lambda: gtorch.nn.GroupNorm(2, 4)(gtorch.zeros(2, 6, 3)), RuntimeError,
     r"GroupNorm\(2, 4, .*\): expected input with 4 channels \(dim 1\), got 6"),
    (lambda: F.group_norm(gtorch.zeros(2, 5, 3), 2), RuntimeError,
     r"group_norm: Expected number of channels in input to be divisible by num_groups, but got input of shape "
     r"\[2, 5, 3\] and num_groups=2"),
    (lambda: F.batch_norm(gtorch.zeros(2, 3), None, None), RuntimeError,
     r"batch_norm: running_mean must be defined in evaluation mode"),
    (lambda: F.batch_norm(gtorch.zeros(2, 3), gtorch.zeros(4), gtorch.ones(4)), RuntimeError,
     r"batch_norm: running_mean should contain 3 elements not 4"),
    (lambda: F.instance_norm(gtorch.zeros(2, 3, 1)), ValueError,
     r"instance_norm: Expected more than 1 spatial element when training"),
    (lambda: gtorch.nn.InstanceNorm2d(3, affine=True)(gtorch.zeros(2, 4, 3, 3)), RuntimeError,
     r"InstanceNorm2d\(3, .*\): expected input with 3 channels \(dim 1\), got 4"),
])
def test_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_instance_norm_takes_an_unbatched_sample():
    ours, theirs = twins("InstanceNorm2d", 3, affine=True, dtype=np.float64)
    assert_same_run(ours, theirs, _batches((3, 4, 5), np.float64, 1), FLOAT64_RTOL)


def test_the_names_are_registered():
    for name in ("BatchNorm1d", "BatchNorm2d", "LayerNorm", "GroupNorm", "InstanceNorm1d", "InstanceNorm2d"):
        assert issubclass(getattr(gtorch.nn, name), gtorch.nn.Module)
    for name in ("batch_norm", "layer_norm", "group_norm", "instance_norm"):
        assert callable(getattr(F, name))
