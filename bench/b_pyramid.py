"""b_pyramid.py — pyramid benchmark for bench/run: ours (bench_pyramid) vs OpenCV.

    run(build_dir) -> [(case, ours_ms, peer_name, peer_ms), ...]

Peers, on float32 H x W x C images (interleaved, as OpenCV users hold them;
obscura works on the same C planes, planar), same repeats, same thread count
(2, or OB_BENCH_THREADS; ours gets it as OMP_NUM_THREADS):
    pyrdown_HxWxC   cv2.pyrDown          (same kernel, BORDER_REFLECT_101)
    pyrup_HxWxC     cv2.pyrUp to 2H x 2W (same kernel and borders)
    blend_HxWxC_L   the usual cv2 recipe: Gaussian pyramids of a, b and the
                    mask with pyrDown, Laplacian levels G_k - pyrUp(G_k+1),
                    per-level m*La + (1-m)*Lb in numpy, collapse with pyrUp
                    and add — the same computation as ob_laplacian_blend.
Standalone: /usr/bin/python3 bench/b_pyramid.py BUILD_DIR
"""
import re
import sys

import cv2
import numpy as np

from benchlib import THREADS, median_ms, ours

CASE = re.compile(r"^(pyrdown|pyrup)_(\d+)x(\d+)x(\d+)$|^blend_(\d+)x(\d+)x(\d+)_(\d+)$")


def _image(h, w, c, salt=0):
    i = np.arange(h * w * c, dtype=np.uint64) + salt
    return ((i * 2654435761) % 1000).astype(np.float32).reshape(h, w, c) * 1e-3


def cv2_blend(a, b, m, levels):
    ga, gb, gm = [a], [b], [m]
    for _ in range(levels - 1):
        ga.append(cv2.pyrDown(ga[-1]))
        gb.append(cv2.pyrDown(gb[-1]))
        gm.append(cv2.pyrDown(gm[-1]))
    out = None
    for k in range(levels - 1, -1, -1):
        if k == levels - 1:
            la, lb = ga[k], gb[k]
        else:
            size = (ga[k].shape[1], ga[k].shape[0])
            la = ga[k] - cv2.pyrUp(ga[k + 1], dstsize=size)
            lb = gb[k] - cv2.pyrUp(gb[k + 1], dstsize=size)
        mk = gm[k][..., None]
        lk = mk * la + (1 - mk) * lb
        out = lk if out is None else lk + cv2.pyrUp(out, dstsize=(lk.shape[1], lk.shape[0]))
    return out


def time_peer(case, repeats, threads):
    cv2.setNumThreads(threads)
    m = CASE.match(case)
    if m.group(1):
        h, w, c = map(int, m.group(2, 3, 4))
        img = _image(h, w, c)
        if m.group(1) == "pyrdown":
            return median_ms(lambda: cv2.pyrDown(img), repeats, warmup=2)
        return median_ms(lambda: cv2.pyrUp(img, dstsize=(2 * w, 2 * h)), repeats, warmup=2)
    h, w, c, levels = map(int, m.group(5, 6, 7, 8))
    a, b = _image(h, w, c), _image(h, w, c, 7)
    mask = np.zeros((h, w), np.float32)
    mask[:, : w // 2] = 1
    return median_ms(lambda: cv2_blend(a, b, mask, levels), repeats, warmup=1)


def run(build_dir):
    return [(case, ms, f"cv2 {cv2.__version__}", time_peer(case, repeats, THREADS))
            for case, ms, repeats, _ in ours(build_dir, "bench_pyramid") if CASE.match(case)]


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: /usr/bin/python3 bench/b_pyramid.py BUILD_DIR")
    for case, ours, peer_name, peer_ms in run(sys.argv[1]):
        print(f"{case}\t{ours:.3f}\t{peer_name}\t{peer_ms:.3f}\t{peer_ms / ours:.2f}x")
