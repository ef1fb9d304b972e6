/* image_exr.c — OpenEXR through OpenEXRCore, the C API of OpenEXR 3.x.
 *
 * The library does the parsing, decompression and half <-> float conversion;
 * this file picks what obscura accepts and moves pixels between its chunks and
 * the planar (C, H, W) tensor. All file access goes through the FILE* the
 * dispatcher opened (pread/pwrite on its descriptor), so reads see the file that
 * was sniffed and writes land in ob_atomic_open's temp file.
 *
 * Reading: one part, scanline or tiled (level 0 of a mip/rip-mapped file), any
 * compression the library decodes, UINT/HALF/FLOAT samples converted to float.
 * The data window is read, its origin dropped; the display window is ignored.
 * Chunks are decoded in parallel (OpenMP), each thread with its own pipeline;
 * OpenEXRCore allows concurrent reads of one context.
 *
 * Writing: one scanline part, increasing-Y line order, ZIP compression (see
 * OB_EXR_COMPRESSION), data window = display window = (0, 0)-(w-1, h-1);
 * chunks compressed in parallel, written in order (see encode_all).
 */
#include "image_io_internal.h"

#include <openexr.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What the library's callbacks need: the descriptor and the first message. */
typedef struct {
    int fd;
    const char *path;
    char msg[256];
} exr_io;

static void on_error(exr_const_context_t ctxt, exr_result_t code, const char *msg)
{
    void *u = NULL;
    if (exr_get_user_data(ctxt, &u) != EXR_ERR_SUCCESS || !u) return;
    exr_io *io = (exr_io *)u;
    /* the first message is the cause; later ones are its consequences */
#pragma omp critical(ob_exr_msg)
    if (!io->msg[0]) snprintf(io->msg, sizeof io->msg, "%s", msg ? msg : exr_get_default_error_message(code));
}

static int64_t io_read(exr_const_context_t ctxt, void *user, void *buf, uint64_t n, uint64_t off,
                       exr_stream_error_func_ptr_t err)
{
    exr_io *io = (exr_io *)user;
    uint64_t done = 0;
    while (done < n) {
        ssize_t r = pread(io->fd, (char *)buf + done, (size_t)(n - done), (off_t)(off + done));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            if (err) err(ctxt, EXR_ERR_READ_IO, "read error: %s", strerror(errno));
            return -1;
        }
        if (r == 0) break; /* end of file: a short count, which the library reports */
        done += (uint64_t)r;
    }
    return (int64_t)done;
}

static int64_t io_size(exr_const_context_t ctxt, void *user)
{
    struct stat st;
    exr_io *io = (exr_io *)user;
    return fstat(io->fd, &st) == 0 && S_ISREG(st.st_mode) ? (int64_t)st.st_size : -1;
}

static int64_t io_write(exr_const_context_t ctxt, void *user, const void *buf, uint64_t n, uint64_t off,
                        exr_stream_error_func_ptr_t err)
{
    exr_io *io = (exr_io *)user;
    uint64_t done = 0;
    while (done < n) {
        ssize_t r = pwrite(io->fd, (const char *)buf + done, (size_t)(n - done), (off_t)(off + done));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            if (err)
                err(ctxt, EXR_ERR_WRITE_IO, "write failed: %s (disk full?)", r < 0 ? strerror(errno) : "no progress");
            return -1;
        }
        done += (uint64_t)r;
    }
    return (int64_t)done;
}

static ob_status exr_fail(ob_status s, const exr_io *io, exr_result_t r, const char *what)
{
    const char *detail = io->msg[0] ? io->msg : exr_get_default_error_message(r);
    return OB_FAIL(s, "%s: %s OpenEXR file: %s: %s", io->path, s == OB_ERR_FORMAT ? "bad" : "cannot write the", what,
                   detail);
}

