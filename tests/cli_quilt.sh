# cli_quilt.sh — `obscura quilt` and `obscura transfer` end to end: every
# method and transfer on a procedural texture (a crop of the test chart
# `obscura demo --job interp --image chart` draws) and on a real one (scikit-image's brick and
# gravel, downscaled; that part prints SKIPPED when the data is missing); the
# same seed gives the same file; --batch with a bad file in the folder, a
# re-run that skips the finished outputs; bad input is "obscura: error: ...",
# exit 2, no output left behind.
. "$(dirname "$0")/clilib.sh"

skdata=${OB_SKIMAGE_DATA:-/usr/lib/python3/dist-packages/skimage/data}
expect_ok "quilt --help" "$OBSCURA" quilt --help
grep -q "^usage: obscura quilt" "$work/out" && ok || bad "quilt --help has no usage line"
expect_ok "transfer --help" "$OBSCURA" transfer --help
expect_ok "--help lists both" "$OBSCURA" --help
grep -q "^  quilt " "$work/out" && grep -q "^  transfer " "$work/out" && ok || bad "--help does not list quilt and transfer"

# procedural sample: the sr demo's test chart, shrunk to 72x64
expect_ok "demo chart" "$OBSCURA" demo --job interp --image chart -o "$work/demo" --quiet
expect_ok "chart sample" "$OBSCURA" resize "$work/demo/small.png" -o "$work/chart.png" --size 72x64 --quiet
smp="$work/chart.png"
for m in random simple cut; do
  expect_ok "quilt $m" "$OBSCURA" quilt "$smp" -o "$work/q_$m.png" --size 101x83 --patch 16 --overlap 4 --tol 2 \
    --method $m --seed 5 --json --device cpu
  grep -q '"size": \[101, 83\]' "$work/out" && grep -q "\"method\": \"$m\"" "$work/out" && ok ||
    bad "quilt $m --json: $(cat "$work/out")"
  python3 - "$work/q_$m.png" <<'PY' && ok || bad "quilt $m: output is not a 101x83 PNG"
