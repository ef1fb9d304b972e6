# cli_kill.sh — crash safety of the batch verbs: `hdr --batch` and
# `quilt --batch` killed with SIGKILL at random points, 20 times each, then
# run to the end. After every kill, each file under its final name is
# complete and readable; at the end every scene is done, the scenes finished
# before a kill were skipped, and the outputs are byte-identical to an
# uninterrupted run (same seed, same threads).
. "$(dirname "$0")/clilib.sh"
py=/usr/bin/python3; [ -x "$py" ] || py=python3
expect_ok "demo" "$OBSCURA" demo -o "$work/demo" --quiet
stack="$work/demo/stack"
mkdir -p "$work/scenes" "$work/tex"
for s in 1 2 3 4 5 6; do mkdir "$work/scenes/s$s" && cp "$stack"/exposure_*.png "$stack/times.txt" "$work/scenes/s$s/"; done
for s in 1 2 3 4 5 6; do
  "$OBSCURA" resize "$work/demo/durand.png" --size $((40 + 4 * s))x$((40 + 4 * s)) -o "$work/tex/t$s.png" -q
done
# argument vectors, not functions: `cmd &` of a function backgrounds a subshell, and
# SIGKILL to it would leave obscura running; "$OBSCURA" "${args[@]}" & is obscura itself
hdr_args=(hdr --batch "$work/scenes" --threads 2 -q -o)
quilt_args=(quilt --batch "$work/tex" --size 160x160 --patch 16 --seed 5 --threads 2 -q -o)

# every image under its final name decodes completely; .hdr too; JSON parses
check_complete() { # DIR
  "$py" - "$1" "$OBSCURA" <<'PY'
import json, os, subprocess, sys
root, exe = sys.argv[1], sys.argv[2]
for d, _, files in os.walk(root):
    for f in files:
        p = os.path.join(d, f)
        if f.startswith(".") and f.endswith(".tmp"):
            continue  # a temp file a kill left: never under a final name
        if f.endswith((".png", ".hdr")):
            r = subprocess.run([exe, "metrics", p, p, "--json", "--quiet"], capture_output=True, text=True)
            assert r.returncode == 0, (p, r.stderr)
        elif f.endswith(".json"):
            json.load(open(p))
        elif f.endswith(".csv"):
            assert open(p).read().endswith("\n"), p
PY
}

for verb in hdr quilt; do
  ref="$work/ref_$verb"
  start=$(date +%s%N)
  declare -n args=${verb}_args
  expect_ok "$verb --batch uninterrupted" "$OBSCURA" "${args[@]}" "$ref"
  took=$(( ($(date +%s%N) - start) / 1000000 ))
  kills=0 torn=0 unfinished=0 differ=0 resumed=0
  for i in $(seq 1 20); do # each trial: a fresh run killed at a random point, then re-run
    out="$work/out_$verb$i"
    "$OBSCURA" "${args[@]}" "$out" & pid=$!
    sleep "$(awk -v s="$RANDOM$i" -v t="$took" 'BEGIN { srand(s); printf "%.3f", 0.8 * rand() * t / 1000 }')"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    [ $? -eq 137 ] && kills=$((kills + 1)) # it was still running: SIGKILL ended it
    check_complete "$out" || torn=$((torn + 1))
    "$OBSCURA" "${args[@]}" "$out" || unfinished=$((unfinished + 1))
    check_complete "$out" || torn=$((torn + 1))
    # the same bytes as the uninterrupted run (summary.json holds timings: left out)
    diff -r -x '.*.tmp' -x summary.json "$ref" "$out" >/dev/null || differ=$((differ + 1))
    [ -n "$(ls -A "$out" 2>/dev/null)" ] && resumed=$((resumed + 1))
    rm -rf "$out"
  done
  [ "$torn" -eq 0 ] && ok || bad "$verb: $torn checks found a torn file under a final name"
  [ "$unfinished" -eq 0 ] && ok || bad "$verb: $unfinished re-runs after a kill failed"
  [ "$differ" -eq 0 ] && ok || bad "$verb: $differ of 20 killed-then-resumed runs differ from an uninterrupted one"
  [ "$kills" -ge 8 ] && ok || bad "$verb: only $kills of 20 runs were still going when killed"
done
# a re-run skips what is complete, and a kill mid-batch keeps the finished scenes
# the re-run skips what is complete
"$OBSCURA" hdr --batch "$work/scenes" -o "$work/ref_hdr" --json > "$work/skip.json"
grep -q '"done": 0, "skipped": 6, "failed": 0' "$work/skip.json" && ok || bad "hdr re-run: $(cat "$work/skip.json")"
"$OBSCURA" "${hdr_args[@]}" "$work/part" & pid=$!
for t in $(seq 1 200); do [ "$(ls "$work"/part/*/summary.json 2>/dev/null | wc -l)" -ge 2 ] && break; sleep 0.01; done
kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
done_before=$(ls "$work"/part/*/summary.json 2>/dev/null | wc -l)
"$OBSCURA" hdr --batch "$work/scenes" -o "$work/part" --json > "$work/part.json"
"$py" - "$work/part.json" "$done_before" <<'PY' && ok || bad "after a kill with $done_before scenes done: $(cat "$work/part.json")"
import json, sys
r, before = json.load(open(sys.argv[1])), int(sys.argv[2])
assert before >= 1 and r["skipped"] == before and r["done"] == 6 - before and r["failed"] == 0, (before, r)
PY
finish
