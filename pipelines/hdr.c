/* hdr.c — the HDR pipeline's stages (ob_hdr.h). */
#include "ob_hdr.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ob_atomic_file.h"
#include "ob_hdr_report.h"
#include "ob_hdr_times.h"
#include "ob_image_io.h"
#include "ob_json.h"
#include "ob_log.h"

const char *const ob_hdr_output_names[7] = {"radiance.hdr",      "response.csv", "response.svg", "global_scale.png",
                                            "global_simple.png", "durand.png",   "summary.json"};

void ob_hdr_opts_init(ob_hdr_opts *o)
{
    memset(o, 0, sizeof *o);
    o->response = ob_response_opts_default();
    o->align_levels = 6;
    ob_tonemap_opts_init(&o->durand, OB_TONEMAP_DURAND);
    o->key = OB_TONEMAP_DEFAULT_KEY;
}

void ob_hdr_scene_free(ob_hdr_scene *s)
{
    for (int i = 0; i < OB_HDR_MAX_INPUTS; i++) {
        free(s->paths[i]);
        ob_tensor_free(&s->images[i]);
    }
    free(s->g);
    ob_tensor_free(&s->radiance);
    for (int k = 0; k < 3; k++) ob_tensor_free(&s->display[k]);
    memset(s, 0, sizeof *s);
}

/* ---- load ----------------------------------------------------------------- */

static ob_status load_image(ob_hdr_scene *s, int i, const char *path)
{
    ob_image_info info;
    OB_TRY(ob_image_read(&s->images[i], &info, path));
    OB_REQUIRE(info.bit_depth == 8 || info.bit_depth == 16,
               "%s is a %s file: HDR merges 8- or 16-bit exposures (it is already a radiance map?)", path,
               ob_image_format_name(info.format));
    if (s->images[i].shape[0] == 2 || s->images[i].shape[0] == 4) s->images[i].shape[0]--; /* planar: drop alpha */
    const int c = (int)s->images[i].shape[0], h = (int)s->images[i].shape[1], w = (int)s->images[i].shape[2];
    if (i == 0) {
        s->channels = c, s->height = h, s->width = w, s->bit_depth = info.bit_depth;
        return OB_OK;
    }
    OB_REQUIRE(info.bit_depth == s->bit_depth, "mixed bit depths: %s is %d-bit, %s is %d-bit", s->paths[0],
               s->bit_depth, path, info.bit_depth);
    OB_REQUIRE(w == s->width && h == s->height, "images differ in size: %s is %dx%d, %s is %dx%d", s->paths[0],
               s->width, s->height, path, w, h);
    OB_REQUIRE(c == s->channels, "images differ in channels: %s has %d, %s has %d", s->paths[0], s->channels, path, c);
    return OB_OK;
}

ob_status ob_hdr_load(ob_hdr_scene *s, const char *const *paths, int n, const char *times_list, const char *times_file)
{
    memset(s, 0, sizeof *s);
    OB_REQUIRE(n >= 2, "HDR needs at least 2 exposures, got %d", n);
    OB_REQUIRE(n <= OB_HDR_MAX_INPUTS, "at most %d exposures, got %d", OB_HDR_MAX_INPUTS, n);
    double t0 = ob_now_seconds();
    s->n = n;
    for (int i = 0; i < n; i++)
        if (!(s->paths[i] = strdup(paths[i]))) return OB_FAIL(OB_ERR_NOMEM, "out of memory");
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            OB_REQUIRE(strcmp(paths[i], paths[j]) != 0, "%s is given twice", paths[i]);
    OB_TRY(ob_exposure_times(s->times, paths, n, times_list, times_file, s->times_source, sizeof s->times_source));
    for (int i = 0; i < n; i++) OB_TRY(load_image(s, i, paths[i]));
    s->t_load = ob_now_seconds() - t0;
    return OB_OK;
}

/* ---- compute -------------------------------------------------------------- */

/* The exposure with the median time: the alignment reference. */
static int middle_exposure(const double *times, int n)
{
    int best = 0, best_rank_gap = n;
    for (int i = 0; i < n; i++) {
        int below = 0;
        for (int j = 0; j < n; j++) below += times[j] < times[i];
        int gap = abs(2 * below - (n - 1));
        if (gap < best_rank_gap) best_rank_gap = gap, best = i;
    }
    return best;
}

