# cli_train_sr.sh — `obscura train sr`, `eval sr` and `upscale` end to end on real photos (skimage's
# astronaut, chelsea, coffee and rocket from Debian's python3-skimage, cut to
# 200x200 so the test stays short; SKIPPED without them): two epochs of ESPCN
# x3 and one of SRCNN x2 write the run folder with PSNR curves and sr
# metadata, --resume continues, and bad input — a scale outside 2..4, an
# unknown model or channel mode, a missing or image-less folder, photos
# smaller than the crop, a resume of another task or scale — is
# "obscura: error: ...", exit 2, with no run folder left.
. "$(dirname "$0")/clilib.sh"

sk=/usr/lib/python3/dist-packages/skimage/data
photos="$work/photos"
mkdir -p "$photos" "$work/empty" "$work/small"
for f in astronaut.png chelsea.png coffee.png rocket.jpg; do
  [ -f "$sk/$f" ] || { echo "SKIPPED: $sk/$f missing (apt install python3-skimage)"; exit 77; }
  "$OBSCURA" resize "$sk/$f" -o "$photos/${f%.*}.png" --size 200x200 --method area --quiet || bad "cutting $f"
done
"$OBSCURA" resize "$photos/coffee.png" -o "$work/small/a.png" --size 40x40 --quiet
"$OBSCURA" resize "$photos/coffee.png" -o "$work/small/b.png" --size 40x40 --quiet

run="$work/run"
expect_ok "train sr espcn x3" "$OBSCURA" train sr --model espcn --scale 3 --data "$photos" -o "$run" --epochs 2 \
  --samples 320 --val-patch 24 --seed 1 --json --device cpu --threads 2
python3 - "$work/out" <<'PY' && ok || bad "train sr --json: $(cat "$work/out")"
import json, math, sys
r = json.load(open(sys.argv[1]))
assert r["model"] == "espcn" and r["scale"] == 3 and r["channels"] == "y" and r["epochs"] == 2, r
assert math.isfinite(r["val_psnr"]) and 10 < r["val_psnr"] < 60, r
assert math.isfinite(r["bicubic_psnr"]) and 15 < r["bicubic_psnr"] < 60, r
PY
for f in model.safetensors model.optim.safetensors loss.csv loss.svg psnr.svg; do
  [ -s "$run/$f" ] && ok || bad "run folder lacks $f"
done
head -n1 "$run/loss.csv" | grep -q "^epoch,train_loss,val_loss,val_psnr,lr,seconds$" && [ "$(wc -l <"$run/loss.csv")" -eq 3 ] &&
  ok || bad "loss.csv: $(cat "$run/loss.csv")"
grep -q "PSNR" "$run/psnr.svg" && grep -q "polyline" "$run/psnr.svg" && ok || bad "psnr.svg is not a plot"
python3 - "$run/model.safetensors" <<'PY' && ok || bad "sr metadata missing"
import json, struct, sys
b = open(sys.argv[1], "rb").read()
n = struct.unpack("<Q", b[:8])[0]
m = json.loads(b[8:8 + n])["__metadata__"]
assert (m["task"], m["model"], m["scale"], m["channels"], m["patch"]) == ("sr", "espcn", "3", "y", "17"), m
PY
# a tiny real set (three full-size photos) beats bicubic within its first
# epochs, on two other photos given as --val-data
mkdir -p "$work/tiny" "$work/tinyval"
for f in astronaut.png chelsea.png coffee.png; do ln -s "$sk/$f" "$work/tiny/$f"; done
for f in rocket.jpg motorcycle_left.png; do ln -s "$sk/$f" "$work/tinyval/$f"; done
expect_ok "train sr on a tiny real set" "$OBSCURA" train sr --model espcn --scale 3 --data "$work/tiny" \
  --val-data "$work/tinyval" -o "$work/tinyrun" --epochs 3 --samples 8000 --lr 3e-3 --val-patch 32 --seed 1 --json \
  --device cpu --threads 2
python3 - "$work/out" "$work/tinyrun/loss.csv" <<'PY' && ok || bad "tiny set vs bicubic: $(cat "$work/out")"
import csv, json, sys
r = json.load(open(sys.argv[1]))
psnr = [float(row["val_psnr"]) for row in csv.DictReader(open(sys.argv[2]))]
print("tiny set: bicubic %.2f dB, val PSNR per epoch %s" % (r["bicubic_psnr"], ", ".join("%.2f" % p for p in psnr)))
assert len(psnr) == 3 and max(psnr) > r["bicubic_psnr"] + 0.15 and psnr[-1] > r["bicubic_psnr"], (psnr, r)
PY
expect_ok "train sr --resume" "$OBSCURA" train sr --model espcn --scale 3 --data "$photos" --resume "$run" --epochs 3 \
  --samples 320 --val-patch 24 --quiet --device cpu --threads 2
