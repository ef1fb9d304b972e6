/* ob_quilt.h — image quilting and texture transfer (Efros & Freeman 2001, "Image
 * quilting for texture synthesis and transfer"), with the seed's names:
 * quilt_random, quilt_simple, quilt_cut, texture_transfer.
 *
 * Contract
 *   Images are host float32 (C, H, W), C >= 1 (1..4 for texture transfer,
 *   whose correspondence term reads luminance). Outputs are allocated here
 *   (free with ob_tensor_free); on failure nothing is allocated.
 *   Patches are P x P squares on a grid of step P - O (O = overlap; random: step
 *   P, no overlap). The last row and column of patches hang over the output's
 *   edge and are cropped: any output size >= P works.
 *
 *   ob_quilt_random  every patch from a uniform random position of the sample.
 *   ob_quilt_simple  the first patch random (or the sample's upper-left corner
 *                    with first_corner), then each patch chosen by
 *                    kernels/quilt_choose.h among the `tol` positions whose
 *                    masked SSD (kernels/masked_ssd.h) over its overlap with
 *                    what is already placed is lowest — left strip, top strip
 *                    or both (L) — and pasted whole, without a seam.
 *   ob_quilt_cut     the same choice, then the minimum-error boundary cut
 *                    (kernels/seam_dp.h, section 2.1): a vertical seam through
 *                    the left overlap, a horizontal one through the top, the
 *                    two masks ANDed in the corner; pixels left of / above the
 *                    seam keep the old patch.
 *   ob_texture_transfer  section 3: the output has the target's size and the
 *                    sample's channels; N passes, pass i (1-based) with patch
 *                    P_i = P_{i-1} - floor(P_{i-1} / 3) (a third smaller each
 *                    pass, P_1 = P), overlap O_i = max(1, round(O * P_i / P))
 *                    (proportional; < P_i), and
 *                      alpha_i = 0.8 (i - 1) / (N - 1) + 0.1   (N > 1; N = 1: alpha)
 *                      cost = alpha_i (overlap SSD + prev SSD) + (1 - alpha_i) corr
 *                    corr = kernels/transfer_cost.h (blurred luminance of the
 *                    candidate vs the target patch it covers); prev SSD (passes
 *                    i > 1) = SSD of the candidate against the whole patch of the
 *                    previous pass's output at that place (the paper's "matched
 *                    with the previous synthesis"; the previous output is
 *                    edge-extended where a patch hangs over the output).
 *                    Patches are pasted with the seam cut. Every output pixel is
 *                    a sample pixel.
 *
 *   Randomness: only Philox (host/ob_philox.h, stream OB_RNG_STREAM_QUILT),
 *   so the same seed gives the same image on every path. Draw numbers:
 *     choose (quilt_choose.h's `draw`)   (pass << 32) | patch   pass = 0 for
 *                                         quilting, i - 1 for transfer pass i
 *     uniform positions (quilt_random's  OB_QUILT_DRAW_UNIFORM | (pass << 32) | patch,
 *       patches, the first patch of      one ob_philox_below(.., ny * nx) each
 *       simple/cut)                      (ny * nx = candidate positions)
 *   The top bit keeps the two kinds apart; patch < 2^32, pass < 2^31.
 *
 *   Backends: the context's. On cuda the sample (and for transfer the two
 *   luminance maps) are uploaded once and stay on the device; for every patch
 *   the template (C x P x P) goes up and the cost surfaces (masked SSD,
 *   correspondence) are computed and reduced (choose) there — the O(H W P O)
 *   work. The output canvas is assembled on the host: a paste, a seam's error
 *   strip and its DP are O(P^2) per patch, cheaper than the launches they
 *   would take. (Transfer downloads its two surfaces to mix them.)
 *   o->kernels (NULL normally) replaces the context's kernels: tests pass
 *   ob_quilt_kernels filled with the _emu launchers to run the whole pipeline
 *   under cuda-emu (tests/parity_quilt.c).
 *
 * Errors: OB_ERR_ARG, naming the values, for a patch < 2 or larger than the
 * sample, overlap outside 1..P-1 (simple, cut, transfer), an output (or target)
 * smaller than a patch, tol outside 1..OB_QUILT_MAX_TOL, alpha outside [0, 1],
 * iterations outside 1..OB_QUILT_MAX_ITERATIONS, bad image tensors;
 * OB_ERR_NOMEM, OB_ERR_CUDA from below.
 *
 * Example
 *   ob_quilt_opts o;
 *   ob_quilt_opts_init(&o);               // P 31, O 6, tol 3, seed 0
 *   ob_tensor out;
 *   OB_TRY(ob_quilt_cut(ctx, &out, &sample, 512, 512, &o));
 */
