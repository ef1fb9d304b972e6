# cli_basic.sh — the verbs end to end: help, version, demo, resize, metrics.
. "$(dirname "$0")/clilib.sh"

expect_ok "obscura --help" "$OBSCURA" --help
for v in demo metrics resize version; do
  grep -q "^  $v " "$work/out" && ok || bad "--help does not list $v"
done
for v in demo metrics resize version; do
  expect_ok "$v --help" "$OBSCURA" $v --help
  grep -q "^usage: obscura $v" "$work/out" && ok || bad "$v --help has no usage line"
done

expect_ok "version" "$OBSCURA" version
if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
  grep -q "^backend: cpu" "$work/out" && ok || bad "version without a GPU should report the cpu backend: $(cat "$work/out")"
  expect_error "--device cuda without a GPU" "no usable GPU|without CUDA" "$OBSCURA" version --device cuda
fi
expect_ok "version --json" "$OBSCURA" version --json
grep -q '"backend": "c' "$work/out" && ok || bad "version --json has no backend"
# the CPU, the nets' CPU implementation, oneDNN's ISA and the GEMM library
python3 - "$work/out" <<'PY' && ok || bad "version --json lacks the CPU facts: $(cat "$work/out")"
import json, sys
v = json.load(open(sys.argv[1]))
assert v["cpu"] and v["cpu_impl"] in ("dnnl", "ref") and v["gemm"], v
assert (v["onednn"] == "none") == (v["cpu_impl"] == "ref"), v
assert v["cpu_impl"] == "ref" or v["onednn_isa"] not in ("none", "unknown"), v
# the GPU libraries' plugin (host/ob_gpulibs.h) resolves every symbol it needs
# (version dlopens it with RTLD_NOW) wherever CUDA is compiled in
assert (v["gpu_libraries"] == "not compiled") == (not v["cuda_compiled"]), v
assert not v["cuda_compiled"] or v["gpu_libraries"].endswith("(loads on first GPU use)"), v
PY
# and a CPU run never loads it: cuBLAS, cuDNN, cuSOLVER stay out of the process
if [ -r /proc/self/maps ]; then
  "$OBSCURA" demo -o "$work/maps_demo" --quiet && ok || bad "demo for the maps check"
  python3 - "$OBSCURA" "$work/maps_demo" <<'PY' && ok || bad "a CPU hdr run mapped the GPU libraries"
import subprocess, sys, time
exe, d = sys.argv[1], sys.argv[2]
p = subprocess.Popen([exe, "hdr"] + [f"{d}/stack/exposure_{i}.png" for i in range(1, 8)] +
                     ["--times-file", f"{d}/stack/times.txt", "--device", "cpu", "-q", "-o", f"{d}/h"])
seen = set()
while p.poll() is None:
    try:
        seen |= {l.split()[-1] for l in open(f"/proc/{p.pid}/maps") if "/" in l}
    except OSError:
        pass
    time.sleep(0.002)
assert p.returncode == 0, p.returncode
bad = [m for m in seen if any(k in m for k in ("libcublas", "libcudnn", "libcusolver"))]
assert not bad, bad
PY
fi
expect_ok "version --cpu-impl ref" "$OBSCURA" version --cpu-impl ref
grep -q "cpu-impl ref" "$work/out" && ok || bad "--cpu-impl ref not reported: $(cat "$work/out")"
expect_error "--cpu-impl bogus" "unknown --cpu-impl 'bogus'" "$OBSCURA" version --cpu-impl bogus

# the main job on its embedded default (the chart when no photo is installed)
expect_ok "demo" "$OBSCURA" demo --job interp --image chart -o "$work/demo" --factor 3
for f in original.png small.png up_nearest.png up_bilinear.png up_bicubic.png report.json index.html; do
  [ -s "$work/demo/$f" ] && ok || bad "demo did not write $f"
done
grep -q "embedded test chart" "$work/demo/report.json" && ok || bad "demo without a photo should use the test chart"
# bicubic beats nearest on a smooth chart: the scores mean something
python3 - "$work/demo/report.json" <<'PY' && ok || bad "demo scores out of order"
import json, sys
m = {r["method"]: r for r in json.load(open(sys.argv[1]))["methods"]}
assert m["bicubic"]["psnr"] > m["nearest"]["psnr"], m
assert 0 < m["nearest"]["ssim"] < m["bicubic"]["ssim"] <= 1, m
PY

orig="$work/demo/original.png"
expect_ok "resize --size" "$OBSCURA" resize "$orig" -o "$work/r1.png" --size 100x50 --method bilinear --json
grep -q '"out_size": \[100, 50\]' "$work/out" && ok || bad "resize --size: $(cat "$work/out")"
expect_ok "resize --scale" "$OBSCURA" resize "$orig" -o "$work/r2.png" --scale 0.5 --json
grep -q '"out_size": \[192, 192\]' "$work/out" && grep -q '"method": "area"' "$work/out" && ok || bad "resize --scale 0.5 of 384x384: $(cat "$work/out")"
expect_ok "resize to 16-bit" "$OBSCURA" resize "$orig" -o "$work/r3.png" --scale 2 --method nearest --bits 16
expect_ok "resize hdr" "$OBSCURA" resize "$orig" -o "$work/r4.pfm" --scale 1.5 --method bicubic

# nearest x2 then area /2 is the identity: metrics must say identical
expect_ok "nearest up" "$OBSCURA" resize "$orig" -o "$work/up.png" --scale 2 --method nearest
expect_ok "area down" "$OBSCURA" resize "$work/up.png" -o "$work/back.png" --scale 0.5 --method area
expect_ok "metrics identical" "$OBSCURA" metrics "$orig" "$work/back.png" --json
grep -q '"identical": true' "$work/out" && grep -q '"ssim": 1.0000000000' "$work/out" && ok || bad "round trip not identical: $(cat "$work/out")"

expect_ok "metrics" "$OBSCURA" metrics "$orig" "$work/demo/up_bilinear.png"
grep -q "^PSNR: " "$work/out" && grep -q "^SSIM (Y): " "$work/out" && ok || bad "metrics text output: $(cat "$work/out")"
finish
