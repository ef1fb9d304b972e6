/* hdr_merge.c — the checks every HDR stage shares (times, bins), the merge's
 * parameters, and the tensor-level entry point. */
#include "hdr_merge.h"

#include <stdlib.h>
#include <string.h>

#include "ob_dispatch.h"

ob_status ob_hdr_check_times(const double *times, int n, const char *who)
{
    OB_REQUIRE(n >= 2, "%s: %d exposure(s); an HDR stack needs at least 2", who, n);
    OB_REQUIRE(n <= OB_HDR_MAX_EXPOSURES, "%s: %d exposures (at most %d)", who, n, OB_HDR_MAX_EXPOSURES);
    OB_REQUIRE(times, "%s: no exposure times", who);
    for (int j = 0; j < n; j++) {
        OB_REQUIRE(isfinite(times[j]) && times[j] > 0,
                   "%s: exposure %d has time %g s; times must be finite and > 0", who, j, times[j]);
        for (int k = 0; k < j; k++)
            OB_REQUIRE(times[k] != times[j],
                       "%s: exposures %d and %d have the same time %g s; every exposure needs its own time", who,
                       k, j, times[j]);
    }
    return OB_OK;
}

ob_status ob_hdr_check_bins(int n_bins, const char *who)
{
    OB_REQUIRE(n_bins >= OB_HDR_MIN_BINS && n_bins <= OB_HDR_MAX_BINS,
               "%s: %d response bins (expected %d to %d; 256 for 8-bit images)", who, n_bins, OB_HDR_MIN_BINS,
               OB_HDR_MAX_BINS);
    return OB_OK;
}

ob_status ob_hdr_merge_prepare(ob_hdr_merge_params *p, const double *times, int n_exp, int channels, size_t n,
                               int n_bins)
{
    OB_TRY(ob_hdr_check_times(times, n_exp, "hdr merge"));
    OB_TRY(ob_hdr_check_bins(n_bins, "hdr merge"));
    OB_REQUIRE(channels >= 1 && channels <= 65535, "hdr merge: %d channels (expected 1 to 65535)", channels);
    OB_REQUIRE(n >= 1, "hdr merge: empty images (0 pixels)");
    memset(p, 0, sizeof *p);
    p->n_exp = n_exp, p->channels = channels, p->n_bins = n_bins;
    for (int j = 0; j < n_exp; j++) {
        p->ln_t[j] = (float)log(times[j]);
        if (times[j] < times[p->darkest]) p->darkest = j;
        if (times[j] > times[p->brightest]) p->brightest = j;
    }
    return OB_OK;
}

ob_status ob_hdr_merge(ob_ctx *ctx, ob_tensor *ln_e, const ob_tensor *const *img, const double *times, int n_exp,
                       const float *g, int n_bins)
{
    char s0[64], sj[64];
    OB_REQUIRE(ln_e && img && g, "hdr merge: null argument");
    OB_TRY(ob_hdr_check_times(times, n_exp, "hdr merge"));
    OB_TRY(ob_check_f32(ln_e, "hdr merge: output", ctx, 3));
    const float *planes[OB_HDR_MAX_EXPOSURES];
    for (int j = 0; j < n_exp; j++) {
        OB_REQUIRE(img[j], "hdr merge: exposure %d is missing", j);
        OB_TRY(ob_check_f32(img[j], "hdr merge: exposure", ctx, 3));
        OB_REQUIRE(ob_tensor_same_shape(img[j], ln_e),
                   "hdr merge: exposure %d is %s but exposure 0 / the output is %s (C, H, W); all must match", j,
                   ob_tensor_shape_str(img[j], sj, sizeof sj), ob_tensor_shape_str(ln_e, s0, sizeof s0));
        planes[j] = ob_tensor_f32(img[j]);
    }
    const int c = (int)ln_e->shape[0];
    const size_t n = (size_t)ln_e->shape[1] * (size_t)ln_e->shape[2];
    if (ob_ctx_backend(ctx) == OB_BACKEND_CPU)
        return ob_hdr_merge_cpu(ob_tensor_f32(ln_e), planes, times, n_exp, c, n, g, n_bins);
    /* cuda: g goes to the device for the call; the stream is synchronised
     * before that copy is freed */
    ob_tensor gh, gd = {0};
    int64_t gshape[2] = {c, n_bins};
    OB_TRY(ob_hdr_check_bins(n_bins, "hdr merge"));
    OB_TRY(ob_tensor_wrap(&gh, (void *)g, OB_F32, OB_HOST, 2, gshape));
    OB_TRY(ob_tensor_clone_to(&gd, &gh, OB_DEVICE));
    ob_launch_cfg cfg = ob_ctx_launch_cfg(ctx);
    ob_status st = OB_CUDA_PATH(
        ob_hdr_merge_cuda(ob_tensor_f32(ln_e), planes, times, n_exp, c, n, ob_tensor_f32(&gd), n_bins, &cfg));
    if (st == OB_OK) st = ob_stream_sync(cfg.stream);
    ob_tensor_free(&gd);
    return st;
}