static exr_context_initializer_t make_init(exr_io *io)
{
    exr_context_initializer_t init = EXR_DEFAULT_CONTEXT_INITIALIZER;
    init.error_handler_fn = on_error;
    init.user_data = io;
    init.read_fn = io_read;
    init.size_fn = io_size;
    init.write_fn = io_write;
    /* a truncated or damaged offset table is an error, not a guess */
    init.flags = EXR_CONTEXT_FLAG_DISABLE_CHUNK_RECONSTRUCTION;
    return init;
}

/* ---- reading --------------------------------------------------------------- */

/* The file's channels as "A,B,G,R" (the library sorts them), for messages. */
static void channel_names(char *buf, size_t n, const exr_attr_chlist_t *cl)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < cl->num_channels && used + 1 < n; i++) {
        int k = snprintf(buf + used, n - used, "%s%s", i ? "," : "", cl->entries[i].name.str);
        if (k < 0) break;
        used += (size_t)k;
    }
    if (used >= n && n > 4) memcpy(buf + n - 4, "...", 4);
}

/* out_of[i]: which output channel file channel i fills. Accepts R,G,B[,A] and
 * Y[,A], or exactly one layer of them ("diffuse.R", "diffuse.G", ...), which is
 * read as if the prefix were absent. */
static ob_status choose_layout(int out_of[], int *channels, const exr_attr_chlist_t *cl, const char *path)
{
    static const char *const layouts[4][4] = {{"R", "G", "B", "A"}, {"R", "G", "B"}, {"Y", "A"}, {"Y"}};
    static const int counts[4] = {4, 3, 2, 1};
    char names[160];
    channel_names(names, sizeof names, cl);
    int n = cl->num_channels;
    /* the layer prefix ("diffuse.") of the first channel, which all must share */
    const char *first = n > 0 ? cl->entries[0].name.str : "";
    const char *dot = strrchr(first, '.');
    size_t pre = dot ? (size_t)(dot - first) + 1 : 0;
    int one_layer = 1;
    for (int i = 0; i < n; i++) {
        const char *nm = cl->entries[i].name.str;
        if (strncmp(nm, first, pre) != 0 || strchr(nm + pre, '.')) one_layer = 0;
        if (cl->entries[i].x_sampling != 1 || cl->entries[i].y_sampling != 1)
            return OB_FAIL(OB_ERR_FORMAT,
                           "%s: unsupported OpenEXR channel layout: %s (channel %s is subsampled %d x %d); obscura "
                           "reads full-resolution R,G,B[,A] or Y[,A]",
                           path, names, nm, cl->entries[i].x_sampling, cl->entries[i].y_sampling);
    }
    for (int L = 0; one_layer && L < 4; L++) {
        if (counts[L] != n) continue;
        int found = 0;
        for (int i = 0; i < n; i++) {
            out_of[i] = -1;
            for (int k = 0; k < n; k++)
                if (strcmp(cl->entries[i].name.str + pre, layouts[L][k]) == 0) out_of[i] = k;
            found += out_of[i] >= 0;
        }
        if (found == n) {
            *channels = n;
            return OB_OK;
        }
    }
    return OB_FAIL(OB_ERR_FORMAT, "%s: unsupported OpenEXR channel layout: %s%s; obscura reads R,G,B[,A] or Y[,A]",
                   path, n ? names : "(no channels)", one_layer ? "" : " (several layers)");
}

/* The part's geometry, as the chunk loop needs it. */
typedef struct {
    int w, h, minx, miny;
    int tiled, tw, th, ntx; /* tiles: size and count across */
    int lines;              /* scanlines per chunk */
    int nchunks;
    int channels;
    int out_of[4];
} exr_geom;

