# cli_digits.sh — `obscura train classify` and `eval classify` on OpenCV's
# handwritten digits (--data digits.png; copied into data/opencv/ by .ci/setup,
# SKIPPED without it): one epoch on the 4500 training digits (the seed's
# augmentation without its flip, which digits.png turns off: a mirrored digit
# is another shape) must reach 80% on the
# 500 held out, where a net fed wrong labels or one digit stays near 10%; a
# digits.png of the wrong size is "obscura: error: ...", exit 2.
. "$(dirname "$0")/clilib.sh"

digits=${OB_OPENCV_DIGITS:-${OB_SOURCE_DIR:-.}/data/opencv/digits.png}
if [ ! -f "$digits" ]; then
  echo "OpenCV digits not at $digits (.ci/setup fetches it): skipped"
  exit 77
fi

run="$work/run"
expect_ok "train classify on digits.png" "$OBSCURA" train classify --data "$digits" --epochs 1 --batch 32 --seed 1 \
  -o "$run" --json --device cpu
python3 - "$work/out" <<'PY' && ok || bad "train on digits: $(cat "$work/out")"
import json, sys
r = json.load(open(sys.argv[1]))
print("digits: 1 epoch, validation accuracy %.3f" % r["val_accuracy"])
assert r["epochs"] == 1 and r["val_accuracy"] >= 0.8, r
PY
expect_ok "eval classify on digits.png" "$OBSCURA" eval classify --data "$digits" --checkpoint "$run/model.safetensors" --json
python3 - "$work/out" <<'PY' && ok || bad "eval on digits: $(cat "$work/out")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["samples"] == 500 and [c["samples"] for c in r["per_class"]] == [50] * 10, r
PY

mkdir -p "$work/small"
expect_ok "a half-size copy" "$OBSCURA" resize "$digits" -o "$work/small/digits.png" --size 1000x500
expect_error "digits.png of the wrong size" "1000 x 500 pixels.*2000 x 1000" "$OBSCURA" train classify \
  --data "$work/small/digits.png" -o "$work/run_small"
finish
