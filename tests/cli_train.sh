# cli_train.sh — `obscura nets summary`, `obscura train classify` and `obscura
# eval classify` end to end on a small cut of Debian's Fashion-MNIST (2000
# training and 500 test images; SKIPPED without the dataset-fashion-mnist
# package): one epoch trains and writes the run folder, eval reports an
# accuracy, --resume continues; bad input — a corrupt or truncated idx file,
# mismatched label counts, a checkpoint with a missing or mis-shaped tensor or a
# truncated header — is "obscura: error: ...", exit 2.
. "$(dirname "$0")/clilib.sh"

fm=${OB_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}

expect_ok "nets summary classifier" "$OBSCURA" nets summary classifier
grep -q "Total params: 241546" "$work/out" && grep -q "features.0 (conv2d)  *\[-1, 32, 28, 28\]  *320" "$work/out" &&
  ok || bad "classifier summary: $(cat "$work/out")"
expect_ok "nets summary espcn3 --json" "$OBSCURA" nets summary espcn3 --json
grep -q '"total_params": 22729' "$work/out" && ok || bad "espcn3 --json: $(cat "$work/out")"
expect_ok "nets summary classifier 3x32x32" "$OBSCURA" nets summary classifier --input 3x32x32 --classes 100
grep -q "\[-1, 100\]" "$work/out" && ok || bad "classifier --classes 100: $(cat "$work/out")"
# the first seed's keypoint nets: its tables' parameter counts
expect_ok "nets summary nose" "$OBSCURA" nets summary nose
grep -q "Total params: 129842" "$work/out" && grep -q "features.6 (conv2d)  *\[-1, 32, 14, 9\]  *6944" "$work/out" &&
  grep -q "head.3 (linear)  *\[-1, 2\]  *258" "$work/out" && ok || bad "nose summary: $(cat "$work/out")"
expect_ok "nets summary face --json" "$OBSCURA" nets summary face --json
grep -q '"input": \[1, 180, 240\]' "$work/out" && grep -q '"total_params": 10458996' "$work/out" && ok ||
  bad "face --json: $(cat "$work/out")"
expect_ok "nets summary face 68 points" "$OBSCURA" nets summary face --keypoints 68 --json
grep -q '"output": \[136\]' "$work/out" && ok || bad "face --keypoints 68: $(cat "$work/out")"
# ResNets as torchvision builds them (1-channel stem, fc to 2K) and the heatmap unet
expect_ok "nets summary resnet18" "$OBSCURA" nets summary resnet18 --keypoints 68 --json
grep -q '"total_params": 11240008' "$work/out" && grep -q '"name": "layer4.1.bn2", "type": "batch_norm2d", "output": \[512, 7, 7\]' "$work/out" &&
  grep -q '"name": "fc", "type": "linear", "output": \[136\]' "$work/out" && ok || bad "resnet18: $(cat "$work/out")"
expect_ok "nets summary resnet50" "$OBSCURA" nets summary resnet50 --keypoints 68 --json
grep -q '"total_params": 23780424' "$work/out" && grep -q '"name": "layer2.0.downsample.0", "type": "conv2d", "output": \[512, 28, 28\]' "$work/out" &&
  ok || bad "resnet50: $(cat "$work/out")"
expect_ok "nets summary unet" "$OBSCURA" nets summary unet --keypoints 5 --features 32 --input 1x64x48 --json
grep -q '"type": "spatial_softmax", "output": \[5, 64, 48\]' "$work/out" && ok || bad "unet: $(cat "$work/out")"
expect_error "nets summary unet odd size" "multiples of 8" "$OBSCURA" nets summary unet --input 1x60x60
expect_error "nets summary nose too small" "too small" "$OBSCURA" nets summary nose --input 1x20x20
expect_error "nets summary unknown" "no built-in model 'resnet'" "$OBSCURA" nets summary resnet
expect_error "nets without summary" "usage" "$OBSCURA" nets classifier

if [ ! -f "$fm/train-images-idx3-ubyte.gz" ]; then
  echo "SKIPPED: Fashion-MNIST not at $fm (apt install dataset-fashion-mnist)"
  finish
  exit $?
