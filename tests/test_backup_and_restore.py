"""Resumable training: `BackupAndRestore` after a crash and after a kill -9, and save -> load_model -> fit,
each ending bit-identical to a run never stopped (shuffling, dropout, BatchNormalization, EarlyStopping
and ReduceLROnPlateau on)."""
import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile

import numpy as np
import pytest

import gradwork as gw
from gradwork import nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# shared by the in-process tests and the subprocess script (which execs this text)
SETUP = """
import gradwork as gw
from gradwork import nn

def build():
    gw.random.seed(0)
    model = gw.Sequential([nn.Input(shape=(2,)), nn.Dense(16, activation="relu"), nn.BatchNormalization(),
                           nn.Dropout(0.3), nn.Dense(3, activation="softmax")])
    model.compile(gw.optimizers.Adam(learning_rate=0.02), "sparse_categorical_crossentropy")
    return model

def callbacks():
    return [gw.callbacks.EarlyStopping(patience=100, restore_best_weights=True),
            gw.callbacks.ReduceLROnPlateau(factor=0.5, patience=1, min_delta=10.0)]

x, y = gw.datasets.spiral(%d, n_classes=3, seed=0)
"""
_names = {}
exec(SETUP % 60, _names)
build, callbacks, x, y = _names["build"], _names["callbacks"], _names["x"], _names["y"]


def _fit(model, extra=(), epochs=6):
    return model.fit(x, y, epochs=epochs, batch_size=16, validation_split=0.25, verbose=0,
                     callbacks=[*callbacks(), *extra])


def _state(model):
    return model.get_weights(), model.optimizer.get_state()


def _assert_same(a, b):
    (wa, oa), (wb, ob) = a, b
    assert all(np.array_equal(u, v) for u, v in zip(wa, wb, strict=True))
    assert sorted(oa) == sorted(ob) and all(np.array_equal(oa[k], ob[k]) for k in oa)


