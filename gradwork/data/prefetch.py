"""Loading batches ahead, in worker threads or processes, yielded in order: shared by `DataLoader`
(`num_workers`) and `PyDataset` (`workers`, `use_multiprocessing`).

>>> list(in_order(lambda i: i * i, 5, workers=2, max_queued=3))
[0, 1, 4, 9, 16]
"""
import concurrent.futures
import multiprocessing
import queue
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

# The `load` of a worker process: set once per process by the pool's initializer, so it is sent to
# each process once and every task sends only an index.
_process_load = None


def _start_worker(worker_init_fn, worker_ids) -> None:
    """Run in each new worker: `worker_init_fn(its id)`, the ids 0 .. workers - 1 taken from a queue."""
    if worker_init_fn is not None:
        worker_init_fn(worker_ids.get())


def _install_load(load, worker_init_fn=None, worker_ids=None) -> None:
    global _process_load
    _process_load = load
    _start_worker(worker_init_fn, worker_ids)


def _load_in_process(index: int):
    return _process_load(index)


def in_order(load: Callable[[int], Any], count: int, workers: int = 0, max_queued: int = 1,
             processes: bool = False, start_method: str | None = None, timeout: float = 0,
             worker_init_fn: Callable[[int], None] | None = None) -> Iterator:
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
    timeout : float
        With workers, the most seconds to wait for one result (0: no limit).
    worker_init_fn : callable, int -> None, optional
        Called once in each worker as it starts, with its id (0 .. workers - 1); picklable with processes.

    Yields
    ------
    load(i) for i in range(count), in order, whatever order the workers finish in.

    Raises
    ------
    LoadingTimeout
        A RuntimeError: a result took longer than `timeout` seconds.
    """
    if workers == 0:
        yield from map(load, range(count))
        return
    pool: Executor
    if processes:
        context = multiprocessing.get_context(start_method)
        worker_ids = _numbered(context.Queue(), workers) if worker_init_fn is not None else None
        pool = ProcessPoolExecutor(workers, context, initializer=_install_load,
                                   initargs=(load, worker_init_fn, worker_ids))
        submit = lambda i: pool.submit(_load_in_process, i)  # noqa: E731
    else:
        pool = ThreadPoolExecutor(workers, thread_name_prefix="gradwork-data", initializer=_start_worker,
                                  initargs=(worker_init_fn, _numbered(queue.Queue(), workers)))
        submit = lambda i: pool.submit(load, i)  # noqa: E731
    pending: deque = deque()
    timed_out = False
    try:
        for i in range(count):
            pending.append(submit(i))
            if len(pending) >= max_queued:
                yield _result(pending.popleft(), timeout)
        while pending:
            yield _result(pending.popleft(), timeout)
    except LoadingTimeout:
        timed_out = True
        raise
    finally:  # also when the consumer stops early: drop what is queued, let running tasks finish
        for future in pending:
            future.cancel()
        pool.shutdown(wait=not timed_out)  # a stuck worker is not waited for


class LoadingTimeout(RuntimeError):
    """A worker took longer than the loader's `timeout` to load a batch."""


def _numbered(ids, count: int):
    """`ids`, a queue, holding the worker ids 0 .. count - 1."""
    for i in range(count):
        ids.put(i)
    return ids


def _result(future, timeout: float):
    """The future's result, waiting at most `timeout` seconds (0: no limit)."""
    try:
        return future.result(timeout or None)
    except concurrent.futures.TimeoutError:
        raise LoadingTimeout(f"loading timed out: a batch took more than timeout={timeout} seconds") from None
