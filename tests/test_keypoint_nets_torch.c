/* test_keypoint_nets_torch.c — checkpoint -> PyTorch for the first seed's
 * keypoint nets (nets/ob_zoo.h "nose", "face", "resnet18", "resnet50",
 * "unet"): initialised here (batch norm's weights, biases and running
 * statistics set to random values, so eval mode is not the identity), saved
 * as safetensors, each loads into the equivalent nn.Module — torchvision's
 * ResNet layout written out here, so torchvision is not needed — with
 * load_state_dict(strict=True) and gives the same outputs in eval mode
 * within 1e-4 (relative to the largest). Needs PyTorch + safetensors in $OB_TORCH_PYTHON
 * (default /tmp/torchenv/bin/python); SKIPPED (exit 77) without it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_checkpoint.h"
#include "ob_test.h"
#include "torch_parity.h"
#include "ob_zoo.h"

static const char *py_script =
    "import sys, numpy as np, torch\n"
    "from torch import nn\n"
    "from safetensors.torch import load_file\n"
    "name, ckpt, xin, yout, n, c, h, w, k = sys.argv[1:10]\n"
    "n, c, h, w, k = int(n), int(c), int(h), int(w), int(k)\n"
    "class Regressor(nn.Module):\n"
    "    def forward(self, x): return self.head(self.features(x))\n"
    "def regressor(widths, ks, pad, hidden):\n"
    "    layers, ch, hh, ww = [], c, h, w\n"
    "    for wd, kk in zip(widths, ks):\n"
    "        p = kk // 2 if pad else 0\n"
    "        layers += [nn.Conv2d(ch, wd, kk, padding=p), nn.ReLU(), nn.MaxPool2d(2)]\n"
    "        ch, hh, ww = wd, (hh + 2 * p - kk + 1) // 2, (ww + 2 * p - kk + 1) // 2\n"
    "    net = Regressor()\n"
    "    net.features = nn.Sequential(*layers)\n"
    "    net.head = nn.Sequential(nn.Flatten(), nn.Linear(ch * hh * ww, hidden), nn.ReLU(), nn.Linear(hidden, 2 * k))\n"
    "    return net\n"
    
    "class Block(nn.Module):\n"
    "    def __init__(self, cin, planes, stride, bottleneck):\n"
    "        super().__init__()\n"
    "        cout = 4 * planes if bottleneck else planes\n"
    "        if bottleneck:\n"
    "            self.conv1 = nn.Conv2d(cin, planes, 1, bias=False); self.bn1 = nn.BatchNorm2d(planes)\n"
    "            self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False); self.bn2 = nn.BatchNorm2d(planes)\n"
    "            self.conv3 = nn.Conv2d(planes, cout, 1, bias=False); self.bn3 = nn.BatchNorm2d(cout)\n"
    "        else:\n"
    "            self.conv1 = nn.Conv2d(cin, planes, 3, stride, 1, bias=False); self.bn1 = nn.BatchNorm2d(planes)\n"
    "            self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False); self.bn2 = nn.BatchNorm2d(planes)\n"
    "        self.bottleneck = bottleneck\n"
    "        self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout)) \\\n"
    "            if stride != 1 or cin != cout else None\n"
    "    def forward(self, x):\n"
    "        y = torch.relu(self.bn1(self.conv1(x)))\n"
    "        y = self.bn2(self.conv2(y))\n"
    "        if self.bottleneck: y = self.bn3(self.conv3(torch.relu(y)))\n"
    "        return torch.relu(y + (self.downsample(x) if self.downsample is not None else x))\n"
    "class ResNet(nn.Module):\n"
    "    def __init__(self, blocks, bottleneck):\n"
    "        super().__init__()\n"
    "        self.conv1 = nn.Conv2d(c, 64, 7, 2, 3, bias=False); self.bn1 = nn.BatchNorm2d(64)\n"
    "        self.maxpool = nn.MaxPool2d(3, 2, 1)\n"
    "        cin = 64\n"
    "        for i, nb in enumerate(blocks):\n"
    "            planes, layer = 64 << i, []\n"
    "            for b in range(nb):\n"
    "                layer.append(Block(cin, planes, 2 if b == 0 and i > 0 else 1, bottleneck))\n"
    "                cin = 4 * planes if bottleneck else planes\n"
    "            setattr(self, 'layer%d' % (i + 1), nn.Sequential(*layer))\n"
    "        self.avgpool = nn.AdaptiveAvgPool2d(1)\n"
    "        self.fc = nn.Linear(cin, 2 * k)\n"
    "    def forward(self, x):\n"
    "        x = self.maxpool(torch.relu(self.bn1(self.conv1(x))))\n"
    "        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))\n"
    "        return self.fc(torch.flatten(self.avgpool(x), 1))\n"
    "def dconv(ci, d):\n"
    "    return nn.Sequential(nn.Conv2d(ci, d, 3, padding=1, bias=False), nn.BatchNorm2d(d), nn.ReLU(),\n"
    "                         nn.Conv2d(d, d, 3, padding=1, bias=False), nn.BatchNorm2d(d), nn.ReLU())\n"
    "class UNet(nn.Module):\n"
    "    def __init__(self, d):\n"
    "        super().__init__()\n"
    "        self.enc0, self.enc1, self.enc2 = dconv(c, d), dconv(d, d), dconv(d, d)\n"
    "        self.bottleneck = dconv(d, d)\n"
    "        self.dec2, self.dec1, self.dec0 = dconv(2 * d, d), dconv(2 * d, d), dconv(2 * d, d)\n"
    "        self.head = nn.Conv2d(d, k, 1)\n"
    "    def forward(self, x):\n"
    "        up = lambda t: nn.functional.interpolate(t, scale_factor=2, mode='bilinear', align_corners=False)\n"
    "        e0 = self.enc0(x); e1 = self.enc1(nn.functional.max_pool2d(e0, 2))\n"
    "        e2 = self.enc2(nn.functional.max_pool2d(e1, 2))\n"
    "        y = self.bottleneck(nn.functional.max_pool2d(e2, 2))\n"
    "        y = self.dec2(torch.cat([up(y), e2], 1)); y = self.dec1(torch.cat([up(y), e1], 1))\n"
    "        y = self.head(self.dec0(torch.cat([up(y), e0], 1)))\n"
    "        return torch.softmax(y.flatten(2), -1).reshape(y.shape)\n"
    "if name == 'nose': net = regressor([12, 24, 32], [7, 5, 3], False, 128)\n"
    "elif name == 'face': net = regressor([32, 64, 128, 256, 512, 512], [3] * 6, True, 2048)\n"
    "elif name == 'resnet18': net = ResNet([2, 2, 2, 2], False)\n"
    "elif name == 'resnet50': net = ResNet([3, 4, 6, 3], True)\n"
    "else: net = UNet(int(sys.argv[10]))\n"
    "net.load_state_dict(load_file(ckpt), strict=True)\n"
    "net.eval()\n"
    "x = torch.from_numpy(np.fromfile(xin, dtype=np.float32).reshape(n, c, h, w))\n"
    "with torch.no_grad():\n"
    "    net(x).numpy().astype(np.float32).tofile(yout)\n";

/* Batch norm's parameters and running statistics set to random values
 * (variance in [0.5, 1.5]), so its eval-mode transform is not the identity. */
