"""Trainers: the loops of `fit`, `evaluate` and `predict`, fed by one `EpochIterator` over a data adapter.

A batch's path: `Trainer.fit` (trainer.py) chooses one adapter (data_adapters.py; in-memory arrays are
checked whole by arrays.py, streamed batches one by one) -> `EpochIterator` (epoch_iterator.py) yields
(step, batch) -> `Model.train_step(data)` (models/model.py) -> `compute_loss` (models/compile_utils.py).
"""
from .data_adapters import (ArrayDataAdapter, DataAdapter, IterableDataAdapter, PyDatasetAdapter,
                            is_in_memory)
from .epoch_iterator import EpochIterator
from .nested import unpack_x_y_sample_weight
from .trainer import Trainer

__all__ = ["Trainer", "EpochIterator", "DataAdapter", "ArrayDataAdapter", "IterableDataAdapter",
           "PyDatasetAdapter", "is_in_memory", "unpack_x_y_sample_weight"]
