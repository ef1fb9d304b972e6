/* seam_dp_cpu.c — the CPU path of seam_dp.h: per seam, the cumulative costs
 * step by step (ob_seam_relax), then ob_seam_backtrack; seams of a batch are
 * independent and split by OpenMP. The error surface and the mask are
 * seam_dp.h's per-pixel rules in plain loops (strips are a few hundred pixels). */
#include <stdlib.h>

#include "seam_dp.h"

/* path (len) <- the seam of one surface e (rows, cols); E: rows * cols scratch. */
static void one_seam(int *path, float *E, const float *e, int rows, int cols, ob_seam_dir dir)
{
    const int len = dir == OB_SEAM_VERTICAL ? rows : cols, width = dir == OB_SEAM_VERTICAL ? cols : rows;
    for (int x = 0; x < width; x++) E[ob_seam_at(0, x, cols, dir)] = e[ob_seam_at(0, x, cols, dir)];
    for (int s = 1; s < len; s++)
        for (int x = 0; x < width; x++) E[ob_seam_at(s, x, cols, dir)] = ob_seam_relax(E, e, s, x, width, cols, dir);
    ob_seam_backtrack(path, E, len, width, cols, dir);
}

ob_status ob_seam_dp_cpu(int *path, const float *e, int n, int rows, int cols, ob_seam_dir dir)
{
    OB_TRY(ob_seam_check(n, rows, cols, dir));
    OB_REQUIRE(path && e, "seam_dp: null pointer");
    const size_t area = (size_t)rows * cols;
    const int len = dir == OB_SEAM_VERTICAL ? rows : cols;
    int nomem = 0;
#pragma omp parallel if (n > 1)
    {
        float *E = malloc(sizeof(float) * area);
        if (!E) {
#pragma omp atomic write
            nomem = 1;
        }
#pragma omp for schedule(static)
        for (int b = 0; b < n; b++)
            if (E) one_seam(path + (size_t)b * len, E, e + (size_t)b * area, rows, cols, dir);
        free(E);
    }
    if (nomem) return OB_FAIL(OB_ERR_NOMEM, "seam_dp: no memory for a %dx%d cost buffer", rows, cols);
    return OB_OK;
}

ob_status ob_seam_error_cpu(float *e, const float *a, long long a_plane, long long a_row, const float *b,
                            long long b_plane, long long b_row, int c, int rows, int cols)
{
    OB_TRY(ob_seam_error_check(c, rows, cols));
    OB_REQUIRE(e && a && b, "seam_error: null pointer");
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            e[(size_t)i * cols + j] = ob_seam_error_at(a, a_plane, a_row, b, b_plane, b_row, c, i, j);
    return OB_OK;
}

ob_status ob_seam_mask_cpu(float *mask, const int *vpath, const int *hpath, int ph, int pw, int ov_left, int ov_top)
{
    OB_TRY(ob_seam_mask_check(ph, pw, vpath, hpath, ov_left, ov_top));
    OB_REQUIRE(mask, "seam_mask: null pointer");
    for (int i = 0; i < ph; i++)
        for (int j = 0; j < pw; j++) mask[(size_t)i * pw + j] = ob_seam_mask_at(vpath, hpath, i, j, ov_left, ov_top);
    return OB_OK;
}
