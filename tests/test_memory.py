"""gw.memory.keep_freed_memory: after it, freeing and reallocating a large array costs no page faults."""
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    import resource
    import numpy as np
    import gradwork as gw

    def faults_per_round(rounds=4):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        for _ in range(rounds):
            block = np.ones(4 << 20)  # 32 MiB, written: every page touched
            del block
        return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / rounds

    default = faults_per_round()
    applied = gw.memory.keep_freed_memory()
    faults_per_round(1)  # the heap grows once
    print(applied, default, faults_per_round())
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_freed_large_blocks_are_reused_without_page_faults():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True).stdout
    applied, default, kept = out.split()
    if applied != "True":
        pytest.skip("the C library has no mallopt (not glibc)")
    # By default glibc maps and unmaps a block this large on every round: at least one fault per
    # 2 MiB (NumPy asks for transparent huge pages; with 4 KiB pages it is thousands).
    assert float(default) >= 16
    assert float(kept) < 1  # kept in the heap: reused without faulting any page in again
