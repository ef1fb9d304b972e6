# cli_metrics_golden.sh — `obscura metrics A B --json` on real-photo pairs gives
# scikit-image's SSIM (gaussian_weights=True, sigma=1.5,
# use_sample_covariance=False) within 1e-5 and its PSNR within 1e-4 dB. The pairs
# and scikit-image's values are written by the `ssim` test (fixture ssim_pairs)
# from tests/golden/ssim_skimage.tsv.
. "$(dirname "$0")/clilib.sh"
pairs="$OB_TEST_TMP/ssim_pairs"
if [ ! -s "$pairs/manifest.tsv" ]; then
  echo "SKIPPED: no $pairs/manifest.tsv (the ssim test skips without scikit-image's photos)"
  exit 77
fi
while IFS=$'\t' read -r name a b ssim psnr; do
  case "$name" in "#"*|"") continue ;; esac
  expect_ok "metrics $name" "$OBSCURA" metrics "$pairs/$a" "$pairs/$b" --json
  python3 - "$work/out" "$ssim" "$psnr" "$name" <<'PY' && ok || bad "$name: $(cat "$work/out")"
import json, math, sys
r = json.load(open(sys.argv[1]))
want_ssim, want_psnr, name = float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
print("%-20s ssim %.8f (skimage %.8f, diff %.1e)  psnr %.5f (skimage %.5f)" %
      (name, r["ssim"], want_ssim, abs(r["ssim"] - want_ssim), r["psnr"], want_psnr))
assert abs(r["ssim"] - want_ssim) <= 1e-5
assert abs(r["psnr"] - want_psnr) <= 1e-4
PY
done < "$pairs/manifest.tsv"
finish
