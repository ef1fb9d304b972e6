#!/usr/bin/python3
"""make_pyramid_golden.py — cv2's pyramid values for tests/test_pyramid.c.

Run with Debian's python (cv2 + numpy):  /usr/bin/python3 tests/golden/make_pyramid_golden.py
Writes tests/golden/pyramid_golden.txt:

    input H W          then H*W float32 values (row-major)
    case down OH OW    cv2.pyrDown(input): OH = (H+1)//2, OW = (W+1)//2
    case up OH OW      cv2.pyrUp(input, dstsize=(2W, 2H))
    ...                (one input block per size, each followed by its cases)
    end

cv2.pyrDown is the 5-tap binomial [1 4 6 4 1]/16 with BORDER_REFLECT_101 and
even-sample decimation; cv2.pyrUp to 2H x 2W is zero insertion + the same kernel
x4 with reflect-101 on the upsampled grid: obscura's reduce and expand. (For odd
destinations, 2H-1, cv2.pyrUp treats the last row differently; obscura keeps
reflect-101 on the zero-inserted grid, so those sizes are not compared.)
"""
import os

import cv2
import numpy as np

SIZES = [(13, 17), (7, 9), (6, 8), (5, 4), (2, 3)]


def fmt(a):
    return "\n".join(" ".join("%.9g" % v for v in row) for row in a)


def main():
    rng = np.random.default_rng(20240611)
    out = []
    for h, w in SIZES:
        x = rng.random((h, w)).astype(np.float32)
        out.append("input %d %d\n%s" % (h, w, fmt(x)))
        d = cv2.pyrDown(x)
        out.append("case down %d %d\n%s" % (d.shape[0], d.shape[1], fmt(d)))
        u = cv2.pyrUp(x, dstsize=(2 * w, 2 * h))
        out.append("case up %d %d\n%s" % (u.shape[0], u.shape[1], fmt(u)))
    out.append("end\n")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pyramid_golden.txt")
    with open(path, "w") as f:
        f.write("\n".join(out))
    print("wrote", path)


if __name__ == "__main__":
    main()
