"""Shared pieces of the benchmarks: thread settings, alternating timed rounds, and the report table.

The machines are noisy (about +-20% minute to minute), so implementations are alternated in
rounds, the order reversed every other round, and ratios are medians of per-round ratios.
"""
import ctypes
import argparse
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np
import torch

import gradwork as gw


# ----- threads ----------------------------------------------------------------------------------
def _openblas_libraries():
    """ctypes handles of the OpenBLAS libraries loaded in this process (Linux: read from /proc/self/maps)."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return []
    paths = sorted({line.split()[-1] for line in maps.splitlines()
                    if "openblas" in line.lower() and "/" in line})
    handles = []
    for path in paths:
        try:
            handles.append(ctypes.CDLL(path))
        except OSError:
            pass
    return handles


def _openblas_call(lib, names, *args):
    for name in names:
        fn = getattr(lib, name, None)
        if fn is not None:
            return fn(*args)
    return None


def set_threads(n):
    """Use `n` threads in OpenBLAS (NumPy's BLAS, set at run time through its C API) and in PyTorch.

    Returns the OpenBLAS thread counts read back (None where the library could not be reached),
    so the printed environment says what was actually in force.
    """
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)  # for any child process; this one is set below
    torch.set_num_threads(n)
    setters = ("scipy_openblas_set_num_threads64_", "openblas_set_num_threads64_", "openblas_set_num_threads")
    getters = ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_", "openblas_get_num_threads")
    found = []
    for lib in _openblas_libraries():
        _openblas_call(lib, setters, ctypes.c_int(n))
        found.append(_openblas_call(lib, getters))
    return [f for f in found if f is not None] or None


# ----- timing -----------------------------------------------------------------------------------
CLOCKS = {
    "wall": time.perf_counter,
    # CPU time of this thread only: immune to being descheduled on a loaded machine, but blind to
    # work on other threads (none at these sizes: tiny GEMMs and ufuncs run on the calling thread)
    "thread": time.thread_time,
}


def _time_block(step, reps, clock):
    start = clock()
    for _ in range(reps):
        step()
    return (clock() - start) / reps


def _calibrate(step, block_s, clock):
    """Repetitions of `step` that take about `block_s` seconds (after a short warm-up)."""
    for _ in range(3):
        step()
    reps = 1
    while True:
        t = _time_block(step, reps, clock) * reps
        if t >= block_s / 4 or reps >= 1 << 20:
            return max(1, round(reps * block_s / max(t, 1e-9)))
        reps *= 4


def measure(cases, rounds, block_s, clock=time.perf_counter):
    """Seconds per call of each step in `cases` ({name: step}), one list entry per round.

    Every round runs each step for a block of about `block_s` seconds; the order is reversed every
    other round, so a slow minute of the machine falls on all of them alike.
    """
    reps = {name: _calibrate(step, block_s, clock) for name, step in cases.items()}
    times = {name: [] for name in cases}
    names = list(cases)
    for r in range(rounds):
        for name in names if r % 2 == 0 else names[::-1]:
            times[name].append(_time_block(cases[name], reps[name], clock))
    return times


def _quartiles(values):
    q = statistics.quantiles(values, n=4, method="inclusive")
    return q[0], statistics.median(values), q[2]


# ----- report -----------------------------------------------------------------------------------
def argument_parser(doc, timed_rounds=True):
    """The command line every benchmark shares: --threads; with `timed_rounds`, --quick and --clock."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1),
                        help="threads for both OpenBLAS and PyTorch (default: min(2, CPUs))")
    if timed_rounds:
        parser.add_argument("--quick", action="store_true", help="few, short rounds")
        parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                            help="wall: time.perf_counter (default); thread: this thread's CPU time, for a "
                                 "machine so loaded that wall-clock medians mostly measure waiting")
    return parser


def prepare(threads):
    """Set the thread counts, keep freed memory in the process (`gw.memory.keep_freed_memory`, for
    both libraries: they share the C allocator), and print the environment."""
    blas_threads = set_threads(threads)
    print_environment(threads, blas_threads, gw.memory.keep_freed_memory())


def print_environment(threads, blas_threads, kept_memory=False):
    print("Environment")
    print(f"  Python {platform.python_version()} ({platform.machine()}, {os.cpu_count()} CPUs), "
          f"NumPy {np.__version__}, PyTorch {torch.__version__}, gradwork {gw.__version__}")
    blas = "not found via ctypes; set OPENBLAS_NUM_THREADS" if blas_threads is None else blas_threads
    print(f"  threads requested: {threads}; OpenBLAS (NumPy) reports {blas}; "
          f"torch.get_num_threads() = {torch.get_num_threads()}")
    allocator = "freed memory kept for reuse (both libraries)" if kept_memory else "glibc defaults"
    print(f"  float32 everywhere; gc enabled (as in a training loop); malloc: {allocator}")


def print_table(title, times, reference, ops=None):
    print(f"\n{title}")
    header = (f"  {'implementation':<23}{'median':>11}{'IQR':>21}{'min':>11}"
              f"{'ratio to PyTorch':>18}{'ratio IQR':>14}")
    if ops:
        header += f"{'median/op':>11}"
    print(header)
    for name, ts in times.items():
        q1, med, q3 = _quartiles(ts)
        ratios = [t / r for t, r in zip(ts, times[reference])]
        r1, rmed, r3 = _quartiles(ratios)
        line = (f"  {name:<23}{_fmt(med):>11}{_fmt(q1) + ' - ' + _fmt(q3):>21}{_fmt(min(ts)):>11}"
                f"{rmed:>17.2f}x{f'{r1:.2f} - {r3:.2f}':>14}")
        if ops:
            line += f"{_fmt(med / ops):>11}"
        print(line)


def _fmt(seconds):
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} us"


