# cli_faceswap.sh — `obscura train faceswap` and `obscura faceswap` end to
# end on two rendered identities with known landmarks ($FS_FACES: PNG + .pts
# folders): a short training run writes the checkpoint, loss.csv and the
# preview; a swapped photo keeps its size and changes only near the face;
# and bad input: face folders with no images or an image without landmarks,
# a checkpoint of another task, --to other than a|b, an unreadable image, a
# photo without landmarks — each refused with nothing written.
. "$(dirname "$0")/clilib.sh"
: "${FS_FACES:?FS_FACES must name the fs_faces helper}"

"$FS_FACES" write "$work/a" a 12 1 80 && "$FS_FACES" write "$work/b" b 12 2 80 && ok || bad "fs_faces write failed"

expect_ok "train faceswap" "$OBSCURA" train faceswap --a "$work/a" --b "$work/b" -o "$work/run" --size 32 --width 4 \
  --steps 30 --batch 8 --seed 1 --json
grep -q '"loss_a": [0-9]' "$work/out" && grep -q '"faces_b": 12' "$work/out" && ok || bad "train --json: $(cat "$work/out")"
for f in model.safetensors loss.csv preview.png; do [ -s "$work/run/$f" ] && ok || bad "run folder lacks $f"; done
head -n1 "$work/run/loss.csv" | grep -q '^step,loss_a,loss_b$' && [ "$(wc -l < "$work/run/loss.csv")" -eq 4 ] && ok \
  || bad "loss.csv: $(head -c 300 "$work/run/loss.csv")"
expect_ok "preview size" "$OBSCURA" resize "$work/run/preview.png" -o "$work/p2.png" --scale 1 --json
grep -q '"in_size": \[256, 192\]' "$work/out" && ok || bad "preview is not 8 faces x 6 rows of 32: $(cat "$work/out")"

ckpt="$work/run/model.safetensors"
expect_ok "faceswap to b" "$OBSCURA" faceswap "$work/a/face_0000.png" --model "$ckpt" --to b -o "$work/s.png"
expect_ok "swapped size" "$OBSCURA" resize "$work/s.png" -o "$work/s2.png" --scale 1 --json
grep -q '"in_size": \[80, 80\]' "$work/out" && ok || bad "swapped photo is not 80x80: $(cat "$work/out")"
"$FS_FACES" diff "$work/a/face_0000.png" "$work/s.png" "$work/a/face_0000.pts" >"$work/out" && ok \
  || bad "the swap changed more than the face (or not the face): $(cat "$work/out")"
expect_ok "faceswap --landmarks --json" "$OBSCURA" faceswap "$work/b/face_0003.png" --model "$ckpt" --to a \
  --landmarks "$work/b/face_0003.pts" -o "$work/t.png" --json
grep -q '"blend_box": \[' "$work/out" && ok || bad "--json: $(cat "$work/out")"

# bad input
mkdir -p "$work/empty" "$work/nopts"
cp "$work/a/face_0001.png" "$work/nopts/x.png"
cp "$work/a/face_0001.png" "$work/lonely.png"
echo "not a png" > "$work/broken.png"
cp "$work/a/face_0001.pts" "$work/broken.pts"
python3 - "$work/denoise.safetensors" <<'PY' || bad "could not write the denoise checkpoint"
import json, struct, sys
h = json.dumps({"__metadata__": {"task": "denoise", "model": "upsample"}}).encode()
h += b" " * (-len(h) % 8)
open(sys.argv[1], "wb").write(struct.pack("<Q", len(h)) + h)
PY
expect_error "empty face folder" "empty.*no .pts|no .pts.*empty" "$OBSCURA" train faceswap --a "$work/empty" --b "$work/b" \
  -o "$work/run_bad" --size 32 --width 4 --steps 2
expect_error "image without landmarks" "no landmark" "$OBSCURA" train faceswap --a "$work/a" --b "$work/nopts" \
  -o "$work/run_bad" --size 32 --width 4 --steps 2
expect_error "size 40" "multiple of 16" "$OBSCURA" train faceswap --a "$work/a" --b "$work/b" -o "$work/run_bad" --size 40
expect_absent "refused training runs" "$work/run_bad"
expect_error "denoise checkpoint" "not a faceswap checkpoint.*denoise" "$OBSCURA" faceswap "$work/a/face_0000.png" \
  --model "$work/denoise.safetensors" --to b -o "$work/x.png"
expect_error "--to c" "--to.*a or b" "$OBSCURA" faceswap "$work/a/face_0000.png" --model "$ckpt" --to c -o "$work/x.png"
expect_error "unreadable image" "broken.png" "$OBSCURA" faceswap "$work/broken.png" --model "$ckpt" --to b -o "$work/x.png"
expect_error "photo without landmarks" "no landmarks" "$OBSCURA" faceswap "$work/lonely.png" --model "$ckpt" --to b \
  -o "$work/x.png"
expect_error "missing checkpoint" "model" "$OBSCURA" faceswap "$work/a/face_0000.png" --model "$work/none.safetensors" \
  --to b -o "$work/x.png"
expect_absent "refused swaps" "$work/x.png"
finish
