"""b_resize.py — the resize benchmark for bench/run: ours (bench_resize) vs cv2.resize.

    run(build_dir) -> [(case, ours_ms, peer_name, peer_ms), ...]

Runs BUILD_DIR/bench/bench_resize, parses its `CASE<TAB>median_ms<TAB>repeats<TAB>extra`
lines, rebuilds each case's shape from its name (resize_METHOD_HxWxC_to_OHxOW) and
times cv2.resize on it with the same repeats and the same thread count (2, or
OB_BENCH_THREADS; ours gets it as OMP_NUM_THREADS).
Standalone: /usr/bin/python3 bench/b_resize.py BUILD_DIR
"""
import os
import re
import sys

from benchlib import THREADS, ours

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers"))
import resize as peer  # noqa: E402  (bench/peers/resize.py)

CASE = re.compile(r"^resize_(\w+?)_(\d+)x(\d+)x(\d+)_to_(\d+)x(\d+)$")


def run(build_dir):
    rows = []
    for case, ms, repeats, _ in ours(build_dir, "bench_resize"):
        if not CASE.match(case):
            continue
        method, *dims = CASE.match(case).groups()
        peer_ms = peer.time_cv2(method, *map(int, dims), repeats=repeats, threads=THREADS)
        rows.append((case, ms, f"cv2 {peer.cv2.__version__}", peer_ms))
    return rows


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: /usr/bin/python3 bench/b_resize.py BUILD_DIR")
    for case, ours, peer_name, peer_ms in run(sys.argv[1]):
        print(f"{case}\t{ours:.3f}\t{peer_name}\t{peer_ms:.3f}\t{peer_ms / ours:.2f}x")