[ "$(wc -l <"$run/loss.csv")" -eq 4 ] && ok || bad "resume did not add an epoch: $(cat "$run/loss.csv")"
expect_ok "train sr srcnn x2 rgb" "$OBSCURA" train sr --model srcnn --scale 2 --channels rgb --data "$photos" \
  -o "$work/srcnn" --epochs 1 --samples 64 --batch 8 --val-patch 24 --max-side 150 --quiet --device cpu --threads 2
[ -s "$work/srcnn/model.safetensors" ] && grep -aq '"max_side":"150"' "$work/srcnn/model.safetensors" && ok ||
  bad "srcnn run folder (with max_side 150 in its metadata)"

# eval sr: the papers' table, the net beside the interpolations
expect_ok "eval sr --model" "$OBSCURA" eval sr --model "$run/model.safetensors" --data "$photos" --device cpu
grep -q "^x3, PSNR (dB) / SSIM on Y, 3-pixel border shaved" "$work/out" && grep -q "^mean " "$work/out" &&
  head -n2 "$work/out" | tail -1 | grep -q "nearest.*bilinear.*bicubic.*espcn" && ok || bad "eval sr table: $(cat "$work/out")"
expect_ok "eval sr --json" "$OBSCURA" eval sr --model "$run/model.safetensors" --data "$photos" --json --device cpu
python3 - "$work/out" <<'PY' && ok || bad "eval sr --json: $(cat "$work/out")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["scale"] == 3 and r["methods"] == ["nearest", "bilinear", "bicubic", "espcn"], r
assert len(r["images"]) == 4 and r["images"][0]["image"] == "astronaut.png", r
m = r["mean"]
# real photos: bicubic beats nearest by a clear margin
assert m["bicubic"]["psnr"] > m["nearest"]["psnr"] + 0.5 and m["bicubic"]["ssim"] > m["nearest"]["ssim"], m
assert 15 < m["espcn"]["psnr"] < 60, m
PY
expect_ok "eval sr --method" "$OBSCURA" eval sr --method bilinear --scale 2 --data "$photos" --json
grep -q '"methods": \["bilinear"\]' "$work/out" && ok || bad "eval sr --method: $(cat "$work/out")"
expect_error "eval sr at another scale" "is a x3 net, not x2" "$OBSCURA" eval sr --model "$run/model.safetensors" \
  --scale 2 --data "$photos"
expect_error "eval sr of a non-sr file" "not a checkpoint of obscura train sr" "$OBSCURA" eval sr \
  --model "$run/model.optim.safetensors" --data "$photos"
head -c 100 "$run/model.safetensors" >"$work/corrupt.safetensors"
expect_error "eval sr of a corrupt file" "corrupt.safetensors" "$OBSCURA" eval sr --model "$work/corrupt.safetensors" \
  --data "$photos"
expect_error "eval sr without a model or method" "or --method nearest" "$OBSCURA" eval sr --data "$photos"
expect_error "eval sr of an empty folder" "no .png/.jpg/.jpeg" "$OBSCURA" eval sr --method bicubic --data "$work/empty"

# two nets side by side and the page of crops
expect_ok "eval sr two nets --html" "$OBSCURA" eval sr --model "shipped,$run/model.safetensors" --data "$photos" \
  --html "$work/page" --json --device cpu
python3 - "$work/out" "$work/page" <<'PY' && ok || bad "eval sr --html: $(cat "$work/out"; ls "$work/page")"
import json, os, re, sys
r = json.load(open(sys.argv[1]))
assert r["methods"] == ["nearest", "bilinear", "bicubic", "espcn", "espcn-2"], r
page = open(os.path.join(sys.argv[2], "index.html")).read()
srcs = re.findall(r'<img src="([^"]+)"', page)
assert len(srcs) == 4 * 6, srcs  # per photo: the original and five methods
for s in srcs:
    assert os.path.getsize(os.path.join(sys.argv[2], s)) > 0, s
assert "astronaut_hr.png" in srcs and "rocket_espcn-2.png" in srcs, srcs
assert page.count("<tr>") == 1 + 4 + 1, page  # header, photos, mean
PY
expect_error "eval sr --html with a bad net" "nope.safetensors" "$OBSCURA" eval sr --model "shipped,$work/nope.safetensors" \
  --data "$photos" --html "$work/bad_page"
expect_absent "no page after a refused eval" "$work/bad_page"

# upscale: x3 with the net, in tiles and whole, a folder
expect_ok "upscale --model" "$OBSCURA" upscale "$photos/coffee.png" -o "$work/up.png" --model "$run/model.safetensors" \
  --tile 32 --json --device cpu
grep -q '"out_size": \[600, 600\]' "$work/out" && grep -q '"method": "espcn"' "$work/out" && ok || bad "upscale --json: $(cat "$work/out")"
expect_ok "upscale whole image" "$OBSCURA" upscale "$photos/coffee.png" -o "$work/up_whole.png" \
  --model "$run/model.safetensors" --tile 0 --quiet --device cpu
