# cli_vae.sh — `obscura train vae|cvae` and `obscura generate` on OpenCV's
# handwritten digits (data/opencv/digits.png from .ci/setup; SKIPPED
# without it). Short runs (8 epochs each, 4,500 digits): the test-split
# negative ELBO must fall from the first epoch to the last and equal its two
# terms' sum; each run writes its checkpoint, curves, metrics, pictures and
# page. The CVAE's samples, a classifier of `train classify` (2 epochs) as the
# judge, must be recognised as their class at least 3 times as often as
# chance (30% for 10 classes; a CVAE that ignores its class stays near 10%;
# this short run measured 57%, the README's 150-epoch one 94%).
# generate draws per class, from the prior, and traversals; bad input (a class
# outside the trained range, a checkpoint of another task, --class on a VAE,
# an unknown reconstruction) is "obscura: error: ..." and writes nothing.
. "$(dirname "$0")/clilib.sh"

digits=${OB_OPENCV_DIGITS:-${OB_SOURCE_DIR:-.}/data/opencv/digits.png}
if [ ! -f "$digits" ]; then
  echo "OpenCV digits not at $digits (.ci/setup fetches it): skipped"
  exit 77
fi

for m in vae cvae; do
  run="$work/$m"
  expect_ok "train $m" "$OBSCURA" train $m --data "$digits" --epochs 8 --seed 1 -o "$run" --json --quiet
  echo "$m: $(cat "$work/out")"
  for f in model.safetensors loss.csv loss.svg metrics.csv index.html traversal.png recon_epoch1.png \
           recon_epoch4.png recon_epoch8.png samples_epoch1.png samples_epoch8.png; do
    [ -s "$run/$f" ] && ok || bad "train $m did not write $f"
  done
  python3 - "$run/metrics.csv" <<'PY' && ok || bad "$m metrics: $(cat "$run/metrics.csv")"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 8, len(rows)
first, last = float(rows[0]["val_neg_elbo"]), float(rows[-1]["val_neg_elbo"])
assert last < first - 10, (first, last)
for r in rows:
    assert abs(float(r["val_neg_elbo"]) - float(r["val_recon"]) - float(r["val_kl"])) < 1e-3, r
PY
done

expect_ok "train classify (the judge)" "$OBSCURA" train classify --data "$digits" --epochs 2 --seed 1 -o "$work/cls" --quiet
expect_ok "generate + judge" "$OBSCURA" generate --model "$work/cvae/model.safetensors" -n 50 \
  --judge "$work/cls/model.safetensors" -o "$work/samples.png" --json
echo "judged: $(cat "$work/out")"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["recognised"] >= 0.3 and len(r["per_class"]) == 10 else 1)' \
  "$work/out" && ok || bad "CVAE samples recognised: $(cat "$work/out")"
expect_ok "generate three classes" "$OBSCURA" generate --model "$work/cvae/model.safetensors" --class 0,1,2 -n 5 \
  -o "$work/three.png"
python3 - "$work/three.png" <<'PY' && ok || bad "three.png is not 3 rows of 5 cells"
import struct, sys
d = open(sys.argv[1], "rb").read(24)
w, h = struct.unpack(">II", d[16:24])
cell = 28 * 3 + 4
assert (w, h) == (4 + 5 * cell, 4 + 3 * cell), (w, h)
PY
expect_ok "generate from the VAE's prior" "$OBSCURA" generate --model "$work/vae/model.safetensors" -n 20 -o "$work/prior.png"
expect_ok "traverse" "$OBSCURA" generate --model "$work/cvae/model.safetensors" --class 7 --traverse -o "$work/trav.png"

expect_error "a class outside the range" "outside the trained classes 0..9" "$OBSCURA" generate \
  --model "$work/cvae/model.safetensors" --class 3,10 -o "$work/x1.png"
expect_error "--class on a VAE" "unconditional" "$OBSCURA" generate --model "$work/vae/model.safetensors" --class 1 \
  -o "$work/x2.png"
expect_error "a checkpoint of another task" "not a checkpoint of train vae" "$OBSCURA" generate \
  --model "$work/cls/model.safetensors" -o "$work/x3.png"
expect_error "a judge that is no classifier" "not a classifier" "$OBSCURA" generate \
  --model "$work/cvae/model.safetensors" --judge "$work/vae/model.safetensors" -o "$work/x4.png"
expect_error "an unknown reconstruction" "bce or mse" "$OBSCURA" train vae --data "$digits" --recon l1 -o "$work/x5"
expect_error "resume as another model" "asks for a" "$OBSCURA" train vae --data "$digits" --latent 5 \
  --resume "$work/vae" --epochs 9
expect_absent "refused runs" "$work/x1.png" "$work/x2.png" "$work/x3.png" "$work/x4.png" "$work/x5"
finish
