#!/usr/bin/env bash
# data/sr/train.sh — how the shipped super-resolution weights were made:
# obscura itself, on real photographs from a Debian package (see SOURCES.md
# for the files, authors and licences).
#   espcn_x{2,3,4}_y.safetensors  ESPCN on Y, 90 epochs of 16,000 crops; x3
#                                 on the plasma photos and 13 more from
#                                 Lomiri's wallpapers (the plasma ones alone
#                                 gave +0.99 dB over bicubic on the README's
#                                 photos, these +1.01; 30 epochs more at lr
#                                 1e-4 gave the same +1.01)
#   srcnn_x{2,3,4}_y.safetensors  the SRCNN-style net on Y, 12 epochs of
#                                 16,000 crops of about 33x33 HR pixels (its
#                                 receptive field is 7 pixels; a step costs
#                                 ~10x ESPCN's)
# Every photo is first shrunk to 480 pixels on its longer side (--max-side):
# at full size a wallpaper holds few details per crop, and the shrunk photos
# are closer to what users enlarge (the ESPCN x3 gain over bicubic on the
# README's photos went from +0.62 to +0.90 dB in a 20-epoch trial).
# Usage: data/sr/train.sh BUILD_DIR [NAME...]   (NAME: espcn_x3 srcnn_x2 ...; default all)
set -euo pipefail
build=${1:-build}
shift || true
names=${*:-espcn_x3 srcnn_x2 espcn_x2 espcn_x4 srcnn_x3 srcnn_x4}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download plasma-workspace-wallpapers lomiri-wallpapers-16.04 lomiri-wallpapers-20.04 >/dev/null &&
  for d in *.deb; do dpkg -x "$d" x; done)
w=$work/x/usr/share/wallpapers b=$work/x/usr/share/backgrounds
mkdir -p "$work/photos" "$work/more"
for n in Autumn BytheWater ColdRipple ColorfulCups DarkestHour EveningGlow FallenLeaf Kite OneStandsOut Path summer_1am; do
  ln -s "$w/$n/contents/images/2560x1600.jpg" "$work/photos/$n.jpg"
done
# the last name in sort order is held out for validation (photos: Altai; more: sunset and Altai)
ln -s "$w/Altai/contents/images/5120x2880.png" "$work/photos/zz_Altai.png"
for f in "$work"/photos/*; do ln -s "$(readlink "$f")" "$work/more/$(basename "$f")"; done
for n in Bridge_by_Sander_Klootwijk Dragonfly_by_Bolly Picture_0B_by_freespace Picture_1A_by_freespace \
         Wine_by_Jakkub_Mede aitzgorri_by_Aitzol_Berasategi free_by_Peter_Nerlich friends_by_Aitzol_Berasategi \
         life_by_Aitzol_Berasategi picosdeeuropa_by_Aitzol_Berasategi seeding_by_Clements_Engelhardt \
         sunset_by_Aitzol_Berasategi Kleiber_by_Lukas_Baubkus; do
  ln -s "$b/$n.jpg" "$work/more/$n.jpg"
done
common=(--channels y --max-side 480 --samples 16000 --batch 16 --lr 1e-3 --schedule step
        --gamma 0.1 --seed 0 --device cpu)
for name in $names; do
  model=${name%_x*} r=${name#*_x}
  case $model in
    espcn) opts=(--data "$work/$([ "$r" = 3 ] && echo more || echo photos)" --epochs 90 --step-size 60) ;;
    srcnn) opts=(--data "$work/photos" --epochs 12 --step-size 9 --patch $(( (33 + r - 1) / r ))) ;;
    *) echo "train.sh: unknown $name" >&2; exit 2 ;;
  esac
  "$build/obscura" train sr --model "$model" --scale "$r" "${common[@]}" "${opts[@]}" -o "$work/$name"
  cp "$work/$name/model.safetensors" "$here/${name}_y.safetensors"
done
