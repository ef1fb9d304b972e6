#!/usr/bin/env bash
# data/sr/train.sh — how the shipped ESPCN weights (espcn_x{2,3,4}_y.safetensors)
# were made: obscura itself, on real photographs from a Debian package (see
# SOURCES.md for the files, authors and licences). Usage: data/sr/train.sh BUILD_DIR
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download plasma-workspace-wallpapers >/dev/null && dpkg -x plasma-workspace-wallpapers_*.deb x)
w=$work/x/usr/share/wallpapers
mkdir -p "$work/photos"
for n in Autumn BytheWater ColdRipple ColorfulCups DarkestHour EveningGlow FallenLeaf Kite OneStandsOut Path summer_1am; do
  ln -s "$w/$n/contents/images/2560x1600.jpg" "$work/photos/$n.jpg"
done
# the last name in sort order is held out for validation
ln -s "$w/Altai/contents/images/5120x2880.png" "$work/photos/zz_Altai.png"
for r in 2 3 4; do
  "$build/obscura" train sr --model espcn --scale $r --channels y --data "$work/photos" -o "$work/x$r" \
    --epochs 90 --samples 16000 --batch 16 --lr 1e-3 --schedule step --step-size 60 --gamma 0.1 --seed 0 --device cpu
  cp "$work/x$r/model.safetensors" "$here/espcn_x${r}_y.safetensors"
done
