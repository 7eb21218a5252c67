"""`BackupAndRestore`: resume a killed training run from its last finished epoch, bit for bit."""
import json
import os

import numpy as np

from .. import random
from ..saving.model_io import atomic_write
from .callback import Callback

_FILE = "backup.npz"


def _encode(value, arrays):
    """`value` with every array replaced by {"__array__": key} and stored in `arrays` under that key."""
    if isinstance(value, np.ndarray):
        key = f"callbacks/{len(arrays)}"
        arrays[key] = value
        return {"__array__": key}
    if isinstance(value, (list, tuple)):
        return [_encode(v, arrays) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v, arrays) for k, v in value.items()}
    return value.item() if isinstance(value, np.generic) else value


def _decode(value, arrays):
    """The inverse of `_encode`."""
    if isinstance(value, dict):
        if set(value) == {"__array__"}:
            return arrays[value["__array__"]]
        return {k: _decode(v, arrays) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v, arrays) for v in value]
    return value


def _entries(npz, prefix):
    """The arrays of `npz` whose key starts with `prefix`, keyed by the rest."""
    return {key[len(prefix):]: npz[key] for key in npz.files if key.startswith(prefix)}


class BackupAndRestore(Callback):
    """Backs training up at the end of every epoch, and resumes from the backup when `fit` is run again.

    The backup (one file, ``backup_dir/backup.npz``, JSON and arrays, written atomically) holds the
    model's weights (non-trainable ones included), the optimizer's state (its step count included),
    gradwork's random generator (`gw.random.get_state`), the last finished epoch, and the state of
    every other callback that has one (`get_state`: EarlyStopping, ReduceLROnPlateau, ModelCheckpoint),
    and the generators of their own that layers and the training data hold (`get_random_state`: a
    seeded augmentation layer, a seeded `gw.data.DataLoader`, an image folder; a PyDataset of yours
    may define `get_random_state()` and `set_random_state(state)` too). When `fit` starts and a
    backup exists, all of it is put back and `fit` continues with the next epoch, so a run killed at
    any moment and started again ends bit-identical to one that was never stopped (with shuffling,
    dropout and augmentation). The callback list runs this callback after all others, so it saves
    their end-of-epoch state and restores theirs after their `on_train_begin`.

    With `steps_per_epoch` on data whose passes run across epochs, a resumed run starts a new pass
    of the data; without it (one pass per epoch) nothing is lost.

    Parameters
    ----------
    backup_dir : str or PathLike
        The folder for the backup (created); use one per training run.
    save_freq : "epoch"
        Only "epoch" (backing up every N batches is not supported).
    delete_checkpoint : bool
        Delete the backup when training ends normally (not after an exception or a kill).

    Examples
    --------
    >>> model.fit(x, y, epochs=50, callbacks=[BackupAndRestore("run1_backup")])  # killed? run it again
    """

    def __init__(self, backup_dir: str | os.PathLike, save_freq: str = "epoch", delete_checkpoint: bool = True):
        super().__init__()
        if save_freq != "epoch":
            raise ValueError(f"BackupAndRestore: save_freq must be 'epoch' (backing up every N batches is "
                             f"not supported), got {save_freq!r}")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.delete_checkpoint = delete_checkpoint
        self.callbacks = []

    @property
    def path(self) -> str:
        """The backup file."""
        return os.path.join(self.backup_dir, _FILE)

    def set_callbacks(self, callbacks: list[Callback]) -> None:
        """Receive the other callbacks of the run, whose states are backed up (`CallbackList` calls it)."""
        self.callbacks = [cb for cb in callbacks if cb is not self]

    def _stateful(self):
        return [cb for cb in self.callbacks if cb.get_state() is not None]

    def _random_owners(self):
        """(name, owner) of each generator of its own: the model's layers' (by path), then the training data's."""
        owners = [(path, layer) for path, layer in self.model.named_layers() if hasattr(layer, "get_random_state")]
        data = (self.params or {}).get("data")
        return owners + ([("data", data)] if hasattr(data, "get_random_state") else [])

    def on_train_begin(self, logs: dict | None = None) -> None:
        if not os.path.exists(self.path):
            return
        with np.load(self.path, allow_pickle=False) as npz:
            state = json.loads(str(npz["state.json"]))
            weights, optimizer = _entries(npz, "weights/"), _entries(npz, "optimizer/")
            callback_arrays = {key: npz[key] for key in npz.files if key.startswith("callbacks/")}
        stateful = self._stateful()
        names = [type(cb).__name__ for cb in stateful]
        if names != [name for name, _ in state["callbacks"]]:
            raise ValueError(f"BackupAndRestore: the backup in {self.backup_dir} holds the state of callbacks "
                             f"{[name for name, _ in state['callbacks']]}, this run has {names}")
        owners = self._random_owners()
        saved = [name for name, _ in state.get("generators", [])]
        if [name for name, _ in owners] != saved:
            raise ValueError(f"BackupAndRestore: the backup in {self.backup_dir} holds the generators of {saved}, "
                             f"this run has {[name for name, _ in owners]}")
        self.model.load_state_dict(weights)
        self.model.optimizer.set_state(optimizer)
        self.model.optimizer.build(self.model.trainable_weights)
        random.set_state(state["random"])
        for (_, owner), (_, owner_state) in zip(owners, state["generators"]):
            owner.set_random_state(_decode(owner_state, callback_arrays))
        for cb, (_, cb_state) in zip(stateful, state["callbacks"]):
            cb.set_state(_decode(cb_state, callback_arrays))
        self.model.resume_epoch = state["epoch"] + 1

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        arrays = {}
        state = {"epoch": epoch, "random": random.get_state(),
                 "callbacks": [[type(cb).__name__, _encode(cb.get_state(), arrays)] for cb in self._stateful()],
                 "generators": [[name, _encode(owner.get_random_state(), arrays)]
                                for name, owner in self._random_owners()]}
        arrays.update({"weights/" + k: np.asarray(v) for k, v in self.model.state_dict().items()})
        arrays.update({"optimizer/" + k: v for k, v in self.model.optimizer.get_state().items()})
        arrays["state.json"] = np.array(json.dumps(state))
        atomic_write(self.path, lambda f: np.savez(f, **arrays))

    def on_train_end(self, logs: dict | None = None) -> None:
        if not (self.delete_checkpoint and os.path.exists(self.path)):
            return
        os.remove(self.path)
        for name in os.listdir(self.backup_dir):  # temp files of writes that a kill cut short
            if name.startswith(".tmp-") and name.endswith(_FILE):
                os.remove(os.path.join(self.backup_dir, name))
        if not os.listdir(self.backup_dir):
            os.rmdir(self.backup_dir)
