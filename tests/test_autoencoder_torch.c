/* test_autoencoder_torch.c — checkpoint -> PyTorch for the second seed's
 * denoising autoencoders (nets/ob_zoo.h "dae_upsample", "dae_convtranspose")
 * and the VAE ("vae", PyTorch's VAE example, compared at its mean z = mu)
 * and the conditional VAE ("cvae": its packed input split into the image
 * and the one-hot class, which both the encoder and the decoder read):
 * initialised here, saved as safetensors, each loads into the seed's
 * nn.Module (written out below) with load_state_dict(strict=True) and gives
 * the same output in eval mode within 1e-4 (tests/torch_parity.h), at the
 * seed's 1 x 28 x 28 and at an odd multiple of 4 with 3 channels. Needs
 * PyTorch + safetensors in $OB_TORCH_PYTHON; SKIPPED (exit 77) without it. */
#include <stdio.h>
#include <string.h>

#include "ob_layers.h"
#include "ob_test.h"
#include "ob_zoo.h"
#include "torch_parity.h"

static const char *py_script =
    "import sys, numpy as np, torch\n"
    "from torch import nn\n"
    "from safetensors.torch import load_file\n"
    "name, ckpt, xin, yout, n, c, h, w = sys.argv[1:9]\n"
    "n, c, h, w = int(n), int(c), int(h), int(w)\n"
    "class DAE(nn.Module):\n"
    "    def __init__(self, convtranspose):\n"
    "        super().__init__()\n"
    "        self.encoder = nn.Sequential(\n"
    "            nn.Conv2d(c, 32, 3, padding=1), nn.SiLU(),\n"
    "            nn.Conv2d(32, 16, 3, stride=2, padding=1), nn.SiLU(),\n"
    "            nn.Conv2d(16, 8, 3, stride=2, padding=1), nn.SiLU())\n"
    "        if convtranspose:\n"
    "            self.decoder = nn.Sequential(\n"
    "                nn.ConvTranspose2d(8, 16, 3, stride=2, padding=1, output_padding=1), nn.SiLU(),\n"
    "                nn.ConvTranspose2d(16, 32, 3, stride=2, padding=1, output_padding=1), nn.SiLU(),\n"
    "                nn.Conv2d(32, c, 3, padding=1))\n"
    "        else:\n"
    "            self.decoder = nn.Sequential(\n"
    "                nn.Upsample(scale_factor=2), nn.Conv2d(8, 16, 3, padding=1), nn.SiLU(),\n"
    "                nn.Upsample(scale_factor=2), nn.Conv2d(16, 32, 3, padding=1), nn.SiLU(),\n"
    "                nn.Conv2d(32, c, 3, padding=1))\n"
    "    def forward(self, x): return self.decoder(self.encoder(x))\n"
    "class VAE(nn.Module):\n"
    "    def __init__(self, lat):\n"
    "        super().__init__()\n"
    "        self.fc1 = nn.Linear(c * h * w, 400); self.fc21 = nn.Linear(400, lat); self.fc22 = nn.Linear(400, lat)\n"
    "        self.fc3 = nn.Linear(lat, 400); self.fc4 = nn.Linear(400, c * h * w)\n"
    "    def forward(self, x):\n"
    "        h1 = torch.relu(self.fc1(x.view(x.shape[0], -1)))\n"
    "        mu, logvar = self.fc21(h1), self.fc22(h1)\n"
    "        return self.fc4(torch.relu(self.fc3(mu)))  # eval: z = mu (obscura's use_mean)\n"
    "class CVAE(nn.Module):\n"
    "    def __init__(self, lat, k, p):\n"
    "        super().__init__()\n"
    "        self.p = p\n"
    "        self.fc1 = nn.Linear(p + k, 400); self.fc21 = nn.Linear(400, lat); self.fc22 = nn.Linear(400, lat)\n"
    "        self.fc3 = nn.Linear(lat + k, 400); self.fc4 = nn.Linear(400, p)\n"
    "    def forward(self, x):\n"
    "        x = x.view(x.shape[0], -1); img, y = x[:, :self.p], x[:, self.p:]\n"
    "        h1 = torch.relu(self.fc1(torch.cat([img, y], 1)))\n"
    "        mu, logvar = self.fc21(h1), self.fc22(h1)\n"
    "        return self.fc4(torch.relu(self.fc3(torch.cat([mu, y], 1))))\n"
    "if name == 'cvae': net = CVAE(int(sys.argv[9]), int(sys.argv[10]), int(sys.argv[11]))\n"
    "else: net = VAE(int(sys.argv[9])) if name == 'vae' else DAE(name == 'dae_convtranspose')\n"
    "net.load_state_dict(load_file(ckpt), strict=True)\n"
    "net.eval()\n"
    "x = torch.from_numpy(np.fromfile(xin, dtype=np.float32).reshape(n, c, h, w))\n"
    "with torch.no_grad():\n"
    "    net(x).numpy().astype(np.float32).tofile(yout)\n";

