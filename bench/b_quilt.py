"""b_quilt.py — the quilt_cut pipeline for bench/run: ours (bench_quilt, the
CPU path) vs a seed-style Python implementation (bench/peers/quilt_seed.py:
numpy + cv2.filter2D for the masked SSD, a Python DP for the seams).

    run(build_dir) -> [(case, ours_ms, peer_name, peer_ms), ...]

quilt_cut_512x512_p31_o6_t3  a 512x512 output, patch 31, overlap 6, tol 3, from
                             scikit-image's brick (512x512 gray; OB_SKIMAGE_DATA
                             overrides the folder). The peer is slow: it runs
                             OB_BENCH_PEER_REPEATS times (default 1, after no
                             warm-up; cv2 and numpy are loaded already).
Same threads (2, or OB_BENCH_THREADS: cv2.setNumThreads for the peer,
OMP_NUM_THREADS for ours).
Standalone: /usr/bin/python3 bench/b_quilt.py BUILD_DIR
"""
import os
import re
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers"))
from benchlib import THREADS, median_ms, ours  # noqa: E402
import quilt_seed  # noqa: E402

CASE = re.compile(r"^quilt_cut_(\d+)x(\d+)_p(\d+)_o(\d+)_t(\d+)$")


def sample_path():
    folder = os.environ.get("OB_SKIMAGE_DATA") or "/usr/lib/python3/dist-packages/skimage/data"
    return os.path.join(folder, "brick.png")


def run(build_dir):
    cv2.setNumThreads(THREADS)
    path = sample_path()
    if not os.path.exists(path):
        print(f"b_quilt: SKIPPED ({path} missing; set OB_SKIMAGE_DATA)", file=sys.stderr)
        return []
    sample = quilt_seed.load(path)
    repeats = int(os.environ.get("OB_BENCH_PEER_REPEATS", "1"))
    rows = []
    for case, ours_ms, _, _ in ours(build_dir, "bench_quilt", path):
        m = CASE.match(case)
        if not m:
            continue
        w, h, p, ov, tol = map(int, m.groups())
        peer_ms = median_ms(lambda: quilt_seed.quilt_cut(sample, (w, h), p, ov, tol, seed=1), repeats, warmup=0)
        rows.append((case, ours_ms, f"seed-style Python (numpy {np.__version__}, cv2 {cv2.__version__})", peer_ms))
    return rows


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: /usr/bin/python3 bench/b_quilt.py BUILD_DIR")
    for case, mine, peer_name, peer_ms in run(sys.argv[1]):
        print(f"{case}\t{mine:.3f}\t{peer_name}\t{peer_ms:.3f}\t{peer_ms / mine:.2f}x")
