"""make_hdr_stack.py — renders an exposure stack from a real radiance map, as
`obscura demo` does, at any size: the benchmark stacks of bench/b_hdr_e2e.py.

    /usr/bin/python3 bench/make_hdr_stack.py OUT_DIR --size 4000x3000 --exposures 8

The radiance map (default: the landscape .hdr Debian's qtcreator-data ships) is
resized to the size asked (bicubic, clipped at 0), then each exposure t_j (2
stops apart, centred on the map's median) goes through a camera: sRGB-like
response z = (E t)^(1/2.2), Gaussian noise of sigma 0.01 before quantisation
(seeded), 8 bits. Writes OUT_DIR/exposure_J.png (OpenCV's default PNG settings,
as a camera pipeline writes them) and OUT_DIR/times.txt ('NAME SECONDS'); with
--truth also the radiance it rendered, OUT_DIR/radiance_true.pfm.
"""
import argparse
import os
import sys

import cv2
import numpy as np

DEFAULT_MAP = "/usr/share/qtcreator/qml/qmlpuppet/mockfiles/images/preview_landscape.hdr"


def write_pfm(path, e):
    """e (H, W, 3) BGR float32 -> little-endian PFM, rows bottom to top."""
    with open(path, "wb") as f:
        f.write(b"PF\n%d %d\n-1.0\n" % (e.shape[1], e.shape[0]))
        f.write(np.ascontiguousarray(e[::-1, :, ::-1], dtype="<f4").tobytes())


def render(out, width, height, n, source=DEFAULT_MAP, seed=0, truth=False):
    e = cv2.imread(source, cv2.IMREAD_ANYDEPTH | cv2.IMREAD_COLOR)
    if e is None:
        sys.exit(f"make_hdr_stack: cannot read the radiance map {source}")
    e = np.maximum(cv2.resize(e.astype(np.float32), (width, height), interpolation=cv2.INTER_CUBIC), 0)
    rng = np.random.default_rng(seed)
    median = float(np.median(e[e > 0])) if (e > 0).any() else 1.0
    os.makedirs(out, exist_ok=True)
    if truth:  # the radiance the stack was rendered from, for error figures (not an input)
        write_pfm(os.path.join(out, "radiance_true.pfm"), e)
    names = []
    with open(os.path.join(out, "times.txt"), "w") as f:
        for j in range(n):
            t = 0.5 / median * 2.0 ** (2 * (j - (n - 1) / 2))  # 2 stops apart, middle exposure on the median
            z = np.clip(e * t, 0, 1) ** (1 / 2.2)
            z = z + rng.normal(0, 0.01, size=z.shape).astype(np.float32)
            img = np.clip(np.rint(z * 255), 0, 255).astype(np.uint8)
            name = f"exposure_{j + 1}.png"
            if not cv2.imwrite(os.path.join(out, name), img):
                sys.exit(f"make_hdr_stack: cannot write {name}")
            f.write(f"{name} {t:.10g}\n")
            names.append(name)
    return names


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--size", default="768x512", help="WIDTHxHEIGHT (default 768x512)")
    ap.add_argument("--exposures", type=int, default=16)
    ap.add_argument("--source", default=DEFAULT_MAP, help="the radiance map (.hdr, .exr, .pfm)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--truth", action="store_true", help="also OUT_DIR/radiance_true.pfm, the rendered radiance")
    a = ap.parse_args()
    w, h = (int(v) for v in a.size.lower().split("x"))
    render(a.out, w, h, a.exposures, a.source, a.seed, a.truth)


if __name__ == "__main__":
    main()
