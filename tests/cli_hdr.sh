# cli_hdr.sh — `obscura demo` (HDR), `obscura hdr` on files and in batch, and
# every bad input the HDR issue names: exit 2, "obscura: error:", no output.
. "$(dirname "$0")/clilib.sh"

# the main job, on the procedural scene (no package needed) and on the default
expect_ok "demo hdr (procedural)" env OB_DEMO_HDR=/nonexistent "$OBSCURA" demo -o "$work/demo" --json
grep -q '"exposures": 7' "$work/out" && ok || bad "demo json: $(cat "$work/out")"
python3 - "$work/out" <<'PY' && ok || bad "demo response error / range: $(cat "$work/out")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["response_error"] < 0.06, r    # the known camera, recovered (0.043 measured)
assert r["dynamic_range_stops"] > 10, r
PY
for f in radiance.hdr response.csv response.svg global_scale.png global_simple.png durand.png summary.json index.html stack/times.txt stack/exposure_1.png; do
  [ -s "$work/demo/$f" ] && ok || bad "demo did not write $f"
done
stack="$work/demo/stack"
files=("$stack"/exposure_*.png)

# the verb on the demo's files, as a user runs it
expect_ok "hdr --times-file" "$OBSCURA" hdr "${files[@]}" --times-file "$stack/times.txt" -o "$work/h1"
for f in radiance.hdr response.csv response.svg global_scale.png global_simple.png durand.png summary.json; do
  [ -s "$work/h1/$f" ] && ok || bad "hdr did not write $f"
done
head -1 "$work/h1/response.csv" | grep -q '^z,g_r,g_g,g_b$' && ok || bad "response.csv header"
[ "$(wc -l < "$work/h1/response.csv")" -eq 257 ] && ok || bad "response.csv rows"
python3 - "$work/h1/summary.json" <<'PY' && ok || bad "summary.json: $(head -c 600 "$work/h1/summary.json")"
import json, sys
s = json.load(open(sys.argv[1]))
assert len(s["inputs"]) == 7 and s["lambda"] == 10 and s["samples"] > 0, s
assert s["times_from"] == "times file" and s["dynamic_range_stops"] > 10
assert set(s["seconds"]) >= {"load", "calibrate", "merge", "durand"} and s["backend"] in ("cpu", "cuda")
PY
times=$(grep -v '^#' "$stack/times.txt" | awk '{print $2}' | paste -sd, -)
expect_ok "hdr --times --align" "$OBSCURA" hdr "${files[@]}" --times "$times" --align --lambda 20 --samples 500 --bilateral exact -o "$work/h2" --json
grep -q '"dynamic_range_stops"' "$work/out" && ok || bad "hdr --json: $(cat "$work/out")"
expect_ok "tonemap the result" "$OBSCURA" tonemap "$work/h1/radiance.hdr" -o "$work/tm.png" --op durand

