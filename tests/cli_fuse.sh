# cli_fuse.sh — `obscura fuse` end to end on the demo's exposure stack
# (`obscura demo -o DIR`: 7 rendered 8-bit exposures in DIR/stack/): the result
# against OpenCV's cv2.createMergeMertens(1, 1, 1) on the same files, clipped to
# [0, 1] * 255 (PSNR >= 35 dB, the issue's floor; the value is printed);
# --json, --bits 16, exponents; bad input is "obscura: error: ...", exit 2, no
# output left behind.
. "$(dirname "$0")/clilib.sh"

expect_ok "fuse --help" "$OBSCURA" fuse --help
grep -q "^usage: obscura fuse" "$work/out" && ok || bad "fuse --help has no usage line"
expect_ok "--help lists fuse" "$OBSCURA" --help
grep -q "^  fuse " "$work/out" && ok || bad "--help does not list fuse"

expect_ok "demo renders a stack" "$OBSCURA" demo -o "$work/demo" --quiet
stack=("$work"/demo/stack/*.png)
[ "${#stack[@]}" -ge 2 ] && ok || bad "demo wrote ${#stack[@]} exposure(s)"

expect_ok "fuse the demo stack" "$OBSCURA" fuse "${stack[@]}" -o "$work/f.png" --json
python3 - "$work/out" "${#stack[@]}" <<'PY' && ok || bad "fuse --json: $(cat "$work/out")"
import json, sys
r = json.loads(open(sys.argv[1]).read())
assert r["exposures"] == int(sys.argv[2]) and r["channels"] == 3, r
assert r["levels"] == len(bin(min(r["size"]))) - 3 + 1, r  # floor(log2(min side)) + 1
assert r["exponents"] == {"contrast": 1, "saturation": 1, "exposedness": 1} and r["ms"] > 0, r
PY

# against OpenCV (Debian's python3 with cv2, as bench/ uses); skipped without it
py=/usr/bin/python3
if "$py" -c "import cv2, numpy" 2>/dev/null; then
  "$py" - "$work/f.png" "${stack[@]}" <<'PY' && ok || bad "fuse vs cv2.createMergeMertens below 35 dB"
import sys
import cv2
import numpy as np
got = cv2.imread(sys.argv[1]).astype(np.float64)
ref = np.clip(cv2.createMergeMertens(1, 1, 1).process([cv2.imread(f) for f in sys.argv[2:]]), 0, 1) * 255
mse = np.mean((got - ref) ** 2)
psnr = 10 * np.log10(255 ** 2 / mse) if mse > 0 else float("inf")
print(f"fuse vs cv2.createMergeMertens(1, 1, 1): PSNR {psnr:.2f} dB, max |diff| {np.abs(got - ref).max():.1f} / 255")
sys.exit(0 if psnr >= 35 else 1)
PY
else
  echo "cv2 not importable by $py: the OpenCV comparison is skipped"
fi

# options: 16-bit output, other exponents (a different image), threads
expect_ok "fuse --bits 16" "$OBSCURA" fuse "${stack[@]:0:3}" -o "$work/f16.png" --bits 16 --threads 1
python3 - "$work/f16.png" <<'PY' && ok || bad "--bits 16 did not write a 16-bit PNG"
import struct, sys
d = open(sys.argv[1], "rb").read(32)
assert d[:8] == b"\x89PNG\r\n\x1a\n" and d[24] == 16
PY
expect_ok "fuse --exposedness 0 --saturation 2" "$OBSCURA" fuse "${stack[@]:0:3}" -o "$work/fe.png" --exposedness 0 --saturation 2.0 --quiet
cmp -s "$work/fe.png" "$work/f16.png" && bad "exponents changed nothing" || ok

# bad input: nothing written
"$OBSCURA" resize "${stack[0]}" -o "$work/small.png" --size 256x128 >/dev/null 2>&1 || bad "resize for the size test"
expect_error "different sizes" "small\.png.*256x128.*512x256|512x256.*256x128" "$OBSCURA" fuse "${stack[0]}" "$work/small.png" -o "$work/bad1.png"
expect_absent "different sizes" "$work/bad1.png"
expect_error "a single image" "at least 2 exposures" "$OBSCURA" fuse "${stack[0]}" -o "$work/bad2.png"
expect_absent "a single image" "$work/bad2.png"
expect_error "a missing file" "nope\.png" "$OBSCURA" fuse "${stack[0]}" "$work/nope.png" -o "$work/bad3.png"
expect_absent "a missing file" "$work/bad3.png"
expect_error "negative exponent" "contrast.*>= 0" "$OBSCURA" fuse "${stack[@]:0:2}" -o "$work/bad4.png" --contrast -1
expect_error "non-finite exponent" "saturation" "$OBSCURA" fuse "${stack[@]:0:2}" -o "$work/bad5.png" --saturation nan
expect_absent "bad exponents" "$work/bad4.png" "$work/bad5.png"
expect_error "no -o" "-o" "$OBSCURA" fuse "${stack[@]:0:2}"
expect_error "unknown output format" "extension|format" "$OBSCURA" fuse "${stack[@]:0:2}" -o "$work/bad6.xyz"
expect_absent "unknown output format" "$work/bad6.xyz"
expect_error "bad --bits" "bits" "$OBSCURA" fuse "${stack[@]:0:2}" -o "$work/bad7.png" --bits 12
expect_absent "bad --bits" "$work/bad7.png"

finish
