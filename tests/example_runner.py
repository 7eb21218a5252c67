"""What the example tests share: load an example script as a module, run its main, check its PNGs."""
import importlib.util
import pathlib

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def load(name):
    """examples/<name>.py as a module (not run as a script)."""
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(name, tmp_path, capsys, *args):
    """Call the example's main with `args` and --out tmp_path; return (its result, what it printed)."""
    result = load(name).main([*args, "--out", str(tmp_path)])
    return result, capsys.readouterr().out


def assert_pngs(files, tmp_path, names):
    """Exactly `names` were written, each a real PNG of some size that is not a blank canvas."""
    assert sorted(pathlib.Path(f).name for f in files) == sorted(names)
    image = pytest.importorskip("matplotlib.image")
    for name in names:
        path = tmp_path / name
        assert path.read_bytes()[:8] == PNG_SIGNATURE
        pixels = image.imread(path)
        assert pixels.ndim == 3 and min(pixels.shape[:2]) > 200
        assert pixels[..., :3].std() > 0.05  # not a blank canvas
