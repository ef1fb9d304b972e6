# cli_keypoints.sh — `obscura train keypoints`, `eval keypoints` and
# `keypoints detect` end to end.
#   Known truth: rendered faces (tests/kp_blobs.c: an ellipse with eyes, nose
#   and mouth corners at a random place, size and tilt, 5 points) — nose,
#   face, resnet18 and unet each trained briefly must predict held-out faces
#   with under a quarter of the normalised MSE of the training set's mean
#   shape (a threshold that fails for a net that learns nothing).
#   (Real faces: cli_keypoints_dlib.sh.)
#   Detection writes .pts, JSON and overlays; eval --html its page; bad input
#   (a wrong point count, points far outside, an image with no landmark file,
#   a checkpoint of another K or task, a box outside the image) is
#   "obscura: error: ...", exit 2, and leaves no output folder.
. "$(dirname "$0")/clilib.sh"
: "${KP_BLOBS:?KP_BLOBS must name the kp_blobs tool}"

blobs="$work/blobs"
mkdir -p "$blobs"
"$KP_BLOBS" "$blobs/train" 240 64 1 && "$KP_BLOBS" "$blobs/test" 40 64 2 || { bad "kp_blobs failed"; finish; exit; }

# nmse_below JSON FRACTION: the net's normalised MSE under FRACTION of the mean shape's
nmse_below() {
  python3 -c "import json,sys; r=json.load(open(sys.argv[1])); f=float(sys.argv[2]); \
print('%s: nmse %.5f, mean shape %.5f' % (r['model'], r['nmse'], r['mean_shape']['nmse'])); \
sys.exit(0 if r['nmse'] < f * r['mean_shape']['nmse'] else 1)" "$1" "$2"
}

train_blobs() { # NAME EPOCHS [options]
  local name=$1 epochs=$2; shift 2
  expect_ok "train keypoints $name" "$OBSCURA" train keypoints --model "$name" --input 1x64x64 --crop none \
    --data "$blobs/train" --val-data "$blobs/test" -o "$work/run_$name" --epochs "$epochs" --batch 16 --quiet "$@"
  expect_ok "eval keypoints $name" "$OBSCURA" eval keypoints --checkpoint "$work/run_$name/model.safetensors" \
    --data "$blobs/test" --json
  cp "$work/out" "$work/eval_$name.json"
  if nmse_below "$work/eval_$name.json" 0.25; then ok; else bad "$name did not learn the rendered faces"; fi
}
train_blobs nose 25
# --resume continues the run (the same model, points and input), and refuses another
expect_ok "train keypoints --resume" "$OBSCURA" train keypoints --model nose --input 1x64x64 --crop none \
  --data "$blobs/train" --val-data "$blobs/test" --resume "$work/run_nose" --epochs 27 --batch 16 --quiet
[ "$(tail -n +2 "$work/run_nose/loss.csv" | wc -l)" = 27 ] && ok || bad "resume: loss.csv has $(wc -l < "$work/run_nose/loss.csv") lines"
expect_error "resume as another model" "the run is nose" "$OBSCURA" train keypoints --model face --input 1x64x64 \
  --crop none --data "$blobs/train" --resume "$work/run_nose" --epochs 30
train_blobs face 10 --lr 1e-4
train_blobs resnet18 10
train_blobs unet 10 --features 16

# per-image rows, the files named, the mean, the baseline
expect_ok "eval keypoints table" "$OBSCURA" eval keypoints --checkpoint "$work/run_nose/model.safetensors" \
  --data "$blobs/test" --html "$work/report"
grep -q "face_0039.png" "$work/out" && grep -q "^mean shape" "$work/out" && ok || bad "eval table: $(head -c 600 "$work/out")"
for f in index.html best_0.png worst_0.png filters.png loss.svg; do
  [ -s "$work/report/$f" ] && ok || bad "eval --html: no $f"
done
grep -q "Worst faces" "$work/report/index.html" && ok || bad "report page"

# detection: points in the image's pixels, .pts / JSON / overlay, heatmaps from unet
img="$blobs/test/face_0003.png"
expect_ok "detect" "$OBSCURA" keypoints detect "$img" "$blobs/test/face_0004.png" --model "$work/run_nose/model.safetensors" -o "$work/det"
for f in face_0003.pts face_0003.json face_0003_overlay.png face_0004.pts; do
  [ -s "$work/det/$f" ] && ok || bad "detect: no $f"
done
python3 - "$work/det/face_0003.pts" "$blobs/test/face_0003.pts" <<'EOF' && ok || bad "detect: points far from the truth"
import sys
def pts(p):
    lines = open(p).read().split("{")[1].split("}")[0].split()
    v = list(map(float, lines))
    return list(zip(v[0::2], v[1::2]))
