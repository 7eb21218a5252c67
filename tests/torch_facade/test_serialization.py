"""gradwork.torch.save / load: round trips (bit-identical, dtypes, structure, file names), the npz layout,
and the clear errors for what cannot be saved or read (damaged files, PyTorch pickles)."""
import io
import json
import os
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import gradwork.torch as gtorch
from gradwork.saving import ModelFileError
from gradwork.torch import nn

DTYPES = [np.float16, np.float32, np.float64, np.int8, np.int16, np.int32, np.int64, np.uint8, np.bool_]


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(gtorch.randn(3, 4))
        self.bias = nn.Parameter(gtorch.zeros(3, dtype=gtorch.float64))
        self.register_buffer("count", gtorch.tensor(7))


def _optimizer_state():
    return {"state": {0: {"step": gtorch.tensor(3.0), "exp_avg": gtorch.randn(3, 4)}, 1: {"step": gtorch.tensor(3.0)}},
            "param_groups": [{"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-08, "weight_decay": 0, "amsgrad": False,
                              "foreach": None, "params": [0, 1]}]}


def _same(a, b):
    """Equal structures: same container types and keys, tensors bit-identical with dtype and requires_grad."""
    assert type(a) is type(b), (type(a), type(b))
    if isinstance(a, gtorch.Tensor):
        assert a.dtype == b.dtype and a.shape == b.shape and a.requires_grad == b.requires_grad
        assert a.detach().numpy().tobytes() == b.detach().numpy().tobytes()
    elif isinstance(a, dict):
        assert list(a) == list(b) and all(type(k) is type(j) for k, j in zip(a, b))
        for key in a:
            _same(a[key], b[key])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    else:
        assert a == b or (a != a and b != b)  # NaN too


def test_a_checkpoint_round_trips_bit_identically_with_its_structure(tmp_path):
    rng = np.random.default_rng(0)
    tensors = {np.dtype(d).name: gtorch.from_numpy((rng.normal(size=(2, 3)) * 50).astype(d)) for d in DTYPES}
    checkpoint = {
        "epoch": 3, "loss": 0.25, "name": "run-1", "done": False, "note": None, "nan": float("nan"),
        "model_state_dict": Net().state_dict(), "optimizer_state_dict": _optimizer_state(), "tensors": tensors,
        "shapes": [gtorch.tensor(1.5), gtorch.zeros(0, 3), gtorch.Size([2, 3])], "nested": [[1, (2, "x")], {}],
    }
    gtorch.save(checkpoint, tmp_path / "checkpoint.pth")
    back = gtorch.load(tmp_path / "checkpoint.pth", map_location="cpu")
    _same(checkpoint, back)
    assert isinstance(back["model_state_dict"], OrderedDict) and list(back["optimizer_state_dict"]["state"]) == [0, 1]
    assert os.listdir(tmp_path) == ["checkpoint.pth"]  # the name as given, no temporary file left
    np.copyto(back["tensors"]["float32"].numpy(), 0.0)  # loaded tensors have memory of their own


def test_a_state_dict_comes_back_with_the_names_and_shapes_of_a_fresh_model(tmp_path):
    net, fresh = Net(), Net()
    gtorch.save(net.state_dict(), str(tmp_path / "model.pt"))
    back = gtorch.load(str(tmp_path / "model.pt"), map_location=gtorch.device("cpu"))
    _same(net.state_dict(), back)
    assert [(k, v.shape, v.dtype) for k, v in back.items()] == [(k, v.shape, v.dtype)
                                                               for k, v in fresh.state_dict().items()]


