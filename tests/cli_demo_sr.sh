# cli_demo_sr.sh — `obscura demo --job sr`: the seeds' super-resolution
# experiments with the shipped nets on real faces (dlib's example faces,
# which .ci/setup extracts into data/dlib; SKIPPED without them): faces
# 32 -> 128 (x4) and 64 -> 128 (x2) with bilinear, bicubic and ESPCN, and the
# x2 SRCNN-style net against nearest and bilinear. In every experiment the CNN
# must win on the mean PSNR and SSIM, as the issue asks; the pages and the
# report are written; a bad --faces is "obscura: error: ...", exit 2.
. "$(dirname "$0")/clilib.sh"

faces="$OB_SOURCE_DIR/data/dlib/usr/share/doc/libdlib19.1/examples/faces"
[ -f "$faces/training_with_face_landmarks.xml" ] || { echo "SKIPPED: dlib faces missing (bash .ci/setup)"; exit 77; }
expect_ok "demo --job sr" "$OBSCURA" demo --job sr -o "$work/d" --json --device cpu
python3 - "$work/out" "$work/d" <<'PY' && ok || bad "demo --job sr: $(cat "$work/out")"
import json, os, sys
r = json.load(open(sys.argv[1]))
assert r == json.load(open(os.path.join(sys.argv[2], "report.json"))), "stdout and report.json differ"
assert r["faces"] >= 8 and r["face_size"] == 128, r
names = [e["name"] for e in r["experiments"]]
assert names == ["faces_x4", "faces_x2", "srcnn_x2"], names
for e in r["experiments"]:
    m = e["mean"]
    cnn, base = e["methods"][2], e["methods"][:2]
    print("%s: %s" % (e["name"], ", ".join("%s %.2f/%.4f" % (k, m[k]["psnr"], m[k]["ssim"]) for k in e["methods"])))
    assert cnn == ("srcnn" if e["name"] == "srcnn_x2" else "espcn"), e["methods"]
    assert e["cnn_wins"] and all(m[cnn]["psnr"] > m[b]["psnr"] and m[cnn]["ssim"] > m[b]["ssim"] for b in base), m
    assert len(e["images"]) == r["faces"], e
    page = open(os.path.join(sys.argv[2], e["name"], "index.html")).read()
    assert page.count("<img ") == r["faces"] * 4, e["name"]
PY
expect_error "demo --job sr with a missing XML" "nope.xml" "$OBSCURA" demo --job sr -o "$work/bad" --faces "$work/nope.xml"
expect_error "demo with an unknown job" "expected hdr, sr or interp" "$OBSCURA" demo --job srgan -o "$work/bad2"
finish
