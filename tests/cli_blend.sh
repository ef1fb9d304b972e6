# cli_blend.sh — `obscura blend` end to end: a hard left/right mask over two
# float images gives A far left, B far right and a soft seam between; default
# levels; a colour mask uses its first channel; bad input is
# "obscura: error: ...", exit 2, no output left behind.
. "$(dirname "$0")/clilib.sh"

# Inputs (python stdlib only): A, B 3-channel PFM (W=160, H=48) with values in
# [0, 1]; step masks as 8-bit gray and RGB PNG (red = step, green = its inverse);
# a PFM mask with a value of 2; B of another width; a mask of another height.
python3 - "$work" <<'PY' || bad "could not make the inputs"
import math, struct, sys, zlib
d = sys.argv[1]
def pfm(path, w, h, c, f):
    with open(path, "wb") as o:
        o.write(b"%s\n%d %d\n-1.0\n" % (b"PF" if c == 3 else b"Pf", w, h))
        for y in reversed(range(h)):
            for x in range(w):
                o.write(struct.pack("<%df" % c, *f(x, y)))
def png(path, w, h, c, f):
    def chunk(t, data):
        return struct.pack(">I", len(data)) + t + data + struct.pack(">I", zlib.crc32(t + data) & 0xffffffff)
    raw = b"".join(b"\x00" + bytes(v for x in range(w) for v in f(x, y)) for y in range(h))
    with open(path, "wb") as o:
        o.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0 if c == 1 else 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
