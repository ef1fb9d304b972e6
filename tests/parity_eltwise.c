/* parity_eltwise.c — eltwise.cu (emu or real CUDA) vs the CPU path: the five
 * activations forward and backward, add, dropout (the same Philox mask on both
 * sides), at odd lengths, two block sizes, blocks in order and in random order.
 * Tolerance: |got - ref| <= 1e-6 + 1e-5 |ref| (expf/tanhf may differ by an ulp
 * or two between the device and the host libm; relu, leaky_relu, add and
 * dropout are exact). */
#include <stdio.h>
#include <stdlib.h>

#include "eltwise.h"
#include "ob_test.h"

static void cmp(const char *what, const float *dgot, const float *ref, size_t n, int block, double atol, double rtol)
{
    char label[128];
    float *got = malloc(n * sizeof *got);
    ob_gpu_download(got, dgot, n);
    snprintf(label, sizeof label, "%s %s n=%zu block %d", ob_gpu_backend_name(), what, n, block);
    ob_test_allclose(label, got, ref, n, atol, rtol);
    free(got);
}

static void check(size_t n, int block, uint64_t order)
{
    float *x = malloc(n * sizeof *x), *b = malloc(n * sizeof *b), *g = malloc(n * sizeof *g);
    float *y = malloc(n * sizeof *y), *ref = malloc(n * sizeof *ref);
    ob_test_fill_uniform(x, n, n * 3 + 1, -4, 4);
    ob_test_fill_uniform(b, n, n * 3 + 2, -4, 4);
    ob_test_fill_uniform(g, n, n * 3 + 3, -1, 1);
    ob_launch_cfg cfg = {block, 0, 0, NULL, NULL};
    ob_gpu_set_random_block_order(order);
    float *dx = ob_gpu_upload(x, n), *db = ob_gpu_upload(b, n), *dg = ob_gpu_upload(g, n), *dout = ob_gpu_alloc(n);
    for (int k = 0; k < 5; k++) {
        const int exact = k == OB_ACT_RELU || k == OB_ACT_LEAKY_RELU;
        const double atol = exact ? 0 : 1e-6, rtol = exact ? 0 : 1e-5;
        char what[64];
        OB_CHECK_OK(ob_act_forward_cpu(y, x, (int64_t)n, (ob_act_kind)k, 0.2f));
        OB_CHECK_OK(OB_GPU(ob_act_forward)(dout, dx, (int64_t)n, (ob_act_kind)k, 0.2f, &cfg));
        snprintf(what, sizeof what, "%s forward", ob_act_name((ob_act_kind)k));
        cmp(what, dout, y, n, block, atol, rtol);
        float *dy = ob_gpu_upload(y, n);
        OB_CHECK_OK(ob_act_backward_cpu(ref, g, x, y, (int64_t)n, (ob_act_kind)k, 0.2f));
        OB_CHECK_OK(OB_GPU(ob_act_backward)(dout, dg, dx, dy, (int64_t)n, (ob_act_kind)k, 0.2f, &cfg));
        snprintf(what, sizeof what, "%s backward", ob_act_name((ob_act_kind)k));
        cmp(what, dout, ref, n, block, atol, rtol);
        ob_gpu_free(dy);
    }
    OB_CHECK_OK(ob_add_cpu(ref, x, b, (int64_t)n));
    OB_CHECK_OK(OB_GPU(ob_add)(dout, dx, db, (int64_t)n, &cfg));
    cmp("add", dout, ref, n, block, 0, 0);
    OB_CHECK_OK(ob_dropout_cpu(ref, x, (int64_t)n, 0.4f, 99, 7));
    OB_CHECK_OK(OB_GPU(ob_dropout)(dout, dx, (int64_t)n, 0.4f, 99, 7, &cfg));
    cmp("dropout", dout, ref, n, block, 0, 0);
    /* the step from device memory (a captured graph's): 7 there, 123 in the argument */
    const unsigned long long step7[1] = {7};
    unsigned long long *dstep = (unsigned long long *)ob_gpu_upload((const float *)step7, 2);
    const ob_step_scalars sc = {NULL, dstep, NULL};
    ob_launch_cfg from_dev = cfg;
    from_dev.step = &sc;
    OB_CHECK_OK(OB_GPU(ob_dropout)(dout, dx, (int64_t)n, 0.4f, 99, 123, &from_dev));
    cmp("dropout, step from device memory", dout, ref, n, block, 0, 0);
    ob_gpu_free(dstep);
    ob_gpu_free(dx), ob_gpu_free(db), ob_gpu_free(dg), ob_gpu_free(dout);
    free(x), free(b), free(g), free(y), free(ref);
}

int main(void)
{
    OB_GPU_TEST_INIT();
    const int blocks[2] = {256, 96};
    for (int k = 0; k < 2; k++) {
        check(1, blocks[k], 0);
        check(1001, blocks[k], 0);
        check(70001, blocks[k], 31 + k);
    }
    ob_launch_cfg odd = {100, 0, 0, NULL, NULL};
    float *d = ob_gpu_alloc(16);
    OB_CHECK_FAILS(OB_GPU(ob_add)(d, d, d, 16, &odd), OB_ERR_ARG);
    OB_CHECK_FAILS(OB_GPU(ob_dropout)(d, d, 16, 1.0f, 1, 0, NULL), OB_ERR_ARG);
    ob_gpu_free(d);
    return ob_test_finish();
}
