"""b_espcn_infer.py — ESPCN x3 inference on one 640x360 Y image (to 1920x1080)
for bench/run: ours (bench_espcn_infer) vs PyTorch CPU under torch.no_grad().

    run(build_dir) -> [(case, ours_ms, peer_name, peer_ms)]

bench_espcn_infer writes its weights (the zoo's espcn3, seed 0) as safetensors;
the peer loads them into
    nn.Sequential(nn.Conv2d(1, 64, 5, padding=2), nn.Tanh(),
                  nn.Conv2d(64, 32, 3, padding=1), nn.Tanh(),
                  nn.Conv2d(32, 9, 3, padding=1), nn.PixelShuffle(3))
with load_state_dict(strict=True), so both run the same net on the same input
(ours prints the output's mean, the peer checks it within 1e-4). Same threads
(torch.set_num_threads = OMP_NUM_THREADS), 2 warm-ups, median of the same
repeats, ROUNDS interleaved rounds, the median of each side's rounds.
Standalone: /usr/bin/python3 bench/b_espcn_infer.py BUILD_DIR
"""
import os
import re
import sys
import tempfile

from benchlib import interleaved, ours, run_torch, torch_python

ROUNDS = 3

PEER = r"""
import json, sys
import numpy as np
import torch
import torch.nn as nn
from safetensors.torch import load_file
torch.set_num_threads(int(sys.argv[1]))
path, h, w, repeats, want_mean = json.loads(sys.argv[2])
model = nn.Sequential(nn.Conv2d(1, 64, 5, padding=2), nn.Tanh(),
                      nn.Conv2d(64, 32, 3, padding=1), nn.Tanh(),
                      nn.Conv2d(32, 9, 3, padding=1), nn.PixelShuffle(3)).eval()
model.load_state_dict(load_file(path), strict=True)
# the input bench_espcn_infer makes: a ramp plus LCG noise
x = np.empty(h * w, dtype=np.float32)
rng = 7
mask = (1 << 64) - 1
for k in range(h * w):
    rng = (rng * 6364136223846793005 + 1442695040888963407) & mask
    x[k] = np.float32(0.8) * np.float32(k % w) / np.float32(w) + np.float32(0.2) * np.float32(rng >> 40) / np.float32(1 << 24)
x = torch.from_numpy(x.reshape(1, 1, h, w))
with torch.no_grad():
    y = model(x)
    mean = float(y.double().mean())
    assert abs(mean - want_mean) <= 1e-4 * max(1.0, abs(want_mean)), (mean, want_mean)
    ms = median_ms(lambda: model(x), repeats, warmup=2)
print(json.dumps({"version": torch.__version__, "ms": ms}))
"""


def run(build_dir):
    py = torch_python()
    if py is None:
        print("b_espcn_infer: torch is not importable (here, $OB_TORCH_PYTHON or the .ci/setup venv): no row")
        return []
    with tempfile.TemporaryDirectory() as tmp:
        weights = os.path.join(tmp, "espcn3.safetensors")
        r = interleaved(ROUNDS, lambda: ours(build_dir, "bench_espcn_infer", weights),
                        lambda repeats, extra: run_torch(py, PEER, [weights, 360, 640, repeats,
                                                                    float(re.search(r"mean ([-0-9.e]+)", extra).group(1))]))
    if r is None:
        return []
    return [("espcn3_infer_1x640x360_to_1920x1080", r[1], "torch %s no_grad" % r[3], r[2])]

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: /usr/bin/python3 bench/b_espcn_infer.py BUILD_DIR")
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    for case, o, peer_name, peer_ms in run(sys.argv[1]):
        print(f"{case}\t{o:.3f}\t{peer_name}\t{peer_ms:.3f}\t{peer_ms / o:.2f}x")
