/* test_classifier_torch.c — checkpoint -> PyTorch: the seed's classifier
 * (nets/ob_zoo.h), initialised and trained a few steps here, saved as
 * safetensors, loads into the equivalent nn.Module with
 * load_state_dict(strict=True) and gives the same logits within 1e-4
 * (relative to the largest logit). Needs PyTorch + safetensors in
 * $OB_TORCH_PYTHON (default /tmp/torchenv/bin/python); SKIPPED (exit 77) with a
 * message where that interpreter does not exist. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_checkpoint.h"
#include "ob_loss.h"
#include "ob_optim.h"
#include "ob_test.h"
#include "ob_zoo.h"

static const char *py_script =
    "import sys, numpy as np, torch\n"
    "from torch import nn\n"
    "from safetensors.torch import load_file\n"
    "ckpt, xin, yout = sys.argv[1:4]\n"
    "class Classifier(nn.Module):\n"
    "    def __init__(self, c=1, k=10):\n"
    "        super().__init__()\n"
    "        self.features = nn.Sequential(\n"
    "            nn.Conv2d(c, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),\n"
    "            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),\n"
    "            nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))\n"
    "        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(128 * 3 * 3, 128), nn.ReLU(), nn.Linear(128, k))\n"
    "    def forward(self, x):\n"
    "        return self.classifier(self.features(x))\n"
    "net = Classifier()\n"
    "net.load_state_dict(load_file(ckpt), strict=True)\n"
    "x = torch.from_numpy(np.fromfile(xin, dtype=np.float32).reshape(5, 1, 28, 28))\n"
    "with torch.no_grad():\n"
    "    net(x).numpy().astype(np.float32).tofile(yout)\n";

int main(void)
{
    const char *py = ob_test_torch_python();
    if (!py) ob_test_skip("no PyTorch");
    ob_ctx *ctx;
    if (ob_ctx_create(&ctx, OB_BACKEND_CPU, 0) != OB_OK) return 1;
    ob_model *m;
    OB_CHECK_OK(ob_zoo_build(&m, "classifier", NULL));
    OB_CHECK_OK(ob_model_alloc_params(m, OB_HOST));
    OB_CHECK_OK(ob_zoo_init(m, 21));
    int64_t xs[4] = {5, 1, 28, 28};
    ob_tensor x, grad;
    ob_tensor_alloc(&x, OB_F32, OB_HOST, 4, xs);
    ob_test_fill_uniform(ob_tensor_f32(&x), (size_t)ob_tensor_numel(&x), 5, -1, 2);
    /* a few Adam steps, so the weights are no longer the initialiser's */
    ob_optim_cfg oc = ob_optim_defaults(OB_OPTIM_ADAM);
    ob_optim *opt;
    OB_CHECK_OK(ob_optim_create(&opt, &oc, &m->arena, m->layers, m->n_nodes));
    const int32_t labels[5] = {0, 3, 9, 1, 3};
    const ob_tensor *y;
    for (int step = 0; step < 3; step++) {
        double loss;
        OB_CHECK_OK(ob_model_forward(m, ctx, &y, &x, 1));
        if (step == 0) ob_tensor_alloc(&grad, OB_F32, OB_HOST, y->ndim, y->shape);
        OB_CHECK_OK(ob_loss_cross_entropy(ctx, &loss, &grad, y, labels, OB_REDUCE_MEAN));
        OB_CHECK_OK(ob_optim_zero_grad(opt, ctx));
        OB_CHECK_OK(ob_model_backward(m, ctx, &grad, NULL));
        OB_CHECK_OK(ob_optim_step(opt, ctx));
    }
    OB_CHECK_OK(ob_model_forward(m, ctx, &y, &x, 0));

    char ckpt[4096], xin[4096], yout[4096], script[4096], cmd[20000];
    ob_test_path(ckpt, sizeof ckpt, "classifier_torch.safetensors");
    ob_test_path(xin, sizeof xin, "classifier_torch_x.f32");
    ob_test_path(yout, sizeof yout, "classifier_torch_y.f32");
    ob_test_path(script, sizeof script, "classifier_torch.py");
    ob_named_tensor named[64];
    int n = 0;
    OB_CHECK_OK(ob_checkpoint_collect(named, 64, &n, m->layers, m->prefixes, m->n_nodes));
    OB_CHECK_OK(ob_checkpoint_save(ckpt, named, n, "{\"model\": \"classifier\"}"));
    FILE *f = fopen(xin, "wb");
    if (f) fwrite(x.data, 1, ob_tensor_nbytes(&x), f), fclose(f);
    f = fopen(script, "w");
    if (f) fputs(py_script, f), fclose(f);
    remove(yout);
    snprintf(cmd, sizeof cmd, "'%s' '%s' '%s' '%s' '%s'", py, script, ckpt, xin, yout);
    const int rc = system(cmd);
    OB_CHECK(rc == 0, "python failed (%d): %s", rc, cmd);
    float ref[50] = {0};
    f = fopen(yout, "rb");
    const size_t got = f ? fread(ref, sizeof(float), 50, f) : 0;
    if (f) fclose(f);
    OB_CHECK(got == 50 && y->shape[0] == 5 && y->shape[1] == 10, "torch gave (5, 10) logits (%zu values)", got);
    double scale = 0;
    for (int i = 0; i < 50; i++) scale = fmax(scale, fabs(ref[i]));
    ob_test_allclose("classifier logits vs nn.Module with load_state_dict", ob_tensor_f32(y), ref, 50, 1e-4 * scale,
                     1e-4);
    ob_optim_destroy(opt);
    ob_tensor_free(&x), ob_tensor_free(&grad);
    ob_model_destroy(m);
    ob_ctx_destroy(ctx);
    return ob_test_finish();
}
