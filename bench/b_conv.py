"""b_conv.py — the conv2d benchmark for bench/run: ours (bench_conv) vs PyTorch CPU.

    run(build_dir) -> [(case, ours_ms, peer_name, peer_ms), ...]

Runs BUILD_DIR/bench/bench_conv and the peer in ROUNDS interleaved rounds (each
side's figure: the median of its rounds), parses its `CASE<TAB>median_ms<TAB>repeats<TAB>extra`
lines, rebuilds each case (conv2d_fb_NxCxHxW_oO_kK_pP[_dx]: forward, then backward
with weight and bias gradients, and the input's when _dx; conv2d_f_...: the
forward alone, under torch.no_grad()) and times F.conv2d (+ autograd) with
torch.set_num_threads(THREADS) — the thread count ours gets as OMP_NUM_THREADS
(OpenBLAS reads it too).
torch is looked for by benchlib.torch_python (this python, $OB_TORCH_PYTHON, the
venv .ci/setup makes); without it the benchmark prints a note and returns no rows.
Standalone: /usr/bin/python3 bench/b_conv.py BUILD_DIR
"""
import os
import re
import statistics
import sys

from benchlib import ours, run_torch, torch_python

ROUNDS = 3
CASE = re.compile(r"^conv2d_(fb|f)_(\d+)x(\d+)x(\d+)x(\d+)_o(\d+)_k(\d+)_p(\d+)(_dx)?$")

# Runs in the python that has torch: argv = threads, then JSON [[n, c, h, w, o, k, p, dx, repeats], ...]
# (dx: 1 input gradient too, 0 not, -1 the forward alone); prints JSON {"version": ..., "ms": [...]}.
PEER = r"""
import json, sys
import torch
import torch.nn.functional as F
torch.set_num_threads(int(sys.argv[1]))
out = []
for n, c, h, w, o, k, p, dx, repeats in json.loads(sys.argv[2]):
    g = torch.Generator().manual_seed(0)
    x = torch.rand(n, c, h, w, generator=g).requires_grad_(dx > 0)
    wt = (torch.rand(o, c, k, k, generator=g) - 0.5).requires_grad_(dx >= 0)
    b = torch.zeros(o, requires_grad=dx >= 0)
    gy = torch.rand(n, o, h + 2 * p - k + 1, w + 2 * p - k + 1, generator=g) - 0.5
    def step():
        if dx < 0:
            with torch.no_grad():
                F.conv2d(x, wt, b, padding=p)
            return
        y = F.conv2d(x, wt, b, padding=p)
        y.backward(gy)
    out.append(median_ms(step, repeats, warmup=3))
print(json.dumps({"version": torch.__version__, "ms": out}))
"""


def run(build_dir):
    py = torch_python()
    if py is None:
        print("b_conv: torch is not importable (here, $OB_TORCH_PYTHON or the .ci/setup venv): no conv rows")
        return []
    mine, theirs, payload, version = {}, {}, None, ""
    for _ in range(ROUNDS):  # interleaved: ours (every case), then torch (every case)
        cases = []
        for case, ms, repeats, _ in ours(build_dir, "bench_conv"):
            m = CASE.match(case)
            if m:
                n, c, h, w, o, k, p = map(int, m.groups()[1:8])
                dx = -1 if m.group(1) == "f" else int(bool(m.group(9)))
                cases.append((case, [n, c, h, w, o, k, p, dx, repeats]))
                mine.setdefault(case, []).append(ms)
        if not cases:
            return []
        peer = run_torch(py, PEER, [c[1] for c in cases])
        version = peer["version"]
        for (case, _), pms in zip(cases, peer["ms"]):
            theirs.setdefault(case, []).append(pms)
    return [(case, statistics.median(mine[case]), "torch %s" % version, statistics.median(theirs[case])) for case in mine]

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: /usr/bin/python3 bench/b_conv.py BUILD_DIR")
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    for case, o, peer_name, peer_ms in run(sys.argv[1]):
        print(f"{case}\t{o:.3f}\t{peer_name}\t{peer_ms:.3f}\t{peer_ms / o:.2f}x")
