"""benchlib.py — what the bench/b_*.py modules share: the thread count both
sides get, running our side's C program, and median timing of the peer.

    THREADS                      OB_BENCH_THREADS, default 2 (ours gets it as
                                 OMP_NUM_THREADS, the peer as its own setting)
    ours(build_dir, name, *args) runs BUILD/bench/NAME and returns its lines
                                 `CASE<TAB>median_ms<TAB>repeats<TAB>extra` as
                                 (case, ms, repeats, extra) tuples
    median_ms(fn, repeats, warmup=1)
"""
import os
import statistics
import subprocess
import sys
import time

THREADS = int(os.environ.get("OB_BENCH_THREADS", "2"))


def ours(build_dir, name, *args):
    exe = os.path.join(build_dir, "bench", name)
    env = dict(os.environ, OMP_NUM_THREADS=str(THREADS))
    text = subprocess.run([exe, *args], check=True, capture_output=True, text=True, env=env).stdout
    rows = []
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) >= 3:
            rows.append((parts[0], float(parts[1]), int(parts[2]), parts[3] if len(parts) > 3 else ""))
    return rows


def median_ms(fn, repeats, warmup=1):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


TORCH_PYTHONS = [os.environ.get("OB_TORCH_PYTHON", ""), "/opt/obscura/torchenv/bin/python",
                 "/tmp/torchenv/bin/python"]


def torch_python():
    """A python executable that imports torch — this one, $OB_TORCH_PYTHON, or
    the venv .ci/setup makes (/opt/obscura/torchenv) — or None."""
    try:
        import torch  # noqa: F401
        return sys.executable
    except ImportError:
        pass
    for py in TORCH_PYTHONS:
        if py and os.access(py, os.X_OK) and subprocess.run([py, "-c", "import torch"], capture_output=True).returncode == 0:
            return py
    return None


# Prepended to every peer script: benchlib's own timing loop, so the PyTorch
# sides (run in another interpreter) time exactly as the other peers do.
def _torch_prelude():
    import inspect
    return "import statistics, time\n" + inspect.getsource(median_ms)


def run_torch(py, script, payload):
    """Runs `script` (after benchlib's median_ms, which it can call) in the
    torch python `py` with argv = THREADS and the JSON of `payload`; returns the
    JSON the script prints as its last line."""
    import json
    res = subprocess.run([py, "-c", _torch_prelude() + script, str(THREADS), json.dumps(payload)], check=True,
                         capture_output=True, text=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def interleaved(rounds, run_ours, run_peer):
    """`rounds` alternating rounds of our side and the peer, each side's figure
    the median of its rounds: on a shared machine whose speed drifts between
    minutes both sides meet the same drift. run_ours() -> [(case, ms, repeats,
    extra)] (one case); run_peer(repeats, extra) -> {"ms", "version"}. Returns
    (case, ours_ms, peer_ms, peer_version) or None when ours printed nothing."""
    mine, theirs, case, version = [], [], None, ""
    for _ in range(rounds):
        for case, ms, repeats, extra in run_ours():
            peer = run_peer(repeats, extra)
            mine.append(ms)
            theirs.append(peer["ms"])
            version = peer["version"]
    if not mine:
        return None
    return case, statistics.median(mine), statistics.median(theirs), version
