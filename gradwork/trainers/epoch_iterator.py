"""`EpochIterator`: the one loop-facing view of a data adapter, epoch by epoch (Keras's semantics).

Without `steps_per_epoch` an epoch is one whole pass over the data (a generator ends its epoch when it
is exhausted). With it, an epoch is that many batches, and the data continue where the last epoch
stopped: a pass that runs out mid-epoch ends that epoch early (a warning), and the next epoch starts a
new pass. A source that yields no batch at all when an epoch starts (an exhausted generator) is out of
data: the epoch is empty and `exhausted` is set, for the trainer to stop.
"""
import warnings

from collections.abc import Iterator

from .data_adapters import DataAdapter


class EpochIterator:
    """Yields (step, batch) for one epoch per iteration over it.

    Parameters
    ----------
    adapter : DataAdapter
    steps_per_epoch : int, optional
        Batches per epoch; None: one pass (`adapter.num_batches`, None for an unknown length).
    argument : str
        The name of the argument `steps_per_epoch` came as, for messages ("steps_per_epoch", "steps").
    """

    def __init__(self, adapter: DataAdapter, steps_per_epoch: int | None = None,
                 argument: str = "steps_per_epoch"):
        if steps_per_epoch is not None and (
                isinstance(steps_per_epoch, bool) or not isinstance(steps_per_epoch, int) or steps_per_epoch < 1):
            raise ValueError(f"{argument} must be a positive integer or None, got {steps_per_epoch!r}")
        self.adapter, self.steps_per_epoch, self.argument = adapter, steps_per_epoch, argument
        self.exhausted = False
        self._iterator = None

    @property
    def steps(self) -> int | None:
        """Batches per epoch: `steps_per_epoch`, else the adapter's `num_batches` (None: unknown)."""
        return self.steps_per_epoch if self.steps_per_epoch is not None else self.adapter.num_batches

    def __iter__(self) -> Iterator[tuple[int, tuple]]:
        step, fresh = 0, False
        while self.steps_per_epoch is None or step < self.steps_per_epoch:
            if self._iterator is None:
                self._iterator, fresh = self.adapter.get_iterator(), True
            try:
                batch = next(self._iterator)
            except StopIteration:
                self._iterator = None
                self.adapter.on_epoch_end()
                if step == 0 and not fresh:
                    continue  # the last epoch ended exactly at the end of a pass: start the next pass
                if step == 0 and self.adapter.num_batches == 0:
                    return  # empty in-memory data: an empty epoch, as a pass over no samples
                if step == 0:
                    self.exhausted = True
                    warnings.warn(f"the data ran out: no batch left for this epoch; make sure it yields at "
                                  f"least {self.argument} * epochs batches", stacklevel=3)
                elif self.steps_per_epoch is not None:
                    warnings.warn(f"the data ran out after {step} of {self.argument}={self.steps_per_epoch} "
                                  "batches in this epoch; the next epoch starts a new pass", stacklevel=3)
                return
            fresh = False
            yield step, batch
            step += 1
