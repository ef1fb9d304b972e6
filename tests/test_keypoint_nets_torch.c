/* test_keypoint_nets_torch.c — checkpoint -> PyTorch for the first seed's
 * keypoint regressors (nets/ob_zoo.h "nose" and "face"): initialised here,
 * saved as safetensors, each loads into the equivalent nn.Module with
 * load_state_dict(strict=True) and gives the same 2K outputs within 1e-4
 * (relative to the largest). Needs PyTorch + safetensors in $OB_TORCH_PYTHON
 * (default /tmp/torchenv/bin/python); SKIPPED (exit 77) without it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_checkpoint.h"
#include "ob_test.h"
#include "ob_zoo.h"

static const char *py_script =
    "import sys, numpy as np, torch\n"
    "from torch import nn\n"
    "from safetensors.torch import load_file\n"
    "name, ckpt, xin, yout, n, c, h, w, k = sys.argv[1:10]\n"
    "n, c, h, w, k = int(n), int(c), int(h), int(w), int(k)\n"
    "def regressor(widths, ks, pad, hidden):\n"
    "    layers, ch, hh, ww = [], c, h, w\n"
    "    for wd, kk in zip(widths, ks):\n"
    "        p = kk // 2 if pad else 0\n"
    "        layers += [nn.Conv2d(ch, wd, kk, padding=p), nn.ReLU(), nn.MaxPool2d(2)]\n"
    "        ch, hh, ww = wd, (hh + 2 * p - kk + 1) // 2, (ww + 2 * p - kk + 1) // 2\n"
    "    net = nn.Module()\n"
    "    net.features = nn.Sequential(*layers)\n"
    "    net.head = nn.Sequential(nn.Flatten(), nn.Linear(ch * hh * ww, hidden), nn.ReLU(), nn.Linear(hidden, 2 * k))\n"
    "    return net\n"
    "net = regressor([12, 24, 32], [7, 5, 3], False, 128) if name == 'nose' else \\\n"
    "      regressor([32, 64, 128, 256, 512, 512], [3] * 6, True, 2048)\n"
    "net.load_state_dict(load_file(ckpt), strict=True)\n"
    "x = torch.from_numpy(np.fromfile(xin, dtype=np.float32).reshape(n, c, h, w))\n"
    "with torch.no_grad():\n"
    "    net.head(net.features(x)).numpy().astype(np.float32).tofile(yout)\n";

static void check_net(ob_ctx *ctx, const char *py, const char *name, int c, int h, int w, int k)
{
    ob_model *m;
    const ob_zoo_opts zo = {.in_channels = c, .height = h, .width = w, .keypoints = k};
    if (!OB_CHECK_OK(ob_zoo_build(&m, name, &zo))) return;
    OB_CHECK_OK(ob_model_alloc_params(m, OB_HOST));
    OB_CHECK_OK(ob_zoo_init(m, 33));
    const int n = 2;
    const int64_t xs[4] = {n, c, h, w};
    ob_tensor x;
    ob_tensor_alloc(&x, OB_F32, OB_HOST, 4, xs);
    ob_test_fill_uniform(ob_tensor_f32(&x), (size_t)ob_tensor_numel(&x), 9, -0.5f, 0.5f);
    const ob_tensor *y;
    OB_CHECK_OK(ob_model_forward(m, ctx, &y, &x, 0));
    char ckpt[4096], xin[4096], yout[4096], script[4096], cmd[20000];
    snprintf(cmd, sizeof cmd, "%s_torch.safetensors", name);
    ob_test_path(ckpt, sizeof ckpt, cmd);
    snprintf(cmd, sizeof cmd, "%s_torch_x.f32", name);
    ob_test_path(xin, sizeof xin, cmd);
    snprintf(cmd, sizeof cmd, "%s_torch_y.f32", name);
    ob_test_path(yout, sizeof yout, cmd);
    ob_test_path(script, sizeof script, "keypoint_nets_torch.py");
    ob_named_tensor named[64];
    int nt = 0;
    OB_CHECK_OK(ob_checkpoint_collect(named, 64, &nt, m->layers, m->prefixes, m->n_nodes));
    OB_CHECK_OK(ob_checkpoint_save(ckpt, named, nt, NULL));
    FILE *f = fopen(xin, "wb");
    if (f) fwrite(x.data, 1, ob_tensor_nbytes(&x), f), fclose(f);
    f = fopen(script, "w");
    if (f) fputs(py_script, f), fclose(f);
    remove(yout);
    snprintf(cmd, sizeof cmd, "'%s' '%s' %s '%s' '%s' '%s' %d %d %d %d %d", py, script, name, ckpt, xin, yout, n, c, h,
             w, k);
    const int rc = system(cmd);
    OB_CHECK(rc == 0, "python failed (%d): %s", rc, cmd);
    const int64_t want = (int64_t)n * 2 * k;
    float *ref = calloc((size_t)want, sizeof *ref);
    f = fopen(yout, "rb");
    const size_t got = f && ref ? fread(ref, sizeof(float), (size_t)want, f) : 0;
    if (f) fclose(f);
    OB_CHECK(got == (size_t)want && y->ndim == 2 && y->shape[0] == n && y->shape[1] == 2 * k,
             "%s: torch gave (%d, %d) outputs (%zu values)", name, n, 2 * k, got);
    if (got == (size_t)want) {
        double scale = 0;
        for (int64_t i = 0; i < want; i++) scale = fmax(scale, fabs(ref[i]));
        char what[128];
        snprintf(what, sizeof what, "%s (%dx%dx%d, K %d) vs nn.Module with load_state_dict", name, c, h, w, k);
        ob_test_allclose(what, ob_tensor_f32(y), ref, (size_t)want, 1e-4 * scale, 1e-4);
    }
    free(ref);
    ob_tensor_free(&x);
    ob_model_destroy(m);
}

int main(void)
{
    const char *py = ob_test_torch_python();
    if (!py) ob_test_skip("no PyTorch");
    ob_ctx *ctx;
    if (ob_ctx_create(&ctx, OB_BACKEND_CPU, 0) != OB_OK) return 1;
    check_net(ctx, py, "nose", 1, 80, 60, 1);
    check_net(ctx, py, "nose", 3, 83, 61, 5); /* odd sizes: the floors of the pools */
    check_net(ctx, py, "face", 1, 180, 240, 58);
    ob_ctx_destroy(ctx);
    return ob_test_finish();
}
