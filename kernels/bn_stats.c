/* bn_stats.c — the argument check both bn_stats paths share. */
#include "bn_stats.h"

ob_status ob_bn_stats_check(const void *a, const void *b, const void *c, const void *d, const void *e,
                            const void *f, int channels)
{
    OB_REQUIRE(a && b && c && d && e && f, "batch_norm statistics: null pointer");
    OB_REQUIRE(channels >= 1, "batch_norm statistics: %d channels", channels);
    return OB_OK;
}
