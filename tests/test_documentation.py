"""What the documentation promises is true: every README code block runs, docstring claims hold.

README blocks. Every ```python block of README.md and of the READMEs under examples/, docs/ and
benchmarks/ runs as written, in a fresh namespace, in a temporary folder. A block may be marked
by the line just above its fence:
- `<!-- not run: REASON -->`: a fragment (for example an edit inside the library); skipped;
- `<!-- continues the block above -->`: it runs after the blocks it continues, in their namespace.
Small data: `gw.datasets.fashion_mnist.load_data` is replaced, for the blocks only, by the first
512 training and 256 test images of the embedded subset (`load_data(subset="mini")`, the same
arrays and dtypes as the full set), and `fit` runs at most 2 epochs (and at most 20 steps where the
block sets `steps_per_epoch`), so the blocks that train take a second or two.
"""
import math
import pathlib
import re

import numpy as np
import pytest

import gradwork as gw
from gradwork.datasets import fashion_mnist
from gradwork.datasets.idx_dataset import DatasetNotFoundError
from gradwork.ops.special import erf
from gradwork.trainers.trainer import Trainer

ROOT = pathlib.Path(__file__).resolve().parent.parent
READMES = [ROOT / "README.md"] + sorted(
    path for folder in ("examples", "docs", "benchmarks") for path in (ROOT / folder).rglob("README.md")
)
_FENCE = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
_MARK = re.compile(r"<!--\s*(not run|continues the block above)\s*(?::\s*(.*?))?\s*-->\s*$")


