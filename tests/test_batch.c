/* test_batch.c — the overlapped batch runner: failures stay with their item,
 * every loaded item is discarded exactly once, saves come in order, and the
 * stages really overlap (compute of item i waits, with a generous timeout, for
 * the load of item i+1 and the save of item i-1 to have started: a runner that
 * ran stages one after another would time out there). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ob_batch.h"
#include "ob_test.h"

#define N 12

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int load_started[N], save_started[N], discarded[N], saved_order[N], n_saved;
    int overlap_misses;
} state;

static void mark(state *s, int *flag)
{
    pthread_mutex_lock(&s->lock);
    *flag = 1;
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
}

/* Waits up to 10 s for *flag; returns 0 on timeout. */
static int wait_for(state *s, const int *flag)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 10;
    pthread_mutex_lock(&s->lock);
    int rc = 0;
    while (!*flag && rc != ETIMEDOUT) rc = pthread_cond_timedwait(&s->changed, &s->lock, &until);
    int ok = *flag;
    pthread_mutex_unlock(&s->lock);
    return ok;
}

static ob_status load(void *user, int item, void **data)
{
    state *s = user;
    mark(s, &s->load_started[item]);
    if (item == 3) return OB_FAIL(OB_ERR_FORMAT, "scene %d: corrupt input", item);
    int *v = malloc(sizeof *v);
    *v = item * 10;
    *data = v;
    return OB_OK;
}

static ob_status compute(void *user, int item, void *data)
{
    state *s = user;
    if (item + 1 < N && !wait_for(s, &s->load_started[item + 1])) s->overlap_misses++;
    if (item >= 1 && item - 1 != 3 && item - 1 != 5 && !wait_for(s, &s->save_started[item - 1])) s->overlap_misses++;
    if (item == 5) return OB_FAIL(OB_ERR_ARG, "scene %d: bad exposure times", item);
    *(int *)data += 1;
    return OB_OK;
}

static ob_status save(void *user, int item, void *data)
{
    state *s = user;
    mark(s, &s->save_started[item]);
    if (item == 8) return OB_FAIL(OB_ERR_IO, "scene %d: disk full", item);
    OB_CHECK(*(int *)data == item * 10 + 1, "item %d computed once before save", item);
    s->saved_order[s->n_saved++] = item;
    return OB_OK;
}

static void discard(void *user, int item, void *data)
{
    state *s = user;
    s->discarded[item]++;
    free(data);
}

int main(void)
{
    static state s;
    pthread_mutex_init(&s.lock, NULL);
    pthread_cond_init(&s.changed, NULL);
    ob_batch_stages st = {load, compute, save, discard, &s, 2, NULL};
    ob_batch_result r[N];
    OB_CHECK_OK(ob_batch_run(&st, N, r));
    for (int i = 0; i < N; i++) {
        ob_status want = i == 3 ? OB_ERR_FORMAT : i == 5 ? OB_ERR_ARG : i == 8 ? OB_ERR_IO : OB_OK;
        OB_CHECK(r[i].status == want, "item %d status %s (%s)", i, ob_status_name(r[i].status), r[i].message);
        OB_CHECK(s.discarded[i] == (i == 3 ? 0 : 1), "item %d discarded %d times", i, s.discarded[i]);
    }
    OB_CHECK(strcmp(r[3].stage, "load") == 0 && strstr(r[3].message, "corrupt input"), "load failure recorded: %s %s", r[3].stage, r[3].message);
    OB_CHECK(strcmp(r[5].stage, "compute") == 0 && strstr(r[5].message, "bad exposure"), "compute failure recorded");
    OB_CHECK(strcmp(r[8].stage, "save") == 0 && strstr(r[8].message, "disk full"), "save failure recorded");
    OB_CHECK(s.n_saved == N - 3, "%d items saved", s.n_saved);
    for (int k = 1; k < s.n_saved; k++) OB_CHECK(s.saved_order[k] > s.saved_order[k - 1], "saves in item order");
    OB_CHECK(s.overlap_misses == 0, "stages did not overlap %d times", s.overlap_misses);
    ob_batch_result none[1];
    OB_CHECK_OK(ob_batch_run(&st, 0, none));
    ob_batch_stages broken = st;
    broken.save = NULL;
    OB_CHECK_FAILS(ob_batch_run(&broken, N, r), OB_ERR_ARG);
    return ob_test_finish();
}
