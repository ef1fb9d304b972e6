# cli_keypoints_dlib.sh — the keypoint nets on real faces: dlib's example
# faces (68-point iBUG landmarks; 18 in training_with_face_landmarks.xml, 25
# held out in testing_with_face_landmarks.xml, unpacked by .ci/setup; SKIPPED
# without them). The seed's face regressor and the unet heatmap net, trained
# on the 18 with the seed's augmentation and mirrored faces, must beat the
# training set's mean shape on held-out NME (inter-ocular, 300-W) — a
# threshold that fails for a net that only learns the mean.
. "$(dirname "$0")/clilib.sh"

if [ -z "${OB_DLIB_FACES_XML:-}" ] || [ ! -f "$OB_DLIB_FACES_XML" ]; then
  echo "dlib's example faces not unpacked (.ci/setup): skipped"
  exit 77
fi
faces=$(dirname "$OB_DLIB_FACES_XML")
held_out="$faces/testing_with_face_landmarks.xml"

beats_mean_shape() { # NAME EVAL_JSON
  python3 -c "import json,sys; r=json.load(open(sys.argv[2])); \
print('dlib %s: held-out NME %.4f, mean shape %.4f' % (sys.argv[1], r['nme'], r['mean_shape']['nme'])); \
sys.exit(0 if r['images'] == 25 and r['nme'] < r['mean_shape']['nme'] else 1)" "$1" "$2"
}

train_dlib() { # NAME [options]
  local name=$1; shift
  expect_ok "train $name on dlib's 18 faces" "$OBSCURA" train keypoints --model "$name" --input 1x64x64 \
    --data "$OB_DLIB_FACES_XML" --val-data "$held_out" -o "$work/dlib_$name" --flip 0.5 --quiet "$@"
  expect_ok "eval $name on dlib's 25" "$OBSCURA" eval keypoints --checkpoint "$work/dlib_$name/model.safetensors" \
    --data "$held_out" --json
  cp "$work/out" "$work/eval_$name.json"
  if beats_mean_shape "$name" "$work/eval_$name.json"; then ok; else bad "$name does not beat the mean shape on dlib's faces"; fi
}
train_dlib face --epochs 80 --batch 6 --lr 1e-4 --schedule cosine
train_dlib unet --features 32 --epochs 60 --batch 4

finish