# seed-style names A_B.png = A/B seconds
mkdir -p "$work/named"
i=0
for t in 1_256 1_64 1_16; do cp "${files[$i]}" "$work/named/$t.png"; i=$((i + 2)); done
expect_ok "hdr with A_B names" "$OBSCURA" hdr "$work/named"/*.png -o "$work/h3"
grep -q '"times_from": "file names"' "$work/h3/summary.json" && ok || bad "times from names"

# batch: two good scenes and one bad one; a re-run skips the done ones
mkdir -p "$work/scenes/a" "$work/scenes/b" "$work/scenes/c_bad"
cp "${files[@]}" "$stack/times.txt" "$work/scenes/a/"
cp "$work/named"/*.png "$work/scenes/b/"
cp "${files[0]}" "$work/scenes/c_bad/"
expect_error "batch with a bad scene" "c_bad" "$OBSCURA" hdr --batch "$work/scenes" -o "$work/batchout" --json
grep -q '"done": 2, "skipped": 0, "failed": 1' "$work/out" && ok || bad "batch counts: $(cat "$work/out")"
[ -s "$work/batchout/a/summary.json" ] && [ -s "$work/batchout/b/durand.png" ] && ok || bad "batch outputs missing"
expect_absent "bad scene leaves nothing" "$work/batchout/c_bad/summary.json" "$work/batchout/c_bad/radiance.hdr"
before=$(stat -c %Y "$work/batchout/a/summary.json")
expect_error "batch re-run" "c_bad" "$OBSCURA" hdr --batch "$work/scenes" -o "$work/batchout" --json
grep -q '"done": 0, "skipped": 2, "failed": 1' "$work/out" && ok || bad "re-run counts: $(cat "$work/out")"
[ "$(stat -c %Y "$work/batchout/a/summary.json")" = "$before" ] && ok || bad "a complete scene was redone"
rm -rf "$work/scenes/c_bad"
expect_ok "batch all good" "$OBSCURA" hdr --batch "$work/scenes" -o "$work/batchout"

# every channel of the recovered response is non-decreasing (the monotone solve), on the
# demo's stack (rendered from a real radiance map with dark and bright regions)
python3 - "$work/h1/response.csv" "$work/demo/response.csv" <<'PY' && ok || bad "response not monotone"
import sys
for path in sys.argv[1:]:
    rows = [list(map(float, l.split(","))) for l in open(path).read().split("\n")[1:] if l]
    for ch in (1, 2, 3):
        g = [r[ch] for r in rows]
        drops = [z for z in range(1, len(g)) if g[z] < g[z - 1]]
        assert not drops, (path, ch, drops[:5])
PY

# the summary's memory and per-file figures; --profile's table
python3 - "$work/h1/summary.json" <<'PY' && ok || bad "summary memory/encode figures"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["peak_rss_mb"] > 0 and set(s["encode_seconds"]) == set(s["outputs"]) - {"summary.json"}, s
assert all(i["decode_seconds"] >= 0 for i in s["inputs"]) and s["tonemap"]["bits"] == 8
PY
expect_ok "hdr --profile" "$OBSCURA" hdr "${files[@]}" --times-file "$stack/times.txt" --profile -o "$work/hp"
grep -q "peak memory" "$work/err" && grep -q "durand.png" "$work/err" && ok || bad "--profile table: $(head -c 300 "$work/err")"

# --format exr|pfm, --exr-type, --bits 16, --png-compression: the same scene through each
expect_ok "hdr --format exr (float)" "$OBSCURA" hdr "${files[@]}" --times-file "$stack/times.txt" --format exr --exr-type float -o "$work/hx"
expect_ok "hdr --format exr (half) --bits 16" "$OBSCURA" hdr "${files[@]}" --times-file "$stack/times.txt" --format exr --bits 16 -o "$work/hh"
expect_ok "hdr --format pfm --png-compression 9" "$OBSCURA" hdr "${files[@]}" --times-file "$stack/times.txt" --format pfm --png-compression 9 -o "$work/hf"
for d in hx hh; do [ -s "$work/$d/radiance.exr" ] && [ ! -e "$work/$d/radiance.hdr" ] && ok || bad "$d: radiance.exr"; done
[ -s "$work/hf/radiance.pfm" ] && ok || bad "radiance.pfm"
grep -q '"radiance.exr"' "$work/hx/summary.json" && ok || bad "summary lists radiance.exr"
expect_ok "tonemap the EXR" "$OBSCURA" tonemap "$work/hx/radiance.exr" -o "$work/tm_exr.png" --op durand
expect_ok "tonemap the PFM" "$OBSCURA" tonemap "$work/hf/radiance.pfm" -o "$work/tm_pfm.png" --op durand
py=/usr/bin/python3; [ -x "$py" ] || py=python3 # Debian's, with OpenCV (.ci/setup)
"$py" - "$work" <<'PY' && ok || bad "EXR/PFM/.hdr radiance and 16-bit outputs disagree"
import sys, cv2, numpy as np
w = sys.argv[1]
rd = lambda p: cv2.imread(p, cv2.IMREAD_UNCHANGED)
# float EXR and PFM hold the radiance exactly: their tone maps are the same image
a, b, c = rd(w + "/tm_exr.png").astype(int), rd(w + "/tm_pfm.png").astype(int), rd(w + "/tm.png").astype(int)
assert (a == b).all(), np.abs(a - b).max()
# the .hdr's RGBE keeps 8 bits of mantissa (0.4% steps, ~0.45 codes after gamma): within
# quantisation, 1 code measured on 8.6% of the samples
assert np.abs(a - c).max() <= 2 and (a != c).mean() < 0.25, (np.abs(a - c).max(), (a != c).mean())
# the pipeline's own PNGs: PNG level 9 changes the bytes, not the pixels
assert (rd(w + "/hf/durand.png") == rd(w + "/h1/durand.png")).all()
# 16-bit output: the same image at 16 bits (8-bit = 16-bit / 257 within one code)
d16, d8 = rd(w + "/hh/durand.png"), rd(w + "/h1/durand.png")
assert d16.dtype == np.uint16 and np.abs(d16 / 257.0 - d8).max() <= 1.0, np.abs(d16 / 257.0 - d8).max()
PY
# a JPEG stack (8-bit samples through libjpeg's native path)
mkdir -p "$work/jpg"
for f in "${files[@]}"; do "$OBSCURA" resize "$f" --scale 1 --method nearest -o "$work/jpg/$(basename "${f%.png}").jpg" -q; done
expect_ok "hdr on JPEGs" "$OBSCURA" hdr "$work/jpg"/exposure_*.jpg --times "$times" -o "$work/hj"
grep -q '"dynamic_range_stops": 1[0-9]' "$work/hj/summary.json" && ok || bad "JPEG stack range: $(grep dynamic "$work/hj/summary.json")"

# --fuse: fused.png, the same image `obscura fuse` makes of the stack
expect_ok "hdr --fuse" "$OBSCURA" hdr "${files[@]}" --times-file "$stack/times.txt" --fuse -o "$work/hfu"
expect_ok "fuse" "$OBSCURA" fuse "${files[@]}" -o "$work/fused.png"
cmp -s "$work/hfu/fused.png" "$work/fused.png" && grep -q '"fused.png"' "$work/hfu/summary.json" && ok || bad "hdr --fuse: fused.png"
check_badx() { n=$((n + 1)); expect_error "$1" "$2" "$OBSCURA" hdr "${files[0]}" "${files[1]}" --times 1/100,1/50 "${@:3}" -o "$work/badx$n"; expect_absent "$1: no output" "$work/badx$n/summary.json"; }
n=100
check_badx "bad --bits" "8 or 16" --bits 12
check_badx "bad --png-compression" "png-compression" --png-compression 11
check_badx "bad --format" "hdr, exr or pfm" --format tiff
check_badx "--exr-type without exr" "needs --format exr" --exr-type half
check_badx "bad --exr-type" "half or float" --format exr --exr-type double
check_badx "--fuse-weights without --fuse" "needs --fuse" --fuse-weights 1,1,1
check_badx "bad --fuse-weights" "three exponents" --fuse --fuse-weights 1,-1,1

# bad input: each is an error and leaves no output folder contents
n=0
check_bad() { # DESCRIPTION PATTERN ARGS...
  local what=$1 pattern=$2; shift 2
  n=$((n + 1))
  expect_error "$what" "$pattern" "$OBSCURA" hdr "$@" -o "$work/bad$n"
  expect_absent "$what: no output" "$work/bad$n/radiance.hdr" "$work/bad$n/summary.json" "$work/bad$n/durand.png"
}
"$OBSCURA" resize "${files[1]}" -o "$work/small.png" --scale 0.5 --quiet
"$OBSCURA" resize "${files[1]}" -o "$work/deep.png" --scale 1 --method nearest --bits 16 --quiet
printf 'garbage' > "$work/broken.png"
check_bad "one image" "at least 2" "${files[0]}" --times 1
check_bad "different sizes" "differ in size" "${files[0]}" "$work/small.png" --times 1/100,1/50
check_bad "mixed bit depths" "mixed bit depths" "${files[0]}" "$work/deep.png" --times 1/100,1/50
check_bad "missing times" "no exposure time" "${files[0]}" "${files[1]}"
check_bad "duplicate times" "same exposure time" "${files[0]}" "${files[1]}" --times 1/100,1/100
check_bad "zero time" "positive" "${files[0]}" "${files[1]}" --times 0,1/100
check_bad "negative time" "positive" "${files[0]}" "${files[1]}" --times -1,1/100
check_bad "wrong number of times" "times for 2 images" "${files[0]}" "${files[1]}" --times 1/100
printf 'exposure_1.png 1/100\nexposure_2.png 1/50\nghost.png 1/25\n' > "$work/times_ghost.txt"
check_bad "times file names a missing file" "ghost.png" "${files[0]}" "${files[1]}" --times-file "$work/times_ghost.txt"
check_bad "unreadable image" "broken.png" "${files[0]}" "$work/broken.png" --times 1/100,1/50
check_bad "missing image" "nope.png" "${files[0]}" "$work/nope.png" --times 1/100,1/50
check_bad "radiance map as input" "radiance map|8- or 16-bit" "${files[0]}" "$work/h1/radiance.hdr" --times 1/100,1/50
check_bad "same file twice" "twice" "${files[0]}" "${files[0]}" --times 1/100,1/50
check_bad "negative lambda" "lambda" "${files[0]}" "${files[1]}" --times 1/100,1/50 --lambda -1
check_bad "bad bilateral" "grid" "${files[0]}" "${files[1]}" --times 1/100,1/50 --bilateral fast
expect_error "no -o" "-o" "$OBSCURA" hdr "${files[0]}" "${files[1]}"
expect_error "batch of nothing" "no scene" "$OBSCURA" hdr --batch "$work/named" -o "$work/bo"
finish
