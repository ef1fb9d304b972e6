#!/usr/bin/python3
"""make_resize_golden.py — golden values for tests/test_resize.c.

Run with Debian's python (cv2 + numpy):  /usr/bin/python3 tests/golden/make_resize_golden.py
Writes tests/golden/resize_golden.txt:

    input H W            then H*W float32 values (row-major)
    case METHOD OH OW    then OH*OW float32 values, one case per output size/method
    end

nearest, bilinear and area come from cv2.resize (INTER_NEAREST, INTER_LINEAR,
INTER_AREA) on a float32 image. bicubic is NOT OpenCV's INTER_CUBIC (which uses
Keys' kernel with a = -0.75): obscura's bicubic is Keys' a = -0.5 (MATLAB's
kernel, no antialiasing), computed here from the kernel formula in float64 with
half-pixel centres and replicated borders. The script also checks that
OpenCV's own INTER_CUBIC matches this code with a = -0.75, so the formula here
is pinned to a known implementation.
"""
import os
import sys

import cv2
import numpy as np

H, W = 13, 17


def make_input():
    y, x = np.mgrid[0:H, 0:W].astype(np.float64)
    return (np.sin(0.37 * x + 0.11 * y * y) + 0.5 * np.cos(0.23 * x * y) + 0.01 * x).astype(np.float32)


def keys(t, a):
    t = np.abs(t)
    return np.where(t <= 1, (a + 2) * t**3 - (a + 3) * t**2 + 1,
                    np.where(t < 2, a * t**3 - 5 * a * t**2 + 8 * a * t - 4 * a, 0.0))


def cubic_matrix(n_in, n_out, a):
    """(n_out, n_in) weights: half-pixel centres, taps clamped to the edge."""
    m = np.zeros((n_out, n_in))
    scale = n_in / n_out
    for d in range(n_out):
        src = (d + 0.5) * scale - 0.5
        s0 = int(np.floor(src))
        for k in range(s0 - 1, s0 + 3):
            m[d, min(max(k, 0), n_in - 1)] += keys(src - k, a)
    return m


def cubic(img, oh, ow, a):
    return cubic_matrix(img.shape[0], oh, a) @ img.astype(np.float64) @ cubic_matrix(img.shape[1], ow, a).T


def main():
    img = make_input()
    # the formula above reproduces OpenCV's INTER_CUBIC when given its a = -0.75
    for oh, ow in [(26, 34), (7, 9), (20, 11)]:
        cv = cv2.resize(img, (ow, oh), interpolation=cv2.INTER_CUBIC)
        err = np.abs(cv - cubic(img, oh, ow, -0.75)).max()
        assert err < 1e-5, f"cubic formula vs OpenCV a=-0.75 at {oh}x{ow}: {err}"

    flags = {"nearest": cv2.INTER_NEAREST, "bilinear": cv2.INTER_LINEAR, "area": cv2.INTER_AREA}
    sizes_any = [(13, 17), (5, 7), (26, 34), (20, 11), (1, 17), (13, 1), (19, 23), (6, 8)]
    sizes_down = [(13, 17), (5, 7), (6, 8), (1, 1), (4, 3), (13, 6), (1, 17)]
    out = [f"input {H} {W}", " ".join(f"{v:.9g}" for v in img.ravel())]
    ncase = 0
    for method in ["nearest", "bilinear", "bicubic", "area"]:
        for oh, ow in (sizes_down if method == "area" else sizes_any):
            if method == "bicubic":
                res = cubic(img, oh, ow, -0.5).astype(np.float32)
            else:
                res = cv2.resize(img, (ow, oh), interpolation=flags[method])
            out.append(f"case {method} {oh} {ow}")
            out.append(" ".join(f"{v:.9g}" for v in res.ravel()))
            ncase += 1
    out.append("end")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "resize_golden.txt")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    print(f"wrote {path}: {ncase} cases, OpenCV {cv2.__version__}", file=sys.stderr)


if __name__ == "__main__":
    main()
