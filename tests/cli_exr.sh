# cli_exr.sh — OpenEXR through the CLI: `obscura tonemap` and `obscura bilateral`
# read .exr files written three ways — by python here (uncompressed, byte by byte,
# independent of OpenEXR), by obscura itself, and by OpenEXR's own tools
# (exrmaketiled: tiled, mip-mapped, PIZ; exrmultipart) — and the tone-mapped EXR
# matches the tone-mapped Radiance .hdr of the same radiance within RGBE
# quantisation. Bad input: truncated, garbage after the magic, unsupported
# channels, two parts. The OpenEXR tools come from Debian's `openexr` package
# (.ci/setup installs it); without them the test is SKIPPED, never passed.
. "$(dirname "$0")/clilib.sh"

for t in exrmaketiled exrheader exrmultipart; do
  if ! command -v $t >/dev/null 2>&1; then
    echo "SKIPPED: $t not found (apt-get install openexr)"
    exit 77
  fi
done

py() { python3 - "$@"; }

# exrw.py: a scanline OpenEXR writer (no compression, FLOAT samples) and an
# RGBE writer (flat scanlines), both for the same synthetic radiance, and a PNG
# decoder (8-bit, any filter) for comparing the outputs. Only the standard library.
cat >"$work/exrw.py" <<'PY'
import math, struct, zlib

def radiance(w, h):
    """A log ramp over 2^-10 .. 2^10, zeros in one corner, 1e6 in another."""
    px = []
    for y in range(h):
        for x in range(w):
            v = 2.0 ** (-10 + 20 * x / (w - 1)) * (1 + 0.3 * math.sin(y))
            if x < 5 and y < 5: v = 0.0
            if x > w - 4 and y > h - 4: v = 1e6
            px.append((v, 0.8 * v, 0.5 * v))
    return px

def attr(name, typ, data):
    return name.encode() + b"\0" + typ.encode() + b"\0" + struct.pack("<i", len(data)) + data

def write_exr(path, w, h, chans, x0=0, y0=0):
    """chans: {name: list of h*w floats, row-major}; stored as FLOAT, sorted by name."""
    names = sorted(chans)
    chl = b"".join(n.encode() + b"\0" + struct.pack("<iB3xii", 2, 0, 1, 1) for n in names) + b"\0"
    box = struct.pack("<iiii", x0, y0, x0 + w - 1, y0 + h - 1)
    hdr = b"\x76\x2f\x31\x01" + struct.pack("<I", 2)
    hdr += attr("channels", "chlist", chl) + attr("compression", "compression", b"\0")
    hdr += attr("dataWindow", "box2i", box) + attr("displayWindow", "box2i", box)
    hdr += attr("lineOrder", "lineOrder", b"\0") + attr("pixelAspectRatio", "float", struct.pack("<f", 1))
    hdr += attr("screenWindowCenter", "v2f", struct.pack("<ff", 0, 0))
    hdr += attr("screenWindowWidth", "float", struct.pack("<f", 1)) + b"\0"
    lines = []
    for y in range(h):
        data = b"".join(struct.pack("<%df" % w, *chans[n][y * w:(y + 1) * w]) for n in names)
        lines.append(struct.pack("<ii", y0 + y, len(data)) + data)
    off = len(hdr) + 8 * h
    table = b""
    for ln in lines:
        table += struct.pack("<Q", off)
        off += len(ln)
    with open(path, "wb") as f:
        f.write(hdr + table + b"".join(lines))

def write_hdr(path, w, h, px):
    out = bytearray(b"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y %d +X %d\n" % (h, w))
    for r, g, b in px:
        m = max(r, g, b)
        if m < 1e-32:
            out += b"\0\0\0\0"
            continue
        f, e = math.frexp(m)
        s = f * 256.0 / m
        out += bytes((int(r * s), int(g * s), int(b * s), e + 128))
    open(path, "wb").write(out)

