/* run_page.c — ob_run_page.h: a run's index.html around the task's body. */
#include "ob_run_page.h"

#include "ob_atomic_file.h"

typedef struct {
    const char *title;
    ob_status (*body)(FILE *f, void *user);
    void *user;
} page;

static ob_status write_page(FILE *f, void *user)
{
    const page *p = user;
    fprintf(f, "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>%s</title>\n"
               "<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 10px;text-align:right}"
               "img{image-rendering:pixelated;margin:4px}</style></head><body>\n",
            p->title);
    OB_TRY(p->body(f, p->user));
    fprintf(f, "</body></html>\n");
    return OB_OK;
}

ob_status ob_run_page_write(const char *run_dir, const char *title, ob_status (*body)(FILE *f, void *user),
                            void *user)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/index.html", run_dir);
    page p = {title, body, user};
    return ob_atomic_write(path, write_page, &p);
}
