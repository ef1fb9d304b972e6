/* test_tensor.c — tensor allocation, overflow checks, copies, status messages. */
#include <string.h>

#include "ob_ctx.h"
#include "ob_tensor.h"
#include "ob_test.h"
#include "ob_workspace.h"

static void test_alloc_and_copy(void)
{
    ob_tensor a, b;
    int64_t shape[3] = {3, 5, 7};
    OB_CHECK_OK(ob_tensor_zeros(&a, OB_F32, OB_HOST, 3, shape));
    OB_CHECK(ob_tensor_numel(&a) == 105, "numel %lld", (long long)ob_tensor_numel(&a));
    OB_CHECK(ob_tensor_nbytes(&a) == 420, "nbytes %zu", ob_tensor_nbytes(&a));
    OB_CHECK(a.strides[0] == 35 && a.strides[1] == 7 && a.strides[2] == 1, "strides");
    OB_CHECK(((uintptr_t)a.data & 63) == 0, "64-byte alignment");
    float *x = ob_tensor_f32(&a);
    for (int i = 0; i < 105; i++) OB_CHECK(x[i] == 0.0f, "zeros[%d]", i);
    for (int i = 0; i < 105; i++) x[i] = (float)i;
    OB_CHECK_OK(ob_tensor_clone_to(&b, &a, OB_HOST));
    OB_CHECK(memcmp(a.data, b.data, 420) == 0, "clone copies the data");
    char buf[64];
    OB_CHECK(strcmp(ob_tensor_shape_str(&b, buf, sizeof buf), "(3, 5, 7)") == 0, "shape string %s", buf);
    ob_tensor_free(&a);
    ob_tensor_free(&b);
    OB_CHECK(a.data == NULL && a.ndim == 0, "free clears the struct");
}

static void test_bad_sizes(void)
{
    ob_tensor t;
    int64_t huge[2] = {(int64_t)1 << 31, (int64_t)1 << 31};
    OB_CHECK_FAILS(ob_tensor_alloc(&t, OB_F32, OB_HOST, 2, huge), OB_ERR_NOMEM);
    int64_t neg[2] = {4, -1};
    OB_CHECK_FAILS(ob_tensor_alloc(&t, OB_F32, OB_HOST, 2, neg), OB_ERR_ARG);
    int64_t ok[1] = {4};
    OB_CHECK_FAILS(ob_tensor_alloc(&t, OB_F32, OB_HOST, 5, ok), OB_ERR_ARG);
    ob_tensor a, b;
    int64_t s1[2] = {2, 3}, s2[2] = {3, 2};
    OB_CHECK_OK(ob_tensor_alloc(&a, OB_F32, OB_HOST, 2, s1));
    OB_CHECK_OK(ob_tensor_alloc(&b, OB_F32, OB_HOST, 2, s2));
    OB_CHECK_FAILS(ob_tensor_copy(&a, &b), OB_ERR_ARG);
    OB_CHECK(strstr(ob_last_error(), "(2, 3)") != NULL, "message names the shapes: %s", ob_last_error());
    OB_CHECK(strstr(ob_last_error(), "tensor.c:") != NULL, "message has file:line: %s", ob_last_error());
    ob_tensor_free(&a);
    ob_tensor_free(&b);
}

static void test_backend_choice(void)
{
    ob_ctx *ctx = NULL;
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_CPU, 0));
    OB_CHECK(ob_ctx_backend(ctx) == OB_BACKEND_CPU, "cpu backend when asked");
    ob_ctx_destroy(ctx);
    OB_CHECK_OK(ob_ctx_create(&ctx, OB_BACKEND_AUTO, 0));
    char why[200];
    int gpus = ob_cuda_usable(why, sizeof why);
    OB_CHECK(ob_ctx_backend(ctx) == (gpus > 0 ? OB_BACKEND_CUDA : OB_BACKEND_CPU), "auto picks cuda iff a GPU can serve");
    OB_CHECK(gpus > 0 || ob_ctx_fallback_reason(ctx)[0] != 0, "a fallback says why");
    OB_CHECK((ob_ctx_workspace(ctx) != NULL) == (gpus > 0), "a workspace exactly on the cuda backend");
    ob_ctx_destroy(ctx);
    if (gpus == 0) {
        ob_status s = ob_ctx_create(&ctx, OB_BACKEND_CUDA, 0);
        OB_CHECK(s == OB_ERR_NO_DEVICE || s == OB_ERR_UNSUPPORTED, "cuda without a GPU fails: %s", ob_last_error());
        OB_CHECK(ctx == NULL, "no context on failure");
    }
    ob_backend b;
    OB_CHECK_FAILS(ob_backend_parse(&b, "tpu"), OB_ERR_ARG);
    OB_CHECK(ob_backend_parse(&b, "cuda") == OB_OK && b == OB_BACKEND_CUDA, "parse cuda");
}

int main(void)
{
    test_alloc_and_copy();
    test_bad_sizes();
    test_backend_choice();
    return ob_test_finish();
}
