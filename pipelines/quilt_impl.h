/* quilt_impl.h — what quilt.c and transfer.c share (internal to pipelines/):
 * buffers where the kernels compute, the patch grid, and the synthesis state
 * one pass of quilting or transfer walks the grid with. */
#ifndef OB_QUILT_IMPL_H
#define OB_QUILT_IMPL_H

#include "ob_quilt.h"

/* A float buffer where the kernels compute (host or device). */
ob_status ob_qbuf_alloc(float **p, ob_location loc, size_t n);
void ob_qbuf_free(float *p, ob_location loc);
/* dst (at k->loc) <- src (host), n floats; waits for the kernels' stream first. */
ob_status ob_qbuf_put(const ob_quilt_kernels *k, float *dst, const float *src, size_t n);
/* dst (host) <- src (at k->loc). */
ob_status ob_qbuf_get(const ob_quilt_kernels *k, float *dst, const float *src, size_t n);

/* Patches along one axis: n patches at k * step; canvas = (n - 1) * step + p >= out. */
typedef struct {
    int nx, ny, step, cw, ch;
} ob_qgrid;
void ob_qgrid_init(ob_qgrid *g, int out_w, int out_h, int p, int step);

/* Checks of an image tensor (host float32 (C, H, W), C in 1..max_c). */
ob_status ob_quilt_check_image(const ob_tensor *t, const char *what, int max_c);
/* patch, overlap (need_overlap), tol against the sample (c, h, w) and output. */
ob_status ob_quilt_check_opts(const ob_quilt_opts *o, int h, int w, int out_w, int out_h, int need_overlap,
                              const char *what);
/* The kernels to run: o->kernels, or the context's (into *store). */
ob_status ob_quilt_pick_kernels(const ob_quilt_kernels **k, ob_quilt_kernels *store, const ob_ctx *ctx,
                                const ob_quilt_opts *o);

/* One pass over the grid. */
typedef struct {
    const ob_quilt_kernels *k;
    int c, h, w;          /* sample (C, H, W) */
    const float *smp;     /* host sample */
    const float *smp_k;   /* the sample where the kernels compute */
    int p, ov, tol, cut;  /* patch, overlap, tol, seam cut (else paste whole) */
    uint64_t seed, pass;  /* Philox seed; pass (draw numbers) */
    ob_qgrid g;
    float *canvas;        /* host (C, g.ch, g.cw) */
    float *templ, *templ_k;   /* (C, p, p) host / at loc */
    float *cost_k;            /* (h - p + 1, w - p + 1) at loc */
    float *err_l, *err_t, *mask; /* (p, ov), (ov, p), (p, p) host */
    int *vpath, *hpath;          /* p each */
} ob_qsynth;

ob_status ob_qsynth_init(ob_qsynth *s, const ob_quilt_kernels *k, const float *smp, const float *smp_k, int c, int h,
                         int w, int out_w, int out_h, int p, int ov, int tol, int cut, uint64_t seed, uint64_t pass);
void ob_qsynth_free(ob_qsynth *s);
/* The overlap template of the patch at canvas (oy, ox) into templ and templ_k. */
ob_status ob_qsynth_template(ob_qsynth *s, int oy, int ox);
/* The overlap SSD surface of the current template into cost_k (strips top, left). */
ob_status ob_qsynth_overlap_ssd(ob_qsynth *s, int ov_top, int ov_left);
/* The draw numbers of patch `n` of this pass. */
uint64_t ob_qsynth_draw(const ob_qsynth *s, int n);
/* Paste the sample's patch at (sy, sx) at canvas (oy, ox), whole or cut along
 * seams through the strips (ov_top, ov_left). */
ob_status ob_qsynth_paste(ob_qsynth *s, int oy, int ox, int sy, int sx, int ov_top, int ov_left);
/* out (C, out_h, out_w) host <- the canvas cropped. */
ob_status ob_qsynth_crop(const ob_qsynth *s, ob_tensor *out, int out_w, int out_h);

#endif