expect_ok "metrics tiled vs whole" "$OBSCURA" metrics "$work/up_whole.png" "$work/up.png" --json
python3 -c "import json,sys; r=json.load(open(sys.argv[1])); assert r['identical'] or r['psnr'] > 60, r" \
  "$work/out" && ok || bad "tiled upscale differs from the whole image: $(cat "$work/out")"
expect_ok "upscale --batch" "$OBSCURA" upscale --batch "$photos" -o "$work/upbatch" --method bicubic --scale 2 --bits 16 --quiet
[ -s "$work/upbatch/astronaut.png" ] && [ -s "$work/upbatch/rocket.png" ] && [ "$(ls "$work/upbatch" | wc -l)" -eq 4 ] &&
  ok || bad "upscale --batch outputs: $(ls "$work/upbatch")"
expect_error "upscale at another scale" "is a x3 net, not x4" "$OBSCURA" upscale "$photos/coffee.png" -o "$work/bad_up.png" \
  --model "$run/model.safetensors" --scale 4
expect_error "upscale to jpeg" "writes PNG" "$OBSCURA" upscale "$photos/coffee.png" -o "$work/bad_up.jpg" --method bicubic
# the shipped ESPCN: the default of upscale; it and the shipped SRCNN beat bicubic on real
# photos they were not trained on (data/sr/SOURCES.md), at every scale
expect_ok "upscale with the shipped net" "$OBSCURA" upscale "$photos/coffee.png" -o "$work/up_shipped.png" --json --device cpu
grep -q '"method": "espcn", "scale": 3' "$work/out" && grep -q '"out_size": \[600, 600\]' "$work/out" && ok ||
  bad "upscale default: $(cat "$work/out")"
mkdir -p "$work/full"
for f in astronaut.png chelsea.png coffee.png rocket.jpg; do ln -s "$sk/$f" "$work/full/$f"; done
for r in 2 3 4; do
  expect_ok "eval sr shipped x$r" "$OBSCURA" eval sr --model shipped,shipped-srcnn --scale $r --data "$work/full" \
    --json --device cpu
  python3 - "$work/out" $r <<'PY' && ok || bad "shipped x$r vs bicubic: $(cat "$work/out")"
import json, sys
r = json.load(open(sys.argv[1]))
m = r["mean"]
gain = {k: m[k]["psnr"] - m["bicubic"]["psnr"] for k in ("espcn", "srcnn")}
print("x%s: bicubic %.2f dB, espcn %+.2f, srcnn %+.2f" % (sys.argv[2], m["bicubic"]["psnr"], gain["espcn"], gain["srcnn"]))
assert r["scale"] == int(sys.argv[2]) and r["methods"][3:] == ["espcn", "srcnn"], r["methods"]
assert gain["espcn"] > 0.3 and m["espcn"]["ssim"] > m["bicubic"]["ssim"], m
assert gain["srcnn"] > 0.2 and m["srcnn"]["ssim"] > m["bicubic"]["ssim"], m
PY
done
expect_error "upscale of a missing image" "nope.png" "$OBSCURA" upscale "$work/nope.png" -o "$work/bad_up.png" --method bicubic
expect_error "upscale scale 5" "--scale" "$OBSCURA" upscale "$photos/coffee.png" -o "$work/bad_up.png" --method bicubic --scale 5
expect_absent "no output after refused upscales" "$work/bad_up.png" "$work/bad_up.jpg"

expect_error "scale 5" "--scale" "$OBSCURA" train sr --scale 5 --data "$photos" -o "$work/bad1"
expect_error "unknown model" "not espcn or srcnn" "$OBSCURA" train sr --model fsrcnn --data "$photos" -o "$work/bad2"
expect_error "unknown channels" "not y or rgb" "$OBSCURA" train sr --channels yuv --data "$photos" -o "$work/bad3"
expect_error "missing folder" "$work/nope" "$OBSCURA" train sr --data "$work/nope" -o "$work/bad4"
expect_error "no images" "no .png/.jpg/.jpeg images" "$OBSCURA" train sr --data "$work/empty" -o "$work/bad5"
expect_error "photo smaller than the crop" "smaller than the 51x51 crop" "$OBSCURA" train sr --scale 3 --patch 17 \
  --data "$work/small" -o "$work/bad6"
expect_error "resume at another scale" "x3 on y.*asks for espcn x2" "$OBSCURA" train sr --scale 2 --data "$photos" \
  --resume "$run" --epochs 4
expect_error "max side below 16" "--max-side" "$OBSCURA" train sr --max-side 8 --data "$photos" -o "$work/bad7"
expect_error "photos too small once shrunk" "once shrunk is smaller than the 51x51 crop" "$OBSCURA" train sr --scale 3 \
  --max-side 50 --data "$photos" -o "$work/bad8"
expect_absent "no run folder after refused input" "$work/bad7" "$work/bad8"
expect_absent "no run folder after refused input" "$work/bad1" "$work/bad2" "$work/bad3" "$work/bad4" "$work/bad5" "$work/bad6"
finish
