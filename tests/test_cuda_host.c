/* test_cuda_host.c — the parts of the CUDA host layer a CPU can check: which
 * GPU architectures a fatbin covers (the rule `auto` applies before picking
 * cuda), version strings, the workspace's growth and the allocation count,
 * the upload ring's packing, slot rotation and growth (host mode: the same
 * logic without the copy engine). */
#include <stdint.h>
#include <string.h>

#include "ob_alloc_stats.h"
#include "ob_cuda_host.h"
#include "ob_test.h"
#include "ob_upload_ring.h"
#include "ob_workspace.h"

static void test_archs_cover(void)
{
    /* CMake's default "80;90": sm_80 SASS runs on 8.x, sm_90 on 9.x, and
     * compute_90 PTX JIT-compiles for anything newer; nothing runs on 7.5 */
    OB_CHECK(ob_cuda_archs_cover("80;90", 80), "80;90 covers A100");
    OB_CHECK(ob_cuda_archs_cover("80;90", 86), "80;90 covers 8.6 (same major, newer minor)");
    OB_CHECK(ob_cuda_archs_cover("80;90", 90), "80;90 covers H100");
    OB_CHECK(ob_cuda_archs_cover("80;90", 100), "80;90 covers 10.0 through PTX");
    OB_CHECK(!ob_cuda_archs_cover("80;90", 75), "80;90 does not cover Turing");
    OB_CHECK(!ob_cuda_archs_cover("80,90", 75), "comma-separated (the compile definition) alike");
    OB_CHECK(ob_cuda_archs_cover("80,90", 89), "comma-separated covers Ada through sm_80");
    /* -real: SASS only, no PTX to JIT */
    OB_CHECK(!ob_cuda_archs_cover("80-real;90-real", 100), "SASS only: no 10.0");
    OB_CHECK(ob_cuda_archs_cover("80-real;90-real", 90), "SASS 90 covers 9.0");
    /* -virtual: PTX only */
    OB_CHECK(ob_cuda_archs_cover("90-virtual", 120), "PTX 90 JIT-compiles for 12.0");
    OB_CHECK(!ob_cuda_archs_cover("90-virtual", 89), "PTX 90 cannot run on 8.9");
    /* arch-specific (90a) code runs on exactly that capability */
    OB_CHECK(ob_cuda_archs_cover("90a", 90), "90a covers 9.0");
    OB_CHECK(!ob_cuda_archs_cover("90a", 100), "90a does not cover 10.0");
    OB_CHECK(!ob_cuda_archs_cover("", 90), "an empty list covers nothing");
}

static void test_versions(void)
{
    char b[32];
    OB_CHECK(strcmp(ob_cuda_version_str(b, sizeof b, 13000), "13.0") == 0, "13000 -> 13.0: %s", b);
    OB_CHECK(strcmp(ob_cuda_version_str(b, sizeof b, 12080), "12.8") == 0, "12080 -> 12.8: %s", b);
    OB_CHECK(strcmp(ob_cuda_version_str(b, sizeof b, 0), "none") == 0, "0 -> none: %s", b);
    int driver = -1, runtime = -1;
    ob_cuda_versions(&driver, &runtime);
    OB_CHECK(driver >= 0 && runtime >= 0, "versions are reported (%d, %d)", driver, runtime);
    OB_CHECK(runtime > 0 || !ob_cuda_compiled(), "a CUDA build knows its runtime version");
}

static void test_workspace_growth(void)
{
    ob_workspace ws;
    ob_workspace_init_host(&ws);
    void *p = NULL, *q = NULL;
    uint64_t c0 = ob_alloc_count();
    OB_CHECK_OK(ob_workspace_dev(&ws, &p, 1000, "test"));
    OB_CHECK(p != NULL && ob_alloc_count() == c0 + 1, "first request allocates once");
    memset(p, 1, 1000); /* ASan: the whole request is usable */
    OB_CHECK_OK(ob_workspace_dev(&ws, &q, 1000, "test"));
    OB_CHECK_OK(ob_workspace_dev(&ws, &q, 10, "test"));
    OB_CHECK_OK(ob_workspace_dev(&ws, &q, 1200, "test")); /* within the 25% headroom */
    OB_CHECK(q == p && ob_alloc_count() == c0 + 1, "requests that fit allocate nothing");
    OB_CHECK_OK(ob_workspace_dev(&ws, &q, 100000, "test"));
    OB_CHECK(ob_alloc_count() == c0 + 2, "a larger request grows once");
    memset(q, 2, 100000);
    double *slots = NULL, *pinned = NULL, *slots2 = NULL, *pinned2 = NULL;
    OB_CHECK_OK(ob_workspace_slots(&ws, &slots, &pinned));
    slots[0] = 3.5;
    OB_CHECK_OK(ob_workspace_dev(&ws, &q, 1 << 20, "test"));
    OB_CHECK_OK(ob_workspace_slots(&ws, &slots2, &pinned2));
    OB_CHECK(slots2 == slots && pinned2 == pinned && slots[0] == 3.5, "slots are kept across scratch growth");
    uint64_t c1 = ob_alloc_count();
    OB_CHECK_OK(ob_workspace_pinned(&ws, &q, 64, "test"));
    OB_CHECK_OK(ob_workspace_pinned(&ws, &q, 64, "test"));
    OB_CHECK(ob_alloc_count() == c1 + 1, "pinned scratch grows once");
    ob_workspace_release(&ws);
    OB_CHECK(ws.dev == NULL && ws.pinned == NULL && ws.slots == NULL, "release forgets every buffer");
}

