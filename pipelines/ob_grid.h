/* ob_grid.h — small images tiled into one picture (the grids the seeds plot:
 * original / noisy / denoised rows, a VAE's samples, a latent traversal).
 *
 * Contract
 *   ob_grid_tile(out, images, n, c, h, w, cols, zoom): out (c, GH, GW) host,
 *   allocated here, GW = GAP + cols (w zoom + GAP), GH = GAP + rows (h zoom +
 *   GAP), rows = ceil(n / cols), GAP = 4: image i (row i / cols, column
 *   i % cols) enlarged zoom x (nearest), its values clipped to [0, 1], on a
 *   mid-gray (0.5) ground. images: n (c, h, w) float images, back to back.
 * Errors (nothing allocated): OB_ERR_ARG for n, c, h, w, cols or zoom < 1 or
 * a grid over 16384 px a side; OB_ERR_NOMEM.
 */
#ifndef OB_GRID_H
#define OB_GRID_H

#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OB_GRID_GAP 4

ob_status ob_grid_tile(ob_tensor *out, const float *images, int n, int c, int h, int w, int cols, int zoom);

#ifdef __cplusplus
}
#endif
#endif