fi

# a small idx folder cut from the real set
python3 - "$fm" "$work/fashion-mnist" <<'PY' || { echo "FAIL: could not cut the data set"; exit 1; }
import gzip, os, struct, sys
src, dst = sys.argv[1:]
os.makedirs(dst)
for split, n in (("train", 2000), ("t10k", 500)):
    img = gzip.open(f"{src}/{split}-images-idx3-ubyte.gz").read()
    lab = gzip.open(f"{src}/{split}-labels-idx1-ubyte.gz").read()
    open(f"{dst}/{split}-images-idx3-ubyte", "wb").write(struct.pack(">IIII", 0x803, n, 28, 28) + img[16:16 + n * 784])
    open(f"{dst}/{split}-labels-idx1-ubyte", "wb").write(struct.pack(">II", 0x801, n) + lab[8:8 + n])
PY

run="$work/run"
expect_ok "train classify 1 epoch" "$OBSCURA" train classify --data "$work/fashion-mnist" --epochs 1 --batch 32 --seed 1 \
  -o "$run" --json --device cpu --threads 2
grep -q '"epochs": 1' "$work/out" && grep -q '"val_accuracy": 0\.' "$work/out" && ok || bad "train --json: $(cat "$work/out")"
for f in model.safetensors model.optim.safetensors loss.csv loss.svg; do
  [ -s "$run/$f" ] && ok || bad "run folder lacks $f"
done
[ "$(wc -l <"$run/loss.csv")" -eq 2 ] && head -n1 "$run/loss.csv" | grep -q "^epoch,train_loss,val_loss" && ok ||
  bad "loss.csv: $(cat "$run/loss.csv")"
grep -q "<svg" "$run/loss.svg" && grep -q "polyline" "$run/loss.svg" && ok || bad "loss.svg is not a plot"

expect_ok "eval classify" "$OBSCURA" eval classify --data "$work/fashion-mnist" --checkpoint "$run/model.safetensors"
grep -q "^accuracy: " "$work/out" && grep -q "Ankle boot" "$work/out" && grep -q "confusion matrix" "$work/out" && ok ||
  bad "eval text: $(cat "$work/out")"
expect_ok "eval classify --json" "$OBSCURA" eval classify --data "$work/fashion-mnist" --checkpoint "$run/model.safetensors" --json
python3 - "$work/out" <<'PY' && ok || bad "eval --json: $(cat "$work/out")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["samples"] == 500 and 0.4 < r["accuracy"] <= 1, r
assert len(r["per_class"]) == 10 and sum(map(sum, r["confusion"])) == 500
assert sum(r["confusion"][i][i] for i in range(10)) == r["correct"]
PY

cp -r "$run" "$work/run2"
expect_ok "train --resume" "$OBSCURA" train classify --data "$work/fashion-mnist" --resume "$work/run2" --epochs 2 --json \
  --device cpu --threads 2
grep -q '"start_epoch": 1' "$work/out" && grep -q '"epochs": 2' "$work/out" && ok || bad "resume --json: $(cat "$work/out")"
[ "$(wc -l <"$work/run2/loss.csv")" -eq 3 ] && ok || bad "resumed loss.csv: $(cat "$work/run2/loss.csv")"

# deterministic: two runs with the same --threads give bit-identical checkpoints;
# resume is bit-exact: 2 epochs straight == 1 epoch + --resume to 2 (same tensors; the metadata's timings differ)
for d in straight again split; do
  expect_ok "train $d" "$OBSCURA" train classify --data "$work/fashion-mnist" --limit 400 --no-val --batch 32 --seed 4 \
    --epochs $([ $d = split ] && echo 1 || echo 2) -o "$work/$d" --quiet --device cpu --threads 2
done
expect_ok "resume split" "$OBSCURA" train classify --data "$work/fashion-mnist" --limit 400 --no-val --resume "$work/split" \
  --epochs 2 --quiet --device cpu --threads 2
for f in model.safetensors model.optim.safetensors; do
  python3 "$(dirname "$0")/same_tensors.py" "$work/straight/$f" "$work/split/$f" "$work/again/$f" >"$work/same" && ok ||
    bad "resumed or repeated run differs from the uninterrupted one: $(cat "$work/same")"
