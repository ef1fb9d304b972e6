/* ob_keypoints_report.h — the HTML page of `obscura eval keypoints --html`:
 * the error table against the mean-shape baseline, the loss curves of the
 * run, the best and worst faces as overlays, the first layer's filters and
 * every image's errors.
 *
 * Contract
 *   ob_kp_report_write(dir, r) writes dir/index.html atomically; the
 *   pictures it names (r->overlays, r->loss_svg, r->filters_png, file names
 *   inside dir) are the caller's, written before. Per-image arrays hold
 *   r->n entries.
 */
#ifndef OB_KEYPOINTS_REPORT_H
#define OB_KEYPOINTS_REPORT_H

#include <stdint.h>

#include "ob_keypoints.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    const char *model, *checkpoint, *data;
    int k, w, h;
    int64_t n;
    const char *const *names; /* per image */
    const ob_kp_error *err;   /* per image */
    ob_kp_error mean, base;   /* means: the net, the mean shape */
    const int64_t *shown;     /* images shown: n_best best, then n_worst worst */
    int n_best, n_worst;
    const char *const *overlays; /* file of each shown image */
    const char *loss_svg;     /* or NULL */
    const char *filters_png;  /* or NULL */
} ob_kp_report;

ob_status ob_kp_report_write(const char *dir, const ob_kp_report *r);

#ifdef __cplusplus
}
#endif
#endif
