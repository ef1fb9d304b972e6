/* ob_loss_total.h — the running loss a context keeps (ob_ctx.h): its layout
 * and its one update, shared by the host (ctx.c, the CPU loss paths) and the
 * GPU loss kernels (kernels/loss.cu), so both count the same way.
 *
 * Contract
 *   A total is OB_LOSS_TOTAL_SLOTS doubles, zero to start.
 *   ob_loss_total_add(total, sum, scale, weight, tag): value = scale * sum;
 *   a finite value adds weight * value to total[SUM]; a NaN or infinite one
 *   adds 1 to total[BAD], and the first such keeps its tag (a batch index)
 *   and value. Pure arithmetic: callable from host code and device code.
 */
#ifndef OB_LOSS_TOTAL_H
#define OB_LOSS_TOTAL_H

#include <math.h>

enum {
    OB_LOSS_TOTAL_SUM = 0,         /* sum of weight * value over finite values */
    OB_LOSS_TOTAL_BAD = 1,         /* how many values were NaN or infinite */
    OB_LOSS_TOTAL_FIRST_TAG = 2,   /* the first of those: its tag */
    OB_LOSS_TOTAL_FIRST_VALUE = 3, /* and its value */
    OB_LOSS_TOTAL_SLOTS = 4
};

#if defined(__CUDACC__)
#define OB_LOSS_TOTAL_FN __host__ __device__ __forceinline__
#else
#define OB_LOSS_TOTAL_FN static inline
#endif

OB_LOSS_TOTAL_FN void ob_loss_total_add(double *total, double sum, double scale, double weight, double tag)
{
    const double v = scale * sum;
    if (isfinite(v)) {
        total[OB_LOSS_TOTAL_SUM] += weight * v;
        return;
    }
    if (total[OB_LOSS_TOTAL_BAD] == 0.0) total[OB_LOSS_TOTAL_FIRST_TAG] = tag, total[OB_LOSS_TOTAL_FIRST_VALUE] = v;
    total[OB_LOSS_TOTAL_BAD] += 1.0;
}

#endif
