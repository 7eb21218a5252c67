"""Damaged and hostile model files (issue 12, class 4): truncations, byte flips, members swapped,
missing or extra, members that inflate past what the config declares, arrays of the wrong dtype or
shape, configs of the wrong types. The contract: `gw.saving.ModelFileError` naming the file, a model
given to `load_weights` and gw.random's state bit-identical afterwards; or, where the damage hit
bytes the reader ignores (a zip's timestamps, a size it does not rely on), a load equal to the
original. Never a raw zlib/zip/JSON/NumPy error, never NumPy's advice about allow_pickle."""
import io
import json
import os
import struct
import tracemalloc
import zipfile

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

import gradwork as gw
from gradwork import nn

ModelFileError = gw.saving.ModelFileError
_BOMB = 200 << 20  # bytes a bomb member inflates to


def _model(seed):
    gw.random.seed(seed)
    model = gw.Sequential([nn.Input(shape=(3,)), nn.Dense(4, activation="relu"), nn.Dense(2)])
    model.compile(gw.optimizers.Adam(0.01), "mse")
    x = np.random.default_rng(seed).standard_normal((8, 3)).astype(np.float32)
    model.fit(x, np.zeros((8, 2), np.float32), epochs=1, batch_size=4, verbose=0)
    model.metadata = {"dataset": "noise", "class_names": ["a", "b"]}
    return model


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The original model, its model file and weights file (bytes), and a folder for damaged copies."""
    folder = tmp_path_factory.mktemp("fuzz")
    model = _model(0)
    model.save(folder / "model.gw")
    model.save_weights(folder / "w.npz")
    return {"model": model, "model.gw": (folder / "model.gw").read_bytes(),
            "w.npz": (folder / "w.npz").read_bytes(), "folder": folder}


def _snapshot(model):
    return [w.copy() for w in model.get_weights()]


def _same(a, b):
    return len(a) == len(b) and all(x.dtype == y.dtype and np.array_equal(x, y) for x, y in zip(a, b))


def _check_model_file(files, data, must_fail=False):
    """Load `data` as a model file: ModelFileError with gw.random untouched, or a model equal to the original."""
    path = files["folder"] / "damaged.gw"
    path.write_bytes(data)
    random_state = gw.random.get_state()
    try:
        loaded = gw.load_model(path)
    except ModelFileError as err:
        assert str(path) in str(err) and "allow_pickle" not in str(err)
        assert gw.random.get_state() == random_state
        return
    assert not must_fail, "a damaged file loaded"
    original = files["model"]
    assert _same(loaded.get_weights(), original.get_weights())
    assert loaded.get_config() == original.get_config() and loaded.metadata == original.metadata
    saved, restored = original.optimizer.get_state(), loaded.optimizer.get_state()
    assert saved.keys() == restored.keys() and all(np.array_equal(saved[k], restored[k]) for k in saved)


def _check_weights_file(files, data, must_fail=False):
    """Give `data` as a weights file to load_weights on another model: ModelFileError with that model
    bit-identical, or the original's weights."""
    path = files["folder"] / "damaged.npz"
    path.write_bytes(data)
    target = _model(1)
    before = _snapshot(target)
    try:
        target.load_weights(path)
    except ModelFileError as err:
        assert str(path) in str(err) and "allow_pickle" not in str(err)
        assert _same(target.get_weights(), before)
        return
    assert not must_fail, "a damaged file loaded"
    assert _same(target.get_weights(), files["model"].get_weights())


def _members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


