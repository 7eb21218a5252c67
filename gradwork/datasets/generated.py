"""Small generated datasets for first experiments: logic gates, spirals, moons, circles, blobs.

Every function returns `(x, y)`: x float32 of shape (n_samples, n_features), y int64 class labels
of shape (n_samples,). Random ones take `seed`: an int (or a `numpy.random.Generator`) makes
them repeatable on its own; None draws from gradwork's generator, so `gw.random.seed(n)` makes
a whole script repeatable. Names and arguments follow scikit-learn's `make_*` functions.

>>> x, y = spiral(n_samples=300, n_classes=3, noise=0.2, seed=0)
>>> x.shape, x.dtype, y.shape, np.bincount(y).tolist()
((300, 2), dtype('float32'), (300,), [100, 100, 100])
"""
import numpy as np
from numpy.typing import ArrayLike

from ..checks import whole_number
from ..data.utils import Seed, as_generator as _rng

_GATES = {
    "and": (0, 0, 0, 1),
    "or": (0, 1, 1, 1),
    "nand": (1, 1, 1, 0),
    "nor": (1, 0, 0, 0),
    "xor": (0, 1, 1, 0),
    "xnor": (1, 0, 0, 1),
}
_GATE_INPUTS = ((0, 0), (0, 1), (1, 0), (1, 1))


def _split(n_samples, n_parts):
    """n_samples spread over n_parts as evenly as possible (the first parts get the remainder)."""
    base, extra = divmod(n_samples, n_parts)
    return [base + (i < extra) for i in range(n_parts)]


def _finish(x, y, shuffle, rng):
    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y, dtype=np.int64)
    if shuffle:
        order = rng.permutation(len(y))
        x, y = x[order], y[order]
    return x, y


def logic_gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The truth table of a two-input gate: "and", "or", "nand", "nor", "xor" or "xnor".

    Returns
    -------
    x : float32 array, shape (4, 2), the inputs 00, 01, 10, 11
    y : int64 array, shape (4,), the gate's output
    """
    key = str(name).lower()
    if key not in _GATES:
        raise ValueError(f"unknown logic gate {name!r}; choose one of {', '.join(_GATES)}")
    return np.array(_GATE_INPUTS, dtype=np.float32), np.array(_GATES[key], dtype=np.int64)


def xor() -> tuple[np.ndarray, np.ndarray]:
    """XOR's truth table, the classic problem one perceptron cannot solve: `logic_gate("xor")`."""
    return logic_gate("xor")