def _blocks(path):
    """(line number, marker or None, marker's reason, source) for each ```python block of `path`."""
    text = path.read_text(encoding="utf-8")
    found = []
    for match in _FENCE.finditer(text):
        before = text[:match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        mark = _MARK.search(before)
        found.append((text.count("\n", 0, match.start()) + 1, mark and mark.group(1),
                      mark and mark.group(2), match.group(1)))
    return found


def _cases():
    cases = []
    for path in READMES:
        blocks = _blocks(path)
        for i, (line, mark, reason, _) in enumerate(blocks):
            chain = [i]
            while blocks[chain[0]][1] == "continues the block above":
                assert chain[0] > 0, f"{path}:{line}: continues no block"
                chain.insert(0, chain[0] - 1)
            label = f"{path.relative_to(ROOT)}:{line}"
            marks = [pytest.mark.skip(reason=f"not run: {reason}")] if mark == "not run" else []
            cases.append(pytest.param(path, [blocks[j] for j in chain], id=label, marks=marks))
    return cases


def _small_fashion_mnist(*args, **kwargs):
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_mini()
    return (x_train[:512], y_train[:512]), (x_test[:256], y_test[:256])


def _short_fit(fit):
    def short_fit(self, *args, epochs=1, steps_per_epoch=None, **kwargs):
        steps = None if steps_per_epoch is None else min(steps_per_epoch, 20)
        return fit(self, *args, epochs=min(epochs, 2), steps_per_epoch=steps, **kwargs)
    return short_fit


def test_the_readmes_have_python_blocks_and_few_are_skipped():
    blocks = [block for path in READMES for block in _blocks(path)]
    assert len(blocks) >= 4
    assert sum(mark == "not run" for _, mark, _, _ in blocks) <= 2


@pytest.mark.parametrize("path, chain", _cases())
def test_readme_block_runs_as_written(path, chain, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(fashion_mnist, "load_data", _small_fashion_mnist)
    monkeypatch.setattr(Trainer, "fit", _short_fit(Trainer.fit))
    namespace = {"__name__": "__readme__"}
    for line, _, _, source in chain:
        exec(compile(source, f"{path.name}:{line}", "exec"), namespace)  # noqa: S102 - our own README


def test_the_autograd_block_prints_what_its_comments_say(capsys):
    _, _, _, source = _blocks(ROOT / "README.md")[0]
    exec(compile(source, "README.md", "exec"), {"__name__": "__readme__"})  # noqa: S102
    assert capsys.readouterr().out.splitlines() == ["tensor([ 3., 12., 27.], grad_fn=<Mul>)",
                                                    "tensor([ 6., 12., 18.])"]


# --- erf: the accuracy its module docstring states ---------------------------------------------

def _ulp_error(got, ref, dtype):
    """|got - ref| in units of the last place of ref in `dtype` (ref nonzero)."""
    return np.abs(got.astype(np.float64) - ref) / np.spacing(np.abs(ref).astype(dtype)).astype(np.float64)


def _erf_grid():
    tiny = np.geomspace(1e-300, 1e-3, 2001)
    return np.concatenate([np.linspace(-8.0, 8.0, 160_001), tiny, -tiny])


def test_erf_is_within_64_ulp_of_math_erf_in_float64():
    x = _erf_grid()
    ref = np.array([math.erf(v) for v in x])
    assert _ulp_error(erf(x), ref, np.float64).max() <= 64
    assert erf(np.array([0.0, 30.0, -30.0, np.inf, -np.inf])).tolist() == [0.0, 1.0, -1.0, 1.0, -1.0]


def test_erf_is_within_4_ulp_of_math_erf_in_float32():
    x = _erf_grid().astype(np.float32)
    x = x[x != 0]
    ref = np.array([math.erf(float(v)) for v in x])
    got = erf(x)
    assert got.dtype == np.float32
    assert _ulp_error(got, ref, np.float32).max() <= 4


# --- load_model: "resumes training identically" -------------------------------------------------

def _shuffled_fit_model():
    gw.random.seed(7)
    model = gw.Sequential([gw.nn.Input(shape=(6,)), gw.nn.Dense(8, activation="relu"),
                           gw.nn.Dropout(0.3), gw.nn.Dense(3)])
    model.compile(optimizer=gw.optimizers.Adam(1e-2),
                  loss=gw.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def test_load_model_resumes_a_shuffled_fit_bit_identically(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 6)).astype(np.float32)
    y = rng.integers(0, 3, size=64)
    fit = dict(batch_size=8, shuffle=True, verbose=0)

    straight = _shuffled_fit_model()
    straight.fit(x, y, epochs=2, **fit)

    first = _shuffled_fit_model()
    first.fit(x, y, epochs=1, **fit)
    first.save(tmp_path / "half.gw")
    gw.random.seed(12345)                                  # the resumed run must not depend on it
    resumed = gw.load_model(tmp_path / "half.gw")
    resumed.fit(x, y, epochs=1, **fit)

    for a, b in zip(straight.get_weights(), resumed.get_weights(), strict=True):
        assert np.array_equal(a, b)
    for key, value in straight.optimizer.get_state().items():
        assert np.array_equal(value, resumed.optimizer.get_state()[key]), key


# --- an offline Fashion-MNIST points to the embedded subset -----------------------------------

@pytest.mark.parametrize("download", [False, True])
def test_fashion_mnist_not_found_offline_names_the_embedded_subset(tmp_path, monkeypatch, download):
    monkeypatch.setenv("GRADWORK_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))                 # an empty cache
    monkeypatch.setattr(fashion_mnist, "SYSTEM_DIRS", ())
    monkeypatch.setattr(fashion_mnist, "MIRRORS", ((tmp_path / "no-network").as_uri() + "/",))
    with pytest.raises(DatasetNotFoundError) as info:
        fashion_mnist.load_data(download=download, progress=False)
    message = str(info.value)
    assert 'load_data(subset="mini")' in message and "no files or network" in message
    assert not list((tmp_path / "home").rglob("*ubyte*"))             # nothing (half-)written in the cache
    (x_train, _), (x_test, _) = fashion_mnist.load_data(subset="mini")  # and it does work offline
    assert x_train.shape == (6000, 28, 28) and x_test.shape == (1000, 28, 28)