W, H = 160, 48
pfm(d + "/a.pfm", W, H, 3, lambda x, y: (0.5 + 0.4 * math.sin(0.3 * x + y), 0.7, 0.5 + 0.3 * math.cos(0.2 * y)))
pfm(d + "/b.pfm", W, H, 3, lambda x, y: (0.2 + 0.1 * math.cos(0.5 * x * y), 0.1, 0.3))
pfm(d + "/b_wide.pfm", W + 1, H, 3, lambda x, y: (0.2, 0.1, 0.3))
png(d + "/mask.png", W, H, 1, lambda x, y: (255 if x < W // 2 else 0,))
png(d + "/mask_rgb.png", W, H, 3, lambda x, y: (255, 0, 9) if x < W // 2 else (0, 255, 9))
png(d + "/mask_short.png", W, H - 1, 1, lambda x, y: (255,))
pfm(d + "/mask_bad.pfm", W, H, 1, lambda x, y: (2.0 if x == 3 else 0.5,))
with open(d + "/text.png", "w") as o:
    o.write("not an image")
PY

a="$work/a.pfm"; b="$work/b.pfm"; m="$work/mask.png"
expect_ok "blend --help" "$OBSCURA" blend --help
grep -q "^usage: obscura blend" "$work/out" && ok || bad "blend --help has no usage line"
expect_ok "--help lists blend" "$OBSCURA" --help
grep -q "^  blend " "$work/out" && ok || bad "--help does not list blend"

expect_ok "blend 4 levels" "$OBSCURA" blend "$a" "$b" "$m" -o "$work/out4.pfm" --levels 4 --json
grep -q '"size": \[160, 48\]' "$work/out" && grep -q '"levels": 4' "$work/out" && ok || bad "blend --json: $(cat "$work/out")"
# far from the seam (beyond 4 * 2^levels = 64 px): A on the left, B on the right (1e-5);
# every row of the seam region lies between the two images' ranges; steps stay small
python3 - "$work" <<'PY' && ok || bad "blend output is not A | soft seam | B"
import struct, sys
d = sys.argv[1]
def pfm(path):
    data = open(path, "rb").read()
    parts = data.split(b"\n", 3)
    c = 3 if parts[0] == b"PF" else 1
    w, h = map(int, parts[1].split())
    v = struct.unpack("<%df" % (w * h * c), parts[3][: w * h * c * 4])
    return w, h, c, lambda x, y, k: v[((h - 1 - y) * w + x) * c + k]
w, h, c, a = pfm(d + "/a.pfm")
_, _, _, b = pfm(d + "/b.pfm")
ww, hh, cc, o = pfm(d + "/out4.pfm")
assert (ww, hh, cc) == (w, h, c), (ww, hh, cc)
far = 64
for y in range(h):
    for k in range(c):
        for x in range(w):
            if x < w // 2 - far:
                assert abs(o(x, y, k) - a(x, y, k)) < 1e-5, ("left", x, y, k, o(x, y, k), a(x, y, k))
            elif x >= w // 2 + far:
                assert abs(o(x, y, k) - b(x, y, k)) < 1e-5, ("right", x, y, k, o(x, y, k), b(x, y, k))
# channel 1 is flat in both (0.7 | 0.1): a monotone ramp with small steps, 0.4 +- 0.1 at the seam
row = [o(x, h // 2, 1) for x in range(w)]
assert all(row[x + 1] <= row[x] + 1e-6 for x in range(w - 1)), row
assert max(row[x] - row[x + 1] for x in range(w - 1)) < 0.08, row
assert abs(0.5 * (row[w // 2 - 1] + row[w // 2]) - 0.4) < 0.1, row
PY

expect_ok "blend default levels" "$OBSCURA" blend "$a" "$b" "$m" -o "$work/outd.pfm" --json
grep -q '"levels": 5' "$work/out" && ok || bad "default levels for 160x48 should be floor(log2 48) = 5: $(cat "$work/out")"
expect_ok "blend 5 levels" "$OBSCURA" blend "$a" "$b" "$m" -o "$work/out5.pfm" --levels 5
expect_ok "blend colour mask" "$OBSCURA" blend "$a" "$b" "$work/mask_rgb.png" -o "$work/outc.pfm" --levels 5
cmp -s "$work/out5.pfm" "$work/outc.pfm" && ok || bad "a colour mask should act as its first (red) channel"
expect_ok "blend to png" "$OBSCURA" blend "$a" "$b" "$m" -o "$work/out.png" --levels 3 --quiet
[ -s "$work/out.png" ] && ok || bad "blend did not write out.png"

# bad input: exit 2, a message naming the problem, nothing written
o="$work/bad.png"
expect_error "sizes differ" "160x48.*161x48" "$OBSCURA" blend "$a" "$work/b_wide.pfm" "$m" -o "$o"
expect_absent "sizes differ" "$o"
expect_error "mask size differs" "160x47.*160x48" "$OBSCURA" blend "$a" "$b" "$work/mask_short.png" -o "$o"
expect_absent "mask size differs" "$o"
expect_error "levels 0" "levels.*outside 1" "$OBSCURA" blend "$a" "$b" "$m" -o "$o" --levels 0
expect_absent "levels 0" "$o"
expect_error "levels too many" "at most 5" "$OBSCURA" blend "$a" "$b" "$m" -o "$o" --levels 6
expect_absent "levels too many" "$o"
expect_error "levels not a number" "not an integer" "$OBSCURA" blend "$a" "$b" "$m" -o "$o" --levels many
expect_error "mask value 2" "outside \[0, 1\]" "$OBSCURA" blend "$a" "$b" "$work/mask_bad.pfm" -o "$o"
expect_absent "mask value 2" "$o"
expect_error "non-image A" "text.png" "$OBSCURA" blend "$work/text.png" "$b" "$m" -o "$o"
expect_absent "non-image A" "$o"
expect_error "non-image mask" "text.png" "$OBSCURA" blend "$a" "$b" "$work/text.png" -o "$o"
expect_absent "non-image mask" "$o"
expect_error "missing B" "missing.pfm" "$OBSCURA" blend "$a" "$work/missing.pfm" "$m" -o "$o"
expect_absent "missing B" "$o"
expect_error "two images" "three images" "$OBSCURA" blend "$a" "$b" -o "$o"
expect_error "no output" "-o OUT" "$OBSCURA" blend "$a" "$b" "$m"
expect_error "bad output extension" "extension|\.xyz" "$OBSCURA" blend "$a" "$b" "$m" -o "$work/out.xyz"
expect_absent "bad output extension" "$work/out.xyz"
# an existing output is left untouched by a failed run
cp "$work/out.png" "$work/keep.png"
expect_error "sizes differ, existing output" "differ|must match" "$OBSCURA" blend "$a" "$work/b_wide.pfm" "$m" -o "$work/keep.png"
cmp -s "$work/out.png" "$work/keep.png" && ok || bad "a failed blend changed an existing output"
finish
