"""Loading batches ahead, in worker threads or processes, yielded in order: shared by `DataLoader`
(`num_workers`) and `PyDataset` (`workers`, `use_multiprocessing`).

>>> list(in_order(lambda i: i * i, 5, workers=2, max_queued=3))
[0, 1, 4, 9, 16]
"""
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

# The `load` of a worker process: set once per process by the pool's initializer, so it is sent to
# each process once and every task sends only an index.
_process_load = None


def _install_load(load) -> None:
    global _process_load
    _process_load = load


def _load_in_process(index: int):
    return _process_load(index)


def in_order(load: Callable[[int], Any], count: int, workers: int = 0, max_queued: int = 1,
             processes: bool = False, start_method: str | None = None) -> Iterator:
    """Yield `load(0), ..., load(count - 1)` in that order, computed ahead by a pool of workers.

    Parameters
    ----------
    load : callable, int -> result
        With `processes=True` it must be picklable (a bound method such as `dataset.__getitem__`
        pickles its object): it is sent once to each process.
    count : int
        How many results.
    workers : int
        Threads (or processes) that run `load`; 0 runs it in the caller's thread, when asked for.
    max_queued : int
        Results submitted ahead of the one being consumed (at least 1).
    processes : bool
        Worker processes instead of threads.
    start_method : "fork", "spawn", "forkserver" or None
        How worker processes start (`multiprocessing.get_context`); None: the platform's default.

    Yields
    ------
    load(i) for i in range(count), in order, whatever order the workers finish in.
    """
    if workers == 0:
        yield from map(load, range(count))
        return
    pool: Executor
    if processes:
        pool = ProcessPoolExecutor(workers, multiprocessing.get_context(start_method), initializer=_install_load,
                                   initargs=(load,))
        submit = lambda i: pool.submit(_load_in_process, i)  # noqa: E731
    else:
        pool = ThreadPoolExecutor(workers, thread_name_prefix="gradwork-data")
        submit = lambda i: pool.submit(load, i)  # noqa: E731
    pending: deque = deque()
    try:
        for i in range(count):
            pending.append(submit(i))
            if len(pending) >= max_queued:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:  # also when the consumer stops early: drop what is queued, let running tasks finish
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True)