static ob_status read_geometry(exr_geom *g, ob_image_info *info, exr_context_t ctx, exr_io *io)
{
    const char *path = io->path;
    int parts = 0;
    exr_result_t r = exr_get_count(ctx, &parts);
    if (r != EXR_ERR_SUCCESS) return exr_fail(OB_ERR_FORMAT, io, r, "no parts");
    if (parts != 1)
        return OB_FAIL(OB_ERR_FORMAT, "%s: unsupported OpenEXR file: %d parts (obscura reads single-part files)", path,
                       parts);
    exr_storage_t st;
    r = exr_get_storage(ctx, 0, &st);
    if (r != EXR_ERR_SUCCESS) return exr_fail(OB_ERR_FORMAT, io, r, "no storage type");
    if (st != EXR_STORAGE_SCANLINE && st != EXR_STORAGE_TILED)
        return OB_FAIL(OB_ERR_FORMAT,
                       "%s: unsupported OpenEXR file: deep data (obscura reads flat scanline or tiled images)", path);
    exr_attr_box2i_t dw;
    r = exr_get_data_window(ctx, 0, &dw);
    if (r != EXR_ERR_SUCCESS) return exr_fail(OB_ERR_FORMAT, io, r, "no data window");
    int64_t w = (int64_t)dw.max.x - dw.min.x + 1, h = (int64_t)dw.max.y - dw.min.y + 1;
    OB_TRY(ob_image_check_size(path, w, h));
    const exr_attr_chlist_t *cl = NULL;
    r = exr_get_channels(ctx, 0, &cl);
    if (r != EXR_ERR_SUCCESS || !cl) return exr_fail(OB_ERR_FORMAT, io, r, "no channel list");
    OB_TRY(choose_layout(g->out_of, &g->channels, cl, path));
    int all_half = 1;
    for (int i = 0; i < cl->num_channels; i++) all_half &= cl->entries[i].pixel_type == EXR_PIXEL_HALF;

    g->w = (int)w;
    g->h = (int)h;
    g->minx = dw.min.x;
    g->miny = dw.min.y;
    g->tiled = st == EXR_STORAGE_TILED;
    if (g->tiled) {
        int32_t tw = 0, th = 0;
        r = exr_get_tile_sizes(ctx, 0, 0, 0, &tw, &th);
        if (r != EXR_ERR_SUCCESS || tw < 1 || th < 1) return exr_fail(OB_ERR_FORMAT, io, r, "bad tile size");
        g->tw = tw;
        g->th = th;
        g->ntx = (int)((w + tw - 1) / tw);
        g->nchunks = g->ntx * (int)((h + th - 1) / th);
    } else {
        int32_t lines = 0;
        r = exr_get_scanlines_per_chunk(ctx, 0, &lines);
        if (r != EXR_ERR_SUCCESS || lines < 1) return exr_fail(OB_ERR_FORMAT, io, r, "bad scanlines per chunk");
        g->lines = lines;
        g->nchunks = (int)((h + lines - 1) / lines);
    }
    info->width = g->w;
    info->height = g->h;
    info->channels = g->channels;
    info->bit_depth = all_half ? 16 : 32;
    return OB_OK;
}

/* Why a chunk failed, kept by a worker thread for the caller to report
 * (ob_last_error is per thread). */
typedef struct {
    int chunk;
    exr_result_t r;
    const char *what;
} chunk_error;

/* Points the pipeline's channels at the chunk's place in the planar output,
 * (x0, y0) from the data window's corner. */
static int aim_channels(exr_decode_pipeline_t *dec, const exr_geom *g, float *dst, int64_t x0, int64_t y0)
{
    size_t plane = (size_t)g->w * g->h;
    for (int i = 0; i < dec->channel_count; i++) {
        exr_coding_channel_info_t *ch = &dec->channels[i];
        if (x0 < 0 || y0 < 0 || x0 + ch->width > g->w || y0 + ch->height > g->h) return 0;
        ch->decode_to_ptr = (uint8_t *)(dst + (size_t)g->out_of[i] * plane + (size_t)y0 * g->w + (size_t)x0);
        ch->user_pixel_stride = 4;
        ch->user_line_stride = 4 * g->w;
        ch->user_bytes_per_element = 4;
        ch->user_data_type = EXR_PIXEL_FLOAT;
    }
    return 1;
}

