"""quilt_seed.py — a seed-style Python implementation of image quilting with
seam cuts (Efros & Freeman 2001), the peer of bench/bench_quilt.c: what a user
would write with numpy and OpenCV, as the seed's notebook does.

    ssd_patch     masked SSD of a template at every sample position through the
                  expansion  sum M*T^2 - 2 (I * M*T) + (I^2 * M), one
                  cv2.filter2D per correlation (per channel)
    choose_sample a uniform pick among the `tol` lowest costs (np.argpartition)
    cut           the minimum-cost vertical seam through an error surface, by a
                  Python dynamic program and backtrack
    quilt_cut     patches on a grid of step P - O, first one random, each next
                  chosen by ssd_patch over its overlap with what is placed, then
                  cut along seams (left: vertical, top: horizontal; ANDed)

Standalone: /usr/bin/python3 bench/peers/quilt_seed.py SAMPLE.png OUT.png [SIZE P O TOL]
"""
import sys
import time

import cv2
import numpy as np


def ssd_patch(sample, template, mask):
    """cost (H-p+1, W-p+1) of template (p, p, C) under mask (p, p) in sample (H, W, C)."""
    h, w, c = sample.shape
    p = template.shape[0]
    cost = np.zeros((h, w), np.float64)
    for ch in range(c):
        img = np.ascontiguousarray(sample[:, :, ch])
        t = template[:, :, ch]
        mt = (mask * t).astype(np.float32)
        cost += float((mask * t * t).sum())
        cost -= 2.0 * cv2.filter2D(img, cv2.CV_32F, mt, anchor=(0, 0), borderType=cv2.BORDER_CONSTANT)
        cost += cv2.filter2D(img * img, cv2.CV_32F, mask.astype(np.float32), anchor=(0, 0),
                             borderType=cv2.BORDER_CONSTANT)
    return cost[: h - p + 1, : w - p + 1]


def choose_sample(cost, tol, rng):
    flat = cost.ravel()
    best = np.argpartition(flat, tol)[:tol] if tol < flat.size else np.arange(flat.size)
    idx = best[rng.integers(len(best))]
    return np.unravel_index(idx, cost.shape)


def cut(err):
    """mask (rows, cols): 1 right of the min-cost top-to-bottom seam (seam included)."""
    rows, cols = err.shape
    e = err.tolist()
    for i in range(1, rows):
        prev, cur = e[i - 1], e[i]
        for j in range(cols):
            lo, hi = max(j - 1, 0), min(j + 2, cols)
            cur[j] += min(prev[lo:hi])
    path = [0] * rows
    j = min(range(cols), key=lambda k: e[rows - 1][k])
    path[rows - 1] = j
    for i in range(rows - 2, -1, -1):
        lo, hi = max(j - 1, 0), min(j + 1, cols - 1)
        j = min(range(lo, hi + 1), key=lambda k: e[i][k])
        path[i] = j
    mask = np.ones((rows, cols), np.float32)
    for i, j in enumerate(path):
        mask[i, :j] = 0
    return mask


def quilt_cut(sample, out_size, p, ov, tol, seed=0):
    """sample (H, W, C) float32 in [0, 1] -> (out_h, out_w, C)."""
    rng = np.random.default_rng(seed)
    h, w, c = sample.shape
    out_w, out_h = out_size
    step = p - ov
    nx, ny = 1 + -(-(out_w - p) // step), 1 + -(-(out_h - p) // step)
    out = np.zeros(((ny - 1) * step + p, (nx - 1) * step + p, c), np.float32)
    for r in range(ny):
        for q in range(nx):
            y, x = r * step, q * step
            if r == 0 and q == 0:
                sy, sx = rng.integers(h - p + 1), rng.integers(w - p + 1)
                out[:p, :p] = sample[sy:sy + p, sx:sx + p]
                continue
            mask = np.zeros((p, p), np.float32)
            if r:
                mask[:ov, :] = 1
            if q:
                mask[:, :ov] = 1
            template = out[y:y + p, x:x + p]
            sy, sx = choose_sample(ssd_patch(sample, template, mask), tol, rng)
            new = sample[sy:sy + p, sx:sx + p]
            old = out[y:y + p, x:x + p]
            err = ((old - new) ** 2).sum(axis=2)
            keep = np.ones((p, p), np.float32)
            if q:
                keep[:, :ov] *= cut(err[:, :ov])
            if r:
                keep[:ov, :] *= cut(err[:ov, :].T).T
            out[y:y + p, x:x + p] = keep[:, :, None] * new + (1 - keep[:, :, None]) * old
    return out[:out_h, :out_w]


def load(path):
    img = cv2.imread(path, cv2.IMREAD_UNCHANGED).astype(np.float32) / 255.0
    return img[:, :, None] if img.ndim == 2 else img


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    size, p, ov, tol = (int(a) for a in (argv[3:7] if len(argv) >= 7 else (512, 31, 6, 3)))
    sample = load(argv[1])
    t0 = time.perf_counter()
    out = quilt_cut(sample, (size, size), p, ov, tol, seed=1)
    print(f"quilt_cut {size}x{size} p{p} o{ov} t{tol}: {(time.perf_counter() - t0) * 1e3:.1f} ms")
    cv2.imwrite(argv[2], np.clip(out * 255 + 0.5, 0, 255).astype(np.uint8))


if __name__ == "__main__":
    main(sys.argv)
