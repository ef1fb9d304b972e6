"""b_fuse.py — exposure fusion benchmark for bench/run: ours (bench_fuse) vs OpenCV.

    run(build_dir) -> [(case, ours_ms, peer_name, peer_ms), ...]

The stack is the demo's (`obscura demo -o DIR`: 7 rendered 8-bit exposures,
DIR/stack/*.png), read once by each side as 8-bit images (cv2.imread; ours
ob_image_read_native). Same thread count (2, or OB_BENCH_THREADS; ours gets
it as OMP_NUM_THREADS), same repeats:
    fuse_HxWxC_N   cv2.createMergeMertens(1, 1, 1).process(stack) — the same
                   weights (contrast, saturation, well-exposedness), pyramid
                   levels and blend as ob_fuse, result in [0, 1] floats.
The sides run in ROUNDS interleaved rounds, each figure the median of its
rounds' medians, so a shared machine's drift meets both alike.
Standalone: /usr/bin/python3 bench/b_fuse.py BUILD_DIR
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

import cv2

from benchlib import THREADS, interleaved, median_ms, ours

CASE = re.compile(r"^fuse_(\d+)x(\d+)x(\d+)_(\d+)$")
ROUNDS = 5


def demo_stack(build_dir, tmp):
    subprocess.run([os.path.join(build_dir, "obscura"), "demo", "-o", tmp, "--quiet"], check=True,
                   capture_output=True)
    return sorted(glob.glob(os.path.join(tmp, "stack", "*.png")))


def peer(files):
    cv2.setNumThreads(THREADS)
    imgs = [cv2.imread(f) for f in files]
    merge = cv2.createMergeMertens(1, 1, 1)
    return lambda repeats, _extra: {"ms": median_ms(lambda: merge.process(imgs), repeats, warmup=2),
                                    "version": cv2.__version__}


def run(build_dir):
    with tempfile.TemporaryDirectory(prefix="ob_bench_fuse_") as tmp:
        files = demo_stack(build_dir, tmp)
        mine = lambda: [r for r in ours(build_dir, "bench_fuse", *files) if CASE.match(r[0])]
        r = interleaved(ROUNDS, mine, peer(files))
        if r is None:
            return []
        case, ours_ms, peer_ms, version = r
        return [(case, ours_ms, f"cv2 {version}", peer_ms)]


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: /usr/bin/python3 bench/b_fuse.py BUILD_DIR")
    for case, mine, peer_name, peer_ms in run(sys.argv[1]):
        print(f"{case}\t{mine:.3f}\t{peer_name}\t{peer_ms:.3f}\t{peer_ms / mine:.2f}x")
