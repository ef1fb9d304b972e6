#!/usr/bin/env python3
"""Fixtures for tests/test_layers_torch.c: PyTorch's forward and backward of
max/avg/global pooling, batch_norm2d (train for three steps, then eval),
upsample (nearest, bilinear align_corners=False) and spatial softmax /
soft-argmax. Run once with torch (CPU, float32):

    /tmp/torchenv/bin/python tests/golden/make_nets_layers_golden.py

Writes tests/golden/nets/layers_golden.bin: records of
    u32 name length, name (ASCII), u32 ndim, ndim x u32 shape, float32 data
little-endian, in the order below. Inputs and upstream gradients are stored
too, so the C test feeds the same numbers."""
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1234)
torch.set_default_dtype(torch.float32)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nets", "layers_golden.bin")
records = []


def put(name, t):
    records.append((name, t.detach().contiguous().to(torch.float32)))


def fwd_bwd(prefix, fn, x):
    x = x.clone().requires_grad_(True)
    y = fn(x)
    g = torch.randn_like(y)
    y.backward(g)
    put(prefix + ".x", x), put(prefix + ".y", y), put(prefix + ".g", g), put(prefix + ".gx", x.grad)


x = torch.randn(2, 3, 9, 11)
fwd_bwd("maxpool_k3s2p1", lambda t: F.max_pool2d(t, 3, 2, 1), x)
fwd_bwd("maxpool_k2s2p0", lambda t: F.max_pool2d(t, 2, 2, 0), x)
fwd_bwd("avgpool_k3s2p1", lambda t: F.avg_pool2d(t, 3, 2, 1, count_include_pad=True), x)
fwd_bwd("avgpool_k3s1p1", lambda t: F.avg_pool2d(t, 3, 1, 1, count_include_pad=True), x)
fwd_bwd("gap", lambda t: F.adaptive_avg_pool2d(t, 1), x)

xs = torch.randn(2, 3, 5, 7)
for s in (2, 3):
    fwd_bwd(f"up_nearest_s{s}", lambda t: nn.Upsample(scale_factor=s, mode="nearest")(t), xs)
    fwd_bwd(f"up_bilinear_s{s}", lambda t: nn.Upsample(scale_factor=s, mode="bilinear", align_corners=False)(t), xs)

# batch norm: three training steps, then eval
bn = nn.BatchNorm2d(3)
with torch.no_grad():
    bn.weight.copy_(torch.rand(3) + 0.5), bn.bias.copy_(torch.randn(3))
put("bn.weight0", bn.weight), put("bn.bias0", bn.bias)
bn.train()
for step in range(3):
    xb = (torch.randn(4, 3, 5, 7) * (1.0 + step) + step).requires_grad_(True)
    bn.zero_grad()
    y = bn(xb)
    g = torch.randn_like(y)
    y.backward(g)
    p = f"bn.train{step}"
    put(p + ".x", xb), put(p + ".y", y), put(p + ".g", g), put(p + ".gx", xb.grad)
    put(p + ".gw", bn.weight.grad), put(p + ".gb", bn.bias.grad)
put("bn.running_mean", bn.running_mean), put("bn.running_var", bn.running_var)
put("bn.num_batches_tracked", bn.num_batches_tracked.to(torch.float32).reshape(1))
bn.eval()
bn.zero_grad()
xe = torch.randn(3, 3, 5, 7).requires_grad_(True)
y = bn(xe)
g = torch.randn_like(y)
y.backward(g)
put("bn.eval.x", xe), put("bn.eval.y", y), put("bn.eval.g", g), put("bn.eval.gx", xe.grad)
put("bn.eval.gw", bn.weight.grad), put("bn.eval.gb", bn.bias.grad)


# spatial softmax and soft-argmax (x first, pixel and linspace(-1, 1) coordinates)
def spatial_softmax(t):
    n, c, h, w = t.shape
    return F.softmax(t.reshape(n, c, h * w), dim=-1).reshape(n, c, h, w)


def soft_argmax(t, normalized):
    n, c, h, w = t.shape
    p = spatial_softmax(t)
    if normalized:
        xs_, ys_ = torch.linspace(-1, 1, w), torch.linspace(-1, 1, h)
    else:
        xs_, ys_ = torch.arange(w, dtype=torch.float32), torch.arange(h, dtype=torch.float32)
    ex = (p.sum(dim=2) * xs_).sum(dim=-1)
    ey = (p.sum(dim=3) * ys_).sum(dim=-1)
    return torch.stack([ex, ey], dim=-1)


xh = torch.randn(2, 3, 7, 9) * 3
fwd_bwd("ssm", spatial_softmax, xh)
fwd_bwd("sam_pixel", lambda t: soft_argmax(t, False), xh)
fwd_bwd("sam_norm", lambda t: soft_argmax(t, True), xh)

with open(OUT, "wb") as f:
    for name, t in records:
        b = name.encode("ascii")
        f.write(struct.pack("<I", len(b)) + b + struct.pack("<I", t.dim()))
        f.write(struct.pack("<%dI" % t.dim(), *t.shape))
        f.write(t.numpy().astype("<f4").tobytes())
print(f"{OUT}: {len(records)} records, {os.path.getsize(OUT)} bytes")
