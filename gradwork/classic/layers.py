"""The computational-graph nodes of the course, each a `forward`/`backward` pair on NumPy arrays.

Every node keeps what its backward needs from its forward (inputs, a mask, its output), and
`backward(dout)` takes the gradient of the final result with respect to the node's output and
returns the gradients with respect to its inputs (the chain rule, one node at a time). Nodes never
write into `dout` or into arrays they saved. These are the hand-written counterparts of gradwork's
autograd `Function`s, for reading and for checking against them.

The lesson is the backward pass, so every backward is written out here. A forward value that the
library already computes (relu, sigmoid, log-softmax) comes from the library's kernel through
`gradwork.nn.functional`, so each formula has one home and the node agrees with the library by
construction; each node's docstring names the library's version to use in real models.

>>> apple, tax = MulLayer(), MulLayer()
>>> price = tax.forward(apple.forward(100.0, 2.0), 1.1)     # 2 apples at 100, 10% tax
>>> d_apple_price, d_tax = tax.backward(1.0)
>>> d_apple, d_num = apple.backward(d_apple_price)
>>> round(price, 6), round(d_apple, 6), round(d_num, 6), round(d_tax, 6)
(220.0, 2.2, 110.0, 200.0)
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..nn import functional as F

# A node's value: a plain number (the course's scalar examples) or an array.
Value = float | np.ndarray


def _sum_to(grad, shape):
    """Sum a gradient over the axes that broadcasting added or stretched, back to `shape`."""
    grad = np.asarray(grad)
    if grad.shape == tuple(shape):
        return grad
    extra = grad.ndim - len(shape)
    grad = grad.sum(axis=tuple(range(extra))) if extra > 0 else grad
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=stretched, keepdims=True) if stretched else grad


def _unwrap(value, like):
    """A plain float where the forward input was a plain number, else the array."""
    return float(value) if np.ndim(like) == 0 and not isinstance(like, np.ndarray) else value


class MulLayer:
    """The multiplication node, out = x * y (elementwise, with broadcasting).

    d out/dx = y, d out/dy = x: each input's gradient is the upstream gradient times the *other*
    input, so the forward keeps both inputs. In the library: `x * y` on tensors.
    """

    def forward(self, x: Value, y: Value) -> Value:
        """x * y, keeping x and y for the backward.

        Parameters
        ----------
        x, y : float or ndarray, broadcastable shapes

        Returns
        -------
        float or ndarray, the broadcast shape
        """
        self.x, self.y = x, y
        return x * y

    def backward(self, dout: ArrayLike) -> tuple[Value, Value]:
        """(dx, dy) = (dout * y, dout * x), each summed back to its input's shape.

        Parameters
        ----------
        dout : float or array_like, shape of the forward's output

        Returns
        -------
        dx, dy : float or ndarray, the shapes of x and y (a float where that input was a number)
        """
        dx = _sum_to(dout * np.asarray(self.y), np.shape(self.x))
        dy = _sum_to(dout * np.asarray(self.x), np.shape(self.y))
        return _unwrap(dx, self.x), _unwrap(dy, self.y)


class AddLayer:
    """The addition node, out = x + y (with broadcasting).

    An add node passes the upstream gradient to both inputs unchanged (summed over the axes that
    broadcasting stretched). In the library: `x + y` on tensors.
    """

    def forward(self, x: Value, y: Value) -> Value:
        """x + y, keeping the inputs' and the output's shapes for the backward.

        Parameters
        ----------
        x, y : float or ndarray
            Numbers, or arrays whose shapes broadcast together.

        Returns
        -------
        float or ndarray, of their broadcast shape
        """
        self.x, self.y = x, y
        out = x + y
        self.out_shape = np.shape(out)
        return out

    def backward(self, dout: ArrayLike) -> tuple[Value, Value]:
        """(dx, dy) = (dout, dout), each summed back to its input's shape.

        Parameters
        ----------
        dout : float or array_like, shape of the forward's output (or broadcastable to it)

        Returns
        -------
        dx, dy : float or ndarray
            dout summed to the shapes of x and y (a float where that input was a number).
        """
        dout = np.broadcast_to(dout, self.out_shape)
        dx, dy = _sum_to(dout, np.shape(self.x)), _sum_to(dout, np.shape(self.y))
        return _unwrap(np.array(dx), self.x), _unwrap(np.array(dy), self.y)


class ReluLayer:
    """The ReLU node, out = max(x, 0).

    The gradient passes where x > 0 and is blocked (0) elsewhere, so the forward keeps that mask
    for the backward. The values are the library's relu kernel (`gw.nn.functional.relu`; in
    models `gw.activations.relu`, `gw.nn.ReLU`).

    Examples
    --------
    >>> node = ReluLayer()
    >>> node.forward(np.array([-1.0, 2.0])).tolist(), node.backward(np.array([5.0, 5.0])).tolist()
    ([0.0, 2.0], [0.0, 5.0])
    """

    def forward(self, x: ArrayLike) -> np.ndarray:
        """max(x, 0), keeping the mask x <= 0 for the backward.

        Parameters
        ----------
        x : array_like, any shape

        Returns
        -------
        ndarray, same shape as x
        """
        x = np.asarray(x)
        self.mask = x <= 0                                  # where backward blocks the gradient
        return F.relu(x).data

    def backward(self, dout: ArrayLike) -> np.ndarray:
        """dout where x > 0, else 0, as a new array (dout is left alone).

        Parameters
        ----------
        dout : array_like, same shape as x

        Returns
        -------
        ndarray, same shape and dtype as dout
        """
        dout = np.asarray(dout)
        return np.where(self.mask, 0, dout).astype(dout.dtype, copy=False)   # a new array: dout is left alone


class SigmoidLayer:
    """The sigmoid node, out = 1 / (1 + e^-x).

    Its derivative is written with its output: d out/dx = out (1 - out), so the forward keeps
    `out`. The values are the library's sigmoid kernel (`gw.sigmoid`, stable for any x; in models
    `gw.activations.sigmoid`).

    Examples
    --------
    >>> node = SigmoidLayer()
    >>> float(node.forward(0.0)), float(node.backward(1.0))
    (0.5, 0.25)
    """

    def forward(self, x: ArrayLike) -> np.ndarray:
        """sigmoid(x), kept as `out` for the backward.

        Parameters
        ----------
        x : array_like, any shape (integers are computed in float64)

        Returns
        -------
        ndarray of floats, same shape as x
        """
        x = np.asarray(x)
        x = x if x.dtype.kind == "f" else x.astype(np.float64)
        self.out = F.sigmoid(x).data
        return self.out

    def backward(self, dout: ArrayLike) -> np.ndarray:
        """dout * out * (1 - out).

        Parameters
        ----------
        dout : array_like
            The gradient of the output, of x's shape.

        Returns
        -------
        ndarray, same shape as x (dout's dtype promoted with out's)
        """
        return dout * self.out * (1.0 - self.out)


class AffineLayer:
    """The fully connected node, out = x @ W + b (in models: `gw.nn.Dense`, `gw.nn.functional.linear`).

    Its backward: dx = dout @ W.T, dW = x.T @ dout, db = dout summed over the batch; dx is
    returned, dW and db are stored for an optimizer to read (`grads`).

    Parameters
    ----------
    W : array_like, shape (in, out)
    b : array_like, shape (out,)

    Attributes
    ----------
    dW : ndarray, shape (in, out), or None before the first backward
    db : ndarray, shape (out,), or None before the first backward

    Raises
    ------
    ValueError
        If W is not 2-D or b does not have shape (out,).

    Examples
    --------
    >>> node = AffineLayer(np.ones((3, 2)), np.zeros(2))
    >>> node.forward(np.ones((4, 3))).shape, node.backward(np.ones((4, 2))).shape, node.dW.tolist()
    ((4, 2), (4, 3), [[4.0, 4.0], [4.0, 4.0], [4.0, 4.0]])
    """

    def __init__(self, W: ArrayLike, b: ArrayLike) -> None:
        self.W, self.b = np.asarray(W), np.asarray(b)
        if self.W.ndim != 2 or self.b.shape != (self.W.shape[1],):
            raise ValueError(f"AffineLayer: expected W (in, out) and b (out,), "
                             f"got {self.W.shape} and {self.b.shape}")
        self.dW = self.db = None

    @property
    def params(self) -> dict[str, np.ndarray]:
        """{"W": W (in, out), "b": b (out,)}, the arrays themselves (an update in place changes the node)."""
        return {"W": self.W, "b": self.b}

    @property
    def grads(self) -> dict[str, np.ndarray | None]:
        """{"W": dW (in, out), "b": db (out,)} from the last backward (None before it)."""
        return {"W": self.dW, "b": self.db}

    def forward(self, x: ArrayLike) -> np.ndarray:
        """x @ W + b, keeping x (flattened) for the backward.

        Parameters
        ----------
        x : array_like, shape (batch, in), or (batch, ...) flattened to (batch, in) as the course does

        Returns
        -------
        ndarray, shape (batch, out)

        Raises
        ------
        ValueError
            If x does not have `in` features.
        """
        x = np.asarray(x)
        self.x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1) if x.ndim != 2 else x
        if self.x.shape[1] != self.W.shape[0]:
            raise ValueError(f"AffineLayer: inputs with {self.W.shape[0]} features expected, "
                             f"got shape {x.shape}")
        return self.x @ self.W + self.b

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dx = dout @ W.T, and stores dW = x.T @ dout and db = dout summed over the batch.

        Parameters
        ----------
        dout : ndarray, shape (batch, out)

        Returns
        -------
        ndarray, the shape of the forward's x
        """
        self.dW = self.x.T @ dout
        self.db = np.sum(dout, axis=0)
        return (dout @ self.W.T).reshape(self.x_shape)