class _Crash(gw.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        if epoch == 3:
            raise RuntimeError("simulated crash")


def test_a_crashed_run_resumes_bit_identical(tmp_path):
    model = build()
    full = _fit(model).history
    expected = _state(model)
    assert full["learning_rate"][0] > full["learning_rate"][-1]      # ReduceLROnPlateau acted

    backup_dir = tmp_path / "backup"
    with pytest.raises(RuntimeError, match="simulated crash"):
        _fit(build(), [gw.callbacks.BackupAndRestore(backup_dir), _Crash()])
    assert (backup_dir / "backup.npz").exists()
    gw.random.seed(123)                                   # the resumed run must not depend on it
    model = build()
    resumed = _fit(model, [gw.callbacks.BackupAndRestore(backup_dir)]).history
    _assert_same(_state(model), expected)
    assert model.optimizer.iterations == 6 * 3
    assert resumed == {k: v[3:] for k, v in full.items()}
    assert not backup_dir.exists()                       # deleted after a normal end


def _images(n=48):
    rng = np.random.default_rng(1)
    images = rng.uniform(0, 1, (n, 6, 6, 1)).astype(np.float32)
    return images, (images[:, :3].mean(axis=(1, 2, 3)) > images[:, 3:].mean(axis=(1, 2, 3))).astype(np.int64)


def _augmenting_model():
    gw.random.seed(0)
    model = gw.Sequential([nn.Input(shape=(6, 6, 1)), nn.RandomFlip(seed=3), nn.RandomTranslation(0.2, 0.2, seed=4),
                           nn.Flatten(), nn.Dropout(0.2), nn.Dense(2, activation="softmax")])
    model.compile(gw.optimizers.Adam(learning_rate=0.01), "sparse_categorical_crossentropy")
    return model


def test_seeded_loaders_augmentation_and_checkpoint_state_resume_bit_identical(tmp_path):
    """The generators of their own that a seeded DataLoader and seeded augmentation layers hold, and
    ModelCheckpoint's best value, are backed up and restored too."""
    images, labels = _images()

    def run(extra, checkpoint_dir):
        model = _augmenting_model()
        loader = gw.data.DataLoader((images, labels), batch_size=8, shuffle=True, seed=7)
        checkpoint = gw.callbacks.ModelCheckpoint(checkpoint_dir / "best.weights.npz", monitor="loss",
                                                  mode="max", save_best_only=True, save_weights_only=True)
        history = model.fit(loader, epochs=6, verbose=0, callbacks=[checkpoint, *extra]).history
        return model, history, checkpoint.best

    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    model, full, best = run([], tmp_path / "a")
    backup = tmp_path / "backup"
    with pytest.raises(RuntimeError, match="simulated crash"):
        run([gw.callbacks.BackupAndRestore(backup), _Crash()], tmp_path / "b")
    gw.random.seed(99)
    resumed_model, resumed, resumed_best = run([gw.callbacks.BackupAndRestore(backup)], tmp_path / "b")
    _assert_same(_state(resumed_model), _state(model))
    assert resumed == {k: v[3:] for k, v in full.items()} and resumed_best == best == max(full["loss"])


def test_an_image_folder_resumes_bit_identical(tmp_path):
    image_module = pytest.importorskip("PIL.Image")
    images, labels = _images(24)
    for i, (image, label) in enumerate(zip(images, labels)):
        os.makedirs(tmp_path / "folder" / str(label), exist_ok=True)
        pixels = (image[..., 0] * 255).astype(np.uint8)
        image_module.fromarray(pixels).save(tmp_path / "folder" / str(label) / f"{i}.png")

    def run(extra):
        model = _augmenting_model()
        folder = gw.data.image_dataset_from_directory(tmp_path / "folder", color_mode="grayscale", image_size=(6, 6),
                                                      batch_size=5, seed=11, verbose=False)
        return model, model.fit(folder, epochs=6, verbose=0, callbacks=extra).history

    model, full = run([])
    with pytest.raises(RuntimeError, match="simulated crash"):
        run([gw.callbacks.BackupAndRestore(tmp_path / "backup"), _Crash()])
    resumed_model, resumed = run([gw.callbacks.BackupAndRestore(tmp_path / "backup")])
    _assert_same(_state(resumed_model), _state(model))
    assert resumed == {k: v[3:] for k, v in full.items()}


def test_the_backup_is_kept_without_delete_checkpoint_and_no_pickle_is_used(tmp_path):
    model = build()
    _fit(model, [gw.callbacks.BackupAndRestore(tmp_path, delete_checkpoint=False)], epochs=2)
    with np.load(tmp_path / "backup.npz", allow_pickle=False) as npz:
        state = json.loads(str(npz["state.json"]))
    assert state["epoch"] == 1 and [n for n, _ in state["callbacks"]] == ["EarlyStopping", "ReduceLROnPlateau"]
    # a finished backup makes a new fit with the same epochs do nothing more
    before = model.get_weights()
    history = _fit(model, [gw.callbacks.BackupAndRestore(tmp_path)], epochs=2)
    assert history.history == {} and all(np.array_equal(u, v) for u, v in zip(before, model.get_weights()))


def test_bad_arguments_and_mismatched_callbacks_raise(tmp_path):
    with pytest.raises(ValueError, match="save_freq must be 'epoch'.*got 10"):
        gw.callbacks.BackupAndRestore(tmp_path, save_freq=10)
    _fit(build(), [gw.callbacks.BackupAndRestore(tmp_path, delete_checkpoint=False)], epochs=1)
    model = build()
    with pytest.raises(ValueError, match="EarlyStopping"):
        model.fit(x, y, epochs=2, verbose=0, callbacks=[gw.callbacks.BackupAndRestore(tmp_path)])


SCRIPT = SETUP + """
import hashlib, sys
import numpy as np
announce = gw.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: print("epoch", epoch, flush=True))
model = build()
model.fit(x, y, epochs=12, batch_size=8, validation_split=0.25, verbose=0,
          callbacks=[*callbacks(), announce, gw.callbacks.BackupAndRestore(sys.argv[1])])
digest = hashlib.sha256()
for array in [*model.get_weights(), *model.optimizer.get_state().values()]:
    digest.update(np.ascontiguousarray(array).tobytes())
print("digest", digest.hexdigest(), flush=True)
"""


def _run(script, backup_dir, kill_after=None, delay=0.0):
    """Run the script; with kill_after, SIGKILL it `delay` s after it reports epoch `kill_after`.
    Returns the digest line (None when killed)."""
    env = dict(os.environ, PYTHONPATH=ROOT)
    proc = subprocess.Popen([sys.executable, str(script), str(backup_dir)], stdout=subprocess.PIPE, text=True,
                            env=env)
    for line in proc.stdout:
        if kill_after is not None and line == f"epoch {kill_after}\n":
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            proc.stdout.close()
            return None
        if line.startswith("digest"):
            digest = line
    assert proc.wait() == 0
    return digest


def test_a_process_killed_at_random_moments_resumes_bit_identical(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT % 960)                      # about 50 ms an epoch: a delay lands within one
    expected = _run(script, tmp_path / "uninterrupted")
    rng = np.random.default_rng(11)
    # after the line of epoch k >= 1 the backup of epoch k-1 exists; 4+ epochs are left
    for trial, epoch in enumerate(sorted(rng.choice(np.arange(1, 8), size=3, replace=False))):
        backup_dir = tmp_path / f"run{trial}"
        assert _run(script, backup_dir, kill_after=int(epoch), delay=rng.uniform(0, 0.05)) is None
        assert (backup_dir / "backup.npz").exists()
        assert _run(script, backup_dir) == expected
        assert not backup_dir.exists()


def test_save_load_model_fit_continues_identically(tmp_path):
    model = build()
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    model.save(tmp_path / "m.gw")
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    gw.random.seed(99)                                   # draws between saving and loading do not matter
    loaded = gw.load_model(tmp_path / "m.gw")
    loaded.fit(x, y, epochs=2, batch_size=16, verbose=0)
    _assert_same(_state(loaded), _state(model))


def test_a_model_file_without_random_state_still_loads(tmp_path):
    model = build()
    model.save(tmp_path / "m.gw")
    with zipfile.ZipFile(tmp_path / "m.gw") as zf:
        files = {name: zf.read(name) for name in zf.namelist()}
    with np.load(io.BytesIO(files["optimizer.npz"]), allow_pickle=False) as npz:
        optimizer_state = {key: npz[key] for key in npz.files if key != "random_state"}
    buffer = io.BytesIO()
    np.savez(buffer, **optimizer_state)
    files["optimizer.npz"] = buffer.getvalue()
    with zipfile.ZipFile(tmp_path / "old.gw", "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    loaded = gw.load_model(tmp_path / "old.gw")
    assert all(np.array_equal(u, v) for u, v in zip(model.get_weights(), loaded.get_weights(), strict=True))
    assert isinstance(loaded.layers[1], nn.BatchNormalization)


def test_cli_train_backup_resumes_a_crashed_run(monkeypatch, capsys, tmp_path):
    from gradwork.cli import main

    def train(out, backup):
        argv = ["train", "--dataset", "blobs", "--model", "mlp", "--hidden", "8", "--epochs", "3", "--no-plots",
                "--verbose", "0", "--out", out, "--backup", backup]
        return main([str(a) for a in argv])

    assert train(tmp_path / "full", tmp_path / "b0") == 0 and not (tmp_path / "b0").exists()
    log_epoch_end = gw.callbacks.CSVLogger.on_epoch_end

    def crash(self, epoch, logs=None):
        if epoch == 1:
            raise RuntimeError("simulated crash")
        log_epoch_end(self, epoch, logs)

    monkeypatch.setattr(gw.callbacks.CSVLogger, "on_epoch_end", crash)
    assert train(tmp_path / "resumed", tmp_path / "b1") == 1
    monkeypatch.undo()
    assert train(tmp_path / "resumed", tmp_path / "b1") == 0
    assert "resuming from the backup" in capsys.readouterr().out
    full, resumed = gw.load_model(tmp_path / "full" / "model.gw"), gw.load_model(tmp_path / "resumed" / "model.gw")
    _assert_same(_state(full), _state(resumed))
    assert len((tmp_path / "resumed" / "history.csv").read_text().splitlines()) == 4   # header + 3 epochs
