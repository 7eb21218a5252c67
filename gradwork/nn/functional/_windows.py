"""The window arguments of `gw.nn.functional`'s convolutions and poolings, checked under the names
the caller used (`stride`, where the kernels say `strides`)."""

from ...ops.nn.conv3d import triple
from ...ops.nn.windows import pair


def check_windows(function: str, rank: int = 2, **values) -> None:
    """Raise a ValueError naming `function` and the argument when a window argument (None: not
    given) is not a positive integer or a pair of them (`rank` 3: three; `output_padding`: >= 0)."""
    for name, value in values.items():
        if value is not None:
            try:
                (triple if rank == 3 else pair)(value, name, minimum=0 if name == "output_padding" else 1)
            except (TypeError, ValueError) as error:
                raise ValueError(f"{function}: {error}") from None
