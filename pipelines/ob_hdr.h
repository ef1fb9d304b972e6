/* ob_hdr.h — the HDR pipeline: an exposure stack in, a radiance map and three
 * display images out (the README's main job).
 *
 * Stages (each timed into the summary; --profile prints them with the peak memory)
 *   load       decode the images, in parallel, keeping their own 8/16-bit
 *              samples (ob_image_read_native: a quarter of a float copy), one
 *              bit depth per stack; gray or RGB (alpha is dropped); check they
 *              share one size; find the exposure times (ob_hdr_times.h:
 *              --times, a times file, EXIF or A_B names)
 *   align      optional: Ward's MTB translation to the middle exposure
 *   calibrate  Debevec–Malik response recovery, monotone (ob_hdr_response.h)
 *   fuse       optional: Mertens exposure fusion of the stack (ob_fuse.h)
 *   merge      log radiance through the response; radiance = e^(ln E). On the
 *              CPU streamed over row bands from the samples, handing the
 *              stack's pages back as it goes (ob_hdr_stream.h); the stack is
 *              freed after it
 *   tonemap    global scale, global simple (Reinhard), Durand (ob_tonemap.h):
 *              on the CPU all three in two streamed passes straight to 8- or
 *              16-bit samples (ob_hdr_stream.h); on the GPU stage by stage
 *   save       the outputs (ob_hdr_output_list: radiance.hdr|exr|pfm,
 *              response.csv, response.svg, global_scale.png,
 *              global_simple.png, durand.png, fused.png with fusion), encoded
 *              in parallel, and summary.json LAST: a folder whose summary.json
 *              lists outputs that all exist is complete (batch runs skip it).
 *   Memory at 12 MP x 8 exposures (8-bit): the stack (288 MB) until the merge
 *   has consumed it, then the radiance (144 MB), two float planes and the
 *   three display images: peak about 1.3x the stack (bench/b_hdr_e2e.py).
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

typedef enum { OB_HDR_RADIANCE_HDR = 0, OB_HDR_RADIANCE_EXR = 1, OB_HDR_RADIANCE_PFM = 2 } ob_hdr_radiance_format;

typedef struct {
    ob_response_opts response;
    int align;            /* 1: MTB-align to the middle exposure */
    int align_levels;     /* pyramid levels (default 6: shifts up to +-63 px) */
    ob_tonemap_opts durand; /* sigma_s, sigma_r, gamma, stops, bilateral method */
    float key;            /* global-simple key (default 0.18) */
    int bits;             /* tone-mapped PNGs: 8 (default) or 16 */
    int png_compression;  /* zlib level 0..9; -1 = OB_PNG_DEFAULT_COMPRESSION */
    ob_hdr_radiance_format format; /* radiance.hdr (default), .exr or .pfm */
    int exr_half;         /* EXR: 1 = half (default), 0 = float */
    int fuse;             /* 1: also fused.png (Mertens) */
    float fuse_weights[3]; /* contrast, saturation, well-exposedness exponents (default 1, 1, 1) */
} ob_hdr_opts;

void ob_hdr_opts_init(ob_hdr_opts *o);

typedef struct {
    /* inputs */
    int n;
    char *paths[OB_HDR_MAX_INPUTS];
    double times[OB_HDR_MAX_INPUTS];
    char times_source[64];
    ob_tensor images[OB_HDR_MAX_INPUTS]; /* (C, H, W) host, C = 1 or 3, the files' samples (u8 / u16); freed by the merge */
    int width, height, channels, bit_depth;
    /* results */
    ob_shift shifts[OB_HDR_MAX_INPUTS];
    float *g; /* (channels, n_bins) */
    int n_bins;
    ob_tensor radiance;      /* (C, H, W) linear f32 */
    ob_tensor display[3];    /* global scale, global simple, durand: (3, H, W) u8 or u16 (opts->bits) */
    ob_tensor fused;         /* (C, H, W) f32 in [0, 1] with opts->fuse */
    double dynamic_range_stops; /* log2(max / min positive) of the radiance's intensity */
    double sigma_s_used;
    /* timings, seconds */
    double t_load, t_align, t_calibrate, t_fuse, t_merge, t_tonemap[3], t_save;
    double t_decode[OB_HDR_MAX_INPUTS];  /* each image's decode (they overlap) */
    double t_write[OB_HDR_MAX_INPUTS];   /* each output's encode, in ob_hdr_output_list order */
    double peak_rss_mb;                  /* the process's peak resident memory when the summary was written */
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

#define OB_HDR_MAX_OUTPUTS 8
/* names[0..return) <- the output file names opts asks for, summary.json last. */
int ob_hdr_output_list(const char *names[OB_HDR_MAX_OUTPUTS], const ob_hdr_opts *opts);

#ifdef __cplusplus
}
#endif
#endif