def _zip(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as zf:
        for name, content in members:
            zf.writestr(name, content)
    return buffer.getvalue()


def _npz(arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _with_member(data, name, content):
    return _zip([(n, content if n == name else c) for n, c in _members(data)])


def _arrays(files, member):
    with np.load(io.BytesIO(dict(_members(files["model.gw"]))[member]), allow_pickle=False) as npz:
        return {key: npz[key] for key in npz.files}


# ----------------------------------------------------------------------------------------------- bytes
@settings(max_examples=40, deadline=None, database=None)
@given(which=st.sampled_from(["model.gw", "w.npz"]), fraction=st.floats(0, 1, exclude_max=True))
def test_a_truncated_file_is_refused(files, which, fraction):
    data = files[which]
    cut = data[:int(fraction * len(data))]
    (_check_model_file if which == "model.gw" else _check_weights_file)(files, cut, must_fail=True)


@settings(max_examples=80, deadline=None, database=None)
@given(which=st.sampled_from(["model.gw", "w.npz"]), data=st.data())
def test_flipped_bytes_are_refused_or_load_the_original(files, which, data):
    """Every member is covered by its CRC-32, so a flip either is caught or hit bytes the reader
    ignores (timestamps, attributes, the local header's copy of the sizes): then the load is exact."""
    original = bytearray(files[which])
    flips = data.draw(st.lists(st.tuples(st.integers(0, len(original) - 1), st.integers(1, 255)),
                               min_size=1, max_size=4))
    for offset, mask in flips:
        original[offset] ^= mask
    (_check_model_file if which == "model.gw" else _check_weights_file)(files, bytes(original))


# ----------------------------------------------------------------------------------------------- members
@settings(max_examples=40, deadline=None, database=None)
@given(op=st.sampled_from(["remove", "duplicate", "extra", "swap", "rename"]), data=st.data())
def test_members_swapped_missing_or_extra_are_refused(files, op, data):
    which = data.draw(st.sampled_from(["model.gw", "w.npz", "model.gw:weights.npz"]))
    outer, _, inner = which.partition(":")
    members = _members(files[outer] if not inner else dict(_members(files[outer]))[inner])
    names = [name for name, _ in members]
    i, j = data.draw(st.lists(st.sampled_from(range(len(names))), min_size=2, max_size=2, unique=True))
    contents = dict(members)
    if op == "remove":
        assume(names[i] != "optimizer.npz")  # optional: a model file without it is valid
        members.pop(i)
    elif op == "duplicate":
        members.append(members[i])
    elif op == "extra":
        members.append((data.draw(st.sampled_from(["extra.npy", "x.json", "../evil", names[i] + ".bak"])), b"{}"))
    elif op == "swap":  # two members of different kinds or shapes: never a valid file
        if not inner and which == "w.npz":
            shapes = {name: np.lib.format.read_array(io.BytesIO(c)).shape for name, c in members}
            if shapes[names[i]] == shapes[names[j]]:
                return
        members[i], members[j] = (names[i], contents[names[j]]), (names[j], contents[names[i]])
    else:
        members[i] = (data.draw(st.sampled_from([names[i].upper(), "x" + names[i], names[j] + "2"])), members[i][1])
    damaged = _zip(members, zipfile.ZIP_STORED if which == "w.npz" or inner else zipfile.ZIP_DEFLATED)
    if inner:
        _check_model_file(files, _with_member(files["model.gw"], inner, damaged), must_fail=True)
    elif outer == "model.gw":
        _check_model_file(files, damaged, must_fail=True)
    else:
        _check_weights_file(files, damaged, must_fail=True)


_bombs = {}


def _bomb(files, which, member):
    """`which` (a file) with `member` replaced by zeros that inflate to `_BOMB` bytes (built once)."""
    if (which, member) not in _bombs:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            for name, content in _members(files[which]):
                if name != member:
                    zf.writestr(name, content)
                    continue
                with zf.open(name, "w", force_zip64=True) as out:  # deflated at the zip's level 1
                    for _ in range(_BOMB >> 20):
                        out.write(bytes(1 << 20))
        _bombs[which, member] = buffer.getvalue()
    return _bombs[which, member]


def _declare_size(data, member, size):
    """`data` (a zip) with the central directory's uncompressed size of `member` set to `size`."""
    data = bytearray(data)
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + name_length].decode() == member:
            struct.pack_into("<L", data, at + 24, size)
        at = data.find(b"PK\x01\x02", at + 46)
    return bytes(data)


@settings(max_examples=16, deadline=None, database=None)
@given(target=st.sampled_from([("model.gw", "config.json"), ("model.gw", "weights.npz"),
                               ("model.gw", "optimizer.npz"), ("w.npz", "layers.1.kernel.npy")]),
       declared=st.one_of(st.just(None), st.integers(0, 2**32 - 2)), inflate=st.booleans())
def test_members_that_inflate_past_their_config_are_refused_without_allocating(files, target, declared, inflate):
    """A member whose header claims a huge size, or whose data inflates to 200 MB under a header that
    claims a small size, is refused before much is inflated (peak memory far below 200 MB)."""
    which, member = target
    data = _bomb(files, which, member) if inflate else files[which]
    if declared is not None or not inflate:
        data = _declare_size(data, member, declared if declared is not None else _BOMB)
    tracemalloc.start()
    try:
        (_check_model_file if which == "model.gw" else _check_weights_file)(files, data, must_fail=inflate)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 32 << 20


# ----------------------------------------------------------------------------------------------- arrays
_BAD_ARRAYS = {
    "object": lambda a: np.array([None] * a.size, dtype=object).reshape(a.shape),
    "int32": lambda a: a.astype(np.int32),
    "complex": lambda a: a.astype(np.complex64),
    "bool": lambda a: a != 0,
    "text": lambda a: a.astype(str),
    "float128": lambda a: a.astype(np.longdouble) if np.dtype(np.longdouble).itemsize > 8 else a.astype(object),
    "shape+1": lambda a: np.zeros(tuple(n + 1 for n in a.shape) or (1,), a.dtype),
    "transposed": lambda a: np.zeros(a.shape[::-1] + (2,), a.dtype),
    "nan": lambda a: np.full_like(a, np.nan),
    "inf": lambda a: np.full_like(a, -np.inf),
}


@settings(max_examples=60, deadline=None, database=None)
@given(member=st.sampled_from(["weights.npz", "optimizer.npz", "w.npz"]), bad=st.sampled_from(sorted(_BAD_ARRAYS)),
       data=st.data())
def test_arrays_of_the_wrong_dtype_shape_or_values_are_refused(files, member, bad, data):
    """Weights must be real floating point of the config's shapes; optimizer entries must also be
    finite (NaN weights are a model's own business, so they are not checked)."""
    arrays = _arrays(files, "weights.npz" if member == "w.npz" else member)
    key = data.draw(st.sampled_from(sorted(k for k in arrays if k != "random_state")))
    assume(not (bad in ("nan", "inf") and (member != "optimizer.npz" or key == "iterations")))
    assume(not (bad == "int32" and key == "iterations"))  # any integer step count is valid
    arrays[key] = _BAD_ARRAYS[bad](arrays[key])
    if member == "w.npz":
        _check_weights_file(files, _npz(arrays), must_fail=True)
    else:
        _check_model_file(files, _with_member(files["model.gw"], member, _npz(arrays)), must_fail=True)


def test_a_negative_step_count_and_a_foreign_random_state_are_refused(files):
    for key, value in [("iterations", np.array(-1)), ("random_state", np.array('{"bit_generator": "MT19937"}')),
                       ("random_state", np.array('{"bit_generator": "PCG64", "state": 1}')),
                       ("random_state", np.array("[not json"))]:
        arrays = {**_arrays(files, "optimizer.npz"), key: value}
        _check_model_file(files, _with_member(files["model.gw"], "optimizer.npz", _npz(arrays)), must_fail=True)


# ----------------------------------------------------------------------------------------------- config
_JSON = st.recursive(st.none() | st.booleans() | st.integers(-3, 8) | st.floats(-2, 2) | st.text(max_size=8),
                     lambda inner: (st.lists(inner, max_size=3)
                                    | st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                     max_leaves=6)


def _paths(value, prefix=()):
    """Every path (tuple of keys/indices) into a JSON value."""
    yield prefix
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        yield from _paths(child, prefix + (key,))


@settings(max_examples=80, deadline=None, database=None)
@given(data=st.data())
def test_a_config_with_values_of_the_wrong_type_is_refused_or_loads(files, data):
    """Any JSON value put anywhere in config.json: a ModelFileError, or a model that loads (a changed
    name, a different but valid setting); never another error. Sizes are kept small (the config is
    trusted for how big the model is)."""
    config = json.loads(dict(_members(files["model.gw"]))["config.json"])
    path = data.draw(st.sampled_from(list(_paths(config))))
    value = data.draw(_JSON)
    if path:
        parent = config
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = value
    else:
        config = value
    damaged = _with_member(files["model.gw"], "config.json", json.dumps(config).encode())
    path = files["folder"] / "config.gw"
    path.write_bytes(damaged)
    random_state = gw.random.get_state()
    try:
        gw.load_model(path)
    except ModelFileError as err:
        assert str(path) in str(err) and gw.random.get_state() == random_state


@pytest.mark.parametrize("config, pattern", [
    ([1, 2], "config.json: expected a JSON object, got list"),
    ({"format": "gradwork-model/1", "model": {"class_name": "Nope", "config": {}}}, "unknown class 'Nope'"),
    ({"format": "gradwork-model/1", "model": "Sequential"}, "'model' must be an object"),
])
def test_a_config_that_is_not_an_object_or_names_an_unknown_class_says_so(files, config, pattern):
    path = files["folder"] / "bad.gw"
    path.write_bytes(_with_member(files["model.gw"], "config.json", json.dumps(config).encode()))
    with pytest.raises(ModelFileError, match=pattern):
        gw.load_model(path)


@pytest.mark.parametrize("entry, value", [
    ("metadata", [1]), ("metadata", {"class_names": "ab"}), ("metadata", {"dataset": 3}), ("compile", "adam"),
    ("build_input_shape", [None, -3]), ("build_input_shape", "3"), ("gradwork_version", 1),
])
def test_metadata_and_settings_of_the_wrong_type_are_refused(files, entry, value):
    config = json.loads(dict(_members(files["model.gw"]))["config.json"])
    config[entry] = value
    path = files["folder"] / "bad.gw"
    path.write_bytes(_with_member(files["model.gw"], "config.json", json.dumps(config).encode()))
    with pytest.raises(ModelFileError, match=f"config.json: '{entry.split('/')[0]}|metadata"):
        gw.load_model(path)


def test_a_deeply_nested_config_is_refused(files):
    path = files["folder"] / "deep.gw"
    path.write_bytes(_with_member(files["model.gw"], "config.json", b"[" * 100_000 + b"]" * 100_000))
    with pytest.raises(ModelFileError, match="deep.gw"):
        gw.load_model(path)


# ----------------------------------------------------------------------------------------------- saving
def test_a_save_syncs_the_file_then_its_folder_after_the_rename(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: events.append(("fsync", os.path.isdir(f"/proc/self/fd/{fd}")))
                        or real_fsync(fd))
    monkeypatch.setattr(os, "replace", lambda a, b: events.append(("replace", None)) or real_replace(a, b))
    gw.Sequential([nn.Dense(2, input_dim=2)]).save(tmp_path / "m.gw")
    assert events == [("fsync", False), ("replace", None), ("fsync", True)]
