/* torch_parity.c — torch_parity.h. */
#include "torch_parity.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_checkpoint.h"
#include "ob_test.h"

int ob_test_torch_parity(ob_ctx *ctx, const char *py, const char *script, const char *name, const char *label,
                         ob_model *m, const ob_tensor *x, const char *extra_args)
{
    const ob_tensor *y;
    if (!OB_CHECK_OK(ob_model_forward(m, ctx, &y, x, 0))) return 0;
    char ckpt[4096], xin[4096], yout[4096], spath[4096], cmd[20000];
    snprintf(cmd, sizeof cmd, "%s_torch.safetensors", name);
    ob_test_path(ckpt, sizeof ckpt, cmd);
    snprintf(cmd, sizeof cmd, "%s_torch_x.f32", name);
    ob_test_path(xin, sizeof xin, cmd);
    snprintf(cmd, sizeof cmd, "%s_torch_y.f32", name);
    ob_test_path(yout, sizeof yout, cmd);
    snprintf(cmd, sizeof cmd, "%s_torch.py", name);
    ob_test_path(spath, sizeof spath, cmd);
    static ob_named_tensor named[1024];
    int nt = 0;
    OB_CHECK_OK(ob_checkpoint_collect(named, 1024, &nt, m->layers, m->prefixes, m->n_nodes));
    OB_CHECK_OK(ob_checkpoint_save(ckpt, named, nt, NULL));
    FILE *f = fopen(xin, "wb");
    if (f) fwrite(x->data, 1, ob_tensor_nbytes(x), f), fclose(f);
    f = fopen(spath, "w");
    if (f) fputs(script, f), fclose(f);
    remove(yout);
    snprintf(cmd, sizeof cmd, "'%s' '%s' %s '%s' '%s' '%s' %lld %lld %lld %lld %s", py, spath, name, ckpt, xin, yout,
             (long long)x->shape[0], (long long)x->shape[1], (long long)x->shape[2], (long long)x->shape[3],
             extra_args ? extra_args : "");
    const int rc = system(cmd);
    OB_CHECK(rc == 0, "python failed (%d): %s", rc, cmd);
    const int64_t want = ob_tensor_numel(y);
    float *ref = calloc((size_t)want, sizeof *ref);
    f = fopen(yout, "rb");
    const size_t got = f && ref ? fread(ref, sizeof(float), (size_t)want, f) : 0;
    if (f) fclose(f);
    OB_CHECK(got == (size_t)want, "%s: torch gave %zu of %lld outputs", label, got, (long long)want);
    int ran = 0;
    if (got == (size_t)want) {
        double scale = 0;
        for (int64_t i = 0; i < want; i++) scale = fmax(scale, fabs(ref[i]));
        char what[256];
        snprintf(what, sizeof what, "%s vs nn.Module with load_state_dict", label);
        ob_test_allclose(what, ob_tensor_f32(y), ref, (size_t)want, 1e-4 * scale, 1e-4);
        ran = 1;
    }
    free(ref);
    return ran;
}
