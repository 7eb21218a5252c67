"""Numerical gradient checking: compare backward with central differences.

`gradcheck` checks a vector-Jacobian product: the outputs are weighted by a fixed random
tensor v, and d(v·f)/dx from autograd is compared with (v·f(x+h) - v·f(x-h)) / 2h for every
input element. Weighting matters: with v = ones, softmax (whose rows always sum to 1) would
pass with any gradient at all. Use float64 inputs; float32 differences are too coarse.
"""

import warnings
from collections.abc import Callable, Sequence

import numpy as np

from .engine import grad
from ..tensor import Tensor


class GradcheckError(AssertionError):
    """The analytical and numerical gradients disagree."""


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _random_cotangents(outputs, seed):
    rng = np.random.default_rng(seed)
    return [Tensor._make(rng.standard_normal(o.shape).astype(o.dtype)) for o in outputs]


def numerical_gradient(f: Callable, x: np.ndarray | Tensor, h: float = 1e-4) -> np.ndarray:
    """Central-difference gradient (f(x + h) - f(x - h)) / 2h of a scalar function, as the course teaches.

    Parameters
    ----------
    f : callable
        Takes `x` and returns a number. It may ignore its argument and read x through a closure
        (e.g. a network's weights): each element of x is changed in place, then restored.
    x : ndarray or Tensor of floats, any shape
    h : float
        The step.

    Returns
    -------
    ndarray, same shape and dtype as x

    Raises
    ------
    TypeError
        x is not a floating-point array.
    """
    arr = x.data if isinstance(x, Tensor) else x
    if not isinstance(arr, np.ndarray) or arr.dtype.kind != "f":
        raise TypeError("numerical_gradient needs a floating-point ndarray (it perturbs x in place)")
    out = np.zeros_like(arr, dtype=np.float64)
    for idx in np.ndindex(arr.shape):
        orig = arr[idx]
        try:
            arr[idx] = orig + h
            fp = float(f(x))
            arr[idx] = orig - h
            fm = float(f(x))
        finally:
            arr[idx] = orig
        out[idx] = (fp - fm) / (2 * h)
    return out.astype(arr.dtype)


def _numerical_vjp(fn, inputs, x, cotangents, eps):
    """d(sum_i v_i · f_i)/dx by central differences, perturbing x.data in place."""

    def projected():
        outs = _as_tuple(fn(*inputs))  # with grad on: fn may itself differentiate (gradgradcheck)
        return sum(float(np.sum(o.data.astype(np.float64) * v.data)) for o, v in zip(outs, cotangents))

    arr = x.data
    out = np.zeros(arr.shape, dtype=np.float64)
    for idx in np.ndindex(arr.shape):
        orig = arr[idx]
        try:
            arr[idx] = orig + eps
            fp = projected()
            arr[idx] = orig - eps
            fm = projected()
        finally:
            arr[idx] = orig
        out[idx] = (fp - fm) / (2 * eps)
    return out


def gradcheck(fn: Callable, inputs: Tensor | Sequence, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, seed: int = 0) -> bool:
    """Check autograd's gradients of `fn(*inputs)` against central differences (as `torch.autograd.gradcheck`).

    Passes when |analytic - numeric| <= atol + rtol * |numeric| for every element.

    Parameters
    ----------
    fn : callable
        Returns a Tensor or a tuple of Tensors.
    inputs : Tensor or sequence
        The arguments of fn (Tensors of any shape, and constants); those with requires_grad are
        checked, best in float64.
    eps : float
        The central-difference step.
    atol, rtol : float
    raise_exception : bool
        Raise on a mismatch instead of returning False.
    seed : int
        Seed of the random output weights v.

    Returns
    -------
    bool
        True when the gradients agree (False on a mismatch if `raise_exception` is False).

    Raises
    ------
    GradcheckError
        A mismatch, with the input, the first differing index and both values.
    ValueError
        No input requires grad.
    """
    inputs = _as_tuple(inputs)
    checked = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input has requires_grad=True")
    for i, x in enumerate(checked):
        if x.dtype != np.float64:
            warnings.warn(  # noqa: B028 (the caller of gradcheck is the place to point at)
                f"gradcheck: input {i} is {x.dtype}, not float64; the check may fail from rounding alone"
            )
    outputs = [o for o in _as_tuple(fn(*inputs)) if isinstance(o, Tensor)]
    cotangents = _random_cotangents(outputs, seed)
    live = [(o, v) for o, v in zip(outputs, cotangents) if o.requires_grad]
    if live:
        analytic = grad([o for o, _ in live], checked, [v for _, v in live], allow_unused=True)
    else:
        analytic = [None] * len(checked)
    for i, (x, a) in enumerate(zip(checked, analytic)):
        a = np.zeros(x.shape) if a is None else a.data.astype(np.float64)
        n = _numerical_vjp(fn, inputs, x, cotangents, eps)
        bad = np.abs(a - n) > atol + rtol * np.abs(n)
        if bad.any():
            where = np.argwhere(bad)[0]
            message = (
                f"gradcheck failed for input {i} (shape {x.shape}): {int(bad.sum())} of {bad.size} elements differ; "
                f"first at index {tuple(where.tolist())}: analytic {a[tuple(where)]:.8g}, numerical "
                f"{n[tuple(where)]:.8g}; largest difference {np.abs(a - n).max():.3g}"
            )
            if raise_exception:
                raise GradcheckError(message)
            return False
    return True


def gradgradcheck(
    fn: Callable, inputs: Tensor | Sequence, grad_outputs: Tensor | Sequence[Tensor] | None = None,
    eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3, raise_exception: bool = True, seed: int = 1,
) -> bool:
    """Check second derivatives: gradcheck of the map (inputs, v) -> d(v·fn(inputs))/d inputs.

    The first-order gradient is taken with `create_graph=True`, so this verifies that every
    backward rule is itself differentiated correctly (Hessian-vector products). It says nothing
    about whether the first-order gradient is right: run `gradcheck` for that.

    Parameters
    ----------
    fn, inputs, eps, atol, rtol, raise_exception, seed
        As in `gradcheck`.
    grad_outputs : Tensor or sequence of Tensor, optional
        The output weights v, one per output of its shape, with requires_grad; random if None.

    Returns
    -------
    bool
        As in `gradcheck`.
    """
    inputs = _as_tuple(inputs)
    if not any(isinstance(x, Tensor) and x.requires_grad for x in inputs):
        raise ValueError("gradgradcheck: no input has requires_grad=True")
    outputs = [o for o in _as_tuple(fn(*inputs)) if isinstance(o, Tensor)]
    if grad_outputs is None:
        grad_outputs = [v.requires_grad_() for v in _random_cotangents(outputs, seed)]
    grad_outputs = list(_as_tuple(grad_outputs))
    n = len(inputs)

    def first_derivative(*args):
        xs, vs = args[:n], args[n:]
        diff = [x for x in xs if isinstance(x, Tensor) and x.requires_grad]
        outs = [o for o in _as_tuple(fn(*xs)) if isinstance(o, Tensor)]
        live = [(o, v) for o, v in zip(outs, vs) if o.requires_grad]
        gs = grad([o for o, _ in live], diff, [v for _, v in live], create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(
        first_derivative, inputs + tuple(grad_outputs), eps, atol, rtol, raise_exception, seed + 1
    )