import struct, sys
d = open(sys.argv[1], "rb").read(24)
sys.exit(0 if d[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", d[16:24]) == (101, 83) else 1)
PY
done
expect_ok "quilt cut again" "$OBSCURA" quilt "$smp" -o "$work/q_cut2.png" --size 101x83 --patch 16 --overlap 4 --tol 2 \
  --method cut --seed 5 --quiet
cmp -s "$work/q_cut.png" "$work/q_cut2.png" && ok || bad "same seed gave another image"
expect_ok "quilt cut seed 6" "$OBSCURA" quilt "$smp" -o "$work/q_cut3.png" --size 101x83 --patch 16 --overlap 4 \
  --tol 2 --method cut --seed 6 --quiet
cmp -s "$work/q_cut.png" "$work/q_cut3.png" && bad "another seed gave the same image" || ok
expect_ok "quilt defaults" "$OBSCURA" quilt "$smp" -o "$work/q_def.png" --patch 20 --json
grep -q '"size": \[144, 128\]' "$work/out" && grep -q '"overlap": 3' "$work/out" && grep -q '"method": "cut"' "$work/out" &&
  ok || bad "quilt defaults (twice the sample, overlap P/6, cut): $(cat "$work/out")"
expect_ok "transfer chart" "$OBSCURA" transfer "$smp" "$work/demo/small.png" -o "$work/t_chart.png" --patch 12 \
  --overlap 2 --tol 2 --iterations 2 --seed 3 --json
grep -q '"iterations": 2' "$work/out" && ok || bad "transfer --json: $(cat "$work/out")"

# real textures (downscaled 4x to 128x128)
if [ -r "$skdata/brick.png" ] && [ -r "$skdata/gravel.png" ] && [ -r "$skdata/camera.png" ]; then
  expect_ok "brick sample" "$OBSCURA" resize "$skdata/brick.png" -o "$work/brick.png" --size 128x128 --quiet
  expect_ok "gravel sample" "$OBSCURA" resize "$skdata/gravel.png" -o "$work/gravel.png" --size 128x128 --quiet
  expect_ok "camera target" "$OBSCURA" resize "$skdata/camera.png" -o "$work/camera.png" --size 96x96 --quiet
  for m in random simple cut; do
    expect_ok "quilt brick $m" "$OBSCURA" quilt "$work/brick.png" -o "$work/brick_$m.png" --size 150x150 --patch 24 \
      --overlap 5 --tol 3 --method $m --seed 1 --quiet
  done
  expect_ok "transfer gravel -> camera" "$OBSCURA" transfer "$work/gravel.png" "$work/camera.png" -o "$work/t.png" \
    --patch 15 --overlap 3 --iterations 2 --seed 1 --quiet
  [ -s "$work/t.png" ] && ok || bad "transfer wrote nothing"
else
  echo "SKIPPED: real textures (scikit-image's brick/gravel/camera not in $skdata; set OB_SKIMAGE_DATA)"
fi

# --batch: two samples, a text file named .png, a non-image file and a sub-folder (both ignored)
mkdir -p "$work/in/sub" "$work/outb"
cp "$smp" "$work/in/a.png"; cp "$work/demo/small.png" "$work/in/b.png"; cp "$smp" "$work/in/sub/c.png"
echo "not an image" >"$work/in/bad.png"; echo "notes" >"$work/in/notes.txt"
expect_error "batch with a bad file" "bad.png" "$OBSCURA" quilt --batch "$work/in" -o "$work/outb" --size 70x60 \
  --patch 14 --overlap 3 --quiet
[ -s "$work/outb/a.png" ] && [ -s "$work/outb/b.png" ] && ok || bad "batch: the good samples were not written"
expect_absent "batch: nothing for the bad sample, the text file or the sub-folder" "$work/outb/bad.png" \
  "$work/outb/notes.png" "$work/outb/c.png"
touch -d "2001-01-01" "$work/outb/a.png"
expect_error "batch re-run" "bad.png" "$OBSCURA" quilt --batch "$work/in" -o "$work/outb" --size 70x60 --patch 14 \
  --overlap 3
grep -q "0 done, 2 skipped (already there), 1 failed" "$work/out" && ok || bad "batch re-run: $(cat "$work/out")"
[ "$(date -r "$work/outb/a.png" +%Y)" = 2001 ] && ok || bad "batch re-run rewrote a finished output"
rm "$work/in/bad.png" "$work/outb/b.png"
expect_ok "batch after the fix" "$OBSCURA" quilt --batch "$work/in" -o "$work/outb" --size 70x60 --patch 14 \
  --overlap 3 --json
grep -q '"done": 1, "skipped": 1, "failed": 0' "$work/out" && ok || bad "batch --json: $(cat "$work/out")"

# bad input: error, exit 2, no output
o="$work/bad_out.png"
echo "not an image" >"$work/text.png"
expect_error "patch larger than the sample" "patch 80 is larger than the sample" \
  "$OBSCURA" quilt "$smp" -o "$o" --patch 80 --overlap 5
expect_error "overlap = patch" "overlap 16 must be smaller than the patch" \
  "$OBSCURA" quilt "$smp" -o "$o" --patch 16 --overlap 16
expect_error "overlap > patch" "overlap" "$OBSCURA" quilt "$smp" -o "$o" --patch 16 --overlap 20
expect_error "overlap 0" "--overlap" "$OBSCURA" quilt "$smp" -o "$o" --patch 16 --overlap 0
expect_error "output smaller than a patch" "smaller than a patch" \
  "$OBSCURA" quilt "$smp" -o "$o" --patch 16 --overlap 4 --size 15x40
expect_error "tol 0" "--tol" "$OBSCURA" quilt "$smp" -o "$o" --tol 0
expect_error "tol 65" "--tol" "$OBSCURA" quilt "$smp" -o "$o" --tol 65
expect_error "seed not a number" "--seed" "$OBSCURA" quilt "$smp" -o "$o" --seed 12abc
expect_error "negative seed" "--seed" "$OBSCURA" quilt "$smp" -o "$o" --seed -1
expect_error "unknown method" "--method" "$OBSCURA" quilt "$smp" -o "$o" --method seamless
expect_error "non-image sample" "text.png" "$OBSCURA" quilt "$work/text.png" -o "$o"
expect_error "missing sample" "nope.png" "$OBSCURA" quilt "$work/nope.png" -o "$o"
expect_error "no -o" "-o" "$OBSCURA" quilt "$smp"
expect_error "bad output format" "-o" "$OBSCURA" quilt "$smp" -o "$work/out.xyz"
expect_error "transfer: non-image target" "text.png" "$OBSCURA" transfer "$smp" "$work/text.png" -o "$o"
expect_error "transfer: non-image texture" "text.png" "$OBSCURA" transfer "$work/text.png" "$smp" -o "$o"
expect_ok "tiny target" "$OBSCURA" resize "$smp" -o "$work/tiny.png" --size 12x10 --quiet
expect_error "transfer: target smaller than a patch" "output 12x10 is smaller than a patch" \
  "$OBSCURA" transfer "$smp" "$work/tiny.png" -o "$o" --patch 16 --overlap 4
expect_error "transfer: patch larger than the texture" "larger than the sample" \
  "$OBSCURA" transfer "$smp" "$work/demo/small.png" -o "$o" --patch 70 --overlap 5
expect_error "transfer: alpha 2" "--alpha" "$OBSCURA" transfer "$smp" "$smp" -o "$o" --alpha 2
expect_error "transfer: iterations 0" "--iterations" "$OBSCURA" transfer "$smp" "$smp" -o "$o" --iterations 0
expect_error "transfer: one image" "TARGET" "$OBSCURA" transfer "$smp" -o "$o"
expect_absent "no output after bad input" "$o"
finish
