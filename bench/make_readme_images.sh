#!/bin/sh
# make_readme_images.sh — regenerate the README's quilting pictures with the CLI:
#   docs/quilt/brick_sample.png                   the sample (scikit-image's brick, 512 -> 256)
#   docs/quilt/brick_{random,simple,cut}.png      320x320 quilts of it, patch 56, overlap 10, tol 3,
#                                                 seed 1 (the seed's side-by-side comparison)
#   docs/quilt/transfer_texture.png               scikit-image's gravel (512 -> 256)
#   docs/quilt/transfer_target.png                scikit-image's camera (512 -> 192)
#   docs/quilt/transfer_result.png                the camera in gravel: patch 15, overlap 3, tol 3,
#                                                 3 passes, seed 1
# usage: bench/make_readme_images.sh [OBSCURA [OUT_DIR]]   (defaults build/obscura, docs/quilt)
# OB_SKIMAGE_DATA overrides the scikit-image data folder.
set -eu
obscura=${1:-build/obscura}
out=${2:-docs/quilt}
sk=${OB_SKIMAGE_DATA:-/usr/lib/python3/dist-packages/skimage/data}
for f in brick gravel camera; do
  [ -r "$sk/$f.png" ] || { echo "make_readme_images: $sk/$f.png missing (set OB_SKIMAGE_DATA)" >&2; exit 1; }
done
mkdir -p "$out"
q="--quiet --device cpu"
"$obscura" resize "$sk/brick.png" -o "$out/brick_sample.png" --size 256x256 $q
for m in random simple cut; do
  "$obscura" quilt "$out/brick_sample.png" -o "$out/brick_$m.png" --size 320x320 --patch 56 --overlap 10 --tol 3 \
    --method $m --seed 1 $q
done
"$obscura" resize "$sk/gravel.png" -o "$out/transfer_texture.png" --size 256x256 $q
"$obscura" resize "$sk/camera.png" -o "$out/transfer_target.png" --size 192x192 $q
"$obscura" transfer "$out/transfer_texture.png" "$out/transfer_target.png" -o "$out/transfer_result.png" \
  --patch 15 --overlap 3 --tol 3 --iterations 3 --seed 1 $q
ls -l "$out"
