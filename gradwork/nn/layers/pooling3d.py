"""Pooling layers for volumes and adaptive pooling, channels last: MaxPooling3D, AveragePooling3D,
GlobalAveragePooling3D, GlobalMaxPooling3D, and Keras 3's AdaptiveAveragePooling1D/2D/3D and
AdaptiveMaxPooling1D/2D/3D.

The windowed and global ones are pooling.py's shells (`_Pooling`, the global layers) with rank 3; the
adaptive ones call the kernels of adaptive_pooling.py.
"""
from typing import Any

import numpy as np

from ...ops.nn import adaptive_pooling
from ...ops.nn.conv3d import triple
from ...ops.nn.pooling3d import avg_pool3d, max_pool3d
from . import _checks
from .pooling import _GLOBAL_DOC, _WINDOW_DOC, GlobalAveragePooling2D, GlobalMaxPooling2D, _Pooling
from .reshaping import _LAYOUTS, _Spatial

_Size3 = int | tuple[int, int, int]


def _volumes(layer, inputs):
    if inputs.ndim != 5:
        raise ValueError(f"{layer.name}: expected inputs of shape {_LAYOUTS[3]}, got shape {inputs.shape}")


def _window_doc(name, maximum):
    return _WINDOW_DOC.format(
        name=name, what="The maximum" if maximum else "The mean", kernel="max_pool3d" if maximum else "avg_pool3d",
        same="" if maximum else ", averaging the real voxels only", size="int or (int, int, int)",
        axes="depth, height, width", axes_out="depth_out, height_out, width_out", example="(1, 4, 6, 6, 3)",
        result="(1, 2, 3, 3, 3)",
    ).replace("default 2\n", "default (2, 2, 2)\n").replace('"valid" or "same", default', '"valid" or "same" '
                                                             '(any case), default')


class _Pooling3D(_Pooling):
    """Max or average pooling of volumes: three-value windows, checked when made; padding in any case."""

    rank = 3

    def __init__(self, pool_size: _Size3 = (2, 2, 2), strides: _Size3 | None = None, padding: str = "valid",
                 **kwargs: Any) -> None:
        try:
            pool_size = triple(pool_size, "pool_size")
            strides = None if strides is None else triple(strides, "strides")
        except ValueError as error:
            raise ValueError(f"{type(self).__name__}: {error}") from None
        super().__init__(pool_size, strides, padding, **kwargs)

    def call(self, inputs):
        _volumes(self, inputs)
        return super().call(inputs)


class MaxPooling3D(_Pooling3D):
    __doc__ = _window_doc("MaxPooling3D", True)
    pool = staticmethod(max_pool3d)


class AveragePooling3D(_Pooling3D):
    __doc__ = _window_doc("AveragePooling3D", False)
    pool = staticmethod(avg_pool3d)


def _global_doc(name, what):
    return _GLOBAL_DOC.format(name=name, what=what, axes="depth, height and width", masked="", shape=_LAYOUTS[3],
                              kept="(batch, 1, 1, 1, channels)", example="(2, 3, 4, 4, 3)")


class GlobalAveragePooling3D(GlobalAveragePooling2D):
    __doc__ = _global_doc("GlobalAveragePooling3D", "The mean")

    def call(self, inputs):
        _volumes(self, inputs)
        return super().call(inputs)


class GlobalMaxPooling3D(GlobalMaxPooling2D):
    __doc__ = _global_doc("GlobalMaxPooling3D", "The maximum")

    def call(self, inputs):
        _volumes(self, inputs)
        return super().call(inputs)


_ADAPTIVE_DOC = """{what} over adaptive windows that give an output of `output_size` bins per spatial axis,
    whatever the input's size (Keras 3's layer; `F.{kernel}` in PyTorch's names).

    Bin i along an axis of size L covers [floor(i * L / out), ceil((i + 1) * L / out)), PyTorch's rule,
    so neighbouring bins may share a step.{ties}

    Parameters
    ----------
    output_size : {size}
        The number of bins along {each}.
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    {shape}

    Output shape
    ------------
    {out}

    Examples
    --------
    >>> gw.nn.{name}({example_size})(np.zeros({example})).shape
    {result}
    """
_ADAPTIVE_SHAPES = {
    1: dict(size="int", each="the steps", out="(batch, output_size, features)", example_size="3",
            example="(2, 10, 4)", result="(2, 3, 4)"),
    2: dict(size="int or (int, int)", each="height and width (an int for both)",
            out="(batch, output_size[0], output_size[1], channels)", example_size="(2, 3)",
            example="(2, 7, 9, 4)", result="(2, 2, 3, 4)"),
    3: dict(size="int or (int, int, int)", each="depth, height and width (an int for all)",
            out="(batch, output_size[0], output_size[1], output_size[2], channels)", example_size="2",
            example="(1, 5, 7, 9, 4)", result="(1, 2, 2, 2, 4)"),
}


class _AdaptivePooling(_Spatial):
    """Adaptive pooling over `rank` spatial axes with the kernel `pool`; the output size checked when made."""

    pool = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        maximum = cls.pool.__name__.startswith("adaptive_max")
        ties = " Ties go to the window's first maximum, as PyTorch." if maximum else ""
        cls.__doc__ = _ADAPTIVE_DOC.format(name=cls.__name__, what="The maximum" if maximum else "The mean",
                                           kernel=cls.pool.__name__, ties=ties, shape=_LAYOUTS[cls.rank],
                                           **_ADAPTIVE_SHAPES[cls.rank])

    def __init__(self, output_size: int | tuple[int, ...], **kwargs: Any) -> None:
        try:
            sizes = (output_size,) * self.rank if isinstance(output_size, (int, np.integer)) else tuple(output_size)
        except TypeError:
            sizes = ()
        if len(sizes) != self.rank:
            raise ValueError(f"{type(self).__name__}: output_size must be a positive integer or {self.rank} of "
                             f"them, got {output_size!r}")
        output_size = tuple(_checks.positive_int(self, "output_size", s) for s in sizes)
        super().__init__(**kwargs)  # after the checks: a rejected argument uses up no automatic name
        self.output_size = output_size

    def call(self, inputs):
        self._check(inputs)
        return type(self).pool(_checks.float_inputs(self, inputs), self.output_size)

    def get_config(self):
        return {**super().get_config(), "output_size": list(self.output_size)}


class AdaptiveAveragePooling1D(_AdaptivePooling):
    rank, pool = 1, staticmethod(adaptive_pooling.adaptive_avg_pool1d)


class AdaptiveAveragePooling2D(_AdaptivePooling):
    rank, pool = 2, staticmethod(adaptive_pooling.adaptive_avg_pool2d)


class AdaptiveAveragePooling3D(_AdaptivePooling):
    rank, pool = 3, staticmethod(adaptive_pooling.adaptive_avg_pool3d)


class AdaptiveMaxPooling1D(_AdaptivePooling):
    rank, pool = 1, staticmethod(adaptive_pooling.adaptive_max_pool1d)


class AdaptiveMaxPooling2D(_AdaptivePooling):
    rank, pool = 2, staticmethod(adaptive_pooling.adaptive_max_pool2d)


class AdaptiveMaxPooling3D(_AdaptivePooling):
    rank, pool = 3, staticmethod(adaptive_pooling.adaptive_max_pool3d)
