"""b_classifier.py — the classifier's training throughput for bench/run: ours
(bench_classifier) vs PyTorch CPU.

    run(build_dir) -> [(case, ours_ms, peer_name, peer_ms)]

One training step of the seed's classifier on a batch of 64 1x28x28 images:
zero_grad + forward + nn.CrossEntropyLoss + backward + torch.optim.Adam
(defaults), the torch model being
    features = Sequential(Conv2d(1, 32, 3, padding=1), ReLU(), MaxPool2d(2),
                          Conv2d(32, 64, 3, padding=1), ReLU(), MaxPool2d(2),
                          Conv2d(64, 128, 3, padding=1), ReLU(), MaxPool2d(2))
    classifier = Sequential(Flatten(), Linear(1152, 128), ReLU(), Linear(128, 10))
with torch.set_num_threads(THREADS), the count ours gets as OMP_NUM_THREADS.
Images/s is 64 / the step time, so the speedup of the step is the speedup in
images/s. The sides run in ROUNDS interleaved rounds and each reports the median
of its rounds (the shared machine drifts between minutes).
Standalone: /usr/bin/python3 bench/b_classifier.py BUILD_DIR
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
n, repeats = json.loads(sys.argv[2])
torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(128 * 3 * 3, 128), nn.ReLU(), nn.Linear(128, 10))
opt = torch.optim.Adam(model.parameters())
loss_fn = nn.CrossEntropyLoss()
g = torch.Generator().manual_seed(12345)
x = torch.rand(n, 1, 28, 28, generator=g)
t = torch.randint(0, 10, (n,), generator=g)
def step():
    opt.zero_grad()
    loss = loss_fn(model(x), t)
    loss.backward()
    opt.step()
print(json.dumps({"version": torch.__version__, "ms": median_ms(step, repeats, warmup=3)}))
"""


def run(build_dir):
    py = torch_python()
    if py is None:
        print("b_classifier: torch is not importable (here, $OB_TORCH_PYTHON or the .ci/setup venv): no classifier row")
        return []
    r = interleaved(ROUNDS, lambda: ours(build_dir, "bench_classifier"),
                    lambda repeats, extra: run_torch(py, PEER, [64, repeats]))
    if r is None:
        return []
    return [("classifier_train_step_b64_28x28 (images/s: 64000/ms)", r[1], "torch %s CPU" % r[3], r[2])]

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: /usr/bin/python3 bench/b_classifier.py BUILD_DIR")
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    for case, o, peer_name, peer_ms in run(sys.argv[1]):
        print(f"{case}\t{o:.3f}\t{peer_name}\t{peer_ms:.3f}\t{peer_ms / o:.2f}x")
