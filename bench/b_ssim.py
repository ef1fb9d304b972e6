"""b_ssim.py — SSIM and PSNR: obscura's CPU path (build/bench/bench_ssim) vs
scikit-image on the same 512 x 512 RGB pair: astronaut.png and its 16-level
quantisation ((v // 16) * 16), or random data when the photo is missing.

skimage settings (Wang et al. 2004, what ob_ssim matches):
    structural_similarity(a, b, gaussian_weights=True, sigma=1.5,
                          use_sample_covariance=False, data_range=255,
                          channel_axis=-1)
    peak_signal_noise_ratio(a, b, data_range=255)
Median of several repeats on each side. Run with Debian's python (numpy,
skimage): /usr/bin/python3 bench/b_ssim.py BUILD_DIR
"""
import os
import sys

from benchlib import median_ms, ours

REPEATS = 7


def _data():
    import numpy as np
    import skimage
    from skimage import io
    folder = os.environ.get("OB_SKIMAGE_DATA", os.path.join(os.path.dirname(skimage.__file__), "data"))
    path = os.path.join(folder, "astronaut.png")
    try:
        a = io.imread(path)
        assert a.shape == (512, 512, 3) and a.dtype == np.uint8
    except Exception:
        a = np.random.default_rng(12345).integers(0, 256, (512, 512, 3), dtype=np.uint8)
    return a, ((a // 16) * 16).astype(np.uint8)


def run(build_dir):
    from skimage.metrics import peak_signal_noise_ratio, structural_similarity
    a, b = _data()
    mine = {case: ms for case, ms, _, _ in ours(build_dir, "bench_ssim")}
    ssim_ms = median_ms(lambda: structural_similarity(a, b, gaussian_weights=True, sigma=1.5,
                                                       use_sample_covariance=False, data_range=255,
                                                       channel_axis=-1), REPEATS)
    psnr_ms = median_ms(lambda: peak_signal_noise_ratio(a, b, data_range=255), 3 * REPEATS)
    return [
        ("ssim_512x512x3", mine["ssim_512x512x3"], "skimage structural_similarity", ssim_ms),
        ("psnr_512x512x3", mine["psnr_512x512x3"], "skimage peak_signal_noise_ratio", psnr_ms),
    ]


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: /usr/bin/python3 bench/b_ssim.py BUILD_DIR")
    for case, ours_ms, peer, peer_ms in run(sys.argv[1]):
        print("%-16s obscura %9.3f ms   %-32s %9.3f ms   %6.1fx" % (case, ours_ms, peer, peer_ms, peer_ms / ours_ms))
