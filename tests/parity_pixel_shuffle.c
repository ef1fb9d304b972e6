/* parity_pixel_shuffle.c — pixel_shuffle.cu (emu or real CUDA) vs the CPU path.
 * A permutation must match exactly (atol = rtol = 0), for r = 2, 3, 4, odd
 * sizes, two block sizes, blocks in order and in random order. */
#include <stdio.h>
#include <stdlib.h>

#include "ob_test.h"
#include "pixel_shuffle.h"

static void check(int N, int C, int H, int W, int r, int block, uint64_t order_seed)
{
    size_t total = (size_t)N * C * r * r * H * W;
    float *x = malloc(total * sizeof *x), *ref = malloc(total * sizeof *ref), *got = malloc(total * sizeof *got);
    ob_test_fill_uniform(x, total, (uint64_t)(N * 1000 + H * 10 + r), -2, 2);
    ob_launch_cfg cfg = {block, 0, 0, NULL, NULL};
    ob_gpu_set_random_block_order(order_seed);
    char label[128];

    float *dx = ob_gpu_upload(x, total), *dy = ob_gpu_alloc(total);
    OB_CHECK_OK(ob_pixel_shuffle_cpu(ref, x, N, C, H, W, r));
    OB_CHECK_OK(OB_GPU(ob_pixel_shuffle)(dy, dx, N, C, H, W, r, &cfg));
    ob_gpu_download(got, dy, total);
    snprintf(label, sizeof label, "%s shuffle N%d C%d %dx%d r%d block %d order %llu", ob_gpu_backend_name(), N, C, H,
             W, r, block, (unsigned long long)order_seed);
    ob_test_allclose(label, got, ref, total, 0, 0);

    float *dz = ob_gpu_alloc(total);
    OB_CHECK_OK(ob_pixel_unshuffle_cpu(ref, x, N, C, H, W, r));
    OB_CHECK_OK(OB_GPU(ob_pixel_unshuffle)(dz, dx, N, C, H, W, r, &cfg));
    ob_gpu_download(got, dz, total);
    snprintf(label, sizeof label, "%s unshuffle N%d C%d %dx%d r%d block %d", ob_gpu_backend_name(), N, C, H, W, r,
             block);
    ob_test_allclose(label, got, ref, total, 0, 0);

    ob_gpu_free(dx), ob_gpu_free(dy), ob_gpu_free(dz);
    free(x), free(ref), free(got);
}

int main(void)
{
    OB_GPU_TEST_INIT();
    const int blocks[2] = {128, 96};
    for (int r = 2; r <= 4; r++)
        for (int b = 0; b < 2; b++) {
            check(1, 1, 1, 1, r, blocks[b], 0);
            check(2, 3, 7, 11, r, blocks[b], 0);
            check(1, 2, 17, 9, r, blocks[b], 1234 + r);
        }
    /* a bad block size is refused, not launched */
    ob_launch_cfg odd = {100, 0, 0, NULL, NULL};
    float *d = ob_gpu_alloc(16);
    OB_CHECK_FAILS(OB_GPU(ob_pixel_shuffle)(d, d, 1, 1, 2, 2, 2, &odd), OB_ERR_ARG);
    ob_gpu_free(d);
    return ob_test_finish();
}
