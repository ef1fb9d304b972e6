/* hdr.c — the HDR pipeline's stages (ob_hdr.h). */
#include "ob_hdr.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ob_atomic_file.h"
#include "ob_fuse.h"
#include "ob_hdr_report.h"
#include "ob_hdr_stream.h"
#include "ob_hdr_times.h"
#include "ob_image_io.h"
#include "ob_json.h"
#include "ob_log.h"

void ob_hdr_opts_init(ob_hdr_opts *o)
{
    memset(o, 0, sizeof *o);
    o->response = ob_response_opts_default();
    o->align_levels = 6;
    ob_tonemap_opts_init(&o->durand, OB_TONEMAP_DURAND);
    o->key = OB_TONEMAP_DEFAULT_KEY;
    o->bits = 8;
    o->png_compression = -1;
    o->exr_half = 1;
    o->fuse_weights[0] = o->fuse_weights[1] = o->fuse_weights[2] = 1.f;
}

static const char *radiance_name(ob_hdr_radiance_format f)
{
    return f == OB_HDR_RADIANCE_EXR ? "radiance.exr" : f == OB_HDR_RADIANCE_PFM ? "radiance.pfm" : "radiance.hdr";
}

int ob_hdr_output_list(const char *names[OB_HDR_MAX_OUTPUTS], const ob_hdr_opts *o)
{
    int n = 0;
    names[n++] = radiance_name(o->format);
    names[n++] = "response.csv";
    names[n++] = "response.svg";
    names[n++] = "global_scale.png";
    names[n++] = "global_simple.png";
    names[n++] = "durand.png";
    if (o->fuse) names[n++] = "fused.png";
    names[n++] = "summary.json";
    return n;
}

void ob_hdr_scene_free(ob_hdr_scene *s)
{
    for (int i = 0; i < OB_HDR_MAX_INPUTS; i++) {
        free(s->paths[i]);
        ob_tensor_free(&s->images[i]);
    }
    free(s->g);
    ob_tensor_free(&s->radiance);
    ob_tensor_free(&s->fused);
    for (int k = 0; k < 3; k++) ob_tensor_free(&s->display[k]);
    memset(s, 0, sizeof *s);
}

/* ---- load ----------------------------------------------------------------- */

/* Checks image i against image 0 (size, channels, bit depth) and drops alpha. */
static ob_status check_image(ob_hdr_scene *s, int i, const ob_image_info *info)
{
    const char *path = s->paths[i];
    OB_REQUIRE(info->bit_depth == 8 || info->bit_depth == 16,
               "%s is a %s file: HDR merges 8- or 16-bit exposures (it is already a radiance map?)", path,
               ob_image_format_name(info->format));
    OB_REQUIRE(s->images[i].dtype != OB_F32, "%s is a %s file of floats: HDR merges 8- or 16-bit exposures", path,
               ob_image_format_name(info->format));
    if (s->images[i].shape[0] == 2 || s->images[i].shape[0] == 4) s->images[i].shape[0]--; /* planar: drop alpha */
    const int c = (int)s->images[i].shape[0], h = (int)s->images[i].shape[1], w = (int)s->images[i].shape[2];
    if (i == 0) {
        s->channels = c, s->height = h, s->width = w, s->bit_depth = info->bit_depth;
        return OB_OK;
    }
    OB_REQUIRE(info->bit_depth == s->bit_depth, "mixed bit depths: %s is %d-bit, %s is %d-bit", s->paths[0],
               s->bit_depth, path, info->bit_depth);
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
    /* every exposure is decoded on its own thread: libpng and libjpeg are
     * serial per image, so the images are the parallel work */
    ob_image_info info[OB_HDR_MAX_INPUTS];
    char(*why)[512] = calloc((size_t)n, sizeof *why);
    OB_REQUIRE(why, "out of memory");
#pragma omp parallel for schedule(dynamic, 1)
    for (int i = 0; i < n; i++) {
        const double t = ob_now_seconds();
        if (ob_image_read_native(&s->images[i], &info[i], paths[i]) != OB_OK)
            snprintf(why[i], sizeof why[i], "%s", ob_last_error());
        s->t_decode[i] = ob_now_seconds() - t;
    }
    ob_status st = OB_OK;
    for (int i = 0; i < n && st == OB_OK; i++)
        st = why[i][0] ? OB_FAIL(OB_ERR_FORMAT, "%s", why[i]) : check_image(s, i, &info[i]);
    free(why);
    s->t_load = ob_now_seconds() - t0;
    return st;
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

static void free_stack(ob_hdr_scene *s)
{
    for (int i = 0; i < s->n; i++) ob_tensor_free(&s->images[i]);
}

/* Float display (3, H, W) in [0, 1] -> 8/16-bit samples, ob_image_write's rounding. */
static ob_status quantize_display(ob_tensor *out, const ob_tensor *in, int bits)
{
    OB_TRY(ob_tensor_alloc(out, bits == 16 ? OB_U16 : OB_U8, OB_HOST, 3, in->shape));
    const float *p = ob_tensor_f32(in);
    const int64_t n = ob_tensor_numel(in);
    const double top = bits == 16 ? 65535.0 : 255.0;
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) {
        const float x = p[i];
        const unsigned q = !(x > 0.f) ? 0u : x >= 1.f ? (unsigned)top : (unsigned)((double)x * top + 0.5);
        if (bits == 16) ((uint16_t *)out->data)[i] = (uint16_t)q;
        else ((uint8_t *)out->data)[i] = (uint8_t)q;
    }
    return OB_OK;
}