got, want = pts(sys.argv[1]), pts(sys.argv[2])
err = max(((a - c) ** 2 + (b - d) ** 2) ** 0.5 for (a, b), (c, d) in zip(got, want))
print("detect: worst point %.2f px off" % err)
sys.exit(0 if len(got) == 5 and err < 6 else 1)
EOF
grep -q '"points": \[\[' "$work/det/face_0003.json" && ok || bad "detect json: $(cat "$work/det/face_0003.json")"
expect_ok "detect --heatmaps" "$OBSCURA" keypoints detect "$img" --model "$work/run_unet/model.safetensors" -o "$work/deth" --heatmaps --box 0,0,64,64
[ -s "$work/deth/face_0003_heatmaps.png" ] && ok || bad "detect --heatmaps: no heatmap image"
printf 'face_0004.png 0,0,64,64\n# comment\nface_0003.png 2 2 60 60\n' > "$work/boxes.txt"
expect_ok "detect --boxes" "$OBSCURA" keypoints detect "$img" "$blobs/test/face_0004.png" --model "$work/run_nose/model.safetensors" -o "$work/detb" --boxes "$work/boxes.txt"
grep -q '"box": \[2.000, 2.000, 60.000, 60.000\]' "$work/detb/face_0003.json" && ok || bad "detect --boxes: $(cat "$work/detb/face_0003.json")"

# bad input
expect_error "heatmaps of a regressor" "only unet" "$OBSCURA" keypoints detect "$img" --model "$work/run_nose/model.safetensors" -o "$work/bad1" --heatmaps
expect_error "box outside the image" "outside the 64x64 image" "$OBSCURA" keypoints detect "$img" --model "$work/run_nose/model.safetensors" -o "$work/bad2" --box 200,10,30,30
expect_error "malformed box" "is not x,y,w,h" "$OBSCURA" keypoints detect "$img" --model "$work/run_nose/model.safetensors" -o "$work/bad3" --box 1,2,3
expect_error "boxes for unknown images" "none of the images" "$OBSCURA" keypoints detect "$img" --model "$work/run_nose/model.safetensors" -o "$work/bad4" --boxes <(echo "other.png 1,1,9,9")
expect_error "missing image" "nonexistent" "$OBSCURA" keypoints detect "$work/nonexistent.png" --model "$work/run_nose/model.safetensors" -o "$work/bad5"
expect_absent "no output folder after a refusal" "$work/bad1" "$work/bad2" "$work/bad3" "$work/bad4" "$work/bad5"
# landmark sets
cp -r "$blobs/test" "$work/count" && printf 'version: 1\nn_points: 4\n{\n1 1\n2 2\n3 3\n4 4\n}\n' > "$work/count/face_0007.pts"
expect_error "wrong point count" "face_0007.pts.*4 points|4 .*face_0007" "$OBSCURA" train keypoints --model nose --data "$work/count" -o "$work/bad6"
cp -r "$blobs/test" "$work/far" && printf 'version: 1\nn_points: 5\n{\n10 10\n20 20\n900 30\n40 40\n50 50\n}\n' > "$work/far/face_0009.pts"
expect_error "points far outside" "face_0009.*far outside" "$OBSCURA" train keypoints --model nose --data "$work/far" -o "$work/bad7"
cp -r "$blobs/test" "$work/hole" && rm "$work/hole/face_0011.pts"
expect_error "image with no landmark file" "face_0011.png.*no landmark file" "$OBSCURA" train keypoints --model nose --data "$work/hole" -o "$work/bad8"
expect_absent "no run folder after a refusal" "$work/bad6" "$work/bad7" "$work/bad8"
expect_error "unknown model" "not a keypoint net" "$OBSCURA" train keypoints --model espcn --data "$blobs/test" -o "$work/bad9"
expect_error "flip without a table" "left/right" "$OBSCURA" train keypoints --model nose --input 1x64x64 --data "$blobs/test" -o "$work/bad10" --flip 0.5
expect_error "eval: checkpoint of another task" "not a checkpoint of obscura train keypoints" "$OBSCURA" eval keypoints --checkpoint "$OB_SOURCE_DIR/data/sr/espcn_x2_y.safetensors" --data "$blobs/test"

# the K check on real faces: dlib's 68-point set against the 5-point net
if [ -n "${OB_DLIB_FACES_XML:-}" ] && [ -f "$OB_DLIB_FACES_XML" ]; then
  expect_error "checkpoint of another K" "68 points per face, the model expects 5" "$OBSCURA" eval keypoints \
    --checkpoint "$work/run_nose/model.safetensors" --data "$OB_DLIB_FACES_XML"
fi

finish
