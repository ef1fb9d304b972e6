"""sr_vs_torch.py — is obscura's SR training loop as good as PyTorch's?

    python3 bench/sr_vs_torch.py BUILD_DIR DATA_DIR [STEPS]

Runs BUILD_DIR/bench/sr_compare (ESPCN x3 on Y, STEPS Adam steps of 16 random
17x17 crops of the photos in DATA_DIR, validation PSNR on 16 fixed 48x48
crops per held-out photo; it also writes the initial weights, every batch
and the validation crops), then trains the same nn.Sequential in PyTorch
from those initial weights on those batches in that order (nn.MSELoss,
torch.optim.Adam defaults, the same threads), and scores it on the same
crops. Prints both validation PSNRs, bicubic's, and the difference; exits 1
when they differ by more than 0.2 dB. torch: benchlib.torch_python (this
python, $OB_TORCH_PYTHON or the .ci/setup venv).
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import THREADS, torch_python  # noqa: E402

PEER = r"""
import json, math, sys
import numpy as np
import torch
import torch.nn as nn
from safetensors.torch import load_file
torch.set_num_threads(int(sys.argv[1]))
d = sys.argv[2]
meta = open(d + "/shapes.txt").read().split()
steps, batch, lr_side, hr_side, n_val = (int(meta[i]) for i in (1, 3, 5, 7, 9))
net = nn.Sequential(nn.Conv2d(1, 64, 5, padding=2), nn.Tanh(), nn.Conv2d(64, 32, 3, padding=1), nn.Tanh(),
                    nn.Conv2d(32, 9, 3, padding=1), nn.PixelShuffle(3))
net.load_state_dict(load_file(d + "/init.safetensors"))
opt = torch.optim.Adam(net.parameters())
lossf = nn.MSELoss()
lr = np.fromfile(d + "/train_lr.f32", dtype=np.float32).reshape(steps, batch, 1, lr_side, lr_side)
hr = np.fromfile(d + "/train_hr.f32", dtype=np.float32).reshape(steps, batch, 1, hr_side, hr_side)
last = 0.0
for k in range(steps):
    opt.zero_grad()
    loss = lossf(net(torch.from_numpy(lr[k])), torch.from_numpy(hr[k]))
    loss.backward()
    opt.step()
    if k >= steps - 50:
        last += loss.item() / min(50, steps)
vl = np.fromfile(d + "/val_lr.f32", dtype=np.float32).reshape(n_val, 1, 48, 48)
vh = np.fromfile(d + "/val_hr.f32", dtype=np.float32).reshape(n_val, 1, 144, 144)
with torch.no_grad():
    se = float(((net(torch.from_numpy(vl)).double() - torch.from_numpy(vh).double()) ** 2).sum())
print(json.dumps({"version": torch.__version__, "val_psnr": 10 * math.log10(vh.size / se), "train_loss_last50": last}))
"""


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[2].strip())
        return 2
    build, data = sys.argv[1], sys.argv[2]
    steps = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
    py = torch_python()
    if not py:
        print("sr_vs_torch: no python with torch found (see bench/benchlib.py); nothing compared")
        return 0
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, OMP_NUM_THREADS=str(THREADS))
        ours = json.loads(subprocess.run([os.path.join(build, "bench", "sr_compare"), data, d, str(steps)], env=env,
                                         check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
        peer = json.loads(subprocess.run([py, "-c", PEER, str(THREADS), d], check=True, capture_output=True,
                                         text=True).stdout.strip().splitlines()[-1])
    diff = ours["val_psnr"] - peer["val_psnr"]
    print(f"ESPCN x3 on Y, {steps} steps of 16 crops from {data}, {THREADS} threads")
    print(f"  validation PSNR: obscura {ours['val_psnr']:.3f} dB, PyTorch {peer['version']} {peer['val_psnr']:.3f} dB "
          f"(difference {diff:+.3f} dB); bicubic {ours['bicubic_psnr']:.3f} dB")
    print(f"  training loss, last 50 steps: obscura {ours['train_loss_last50']:.6f}, "
          f"PyTorch {peer['train_loss_last50']:.6f}")
    return 0 if abs(diff) <= 0.2 else 1


if __name__ == "__main__":
    sys.exit(main())
