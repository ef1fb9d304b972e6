/* fuzz_times.c — exposure times: a times file (lines 'NAME SECONDS') matched
 * against three image names, the --times list, one SECONDS value, and times
 * from A_B file names. The first byte picks the reader. */
#include "fuzz_common.h" /* first: it sets _GNU_SOURCE */
#include <string.h>

#include "ob_hdr_times.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ob_fuzz_quiet();
    if (size < 1) return 0;
    static const char *const names[3] = {"exposure_1.png", "dir/1_64.png", "c.jpg"};
    double times[3], t;
    char src[64], text[4096];
    const size_t n = size - 1 < sizeof text - 1 ? size - 1 : sizeof text - 1;
    memcpy(text, data + 1, n);
    text[n] = '\0'; /* the string readers get a C string, as from argv */
    switch (data[0] % 4) {
    case 0: (void)ob_exposure_times(times, names, 3, NULL, ob_fuzz_file(0, data + 1, size - 1), src, sizeof src); break;
    case 1: (void)ob_exposure_times(times, names, 3, text, NULL, src, sizeof src); break;
    case 2: (void)ob_parse_seconds(&t, text); break;
    default: (void)ob_time_from_name(&t, text); break;
    }
    return 0;
}
