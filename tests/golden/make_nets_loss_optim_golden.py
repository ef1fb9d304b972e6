#!/usr/bin/env python3
"""Fixtures for tests/test_loss.c, tests/test_optim.c and tests/test_checkpoint.c,
made with PyTorch (run once; the outputs are committed under tests/golden/nets/):

  loss.txt         inputs, values and gradients of torch's losses
  optim.txt        parameters after a few torch.optim steps on fixed gradients
  sched.txt        StepLR and CosineAnnealingLR learning rates per epoch
  from_safetensors.safetensors  a state dict written by safetensors.torch.save_file

Text format (read by tests/nets_golden.h): records of
  NAME COUNT
  v0 v1 ... (COUNT numbers, %.9g for float32 — exact — or %.17g for float64)
Usage: /tmp/torchenv/bin/python tests/golden/make_nets_loss_optim_golden.py
"""
import math
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nets")


class Records:
    def __init__(self, path):
        self.f = open(path, "w")

    def put(self, name, t, fmt="%.9g"):
        vals = t.detach().reshape(-1).tolist() if isinstance(t, torch.Tensor) else list(t)
        self.f.write("%s %d\n" % (name, len(vals)))
        self.f.write(" ".join(fmt % v for v in vals) + "\n")

    def close(self):
        self.f.close()


def loss_fixtures():
    g = torch.Generator().manual_seed(5)
    r = Records(os.path.join(OUT, "loss.txt"))
    shape = (3, 5, 7)  # odd sizes
    pred = torch.randn(shape, generator=g)
    target = torch.randn(shape, generator=g)
    prob = torch.rand(shape, generator=g)
    logits = 4 * torch.randn(shape, generator=g)
    r.put("pred", pred)
    r.put("target", target)
    r.put("prob", prob)
    r.put("logits", logits)
    for name, fn, a, b in [("mse", F.mse_loss, pred, target), ("l1", F.l1_loss, pred, target),
                           ("bce", F.binary_cross_entropy_with_logits, logits, prob)]:
        for red in ("mean", "sum"):
            x = a.clone().requires_grad_(True)
            loss = fn(x, b, reduction=red)
            loss.backward()
            r.put("%s_%s_loss" % (name, red), [loss.double().item()], "%.17g")
            r.put("%s_%s_grad" % (name, red), x.grad)
    ce_logits = 3 * torch.randn(7, 11, generator=g)
    labels = torch.randint(0, 11, (7,), generator=g)
    r.put("ce_logits", ce_logits)
    r.put("ce_labels", labels.tolist(), "%d")
    for red in ("mean", "sum"):
        x = ce_logits.clone().requires_grad_(True)
        loss = F.cross_entropy(x, labels, reduction=red)
        loss.backward()
        r.put("ce_%s_loss" % red, [loss.double().item()], "%.17g")
        r.put("ce_%s_grad" % red, x.grad)
    mu = torch.randn(5, 9, generator=g)
    logvar = torch.randn(5, 9, generator=g)
    r.put("kl_mu", mu)
    r.put("kl_logvar", logvar)
    for red in ("sum", "mean"):
        m = mu.clone().requires_grad_(True)
        lv = logvar.clone().requires_grad_(True)
        kld = -0.5 * torch.sum(1 + lv - m.pow(2) - lv.exp())
        if red == "mean":
            kld = kld / m.shape[0]
        kld.backward()
        r.put("kl_%s_loss" % red, [kld.double().item()], "%.17g")
        r.put("kl_%s_grad_mu" % red, m.grad)
        r.put("kl_%s_grad_logvar" % red, lv.grad)
    r.close()


def optim_fixtures():
    """Two parameter tensors (odd sizes), STEPS steps on gradients fixed per step."""
    g = torch.Generator().manual_seed(7)
    r = Records(os.path.join(OUT, "optim.txt"))
    STEPS = 5
    p0 = [torch.randn(3, 5, generator=g), torch.randn(7, generator=g)]
    grads = [[torch.randn(p.shape, generator=g) for p in p0] for _ in range(STEPS)]
    r.put("p0", torch.cat([p.reshape(-1) for p in p0]))
    for s in range(STEPS):
        r.put("grad%d" % s, torch.cat([q.reshape(-1) for q in grads[s]]))
    cases = {
        "sgd": lambda ps: torch.optim.SGD(ps, lr=0.1),
        "sgd_momentum": lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, weight_decay=1e-2),
        "sgd_nesterov": lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
        "sgd_dampening": lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.8, dampening=0.3),
        "adam": lambda ps: torch.optim.Adam(ps, lr=1e-2),
        "adam_wd": lambda ps: torch.optim.Adam(ps, lr=3e-3, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1),
        "adamw": lambda ps: torch.optim.AdamW(ps, lr=1e-2, weight_decay=0.05),
    }
    for name, make in cases.items():
        ps = [p.clone().requires_grad_(True) for p in p0]
        opt = make(ps)
        for s in range(STEPS):
            opt.zero_grad()
            for p, q in zip(ps, grads[s]):
                p.grad = q.clone()
            opt.step()
            r.put("%s_step%d" % (name, s), torch.cat([p.detach().reshape(-1) for p in ps]))
    r.close()


def sched_fixtures():
    r = Records(os.path.join(OUT, "sched.txt"))
    for name, make, epochs in [
        ("step", lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=100, gamma=0.1), 350),
        ("step7", lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.5), 40),
        ("cosine", lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=50, eta_min=1e-4), 130),
    ]:
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([p], lr=0.1)
        sch = make(opt)
        lrs = []
        for _ in range(epochs):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sch.step()
        r.put(name, lrs, "%.17g")
    r.close()


def safetensors_fixture():
    from safetensors.torch import save_file
    g = torch.Generator().manual_seed(11)
    sd = {
        "features.0.weight": torch.randn(4, 1, 3, 3, generator=g),
        "features.0.bias": torch.randn(4, generator=g),
        "features.1.running_mean": torch.randn(4, generator=g),
        "classifier.weight": torch.randn(3, 4, generator=g),
        "classifier.bias": torch.randn(3, generator=g),
    }
    save_file(sd, os.path.join(OUT, "from_safetensors.safetensors"), metadata={"epoch": "3", "note": "fixture"})
    r = Records(os.path.join(OUT, "from_safetensors.txt"))
    for k in sorted(sd):
        r.put(k, sd[k])
    r.close()


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    loss_fixtures()
    optim_fixtures()
    sched_fixtures()
    safetensors_fixture()