class SoftmaxWithLoss:
    """Softmax followed by cross-entropy, as one node: loss = mean over the batch of -sum t log y.

    Fused, the backward is simply (y - t) / batch, t as probabilities: the softmax's and the
    log's derivatives cancel to that. log y is the library's log-softmax kernel (log-sum-exp: no
    overflow). In models: `gw.losses.CategoricalCrossentropy(from_logits=True)` or
    `gw.nn.functional.cross_entropy`.

    Attributes
    ----------
    y : ndarray, shape (batch, classes)
        softmax(x) of the last forward.
    t : ndarray, shape (batch, classes)
        Its targets as probabilities.
    loss : float
        Its loss.

    Examples
    --------
    >>> node = SoftmaxWithLoss()
    >>> round(node.forward(np.zeros((1, 2)), [1]), 6), node.backward().tolist()
    (0.693147, [[0.5, -0.5]])
    """

    def forward(self, x: ArrayLike, t: ArrayLike) -> float:
        """The mean cross-entropy of softmax(x) against t, keeping y and t for the backward.

        Parameters
        ----------
        x : array_like, shape (batch, classes), or one sample (classes,)
            Logits (integers are computed in float64).
        t : array_like, shape (batch,) of int labels, or (batch, classes) of float probabilities
            Targets (e.g. one-hot).

        Returns
        -------
        float

        Raises
        ------
        ValueError
            If t is neither labels in [0, classes), one per sample, nor probabilities of x's shape.
        """
        x = np.asarray(x)
        x = x.astype(np.float64) if x.dtype.kind != "f" else x
        if x.ndim == 1:
            x = x[None]
        t = np.asarray(t)
        if t.dtype.kind == "f" and t.size == x.size:          # probabilities (one-hot or soft)
            target = t.reshape(x.shape).astype(x.dtype)
        else:
            labels = t.reshape(-1)
            if labels.dtype.kind not in "iu" or labels.shape != (x.shape[0],) \
                    or labels.min() < 0 or labels.max() >= x.shape[1]:
                raise ValueError(f"SoftmaxWithLoss: expected {x.shape[0]} integer labels in "
                                 f"[0, {x.shape[1]}) or probabilities of shape {x.shape}, got {t!r}")
            target = np.eye(x.shape[1], dtype=x.dtype)[labels]
        log_y = F.log_softmax(x, axis=-1).data
        self.y, self.t = np.exp(log_y), target
        self.loss = float(-(target * log_y).sum(axis=-1).mean())
        return self.loss

    def backward(self, dout: float = 1.0) -> np.ndarray:
        """(y - t) * dout / batch, the gradient with respect to the logits.

        Parameters
        ----------
        dout : float
            The upstream gradient of the loss (1 when the loss is the final result).

        Returns
        -------
        ndarray, shape (batch, classes)
        """
        return (self.y - self.t) * (dout / self.y.shape[0])
