# cli_bad_input.sh — every bad input is "obscura: error: ...", exit 2, no crash,
# no output file left behind and no existing output overwritten.
. "$(dirname "$0")/clilib.sh"

expect_ok "demo for inputs" "$OBSCURA" demo --job interp --image chart -o "$work/d" --quiet
good="$work/d/original.png"
small="$work/d/small.png"

# files that are not what they claim
head -c 100 "$good" > "$work/trunc.png"
head -c 2000 "$good" > "$work/trunc2.png"
printf 'not a png at all' > "$work/text.png"
cp "$good" "$work/magic.png"; printf 'XPNG' | dd of="$work/magic.png" bs=1 seek=0 conv=notrunc 2>/dev/null
printf '\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01' > "$work/trunc.jpg"
printf '#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 4 +X 4\n\x02\x02' > "$work/trunc.hdr"
printf '#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 2147483648 +X 2147483648\n' > "$work/huge.hdr"
printf 'PF\n2147483648 2147483648\n-1.0\n' > "$work/huge.pfm"
printf 'PF\n0 5\n-1.0\n' > "$work/zero.pfm"
printf 'PF\n4 4\n-1.0\n\x00\x00' > "$work/trunc.pfm"
printf 'P7\n4 4\n-1.0\n' > "$work/magic.pfm"
mkdir -p "$work/dir.png"

for f in trunc.png trunc2.png text.png magic.png trunc.jpg trunc.hdr huge.hdr huge.pfm zero.pfm trunc.pfm magic.pfm dir.png missing.png; do
  expect_error "resize $f" "$f" "$OBSCURA" resize "$work/$f" -o "$work/out_$f.png" --scale 2
  expect_absent "resize $f" "$work/out_$f.png"
  expect_error "metrics $f" "$f" "$OBSCURA" metrics "$work/$f" "$good"
done
expect_error "huge dimensions" "large|dimension|too" "$OBSCURA" metrics "$work/huge.pfm" "$good"
expect_error "zero size" "zero|empty|size|dimension" "$OBSCURA" metrics "$work/zero.pfm" "$good"

# mismatched sizes and options
expect_error "metrics sizes differ" "differ|size" "$OBSCURA" metrics "$good" "$small"
expect_error "metrics one image" "two images" "$OBSCURA" metrics "$good"
expect_error "metrics bad range" "positive" "$OBSCURA" metrics "$good" "$good" --data-range -1
expect_error "scale 0" "positive" "$OBSCURA" resize "$good" -o "$work/x.png" --scale 0
expect_error "scale and size" "exactly one" "$OBSCURA" resize "$good" -o "$work/x.png" --scale 2 --size 10x10
expect_error "size 0x5" "outside" "$OBSCURA" resize "$good" -o "$work/x.png" --size 0x5
expect_error "size text" "WxH" "$OBSCURA" resize "$good" -o "$work/x.png" --size big
expect_error "unknown method" "nearest" "$OBSCURA" resize "$good" -o "$work/x.png" --scale 2 --method lanczos
expect_error "area enlarging" "area" "$OBSCURA" resize "$good" -o "$work/x.png" --scale 2 --method area
expect_error "no output" "-o" "$OBSCURA" resize "$good" --scale 2
expect_error "unknown output type" "extension|format" "$OBSCURA" resize "$good" -o "$work/x.bmp" --scale 2
expect_absent "failed resizes leave nothing" "$work/x.png" "$work/x.bmp"
expect_error "output folder missing" "$work/nowhere" "$OBSCURA" resize "$good" -o "$work/nowhere/x.png" --scale 2
expect_error "unknown verb" "unknown verb" "$OBSCURA" frobnicate
expect_error "unknown option" "unknown option" "$OBSCURA" metrics "$good" "$good" --fast
expect_error "missing value" "needs a value" "$OBSCURA" resize "$good" -o
expect_error "bad device" "auto, cpu or cuda" "$OBSCURA" version --device tpu
expect_error "bad threads" "threads" "$OBSCURA" version --threads 0

# an existing output survives a failed write
cp "$small" "$work/keep.png"
before=$(cksum < "$work/keep.png")
expect_error "bad input keeps old output" "trunc.png" "$OBSCURA" resize "$work/trunc.png" -o "$work/keep.png" --scale 2
[ "$(cksum < "$work/keep.png")" = "$before" ] && ok || bad "keep.png was changed by a failed run"
finish
