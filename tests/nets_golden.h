/* nets_golden.h — reads the text fixtures that
 * tests/golden/make_nets_loss_optim_golden.py writes under tests/golden/nets/
 * (records "NAME COUNT\n v0 v1 ...\n"). Header-only, for the nets tests.
 *
 *   ob_golden_load(&g, "loss.txt")          all records of one file (exits 1
 *                                           with a message when it is missing)
 *   ob_golden_get(&g, "mse_mean_grad", n)   the record's values as double; the
 *                                           count must be n (-1: any); NULL and
 *                                           a failed check otherwise
 */
#ifndef OB_NETS_GOLDEN_H
#define OB_NETS_GOLDEN_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_test.h"

typedef struct {
    int n;
    char name[64][64];
    int count[64];
    double *values[64];
} ob_golden;

static inline void ob_golden_load(ob_golden *g, const char *file)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/golden/nets/%s", ob_test_source_dir(), file);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "cannot open fixture %s\n", path);
        exit(1);
    }
    memset(g, 0, sizeof *g);
    char name[64];
    int count;
    while (g->n < 64 && fscanf(f, "%63s %d", name, &count) == 2 && count >= 0) {
        double *v = malloc(sizeof(double) * (size_t)(count ? count : 1));
        for (int i = 0; i < count; i++)
            if (fscanf(f, "%lf", &v[i]) != 1) {
                fprintf(stderr, "fixture %s: record %s is short\n", path, name);
                exit(1);
            }
        snprintf(g->name[g->n], sizeof g->name[0], "%s", name);
        g->count[g->n] = count;
        g->values[g->n++] = v;
    }
    fclose(f);
}

static inline const double *ob_golden_get(const ob_golden *g, const char *name, int n)
{
    for (int i = 0; i < g->n; i++)
        if (strcmp(g->name[i], name) == 0) {
            OB_CHECK(n < 0 || g->count[i] == n, "fixture record %s has %d values, expected %d", name, g->count[i], n);
            return n < 0 || g->count[i] == n ? g->values[i] : NULL;
        }
    OB_CHECK(0, "fixture record %s is missing", name);
    return NULL;
}

/* float copy of a record (caller frees) */
static inline float *ob_golden_f32(const ob_golden *g, const char *name, int n)
{
    const double *v = ob_golden_get(g, name, n);
    float *f = calloc((size_t)(n > 0 ? n : 1), sizeof(float));
    if (v)
        for (int i = 0; i < n; i++) f[i] = (float)v[i];
    return f;
}

static inline void ob_golden_free(ob_golden *g)
{
    for (int i = 0; i < g->n; i++) free(g->values[i]);
    g->n = 0;
}

#endif