def read_png(path):
    """(w, h, channels, rows of bytes) of an 8-bit non-interlaced PNG."""
    d = open(path, "rb").read()
    assert d[:8] == b"\x89PNG\r\n\x1a\n"
    i, idat = 8, b""
    while i < len(d):
        n, typ = struct.unpack(">I4s", d[i:i + 8])
        body = d[i + 8:i + 8 + n]
        if typ == b"IHDR":
            w, h, depth, ctype, _, _, lace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and lace == 0
        elif typ == b"IDAT":
            idat += body
        i += 12 + n
    ch = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
    raw, stride, rows, prev = zlib.decompress(idat), w * ch, [], bytearray(w * ch)
    for y in range(h):
        ft, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - ch] if x >= ch else 0
            b, c = prev[x], prev[x - ch] if x >= ch else 0
            if ft == 1: line[x] = (line[x] + a) & 255
            elif ft == 2: line[x] = (line[x] + b) & 255
            elif ft == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, ch, rows
PY
export PYTHONPATH="$work"

# ---- the same radiance as .exr (python, exact float) and .hdr (RGBE) -------------
py "$work" <<'PY'
import sys, exrw
d, w, h = sys.argv[1], 157, 83  # 83 rows: 6 ZIP chunks in obscura's files, the last one short
px = exrw.radiance(w, h)
chans = {n: [p[k] for p in px] for k, n in enumerate("RGB")}
exrw.write_exr(d + "/synth.exr", w, h, chans)
exrw.write_exr(d + "/origin.exr", w, h, chans, x0=-7, y0=12)   # data window off the origin
exrw.write_hdr(d + "/synth.hdr", w, h, px)
exrw.write_exr(d + "/z.exr", 8, 4, {"Z": [1.0] * 32})            # depth only: refused
exrw.write_exr(d + "/ryby.exr", 8, 4, {"Y": [1.0] * 32, "RY": [0.0] * 32, "BY": [0.0] * 32})
PY

# compare A.png B.png MAXDIFF: same size, every sample within MAXDIFF codes
compare() {
  py "$@" <<'PY'
import sys, exrw
a, b, lim = exrw.read_png(sys.argv[1]), exrw.read_png(sys.argv[2]), int(sys.argv[3])
assert a[:3] == b[:3], "sizes differ: %s vs %s" % (a[:3], b[:3])
worst = max(abs(p - q) for ra, rb in zip(a[3], b[3]) for p, q in zip(ra, rb))
print("max abs difference %d codes (limit %d)" % (worst, lim))
sys.exit(0 if worst <= lim else 1)
PY
}

for op in durand global-simple global-scale; do
  expect_ok "tonemap exr $op" "$OBSCURA" tonemap "$work/synth.exr" -o "$work/exr_$op.png" --op $op -q
  expect_ok "tonemap hdr $op" "$OBSCURA" tonemap "$work/synth.hdr" -o "$work/hdr_$op.png" --op $op -q
  # RGBE keeps 8 mantissa bits of the largest component (relative error < 2^-7
  # for it, more for the smaller ones, all in linear radiance); through the
  # display gamma (1/2.2) that is under a code at 8 bits, so 2 codes bound it
  compare "$work/exr_$op.png" "$work/hdr_$op.png" 2 && ok || bad "tonemap $op: .exr and .hdr outputs differ by more than 2 codes"
done
# the data window's origin does not change the pixels
expect_ok "tonemap exr off origin" "$OBSCURA" tonemap "$work/origin.exr" -o "$work/origin.png" -q
compare "$work/origin.png" "$work/exr_durand.png" 0 && ok || bad "data window off the origin changes the output"
# bilateral on a display image (0..1): the EXR and the PFM of the same floats agree exactly
expect_ok "tonemap to exr" "$OBSCURA" tonemap "$work/synth.exr" -o "$work/disp.exr" -q
expect_ok "tonemap to pfm" "$OBSCURA" tonemap "$work/synth.exr" -o "$work/disp.pfm" -q
expect_ok "bilateral exr" "$OBSCURA" bilateral "$work/disp.exr" -o "$work/bil.exr" --sigma-s 2 --sigma-r 0.1
expect_ok "bilateral exr to png" "$OBSCURA" bilateral "$work/disp.exr" -o "$work/bil_exr.png" --sigma-s 2 --sigma-r 0.1
expect_ok "bilateral pfm to png" "$OBSCURA" bilateral "$work/disp.pfm" -o "$work/bil_pfm.png" --sigma-s 2 --sigma-r 0.1
cmp -s "$work/bil_exr.png" "$work/bil_pfm.png" && ok || bad "bilateral of .exr and .pfm of the same floats differ"