static void randomise_batch_norm(ob_model *m)
{
    for (int i = 0; i < m->n_nodes; i++) {
        ob_layer *l = m->layers[i];
        if (strcmp(l->ops->kind, "batch_norm2d") != 0) continue;
        for (int p = 0; p < l->n_params; p++) {
            ob_param *pr = &l->params[p];
            if (strcmp(pr->name, "num_batches_tracked") == 0) continue;
            const int var = strcmp(pr->name, "running_var") == 0, w = strcmp(pr->name, "weight") == 0;
            ob_test_fill_uniform(ob_tensor_f32(&pr->value), (size_t)ob_tensor_numel(&pr->value),
                                 (uint64_t)(100 + 7 * i + p), var || w ? 0.5f : -0.3f, var || w ? 1.5f : 0.3f);
        }
    }
}

static void check_net(ob_ctx *ctx, const char *py, const char *name, int c, int h, int w, int k, int d)
{
    ob_model *m;
    const ob_zoo_opts zo = {.in_channels = c, .height = h, .width = w, .keypoints = k, .features = d};
    if (!OB_CHECK_OK(ob_zoo_build(&m, name, &zo))) return;
    OB_CHECK_OK(ob_model_alloc_params(m, OB_HOST));
    OB_CHECK_OK(ob_zoo_init(m, 33));
    randomise_batch_norm(m);
    const int n = 2;
    const int64_t xs[4] = {n, c, h, w};
    ob_tensor x;
    ob_tensor_alloc(&x, OB_F32, OB_HOST, 4, xs);
    ob_test_fill_uniform(ob_tensor_f32(&x), (size_t)ob_tensor_numel(&x), 9, -0.5f, 0.5f);
    const int heatmaps = strcmp(name, "unet") == 0;
    const ob_tensor *y = &m->nodes[m->n_nodes - 1].out;
    char label[128], extra[64];
    snprintf(label, sizeof label, "%s (%dx%dx%d, K %d)", name, c, h, w, k);
    snprintf(extra, sizeof extra, "%d %d", k, d);
    if (ob_test_torch_parity(ctx, py, py_script, name, label, m, &x, extra))
        OB_CHECK(y->shape[0] == n && (heatmaps ? y->ndim == 4 && y->shape[1] == k && y->shape[2] == h && y->shape[3] == w
                                               : y->ndim == 2 && y->shape[1] == 2 * k),
                 "%s: output shape", label);
    ob_tensor_free(&x);
    ob_model_destroy(m);
}

int main(void)
{
    const char *py = ob_test_torch_python();
    if (!py) ob_test_skip("no PyTorch");
    ob_ctx *ctx;
    if (ob_ctx_create(&ctx, OB_BACKEND_CPU, 0) != OB_OK) return 1;
    check_net(ctx, py, "nose", 1, 80, 60, 1, 0);
    check_net(ctx, py, "nose", 3, 83, 61, 5, 0); /* odd sizes: the floors of the pools */
    check_net(ctx, py, "face", 1, 180, 240, 58, 0);
    check_net(ctx, py, "resnet18", 1, 224, 224, 68, 0);
    check_net(ctx, py, "resnet18", 3, 97, 75, 5, 0); /* odd sizes: stride-2 floors */
    check_net(ctx, py, "resnet50", 1, 64, 64, 68, 0);
    check_net(ctx, py, "unet", 1, 48, 64, 5, 16);
    ob_ctx_destroy(ctx);
    return ob_test_finish();
}
