"""hdr_response_error.py — how much the monotone response changes the radiance:
the log-radiance error of `obscura hdr` against the radiance a stack was
rendered from (bench/make_hdr_stack.py --truth), with --response free (the
unconstrained Debevec-Malik fit, as OpenCV's) and monotone (the default), and
each curve's reversals.

    /usr/bin/python3 bench/hdr_response_error.py BUILD_DIR [--size 768x512] [--exposures 16]

Error: |ln E - ln E_true - c| over the pixels some exposure saw unclipped
(true radiance within the bracket's range), c the median difference (the
response fixes E up to a constant); median and 99th percentile, ln units.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_hdr_stack  # noqa: E402


def read_pfm(path):
    with open(path, "rb") as f:
        kind = f.readline().strip()
        w, h = (int(v) for v in f.readline().split())
        scale = float(f.readline())
        data = np.frombuffer(f.read(), dtype="<f4" if scale < 0 else ">f4")
    c = 3 if kind == b"PF" else 1
    return data.reshape(h, w, c)[::-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--size", default="768x512")
    ap.add_argument("--exposures", type=int, default=16)
    a = ap.parse_args()
    w, h = (int(v) for v in a.size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        stack = os.path.join(tmp, "stack")
        names = make_hdr_stack.render(stack, w, h, a.exposures, truth=True)
        true = read_pfm(os.path.join(stack, "radiance_true.pfm"))  # RGB, as obscura writes PFM
        times = [float(l.split()[1]) for l in open(os.path.join(stack, "times.txt"))]
        seen = (true * max(times) > 1e-4) & (true * min(times) < 0.99)  # unclipped in some exposure
        for mode in ("free", "monotone"):
            out = os.path.join(tmp, mode)
            subprocess.run([os.path.join(a.build, "obscura"), "hdr"] + [os.path.join(stack, n) for n in names] +
                           ["--times-file", os.path.join(stack, "times.txt"), "--response", mode, "--format", "pfm",
                            "-q", "-o", out], check=True)
            e = read_pfm(os.path.join(out, "radiance.pfm"))
            d = np.log(np.maximum(e, 1e-30)) - np.log(np.maximum(true, 1e-30))
            d = d[seen]
            err = np.abs(d - np.median(d))
            rows = np.loadtxt(os.path.join(out, "response.csv"), delimiter=",", skiprows=1)
            rev = [int((np.diff(rows[5:251, c]) < 0).sum()) for c in (1, 2, 3)]
            print("%-8s log-radiance error median %.5f, p99 %.5f (ln units, %d samples); reversals z 5..250 r/g/b %s"
                  % (mode, np.median(err), np.percentile(err, 99), err.size, rev))


if __name__ == "__main__":
    main()
