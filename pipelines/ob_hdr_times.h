/* ob_hdr_times.h — exposure times for an HDR stack, from wherever the user has them.
 *
 * Contract
 *   ob_exposure_times fills times[i] (seconds) for each of the n input paths,
 *   from the first source that applies:
 *     1. `list`  ("1/1024,1/512,0.25,2"): one entry per input, in input order;
 *     2. `file`  a times file: lines "FILENAME SECONDS" (blank lines and lines
 *                starting with '#' ignored; FILENAME matched against each input's
 *                base name); every input must be listed, and every listed file
 *                must be an input;
 *     3. per input: EXIF ExposureTime when the input is a JPEG that has it,
 *                otherwise the seed's file names "A_B.ext" = A/B seconds
 *                ("1_1024.png" is 1/1024 s).
 *   SECONDS is a decimal ("0.004", "2") or a fraction ("1/250").
 *   Errors (OB_ERR_ARG, naming the input): a missing time, a zero, negative or
 *   non-finite time, two inputs with the same time (a stack needs distinct
 *   exposures), a list of the wrong length, a times file naming a file that is
 *   not an input (or missing), or listing one twice. `source` (may be NULL)
 *   receives a short description of where the times came from.
 */
#ifndef OB_HDR_TIMES_H
#define OB_HDR_TIMES_H

#include <stddef.h>

#include "ob_status.h"

#ifdef __cplusplus
extern "C" {
#endif

ob_status ob_exposure_times(double *times, const char *const *paths, int n, const char *list, const char *file,
                            char *source, size_t source_len);

/* "1/250" or "0.004" -> seconds (> 0 and finite). */
ob_status ob_parse_seconds(double *out, const char *text);
/* "A_B.ext" -> A/B; OB_ERR_ARG when the base name has no such form. */
ob_status ob_time_from_name(double *out, const char *path);
/* EXIF ExposureTime of a JPEG; OB_ERR_FORMAT when absent. */
ob_status ob_time_from_exif(double *out, const char *path);

#ifdef __cplusplus
}
#endif
#endif
