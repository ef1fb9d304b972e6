/* ob_run_page.h — a training run's index.html (the denoiser's, the VAE's):
 * one page head and style for every run, the body the task's own.
 *
 * Contract
 *   ob_run_page_write(run_dir, title, body, user): run_dir/index.html,
 *   written atomically: the HTML head titled `title` (the style: sans-serif,
 *   right-aligned table cells, pixelated images so small grids enlarge
 *   sharply), then body(f, user), then the closing tags. A body failure
 *   leaves the previous page in place.
 * Errors: the body's; OB_ERR_IO writing.
 */
#ifndef OB_RUN_PAGE_H
#define OB_RUN_PAGE_H

#include <stdio.h>

#include "ob_status.h"

#ifdef __cplusplus
extern "C" {
#endif

ob_status ob_run_page_write(const char *run_dir, const char *title, ob_status (*body)(FILE *f, void *user),
                            void *user);

#ifdef __cplusplus
}
#endif
#endif