static ob_status align_stack(ob_hdr_scene *s, const ob_hdr_opts *o)
{
    const ob_tensor *ptrs[OB_HDR_MAX_INPUTS];
    for (int i = 0; i < s->n; i++) ptrs[i] = &s->images[i];
    const int ref = middle_exposure(s->times, s->n);
    OB_TRY(ob_mtb_align(s->shifts, ptrs, s->n, ref, o->align_levels));
    for (int i = 0; i < s->n; i++) {
        if (s->shifts[i].dx == 0 && s->shifts[i].dy == 0) continue;
        ob_tensor moved;
        OB_TRY(ob_apply_shift(&moved, &s->images[i], s->shifts[i]));
        ob_tensor_free(&s->images[i]);
        s->images[i] = moved;
        ob_log_verbose("align: %s shifted by (%d, %d)", s->paths[i], s->shifts[i].dx, s->shifts[i].dy);
    }
    return OB_OK;
}

/* log2(max / min positive) of the radiance's intensity (20R + 40G + B)/61. */
static double dynamic_range(const ob_tensor *e)
{
    const int c = (int)e->shape[0];
    const size_t n = (size_t)e->shape[1] * e->shape[2];
    const float *p = ob_tensor_f32(e);
    double lo = INFINITY, hi = 0;
    for (size_t i = 0; i < n; i++) {
        double v = c >= 3 ? (20.0 * p[i] + 40.0 * p[n + i] + p[2 * n + i]) / 61.0 : p[i];
        if (v > 0 && v < lo) lo = v;
        if (v > hi) hi = v;
    }
    return hi > 0 && isfinite(lo) ? log2(hi / lo) : 0.0;
}

ob_status ob_hdr_compute(ob_ctx *ctx, ob_hdr_scene *s, const ob_hdr_opts *o)
{
    s->backend = ob_backend_name(ob_ctx_backend(ctx));
    double t0 = ob_now_seconds();
    if (o->align) OB_TRY(align_stack(s, o));
    s->t_align = ob_now_seconds() - t0;

    const ob_tensor *ptrs[OB_HDR_MAX_INPUTS];
    for (int i = 0; i < s->n; i++) ptrs[i] = &s->images[i];
    s->n_bins = o->response.n_bins;
    s->g = malloc(sizeof(float) * (size_t)s->channels * (size_t)s->n_bins);
    if (!s->g) return OB_FAIL(OB_ERR_NOMEM, "out of memory");
    t0 = ob_now_seconds();
    OB_TRY(ob_response_recover(ctx, s->g, ptrs, s->times, s->n, &o->response));
    s->t_calibrate = ob_now_seconds() - t0;

    t0 = ob_now_seconds();
    OB_TRY(ob_radiance_merge(ctx, &s->radiance, ptrs, s->times, s->n, s->g, s->n_bins));
    float *e = ob_tensor_f32(&s->radiance);
    for (int64_t i = 0; i < ob_tensor_numel(&s->radiance); i++) e[i] = expf(e[i]);
    s->t_merge = ob_now_seconds() - t0;
    s->dynamic_range_stops = dynamic_range(&s->radiance);

    for (int k = 0; k < 3; k++) {
        ob_tonemap_opts t = o->durand;
        t.op = (ob_tonemap_op)k;
        t.key = o->key;
        ob_tonemap_report rep;
        memset(&rep, 0, sizeof rep);
        t0 = ob_now_seconds();
        OB_TRY(ob_image_tonemap(ctx, &s->display[k], &s->radiance, &t, &rep));
        s->t_tonemap[k] = ob_now_seconds() - t0;
        if (k == OB_TONEMAP_DURAND) s->sigma_s_used = rep.sigma_s;
        ob_tonemap_report_free(&rep);
    }
    return OB_OK;
}

/* ---- save ----------------------------------------------------------------- */

typedef struct {
    const ob_hdr_scene *s;
    const ob_hdr_opts *o;
} summary_ctx;

