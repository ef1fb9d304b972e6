# clilib.sh — helpers for the CLI tests (sourced). $OBSCURA is the binary under
# test and $OB_TEST_TMP a scratch folder (both set by ctest).
set -u
: "${OBSCURA:?OBSCURA must name the obscura binary}"
passed=0
failed=0
work=$(mktemp -d "${OB_TEST_TMP:-/tmp}/cli.XXXXXX")
trap 'rm -rf "$work"' EXIT

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

# expect_ok DESCRIPTION CMD...: exit 0
expect_ok() {
  local what=$1; shift
  if "$@" >"$work/out" 2>"$work/err"; then ok; else bad "$what: exit $? ($(head -c 400 "$work/err"))"; fi
}

# expect_error DESCRIPTION PATTERN CMD...: exit 2, stderr starts "obscura: error:" and matches PATTERN
expect_error() {
  local what=$1 pattern=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  if [ $rc -ne 2 ]; then bad "$what: expected exit 2, got $rc ($(head -c 400 "$work/err"))"; return; fi
  if ! head -n1 "$work/err" | grep -q '^obscura: error: '; then bad "$what: stderr does not start with 'obscura: error:': $(head -c 300 "$work/err")"; return; fi
  if ! grep -qiE -- "$pattern" "$work/err"; then bad "$what: message does not match /$pattern/: $(head -c 300 "$work/err")"; return; fi
  ok
}

# expect_absent DESCRIPTION PATH...: no such file (and no temp file beside it)
expect_absent() {
  local what=$1; shift
  for p in "$@"; do
    if [ -e "$p" ]; then bad "$what: $p was left behind"; return; fi
    if ls -a "$(dirname "$p")" 2>/dev/null | grep -q "^\.$(basename "$p")\..*\.tmp$"; then bad "$what: temp file for $p left behind"; return; fi
  done
  ok
}

finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}