/* Chunk i's corner relative to the data window. OpenEXRCore 3.1 puts tile
 * indices, not pixels, in a tile's start_x/start_y, so tiles are placed from
 * their index here. */
static void chunk_corner(int64_t *x0, int64_t *y0, const exr_geom *g, int i)
{
    *x0 = g->tiled ? (int64_t)(i % g->ntx) * g->tw : 0;
    *y0 = g->tiled ? (int64_t)(i / g->ntx) * g->th : (int64_t)i * g->lines;
}

/* Chunk i's table entry: offset and sizes, its leader checked against the file. */
static exr_result_t chunk_info(exr_chunk_info_t *ci, exr_context_t ctx, const exr_geom *g, int i)
{
    if (g->tiled) return exr_read_tile_chunk_info(ctx, 0, i % g->ntx, i / g->ntx, 0, 0, ci);
    return exr_read_scanline_chunk_info(ctx, 0, g->miny + i * g->lines, ci);
}

static void decode_chunk(exr_decode_pipeline_t *dec, int *started, int i, exr_context_t ctx, const exr_geom *g,
                         const exr_chunk_info_t *table, float *dst, chunk_error *e)
{
    const exr_chunk_info_t *ci = &table[i];
    int64_t x0, y0;
    chunk_corner(&x0, &y0, g, i);
    const char *what = "cannot set up decoding";
    exr_result_t r = *started ? exr_decoding_update(ctx, 0, ci, dec) : exr_decoding_initialize(ctx, 0, ci, dec);
    *started = 1;
    if (r == EXR_ERR_SUCCESS && !aim_channels(dec, g, dst, x0, y0)) {
        r = EXR_ERR_BAD_CHUNK_LEADER;
        what = "chunk outside the data window";
    }
    if (r == EXR_ERR_SUCCESS) r = exr_decoding_choose_default_routines(ctx, 0, dec);
    if (r == EXR_ERR_SUCCESS) {
        what = "cannot decode chunk";
        r = exr_decoding_run(ctx, 0, dec);
    }
    if (r != EXR_ERR_SUCCESS) {
#pragma omp critical(ob_exr_chunk_error)
        if (!e->what || i < e->chunk) {
            e->chunk = i;
            e->r = r;
            e->what = what;
        }
    }
}

static ob_status decode_all(float *dst, exr_context_t ctx, const exr_geom *g, const exr_chunk_info_t *table,
                            exr_io *io)
{
    chunk_error e = {0, EXR_ERR_SUCCESS, NULL};
    int failed = 0;
#pragma omp parallel
    {
        exr_decode_pipeline_t dec = EXR_DECODE_PIPELINE_INITIALIZER;
        int started = 0;
#pragma omp for schedule(dynamic, 4)
        for (int i = 0; i < g->nchunks; i++) {
            int stop;
#pragma omp atomic read
            stop = failed;
            if (stop) continue;
            decode_chunk(&dec, &started, i, ctx, g, table, dst, &e);
            if (e.what) {
#pragma omp atomic write
                failed = 1;
            }
        }
        if (started) exr_decoding_destroy(ctx, &dec);
    }
    if (!e.what) return OB_OK;
    char what[96];
    snprintf(what, sizeof what, "%s %d of %d (truncated or corrupt?)", e.what, e.chunk, g->nchunks);
    return exr_fail(OB_ERR_FORMAT, io, e.r, what);
}