static ob_status write_summary(FILE *f, void *user)
{
    const summary_ctx *c = user;
    const ob_hdr_scene *s = c->s;
    const ob_hdr_opts *o = c->o;
    fprintf(f, "{\n  \"inputs\": [");
    for (int i = 0; i < s->n; i++) {
        fprintf(f, "%s\n    {\"path\": ", i ? "," : "");
        ob_json_string(f, s->paths[i]);
        fprintf(f, ", \"seconds\": %.10g, \"shift\": [%d, %d]}", s->times[i], s->shifts[i].dx, s->shifts[i].dy);
    }
    fprintf(f, "\n  ],\n  \"times_from\": ");
    ob_json_string(f, s->times_source);
    fprintf(f, ",\n  \"size\": [%d, %d],\n  \"channels\": %d,\n  \"bit_depth\": %d,\n", s->width, s->height,
            s->channels, s->bit_depth);
    fprintf(f, "  \"lambda\": %.10g,\n  \"samples\": %d,\n  \"seed\": %llu,\n  \"bins\": %d,\n  \"aligned\": %s,\n",
            o->response.lambda, o->response.samples, (unsigned long long)o->response.seed, s->n_bins,
            o->align ? "true" : "false");
    fprintf(f, "  \"dynamic_range_stops\": %.4f,\n", s->dynamic_range_stops);
    fprintf(f, "  \"tonemap\": {\"gamma\": %.6g, \"key\": %.6g, \"sigma_s\": %.6g, \"sigma_r\": %.6g, \"stops\": %.6g, "
               "\"bilateral\": \"%s\"},\n",
            o->durand.gamma, o->key, s->sigma_s_used, o->durand.sigma_r, o->durand.stops,
            ob_bilateral_method_name(o->durand.bilateral));
    fprintf(f, "  \"seconds\": {\"load\": %.6f, \"align\": %.6f, \"calibrate\": %.6f, \"merge\": %.6f, "
               "\"global_scale\": %.6f, \"global_simple\": %.6f, \"durand\": %.6f, \"save\": %.6f},\n",
            s->t_load, s->t_align, s->t_calibrate, s->t_merge, s->t_tonemap[0], s->t_tonemap[1], s->t_tonemap[2],
            s->t_save);
    fprintf(f, "  \"backend\": \"%s\",\n  \"outputs\": [", s->backend ? s->backend : "cpu");
    for (int k = 0; k < 7; k++) fprintf(f, "%s\"%s\"", k ? ", " : "", ob_hdr_output_names[k]);
    fprintf(f, "]\n}\n");
    return ferror(f) ? OB_FAIL(OB_ERR_IO, "write error") : OB_OK;
}

static void join(char *buf, size_t n, const char *dir, const char *name) { snprintf(buf, n, "%s/%s", dir, name); }

ob_status ob_hdr_save(const char *dir, ob_hdr_scene *s, const ob_hdr_opts *o)
{
    struct stat st;
    OB_REQUIRE(stat(dir, &st) == 0 && S_ISDIR(st.st_mode), "output folder %s does not exist", dir);
    double t0 = ob_now_seconds();
    char path[4096];
    int written = 0;
    ob_status r = OB_OK;
    for (int k = 0; k < 7 && r == OB_OK; k++, written = k) {
        join(path, sizeof path, dir, ob_hdr_output_names[k]);
        switch (k) {
        case 0: r = ob_image_write(path, &s->radiance, OB_FMT_HDR, 0); break;
        case 1: r = ob_write_response_csv(path, s->g, s->channels, s->n_bins); break;
        case 2: r = ob_write_response_svg(path, s->g, s->channels, s->n_bins, "recovered camera response"); break;
        case 3:
        case 4:
        case 5: r = ob_image_write(path, &s->display[k - 3], OB_FMT_PNG, 8); break;
        case 6: {
            s->t_save = ob_now_seconds() - t0;
            summary_ctx c = {s, o};
            r = ob_atomic_write(path, write_summary, &c);
            break;
        }
        }
    }
    if (r != OB_OK) { /* no partial output: take back what this run wrote */
        for (int k = 0; k < written; k++) {
            join(path, sizeof path, dir, ob_hdr_output_names[k]);
            unlink(path);
        }
    }
    return r;
}

int ob_hdr_outputs_complete(const char *dir)
{
    char path[4096];
    for (int k = 0; k < 7; k++) {
        join(path, sizeof path, dir, ob_hdr_output_names[k]);
        if (access(path, R_OK) != 0) return 0;
    }
    return 1;
}