done

# ---- bad input ----------------------------------------------------------------
mkdir -p "$work/trunc" "$work/mismatch"
cp "$work/fashion-mnist"/* "$work/trunc/"
head -c 100000 "$work/fashion-mnist/train-images-idx3-ubyte" >"$work/trunc/train-images-idx3-ubyte"
expect_error "truncated idx" "train-images-idx3-ubyte" "$OBSCURA" train classify --data "$work/trunc" -o "$work/r_t"
expect_absent "truncated idx: no run" "$work/r_t/model.safetensors"
cp "$work/fashion-mnist"/* "$work/mismatch/"
python3 - "$work/mismatch/train-labels-idx1-ubyte" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
open(sys.argv[1], "wb").write(struct.pack(">II", 0x801, 1999) + d[8:8 + 1999])
PY
expect_error "mismatched label counts" "label" "$OBSCURA" train classify --data "$work/mismatch" -o "$work/r_m"
printf 'not an idx file at all' >"$work/trunc/t10k-images-idx3-ubyte"
expect_error "corrupt test idx" "t10k-images" "$OBSCURA" eval classify --data "$work/trunc" \
  --checkpoint "$run/model.safetensors"
expect_error "no data" "no-such" "$OBSCURA" train classify --data "$work/no-such" -o "$work/r_n"
expect_error "no -o" "RUN_DIR" "$OBSCURA" train classify --data "$work/fashion-mnist"
expect_error "bad optimiser" "optim" "$OBSCURA" train classify --data "$work/fashion-mnist" -o "$work/r_o" --optim lbfgs
expect_error "bad lr" "lr" "$OBSCURA" train classify --data "$work/fashion-mnist" -o "$work/r_o" --lr -1
expect_error "resume from nothing" "model.safetensors" "$OBSCURA" train classify --data "$work/fashion-mnist" \
  --resume "$work/nothing-here" --epochs 2

# checkpoints edited with Python: a tensor dropped, a tensor reshaped, the header cut
python3 - "$run/model.safetensors" "$work" <<'PY'
import json, struct, sys
src, out = sys.argv[1:]
b = open(src, "rb").read()
n = struct.unpack("<Q", b[:8])[0]
head, data = json.loads(b[8:8 + n]), b[8 + n:]
def write(path, h):
    meta = h.pop("__metadata__", None)
    names = [k for k in h]
    blob, off = b"", 0
    hdr = {"__metadata__": meta} if meta else {}
    for k in names:
        s, e = h[k]["data_offsets"]
        t = data[s:e]
        hdr[k] = {"dtype": h[k]["dtype"], "shape": h[k]["shape"], "data_offsets": [off, off + len(t)]}
        blob += t
        off += len(t)
    j = json.dumps(hdr).encode()
    j += b" " * (-len(j) % 8)
    open(path, "wb").write(struct.pack("<Q", len(j)) + j + blob)
h = dict(head); h.pop("classifier.3.bias"); write(f"{out}/missing.safetensors", h)
h = json.loads(json.dumps(head)); h["features.0.weight"]["shape"] = [32, 1, 9, 1]; write(f"{out}/reshaped.safetensors", h)
open(f"{out}/truncated.safetensors", "wb").write(b[:8 + n // 2])
PY
expect_error "checkpoint missing a tensor" "classifier.3.bias" "$OBSCURA" eval classify --data "$work/fashion-mnist" \
  --checkpoint "$work/missing.safetensors"
expect_error "checkpoint with a mis-shaped tensor" "features.0.weight" "$OBSCURA" eval classify --data "$work/fashion-mnist" \
  --checkpoint "$work/reshaped.safetensors"
expect_error "truncated checkpoint header" "truncated.safetensors" "$OBSCURA" eval classify --data "$work/fashion-mnist" \
  --checkpoint "$work/truncated.safetensors"
expect_error "no checkpoint" "no-such" "$OBSCURA" eval classify --data "$work/fashion-mnist" --checkpoint "$work/no-such.safetensors"
finish
