"""b_hdr.py — the HDR benchmark for bench/run: calibrate + merge + Durand on a
16-exposure 512x768 stack, ours (bench_hdr) vs OpenCV.

    run(build_dir) -> [(case, ours_ms, peer_name, peer_ms), ...]

bench_hdr renders the stack into a temporary folder and times our three stages.
The peer reads the same PNGs and times, on the same thread count:
  calibrate  cv2.createCalibrateDebevec() (its defaults: 70 samples, lambda 10)
  merge      cv2.createMergeDebevec().process(images, times, response)
  durand     Durand & Dorsey's nine steps in numpy around cv2.bilateralFilter on
             the log2 intensity, d = 2*ceil(3*sigma_s)+1 (the window of our exact
             filter), sigmaSpace = sigma_s = 2% of the width, sigmaColor = 0.4,
             stops 5, gamma 1/2.2 — the same parameters our Durand uses.
The ratio is peer / ours per stage and for the sum of the stages.
Standalone: /usr/bin/python3 bench/b_hdr.py BUILD_DIR
"""
import math
import os
import sys
import tempfile

import cv2
import numpy as np

from benchlib import THREADS, median_ms, ours


def durand_cv2(e_bgr, sigma_s, sigma_r=0.4, stops=5.0, gamma=1 / 2.2):
    b, g, r = e_bgr[..., 0], e_bgr[..., 1], e_bgr[..., 2]
    i = (20 * r + 40 * g + b) / 61                       # 1 intensity
    floor = i[i > 0].min() if (i > 0).any() else 1.0
    i = np.maximum(i, floor)
    chroma = e_bgr / i[..., None]                        # 2 chrominance
    log_i = np.log2(i).astype(np.float32)                # 3 log2 intensity
    d = 2 * math.ceil(3 * sigma_s) + 1
    base = cv2.bilateralFilter(log_i, d, sigma_r, sigma_s)  # 4 bilateral
    detail = log_i - base                                # 5 detail
    s = stops / max(base.max() - base.min(), 1e-12)      # 6 base offset and scale
    base2 = (base - base.max()) * s
    out = chroma * np.exp2(base2 + detail)[..., None]    # 7, 8 reconstruct, colour
    return np.clip(out, 0, None) ** gamma                # 9 gamma


def run(build_dir):
    with tempfile.TemporaryDirectory() as tmp:
        mine = {case: ms for case, ms, _, _ in ours(build_dir, "bench_hdr", tmp)}
        names, times = [], []
        for line in open(os.path.join(tmp, "times.txt")):
            n, t = line.split()
            names.append(n)
            times.append(float(t))
        images = [cv2.imread(os.path.join(tmp, n), cv2.IMREAD_COLOR) for n in names]
    cv2.setNumThreads(THREADS)
    times = np.array(times, dtype=np.float32)
    cal = cv2.createCalibrateDebevec()
    mer = cv2.createMergeDebevec()
    state = {}

    def calibrate():
        state["response"] = cal.process(images, times)

    def merge():
        state["hdr"] = mer.process(images, times, state["response"])

    sigma_s = 0.02 * images[0].shape[1]

    def durand():
        state["ldr"] = durand_cv2(state["hdr"], sigma_s)

    t_cal = median_ms(calibrate, 3)
    t_merge = median_ms(merge, 3)
    t_durand = median_ms(durand, 1, warmup=0)
    peer = "OpenCV %s" % cv2.__version__
    return [
        ("hdr_calibrate_16x512x768", mine["hdr_calibrate_16x512x768"], peer + " CalibrateDebevec", t_cal),
        ("hdr_merge_16x512x768", mine["hdr_merge_16x512x768"], peer + " MergeDebevec", t_merge),
        ("hdr_durand_512x768", mine["hdr_durand_512x768"], peer + " bilateralFilter Durand", t_durand),
        ("hdr_total_16x512x768", mine["hdr_total_16x512x768"], peer + " (sum of the three)", t_cal + t_merge + t_durand),
    ]


if __name__ == "__main__":
    for case, ours, peer, peer_ms in run(sys.argv[1]):
        print("%-28s ours %9.2f ms   %-40s %10.2f ms   %6.1fx" % (case, ours, peer, peer_ms, peer_ms / ours))