def test_file_objects_and_the_npz_layout():
    buffer = io.BytesIO()
    shared = gtorch.arange(4.0)
    gtorch.save({"a": shared, "b": shared, "p": nn.Parameter(gtorch.ones(2))}, buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as zf:
        assert sorted(zf.namelist()) == ["0.npy", "1.npy", "structure.json"]  # a tensor held twice is stored once
        assert json.loads(zf.read("structure.json"))["format"] == "gradwork-torch/1"
    with np.load(io.BytesIO(buffer.getvalue()), allow_pickle=False) as npz:  # an .npz NumPy reads
        np.testing.assert_array_equal(npz["0"], np.arange(4.0))
    buffer.seek(0)
    back = gtorch.load(buffer)
    assert back["a"] is back["b"] and back["p"].requires_grad and not back["a"].requires_grad


def test_torch_round_trips_the_same_structure(tmp_path):
    torch = pytest.importorskip("torch")
    ours = {"state": {0: {"step": 3}}, "groups": [{"betas": (0.9, 0.999), "params": [0, 1]}], "w": np.arange(3.0)}
    theirs = {"state": {0: {"step": 3}}, "groups": [{"betas": (0.9, 0.999), "params": [0, 1]}],
              "w": torch.arange(3.0, dtype=torch.float64)}
    ours["w"] = gtorch.arange(3.0, dtype=gtorch.float64)
    gtorch.save(ours, tmp_path / "ours.pth")
    torch.save(theirs, tmp_path / "theirs.pth")
    a, b = gtorch.load(tmp_path / "ours.pth"), torch.load(tmp_path / "theirs.pth")
    assert a["state"] == b["state"] and a["groups"] == b["groups"] and type(a["groups"][0]["betas"]) is tuple
    assert a["w"].numpy().tolist() == b["w"].numpy().tolist() and str(a["w"].dtype) == "float64"


@pytest.mark.parametrize("obj, match", [
    (Net(), r"Save model.state_dict\(\), not the Net itself"),
    ({"model": Net()}, r"obj\['model'\]"),
    ([object()], r"obj\[0\], a builtins.object"),
    ({"x": np.zeros(2)}, "torch.from_numpy"),
    ({(1, 2): 3}, "keys must be strings, numbers or None"),
    ({"s": {1, 2}}, "a builtins.set"),
])
def test_what_cannot_be_saved_is_refused_before_anything_is_written(tmp_path, obj, match):
    path = tmp_path / "model.pth"
    gtorch.save({"old": 1}, path)
    with pytest.raises(TypeError, match=match):
        gtorch.save(obj, path)
    assert gtorch.load(path) == {"old": 1}


def _damaged(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_damaged_files_give_a_clear_error(tmp_path):
    buffer = io.BytesIO()
    gtorch.save({"w": gtorch.randn(20, 20), "epoch": 1}, buffer)
    whole = buffer.getvalue()
    cases = {"truncated.pth": whole[: len(whole) // 2], "cut_short.pth": whole[:3], "empty.pth": b"",
             "garbage.pth": bytes(np.random.default_rng(0).integers(0, 256, 500, dtype=np.uint8))}
    for name, data in cases.items():
        with pytest.raises(ModelFileError, match=f"{name} is not a file written by gradwork.torch.save"):
            gtorch.load(_damaged(tmp_path, name, data))
    np.savez(tmp_path / "plain.npz", w=np.zeros(2))
    with pytest.raises(ModelFileError, match="has no structure.json"):
        gtorch.load(tmp_path / "plain.npz")


def _rewritten(tmp_path, structure_change=None, array=None):
    """A saved file whose structure.json (or array 0) is replaced: a file that lies about its contents."""
    buffer = io.BytesIO()
    gtorch.save({"w": gtorch.zeros(2, 3)}, buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as zf:
        structure, data = json.loads(zf.read("structure.json")), zf.read("0.npy")
    if structure_change:
        structure_change(structure["object"]["dict"][0][1])
    if array is not None:
        out = io.BytesIO()
        np.lib.format.write_array(out, array)
        data = out.getvalue()
    path = tmp_path / "lying.pth"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("structure.json", json.dumps(structure))
        zf.writestr("0.npy", data)
    return path


@pytest.mark.parametrize("change, array, match", [
    (lambda node: node.update(shape=[3, 2]), None, r"'0' has shape \(2, 3\), expected \(3, 2\)"),
    (lambda node: node.update(dtype="float64"), None, "'0' has dtype float32, structure.json declares float64"),
    (lambda node: node.update(dtype="object"), None, "a tensor entry must have"),
    (lambda node: node.update(tensor="../x"), None, "a tensor entry must have"),
    (None, np.zeros((2, 3), dtype=np.int64), "'0' has dtype int64, expected real floating point"),
    (None, np.array([None, None, None, None, None, None], dtype=object).reshape(2, 3), "dtype object"),
])
def test_a_file_that_lies_about_its_contents_is_refused(tmp_path, change, array, match):
    with pytest.raises(ModelFileError, match=match):
        gtorch.load(_rewritten(tmp_path, change, array))


def test_a_pytorch_pickle_is_refused_with_the_way_to_convert_it(tmp_path):
    torch = pytest.importorskip("torch")
    torch.save({"w": torch.zeros(2)}, tmp_path / "zip.pth")
    torch.save({"w": torch.zeros(2)}, tmp_path / "legacy.pth", _use_new_zipfile_serialization=False)
    for name in ("zip.pth", "legacy.pth"):
        with pytest.raises(ModelFileError, match="pickled PyTorch file, which gradwork.torch never reads") as info:
            gtorch.load(tmp_path / name)
        assert "safetensors.torch.save_file(model.state_dict()" in str(info.value)


def test_arguments_that_mean_pickling_or_another_device_are_refused(tmp_path):
    gtorch.save({"w": gtorch.zeros(1)}, tmp_path / "m.pth")
    with pytest.raises(RuntimeError, match="CPU only"):
        gtorch.load(tmp_path / "m.pth", map_location="cuda:0")
    with pytest.raises(TypeError, match="never pickles"):
        gtorch.save({}, tmp_path / "m.pth", pickle_protocol=2)
    with pytest.raises(TypeError, match="never unpickles"):
        gtorch.load(tmp_path / "m.pth", encoding="latin1")
    assert gtorch.load(tmp_path / "m.pth", weights_only=False, map_location={"cuda:0": "cpu"})["w"].shape == (1,)
    with pytest.raises(FileNotFoundError):
        gtorch.load(tmp_path / "missing.pth")


def test_safetensors_files_when_the_package_is_installed(tmp_path):
    pytest.importorskip("safetensors")
    state = Net().state_dict()
    gtorch.save(state, tmp_path / "model.safetensors")
    _same(dict(sorted(state.items())), dict(sorted(gtorch.load(tmp_path / "model.safetensors").items())))
    with pytest.raises(TypeError, match="flat dict of str to tensor"):
        gtorch.save({"epoch": 1}, tmp_path / "model.safetensors")


def test_safetensors_without_the_package_says_what_to_install(tmp_path):
    try:
        import safetensors  # noqa: F401
        pytest.skip("safetensors is installed")
    except ImportError:
        pass
    with pytest.raises(ImportError, match="pip install safetensors"):
        gtorch.save({"w": gtorch.zeros(1)}, tmp_path / "model.safetensors")
