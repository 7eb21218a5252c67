"""The operation table: one line per case, the same inputs fed to gradwork and to PyTorch.

Each `case(name, args, torch_fn, gw_fn)` names its inputs (`Arg`: shape, value range, dtype,
whether it needs a gradient, points to stay away from) and one function per library; where both
libraries spell the operation the same way, `gw_fn` is left out and `torch_fn` serves both.
`tests/test_ops.py` runs every case through gradcheck, gradgradcheck and a float64 and float32
comparison with PyTorch; `benchmarks/torch_error_table.py` prints the errors it sees.

The name is "op/variant"; the part before the slash groups the cases of one operation.
Inputs come from a generator seeded by the case's name, so every run sees the same numbers.
"""

import zlib
from dataclasses import dataclass

import numpy as np

import gradwork as gw
from gradwork.nn import functional as F

try:
    import torch

    TF = torch.nn.functional
except ImportError:  # the gradient checks run without torch; the comparisons skip
    torch = TF = None

# (rtol, atol) against torch. Every differentiable case is also twice differentiable (piecewise-linear
# ones away from their kinks, which the inputs avoid), so gradgradcheck runs on all of them.
F64 = (1e-10, 1e-12)  # float64: the same math, so agreement to rounding
F32_FORWARD = (1e-5, 1e-6)  # float32 values: a few ulp of a handful of rounded steps
F32_GRAD = (1e-4, 1e-5)  # float32 gradients: longer chains of rounded steps and sums


@dataclass(frozen=True)
class Arg:
    """One input, uniform in [low, high) (floats, or integers for dtype "int"), kept `margin` away from `avoid`.

    offset_from : index of an earlier input; this one is that input plus the draw, so the two
        differ by an amount that `avoid` can keep away from a loss's kinks (huber, mae).
    integer_valued : round floats to whole numbers, to make ties (comparisons, argmax).
    """

    shape: tuple
    low: float = -2.0
    high: float = 2.0
    dtype: str = "float"  # "float" or "int"
    grad: bool = True
    avoid: tuple = ()
    margin: float = 0.1
    offset_from: int = None
    integer_valued: bool = False

    @property
    def needs_grad(self):
        return self.grad and self.dtype == "float"


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple
    torch_fn: object
    gw_fn: object
    differentiable: bool = True  # False: forward only, and the output must carry no graph
    gradcheck: bool = True  # gradcheck and gradgradcheck (False only where rounding defeats them)
    quiet: bool = False  # NumPy warns on purpose: log(0) and 0 * inf of a reduction over an empty axis

    @property
    def op(self):
        return self.name.split("/")[0]

    @property
    def has_grad(self):
        return self.differentiable and any(a.needs_grad for a in self.args)

    def __repr__(self):
        return self.name


def case(name, args, torch_fn, gw_fn=None, **options):
    """A Case; plain shapes in `args` become default Args (floats in [-2, 2) with a gradient)."""
    args = tuple(a if isinstance(a, Arg) else Arg(tuple(a)) for a in args)
    return Case(name, args, torch_fn, torch_fn if gw_fn is None else gw_fn, **options)


def pos(*shape, low=0.2, high=3.0):
    """A positive float input (log, sqrt, bases of pow)."""
    return Arg(shape, low, high)


def away(*points, shape, low=-2.0, high=2.0, margin=0.1, offset_from=None):
    """A float input kept `margin` away from the kinks at `points` (or, with `offset_from`, an earlier
    input plus such a value: the two then differ by an amount away from the kinks)."""
    return Arg(shape, low, high, avoid=points, margin=margin, offset_from=offset_from)


def ints(*shape, low=0, high=3):
    """An integer input (class targets, or int data for float functions); never needs a gradient."""
    return Arg(shape, low, high, dtype="int", grad=False)


def const(*shape, low=0.5, high=2.0):
    """A float input without a gradient (class weights, pos_weight)."""
    return Arg(shape, low, high, grad=False)


def ties(*shape):
    """Whole-number floats in [-2, 2]: equal values are likely (comparisons, argmax)."""
    return Arg(shape, -2.0, 2.0, integer_valued=True)


# Constant indices and masks, shared by both libraries (torch gets them as tensors).
MASK = np.array([[1, 0, 1, 1, 0], [0, 0, 1, 0, 1], [1, 1, 0, 0, 0], [0, 1, 1, 1, 1]], dtype=bool)
ROWS = np.array([True, False, True, True])
IDX2D = np.array([[0, 1], [3, 1]])
COND = np.array([[1, 0, 0, 1], [0, 1, 1, 1], [1, 0, 1, 0]], dtype=bool)
COND_COL = np.array([[True], [False], [True]])


def _t(array):
    return torch.as_tensor(array)