#ifndef OB_QUILT_H
#define OB_QUILT_H

#include <stdint.h>

#include "ob_ctx.h"
#include "ob_launch.h"
#include "ob_tensor.h"
#include "seam_dp.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OB_QUILT_MAX_ITERATIONS 16
#define OB_QUILT_DRAW_UNIFORM ((uint64_t)1 << 63)

typedef enum { OB_QUILT_RANDOM = 0, OB_QUILT_SIMPLE = 1, OB_QUILT_CUT = 2 } ob_quilt_method;

/* The kernels a synthesis runs (the hook tests use to force a path). The
 * surface kernels take buffers at `loc` (host or device); the seam kernels
 * always take host buffers. */
typedef struct {
    ob_location loc;
    ob_launch_cfg cfg; /* passed to every call */
    ob_status (*masked_ssd)(float *cost, const float *sample, const float *templ, const float *weights, int c, int h,
                            int w, int th, int tw, int ov_top, int ov_left, const ob_launch_cfg *cfg);
    ob_status (*choose)(int *chosen, const float *cost, int n, int tol, uint64_t seed, uint64_t draw,
                        const ob_launch_cfg *cfg);
    ob_status (*transfer_cost)(float *cost, const float *sample_lum, const float *target_lum, int h, int w, int ht,
                               int wt, int ty, int tx, int p, const ob_launch_cfg *cfg);
    ob_status (*seam_error)(float *e, const float *a, long long a_plane, long long a_row, const float *b,
                            long long b_plane, long long b_row, int c, int rows, int cols, const ob_launch_cfg *cfg);
    ob_status (*seam_dp)(int *path, const float *e, int n, int rows, int cols, ob_seam_dir dir,
                         const ob_launch_cfg *cfg);
    ob_status (*seam_mask)(float *mask, const int *vpath, const int *hpath, int ph, int pw, int ov_left, int ov_top,
                           const ob_launch_cfg *cfg);
} ob_quilt_kernels;

/* The context's kernels: the _cpu paths (host), or the _cuda surface kernels
 * (device) with the _cpu seam kernels. */
ob_status ob_quilt_kernels_for(ob_quilt_kernels *k, const ob_ctx *ctx);
/* The _cpu paths alone (host buffers). */
void ob_quilt_kernels_cpu(ob_quilt_kernels *k);

typedef struct {
    int patch;        /* P, side of the square patches */
    int overlap;      /* O, 1..P-1 (not used by random) */
    int tol;          /* choose among the tol best, 1..OB_QUILT_MAX_TOL */
    uint64_t seed;    /* Philox seed */
    float alpha;      /* transfer with one iteration: weight of the texture terms */
    int iterations;   /* transfer passes N */
    int first_corner; /* 1: the first patch is the sample's upper-left corner (the seed's sanity check) */
    const ob_quilt_kernels *kernels; /* NULL: the context's */
} ob_quilt_opts;

/* P 31, O 6, tol 3, seed 0, alpha 0.5, iterations 1, first patch random. */
void ob_quilt_opts_init(ob_quilt_opts *o);
/* "random" | "simple" | "cut" -> method; OB_ERR_ARG otherwise. */
ob_status ob_quilt_method_parse(ob_quilt_method *m, const char *name);
const char *ob_quilt_method_name(ob_quilt_method m);

/* out (C, out_h, out_w) <- quilted from sample (C, H, W). ctx may be NULL when o->kernels is set. */
ob_status ob_quilt_random(ob_ctx *ctx, ob_tensor *out, const ob_tensor *sample, int out_w, int out_h,
                          const ob_quilt_opts *o);
ob_status ob_quilt_simple(ob_ctx *ctx, ob_tensor *out, const ob_tensor *sample, int out_w, int out_h,
                          const ob_quilt_opts *o);
ob_status ob_quilt_cut(ob_ctx *ctx, ob_tensor *out, const ob_tensor *sample, int out_w, int out_h,
                       const ob_quilt_opts *o);
/* One of the three by method. */
ob_status ob_quilt(ob_ctx *ctx, ob_tensor *out, const ob_tensor *sample, int out_w, int out_h, ob_quilt_method m,
                   const ob_quilt_opts *o);

/* out (C_sample, Ht, Wt) <- the target (C_t, Ht, Wt) rendered in the sample's texture. */
ob_status ob_texture_transfer(ob_ctx *ctx, ob_tensor *out, const ob_tensor *sample, const ob_tensor *target,
                              const ob_quilt_opts *o);

#ifdef __cplusplus
}
#endif
#endif
