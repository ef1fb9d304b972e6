# cli_hostile.sh — headers that declare huge sizes, read under a 512 MB address
# space limit (ulimit -v): every reader must refuse them from the header and
# the file's real length, with "obscura: error:", before allocating anything
# large, and leave no output. Under ASan (whose shadow memory needs more
# address space than the limit) the limit is dropped: ASan aborts on any
# absurd allocation instead, which fails the test just the same.
. "$(dirname "$0")/clilib.sh"
limit=524288 # KiB
if ldd "$OBSCURA" 2>/dev/null | grep -q libasan; then limit=unlimited; fi
limited() { (ulimit -v "$limit" && exec "$@"); }
# refused from the header, not by running out of memory on the way
not_oom() { if grep -qiE "out of memory|cannot allocate|no memory" "$work/err"; then bad "$1: an allocation was tried: $(head -c 300 "$work/err")"; else ok; fi; }

python3 - "$work" "$OB_SOURCE_DIR/tests/fuzz/corpus" <<'PY'
import json, os, struct, sys, zlib
w, corpus = sys.argv[1], sys.argv[2]
def png(width, height, depth=8, ctype=6, idat=b"\x78\x9c\x03\x00\x00\x00\x00\x01"):
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, ctype, 0, 0, 0)) +
            chunk(b"IDAT", idat) + chunk(b"IEND", b""))
files = {
    "png_16k.png": png(16384, 16384, 16),          # 2 GiB of pixels in 60 bytes
    "png_huge.png": png(100000, 100000),           # past the pixel cap
    "hdr_16k.hdr": b"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 16384 +X 16384\n" + b"\x02\x02\x40\x00" * 4,
    "pfm_16k.pfm": b"PF\n16384 16384\n-1.0\n" + b"\0" * 64,
}
jpg = bytearray(open(os.path.join(corpus, "fuzz_image", "rgb.jpg"), "rb").read())
i = jpg.index(b"\xff\xc0")                           # SOF0: length, precision, height, width
jpg[i + 5:i + 9] = struct.pack(">HH", 16000, 16000)
files["jpeg_16k.jpg"] = bytes(jpg)
exr = bytearray(open(os.path.join(corpus, "fuzz_image", "float.exr"), "rb").read())
j = exr.index(b"dataWindow\0box2i\0") + len(b"dataWindow\0box2i\0") + 4
exr[j:j + 16] = struct.pack("<iiii", 0, 0, 15999, 15999)  # 16000 x 16000 in a 500-byte file
files["exr_16k.exr"] = bytes(exr)
head = json.dumps({"w": {"dtype": "F32", "shape": [100000, 100000], "data_offsets": [0, 40000000000]}}).encode()
files["huge_tensor.safetensors"] = struct.pack("<Q", len(head)) + head + b"\0" * 16
files["huge_header.safetensors"] = struct.pack("<Q", 1 << 60) + b"{}"
os.makedirs(os.path.join(w, "idx"), exist_ok=True)
files["idx/train-images-idx3-ubyte"] = struct.pack(">IIII", 0x803, 0x7fffffff, 28, 28) + b"\0" * 784
files["idx/train-labels-idx1-ubyte"] = struct.pack(">II", 0x801, 0x7fffffff) + b"\0"
for name, data in files.items():
    open(os.path.join(w, name), "wb").write(data)
PY
[ -s "$work/png_16k.png" ] && ok || bad "hostile files not written"

for f in png_16k.png png_huge.png hdr_16k.hdr pfm_16k.pfm jpeg_16k.jpg exr_16k.exr; do
  expect_error "$f refused" "${f%%.*}|too large|truncated|cannot hold" limited "$OBSCURA" resize "$work/$f" --scale 1 -o "$work/out_$f.png"
  not_oom "$f"
  expect_absent "$f: no output" "$work/out_$f.png"
  expect_error "$f probe (metrics)" "${f%%.*}|too large|truncated|cannot hold" limited "$OBSCURA" metrics "$work/$f" "$work/$f"
done
"$OBSCURA" resize "$OB_SOURCE_DIR/tests/fuzz/corpus/fuzz_image/rgb8.png" --scale 2 -o "$work/img.png" -q
for f in huge_tensor huge_header; do
  expect_error "$f refused" "$f|safetensors|header|size" limited "$OBSCURA" denoise "$work/img.png" --model "$work/$f.safetensors" -o "$work/out_$f.png"
  not_oom "$f"
  expect_absent "$f: no output" "$work/out_$f.png"
done
expect_error "idx claiming 2^31 images" "train-images|idx|truncated|images" limited "$OBSCURA" train classify --data "$work/idx" --epochs 1 -o "$work/run_idx"
not_oom "idx"
expect_absent "idx: no checkpoint" "$work/run_idx/model.safetensors"
finish
