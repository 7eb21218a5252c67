"""Callbacks: objects that `fit`, `evaluate` and `predict` call at fixed points to watch or steer a run.

>>> cbs = [gw.callbacks.EarlyStopping(patience=3, restore_best_weights=True),
...        gw.callbacks.CSVLogger("log.csv")]
>>> history = model.fit(x, y, validation_split=0.2, epochs=50, callbacks=cbs)
>>> history.history["val_loss"]
"""
from .backup_and_restore import BackupAndRestore
from .callback import Callback
from .callback_list import CallbackList
from .csv_logger import CSVLogger
from .early_stopping import EarlyStopping
from .history import History
from .lambda_callback import LambdaCallback
from .learning_rate_scheduler import LearningRateScheduler
from .model_checkpoint import ModelCheckpoint
from .progbar_logger import ProgbarLogger
from .reduce_lr_on_plateau import ReduceLROnPlateau
from .terminate_on_nan import TerminateOnNaN

__all__ = ["BackupAndRestore", "Callback", "CallbackList", "CSVLogger", "EarlyStopping", "History", "LambdaCallback",
           "LearningRateScheduler", "ModelCheckpoint", "ProgbarLogger", "ReduceLROnPlateau", "TerminateOnNaN"]
