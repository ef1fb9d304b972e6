/* emu_shim_atomics.cc — atomics under cuda-emu, from many blocks in random order:
 * an int histogram, unsigned / 64-bit / float / double sums, min and max (int,
 * unsigned, float), CAS claiming a slot once, Exch, Sub, Inc wrapping — all
 * against CPU results. */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>

#include "ob_cuda_kernel.h"
#include "ob_test.h"

enum { BINS = 17 };

struct Acc {
    int hist[BINS];
    unsigned usum;
    unsigned long long big;
    float fsum, fmin, fmax;
    double dsum;
    int imin, imax;
    unsigned umax;
    int claimed_by, claims, sub;
    unsigned inc;
    float exch;
};

__global__ void accumulate(Acc *acc, const float *x, int n)
{
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const float v = x[i];
    const int iv = (int)(v * 1000.0f);
    atomicAdd(&acc->hist[((iv % BINS) + BINS) % BINS], 1);
    atomicAdd(&acc->usum, (unsigned)(i & 7));
    atomicAdd(&acc->big, 1ull << 33);
    atomicAdd(&acc->fsum, 1.0f);
    atomicAdd(&acc->dsum, (double)v);
    atomicMin(&acc->imin, iv);
    atomicMax(&acc->imax, iv);
    atomicMax(&acc->umax, (unsigned)i);
    atomicMin(&acc->fmin, v);
    atomicMax(&acc->fmax, v);
    if (atomicCAS(&acc->claimed_by, -1, i) == -1) atomicAdd(&acc->claims, 1);
    atomicSub(&acc->sub, 2);
    atomicInc(&acc->inc, 9u); /* counts 0..9 then wraps to 0 */
    atomicExch(&acc->exch, v);
}

int main(void)
{
    const int n = 10007;
    float *x = (float *)malloc(n * sizeof(float));
    ob_test_fill_uniform(x, n, 99, -3.0f, 3.0f);
    Acc ref = {}, host = {}, *acc = &host;
    const float *cx = x;
    ref.fmin = FLT_MAX, ref.fmax = -FLT_MAX, ref.imin = 1 << 30, ref.imax = -(1 << 30), ref.claimed_by = -1;
    double dsum = 0;
    for (int i = 0; i < n; i++) {
        const int iv = (int)(x[i] * 1000.0f);
        ref.hist[((iv % BINS) + BINS) % BINS]++;
        ref.usum += (unsigned)(i & 7);
        ref.big += 1ull << 33;
        dsum += x[i];
        ref.imin = iv < ref.imin ? iv : ref.imin, ref.imax = iv > ref.imax ? iv : ref.imax;
        ref.fmin = x[i] < ref.fmin ? x[i] : ref.fmin, ref.fmax = x[i] > ref.fmax ? x[i] : ref.fmax;
    }
    for (uint64_t order = 0; order < 3; order++) {
        host = Acc{};
        host.fmin = FLT_MAX, host.fmax = -FLT_MAX, host.imin = 1 << 30, host.imax = -(1 << 30), host.claimed_by = -1;
        host.exch = -100.0f;
        ob_emu_set_block_order(order * 1234567);
        OB_LAUNCH(accumulate, ob_ceil_div(n, 128), 128, 0, 0, acc, cx, n);
        OB_CHECK(cudaGetLastError() == cudaSuccess, "launch: %s", ob_emu_last_diagnostic());
        int bad = 0;
        for (int b = 0; b < BINS; b++) bad += host.hist[b] != ref.hist[b];
        OB_CHECK(bad == 0, "order %llu: histogram bins wrong: %d", (unsigned long long)order, bad);
        OB_CHECK(host.usum == ref.usum, "unsigned sum %u vs %u", host.usum, ref.usum);
        OB_CHECK(host.big == ref.big, "64-bit sum %llu vs %llu", host.big, ref.big);
        OB_CHECK(host.fsum == (float)n, "float sum of ones %.1f", host.fsum);
        OB_CHECK(host.dsum - dsum < 1e-9 && dsum - host.dsum < 1e-9, "double sum %.12f vs %.12f", host.dsum, dsum);
        OB_CHECK(host.imin == ref.imin && host.imax == ref.imax, "int min/max %d %d vs %d %d", host.imin, host.imax,
                 ref.imin, ref.imax);
        OB_CHECK(host.umax == (unsigned)(n - 1), "unsigned max %u", host.umax);
        OB_CHECK(host.fmin == ref.fmin && host.fmax == ref.fmax, "float min/max");
        OB_CHECK(host.claims == 1 && host.claimed_by >= 0 && host.claimed_by < n, "CAS claims once (%d, by %d)",
                 host.claims, host.claimed_by);
        OB_CHECK(host.sub == -2 * n, "atomicSub %d", host.sub);
        OB_CHECK(host.inc == (unsigned)(n % 10), "atomicInc wraps: %u vs %d", host.inc, n % 10);
        int found = 0;
        for (int i = 0; i < n && !found; i++) found = host.exch == x[i];
        OB_CHECK(found, "atomicExch leaves one of the stored values");
    }
    ob_emu_set_block_order(0);
    free(x);
    return ob_test_finish();
}
