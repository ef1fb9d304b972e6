/* ob_hdr.h — the HDR pipeline: an exposure stack in, a radiance map and three
 * display images out (the README's main job).
 *
 * Stages (each timed into the summary)
 *   load       read the images (8- or 16-bit, one bit depth per stack; gray or
 *              RGB — alpha is dropped), check they share one size, and find the
 *              exposure times (ob_hdr_times.h: --times, a times file, EXIF or
 *              A_B names)
 *   align      optional: Ward's MTB translation to the middle exposure
 *   calibrate  Debevec–Malik response recovery (ob_hdr_response.h)
 *   merge      log radiance through the response; radiance = e^(ln E)
 *   tonemap    global scale, global simple (Reinhard), Durand (ob_tonemap.h)
 *   save       DIR/radiance.hdr, response.csv, response.svg, global_scale.png,
 *              global_simple.png, durand.png, and summary.json LAST: a folder
 *              with summary.json is complete (batch runs skip it).
 *
 * Contract
 *   Nothing is written before everything has been computed; every file is
 *   written atomically, and when a write fails the files this run wrote are
 *   removed, so a failed run never leaves a partial set of outputs behind. Errors name the input and the
 *   problem. ob_hdr_scene owns everything it holds; ob_hdr_scene_free releases
 *   it (safe on a zeroed or partly filled scene).
 */
#ifndef OB_HDR_H
#define OB_HDR_H

#include "ob_ctx.h"
#include "ob_hdr_align.h"
#include "ob_hdr_response.h"
#include "ob_tensor.h"
#include "ob_tonemap.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OB_HDR_MAX_INPUTS 64

typedef struct {
    ob_response_opts response;
    int align;            /* 1: MTB-align to the middle exposure */
    int align_levels;     /* pyramid levels (default 6: shifts up to +-63 px) */
    ob_tonemap_opts durand; /* sigma_s, sigma_r, gamma, stops, bilateral method */
    float key;            /* global-simple key (default 0.18) */
} ob_hdr_opts;

void ob_hdr_opts_init(ob_hdr_opts *o);

typedef struct {
    /* inputs */
    int n;
    char *paths[OB_HDR_MAX_INPUTS];
    double times[OB_HDR_MAX_INPUTS];
    char times_source[64];
    ob_tensor images[OB_HDR_MAX_INPUTS]; /* (C, H, W) host, C = 1 or 3 */
    int width, height, channels, bit_depth;
    /* results */
    ob_shift shifts[OB_HDR_MAX_INPUTS];
    float *g; /* (channels, n_bins) */
    int n_bins;
    ob_tensor radiance;      /* (C, H, W) linear */
    ob_tensor display[3];    /* global scale, global simple, durand: (3, H, W) in [0, 1] */
    double dynamic_range_stops; /* log2(max / min positive) of the radiance's intensity */
    double sigma_s_used;
    /* timings, seconds */
    double t_load, t_align, t_calibrate, t_merge, t_tonemap[3], t_save;
    const char *backend;
} ob_hdr_scene;

/* Reads the stack and its times into *scene (zeroed first). */
ob_status ob_hdr_load(ob_hdr_scene *scene, const char *const *paths, int n, const char *times_list,
                      const char *times_file);
/* Align, calibrate, merge and tone-map on ctx's backend. */
ob_status ob_hdr_compute(ob_ctx *ctx, ob_hdr_scene *scene, const ob_hdr_opts *opts);
/* Writes the outputs into dir (which must exist). */
ob_status ob_hdr_save(const char *dir, ob_hdr_scene *scene, const ob_hdr_opts *opts);
void ob_hdr_scene_free(ob_hdr_scene *scene);

/* 1 when dir holds a summary.json and every output it lists. */
int ob_hdr_outputs_complete(const char *dir);

/* The output file names, in the order they are written (summary.json last). */
extern const char *const ob_hdr_output_names[7];

#ifdef __cplusplus
}
#endif
#endif
