# cli_gpu_check.sh — bench/gpu_check's own logic, on a machine without a GPU:
# its step list covers every tests/parity_NAME.c (a cuda_NAME step) and every
# verb of `obscura --help` (a cli_VERB step, cpu and cuda), plus the training,
# resume, sanitizer and kernel-timing steps; --dry runs every CPU half and exits
# 0, saying what needs a GPU; on a "GPU machine" whose driver is older than the
# runtime (a stand-in nvidia-smi) it stops with exit 2 naming both versions and
# what to do; with a new enough driver but no usable GPU it stops at the backend
# step with the reason.
. "$(dirname "$0")/clilib.sh"

src=${OB_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
check=$src/bench/gpu_check
bdir=$(cd "$(dirname "$OBSCURA")" && pwd)

mapfile -t parity < <(cd "$src/tests" && ls parity_*.c | sed 's/^parity_//; s/\.c$//')
mapfile -t verbs < <("$OBSCURA" --help | sed -n '/^verbs:/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p')
[ ${#parity[@]} -gt 10 ] && [ ${#verbs[@]} -gt 10 ] && ok || bad "read ${#parity[@]} parity tests and ${#verbs[@]} verbs"

# covers LIST_FILE NAME PATTERN: the list has a line "step NAME: " matching PATTERN after it
covers() {
  grep -qE "^step $2: $3" "$1" && ok || bad "$(basename "$1"): no 'step $2: $3' line"
}

# ---- the plan ------------------------------------------------------------------
expect_ok "gpu_check --list" bash "$check" --list --build "$bdir"
cp "$work/out" "$work/list"
for t in "${parity[@]}"; do covers "$work/list" "cuda_$t" gpu; done
for v in "${verbs[@]}"; do covers "$work/list" "cli_$v" split; done
for s in versions build inputs emu_parity; do covers "$work/list" $s any; done
for s in backend sanitizer_memcheck sanitizer_racecheck sanitizer_initcheck suite gpu_kernels; do covers "$work/list" $s gpu; done
for s in train_espcn resume_espcn resume_classifier; do covers "$work/list" $s split; done

# ---- the dry run -----------------------------------------------------------------
expect_ok "gpu_check --dry" bash "$check" --dry --build "$bdir"
cp "$work/out" "$work/dry"
for t in "${parity[@]}"; do covers "$work/dry" "cuda_$t" "needs a GPU \(skipped\)$"; done
for v in "${verbs[@]}"; do
  case $v in
    eval|train) covers "$work/dry" "cli_$v" "(ran on cpu; cuda needs a GPU \(skipped\)|cannot run here: no Fashion-MNIST)" ;;
    *) covers "$work/dry" "cli_$v" "ran on cpu; cuda needs a GPU \(skipped\)$" ;;
  esac
done
covers "$work/dry" emu_parity "ran$"
covers "$work/dry" train_espcn "ran on cpu"
covers "$work/dry" resume_espcn "ran on cpu"
grep -q "cpu: 150 + resumed 150 steps == 300 straight" "$work/dry" && ok || bad "dry: resume_espcn's proof missing"
grep -qE "^gpu_check: [0-9]+ ran, [0-9]+ skipped, 0 failed$" "$work/dry" && ok || bad "dry summary: $(tail -3 "$work/dry")"
! grep -q "FAILED" "$work/dry" && ok || bad "dry: $(grep -A5 FAILED "$work/dry" | head -20)"

# ---- a GPU machine that cannot run it ---------------------------------------------
fake=$work/fakebin
mkdir -p "$fake"
fake_smi() { # fake_smi DRIVER CUDA: an nvidia-smi that answers like one with that driver
  cat >"$fake/nvidia-smi" <<EOF
#!/bin/sh
case "\$1" in
  --query-gpu=*) echo "$1, NVIDIA H100 80GB HBM3, 9.0, 81559 MiB" ;;
  *) echo "| NVIDIA-SMI $1    Driver Version: $1    CUDA Version: $2 |" ;;
esac
EOF
  chmod +x "$fake/nvidia-smi"
}
if "$OBSCURA" version --json | grep -q '"cuda_compiled": true'; then
  fake_smi 550.54.15 12.4
  PATH=$fake:$PATH bash "$check" --build "$bdir" >"$work/old" 2>&1
  rc=$?
  [ $rc -eq 2 ] && ok || bad "old driver: exit $rc, not 2: $(tail -5 "$work/old")"
  grep -q "driver serves CUDA 12.4; obscura's runtime (linked statically) is CUDA 13" "$work/old" &&
    grep -q "R580 or newer" "$work/old" && ok || bad "old driver: versions not named: $(cat "$work/old")"
  ! grep -q "^step build" "$work/old" && ok || bad "old driver: the check went on past the versions"

  fake_smi 580.95.05 13.0
  PATH=$fake:$PATH bash "$check" --build "$bdir" >"$work/nogpu" 2>&1
  rc=$?
  [ $rc -eq 2 ] && ok || bad "no usable GPU: exit $rc, not 2: $(tail -5 "$work/nogpu")"
  grep -q "^step versions: ran" "$work/nogpu" && grep -q "^step backend: FAILED" "$work/nogpu" &&
    grep -q "auto did not pick cuda: \"cuda" "$work/nogpu" && ok || bad "no usable GPU: $(cat "$work/nogpu")"
  ! grep -q "^step cuda_" "$work/nogpu" && ok || bad "no usable GPU: the check went on past the backend"
fi

# ---- usage -------------------------------------------------------------------------
bash "$check" --frobnicate >/dev/null 2>"$work/err"
[ $? -eq 2 ] && grep -q "unknown option '--frobnicate'" "$work/err" && ok || bad "unknown option: $(cat "$work/err")"
bash "$check" --dry >/dev/null 2>"$work/err"
[ $? -eq 2 ] && grep -q "needs --build" "$work/err" && ok || bad "--dry without --build: $(cat "$work/err")"
finish
