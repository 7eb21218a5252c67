"""`interpolate`: PyTorch's image resizing with channels last, over the `ops.nn.image.resize` kernel."""

import math

from numpy.typing import ArrayLike

from ...ops.nn import image as kernels
from ...tensor import Tensor, as_tensor

# PyTorch's mode -> the kernel's (interpolation, coordinates) for align_corners False
_MODES = {"nearest": ("nearest", "asymmetric"), "nearest-exact": ("nearest", "half_pixel"),
          "bilinear": ("bilinear", "half_pixel")}


def _pair(value, name):
    pair = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(pair) != 2:
        raise ValueError(f"interpolate: {name} must be one number or one per spatial axis (2), got {value!r}")
    return pair


def interpolate(input: Tensor | ArrayLike, size: int | tuple[int, int] | None = None,
                scale_factor: float | tuple[float, float] | None = None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None) -> Tensor:
    """Resize images, as `torch.nn.functional.interpolate` with channels last (no antialiasing).

    Parameters
    ----------
    input : Tensor or array_like, shape (N, H, W, C), floating point
    size : int or (int, int), optional
        The output height and width; give this or `scale_factor`.
    scale_factor : float or (float, float), optional
        Output size floor(H * s) by floor(W * s). Unless `recompute_scale_factor`, the positions step
        1 / s input pixels per output pixel (PyTorch's rule), not H / H_out.
    mode : str, default "nearest"
        "nearest": input pixel floor(i * H / H_out) (PyTorch's legacy rule, shifted up-left);
        "nearest-exact": floor((i + 1/2) * H / H_out), pixel centres aligned (Keras's and
        TensorFlow's "nearest"); "bilinear": the blend of the 2 x 2 nearest input pixels.
    align_corners : bool, optional
        Bilinear only (default False: pixel centres aligned, Keras's "bilinear"); True maps the
        corner pixels' centres onto each other.
    recompute_scale_factor : bool, optional
        True: derive the step from the computed output size.

    Returns
    -------
    Tensor, shape (N, H_out, W_out, C)

    Examples
    --------
    >>> x = np.arange(4.0).reshape(1, 2, 2, 1)
    >>> F.interpolate(x, scale_factor=2, mode="bilinear")[0, :, :, 0].numpy()
    array([[0.  , 0.25, 0.75, 1.  ],
           [0.5 , 0.75, 1.25, 1.5 ],
           [1.5 , 1.75, 2.25, 2.5 ],
           [2.  , 2.25, 2.75, 3.  ]])
    """
    input = as_tensor(input)
    if mode not in _MODES:
        raise ValueError(f"interpolate: mode must be one of {', '.join(map(repr, _MODES))}, got {mode!r}")
    if input.ndim != 4:
        raise ValueError(f"interpolate: expected input of shape (N, H, W, C), got shape {input.shape}")
    if align_corners is not None and mode != "bilinear":
        raise ValueError(f"interpolate: align_corners can only be set with mode='bilinear', got mode={mode!r}")
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give exactly one of size and scale_factor, got "
                         f"size={size!r}, scale_factor={scale_factor!r}")
    if recompute_scale_factor and size is not None:
        raise ValueError("interpolate: recompute_scale_factor needs scale_factor, not size")
    in_size = input.shape[1:3]
    if size is not None:
        out_size = tuple(int(s) for s in _pair(size, "size"))
        scales = (None, None)
    else:
        factors = tuple(float(s) for s in _pair(scale_factor, "scale_factor"))
        if not all(f > 0 and math.isfinite(f) for f in factors):
            raise ValueError(f"interpolate: scale_factor must be positive, got {scale_factor!r}")
        out_size = tuple(math.floor(n * f) for n, f in zip(in_size, factors))
        scales = (None, None) if recompute_scale_factor else tuple(1.0 / f for f in factors)
    if min(out_size) < 1:
        raise ValueError(f"interpolate: the output size must be at least 1 x 1, got {out_size}")
    interpolation, coordinates = _MODES[mode]
    if align_corners:
        coordinates = "align_corners"
    return kernels.resize(input, out_size, interpolation, coordinates, scales)