/* fused.png: Mertens exposure fusion of the (aligned) stack, before the merge
 * consumes it; no times, no response. */
static ob_status fuse_stack(ob_ctx *ctx, ob_hdr_scene *s, const ob_hdr_opts *o)
{
    const ob_tensor *ptrs[OB_HDR_MAX_INPUTS];
    for (int i = 0; i < s->n; i++) ptrs[i] = &s->images[i];
    ob_fuse_opts f = OB_FUSE_OPTS_DEFAULT;
    f.contrast = o->fuse_weights[0], f.saturation = o->fuse_weights[1], f.exposedness = o->fuse_weights[2];
    return ob_fuse(ctx, &s->fused, ptrs, s->n, &f);
}

/* The GPU path: the merge and the three operators stage by stage on the device. */
static ob_status merge_and_tonemap_device(ob_ctx *ctx, ob_hdr_scene *s, const ob_hdr_opts *o)
{
    const ob_tensor *ptrs[OB_HDR_MAX_INPUTS];
    for (int i = 0; i < s->n; i++) ptrs[i] = &s->images[i];
    double t0 = ob_now_seconds();
    OB_TRY(ob_radiance_merge(ctx, &s->radiance, ptrs, s->times, s->n, s->g, s->n_bins));
    free_stack(s);
    float *e = ob_tensor_f32(&s->radiance);
    for (int64_t i = 0; i < ob_tensor_numel(&s->radiance); i++) e[i] = expf(e[i]);
    s->t_merge = ob_now_seconds() - t0;
    s->dynamic_range_stops = dynamic_range(&s->radiance);
    for (int k = 0; k < 3; k++) {
        ob_tonemap_opts t = o->durand;
        t.op = (ob_tonemap_op)k;
        t.key = o->key;
        ob_tonemap_report rep;
        ob_tensor disp = {0};
        memset(&rep, 0, sizeof rep);
        t0 = ob_now_seconds();
        ob_status st = ob_image_tonemap(ctx, &disp, &s->radiance, &t, &rep);
        if (st == OB_OK) st = quantize_display(&s->display[k], &disp, o->bits);
        ob_tensor_free(&disp);
        s->t_tonemap[k] = ob_now_seconds() - t0;
        if (k == OB_TONEMAP_DURAND) s->sigma_s_used = rep.sigma_s;
        ob_tonemap_report_free(&rep);
        OB_TRY(st);
    }
    return OB_OK;
}

/* The CPU path: streamed over row bands (ob_hdr_stream.h). */
static ob_status merge_and_tonemap_host(ob_hdr_scene *s, const ob_hdr_opts *o)
{
    ob_tensor *stack[OB_HDR_MAX_INPUTS];
    for (int i = 0; i < s->n; i++) stack[i] = &s->images[i];
    const int64_t shape[3] = {s->channels, s->height, s->width};
    double t0 = ob_now_seconds();
    OB_TRY(ob_tensor_alloc(&s->radiance, OB_F32, OB_HOST, 3, shape));
    ob_hdr_radiance_stats rs;
    OB_TRY(ob_hdr_merge_streamed(&s->radiance, &rs, stack, s->times, s->n, s->g, s->n_bins, 1));
    free_stack(s); /* its pages went back during the merge */
    s->t_merge = ob_now_seconds() - t0;
    s->dynamic_range_stops = rs.i_max > 0 && rs.i_min_pos > 0 ? log2(rs.i_max / rs.i_min_pos) : 0.0;
    ob_hdr_display_opts d = {o->durand, o->key, o->bits};
    ob_hdr_display_report rep;
    OB_TRY(ob_hdr_display_streamed(s->display, &rep, s->t_tonemap, &s->radiance, &rs, &d));
    s->sigma_s_used = rep.sigma_s;
    return OB_OK;
}

