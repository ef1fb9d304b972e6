# cli_align_face.sh — `obscura align-face`: a run on landmarks with known
# geometry (68 points on an ellipse in the demo chart: the aligned points'
# fit is reported, the output is the asked size, --json carries the
# transform), and bad input: missing options, another point count, collinear
# points, landmarks off the photo, sizes and margins out of range, a missing
# image, an unwritable output; nothing is left behind.
. "$(dirname "$0")/clilib.sh"

expect_ok "demo chart" "$OBSCURA" demo --job interp --image chart -o "$work/d" --quiet
img="$work/d/original.png"

pts() { # pts FILE N AWK-EXPR-FOR-"x y" (i = 0..N-1)
  { echo "version: 1"; echo "n_points: $2"; echo "{"; awk -v n="$2" "BEGIN { for (i = 0; i < n; i++) print $3 }"; echo "}"; } > "$1"
}
pts "$work/ellipse.pts" 68 '60 + 30 * cos(i * 0.0924), 50 + 20 * sin(i * 0.0924)'
pts "$work/five.pts" 5 'i * 10 + 5, i * 7 + 5'
pts "$work/line.pts" 68 '10 + i, 20 + 0.5 * i'
pts "$work/far.pts" 68 '5000 + 30 * cos(i * 0.0924), 50 + 20 * sin(i * 0.0924)'

expect_ok "align-face" "$OBSCURA" align-face "$img" --landmarks "$work/ellipse.pts" -o "$work/a.png" --size 96
grep -q "px RMS from the template" "$work/out" && ok || bad "align-face: no fit report: $(cat "$work/out")"
expect_ok "aligned size" "$OBSCURA" resize "$work/a.png" -o "$work/a2.png" --scale 1 --json
grep -q '"in_size": \[96, 96\]' "$work/out" && ok || bad "aligned face is not 96x96: $(cat "$work/out")"
expect_ok "align-face --json" "$OBSCURA" align-face "$img" --landmarks "$work/ellipse.pts" -o "$work/b.png" --json --margin 0
grep -q '"transform": \[\[' "$work/out" && grep -q '"rms_to_template_px"' "$work/out" && ok || bad "--json: $(cat "$work/out")"

expect_error "no landmarks" "landmarks" "$OBSCURA" align-face "$img" -o "$work/x.png"
expect_error "no output" "-o" "$OBSCURA" align-face "$img" --landmarks "$work/ellipse.pts"
expect_error "5 points" "68" "$OBSCURA" align-face "$img" --landmarks "$work/five.pts" -o "$work/x.png"
expect_error "collinear" "collinear|span" "$OBSCURA" align-face "$img" --landmarks "$work/line.pts" -o "$work/x.png"
expect_error "off the photo" "outside" "$OBSCURA" align-face "$img" --landmarks "$work/far.pts" -o "$work/x.png"
expect_error "size 8" "outside" "$OBSCURA" align-face "$img" --landmarks "$work/ellipse.pts" -o "$work/x.png" --size 8
expect_error "margin 0.6" "margin" "$OBSCURA" align-face "$img" --landmarks "$work/ellipse.pts" -o "$work/x.png" --margin 0.6
expect_error "missing image" "missing|no such|open" "$OBSCURA" align-face "$work/none.png" --landmarks "$work/ellipse.pts" -o "$work/x.png"
expect_error "missing landmarks" "no such|open|missing" "$OBSCURA" align-face "$img" --landmarks "$work/none.pts" -o "$work/x.png"
expect_error "output folder missing" "." "$OBSCURA" align-face "$img" --landmarks "$work/ellipse.pts" -o "$work/no/dir/x.png"
expect_absent "refused runs" "$work/x.png"
finish
