# cli_tonemap.sh — `obscura tonemap` and `obscura bilateral` end to end: a
# synthetic radiance map (PFM, written here with python's struct: zeros, 1e6,
# a 2^20 range), a real Radiance .hdr from Debian's qtcreator-data when it is
# installed (SKIPPED, never passed, when it is not), and bad input.
. "$(dirname "$0")/clilib.sh"

py() { python3 - "$@"; }

# A 53x31 PFM: a log ramp over 2^-10 .. 2^10, zeros in one corner, 1e6 in another.
py "$work/synth.pfm" <<'PY'
import math, struct, sys
w, h = 53, 31
with open(sys.argv[1], "wb") as f:
    f.write(b"PF\n%d %d\n-1.0\n" % (w, h))
    for y in range(h):
        for x in range(w):
            v = 2.0 ** (-10 + 20 * x / (w - 1)) * (1 + 0.3 * math.sin(y))
            if x < 5 and y < 5: v = 0.0
            if x > w - 4 and y > h - 4: v = 1e6
            f.write(struct.pack("<fff", v, 0.8 * v, 0.5 * v))
PY

# check_pfm FILE W H [LO HI]: size W x H, 3 channels, every value finite in [0, 1],
# and (when given) the mean in [LO, HI]; prints the mean
check_pfm() {
  py "$@" <<'PY'
import math, struct, sys
path, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = open(path, "rb").read()
parts = data.split(b"\n", 3)
assert parts[0] == b"PF", parts[0]
assert [int(t) for t in parts[1].split()] == [w, h], parts[1]
vals = struct.unpack("<%df" % (3 * w * h), parts[3][: 12 * w * h])
assert all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in vals), "values outside [0, 1]"
mean = sum(vals) / len(vals)
print("mean %.4f" % mean)
if len(sys.argv) > 4:
    assert float(sys.argv[4]) <= mean <= float(sys.argv[5]), mean
PY
}

# png_size FILE: "W H" from the IHDR chunk
png_size() {
  py "$1" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read(24)
assert d[:8] == b"\x89PNG\r\n\x1a\n" and d[12:16] == b"IHDR"
print(*struct.unpack(">II", d[16:24]))
PY
}

expect_ok "obscura --help" "$OBSCURA" --help
for v in tonemap bilateral; do
  grep -q "^  $v " "$work/out" && ok || bad "--help does not list $v"
done
for v in tonemap bilateral; do
  expect_ok "$v --help" "$OBSCURA" $v --help
  grep -q "^usage: obscura $v" "$work/out" && ok || bad "$v --help has no usage line"
done

# ---- synthetic radiance: every operator, finite output in [0, 1] ------------
for op in global-scale global-simple durand; do
  expect_ok "tonemap synthetic $op" "$OBSCURA" tonemap "$work/synth.pfm" -o "$work/s_$op.pfm" --op $op --json
  grep -q "\"op\": \"$op\"" "$work/out" && ok || bad "tonemap $op --json: $(cat "$work/out")"
  check_pfm "$work/s_$op.pfm" 53 31 >/dev/null && ok || bad "tonemap synthetic $op: output not 53x31 in [0, 1]"
  expect_ok "tonemap synthetic $op png" "$OBSCURA" tonemap "$work/synth.pfm" -o "$work/s_$op.png" --op $op -q
  [ "$(png_size "$work/s_$op.png")" = "53 31" ] && ok || bad "tonemap $op png size: $(png_size "$work/s_$op.png")"
done
expect_ok "durand exact, options" "$OBSCURA" tonemap "$work/synth.pfm" -o "$work/s_ex.pfm" --op durand \
  --bilateral exact --sigma-s 3 --sigma-r 0.5 --stops 4 --gamma 0.5 --json