static ob_status read_part(ob_tensor *out, ob_image_info *info, exr_context_t ctx, exr_io *io, int header_only)
{
    exr_geom g;
    memset(&g, 0, sizeof g);
    OB_TRY(read_geometry(&g, info, ctx, io));
    if (header_only) return OB_OK;
    /* every chunk costs at least its offset (8 bytes) and its header (8 or more),
     * so a file shorter than that cannot hold the declared image: refuse before
     * allocating it */
    int64_t left = io_size(ctx, io);
    if (left >= 0 && (uint64_t)left < (uint64_t)g.nchunks * 16)
        return OB_FAIL(OB_ERR_FORMAT,
                       "%s: bad OpenEXR file: truncated (%lld bytes cannot hold %d chunks of %d x %d pixels)", io->path,
                       (long long)left, g.nchunks, g.w, g.h);
    /* the whole chunk table is read and each entry checked against the file
     * (in range, a leader that matches) before the pixels are allocated: a
     * small file that declares a large image fails here, cheaply */
    exr_chunk_info_t *table = malloc(sizeof *table * (size_t)g.nchunks);
    if (!table) return OB_FAIL(OB_ERR_NOMEM, "%s: out of memory for %d OpenEXR chunks", io->path, g.nchunks);
    for (int i = 0; i < g.nchunks; i++) {
        exr_result_t r = chunk_info(&table[i], ctx, &g, i);
        if (r != EXR_ERR_SUCCESS) {
            free(table);
            char what[80];
            snprintf(what, sizeof what, "chunk table entry %d of %d (truncated or corrupt?)", i, g.nchunks);
            return exr_fail(OB_ERR_FORMAT, io, r, what);
        }
    }
    ob_status s = ob_image_alloc(out, g.channels, g.h, g.w);
    if (s == OB_OK) s = decode_all(ob_tensor_f32(out), ctx, &g, table, io);
    free(table);
    if (s != OB_OK) ob_tensor_free(out);
    return s;
}

ob_status ob_exr_read(ob_tensor *out, ob_image_info *info, FILE *fp, const char *path, int header_only)
{
    exr_io io = {fileno(fp), path, {0}};
    exr_context_initializer_t init = make_init(&io);
    exr_context_t ctx = NULL;
    exr_result_t r = exr_start_read(&ctx, path, &init);
    ob_status s = r == EXR_ERR_SUCCESS ? read_part(out, info, ctx, &io, header_only)
                                       : exr_fail(OB_ERR_FORMAT, &io, r, "cannot read the header");
    if (ctx) exr_finish(&ctx);
    return s;
}

/* ---- writing --------------------------------------------------------------- */

/* ZIP: lossless, read by every EXR reader, 16-line chunks that keep random
 * access cheap, and the fastest decode of the lossless codecs (2-4x PIZ's here).
 * PIZ packs grainy half data tighter and writes faster, but decodes slower; the
 * lossy ones (PXR24, B44, DWA) are not for a radiance map that is an output. */
#define OB_EXR_COMPRESSION EXR_COMPRESSION_ZIP

/* Channel names by channel count, in obscura's planar order. */
static const char *const write_names[5][4] = {{0}, {"Y"}, {"Y", "A"}, {"R", "G", "B"}, {"R", "G", "B", "A"}};

static int plane_of(const char *name, int c)
{
    for (int k = 0; k < c; k++)
        if (strcmp(write_names[c][k], name) == 0) return k;
    return -1;
}

static exr_result_t define_part(exr_context_t ctx, const ob_image_view *v, exr_pixel_type_t pt)
{
    int part = 0;
    exr_result_t r = exr_add_part(ctx, NULL, EXR_STORAGE_SCANLINE, &part);
    if (r == EXR_ERR_SUCCESS) r = exr_initialize_required_attr_simple(ctx, part, v->w, v->h, OB_EXR_COMPRESSION);
    if (r == EXR_ERR_SUCCESS) r = exr_set_lineorder(ctx, part, EXR_LINEORDER_INCREASING_Y);
    for (int k = 0; k < v->c && r == EXR_ERR_SUCCESS; k++)
        r = exr_add_channel(ctx, part, write_names[v->c][k], pt, EXR_PERCEPTUALLY_LOGARITHMIC, 1, 1);
    if (r == EXR_ERR_SUCCESS) r = exr_write_header(ctx);
    return r;
}

