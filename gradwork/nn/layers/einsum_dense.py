"""EinsumDense: a dense layer whose product with the kernel is any einsum of the input and the kernel."""
import re
from collections.abc import Callable
from typing import Any

from ... import activations
from ...ops.einsum import einsum
from ...registry import serialize_object
from ..layer import Layer
from . import _checks

_LABELS = "([a-zA-Z]+)"
# Keras's three forms: no ellipsis, an ellipsis leading the input and the output, or one trailing them
_FORMS = {
    "none": re.compile(f"{_LABELS},{_LABELS}->{_LABELS}"),
    "left": re.compile(rf"\.\.\.{_LABELS},{_LABELS}->\.\.\.{_LABELS}"),
    "right": re.compile(rf"([a-zA-Z]{{2,}})\.\.\.,{_LABELS}->{_LABELS}\.\.\."),
}


def split_equation(equation: str) -> tuple[str, str, str, str]:
    """(input labels, kernel labels, output labels, where the ellipsis is: "none", "left" or "right").

    Raises
    ------
    ValueError
        An equation not of the forms "ab,bc->ac", "...ab,bc->...ac" or "ab...,bc->ac...".
    """
    for side, form in _FORMS.items():
        found = form.fullmatch(equation.replace(" ", "")) if isinstance(equation, str) else None
        if found:
            return (*found.groups(), side)
    raise ValueError(f"EinsumDense: invalid equation {equation!r}; it must have the form 'ab,bc->ac', "
                     "'...ab,bc->...ac' or 'ab...,bc->ac...' (input, kernel -> output, letters only)")


def einsum_shapes(equation: str, bias_axes: str | None, input_shape: tuple, output_shape: tuple):
    """Keras's shape analysis: (kernel shape, bias shape or None, full output shape with the batch axis).

    `output_shape` leaves out the batch axis and the ellipsis' axes; None entries are taken from the
    input where the output shares the label. The bias has the output's sizes on `bias_axes` and 1 on
    the other output axes after the first bias axis (and on a trailing ellipsis), so it broadcasts.
    """
    in_labels, kernel_labels, out_labels, side = split_equation(equation)
    elided = len(input_shape) - len(in_labels)
    if elided < 0 or (side == "none" and elided):
        raise ValueError(f"EinsumDense: equation {equation!r} expects inputs with {len(in_labels)} axes, got "
                         f"shape {tuple(input_shape)}")
    full = list(input_shape[:elided] if side == "left" else input_shape[:1]) + list(output_shape)
    if side == "right":
        full += list(input_shape[len(input_shape) - elided:])
    offset = elided if side == "left" else 0
    if len(full) - offset != len(out_labels) + (elided if side == "right" else 0):
        raise ValueError(f"EinsumDense: output_shape {tuple(output_shape)} does not fit the output labels "
                         f"{out_labels!r} of {equation!r} (give the sizes after the batch axis, without '...')")
    in_size = {c: input_shape[i + offset] for i, c in enumerate(in_labels)}
    for i, c in enumerate(out_labels):
        size = full[i + offset]
        if c in in_size and size is not None and size != in_size[c]:
            raise ValueError(f"EinsumDense: input and output sizes differ on the shared axis {c!r}: the input "
                             f"has {in_size[c]}, output_shape {size}")
        if c not in in_size and c not in kernel_labels:
            raise ValueError(f"EinsumDense: output axis {c!r} of {equation!r} is in neither the input nor "
                             "the kernel")
        if size is None and i + offset > 0:
            full[i + offset] = in_size.get(c)
    out_size = {c: full[i + offset] for i, c in enumerate(out_labels)}
    kernel_shape = []
    for c in kernel_labels:
        size = in_size[c] if c in in_size else out_size.get(c)
        if size is None:
            raise ValueError(f"EinsumDense: kernel axis {c!r} of {equation!r} needs a size: it must be an "
                             "input axis or an output axis with a size in output_shape")
        kernel_shape.append(size)
    if bias_axes is None:
        return tuple(kernel_shape), None, tuple(full)
    missing = [c for c in bias_axes if c not in out_labels]
    if missing or not bias_axes:
        raise ValueError(f"EinsumDense: bias_axes {bias_axes!r} must be labels of the output {out_labels!r}")
    first = min(out_labels.index(c) for c in bias_axes)
    bias_shape = [out_size[c] if c in bias_axes else 1 for c in out_labels[first:]]
    bias_shape += [1] * (elided if side == "right" else 0)
    return tuple(kernel_shape), tuple(bias_shape), tuple(full)