grep -q '"bilateral": "exact"' "$work/out" && grep -q '"sigma_s": 3,' "$work/out" && ok || bad "durand options: $(cat "$work/out")"
check_pfm "$work/s_ex.pfm" 53 31 >/dev/null && ok || bad "durand exact output"
expect_ok "global-simple key" "$OBSCURA" tonemap "$work/synth.pfm" -o "$work/s_key.png" --op global-simple --key 0.36 --bits 16
expect_ok "default op is durand" "$OBSCURA" tonemap "$work/synth.pfm" -o "$work/s_def.pfm" --json
grep -q '"op": "durand"' "$work/out" && ok || bad "default op: $(cat "$work/out")"
# global-scale with gamma 1 maps the brightest value (1e6, red) to exactly 1
expect_ok "global-scale gamma 1" "$OBSCURA" tonemap "$work/synth.pfm" -o "$work/s_g1.pfm" --op global-scale --gamma 1
py "$work/s_g1.pfm" <<'PY' && ok || bad "global-scale: max is not 1"
import struct, sys
d = open(sys.argv[1], "rb").read().split(b"\n", 3)[3]
v = struct.unpack("<%df" % (len(d) // 4), d)
assert max(v) == 1.0, max(v)
PY

# PNG input is accepted and taken as linear values as stored
expect_ok "tonemap a PNG" "$OBSCURA" tonemap "$work/s_durand.png" -o "$work/from_png.png" --op global-simple

# ---- a real radiance map ---------------------------------------------------
real=/usr/share/qtcreator/qml/qmlpuppet/mockfiles/images/preview_landscape.hdr
if [ -r "$real" ]; then
  size=$(head -c 200 "$real" | tr -d '\0' | grep -a -m1 -E '^-Y [0-9]+ \+X [0-9]+' | awk '{print $4, $2}')
  for op in global-scale global-simple durand; do
    expect_ok "tonemap real $op" "$OBSCURA" tonemap "$real" -o "$work/real_$op.png" --op $op
    [ -s "$work/real_$op.png" ] && [ "$(png_size "$work/real_$op.png")" = "$size" ] && ok ||
      bad "tonemap real $op: png missing or not $size"
  done
  expect_ok "tonemap real durand pfm" "$OBSCURA" tonemap "$real" -o "$work/real_durand.pfm" --op durand
  w=${size% *} h=${size#* }
  if mean=$(check_pfm "$work/real_durand.pfm" "$w" "$h" 0.1 0.9); then ok; echo "real durand: $mean"; else bad "real durand mean outside 0.1..0.9: $mean"; fi
else
  echo "SKIPPED: real .hdr part ($real absent: apt-get install qtcreator-data)"
fi

# ---- bilateral verb ----------------------------------------------------------
png="$work/s_durand.png"
for m in grid exact; do
  expect_ok "bilateral $m" "$OBSCURA" bilateral "$png" -o "$work/b_$m.png" --sigma-s 2 --sigma-r 0.1 --method $m --json
  grep -q "\"method\": \"$m\"" "$work/out" && [ "$(png_size "$work/b_$m.png")" = "53 31" ] && ok || bad "bilateral $m: $(cat "$work/out")"
done
expect_ok "bilateral intensity guide" "$OBSCURA" bilateral "$png" -o "$work/b_i.png" --sigma-s 2 --sigma-r 0.1 --guide intensity
# radiance as stored: sigma_r in radiance units (the grid's range axis spans 0..1e6 / sigma_r cells)
expect_ok "bilateral pfm" "$OBSCURA" bilateral "$work/synth.pfm" -o "$work/b.pfm" --sigma-s 2 --sigma-r 2e4

# ---- bad input: "obscura: error: ...", exit 2, nothing written -------------
o="$work/bad.png"
printf 'not an image' > "$work/text.hdr"
expect_error "unknown --op" "global-scale, global-simple or durand" "$OBSCURA" tonemap "$work/synth.pfm" -o "$o" --op reinhard
expect_error "negative sigma-s" "sigma-s must be > 0" "$OBSCURA" tonemap "$work/synth.pfm" -o "$o" --sigma-s -3
expect_error "zero sigma-r" "sigma-r must be > 0" "$OBSCURA" tonemap "$work/synth.pfm" -o "$o" --sigma-r 0
expect_error "gamma 0" "gamma must be > 0" "$OBSCURA" tonemap "$work/synth.pfm" -o "$o" --gamma 0
expect_error "gamma negative" "gamma must be > 0" "$OBSCURA" tonemap "$work/synth.pfm" -o "$o" --op global-scale --gamma=-1
expect_error "stops 0" "stops must be > 0" "$OBSCURA" tonemap "$work/synth.pfm" -o "$o" --stops 0
expect_error "stops negative" "stops must be > 0" "$OBSCURA" tonemap "$work/synth.pfm" -o "$o" --stops -2
expect_error "key 0" "key must be > 0" "$OBSCURA" tonemap "$work/synth.pfm" -o "$o" --op global-simple --key 0
expect_error "key with durand" "global-simple only" "$OBSCURA" tonemap "$work/synth.pfm" -o "$o" --key 0.2
expect_error "stops with global-scale" "durand only" "$OBSCURA" tonemap "$work/synth.pfm" -o "$o" --op global-scale --stops 3
expect_error "unknown bilateral" "grid or exact" "$OBSCURA" tonemap "$work/synth.pfm" -o "$o" --bilateral fast
expect_error "not a number" "not a number" "$OBSCURA" tonemap "$work/synth.pfm" -o "$o" --gamma abc
expect_error "missing input" "missing.hdr" "$OBSCURA" tonemap "$work/missing.hdr" -o "$o"
expect_error "unreadable input" "text.hdr" "$OBSCURA" tonemap "$work/text.hdr" -o "$o"
expect_error "no output" "-o" "$OBSCURA" tonemap "$work/synth.pfm"
expect_error "two inputs" "one input" "$OBSCURA" tonemap "$work/synth.pfm" "$work/synth.pfm" -o "$o"
expect_error "unknown output type" "extension|format" "$OBSCURA" tonemap "$work/synth.pfm" -o "$work/bad.bmp"
expect_error "output folder missing" "$work/nowhere" "$OBSCURA" tonemap "$work/synth.pfm" -o "$work/nowhere/x.png"
expect_absent "failed tonemaps leave nothing" "$o" "$work/bad.bmp" "$work/nowhere/x.png"

expect_error "bilateral no sigma-s" "needs --sigma-s" "$OBSCURA" bilateral "$png" -o "$o" --sigma-r 0.1
expect_error "bilateral no sigma-r" "needs --sigma-r" "$OBSCURA" bilateral "$png" -o "$o" --sigma-s 2
expect_error "bilateral negative sigma" "sigma-s must be > 0" "$OBSCURA" bilateral "$png" -o "$o" --sigma-s -1 --sigma-r 0.1
expect_error "bilateral unknown method" "grid or exact" "$OBSCURA" bilateral "$png" -o "$o" --sigma-s 2 --sigma-r 0.1 --method box
expect_error "bilateral unknown guide" "self or intensity" "$OBSCURA" bilateral "$png" -o "$o" --sigma-s 2 --sigma-r 0.1 --guide red
expect_error "bilateral unreadable" "text.hdr" "$OBSCURA" bilateral "$work/text.hdr" -o "$o" --sigma-s 2 --sigma-r 0.1
expect_error "bilateral output folder missing" "$work/nowhere" "$OBSCURA" bilateral "$png" -o "$work/nowhere/b.png" --sigma-s 2 --sigma-r 0.1
expect_absent "failed bilaterals leave nothing" "$o" "$work/nowhere/b.png"
finish
