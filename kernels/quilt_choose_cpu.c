/* quilt_choose_cpu.c — the CPU path of quilt_choose.h.
 *
 * One pass over the costs keeps the r+1 smallest keys (ob_quilt_key) in an
 * ascending array; a key enters only when it beats the largest kept, which on
 * a cost surface is rare after the first few hundred candidates, so the pass
 * costs about one comparison per candidate. Keys are unique (they carry the
 * index), so the r-th kept key is the same whatever the scan order. */
#include "quilt_choose.h"

ob_status ob_quilt_choose_cpu(int *chosen, const float *cost, int n, int tol, uint64_t seed, uint64_t draw)
{
    int r;
    OB_TRY(ob_quilt_choose_rank(&r, n, tol, seed, draw));
    OB_REQUIRE(chosen && cost, "quilt_choose: null pointer");
    uint64_t best[OB_QUILT_MAX_TOL];
    const int k = r + 1;
    int kept = 0;
    for (int i = 0; i < n; i++) {
        const uint64_t key = ob_quilt_key(cost[i], (uint32_t)i);
        if (kept == k && key >= best[k - 1]) continue;
        int p = kept < k ? kept++ : k - 1; /* the slot freed at the end, then sift down */
        for (; p > 0 && best[p - 1] > key; p--) best[p] = best[p - 1];
        best[p] = key;
    }
    *chosen = (int)(uint32_t)best[r];
    return OB_OK;
}