def spiral(n_samples: int = 300, n_classes: int = 3, noise: float = 0.2, *, shuffle: bool = True,
           seed: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms in 2-D, one arm per class (the CS231n toy problem).

    Arm k has points at radius r in [0, 1] and angle 4k + 4r (radians) plus Gaussian noise of
    standard deviation `noise` on the angle, so arms wind around each other and no straight line
    separates them.

    Returns
    -------
    x : float32 array, shape (n_samples, 2), inside the unit disc
    y : int64 array, shape (n_samples,), in [0, n_classes)
    """
    n_samples = whole_number("n_samples", n_samples)
    n_classes = whole_number("n_classes", n_classes)
    rng = _rng(seed)
    xs, ys = [], []
    for k, count in enumerate(_split(n_samples, n_classes)):
        radius = np.linspace(0.0, 1.0, count)
        theta = np.linspace(4.0 * k, 4.0 * (k + 1), count) + rng.normal(0.0, noise, count)
        xs.append(np.column_stack([radius * np.sin(theta), radius * np.cos(theta)]))
        ys.append(np.full(count, k))
    return _finish(np.concatenate(xs), np.concatenate(ys), shuffle, rng)


def moons(n_samples: int = 100, *, shuffle: bool = True, noise: float = 0.0,
          seed: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (scikit-learn's `make_moons`).

    Class 0: (cos t, sin t); class 1: (1 - cos t, 0.5 - sin t), t in [0, pi]; plus Gaussian noise
    of standard deviation `noise` on both coordinates.

    Returns
    -------
    x : float32 array, shape (n_samples, 2)
    y : int64 array, shape (n_samples,), in {0, 1}
    """
    n_samples = whole_number("n_samples", n_samples, least=2)
    rng = _rng(seed)
    n_outer = n_samples // 2
    n_inner = n_samples - n_outer
    t_out = np.linspace(0.0, np.pi, n_outer)
    t_in = np.linspace(0.0, np.pi, n_inner)
    x = np.concatenate([
        np.column_stack([np.cos(t_out), np.sin(t_out)]),
        np.column_stack([1.0 - np.cos(t_in), 0.5 - np.sin(t_in)]),
    ])
    y = np.concatenate([np.zeros(n_outer), np.ones(n_inner)])
    if noise:
        x = x + rng.normal(0.0, noise, x.shape)
    return _finish(x, y, shuffle, rng)


def circles(n_samples: int = 100, *, shuffle: bool = True, noise: float = 0.0, factor: float = 0.8,
            seed: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """A small circle inside a large one (scikit-learn's `make_circles`).

    Class 0 lies on the unit circle, class 1 on a circle of radius `factor` (0 <= factor < 1),
    plus Gaussian noise of standard deviation `noise` on both coordinates.

    Returns
    -------
    x : float32 array, shape (n_samples, 2)
    y : int64 array, shape (n_samples,), in {0, 1}
    """
    n_samples = whole_number("n_samples", n_samples, least=2)
    if not 0.0 <= factor < 1.0:
        raise ValueError(f"factor must be in [0, 1), got {factor}")
    rng = _rng(seed)
    n_outer = n_samples // 2
    n_inner = n_samples - n_outer
    t_out = np.linspace(0.0, 2.0 * np.pi, n_outer, endpoint=False)
    t_in = np.linspace(0.0, 2.0 * np.pi, n_inner, endpoint=False)
    x = np.concatenate([
        np.column_stack([np.cos(t_out), np.sin(t_out)]),
        factor * np.column_stack([np.cos(t_in), np.sin(t_in)]),
    ])
    y = np.concatenate([np.zeros(n_outer), np.ones(n_inner)])
    if noise:
        x = x + rng.normal(0.0, noise, x.shape)
    return _finish(x, y, shuffle, rng)


def blobs(n_samples: int | list[int] = 100, n_features: int = 2, *, centers: int | ArrayLike | None = None,
          cluster_std: float | ArrayLike = 1.0, center_box: tuple[float, float] = (-10.0, 10.0),
          shuffle: bool = True, seed: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """Isotropic Gaussian clusters, one class per cluster (scikit-learn's `make_blobs`).

    Parameters
    ----------
    n_samples : int or sequence of int
        The total count, spread evenly over the clusters, or the count of each cluster.
    n_features : int
        Used when the centres are drawn.
    centers : None, int or array of shape (n_centers, n_features)
        None: 3 clusters (or len(n_samples) when that is a sequence); an int: that many clusters
        whose centres are drawn uniformly inside `center_box`; or the centres themselves.
    cluster_std : float or array of shape (n_centers,)
        One standard deviation for all clusters or one per cluster.
    shuffle, seed
        As the other generators take them.

    Returns
    -------
    x : float32 array, shape (total, n_features)
    y : int64 array, shape (total,), in [0, n_centers)
    """
    rng = _rng(seed)
    if isinstance(n_samples, (int, np.integer)) and not isinstance(n_samples, bool):
        counts = None
        whole_number("n_samples", n_samples)
    else:
        counts = [whole_number("each per-cluster count", c, least=0) for c in n_samples]
        if not counts:
            raise ValueError("n_samples must not be an empty sequence")
    if centers is None or isinstance(centers, (int, np.integer)):
        if centers is None:
            n_centers = 3 if counts is None else len(counts)
        else:
            n_centers = centers
        whole_number("centers", n_centers)
        n_features = whole_number("n_features", n_features)
        low, high = center_box
        centers = rng.uniform(low, high, size=(int(n_centers), n_features))
    else:
        centers = np.atleast_2d(np.asarray(centers, dtype=np.float64))
        if centers.ndim != 2:
            raise ValueError(f"centers must be an int or a 2-D array, not {centers.shape}")
        n_features = centers.shape[1]
    n_centers = len(centers)
    if counts is None:
        counts = _split(int(n_samples), n_centers)
    elif len(counts) != n_centers:
        raise ValueError(f"n_samples lists {len(counts)} cluster sizes but there are {n_centers} centers")
    std = np.broadcast_to(np.asarray(cluster_std, dtype=np.float64), (n_centers,))
    labels = np.repeat(np.arange(n_centers), counts)
    x = centers[labels] + rng.normal(size=(len(labels), n_features)) * std[labels, None]
    return _finish(x, labels, shuffle, rng)