class EinsumDense(Layer):
    """A dense layer computed by an einsum: activation(einsum(equation, inputs, kernel) + bias).

    "ab,bc->ac" with output_shape=64 is Dense(64); "abc,cd->abd" applies it to every step of a
    sequence; "...x,xy->...y" to inputs with any number of leading axes. The kernel's shape follows
    from the equation, the input's sizes and `output_shape`.

    Parameters
    ----------
    equation : str
        "input,kernel->output" with letters, optionally with "..." leading (or trailing) the input and
        the output.
    output_shape : int or tuple of (int or None)
        The output's sizes without the batch axis and the ellipsis' axes; None takes the input's size.
    activation : str or callable, optional
        None (the default) is linear.
    bias_axes : str, optional
        The output labels that get a bias; None for no bias.
    kernel_initializer, bias_initializer : str or callable, default "glorot_uniform", "zeros"
    kernel_regularizer, bias_regularizer : str or callable, optional
    kernel_constraint, bias_constraint : str or callable, optional
        `gw.constraints` identifiers, applied after every optimizer update.
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, ...), the axes the equation's input labels name.

    Output shape
    ------------
    (batch, ...), the output labels' sizes.

    Examples
    --------
    >>> layer = gw.nn.EinsumDense("abc,cd->abd", output_shape=(None, 64), bias_axes="d")
    >>> layer(np.zeros((2, 32, 128))).shape
    (2, 32, 64)
    >>> layer.kernel.shape, layer.bias.shape
    ((128, 64), (64,))
    """

    constraint_arguments = ("kernel_constraint", "bias_constraint")

    def __init__(self, equation: str, output_shape: int | tuple, activation: str | Callable | None = None,
                 bias_axes: str | None = None, kernel_initializer: str | Callable = "glorot_uniform",
                 bias_initializer: str | Callable = "zeros", kernel_regularizer: str | Callable | None = None,
                 bias_regularizer: str | Callable | None = None, **kwargs: Any) -> None:
        split_equation(equation)
        shape = (output_shape,) if isinstance(output_shape, int) else tuple(output_shape)
        if not all(n is None or (isinstance(n, int) and not isinstance(n, bool) and n > 0) for n in shape):
            raise ValueError(f"EinsumDense: output_shape must be an int or a tuple of positive ints and None, "
                             f"got {output_shape!r}")
        if bias_axes is not None and not isinstance(bias_axes, str):
            raise TypeError(f"EinsumDense: bias_axes must be a string of output labels or None, got {bias_axes!r}")
        super().__init__(**kwargs)
        self.equation, self.partial_output_shape, self.bias_axes = equation, shape, bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer

    def build(self, input_shape):
        kernel_shape, bias_shape, _ = einsum_shapes(self.equation, self.bias_axes, tuple(input_shape),
                                                       self.partial_output_shape)
        self.ndim = len(input_shape)
        self.kernel = self.add_weight("kernel", kernel_shape, self.kernel_initializer, self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = None
        if bias_shape is not None:
            self.bias = self.add_weight("bias", bias_shape, self.bias_initializer, self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def call(self, inputs):
        if inputs.ndim != self.ndim:
            raise ValueError(f"{self.name}: built for inputs with {self.ndim} axes, got shape {inputs.shape}")
        try:
            out = einsum(self.equation, _checks.float_inputs(self, inputs), self.kernel)
        except ValueError as err:
            raise ValueError(f"{self.name}: inputs of shape {inputs.shape} do not fit the kernel "
                             f"{self.kernel.shape} in {self.equation!r}: {err}") from err
        if self.bias is not None:
            out = out + self.bias
        return self.activation(out) if self.activation is not None else out

    def get_config(self):
        return {
            **super().get_config(),
            "equation": self.equation,
            "output_shape": list(self.partial_output_shape),
            "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            "kernel_initializer": serialize_object(self.kernel_initializer),
            "bias_initializer": serialize_object(self.bias_initializer),
            "kernel_regularizer": serialize_object(self.kernel_regularizer),
            "bias_regularizer": serialize_object(self.bias_regularizer),
        }
