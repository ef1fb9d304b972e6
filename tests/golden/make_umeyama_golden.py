#!/usr/bin/python3
"""make_umeyama_golden.py — golden values for tests/test_umeyama.c.

Run with Debian's python (python3-skimage, numpy):
    /usr/bin/python3 tests/golden/make_umeyama_golden.py
Writes tests/golden/umeyama_skimage.txt, one block per case:

    case NAME N DIM ESTIMATE_SCALE
    src  N*DIM values
    dst  N*DIM values
    T    (DIM+1)^2 values, row-major: scikit-image's _umeyama(src, dst, estimate_scale)

printed with 17 significant digits (doubles round-trip). The cases: noisy
similarities in 2-d and 3-d, mirrored point sets that need Umeyama's
reflection correction (det of the cross-covariance < 0), destination points
on a line (a cross-covariance of rank DIM - 1), no scale, and the minimum of
DIM + 1 points. The script checks that each reflection case really has a
negative determinant, so the fixture keeps exercising the correction.
"""
import os

import numpy as np
from skimage.transform._geometric import _umeyama

rng = np.random.default_rng(20261207)


def rotation(dim, angles):
    if dim == 2:
        a = angles[0]
        return np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    rz = np.array([[np.cos(angles[0]), -np.sin(angles[0]), 0], [np.sin(angles[0]), np.cos(angles[0]), 0], [0, 0, 1]])
    ry = np.array([[np.cos(angles[1]), 0, np.sin(angles[1])], [0, 1, 0], [-np.sin(angles[1]), 0, np.cos(angles[1])]])
    return rz @ ry


def similar(src, dim, noise):
    r = rotation(dim, rng.uniform(-np.pi, np.pi, 2))
    s = rng.uniform(0.3, 3.0)
    t = rng.uniform(-50, 50, dim)
    return s * src @ r.T + t + rng.normal(0, noise, src.shape)


cases = []
for dim in (2, 3):
    src = rng.uniform(-100, 100, (68 if dim == 2 else 20, dim))
    cases.append(("similar_%dd" % dim, src, similar(src, dim, 0.5), True))
    mirrored = src.copy()
    mirrored[:, 0] = -mirrored[:, 0]
    dst = similar(mirrored, dim, 2.0)
    sc, dc = src - src.mean(0), dst - dst.mean(0)
    assert np.linalg.det(dc.T @ sc) < 0, "the reflection case must need the correction"
    cases.append(("reflection_%dd" % dim, src, dst, True))
    cases.append(("no_scale_%dd" % dim, src, similar(src, dim, 0.5), False))
    few = rng.uniform(-10, 10, (dim + 1, dim))
    cases.append(("minimum_%dd" % dim, few, similar(few, dim, 0.1), True))
src = rng.uniform(-100, 100, (30, 2))
u = rng.uniform(-1, 1, 30)
cases.append(("dst_on_a_line_2d", src, np.stack([3 * u + 1, -2 * u + 4], 1), True))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "umeyama_skimage.txt")
with open(out, "w") as f:
    for name, src, dst, est in cases:
        T = _umeyama(src, dst, est)
        assert np.all(np.isfinite(T)), name
        n, dim = src.shape
        f.write("case %s %d %d %d\n" % (name, n, dim, 1 if est else 0))
        for label, a in (("src", src), ("dst", dst), ("T", T)):
            f.write(label + " " + " ".join("%.17g" % v for v in a.ravel()) + "\n")
print("wrote", out, len(cases), "cases")
