"""A Ctrl-C while the local Dask cluster starts its workers does not kill them."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import os, signal, sys, threading, time


    def main() -> None:
        seen = []
        handler = lambda *args: seen.append(1)
        signal.signal(signal.SIGINT, handler)
        from planner.sweep.cluster import close_local, local_cluster

        def ctrl_c() -> None:
            time.sleep(float(sys.argv[1]))
            os.killpg(0, signal.SIGINT)  # as a terminal does: the whole process group

        threading.Thread(target=ctrl_c, daemon=True).start()
        cluster = local_cluster(2)
        time.sleep(1.5)
        restored = signal.getsignal(signal.SIGINT) is handler
        print("workers", len(cluster.workers), "restored", restored, flush=True)
        close_local(cluster)


    if __name__ == "__main__":
        main()
    """
)


def test_a_ctrl_c_while_the_workers_start_leaves_them_running(tmp_path: Path) -> None:
    """A SIGINT sent to the whole process group 0.8 s into starting a two-worker local
    cluster (while its worker processes start) kills none of them: the cluster starts
    with both, nothing is written to stderr (it was two KeyboardInterrupt tracebacks
    and "Nanny failed to start"), and the program's own Ctrl-C handler is back once
    the cluster runs."""
    script = tmp_path / "start.py"
    script.write_text(SCRIPT, encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, str(script), "0.8"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        start_new_session=True,  # its own process group, so the SIGINT stays in it
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.split() == ["workers", "2", "restored", "True"]