# ---- obscura's EXR output, read by OpenEXR's tools and back ---------------------------
expect_ok "exrheader reads obscura's file" exrheader "$work/bil.exr"
grep -q "compression (type compression): zip" "$work/out" && grep -q "increasing y" "$work/out" &&
  grep -q "R, 32-bit floating-point" "$work/out" && ok || bad "exrheader: $(head -c 600 "$work/out")"
expect_ok "tonemap obscura's exr" "$OBSCURA" tonemap "$work/bil.exr" -o "$work/bil.png" -q
for mode in "-o" "-m" "-r"; do
  for z in zip piz none; do
    t="$work/tiled$mode-$z.exr"
    expect_ok "exrmaketiled $mode -z $z" exrmaketiled $mode -z $z -t 16 8 "$work/bil.exr" "$t"
    expect_ok "exrheader tiled" exrheader "$t"
    grep -q "tiledimage\|tile size 16 by 8" "$work/out" && ok || bad "exrmaketiled $mode $z: not tiled"
    expect_ok "tonemap tiled $mode $z" "$OBSCURA" tonemap "$t" -o "$work/tiled.png" -q
    cmp -s "$work/tiled.png" "$work/bil.png" && ok || bad "tiled ($mode -z $z) output differs from the scanline one"
  done
done
# half output: obscura writes it, OpenEXR's tools agree on the type
expect_ok "tonemap to half exr" "$OBSCURA" tonemap "$work/synth.exr" -o "$work/disp16.exr" --bits 16 -q
expect_ok "exrheader half" exrheader "$work/disp16.exr"
grep -q "16-bit floating-point" "$work/out" && ok || bad "--bits 16 exr is not half: $(head -c 400 "$work/out")"

# ---- bad input: an error, exit 2, no output left -----------------------------------
o="$work/never.png"
head -c 300 "$work/bil.exr" >"$work/trunc.exr"
expect_error "truncated exr" "trunc.exr.*(truncat|corrupt|bad OpenEXR)" "$OBSCURA" tonemap "$work/trunc.exr" -o "$o"
expect_absent "truncated: no output" "$o"
size=$(stat -c %s "$work/bil.exr")
head -c $((size - 10)) "$work/bil.exr" >"$work/trunc2.exr"
expect_error "exr missing its last bytes" "trunc2.exr" "$OBSCURA" tonemap "$work/trunc2.exr" -o "$o"
{ printf '\x76\x2f\x31\x01'; head -c 2000 /dev/urandom; } >"$work/garbage.exr"
expect_error "garbage after magic" "garbage.exr.*OpenEXR" "$OBSCURA" tonemap "$work/garbage.exr" -o "$o"
expect_error "bilateral garbage" "garbage.exr" "$OBSCURA" bilateral "$work/garbage.exr" -o "$o" --sigma-s 2 --sigma-r 0.1
expect_error "Z only" "unsupported OpenEXR channel layout: Z; obscura reads R,G,B\[,A\] or Y\[,A\]" \
  "$OBSCURA" tonemap "$work/z.exr" -o "$o"
expect_error "luminance-chroma" "channel layout: BY,RY,Y" "$OBSCURA" tonemap "$work/ryby.exr" -o "$o"
expect_ok "exrmultipart combine" exrmultipart -combine -i "$work/synth.exr" "$work/bil.exr" -o "$work/mp.exr"
expect_error "two parts" "2 parts" "$OBSCURA" tonemap "$work/mp.exr" -o "$o"
expect_absent "errors leave no output" "$o"
expect_error "exr bit depth" "EXR bit depth 8" "$OBSCURA" bilateral "$work/disp.exr" -o "$work/never.exr" \
  --sigma-s 2 --sigma-r 0.1 --bits 8
expect_absent "refused depth: no output" "$work/never.exr"

finish