CASES = [
    # ----- arithmetic -------------------------------------------------------------------------
    case("add/same", [(3, 4), (3, 4)], lambda a, b: a + b),
    case("add/broadcast", [(3, 1), (4,)], lambda a, b: a + b),
    case("add/broadcast3d", [(2, 1, 4), (3, 1)], lambda a, b: a + b),
    case("add/scalar_tensor", [(), (3,)], lambda a, b: a + b),
    case("add/scalars", [(), ()], lambda a, b: a + b),
    case("add/const", [(3, 4)], lambda a: a + 2.5),
    case("add/radd", [(3, 4)], lambda a: 2.5 + a),
    case("add/empty", [(0, 3), (3,)], lambda a, b: a + b),
    case("sub/same", [(3, 4), (3, 4)], lambda a, b: a - b),
    case("sub/broadcast", [(4,), (3, 1)], lambda a, b: a - b),
    case("sub/const", [(3, 4)], lambda a: a - 1.5),
    case("sub/rsub", [(3, 4)], lambda a: 1.5 - a),
    case("mul/same", [(3, 4), (3, 4)], lambda a, b: a * b),
    case("mul/broadcast", [(2, 3, 1), (1, 4)], lambda a, b: a * b),
    case("mul/scalar_tensor", [(), (2, 3)], lambda a, b: a * b),
    case("mul/const", [(3, 4)], lambda a: a * 3.0),
    case("mul/rmul", [(3, 4)], lambda a: 3.0 * a),
    case("mul/empty", [(2, 0), (2, 1)], lambda a, b: a * b),
    case("div/same", [(3, 4), away(0, shape=(3, 4), margin=0.5)], lambda a, b: a / b),
    case("div/broadcast", [(3, 1), away(0, shape=(1, 4), margin=0.5)], lambda a, b: a / b),
    case("div/const", [(3, 4)], lambda a: a / 2.0),
    case("div/rtruediv", [away(0, shape=(3, 4), margin=0.5)], lambda a: 2.0 / a),
    case("pow/tensor", [pos(3, 4), (3, 4)], lambda a, b: a**b),
    case("pow/broadcast", [pos(3, 1), (4,)], lambda a, b: a**b),
    case("pow/square", [(3, 4)], lambda a: a**2),
    case("pow/cube_negative_base", [Arg((3, 4), -2.0, -0.5)], lambda a: a**3),
    case("pow/sqrt", [pos(3, 4)], lambda a: a**0.5),
    case("pow/negative_exponent", [pos(3, 4)], lambda a: a**-1.5),
    case("pow/rpow", [(3, 4)], lambda a: 2.0**a),
    case("pow/rpow_fraction", [(3, 4)], lambda a: 0.5**a),
    case("neg/matrix", [(3, 4)], lambda a: -a),
    case("neg/scalar", [()], lambda a: -a),
    case("matmul/vector_vector", [(4,), (4,)], lambda a, b: a @ b),
    case("matmul/vector_matrix", [(3,), (3, 4)], lambda a, b: a @ b),
    case("matmul/matrix_vector", [(3, 4), (4,)], lambda a, b: a @ b),
    case("matmul/matrix_matrix", [(2, 3), (3, 4)], lambda a, b: a @ b),
    case("matmul/batched", [(2, 2, 3), (3, 4)], lambda a, b: a @ b),
    case("matmul/batch_broadcast", [(2, 1, 2, 3), (2, 3, 2)], lambda a, b: a @ b),
    case("matmul/vector_batched", [(3,), (2, 3, 2)], lambda a, b: a @ b),
    case("matmul/empty_rows", [(0, 3), (3, 2)], lambda a, b: a @ b),
    case("matmul/empty_inner", [(2, 0), (0, 3)], lambda a, b: a @ b),
    # ----- comparisons (boolean results, no graph) --------------------------------------------
    case("lt/tensor", [ties(3, 4), ties(3, 4)], lambda a, b: a < b, differentiable=False),
    case("le/broadcast", [ties(3, 4), ties(4)], lambda a, b: a <= b, differentiable=False),
    case("gt/const", [ties(3, 4)], lambda a: a > 0.0, differentiable=False),
    case("ge/tensor", [ties(3, 4), ties(3, 4)], lambda a, b: a >= b, differentiable=False),
    case("eq/tensor", [ties(3, 4), ties(3, 4)], lambda a, b: a == b, differentiable=False),
    case("ne/const", [ties(3, 4)], lambda a: a != 1.0, differentiable=False),
    case(
        "argmax/axis",
        [ties(3, 4)],
        lambda a: torch.argmax(a, dim=1),
        lambda a: a.argmax(axis=1),
        differentiable=False,
    ),
    case("argmax/flat", [ties(3, 4)], lambda a: torch.argmax(a), lambda a: a.argmax(), differentiable=False),
    case(
        "argmin/axis",
        [ties(3, 4)],
        lambda a: torch.argmin(a, dim=0),
        lambda a: a.argmin(axis=0),
        differentiable=False,
    ),
    # ----- indexing ---------------------------------------------------------------------------
    case("getitem/int", [(4, 5)], lambda a: a[1]),
    case("getitem/negative_int", [(4, 5)], lambda a: a[-1]),
    case("getitem/to_scalar", [(4, 5)], lambda a: a[1, 2]),
    case("getitem/slice", [(4, 5)], lambda a: a[1:3]),
    case("getitem/step_slices", [(4, 5)], lambda a: a[::2, 1::2]),
    case("getitem/reversed", [(4, 5)], lambda a: torch.flip(a, (0,)), lambda a: a[::-1]),
    case("getitem/int_and_slice", [(4, 5)], lambda a: a[2, 1:4]),
    case("getitem/none_ellipsis", [(4, 5)], lambda a: a[None, ..., 1]),
    case("getitem/trailing_none", [(4, 5)], lambda a: a[..., None]),
    case("getitem/empty_slice", [(4, 5)], lambda a: a[2:2]),
    case("getitem/scalar_tensor", [()], lambda a: a[()]),
    case("getitem/fancy_repeated", [(4, 5)], lambda a: a[[0, 2, 0]]),
    case("getitem/fancy_pairs", [(4, 5)], lambda a: a[[1, 1, 3], [2, 2, 0]]),
    case("getitem/fancy_2d", [(4, 5)], lambda a: a[_t(IDX2D)], lambda a: a[IDX2D]),
    case("getitem/fancy_empty", [(4, 5)], lambda a: a[[]]),
    case("getitem/slice_fancy", [(4, 5)], lambda a: a[1:, [0, 2, 2]]),
    case("getitem/split_fancy", [(2, 3, 4)], lambda a: a[[0, 1, 1], :, [1, 0, 1]]),
    case("getitem/mask", [(4, 5)], lambda a: a[_t(MASK)], lambda a: a[MASK]),
    case("getitem/row_mask", [(4, 5)], lambda a: a[_t(ROWS)], lambda a: a[ROWS]),
    case("getitem/mask_from_data", [away(0, shape=(4, 5))], lambda a: a[a > 0]),
    # ----- shape ------------------------------------------------------------------------------
    case("reshape/matrix", [(3, 4)], lambda a: a.reshape(4, 3)),
    case("reshape/flat", [(2, 3, 4)], lambda a: a.reshape(-1)),
    case("reshape/infer", [(2, 3, 4)], lambda a: torch.reshape(a, (6, -1)), lambda a: gw.reshape(a, (6, -1))),
    case("reshape/scalar", [()], lambda a: a.reshape(1, 1)),
    case("reshape/empty", [(0, 3)], lambda a: a.reshape(3, 0)),
    case("flatten/from_axis", [(2, 3, 4)], lambda a: a.flatten(1)),
    case("flatten/all", [(2, 3, 2)], lambda a: a.flatten()),
    case("transpose/T", [(3, 4)], lambda a: a.T),
    case("transpose/reverse", [(2, 3, 4)], lambda a: a.permute(2, 1, 0), lambda a: gw.transpose(a)),
    case(
        "transpose/permutation",
        [(2, 3, 4)],
        lambda a: a.permute(1, 2, 0),
        lambda a: gw.transpose(a, (1, 2, 0)),
    ),
    case(
        "transpose/method_negative",
        [(2, 3, 4)],
        lambda a: a.permute(2, 0, 1),
        lambda a: a.transpose(-1, 0, 1),
    ),
    case("swapaxes/outer", [(2, 3, 4)], lambda a: torch.swapaxes(a, 0, 2), lambda a: gw.swapaxes(a, 0, 2)),
    case("swapaxes/negative", [(2, 3, 4)], lambda a: a.swapaxes(-1, -2)),
    case("squeeze/all", [(3, 1, 4, 1)], lambda a: a.squeeze()),
    case("squeeze/axis", [(3, 1, 4, 1)], lambda a: a.squeeze(1)),
    case("squeeze/negative", [(3, 1, 4, 1)], lambda a: a.squeeze(-1)),
    case(
        "squeeze/tuple", [(3, 1, 4, 1)], lambda a: torch.squeeze(a, (1, 3)), lambda a: gw.squeeze(a, (1, 3))
    ),
    case("expand_dims/front", [(3, 4)], lambda a: a.unsqueeze(0), lambda a: gw.expand_dims(a, 0)),
    case("expand_dims/negative", [(3, 4)], lambda a: a.unsqueeze(-1), lambda a: gw.expand_dims(a, -1)),
    case("expand_dims/method", [(3, 4)], lambda a: a.unsqueeze(1)),
    case("expand_dims/scalar", [()], lambda a: a.unsqueeze(0)),
    case("broadcast_to/column", [(3, 1)], lambda a: a.broadcast_to((2, 3, 4))),
    case(
        "broadcast_to/scalar",
        [()],
        lambda a: torch.broadcast_to(a, (2, 3)),
        lambda a: gw.broadcast_to(a, (2, 3)),
    ),
    case("broadcast_to/row", [(4,)], lambda a: a.broadcast_to((3, 4))),
    case(
        "concatenate/axis0",
        [(2, 3), (1, 3), (3, 3)],
        lambda a, b, c: torch.cat([a, b, c], 0),
        lambda a, b, c: gw.concatenate([a, b, c], axis=0),
    ),
    case(
        "concatenate/negative_axis",
        [(2, 1), (2, 3)],
        lambda a, b: torch.cat([a, b], -1),
        lambda a, b: gw.concatenate([a, b], axis=-1),
    ),
    case(
        "concatenate/empty_piece",
        [(2, 3), (0, 3)],
        lambda a, b: torch.cat([a, b]),
        lambda a, b: gw.concatenate([a, b]),
    ),
    case(
        "stack/axis0",
        [(2, 3), (2, 3), (2, 3)],
        lambda a, b, c: torch.stack([a, b, c]),
        lambda a, b, c: gw.stack([a, b, c]),
    ),
    case(
        "stack/middle",
        [(2, 3), (2, 3)],
        lambda a, b: torch.stack([a, b], 1),
        lambda a, b: gw.stack([a, b], 1),
    ),
    case(
        "stack/negative",
        [(2, 3), (2, 3)],
        lambda a, b: torch.stack([a, b], -1),
        lambda a, b: gw.stack([a, b], -1),
    ),
    case("split/sections", [(6, 2)], lambda a: torch.tensor_split(a, 3), lambda a: gw.split(a, 3)),
    case(
        "split/indices",
        [(2, 5)],
        lambda a: torch.tensor_split(a, [1, 3], dim=1),
        lambda a: gw.split(a, [1, 3], axis=1),
    ),
    case(
        "split/empty_piece", [(4, 2)], lambda a: torch.tensor_split(a, [0, 2]), lambda a: gw.split(a, [0, 2])
    ),
    case("pad/per_axis", [(2, 3)], lambda a: TF.pad(a, (2, 1, 1, 0)), lambda a: gw.pad(a, ((1, 0), (2, 1)))),
    case("pad/int", [(2, 3)], lambda a: TF.pad(a, (1, 1, 1, 1)), lambda a: gw.pad(a, 1)),
    case("pad/pair_all_axes", [(2, 2, 2)], lambda a: TF.pad(a, (1, 2) * 3), lambda a: gw.pad(a, (1, 2))),
    case(
        "pad/value",
        [(2, 3)],
        lambda a: TF.pad(a, (0, 2, 1, 1), value=1.5),
        lambda a: gw.pad(a, ((1, 1), (0, 2)), constant_values=1.5),
    ),
    case(
        "astype/float32",
        [(3, 4)],
        lambda a: a.to(torch.float32),
        lambda a: a.astype(gw.float32),
        gradcheck=False,
    ),  # float32 rounding swamps a finite difference: test_ops checks a longdouble cast
    case("astype/float64", [(3, 4)], lambda a: a.to(torch.float64), lambda a: a.astype(gw.float64)),
    case(
        "astype/int_to_float",
        [ints(3, 4, low=-5, high=5)],
        lambda a: a.to(torch.float32),
        lambda a: a.astype(gw.float32),
    ),
    # ----- where, maximum, minimum --------------------------------------------------------------
    case(
        "where/const_condition",
        [(3, 4), (3, 4)],
        lambda a, b: torch.where(_t(COND), a, b),
        lambda a, b: gw.where(COND, a, b),
    ),
    case(
        "where/broadcast",
        [(3, 4), (4,)],
        lambda a, b: torch.where(_t(COND_COL), a, b),
        lambda a, b: gw.where(COND_COL, a, b),
    ),
    case(
        "where/const_branch",
        [(3, 4)],
        lambda a: torch.where(_t(COND), a, 0.0),
        lambda a: gw.where(COND, a, 0.0),
    ),
    case(
        "where/tensor_condition",
        [away(0, shape=(3, 4)), (3, 4)],
        lambda a, b: torch.where(a > 0, a, b),
        lambda a, b: gw.where(a > 0, a, b),
    ),
    case("maximum/same", [(3, 4), (3, 4)], lambda a, b: torch.maximum(a, b), lambda a, b: gw.maximum(a, b)),
    case("maximum/broadcast", [(3, 1), (4,)], lambda a, b: torch.maximum(a, b), lambda a, b: a.maximum(b)),
    case("maximum/scalars", [(), ()], lambda a, b: torch.maximum(a, b), lambda a, b: gw.maximum(a, b)),
    case(
        "maximum/const",
        [away(0.5, shape=(3, 4))],
        lambda a: torch.clamp(a, min=0.5),
        lambda a: gw.maximum(a, 0.5),
    ),
    case("minimum/same", [(3, 4), (3, 4)], lambda a, b: torch.minimum(a, b), lambda a, b: gw.minimum(a, b)),
    case("minimum/broadcast", [(4,), (3, 1)], lambda a, b: torch.minimum(a, b), lambda a, b: a.minimum(b)),
    case("minimum/scalar_and_const", [()], lambda a: torch.clamp(a, max=-3.0), lambda a: gw.minimum(a, -3.0)),
    case(
        "minimum/const",
        [away(-0.5, shape=(3, 4))],
        lambda a: torch.clamp(a, max=-0.5),
        lambda a: gw.minimum(a, -0.5),
    ),
    # ----- reductions -------------------------------------------------------------------------
    case("sum/all", [(3, 4)], lambda a: a.sum()),
    case("sum/axis", [(2, 3, 4)], lambda a: a.sum(1), lambda a: gw.sum(a, axis=1)),
    case(
        "sum/negative_keepdims",
        [(2, 3, 4)],
        lambda a: a.sum(-1, keepdim=True),
        lambda a: a.sum(-1, keepdims=True),
    ),
    case("sum/tuple", [(2, 3, 4)], lambda a: a.sum((0, 2)), lambda a: a.sum(axis=(0, 2))),
    case(
        "sum/tuple_negative_keepdims",
        [(2, 3, 4)],
        lambda a: a.sum((0, -1), keepdim=True),
        lambda a: gw.sum(a, (0, -1), keepdims=True),
    ),
    case("sum/scalar", [()], lambda a: a.sum()),
    case("sum/empty_axis", [(0, 3)], lambda a: a.sum(0), lambda a: a.sum(axis=0)),
    case("sum/over_nonempty_axis_of_empty", [(0, 3)], lambda a: a.sum(1), lambda a: a.sum(axis=1)),
    case("mean/all", [(3, 4)], lambda a: a.mean()),
    case("mean/axis", [(2, 3, 4)], lambda a: a.mean(1), lambda a: gw.mean(a, axis=1)),
    case(
        "mean/tuple_keepdims",
        [(2, 3, 4)],
        lambda a: a.mean((1, 2), keepdim=True),
        lambda a: a.mean(axis=(1, 2), keepdims=True),
    ),
    case("mean/negative", [(2, 3, 4)], lambda a: a.mean(-2), lambda a: a.mean(axis=-2)),
    case("mean/scalar", [()], lambda a: a.mean()),
    case("var/all", [(3, 4)], lambda a: torch.var(a, correction=0), lambda a: gw.var(a)),
    case("var/axis", [(2, 3, 4)], lambda a: torch.var(a, 1, correction=0), lambda a: a.var(axis=1)),
    case(
        "var/tuple_keepdims",
        [(2, 3, 4)],
        lambda a: torch.var(a, (0, 2), correction=0, keepdim=True),
        lambda a: gw.var(a, (0, 2), keepdims=True),
    ),
    case("var/ddof1", [(3, 4)], lambda a: torch.var(a, -1, correction=1), lambda a: a.var(axis=-1, ddof=1)),
    case("std/all", [(3, 4)], lambda a: torch.std(a, correction=0), lambda a: gw.std(a)),
    case(
        "std/axis_keepdims_ddof1",
        [(3, 4)],
        lambda a: torch.std(a, 0, correction=1, keepdim=True),
        lambda a: a.std(axis=0, keepdims=True, ddof=1),
    ),
    case(
        "std/tuple_negative",
        [(2, 3, 4)],
        lambda a: torch.std(a, (0, -1), correction=0),
        lambda a: gw.std(a, axis=(0, -1)),
    ),
    case("max/all", [(3, 4)], lambda a: torch.amax(a), lambda a: a.max()),
    case("max/axis", [(2, 3, 4)], lambda a: torch.amax(a, 1), lambda a: gw.max(a, axis=1)),
    case(
        "max/tuple_keepdims",
        [(2, 3, 4)],
        lambda a: torch.amax(a, (0, 2), keepdim=True),
        lambda a: a.max(axis=(0, 2), keepdims=True),
    ),
    case("max/negative", [(2, 3, 4)], lambda a: torch.amax(a, -1), lambda a: a.max(axis=-1)),
    case("max/scalar", [()], lambda a: torch.amax(a), lambda a: gw.max(a)),
    case(
        "max/over_nonempty_axis_of_empty", [(0, 3)], lambda a: torch.amax(a, 1), lambda a: gw.max(a, axis=1)
    ),
    case("min/all", [(3, 4)], lambda a: torch.amin(a), lambda a: a.min()),
    case(
        "min/axis_keepdims",
        [(2, 3, 4)],
        lambda a: torch.amin(a, 2, keepdim=True),
        lambda a: gw.min(a, axis=2, keepdims=True),
    ),
    case("min/tuple_negative", [(2, 3, 4)], lambda a: torch.amin(a, (-1, 0)), lambda a: a.min(axis=(-1, 0))),
    case("logsumexp/all", [(3, 4)], lambda a: torch.logsumexp(a, (0, 1)), lambda a: gw.logsumexp(a)),
    case("logsumexp/axis", [(2, 3, 4)], lambda a: torch.logsumexp(a, -1), lambda a: a.logsumexp(axis=-1)),
    case(
        "logsumexp/tuple_keepdims",
        [(2, 3, 4)],
        lambda a: torch.logsumexp(a, (0, 2), keepdim=True),
        lambda a: gw.logsumexp(a, (0, 2), keepdims=True),
    ),
    case(
        "logsumexp/large",
        [Arg((3, 4), 500.0, 600.0)],
        lambda a: torch.logsumexp(a, 1),
        lambda a: gw.logsumexp(a, 1),
    ),
    case(
        "logsumexp/empty_axis",
        [(0, 3)],
        lambda a: torch.logsumexp(a, 0),
        lambda a: gw.logsumexp(a, 0),
        quiet=True,
    ),
    # ----- elementwise ------------------------------------------------------------------------
    case("exp/matrix", [(3, 4)], lambda a: a.exp(), lambda a: gw.exp(a)),
    case("exp/scalar", [()], lambda a: a.exp()),
    case("exp/int", [ints(3, 4, low=-3, high=4)], lambda a: torch.exp(a), lambda a: gw.exp(a)),
    case("log/matrix", [pos(3, 4)], lambda a: a.log(), lambda a: gw.log(a)),
    case("log/int", [ints(3, 4, low=1, high=9)], lambda a: torch.log(a), lambda a: gw.log(a)),
    case("sqrt/matrix", [pos(3, 4)], lambda a: a.sqrt(), lambda a: gw.sqrt(a)),
    case("sqrt/int", [ints(3, 4, low=0, high=9)], lambda a: torch.sqrt(a), lambda a: gw.sqrt(a)),
    case("abs/matrix", [away(0, shape=(3, 4))], lambda a: a.abs(), lambda a: gw.abs(a)),
    case(
        "clip/both",
        [away(-0.5, 0.5, shape=(3, 4))],
        lambda a: a.clamp(-0.5, 0.5),
        lambda a: gw.clip(a, -0.5, 0.5),
    ),
    case("clip/min_only", [away(0, shape=(3, 4))], lambda a: a.clamp(min=0.0), lambda a: a.clip(min=0.0)),
    case("clip/max_only", [away(1, shape=(3, 4))], lambda a: a.clamp(max=1.0), lambda a: a.clamp(max=1.0)),
    case("tanh/matrix", [(3, 4)], lambda a: a.tanh(), lambda a: gw.tanh(a)),
    case("tanh/int", [ints(3, 4, low=-3, high=4)], lambda a: torch.tanh(a), lambda a: gw.tanh(a)),
    case("sigmoid/matrix", [Arg((3, 4), -6.0, 6.0)], lambda a: a.sigmoid(), lambda a: gw.sigmoid(a)),
    case("sigmoid/int", [ints(3, 4, low=-3, high=4)], lambda a: torch.sigmoid(a), lambda a: gw.sigmoid(a)),
    case("erf/central", [Arg((3, 4), -3.0, 3.0)], lambda a: torch.erf(a), lambda a: gw.erf(a)),
    case(
        "erf/tails",
        [away(0, shape=(3, 4), low=-6.5, high=6.5, margin=2.8)],
        lambda a: torch.erf(a),
        lambda a: gw.erf(a),
    ),
    case("erf/int", [ints(3, 4, low=-3, high=4)], lambda a: torch.erf(a), lambda a: gw.erf(a)),
    case("relu/method", [away(0, shape=(3, 4))], lambda a: a.relu()),
    # ----- nn.functional: activations ------------------------------------------------------------
    case("F.relu/matrix", [away(0, shape=(3, 4))], lambda a: TF.relu(a), lambda a: F.relu(a)),
    case("F.sigmoid/matrix", [Arg((3, 4), -6.0, 6.0)], lambda a: torch.sigmoid(a), lambda a: F.sigmoid(a)),
    case("F.tanh/matrix", [(3, 4)], lambda a: torch.tanh(a), lambda a: F.tanh(a)),
    case(
        "F.step/matrix",
        [away(0, shape=(3, 4))],
        lambda a: torch.heaviside(a, torch.zeros_like(a)),
        lambda a: F.step(a),
        differentiable=False,
    ),
    case(
        "F.leaky_relu/default", [away(0, shape=(3, 4))], lambda a: TF.leaky_relu(a), lambda a: F.leaky_relu(a)
    ),
    case(
        "F.leaky_relu/slope",
        [away(0, shape=(3, 4))],
        lambda a: TF.leaky_relu(a, 0.2),
        lambda a: F.leaky_relu(a, 0.2),
    ),
    case("F.elu/default", [away(0, shape=(3, 4))], lambda a: TF.elu(a), lambda a: F.elu(a)),
    case(
        "F.elu/alpha", [away(0, shape=(3, 4))], lambda a: TF.elu(a, alpha=0.5), lambda a: F.elu(a, alpha=0.5)
    ),
    case("F.selu/matrix", [away(0, shape=(3, 4))], lambda a: TF.selu(a), lambda a: F.selu(a)),
    case("F.silu/matrix", [Arg((3, 4), -5.0, 5.0)], lambda a: TF.silu(a), lambda a: F.silu(a)),
    case("F.swish/matrix", [Arg((3, 4), -5.0, 5.0)], lambda a: TF.silu(a), lambda a: F.swish(a)),
    case("F.gelu/erf", [Arg((3, 4), -4.0, 4.0)], lambda a: TF.gelu(a), lambda a: F.gelu(a)),
    case(
        "F.gelu/tanh",
        [Arg((3, 4), -4.0, 4.0)],
        lambda a: TF.gelu(a, approximate="tanh"),
        lambda a: F.gelu(a, approximate="tanh"),
    ),
    case("F.softplus/matrix", [Arg((3, 4), -8.0, 8.0)], lambda a: TF.softplus(a), lambda a: F.softplus(a)),
    case("F.softmax/last", [(3, 4)], lambda a: TF.softmax(a, -1), lambda a: F.softmax(a)),
    case("F.softmax/axis0", [(3, 4)], lambda a: TF.softmax(a, 0), lambda a: F.softmax(a, axis=0)),
    case("F.softmax/3d", [(2, 3, 4)], lambda a: TF.softmax(a, 1), lambda a: F.softmax(a, axis=1)),
    case("F.log_softmax/last", [(3, 4)], lambda a: TF.log_softmax(a, -1), lambda a: F.log_softmax(a)),
    case("F.log_softmax/axis0", [(3, 4)], lambda a: TF.log_softmax(a, 0), lambda a: F.log_softmax(a, axis=0)),
    # ----- gw.activations: Keras 3's additions with a PyTorch twin --------------------------------
    case("A.celu/matrix", [away(0, shape=(3, 4))], lambda a: TF.celu(a), lambda a: gw.activations.celu(a)),
    case("A.glu/last", [(3, 4)], lambda a: TF.glu(a, -1), lambda a: gw.activations.glu(a)),
    case("A.glu/axis0", [(4, 3)], lambda a: TF.glu(a, 0), lambda a: gw.activations.glu(a, axis=0)),
    case(
        "A.log_sigmoid/matrix", [Arg((3, 4), -8.0, 8.0)], lambda a: TF.logsigmoid(a),
        lambda a: gw.activations.log_sigmoid(a),
    ),
    case("A.hard_tanh/matrix", [away(-1, 1, shape=(3, 4))], lambda a: TF.hardtanh(a), gw.activations.hard_tanh),
    case(
        "A.hard_shrink/matrix", [away(-0.5, 0.5, shape=(3, 4))], lambda a: TF.hardshrink(a),
        lambda a: gw.activations.hard_shrink(a),
    ),
    case(
        "A.soft_shrink/matrix", [away(-0.5, 0.5, shape=(3, 4))], lambda a: TF.softshrink(a),
        lambda a: gw.activations.soft_shrink(a),
    ),
    case("A.tanh_shrink/matrix", [(3, 4)], lambda a: TF.tanhshrink(a), gw.activations.tanh_shrink),
    case(
        "A.threshold/matrix", [away(0.3, shape=(3, 4))], lambda a: TF.threshold(a, 0.3, -2.0),
        lambda a: gw.activations.threshold(a, 0.3, -2.0),
    ),
    # ----- nn.functional: layers -----------------------------------------------------------------
    case(
        "F.linear/bias",
        [(4, 3), (2, 3), (2,)],
        lambda x, w, b: TF.linear(x, w, b),
        lambda x, w, b: F.linear(x, w, b),
    ),
    case("F.linear/no_bias", [(4, 3), (2, 3)], lambda x, w: TF.linear(x, w), lambda x, w: F.linear(x, w)),
    case(
        "F.linear/batched",
        [(2, 3, 3), (2, 3), (2,)],
        lambda x, w, b: TF.linear(x, w, b),
        lambda x, w, b: F.linear(x, w, b),
    ),
    case(
        "F.linear/vector",
        [(3,), (2, 3), (2,)],
        lambda x, w, b: TF.linear(x, w, b),
        lambda x, w, b: F.linear(x, w, b),
    ),
    case(
        "F.dropout/eval",
        [(3, 4)],
        lambda a: TF.dropout(a, 0.3, training=False),
        lambda a: F.dropout(a, 0.3, training=False),
    ),
    case("F.dropout/p0", [(3, 4)], lambda a: TF.dropout(a, 0.0), lambda a: F.dropout(a, 0.0)),
    # ----- nn.functional: losses -----------------------------------------------------------------
    case("F.mse/mean", [(3, 4), (3, 4)], lambda x, t: TF.mse_loss(x, t), lambda x, t: F.mse(x, t)),
    case(
        "F.mse/sum",
        [(3, 4), (3, 4)],
        lambda x, t: TF.mse_loss(x, t, reduction="sum"),
        lambda x, t: F.mse_loss(x, t, reduction="sum"),
    ),
    case(
        "F.mse/none",
        [(3, 4), (3, 4)],
        lambda x, t: TF.mse_loss(x, t, reduction="none"),
        lambda x, t: F.mse(x, t, reduction="none"),
    ),
    case(
        "F.mae/mean",
        [(3, 4), away(0, shape=(3, 4), offset_from=0)],
        lambda x, t: TF.l1_loss(x, t),
        lambda x, t: F.mae(x, t),
    ),
    case(
        "F.mae/sum",
        [(3, 4), away(0, shape=(3, 4), offset_from=0)],
        lambda x, t: TF.l1_loss(x, t, reduction="sum"),
        lambda x, t: F.l1_loss(x, t, reduction="sum"),
    ),
    case(
        "F.mae/none",
        [(3, 4), away(0, shape=(3, 4), offset_from=0)],
        lambda x, t: TF.l1_loss(x, t, reduction="none"),
        lambda x, t: F.mae(x, t, reduction="none"),
    ),
    case(
        "F.huber/mean",
        [(3, 4), away(-1, 0, 1, shape=(3, 4), offset_from=0)],
        lambda x, t: TF.huber_loss(x, t),
        lambda x, t: F.huber(x, t),
    ),
    case(
        "F.huber/delta",
        [(3, 4), away(-0.5, 0, 0.5, shape=(3, 4), offset_from=0)],
        lambda x, t: TF.huber_loss(x, t, delta=0.5),
        lambda x, t: F.huber_loss(x, t, delta=0.5),
    ),
    case(
        "F.huber/none",
        [(3, 4), away(-1, 0, 1, shape=(3, 4), offset_from=0)],
        lambda x, t: TF.huber_loss(x, t, reduction="none"),
        lambda x, t: F.huber(x, t, reduction="none"),
    ),
    case(
        "F.binary_cross_entropy/mean",
        [Arg((3, 4), 0.05, 0.95), Arg((3, 4), 0.0, 1.0)],
        lambda p, t: TF.binary_cross_entropy(p, t),
        lambda p, t: F.binary_cross_entropy(p, t),
    ),
    case(
        "F.binary_cross_entropy/weight_sum",
        [Arg((3, 4), 0.05, 0.95), Arg((3, 4), 0.0, 1.0), const(4)],
        lambda p, t, w: TF.binary_cross_entropy(p, t, weight=w, reduction="sum"),
        lambda p, t, w: F.binary_cross_entropy(p, t, weight=w, reduction="sum"),
    ),
    case(
        "F.binary_cross_entropy/none",
        [Arg((3, 4), 0.05, 0.95), Arg((3, 4), 0.0, 1.0)],
        lambda p, t: TF.binary_cross_entropy(p, t, reduction="none"),
        lambda p, t: F.binary_cross_entropy(p, t, reduction="none"),
    ),
    case(
        "F.bce_with_logits/mean",
        [Arg((3, 4), -4.0, 4.0), Arg((3, 4), 0.0, 1.0)],
        lambda x, t: TF.binary_cross_entropy_with_logits(x, t),
        lambda x, t: F.binary_cross_entropy_with_logits(x, t),
    ),
    case(
        "F.bce_with_logits/pos_weight",
        [Arg((3, 4), -4.0, 4.0), Arg((3, 4), 0.0, 1.0), const(4)],
        lambda x, t, pw: TF.binary_cross_entropy_with_logits(x, t, pos_weight=pw),
        lambda x, t, pw: F.binary_cross_entropy_with_logits(x, t, pos_weight=pw),
    ),
    case(
        "F.bce_with_logits/weight_none",
        [Arg((3, 4), -4.0, 4.0), Arg((3, 4), 0.0, 1.0), const(3, 1)],
        lambda x, t, w: TF.binary_cross_entropy_with_logits(x, t, weight=w, reduction="none"),
        lambda x, t, w: F.binary_cross_entropy_with_logits(x, t, weight=w, reduction="none"),
    ),
    case("F.nll_loss/mean", [(5, 3), ints(5)], lambda x, t: TF.nll_loss(x, t), lambda x, t: F.nll_loss(x, t)),
    case(
        "F.nll_loss/weight",
        [(5, 3), ints(5), const(3)],
        lambda x, t, w: TF.nll_loss(x, t, weight=w),
        lambda x, t, w: F.nll_loss(x, t, weight=w),
    ),
    case(
        "F.nll_loss/sum",
        [(5, 3), ints(5)],
        lambda x, t: TF.nll_loss(x, t, reduction="sum"),
        lambda x, t: F.nll_loss(x, t, reduction="sum"),
    ),
    case(
        "F.nll_loss/none",
        [(5, 3), ints(5)],
        lambda x, t: TF.nll_loss(x, t, reduction="none"),
        lambda x, t: F.nll_loss(x, t, reduction="none"),
    ),
    case(
        "F.cross_entropy/mean",
        [(5, 3), ints(5)],
        lambda x, t: TF.cross_entropy(x, t),
        lambda x, t: F.cross_entropy(x, t),
    ),
    case(
        "F.cross_entropy/weight",
        [(5, 3), ints(5), const(3)],
        lambda x, t, w: TF.cross_entropy(x, t, weight=w),
        lambda x, t, w: F.cross_entropy(x, t, weight=w),
    ),
    case(
        "F.cross_entropy/sum",
        [(5, 3), ints(5)],
        lambda x, t: TF.cross_entropy(x, t, reduction="sum"),
        lambda x, t: F.cross_entropy(x, t, reduction="sum"),
    ),
    case(
        "F.cross_entropy/none",
        [(5, 3), ints(5)],
        lambda x, t: TF.cross_entropy(x, t, reduction="none"),
        lambda x, t: F.cross_entropy(x, t, reduction="none"),
    ),
    case(
        "F.cross_entropy/probabilities",
        [(4, 3), Arg((4, 3), 0.0, 1.0)],
        lambda x, t: TF.cross_entropy(x, t),
        lambda x, t: F.cross_entropy(x, t),
    ),
    case(
        "F.cross_entropy/probabilities_weight",
        [(4, 3), Arg((4, 3), 0.0, 1.0), const(3)],
        lambda x, t, w: TF.cross_entropy(x, t, weight=w),
        lambda x, t, w: F.cross_entropy(x, t, weight=w),
    ),
    case(
        "F.cross_entropy/label_smoothing",
        [(5, 3), ints(5)],
        lambda x, t: TF.cross_entropy(x, t, label_smoothing=0.2),
        lambda x, t: F.cross_entropy(x, t, label_smoothing=0.2),
    ),
    case(
        "F.cross_entropy/label_smoothing_weight",
        [(5, 3), ints(5), const(3)],
        lambda x, t, w: TF.cross_entropy(x, t, weight=w, label_smoothing=0.2),
        lambda x, t, w: F.cross_entropy(x, t, weight=w, label_smoothing=0.2),
    ),
    case(
        "F.cross_entropy/probabilities_smoothing",
        [(4, 3), Arg((4, 3), 0.0, 1.0)],
        lambda x, t: TF.cross_entropy(x, t, label_smoothing=0.1),
        lambda x, t: F.cross_entropy(x, t, label_smoothing=0.1),
    ),
    case(
        "F.cross_entropy/sequence",
        [(2, 3, 4), ints(2, 3, high=4)],
        lambda x, t: TF.cross_entropy(x.permute(0, 2, 1), t),
        lambda x, t: F.cross_entropy(x, t),
    ),
    case(
        "F.cross_entropy/unbatched",
        [(4,), ints(high=4)],
        lambda x, t: TF.cross_entropy(x, t),
        lambda x, t: F.cross_entropy(x, t),
    ),
    case(
        "F.nll_loss/ignore_index",
        [(5, 3), ints(5)],
        lambda x, t: TF.nll_loss(x, t, ignore_index=1),
        lambda x, t: F.nll_loss(x, t, ignore_index=1),
    ),
    case(
        "F.cross_entropy/ignore_index_weight_smoothing",
        [(6, 3), ints(6), const(3)],
        lambda x, t, w: TF.cross_entropy(x, t, weight=w, ignore_index=0, label_smoothing=0.2),
        lambda x, t, w: F.cross_entropy(x, t, weight=w, ignore_index=0, label_smoothing=0.2),
    ),
    case(
        "F.mse/weight",
        [(3, 4), (3, 4), const(3, 4)],
        lambda x, t, w: TF.mse_loss(x, t, weight=w),
        lambda x, t, w: F.mse(x, t, weight=w),
    ),
    case(
        "F.smooth_l1_loss/beta",
        [(3, 4), away(-0.5, 0, 0.5, shape=(3, 4), offset_from=0)],
        lambda x, t: TF.smooth_l1_loss(x, t, beta=0.5),
        lambda x, t: F.smooth_l1_loss(x, t, beta=0.5),
    ),
    case(
        "F.kl_div/batchmean",
        [(3, 4), pos(3, 4)],
        lambda x, t: TF.kl_div(x, t, reduction="batchmean"),
        lambda x, t: F.kl_div(x, t, reduction="batchmean"),
    ),
    case(
        "F.kl_div/log_target",
        [(3, 4), (3, 4)],
        lambda x, t: TF.kl_div(x, t, reduction="sum", log_target=True),
        lambda x, t: F.kl_div(x, t, reduction="sum", log_target=True),
    ),
    case(
        "F.soft_margin_loss",
        [(3, 4), const(3, 4)],
        lambda x, y: TF.soft_margin_loss(x, y),
        lambda x, y: F.soft_margin_loss(x, y),
    ),
]

