#!/usr/bin/env python3
"""make_nets_linalg_golden.py — PyTorch fixtures for tests/test_conv.c and
tests/test_linear.c (conv2d, conv_transpose2d, linear: forward and backward).

Run once with a Python that has torch (CI has none; the outputs are committed):
    /tmp/torchenv/bin/python tests/golden/make_nets_linalg_golden.py

Each case becomes tests/golden/nets/NAME.bin: a sequence of tensors, each
    int32 ndim, int32 shape[ndim], float32 data (row-major), little-endian,
in the order x, weight, bias (ndim 0 when the layer has none), y, grad_out,
grad_x, grad_weight, grad_bias. Inputs are float32 values; the reference
outputs and gradients are computed in float64 from exactly those values and
stored rounded to float32, so they are the truth, not torch's float32 rounding.
The CASES table must match the configurations in the C tests (by name).
"""
import os
import struct

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "nets")

# name: (kind, N, C_in, C_out, H, W, k, stride, pad, dilation, groups, output_padding, bias)
CASES = [
    ("conv2d_basic", "conv2d", 2, 3, 4, 9, 11, 3, 1, 1, 1, 1, 0, True),
    ("conv2d_stride2", "conv2d", 2, 3, 5, 13, 7, 3, 2, 1, 1, 1, 0, True),
    ("conv2d_dil2", "conv2d", 1, 2, 3, 15, 13, 3, 1, 2, 2, 1, 0, True),
    ("conv2d_1x1", "conv2d", 3, 4, 6, 7, 9, 1, 1, 0, 1, 1, 0, False),
    ("conv2d_groups2", "conv2d", 2, 4, 6, 9, 9, 3, 1, 1, 1, 2, 0, True),
    ("conv2d_espcn1", "conv2d", 2, 1, 8, 17, 17, 5, 1, 2, 1, 1, 0, True),
    ("convt_s2_op1", "conv_transpose2d", 2, 4, 3, 5, 7, 3, 2, 1, 1, 1, 1, True),
    ("convt_k4_s2", "conv_transpose2d", 1, 3, 2, 6, 5, 4, 2, 1, 1, 1, 0, True),
    ("convt_g2_d2", "conv_transpose2d", 2, 4, 4, 5, 5, 3, 1, 0, 2, 2, 0, False),
]
# name: (input shape, out_features, bias)
LINEAR = [
    ("linear_basic", (5, 7), 3, True),
    ("linear_flat", (4, 2, 3, 3), 5, False),
]


def put(f, t):
    if t is None:
        f.write(struct.pack("<i", 0))
        return
    t = t.detach().to(torch.float32).contiguous()
    f.write(struct.pack("<i", t.dim()))
    f.write(struct.pack("<%di" % t.dim(), *t.shape))
    f.write(t.numpy().astype("<f4").tobytes())


def write(name, x, w, b, y, gy, gx, gw, gb):
    with open(os.path.join(OUT, name + ".bin"), "wb") as f:
        for t in (x, w, b, y, gy, gx, gw, gb):
            put(f, t)


def f32(*shape, lo=-1.0, hi=1.0):
    """float32 values (then promoted to float64 exactly)."""
    return (torch.rand(*shape, dtype=torch.float32) * (hi - lo) + lo).to(torch.float64)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(20261122)
    for name, kind, n, ci, co, h, w, k, s, p, d, g, op, bias in CASES:
        if kind == "conv2d":
            m = torch.nn.Conv2d(ci, co, k, stride=s, padding=p, dilation=d, groups=g, bias=bias)
        else:
            m = torch.nn.ConvTranspose2d(ci, co, k, stride=s, padding=p, output_padding=op, groups=g,
                                         bias=bias, dilation=d)
        m = m.to(torch.float64)
        with torch.no_grad():  # float32-representable parameters
            m.weight.copy_(m.weight.to(torch.float32).to(torch.float64))
            if bias:
                m.bias.copy_(m.bias.to(torch.float32).to(torch.float64))
        x = f32(n, ci, h, w).requires_grad_(True)
        y = m(x)
        gy = f32(*y.shape)
        y.backward(gy)
        write(name, x, m.weight, m.bias if bias else None, y, gy, x.grad, m.weight.grad,
              m.bias.grad if bias else None)
    for name, shape, out_f, bias in LINEAR:
        in_f = 1
        for v in shape[1:]:
            in_f *= v
        m = torch.nn.Linear(in_f, out_f, bias=bias).to(torch.float64)
        with torch.no_grad():
            m.weight.copy_(m.weight.to(torch.float32).to(torch.float64))
            if bias:
                m.bias.copy_(m.bias.to(torch.float32).to(torch.float64))
        x = f32(*shape).requires_grad_(True)
        y = m(x.flatten(1))
        gy = f32(*y.shape)
        y.backward(gy)
        write(name, x, m.weight, m.bias if bias else None, y, gy, x.grad, m.weight.grad,
              m.bias.grad if bias else None)
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print("wrote %d fixtures, %d bytes, to %s" % (len(CASES) + len(LINEAR), total, OUT))


if __name__ == "__main__":
    main()
