/* dispatch.c — the checks shared by every op's tensor-level entry point. */
#include "ob_dispatch.h"

ob_status ob_check_f32(const ob_tensor *t, const char *what, const ob_ctx *ctx, int ndim)
{
    char shape[64];
    OB_REQUIRE(t && t->data, "%s: no tensor", what);
    OB_REQUIRE(t->dtype == OB_F32, "%s: expected float32, got %s", what, ob_dtype_name(t->dtype));
    OB_REQUIRE(ob_tensor_is_contiguous(t), "%s: expected a contiguous tensor", what);
    OB_REQUIRE(ndim == 0 || t->ndim == ndim, "%s: expected %d dimensions, got shape %s", what, ndim,
               ob_tensor_shape_str(t, shape, sizeof shape));
    OB_REQUIRE(t->loc == ob_ctx_location(ctx), "%s: tensor is on the %s but the %s backend computes on the %s", what,
               t->loc == OB_HOST ? "host" : "device", ob_backend_name(ob_ctx_backend(ctx)),
               ob_ctx_location(ctx) == OB_HOST ? "host" : "device");
    return OB_OK;
}