assert len({c.name for c in CASES}) == len(CASES), "case names must be unique"


# ----- running a case ---------------------------------------------------------------------------


def _rng(case, purpose):
    return np.random.default_rng(zlib.crc32(f"{case.name}:{purpose}".encode()))


def _draw(arg, rng, earlier):
    if arg.dtype == "int":
        return rng.integers(arg.low, arg.high, arg.shape)
    x = rng.uniform(arg.low, arg.high, arg.shape)
    if arg.integer_valued:
        x = np.round(x)
    for point in arg.avoid:
        near = np.abs(x - point) < arg.margin
        while near.any():  # redraw only the few values that landed too close to a kink
            x[near] = rng.uniform(arg.low, arg.high, int(near.sum()))
            near = np.abs(x - point) < arg.margin
    if arg.offset_from is not None:
        x = earlier[arg.offset_from] + x
    return x


def make_inputs(case, dtype=np.float64):
    """The case's input arrays: floats drawn in float64, then cast to `dtype`; integers stay int64."""
    rng = _rng(case, "inputs")
    arrays = []
    for arg in case.args:
        arrays.append(_draw(arg, rng, arrays))
    return [a.astype(dtype) if a.dtype.kind == "f" else a for a in arrays]


def gw_inputs(case, arrays):
    """Gradwork tensors of `arrays`, those Args ask for requiring grad."""
    return [gw.tensor(a, requires_grad=arg.needs_grad) for arg, a in zip(case.args, arrays)]


