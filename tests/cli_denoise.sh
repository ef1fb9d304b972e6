# cli_denoise.sh — `obscura train denoise` and `obscura denoise` on
# Fashion-MNIST (Debian's dataset-fashion-mnist, which .ci/setup installs;
# the test reports SKIPPED without it): a short run (4,000 images, 3 epochs,
# sigma 0.3, lr 3e-3) must denoise — its test-split PSNR at least 3 dB above the noisy
# input's, a threshold that fails for a net that learned nothing (it starts
# near the noisy input) — and write its curves, metrics, the grids of the
# first, middle and last epochs and the page; the checkpoint denoises an
# image of another size and channel count; bad input is refused and leaves
# nothing behind.
. "$(dirname "$0")/clilib.sh"
fm=/usr/share/datasets/fashion-mnist
if [ ! -f "$fm/train-images-idx3-ubyte.gz" ]; then echo "SKIPPED: no Fashion-MNIST ($fm)"; exit 77; fi

run="$work/run"
expect_ok "train denoise" "$OBSCURA" train denoise --data "$fm" --model convtranspose --noise 0.3 --epochs 3 \
  --limit 4000 --lr 0.003 -o "$run" --json --quiet
gain=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["psnr"] - r["noisy_psnr"])' "$work/out" 2>/dev/null || echo nan)
echo "denoise: $(cat "$work/out")"
python3 -c "import sys; sys.exit(0 if float('$gain') >= 3 else 1)" && ok || bad "PSNR gain $gain dB over the noisy input, expected >= 3"
for f in model.safetensors loss.csv loss.svg psnr.svg metrics.csv index.html grid_epoch1.png grid_epoch2.png grid_epoch3.png; do
  [ -s "$run/$f" ] && ok || bad "train denoise did not write $f"
done
[ "$(wc -l < "$run/metrics.csv")" -eq 4 ] && ok || bad "metrics.csv: $(cat "$run/metrics.csv")"

expect_ok "demo chart" "$OBSCURA" demo --job interp --image chart -o "$work/d" --quiet
expect_ok "denoise an RGB image" "$OBSCURA" denoise "$work/d/original.png" -o "$work/clean.png" --model "$run/model.safetensors"
expect_ok "same size" "$OBSCURA" metrics "$work/d/original.png" "$work/clean.png"

expect_error "noise 0" "noise" "$OBSCURA" train denoise --data "$fm" --noise 0 -o "$work/bad1"
expect_error "unknown model" "convtranspose" "$OBSCURA" train denoise --data "$fm" --model vae -o "$work/bad2"
expect_error "resume at another noise" "noise" "$OBSCURA" train denoise --data "$fm" --noise 0.5 --resume "$run" --epochs 4
expect_error "denoise without a model" "model" "$OBSCURA" denoise "$work/d/original.png" -o "$work/x.png"
expect_error "denoise with an sr checkpoint" "not a checkpoint of train denoise" "$OBSCURA" denoise \
  "$work/d/original.png" -o "$work/x.png" --model "$OB_SOURCE_DIR/data/sr/espcn_x3_y.safetensors"
expect_error "denoise with a file that is no checkpoint" "checkpoint" "$OBSCURA" denoise "$work/d/original.png" \
  -o "$work/x.png" --model "$work/d/original.png"
expect_absent "refused runs" "$work/x.png" "$work/bad1" "$work/bad2"
finish
