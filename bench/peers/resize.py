"""peers/resize.py — cv2.resize timed on the cases of bench/bench_resize.c.

    time_cv2(method, h, w, c, oh, ow, repeats, threads=2) -> median ms

The image is float32 H x W x C, interleaved as OpenCV users hold it (obscura
resizes the same C planes, planar). INTER_CUBIC is OpenCV's a = -0.75 kernel
(obscura's bicubic is a = -0.5): the same work, a different coefficient.
Standalone: /usr/bin/python3 bench/peers/resize.py bilinear 2048 2048 3 1024 1024
"""
import os
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import median_ms  # noqa: E402  (bench/benchlib.py)

FLAGS = {"nearest": cv2.INTER_NEAREST, "bilinear": cv2.INTER_LINEAR, "bicubic": cv2.INTER_CUBIC,
         "area": cv2.INTER_AREA}


def time_cv2(method, h, w, c, oh, ow, repeats, threads=2, warmup=2):
    cv2.setNumThreads(threads)
    img = (np.arange(h * w * c, dtype=np.uint64) * 2654435761 % 1000).astype(np.float32).reshape(h, w, c) * 1e-3
    out = np.empty((oh, ow, c), np.float32)
    flag = FLAGS[method]
    return median_ms(lambda: cv2.resize(img, (ow, oh), dst=out, interpolation=flag), repeats, warmup)


if __name__ == "__main__":
    m, *dims = sys.argv[1:]
    print(f"{time_cv2(m, *map(int, dims), repeats=21):.4f}")