def as_list(result):
    return list(result) if isinstance(result, (list, tuple)) else [result]


def cotangents(case, outputs):
    """One fixed random weight per output, the same for both libraries: d(sum v·f)/dx is what is compared."""
    rng = _rng(case, "cotangent")
    return [rng.standard_normal(np.shape(o)).astype(o.dtype) for o in outputs]


@dataclass
class Result:
    outputs: list  # ndarrays
    grads: list  # one ndarray per input that needs a gradient
    graph: list  # requires_grad of each output


def run_gradwork(case, arrays):
    xs = gw_inputs(case, arrays)
    outs = as_list(case.gw_fn(*xs))
    values = [o.data for o in outs]
    grads = []
    if case.has_grad:
        diff = [x for x, arg in zip(xs, case.args) if arg.needs_grad]
        vs = [gw.tensor(v) for v in cotangents(case, values)]
        got = gw.grad(outs, diff, vs, allow_unused=True)
        grads = [np.zeros(x.shape, x.dtype) if g is None else g.data for x, g in zip(diff, got)]
    return Result(values, grads, [o.requires_grad for o in outs])


def run_torch(case, arrays):
    xs = [torch.tensor(a, requires_grad=arg.needs_grad) for arg, a in zip(case.args, arrays)]
    outs = as_list(case.torch_fn(*xs))
    values = [o.detach().numpy() for o in outs]
    grads = []
    if case.has_grad:
        diff = [x for x, arg in zip(xs, case.args) if arg.needs_grad]
        vs = [torch.tensor(v) for v in cotangents(case, values)]
        got = torch.autograd.grad(outs, diff, vs, allow_unused=True)
        grads = [torch.zeros_like(x) if g is None else g for x, g in zip(diff, got)]
        grads = [g.numpy() for g in grads]
    return Result(values, grads, [o.requires_grad for o in outs])


def relative_error(got, want):
    """max |got - want| / max |want| (the absolute difference where want is all zeros or empty)."""
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    if got.size == 0:
        return 0.0
    finite = np.isfinite(want)
    if not np.array_equal(np.isfinite(got), finite) or not np.array_equal(got[~finite], want[~finite]):
        return float("inf")  # NaN or infinity where the other has a number (or the other infinity)
    diff = np.abs(got[finite] - want[finite]).max(initial=0.0)
    scale = np.abs(want[finite]).max(initial=0.0)
    return float(diff / scale) if scale > 0 else float(diff)
