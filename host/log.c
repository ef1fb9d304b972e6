/* log.c — leveled stderr messages and the TTY-only progress bar. */
#include "ob_log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static ob_log_level level = OB_LOG_INFO;
static pthread_mutex_t line_lock = PTHREAD_MUTEX_INITIALIZER;

void ob_log_set_level(ob_log_level l) { level = l; }
ob_log_level ob_log_get_level(void) { return level; }

double ob_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void vlog(const char *fmt, va_list ap)
{
    pthread_mutex_lock(&line_lock);
    fputs("obscura: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    pthread_mutex_unlock(&line_lock);
}

void ob_log_info(const char *fmt, ...)
{
    if (level < OB_LOG_INFO) return;
    va_list ap;
    va_start(ap, fmt);
    vlog(fmt, ap);
    va_end(ap);
}

void ob_log_verbose(const char *fmt, ...)
{
    if (level < OB_LOG_VERBOSE) return;
    va_list ap;
    va_start(ap, fmt);
    vlog(fmt, ap);
    va_end(ap);
}

static void draw(ob_progress *p, double now)
{
    const int width = 30;
    double frac = p->total > 0 ? (double)p->done / (double)p->total : 0.0;
    if (frac > 1.0) frac = 1.0;
    int filled = (int)(frac * width + 0.5);
    double elapsed = now - p->start_s;
    double eta = frac > 0 ? elapsed * (1.0 - frac) / frac : 0.0;
    char bar[64];
    for (int i = 0; i < width; i++) bar[i] = i < filled ? '#' : '.';
    bar[width] = '\0';
    pthread_mutex_lock(&line_lock);
    fprintf(stderr, "\r%s [%s] %lld/%lld  %.1fs, eta %.1fs ", p->label, bar, (long long)p->done,
            (long long)p->total, elapsed, eta);
    fflush(stderr);
    pthread_mutex_unlock(&line_lock);
    p->last_draw_s = now;
}

void ob_progress_begin(ob_progress *p, const char *label, int64_t total)
{
    p->label = label;
    p->total = total;
    p->done = 0;
    p->start_s = p->last_draw_s = ob_now_seconds();
    p->active = level >= OB_LOG_INFO && isatty(fileno(stderr));
    if (p->active) draw(p, p->start_s);
}

void ob_progress_step(ob_progress *p, int64_t n)
{
    p->done += n;
    if (!p->active) return;
    double now = ob_now_seconds();
    if (now - p->last_draw_s >= 0.1 || p->done >= p->total) draw(p, now);
}

void ob_progress_end(ob_progress *p)
{
    if (!p->active) return;
    draw(p, ob_now_seconds());
    pthread_mutex_lock(&line_lock);
    fputc('\n', stderr);
    pthread_mutex_unlock(&line_lock);
    p->active = 0;
}

double ob_peak_rss_mb(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? (double)ru.ru_maxrss / 1024.0 : 0.0; /* ru_maxrss: KiB on Linux */
}