/* Chunks are converted and compressed in parallel (compression is the cost:
 * ZIP takes ~40 MB/s of float data on one core) and written in order:
 * OpenEXRCore calls the pipeline's yield_until_ready_fn between compressing a
 * chunk and writing it, and ours waits there for the chunk's turn. Chunks are
 * handed out in increasing order, so the chunk whose turn it is always has a
 * thread that is not waiting. */
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int next;    /* the chunk to write next */
    int aborted; /* a chunk failed: stop, and wait for nothing */
} write_order;

typedef struct {
    write_order *order;
    int chunk;
    int cut_off; /* this chunk stopped because another failed */
    exr_result_t (*library_yield)(exr_encode_pipeline_t *);
} chunk_turn;

static exr_result_t wait_turn(exr_encode_pipeline_t *enc)
{
    chunk_turn *t = (chunk_turn *)enc->encoding_user_data;
    write_order *o = t->order;
    pthread_mutex_lock(&o->mu);
    while (o->next != t->chunk && !o->aborted) pthread_cond_wait(&o->cv, &o->mu);
    t->cut_off = o->aborted;
    pthread_mutex_unlock(&o->mu);
    if (t->cut_off) return EXR_ERR_UNKNOWN;
    return t->library_yield ? t->library_yield(enc) : EXR_ERR_SUCCESS; /* the library's order check */
}

/* Called once per chunk after it ran: the next chunk's turn, or the end. */
static int turn_done(write_order *o, int ok)
{
    pthread_mutex_lock(&o->mu);
    if (ok) o->next++;
    else o->aborted = 1;
    int aborted = o->aborted;
    pthread_cond_broadcast(&o->cv);
    pthread_mutex_unlock(&o->mu);
    return aborted;
}

/* Float views are encoded in place (strided); 8/16-bit ones (v->data NULL)
 * through stage, a float copy of one chunk: (C, lines, W). */
static exr_result_t encode_chunk(exr_encode_pipeline_t *enc, int *started, exr_context_t ctx, const ob_image_view *v,
                                 int y, int lines, float *stage, chunk_turn *turn)
{
    exr_chunk_info_t ci;
    exr_result_t r = exr_write_scanline_chunk_info(ctx, 0, y, &ci);
    if (r == EXR_ERR_SUCCESS)
        r = *started ? exr_encoding_update(ctx, 0, &ci, enc) : exr_encoding_initialize(ctx, 0, &ci, enc);
    if (r != EXR_ERR_SUCCESS) return r;
    *started = 1;
    size_t stage_plane = (size_t)lines * v->w;
    if (stage)
        for (int k = 0; k < v->c; k++)
            for (int yy = 0; yy < lines && y + yy < v->h; yy++)
                for (int x = 0; x < v->w; x++)
                    stage[k * stage_plane + (size_t)yy * v->w + x] = ob_view_at(v, k, y + yy, x);
    for (int i = 0; i < enc->channel_count; i++) {
        exr_coding_channel_info_t *ch = &enc->channels[i];
        int k = plane_of(ch->channel_name, v->c);
        if (k < 0) return EXR_ERR_INVALID_ARGUMENT;
        ch->encode_from_ptr = stage ? (const uint8_t *)(stage + k * stage_plane)
                                    : (const uint8_t *)(v->data + k * v->sc + (int64_t)y * v->sy);
        ch->user_pixel_stride = stage ? 4 : (int32_t)(v->sx * 4);
        ch->user_line_stride = stage ? 4 * v->w : (int32_t)(v->sy * 4);
        ch->user_bytes_per_element = 4;
        ch->user_data_type = EXR_PIXEL_FLOAT;
    }
    r = exr_encoding_choose_default_routines(ctx, 0, enc);
    if (r != EXR_ERR_SUCCESS) return r;
    turn->library_yield = enc->yield_until_ready_fn;
    enc->yield_until_ready_fn = wait_turn;
    enc->encoding_user_data = turn;
    return exr_encoding_run(ctx, 0, enc);
}