static void check(ob_ctx *ctx, const char *py, const char *name, int c, int h, int w, int latent, int classes)
{
    ob_model *m;
    const ob_zoo_opts zo = {.in_channels = c, .height = h, .width = w, .features = latent, .classes = classes};
    const int pixels = c * h * w;
    if (!OB_CHECK_OK(ob_zoo_build(&m, name, &zo))) return;
    OB_CHECK_OK(ob_model_alloc_params(m, OB_HOST));
    OB_CHECK_OK(ob_zoo_init(m, 5));
    for (int i = 0; i < m->n_nodes; i++) /* the VAE at its mean, as the module below computes it */
        if (strcmp(m->layers[i]->ops->kind, "vae_sample") == 0) ob_vae_sample_use_mean(m->layers[i], 1);
    ob_tensor x;
    int64_t xs[4] = {3, c, h, w};
    if (classes) xs[1] = xs[2] = 1, xs[3] = pixels + classes; /* packed: the image, then its one-hot class */
    ob_tensor_alloc(&x, OB_F32, OB_HOST, 4, xs);
    ob_test_fill_uniform(ob_tensor_f32(&x), (size_t)ob_tensor_numel(&x), 17, 0, 1);
    for (int i = 0; i < 3 && classes; i++)
        for (int k = 0; k < classes; k++) ob_tensor_f32(&x)[i * (pixels + classes) + pixels + k] = k == (2 * i + 1) % classes;
    char label[128], extra[48];
    snprintf(label, sizeof label, "%s (%dx%dx%d)", name, c, h, w);
    snprintf(extra, sizeof extra, "%d %d %d", latent, classes, pixels);
    if (ob_test_torch_parity(ctx, py, py_script, name, label, m, &x, extra)) {
        const ob_tensor *y = &m->nodes[m->n_nodes - 1].out;
        if (latent)
            OB_CHECK(y->ndim == 2 && y->shape[1] == pixels, "%s: output shape", label);
        else
            OB_CHECK(y->ndim == 4 && y->shape[1] == c && y->shape[2] == h && y->shape[3] == w, "%s: output shape",
                     label);
    }
    ob_tensor_free(&x);
    ob_model_destroy(m);
}

int main(void)
{
    const char *py = ob_test_torch_python();
    if (!py) ob_test_skip("no PyTorch");
    ob_ctx *ctx;
    if (ob_ctx_create(&ctx, OB_BACKEND_CPU, 0) != OB_OK) return 1;
    check(ctx, py, "dae_upsample", 1, 28, 28, 0, 0);
    check(ctx, py, "dae_convtranspose", 1, 28, 28, 0, 0);
    check(ctx, py, "dae_upsample", 3, 36, 20, 0, 0);
    check(ctx, py, "dae_convtranspose", 3, 36, 20, 0, 0);
    check(ctx, py, "vae", 1, 28, 28, 20, 0);
    check(ctx, py, "vae", 3, 12, 8, 7, 0);
    check(ctx, py, "cvae", 1, 28, 28, 20, 10);
    check(ctx, py, "cvae", 3, 12, 8, 7, 4);
    ob_ctx_destroy(ctx);
    return ob_test_finish();
}
