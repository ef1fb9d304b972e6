"""b_bilateral.py — the bilateral benchmark for bench/run: ours (bench_bilateral)
vs cv2.bilateralFilter at the same sigmas.

    run(build_dir) -> [(case, ours_ms, peer_name, peer_ms), ...]

Runs BUILD_DIR/bench/bench_bilateral, parses its `CASE<TAB>median_ms<TAB>repeats<TAB>extra`
lines and times cv2.bilateralFilter(img, d=2*ceil(3*sigma_s)+1, sigmaColor=sigma_r,
sigmaSpace=sigma_s) — the window of our exact filter — on the same float32 image
(the log10 intensity of scikit-image's astronaut, resized to the case's size, or
the synthetic pattern for *_synthetic cases; bilateral_exact cases use the
256x256 centre crop), with the same thread count (2, or OB_BENCH_THREADS; ours
gets it as OMP_NUM_THREADS). cv2 is brute force and takes ~50 s on 4 MP at
sigma_s = 16, so it runs once per (size, sigmas) there (3 times on the crop) and
the grid's rate variants share that timing. The extra column (the grid's PSNR
against the exact filter) is printed standalone.
Standalone: /usr/bin/python3 bench/b_bilateral.py BUILD_DIR
"""
import math
import os
import re
import sys

import cv2
import numpy as np

from benchlib import THREADS, median_ms, ours

CASE = re.compile(r"^bilateral_(grid|exact)_(\d+)x(\d+)_s([\d.]+)_r([\d.]+)(?:_rate([\d.]+))?(_synthetic)?$")
SIZE, CROP = 2048, 256


def skimage_dir():
    return os.environ.get("OB_SKIMAGE_DATA") or "/usr/lib/python3/dist-packages/skimage/data"


def make_image(synthetic):
    """The 2048x2048 log10 intensity bench_bilateral.c builds."""
    if synthetic:
        y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64)
        img = -1.2 + 0.8 * np.sin(x / 37.0) * np.cos(y / 53.0) + 0.3 * (x > SIZE // 2) - 0.4 * (y > SIZE // 3)
        return img.astype(np.float32)
    bgr = cv2.imread(os.path.join(skimage_dir(), "astronaut.png"), cv2.IMREAD_COLOR)
    if bgr is None:
        raise SystemExit("b_bilateral: cannot read astronaut.png (set OB_SKIMAGE_DATA)")
    bgr = bgr.astype(np.float32) / 255.0
    b, g, r = bgr[..., 0], bgr[..., 1], bgr[..., 2]
    small = np.log10((20 * r + 40 * g + b) / 61 + 1 / 255).astype(np.float32)
    return cv2.resize(small, (SIZE, SIZE), interpolation=cv2.INTER_LINEAR)


def time_cv2(img, sigma_s, sigma_r, repeats):
    d = 2 * math.ceil(3 * sigma_s) + 1
    return median_ms(lambda: cv2.bilateralFilter(img, d, sigma_r, sigma_s), repeats, warmup=0)


def run(build_dir):
    cv2.setNumThreads(THREADS)
    images, peer_cache, rows = {}, {}, []
    for case, ours_ms, _repeats, extra in ours(build_dir, "bench_bilateral"):
        if not CASE.match(case):
            continue
        kind, h, w, ss, sr, _rate, synth = CASE.match(case).groups()
        h, w, ss, sr, synth = int(h), int(w), float(ss), float(sr), bool(synth)
        if synth not in images:
            images[synth] = make_image(synth)
        img = images[synth]
        if (h, w) != (SIZE, SIZE):  # the exact cases: the centre crop
            y0, x0 = (SIZE - h) // 2, (SIZE - w) // 2
            img = np.ascontiguousarray(img[y0:y0 + h, x0:x0 + w])
        key = (synth, h, w, ss, sr)
        if key not in peer_cache:
            peer_cache[key] = time_cv2(img, ss, sr, 1 if h * w > 1 << 20 else 3)
        rows.append((case, ours_ms, f"cv2.bilateralFilter {cv2.__version__}", peer_cache[key]))
        if __name__ == "__main__" and extra:
            print(f"# {case}: {extra}", file=sys.stderr)
    return rows


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: /usr/bin/python3 bench/b_bilateral.py BUILD_DIR")
    for case, mine, peer_name, peer_ms in run(sys.argv[1]):
        print(f"{case}\t{mine:.3f}\t{peer_name}\t{peer_ms:.3f}\t{peer_ms / mine:.2f}x")
