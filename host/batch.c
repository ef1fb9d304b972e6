/* batch.c — the three-stage overlapped batch runner (ob_batch.h): two bounded
 * queues between a loader thread, the calling thread and a saver thread. */
#include "ob_batch.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_log.h"

typedef struct {
    int item;
    void *data;
} slot;

/* A bounded FIFO of slots; `closed` tells the consumer no more will come. */
typedef struct {
    slot *buf;
    int cap, head, count, closed;
    pthread_mutex_t lock;
    pthread_cond_t changed;
} queue;

static int queue_init(queue *q, int cap)
{
    memset(q, 0, sizeof *q);
    q->buf = calloc((size_t)cap, sizeof *q->buf);
    q->cap = cap;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->changed, NULL);
    return q->buf != NULL;
}

static void queue_destroy(queue *q)
{
    free(q->buf);
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->changed);
}

static void queue_push(queue *q, slot s)
{
    pthread_mutex_lock(&q->lock);
    while (q->count == q->cap) pthread_cond_wait(&q->changed, &q->lock);
    q->buf[(q->head + q->count++) % q->cap] = s;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->lock);
}

static void queue_close(queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->closed = 1;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->lock);
}

/* 1 with *s filled, or 0 when the queue is closed and empty. */
static int queue_pop(queue *q, slot *s)
{
    pthread_mutex_lock(&q->lock);
    while (q->count == 0 && !q->closed) pthread_cond_wait(&q->changed, &q->lock);
    int got = q->count > 0;
    if (got) {
        *s = q->buf[q->head];
        q->head = (q->head + 1) % q->cap;
        q->count--;
        pthread_cond_broadcast(&q->changed);
    }
    pthread_mutex_unlock(&q->lock);
    return got;
}

typedef struct {
    const ob_batch_stages *st;
    int n;
    ob_batch_result *results;
    queue loaded, computed;
    ob_progress progress;
    pthread_mutex_t progress_lock;
} batch;

static void record_failure(ob_batch_result *r, ob_status s, const char *stage)
{
    r->status = s;
    snprintf(r->stage, sizeof r->stage, "%s", stage);
    snprintf(r->message, sizeof r->message, "%s", ob_last_error());
}

static void finish_item(batch *b)
{
    pthread_mutex_lock(&b->progress_lock);
    ob_progress_step(&b->progress, 1);
    pthread_mutex_unlock(&b->progress_lock);
}

static void *loader(void *arg)
{
    batch *b = arg;
    for (int i = 0; i < b->n; i++) {
        slot s = {i, NULL};
        double t0 = ob_now_seconds();
        ob_status st = b->st->load(b->st->user, i, &s.data);
        b->results[i].load_s = ob_now_seconds() - t0;
        if (st != OB_OK) {
            record_failure(&b->results[i], st, "load");
            if (s.data && b->st->discard) b->st->discard(b->st->user, i, s.data);
            s.data = NULL;
        }
        queue_push(&b->loaded, s); /* failed items pass through so order and progress hold */
    }
    queue_close(&b->loaded);
    return NULL;
}

static void *saver(void *arg)
{
    batch *b = arg;
    slot s;
    while (queue_pop(&b->computed, &s)) {
        ob_batch_result *r = &b->results[s.item];
        if (r->status == OB_OK) {
            double t0 = ob_now_seconds();
            ob_status st = b->st->save(b->st->user, s.item, s.data);
            r->save_s = ob_now_seconds() - t0;
            if (st != OB_OK) record_failure(r, st, "save");
        }
        if (s.data && b->st->discard) b->st->discard(b->st->user, s.item, s.data);
        finish_item(b);
    }
    return NULL;
}

ob_status ob_batch_run(const ob_batch_stages *st, int n, ob_batch_result *results)
{
    OB_REQUIRE(st && st->load && st->compute && st->save && n >= 0 && results, "batch: missing stages or results");
    memset(results, 0, sizeof *results * (size_t)n);
    batch b = {.st = st, .n = n, .results = results};
    const int depth = st->depth > 0 ? st->depth : 2;
    if (!queue_init(&b.loaded, depth) || !queue_init(&b.computed, depth)) {
        queue_destroy(&b.loaded);
        queue_destroy(&b.computed);
        return OB_FAIL(OB_ERR_NOMEM, "batch: out of memory");
    }
    pthread_mutex_init(&b.progress_lock, NULL);
    ob_progress_begin(&b.progress, st->label ? st->label : "batch", n);
    if (!st->label) b.progress.active = 0;
    pthread_t load_thread, save_thread;
    int load_ok = pthread_create(&load_thread, NULL, loader, &b) == 0;
    int save_ok = load_ok && pthread_create(&save_thread, NULL, saver, &b) == 0;
    ob_status status = OB_OK;
    if (!save_ok) {
        status = OB_FAIL(OB_ERR_INTERNAL, "batch: cannot start worker threads");
        if (load_ok) { /* drain the loader so it can finish */
            slot s;
            while (queue_pop(&b.loaded, &s))
                if (s.data && st->discard) st->discard(st->user, s.item, s.data);
            pthread_join(load_thread, NULL);
        }
    } else {
        slot s;
        while (queue_pop(&b.loaded, &s)) { /* compute, on this thread */
            ob_batch_result *r = &results[s.item];
            if (r->status == OB_OK) {
                double t0 = ob_now_seconds();
                ob_status c = st->compute(st->user, s.item, s.data);
                r->compute_s = ob_now_seconds() - t0;
                if (c != OB_OK) record_failure(r, c, "compute");
            }
            queue_push(&b.computed, s);
        }
        queue_close(&b.computed);
        pthread_join(load_thread, NULL);
        pthread_join(save_thread, NULL);
    }
    ob_progress_end(&b.progress);
    pthread_mutex_destroy(&b.progress_lock);
    queue_destroy(&b.loaded);
    queue_destroy(&b.computed);
    return status;
}
