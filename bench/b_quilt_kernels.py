"""b_quilt_kernels.py — the quilting kernels for bench/run: ours (bench_quilt_kernels)
vs the peers a Python quilting implementation calls.

    run(build_dir) -> [(case, ours_ms, peer_name, peer_ms), ...]

masked_ssd_HxWxC_pP_ovO_MASK  cv2.matchTemplate(sample, templ, cv2.TM_SQDIFF, mask=mask)
                              on an interleaved float32 HxWxC sample, a PxP template and
                              a PxP float32 mask of the same strips (MASK = L | top | left);
                              its result is the same (H-P+1)x(W-P+1) cost surface.
quilt_choose_N_tolT           numpy: np.argpartition(cost, T)[:T], then one random pick
                              (the seed's choose_sample).
Same repeats, same threads (2, or OB_BENCH_THREADS: cv2.setNumThreads for the peer,
OMP_NUM_THREADS for ours).
Standalone: /usr/bin/python3 bench/b_quilt_kernels.py BUILD_DIR
"""
import re
import sys

import cv2
import numpy as np

from benchlib import THREADS, median_ms as _median_ms, ours

SSD = re.compile(r"^masked_ssd_(\d+)x(\d+)x(\d+)_p(\d+)_ov(\d+)_(L|top|left)$")
CHOOSE = re.compile(r"^quilt_choose_(\d+)_tol(\d+)$")


def median_ms(fn, repeats):
    return _median_ms(fn, repeats, warmup=2)


def time_match_template(h, w, c, p, ov, mask_kind, repeats):
    rng = np.random.default_rng(0)
    sample = rng.random((h, w, c), dtype=np.float32)
    templ = rng.random((p, p, c), dtype=np.float32)
    mask = np.zeros((p, p, c), np.float32)
    if mask_kind in ("L", "top"):
        mask[:ov, :, :] = 1
    if mask_kind in ("L", "left"):
        mask[:, :ov, :] = 1
    if c == 1:
        sample, templ, mask = sample[:, :, 0], templ[:, :, 0], mask[:, :, 0]
    return median_ms(lambda: cv2.matchTemplate(sample, templ, cv2.TM_SQDIFF, mask=mask), repeats)


def time_choose(n, tol, repeats):
    rng = np.random.default_rng(1)
    cost = rng.random(n, dtype=np.float32)

    def pick():
        idx = np.argpartition(cost, tol)[:tol]
        return idx[rng.integers(tol)]

    return median_ms(pick, repeats)


def run(build_dir):
    cv2.setNumThreads(THREADS)
    rows = []
    for case, ours_ms, repeats, _ in ours(build_dir, "bench_quilt_kernels"):
        m = SSD.match(case)
        if m:
            h, w, c, p, ov = map(int, m.groups()[:5])
            peer_ms = time_match_template(h, w, c, p, ov, m.group(6), repeats)
            rows.append((case, ours_ms, f"cv2.matchTemplate {cv2.__version__}", peer_ms))
            continue
        m = CHOOSE.match(case)
        if m:
            peer_ms = time_choose(int(m.group(1)), int(m.group(2)), repeats)
            rows.append((case, ours_ms, f"numpy {np.__version__} argpartition", peer_ms))
    return rows


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: /usr/bin/python3 bench/b_quilt_kernels.py BUILD_DIR")
    for case, mine, peer_name, peer_ms in run(sys.argv[1]):
        print(f"{case}\t{mine:.3f}\t{peer_name}\t{peer_ms:.3f}\t{peer_ms / mine:.2f}x")
