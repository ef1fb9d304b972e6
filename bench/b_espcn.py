"""b_espcn.py — one ESPCN x3 training step for bench/run: ours (bench_espcn) vs PyTorch CPU.

    run(build_dir) -> [(case, ours_ms, peer_name, peer_ms)]

Runs BUILD_DIR/bench/bench_espcn (espcn3_train_step_b64_17x17: zero_grad +
forward + MSE + backward + Adam step on a batch of 64 single-channel 17x17
crops against 51x51 targets) and times the identical step in torch:
    nn.Sequential(nn.Conv2d(1, 64, 5, padding=2), nn.Tanh(),
                  nn.Conv2d(64, 32, 3, padding=1), nn.Tanh(),
                  nn.Conv2d(32, 9, 3, padding=1), nn.PixelShuffle(3))
with PyTorch's default init, nn.MSELoss(), torch.optim.Adam defaults,
torch.set_num_threads(THREADS) — the thread count ours gets as
OMP_NUM_THREADS. 2 warm-up steps, median of the same repeats as ours.
The two sides run in ROUNDS interleaved rounds (ours, torch, ours, torch, ...)
and each side's figure is the median over its rounds: on a shared machine whose
speed drifts by tens of percent between minutes, interleaving exposes both to
the same drift, which one back-to-back pair does not.
torch is looked for by benchlib.torch_python (this python, $OB_TORCH_PYTHON, the
.ci/setup venv; run as a subprocess); without it the benchmark prints a note and
returns no rows.
Standalone: /usr/bin/python3 bench/b_espcn.py BUILD_DIR
"""
import os
import sys

from benchlib import interleaved, ours, run_torch, torch_python

N, H, W = 64, 17, 17
CASE = "espcn3_train_step_b%d_%dx%d" % (N, H, W)
ROUNDS = 3

# Runs in the python that has torch: argv = threads, JSON [n, h, w, repeats];
# prints JSON {"version": ..., "ms": ...}.
PEER = r"""
import json, sys
import torch
import torch.nn as nn
torch.set_num_threads(int(sys.argv[1]))
n, h, w, repeats = json.loads(sys.argv[2])
torch.manual_seed(0)
model = nn.Sequential(nn.Conv2d(1, 64, 5, padding=2), nn.Tanh(),
                      nn.Conv2d(64, 32, 3, padding=1), nn.Tanh(),
                      nn.Conv2d(32, 9, 3, padding=1), nn.PixelShuffle(3))
opt = torch.optim.Adam(model.parameters())
loss_fn = nn.MSELoss()
g = torch.Generator().manual_seed(12345)
x = torch.rand(n, 1, h, w, generator=g)
t = torch.rand(n, 1, 3 * h, 3 * w, generator=g)
def step():
    opt.zero_grad()
    loss = loss_fn(model(x), t)
    loss.backward()
    opt.step()
print(json.dumps({"version": torch.__version__, "ms": median_ms(step, repeats, warmup=2)}))
"""


def run(build_dir):
    py = torch_python()
    if py is None:
        print("b_espcn: torch is not importable (here, $OB_TORCH_PYTHON or the .ci/setup venv): no ESPCN row")
        return []
    def peer(repeats, extra):
        return run_torch(py, PEER, [N, H, W, repeats])
    r = interleaved(ROUNDS, lambda: [row for row in ours(build_dir, "bench_espcn") if row[0] == CASE], peer)
    if r is None:
        return []
    return [(r[0], r[1], "torch %s CPU" % r[3], r[2])]

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: /usr/bin/python3 bench/b_espcn.py BUILD_DIR")
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    for case, o, peer_name, peer_ms in run(sys.argv[1]):
        print(f"{case}\t{o:.3f}\t{peer_name}\t{peer_ms:.3f}\t{peer_ms / o:.2f}x")
