"""b_keypoints.py — the keypoint nets for bench/run: ours (bench_keypoints) vs
PyTorch CPU, same threads (torch.set_num_threads = OMP_NUM_THREADS).

    run(build_dir) -> [(case, ours_ms, peer_name, peer_ms)]

Cases: resnet18 regression (torchvision's layout, 1-channel stem, fc to 136)
forward in eval mode under torch.no_grad() on 1x224x224 at batch 1 and 32;
one training step of the unet heatmap net (D 64, 1x64x64, 68 heatmaps, batch
8): zero_grad + forward + softmax over H*W + MSELoss(reduction='sum') against
fixed targets + backward + Adam (defaults). The torch modules are written out
below with the module names of nets/ob_zoo.h. Each case runs ROUNDS
interleaved rounds; each side reports the median of its rounds.
Standalone: /usr/bin/python3 bench/b_keypoints.py BUILD_DIR
"""
import os
import sys

from benchlib import interleaved, ours, run_torch, torch_python

ROUNDS = 3

PEER = r"""
import json, sys
import torch
import torch.nn as nn
torch.set_num_threads(int(sys.argv[1]))
case, repeats = json.loads(sys.argv[2])
torch.manual_seed(0)
class Block(nn.Module):
    def __init__(self, cin, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 3, stride, 1, bias=False); self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False); self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = nn.Sequential(nn.Conv2d(cin, planes, 1, stride, bias=False), nn.BatchNorm2d(planes)) \
            if stride != 1 or cin != planes else None
    def forward(self, x):
        y = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(y + (self.downsample(x) if self.downsample is not None else x))
class ResNet18(nn.Module):
    def __init__(self, k):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 64, 7, 2, 3, bias=False); self.bn1 = nn.BatchNorm2d(64)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        layers, cin = [], 64
        for i in range(4):
            planes = 64 << i
            layers.append(nn.Sequential(Block(cin, planes, 2 if i else 1), Block(planes, planes, 1)))
            cin = planes
        self.layer1, self.layer2, self.layer3, self.layer4 = layers
        self.fc = nn.Linear(512, 2 * k)
    def forward(self, x):
        x = self.maxpool(torch.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))
def dconv(ci, d):
    return nn.Sequential(nn.Conv2d(ci, d, 3, padding=1, bias=False), nn.BatchNorm2d(d), nn.ReLU(),
                         nn.Conv2d(d, d, 3, padding=1, bias=False), nn.BatchNorm2d(d), nn.ReLU())
class UNet(nn.Module):
    def __init__(self, d, k):
        super().__init__()
        self.enc0, self.enc1, self.enc2, self.bottleneck = dconv(1, d), dconv(d, d), dconv(d, d), dconv(d, d)
        self.dec2, self.dec1, self.dec0 = dconv(2 * d, d), dconv(2 * d, d), dconv(2 * d, d)
        self.head = nn.Conv2d(d, k, 1)
    def forward(self, x):
        up = lambda t: nn.functional.interpolate(t, scale_factor=2, mode='bilinear', align_corners=False)
        e0 = self.enc0(x); e1 = self.enc1(nn.functional.max_pool2d(e0, 2)); e2 = self.enc2(nn.functional.max_pool2d(e1, 2))
        y = self.bottleneck(nn.functional.max_pool2d(e2, 2))
        y = self.dec2(torch.cat([up(y), e2], 1)); y = self.dec1(torch.cat([up(y), e1], 1))
        y = self.head(self.dec0(torch.cat([up(y), e0], 1)))
        return torch.softmax(y.flatten(2), -1).reshape(y.shape)
g = torch.Generator().manual_seed(12345)
if case == "unet_step":
    model = UNet(64, 68)
    opt = torch.optim.Adam(model.parameters())
    x = torch.rand(8, 1, 64, 64, generator=g)
    t = torch.softmax(torch.rand(8, 68, 64 * 64, generator=g) * 20, -1).reshape(8, 68, 64, 64)
    loss_fn = nn.MSELoss(reduction='sum')
    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), t)
        loss.backward()
        opt.step()
    ms = median_ms(step, repeats, warmup=2)
else:
    model = ResNet18(68).eval()
    x = torch.rand(1 if case == "resnet18_b1" else 32, 1, 224, 224, generator=g)
    with torch.no_grad():
        ms = median_ms(lambda: model(x), repeats, warmup=2)
print(json.dumps({"version": torch.__version__, "ms": ms}))
"""

CASES = [("resnet18_b1", "no_grad"), ("resnet18_b32", "no_grad"), ("unet_step", "CPU")]


def run(build_dir):
    py = torch_python()
    if py is None:
        print("b_keypoints: torch is not importable (here, $OB_TORCH_PYTHON or the .ci/setup venv): no keypoint rows")
        return []
    rows = []
    for case, mode in CASES:
        r = interleaved(ROUNDS, lambda: ours(build_dir, "bench_keypoints", case),
                        lambda repeats, extra, case=case: run_torch(py, PEER, [case, repeats]))
        if r is not None:
            rows.append((r[0], r[1], "torch %s %s" % (r[3], mode), r[2]))
    return rows

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: /usr/bin/python3 bench/b_keypoints.py BUILD_DIR")
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    for case, o, peer_name, peer_ms in run(sys.argv[1]):
        print(f"{case}\t{o:.3f}\t{peer_name}\t{peer_ms:.3f}\t{peer_ms / o:.2f}x")
