/* ob_hdr_report.h — the response curve as a table and as a plot.
 *
 * Contract
 *   g: (channels, n_bins) log exposure for each pixel value, natural log.
 *   ob_write_response_csv: header "z,g_r,g_g,g_b" (or "z,g" for one channel),
 *   one row per bin; z is the bin index 0..n_bins-1.
 *   ob_write_response_svg: the curves as the seed plots them — pixel value z on
 *   the vertical axis against log exposure g(z) on the horizontal one, one
 *   polyline per channel in its colour, with axes, ticks and labels.
 *   Both are written atomically; on failure no file is left behind.
 */
#ifndef OB_HDR_REPORT_H
#define OB_HDR_REPORT_H

#include "ob_status.h"

#ifdef __cplusplus
extern "C" {
#endif

ob_status ob_write_response_csv(const char *path, const float *g, int channels, int n_bins);
ob_status ob_write_response_svg(const char *path, const float *g, int channels, int n_bins, const char *title);

#ifdef __cplusplus
}
#endif
#endif