ob_status ob_hdr_compute(ob_ctx *ctx, ob_hdr_scene *s, const ob_hdr_opts *o)
{
    s->backend = ob_backend_name(ob_ctx_backend(ctx));
    OB_REQUIRE(o->bits == 8 || o->bits == 16, "hdr: --bits %d (8 or 16)", o->bits);
    OB_REQUIRE(o->png_compression >= -1 && o->png_compression <= 9, "hdr: --png-compression %d (0..9)",
               o->png_compression);
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

    if (o->fuse) {
        t0 = ob_now_seconds();
        OB_TRY(fuse_stack(ctx, s, o));
        s->t_fuse = ob_now_seconds() - t0;
    }
    if (ob_ctx_location(ctx) == OB_HOST && s->images[0].dtype != OB_F32) return merge_and_tonemap_host(s, o);
    return merge_and_tonemap_device(ctx, s, o);
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
        fprintf(f, ", \"seconds\": %.10g, \"shift\": [%d, %d], \"decode_seconds\": %.6f}", s->times[i],
                s->shifts[i].dx, s->shifts[i].dy, s->t_decode[i]);
    }
    fprintf(f, "\n  ],\n  \"times_from\": ");
    ob_json_string(f, s->times_source);
    fprintf(f, ",\n  \"size\": [%d, %d],\n  \"channels\": %d,\n  \"bit_depth\": %d,\n", s->width, s->height,
            s->channels, s->bit_depth);
    fprintf(f, "  \"lambda\": %.10g,\n  \"samples\": %d,\n  \"seed\": %llu,\n  \"bins\": %d,\n  \"aligned\": %s,\n",
            o->response.lambda, o->response.samples, (unsigned long long)o->response.seed, s->n_bins,
            o->align ? "true" : "false");
    fprintf(f, "  \"response\": \"%s\",\n", o->response.free_curve ? "free least squares (Debevec-Malik)"
                                                                  : "monotone least squares (Debevec-Malik with g non-decreasing)");
    fprintf(f, "  \"dynamic_range_stops\": %.4f,\n", s->dynamic_range_stops);
    fprintf(f, "  \"tonemap\": {\"gamma\": %.6g, \"key\": %.6g, \"sigma_s\": %.6g, \"sigma_r\": %.6g, \"stops\": %.6g, "
               "\"bilateral\": \"%s\", \"bits\": %d},\n",
            o->durand.gamma, o->key, s->sigma_s_used, o->durand.sigma_r, o->durand.stops,
            ob_bilateral_method_name(o->durand.bilateral), o->bits);
    fprintf(f, "  \"seconds\": {\"load\": %.6f, \"align\": %.6f, \"calibrate\": %.6f, \"fuse\": %.6f, \"merge\": %.6f, "
               "\"global_scale\": %.6f, \"global_simple\": %.6f, \"durand\": %.6f, \"save\": %.6f},\n",
            s->t_load, s->t_align, s->t_calibrate, s->t_fuse, s->t_merge, s->t_tonemap[0], s->t_tonemap[1],
            s->t_tonemap[2], s->t_save);
    const char *names[OB_HDR_MAX_OUTPUTS];
    const int n_out = ob_hdr_output_list(names, o);
    fprintf(f, "  \"encode_seconds\": {");
    for (int k = 0; k < n_out - 1; k++) fprintf(f, "%s\"%s\": %.6f", k ? ", " : "", names[k], s->t_write[k]);
    fprintf(f, "},\n  \"peak_rss_mb\": %.1f,\n", s->peak_rss_mb);
    fprintf(f, "  \"backend\": \"%s\",\n  \"outputs\": [", s->backend ? s->backend : "cpu");
    for (int k = 0; k < n_out; k++) fprintf(f, "%s\"%s\"", k ? ", " : "", names[k]);
    fprintf(f, "]\n}\n");
    return ferror(f) ? OB_FAIL(OB_ERR_IO, "write error") : OB_OK;
}

