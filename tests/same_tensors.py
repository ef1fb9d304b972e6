#!/usr/bin/env python3
"""same_tensors.py A.safetensors B.safetensors [C ...] — every later file holds
the same tensors as A, bit for bit (names, shapes, bytes); the metadata (where
timings differ between runs) is ignored. Prints a line per file compared;
exit 1 when any differs. Used by tests/cli_train.sh and bench/gpu_check."""
import json
import struct
import sys


def tensors(path):
    b = open(path, "rb").read()
    n = struct.unpack("<Q", b[:8])[0]
    h = json.loads(b[8:8 + n])
    h.pop("__metadata__", None)
    return {k: (v["shape"], b[8 + n + v["data_offsets"][0]:8 + n + v["data_offsets"][1]]) for k, v in h.items()}


if len(sys.argv) < 3:
    sys.exit("usage: same_tensors.py A.safetensors B.safetensors [C ...]")
ref = tensors(sys.argv[1])
bad = False
for path in sys.argv[2:]:
    other = tensors(path)
    diff = sorted(k for k in ref.keys() | other.keys() if ref.get(k) != other.get(k))
    print(f"  {path}: {len(ref)} tensors, {len(diff)} differ" + (": " + ", ".join(diff[:5]) if diff else ""))
    bad = bad or bool(diff)
sys.exit(1 if bad else 0)
