"""b_hdr_e2e.py — the HDR job end to end, as a user waits for it: the whole
`obscura hdr` process (decode, calibrate, merge, three tone maps, encode every
default output) against the OpenCV script a user would write instead, both as
processes, on the same threads, interleaved round by round.

    run(build_dir) -> [(case, ours_ms, peer_name, peer_ms), ...]

Stacks (bench/make_hdr_stack.py, from the real radiance map qtcreator-data
ships, rendered through an sRGB-like camera with noise): 16 x 768x512 and
8 x 4000x3000 (12 MP). The peer script: cv2.imread every exposure,
CalibrateDebevec, MergeDebevec, TonemapReinhard, imwrite radiance.hdr and a
PNG (OpenCV's defaults) — less output than ours (one tone map, no curve
files). Each case also reports both processes' peak resident memory
(getrusage of the child), and ours against the 8-bit stack's size.
Standalone: /usr/bin/python3 bench/b_hdr_e2e.py BUILD_DIR [--small]
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import THREADS  # noqa: E402
import make_hdr_stack  # noqa: E402

PEER = r"""
import sys, cv2, numpy as np
threads, folder, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
cv2.setNumThreads(threads)
names, times = [], []
for line in open(folder + "/times.txt"):
    n, t = line.split()
    names.append(n); times.append(float(t))
images = [cv2.imread(folder + "/" + n, cv2.IMREAD_COLOR) for n in names]
times = np.array(times, dtype=np.float32)
response = cv2.createCalibrateDebevec().process(images, times)
hdr = cv2.createMergeDebevec().process(images, times, response)
ldr = cv2.createTonemapReinhard(gamma=2.2).process(hdr)
cv2.imwrite(out + "/radiance.hdr", hdr)
cv2.imwrite(out + "/reinhard.png", np.clip(ldr * 255, 0, 255).astype(np.uint8))
"""


TIME = "/usr/bin/time"  # GNU time: a small C parent, so the child's peak RSS is the program's own


def timed(cmd):
    """(wall ms, peak RSS MiB) of one child process. Through GNU time when it is
    there: a child forked straight from this Python would count the Python
    image it was forked from in its peak (ru_maxrss survives exec)."""
    wrap = [TIME, "-f", "OBPEAK %M"] if os.path.exists(TIME) else []
    t0 = time.perf_counter()
    p = subprocess.Popen(wrap + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    ms = (time.perf_counter() - t0) * 1e3
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError("%s failed: %s" % (cmd[0], err[-2000:]))
    peak = [ln for ln in err.splitlines() if ln.startswith("OBPEAK ")]
    return ms, (int(peak[-1].split()[1]) if peak else ru.ru_maxrss) / 1024.0


def case(build_dir, tmp, width, height, n, rounds):
    stack = os.path.join(tmp, "stack_%dx%dx%d" % (width, height, n))
    names = make_hdr_stack.render(stack, width, height, n)
    exe = os.path.join(build_dir, "obscura")
    ours_cmd = [exe, "hdr"] + [os.path.join(stack, x) for x in names] + [
        "--times-file", os.path.join(stack, "times.txt"), "--threads", str(THREADS), "-q", "-o"]
    py = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    mine, theirs, mine_mb, theirs_mb = [], [], [], []
    for r in range(rounds):
        for side in ("ours", "peer"):
            out = os.path.join(tmp, "out_%s_%d" % (side, r))
            os.makedirs(out, exist_ok=True)
            if side == "ours":
                ms, mb = timed(ours_cmd + [out])
                mine.append(ms), mine_mb.append(mb)
            else:
                ms, mb = timed([py, "-c", PEER, str(THREADS), stack, out])
                theirs.append(ms), theirs_mb.append(mb)
            shutil.rmtree(out)
    stack_mb = width * height * 3 * n / 1e6
    label = "%dx%dx%d process (peak %.0f MB = %.2fx the 8-bit stack; OpenCV %.0f MB)" % (
        width, height, n, max(mine_mb), max(mine_mb) * 1.048576 / stack_mb, max(theirs_mb))
    shutil.rmtree(stack)
    return label, statistics.median(mine), "OpenCV script %s" % cv_version(py), statistics.median(theirs)


def cv_version(py):
    try:
        return subprocess.run([py, "-c", "import cv2; print(cv2.__version__)"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def run(build_dir, small_only=False):
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(case(build_dir, tmp, 768, 512, 16, rounds=5))
        if not small_only:
            rows.append(case(build_dir, tmp, 4000, 3000, 8, rounds=3))
    return rows


if __name__ == "__main__":
    for row in run(sys.argv[1], "--small" in sys.argv):
        print("%s: obscura %.0f ms, %s %.0f ms, %.2fx" % (row[0], row[1], row[2], row[3], row[3] / row[1]))