static void join(char *buf, size_t n, const char *dir, const char *name) { snprintf(buf, n, "%s/%s", dir, name); }

/* Output k of ob_hdr_output_list (not the summary). */
static ob_status write_output(const char *path, const char *name, const ob_hdr_scene *s, const ob_hdr_opts *o)
{
    ob_image_write_opts w = {0, o->png_compression};
    if (!strncmp(name, "radiance.", 9)) {
        if (o->format == OB_HDR_RADIANCE_EXR) {
            w.bit_depth = o->exr_half ? 16 : 32;
            return ob_image_write_ex(path, &s->radiance, OB_FMT_EXR, &w);
        }
        return ob_image_write(path, &s->radiance, o->format == OB_HDR_RADIANCE_PFM ? OB_FMT_PFM : OB_FMT_HDR, 0);
    }
    if (!strcmp(name, "response.csv")) return ob_write_response_csv(path, s->g, s->channels, s->n_bins);
    if (!strcmp(name, "response.svg"))
        return ob_write_response_svg(path, s->g, s->channels, s->n_bins, "recovered camera response");
    w.bit_depth = o->bits;
    if (!strcmp(name, "fused.png")) return ob_image_write_ex(path, &s->fused, OB_FMT_PNG, &w);
    const int k = !strcmp(name, "global_scale.png") ? 0 : !strcmp(name, "global_simple.png") ? 1 : 2;
    return ob_image_write_ex(path, &s->display[k], OB_FMT_PNG, &w);
}

ob_status ob_hdr_save(const char *dir, ob_hdr_scene *s, const ob_hdr_opts *o)
{
    struct stat st;
    OB_REQUIRE(stat(dir, &st) == 0 && S_ISDIR(st.st_mode), "output folder %s does not exist", dir);
    double t0 = ob_now_seconds();
    const char *names[OB_HDR_MAX_OUTPUTS];
    const int n_out = ob_hdr_output_list(names, o), n_files = n_out - 1;
    char(*why)[600] = calloc((size_t)n_out, sizeof *why);
    OB_REQUIRE(why, "out of memory");
    /* the encoders are serial per file (zlib, RGBE RLE): the files are the
     * parallel work, the slowest (the radiance, the PNGs) first */
#pragma omp parallel for schedule(dynamic, 1)
    for (int k = 0; k < n_files; k++) {
        char path[4096];
        const double t = ob_now_seconds();
        join(path, sizeof path, dir, names[k]);
        if (write_output(path, names[k], s, o) != OB_OK) snprintf(why[k], sizeof why[k], "%s", ob_last_error());
        s->t_write[k] = ob_now_seconds() - t;
    }
    ob_status r = OB_OK;
    for (int k = 0; k < n_files && r == OB_OK; k++)
        if (why[k][0]) r = OB_FAIL(OB_ERR_IO, "%s", why[k]);
    if (r == OB_OK) {
        char path[4096];
        join(path, sizeof path, dir, names[n_out - 1]);
        s->t_save = ob_now_seconds() - t0;
        s->peak_rss_mb = ob_peak_rss_mb();
        summary_ctx c = {s, o};
        r = ob_atomic_write(path, write_summary, &c);
    }
    if (r != OB_OK) { /* no partial output: take back what this run wrote */
        for (int k = 0; k < n_files; k++) {
            char path[4096];
            join(path, sizeof path, dir, names[k]);
            if (!why[k][0]) unlink(path);
        }
    }
    free(why);
    return r;
}

/* The names in summary.json's "outputs": [...] (our own writer's format). */
int ob_hdr_outputs_complete(const char *dir)
{
    char path[4096], buf[16384];
    join(path, sizeof path, dir, "summary.json");
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    const size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strstr(buf, "\"outputs\": [");
    if (!p) return 0;
    p += strlen("\"outputs\": [");
    int found = 0;
    for (;;) {
        const char *q = strchr(p, '"'), *end = strchr(p, ']');
        if (!q || !end || end < q) break;
        const char *e = strchr(q + 1, '"');
        if (!e || e - q - 1 <= 0 || e - q - 1 >= 256) return 0;
        char name[256];
        memcpy(name, q + 1, (size_t)(e - q - 1));
        name[e - q - 1] = '\0';
        join(path, sizeof path, dir, name);
        if (strchr(name, '/') || access(path, R_OK) != 0) return 0;
        found++;
        p = e + 1;
    }
    return found >= 2;
}
