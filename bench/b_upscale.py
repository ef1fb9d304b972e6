"""b_upscale.py — one 12 MP photo (4000x3000) enlarged x2 by the shipped ESPCN,
as a user waits for it, with its peak memory, for bench/run.

    run(build_dir) -> [(case, ours_ms, peer_name, peer_ms)]

ours: the whole `obscura upscale IN.png -o OUT.png --scale 2` process (PNG
decode, Y/Cb/Cr, the net on Y in tiles with their halo, bicubic Cb/Cr, RGB,
8-bit PNG encode), wall time of the process, OMP_NUM_THREADS = THREADS, and
its peak resident memory (ru_maxrss of that child alone).
peer: PyTorch CPU running the same weights (data/sr/espcn_x2_y.safetensors
loaded into nn.Sequential, strict) on the same image's Y plane in one piece
under torch.no_grad() — the net alone, no decode, colour or encode, so the
ratio flatters the peer; its peak memory is printed beside it.
The input is scikit-image's chelsea enlarged to 4000x3000 by `obscura resize`
(a real photo's content at a 12 MP size); without skimage or torch the
benchmark prints a note and returns what it can.
Standalone: /usr/bin/python3 bench/b_upscale.py BUILD_DIR
"""
import os
import subprocess
import sys
import tempfile

from benchlib import THREADS, run_torch, torch_python

SRC = "/usr/lib/python3/dist-packages/skimage/data/chelsea.png"
W, H = 4000, 3000
ROUNDS = 2

# runs argv as one child and prints its wall ms and peak RSS (KiB)
TIMED_CHILD = r"""
import resource, subprocess, sys, time
t0 = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
ms = (time.perf_counter() - t0) * 1e3
print(ms, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""

PEER = r"""
import json, resource, sys
import numpy as np
import torch
import torch.nn as nn
from safetensors.torch import load_file
torch.set_num_threads(int(sys.argv[1]))
path, y_path, h, w = json.loads(sys.argv[2])
model = nn.Sequential(nn.Conv2d(1, 64, 5, padding=2), nn.Tanh(),
                      nn.Conv2d(64, 32, 3, padding=1), nn.Tanh(),
                      nn.Conv2d(32, 4, 3, padding=1), nn.PixelShuffle(2)).eval()
model.load_state_dict(load_file(path), strict=True)
y = torch.from_numpy(np.fromfile(y_path, dtype=np.float32).reshape(1, 1, h, w))
with torch.no_grad():
    ms = median_ms(lambda: model(y), 2, warmup=1)
print(json.dumps({"ms": ms, "rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def timed(argv, env):
    out = subprocess.run([sys.executable, "-c", TIMED_CHILD, *argv], check=True, capture_output=True, text=True,
                         env=env).stdout.split()
    return float(out[0]), int(out[1])


def run(build_dir):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    weights = os.path.join(root, "data", "sr", "espcn_x2_y.safetensors")
    obscura = os.path.join(build_dir, "obscura")
    if not os.path.exists(SRC):
        print("b_upscale: %s missing (apt install python3-skimage); skipped" % SRC)
        return []
    env = dict(os.environ, OMP_NUM_THREADS=str(THREADS))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        big = os.path.join(tmp, "in12mp.png")
        subprocess.run([obscura, "resize", SRC, "-o", big, "--size", "%dx%d" % (W, H), "--method", "bicubic",
                        "--quiet"], check=True)
        out = os.path.join(tmp, "out.png")
        argv = [obscura, "upscale", big, "-o", out, "--scale", "2", "--threads", str(THREADS), "--quiet"]
        runs = [timed(argv, env) for _ in range(ROUNDS)]
        ms = sorted(r[0] for r in runs)[len(runs) // 2]
        rss_mb = max(r[1] for r in runs) / 1024
        py = torch_python()
        peer_name, peer_ms = "torch net only (not run)", float("nan")
        if py:
            # the same Y plane the net sees: BT.601 studio range of the decoded photo
            y_path = os.path.join(tmp, "y.f32")
            subprocess.run([obscura, "resize", big, "-o", os.path.join(tmp, "y.pfm"), "--size", "%dx%d" % (W, H),
                            "--quiet"], check=True)
            write_luma(os.path.join(tmp, "y.pfm"), y_path)
            r = run_torch(py, PEER, [weights, y_path, H, W])
            peer_name, peer_ms = "torch net only (peak %.0f MB)" % (r["rss_kib"] / 1024), r["ms"]
        rows.append(("upscale_12mp_x2_espcn_png_to_png (peak %.0f MB)" % rss_mb, ms, peer_name, peer_ms))
    return rows


def write_luma(pfm_path, y_path):
    """Y = (16 + 65.481 R + 128.553 G + 24.966 B) / 255 of a colour PFM, as raw float32 rows top to bottom."""
    import numpy as np
    with open(pfm_path, "rb") as f:
        kind = f.readline().strip()
        w, h = map(int, f.readline().split())
        scale = float(f.readline())
        data = np.frombuffer(f.read(), dtype="<f4" if scale < 0 else ">f4")
    c = 3 if kind == b"PF" else 1
    img = data.reshape(h, w, c)[::-1]  # PFM rows run bottom to top
    if c == 1:
        img = np.repeat(img, 3, axis=2)
    y = (16 + 65.481 * img[..., 0] + 128.553 * img[..., 1] + 24.966 * img[..., 2]) / 255
    np.ascontiguousarray(y, dtype=np.float32).tofile(y_path)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    for row in run(sys.argv[1]):
        print(row)