typedef struct {
    int row; /* the first failing chunk's first row */
    exr_result_t r;
} write_error;

static void encode_all(write_error *err, exr_context_t ctx, const ob_image_view *v, int lines)
{
    int nchunks = (v->h + lines - 1) / lines;
    write_order order = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
#pragma omp parallel
    {
        exr_encode_pipeline_t enc = EXR_ENCODE_PIPELINE_INITIALIZER;
        int started = 0, stop = 0;
        float *stage = v->data ? NULL : malloc(sizeof *stage * v->c * lines * v->w);
        chunk_turn turn = {&order, 0, 0, NULL};
#pragma omp for schedule(dynamic, 1)
        for (int i = 0; i < nchunks; i++) {
            if (stop) continue;
            turn.chunk = i;
            turn.cut_off = 0;
            exr_result_t r = v->data || stage ? encode_chunk(&enc, &started, ctx, v, i * lines, lines, stage, &turn)
                                              : EXR_ERR_OUT_OF_MEMORY;
            stop = turn_done(&order, r == EXR_ERR_SUCCESS);
            if (r != EXR_ERR_SUCCESS && !turn.cut_off) {
#pragma omp critical(ob_exr_write_error)
                if (err->r == EXR_ERR_SUCCESS || i * lines < err->row) {
                    err->row = i * lines;
                    err->r = r;
                }
            }
        }
        if (started) exr_encoding_destroy(ctx, &enc);
        free(stage);
    }
    pthread_mutex_destroy(&order.mu);
    pthread_cond_destroy(&order.cv);
}

ob_status ob_exr_write(FILE *fp, const char *path, const ob_image_view *v, int bit_depth)
{
    /* the library takes strides as 32-bit byte counts */
    int64_t lim = INT32_MAX / 4;
    if (v->sx < 0 || v->sy < 0 || v->sx > lim || v->sy > lim)
        return OB_FAIL(OB_ERR_ARG, "%s: image strides (%lld, %lld) do not fit OpenEXR's 32-bit strides", path,
                       (long long)v->sy, (long long)v->sx);
    exr_pixel_type_t pt = bit_depth == 16 ? EXR_PIXEL_HALF : EXR_PIXEL_FLOAT;
    if (fflush(fp) != 0) return OB_FAIL(OB_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    exr_io io = {fileno(fp), path, {0}};
    exr_context_initializer_t init = make_init(&io);
    exr_context_t ctx = NULL;
    exr_result_t r = exr_start_write(&ctx, path, EXR_WRITE_FILE_DIRECTLY, &init);
    char what[64] = "cannot start";
    if (r == EXR_ERR_SUCCESS) {
        snprintf(what, sizeof what, "header");
        r = define_part(ctx, v, pt);
    }
    int32_t lines = 0;
    if (r == EXR_ERR_SUCCESS) r = exr_get_scanlines_per_chunk(ctx, 0, &lines);
    if (r == EXR_ERR_SUCCESS && lines < 1) r = EXR_ERR_INVALID_ATTR;
    if (r == EXR_ERR_SUCCESS) {
        write_error err = {0, EXR_ERR_SUCCESS};
        encode_all(&err, ctx, v, lines);
        r = err.r;
        snprintf(what, sizeof what, "pixels at row %d", err.row);
    }
    if (ctx) {
        /* exr_finish writes the chunk offset table */
        exr_result_t rf = exr_finish(&ctx);
        if (r == EXR_ERR_SUCCESS && rf != EXR_ERR_SUCCESS) {
            r = rf;
            snprintf(what, sizeof what, "offset table");
        }
    }
    return r == EXR_ERR_SUCCESS ? OB_OK : exr_fail(OB_ERR_IO, &io, r, what);
}