static int uploaded_equal(const void *dev, const void *src, size_t bytes) { return !memcmp(dev, src, bytes); }

static void test_upload_ring(void)
{
    ob_upload_ring r;
    ob_upload_ring zeroed = {0};
    ob_upload_ring_release(&zeroed); /* a zeroed ring releases */
    ob_upload_ring_release(NULL);
    ob_upload_ring_init_host(&r);
    float img[3000];
    int32_t lab[17];
    for (int i = 0; i < 3000; i++) img[i] = (float)i * 0.5f;
    for (int i = 0; i < 17; i++) lab[i] = i * 3;
    void *dev[3], *first[3] = {0}, *second[3] = {0};
    uint64_t warm = 0;
    for (int k = 0; k < 6; k++) {
        /* batch k: its own values, so a stale slot would show */
        img[0] = (float)k, lab[0] = k;
        const size_t rows = k == 5 ? 9 : 17; /* a short last batch */
        const ob_upload_part parts[3] = {{img, (rows * 3000 / 17) * sizeof(float)}, {lab, rows * sizeof(int32_t)},
                                         {NULL, 0}};
        if (!OB_CHECK_OK(ob_upload_ring_push(&r, parts, 3, dev))) break;
        OB_CHECK(uploaded_equal(dev[0], img, parts[0].bytes) && uploaded_equal(dev[1], lab, parts[1].bytes),
                 "push %d: the slot holds the batch's bytes", k);
        OB_CHECK(((uintptr_t)dev[1] - (uintptr_t)dev[0]) % OB_UPLOAD_ALIGN == 0 && dev[2] == NULL,
                 "push %d: parts on %d-byte boundaries, an empty part has no address", k, OB_UPLOAD_ALIGN);
        if (k == 0) memcpy(first, dev, sizeof dev);
        if (k == 1) memcpy(second, dev, sizeof dev), warm = ob_alloc_count();
        if (k >= 2) OB_CHECK(dev[0] == (k % 2 ? second[0] : first[0]), "push %d reuses slot %d", k, k % 2);
    }
    OB_CHECK(first[0] != second[0], "consecutive pushes use different slots (one can upload while one is read)");
    OB_CHECK(ob_alloc_count() == warm, "no allocation once both slots are warm: %llu more",
             (unsigned long long)(ob_alloc_count() - warm));
    /* a larger batch grows the slot it lands in, and keeps its bytes */
    static float big[20000];
    for (int i = 0; i < 20000; i++) big[i] = (float)(i % 251);
    const ob_upload_part grown[1] = {{big, sizeof big}};
    OB_CHECK_OK(ob_upload_ring_push(&r, grown, 1, dev));
    OB_CHECK(ob_alloc_count() > warm && uploaded_equal(dev[0], big, sizeof big), "a larger batch grows its slot");
    OB_CHECK(r.pushes == 7, "pushes counted: %lld", r.pushes);
    const ob_upload_part none[1] = {{NULL, 4}};
    OB_CHECK_FAILS(ob_upload_ring_push(&r, none, 1, dev), OB_ERR_ARG);
    OB_CHECK_FAILS(ob_upload_ring_push(&r, grown, 0, dev), OB_ERR_ARG);
    ob_upload_ring_release(&r);
    OB_CHECK(r.slot[0].dev == NULL && r.slot[1].dev == NULL && r.last == -1, "release frees both slots");
}

int main(void)
{
    test_archs_cover();
    test_versions();
    test_workspace_growth();
    test_upload_ring();
    return ob_test_finish();
}
