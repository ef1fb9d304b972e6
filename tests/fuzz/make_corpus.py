"""make_corpus.py — the seed corpus of every harness in tests/fuzz, written
from scratch (valid files of each format, small enough to fuzz fast), so the
committed tests/fuzz/corpus/ can be rebuilt and checked:

    /usr/bin/python3 tests/fuzz/make_corpus.py [OBSCURA]

OBSCURA (default build/obscura) writes the image seeds through obscura's own
writers (PNG 8/16, JPEG, .hdr, PFM, EXR half/float) from a 6x5 gradient it
is given as PFM; everything else is built here byte by byte.
"""
import gzip
import json
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def put(harness, name, data):
    d = os.path.join(CORPUS, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def images(obscura):
    w, h = 6, 5
    px = b"".join(struct.pack("<fff", x / w, y / h, (x + y) / (w + h)) for y in range(h) for x in range(w))
    tmp = os.path.join(CORPUS, "..", "corpus_tmp")
    os.makedirs(tmp, exist_ok=True)
    src = os.path.join(tmp, "src.pfm")
    with open(src, "wb") as f:  # rows bottom to top, as PFM stores them
        rows = [px[y * w * 12:(y + 1) * w * 12] for y in range(h)]
        f.write(b"PF\n%d %d\n-1.0\n" % (w, h) + b"".join(reversed(rows)))
    outs = [("rgb8.png", []), ("rgb16.png", ["--bits", "16"]), ("rgb.jpg", []), ("rgb.hdr", []), ("rgb.pfm", []),
            ("half.exr", ["--bits", "16"]), ("float.exr", [])]
    for name, extra in outs:
        out = os.path.join(tmp, name)
        subprocess.run([obscura, "resize", src, "--scale", "1", "--method", "nearest", "-o", out, "-q"] + extra,
                       check=True)
        put("fuzz_image", name, open(out, "rb").read())
        os.remove(out)
    os.remove(src)
    os.rmdir(tmp)


def safetensors():
    def st(tensors, meta=None):
        header, blob = {}, b""
        for name, dtype, shape, data in tensors:
            header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(blob), len(blob) + len(data)]}
            blob += data
        if meta:
            header["__metadata__"] = meta
        js = json.dumps(header).encode()
        return struct.pack("<Q", len(js)) + js + blob

    f32 = lambda n: struct.pack("<%df" % n, *[i * 0.5 for i in range(n)])
    put("fuzz_safetensors", "template.safetensors",
        st([("conv.weight", "F32", [3, 4], f32(12)), ("conv.bias", "F32", [5], f32(5)),
            ("step", "U8", [4], bytes([1, 2, 3, 4]))], {"format": "pt", "epoch": "3"}))
    put("fuzz_safetensors", "other.safetensors", st([("x", "F16", [2], b"\0\0\0\0")]))


def idx():
    n, r, c = 3, 4, 5
    images = struct.pack(">IIII", 0x803, n, r, c) + bytes(range(n * r * c))
    labels = struct.pack(">II", 0x801, n) + bytes([0, 1, 2])

    def pair(a, b):  # fuzz_idx: byte 0 sets where the images file ends
        total = len(a) + len(b)
        return bytes([round(255 * len(a) / total)]) + a + b

    put("fuzz_idx", "plain.idx", pair(images, labels))
    put("fuzz_idx", "gzip.idx", pair(gzip.compress(images, mtime=0), gzip.compress(labels, mtime=0)))


def cifar():
    put("fuzz_cifar", "two.bin", bytes([3]) + bytes(range(256)) * 12 + bytes([7]) + bytes(3072))


def landmarks():
    pts = b"version: 1\nn_points: 3\n{\n10.5 20.25\n30 40\n50 60\n}\n"
    asf = (b"# IMM\n3\n0 0 0.1 0.2 0 0 1\n0 0 0.3 0.4 0 1 2\n0 0 0.5 0.6 0 2 0\n"
           b"face.jpg\n")
    xml = (b"<?xml version='1.0'?>\n<dataset><images>\n<image file='a.jpg'>\n"
           b"<box top='1' left='2' width='30' height='40'>\n<part name='00' x='5' y='6'/>\n"
           b"<part name='01' x='7' y='8'/>\n</box>\n</image>\n</images></dataset>\n")
    put("fuzz_landmarks", "a.pts", b"\x00" + pts)
    put("fuzz_landmarks", "b.asf", b"\x01" + asf)
    put("fuzz_landmarks", "c.xml", b"\x02" + xml)


def times():
    put("fuzz_times", "file", b"\x00exposure_1.png 1/250\n1_64.png 0.015625\n# comment\nc.jpg 2\n")
    put("fuzz_times", "list", b"\x011/100,0.02,1/25")
    put("fuzz_times", "seconds", b"\x021/4000")
    put("fuzz_times", "name", b"\x03dir/1_1024.png")


def cli():
    # fuzz_cli: byte 0 picks the verb (its index in fuzz_cli.c's table), then NUL-separated arguments
    verbs = ["align-face", "bilateral", "blend", "demo", "denoise", "eval", "faceswap", "fuse", "generate", "hdr",
             "keypoints", "metrics", "nets", "quilt", "resize", "tonemap", "train", "transfer", "upscale", "version"]
    cases = {
        "hdr": ["a.png", "b.png", "--times", "1/100,1/50", "-o", "out", "--bits", "16", "--format", "exr", "--json"],
        "resize": ["in.png", "-o", "o.png", "--size", "640x480", "--method", "bicubic", "--threads", "2"],
        "quilt": ["t.png", "-o", "q.png", "--size", "64x64", "--patch", "9", "--overlap", "3", "--seed", "7"],
        "train": ["classify", "--data", "d", "-o", "r", "--epochs", "3", "--lr", "1e-3", "-v"],
        "version": ["--json", "--device", "cpu"],
    }
    for verb, args in cases.items():
        put("fuzz_cli", verb, bytes([verbs.index(verb)]) + b"\0".join(a.encode() for a in args))


if __name__ == "__main__":
    images(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "build", "obscura"))
    safetensors()
    idx()
    cifar()
    landmarks()
    times()
    cli()
