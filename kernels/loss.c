/* loss.c — the argument checks every loss path shares (the tensor entry points
 * are nets/loss.c). */
#include "loss.h"

ob_status ob_loss_check_pointwise(int64_t n, int kind, const float *a, const float *b)
{
    OB_REQUIRE(kind >= OB_LOSS_MSE && kind <= OB_LOSS_KL, "loss: unknown kind %d", kind);
    OB_REQUIRE(n >= 1, "loss: empty input (n = %lld)", (long long)n);
    OB_REQUIRE(a && b, "loss: null input pointer");
    return OB_OK;
}
