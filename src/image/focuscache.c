/* The photo analyses of one run, and a folder of earlier results keyed by a hash of each
 * photo's bytes (xxHash XXH3, 128 bits) and the detector's version: an unchanged photo is
 * analysed once, whatever it is called and wherever it lives. */
#define _POSIX_C_SOURCE 200809L
#include "image/focus.h"
#include "base/cache.h"
#include "base/util.h"
#include "config.h"
#include "image/encode.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <turbojpeg.h>
#include <unistd.h>

/* Photos larger than this are analysed at half size (the enlargement test then says nothing
 * about the finest octave: such photos are not the ones enlarged from small originals). */
#define FULL_SIZE_MAX_PIXELS 40000000.0

typedef struct entry {
    const cp_image *img;
    cp_focus focus;
    bool ok;
} entry;

struct cp_focus_cache {
    char *dir; /* NULL: no disk cache */
    const char *cascade;
    bool cascade_checked, cascade_ok;
    entry **entries;
    size_t n, cap;
    int analysed, cached;
    double ms;
};

/* The focus folder of calpress's cache folder (CALPRESS_CACHE_DIR, else the XDG one), or NULL
 * where there is none ("off", or no usable folder). */
static char *default_dir(void)
{
    const char *cache = cp_cache_dir();
    if (!cache)
        return NULL;
    size_t n = strlen(cache) + 8;
    char *dir = cp_xmalloc(n);
    snprintf(dir, n, "%s/focus", cache);
    return dir;
}

cp_focus_cache *cp_focus_cache_new(const char *dir)
{
    cp_focus_cache *c = cp_xcalloc(1, sizeof *c);
    c->dir = dir ? (dir[0] ? cp_xstrdup(dir) : NULL) : default_dir();
    c->cascade = CP_FACE_CASCADE;
    return c;
}

void cp_focus_cache_free(cp_focus_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        free(c->entries[i]);
    free(c->entries);
    free(c->dir);
    free(c);
}

void cp_focus_cache_stats(const cp_focus_cache *c, int *analysed, int *cached, double *ms)
{
    *analysed = c->analysed;
    *cached = c->cached;
    *ms = c->ms;
}

/* mkdir -p, private: the cache says where the faces are in photos of real people. */
static bool make_dirs(const char *dir)
{
    char *p = cp_xstrdup(dir);
    bool ok = true;
    for (char *s = p + 1; ok; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char ch = *s;
        *s = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST)
            ok = false;
        *s = ch;
        if (ch == '\0')
            break;
    }
    free(p);
    return ok;
}

/* DIR/<hash of the bytes>-v<version><f|n>.txt: 'n' when no face detector ran, so installing
 * opencv-data later brings faces in. Owned by the caller. */
static char *entry_path(const cp_focus_cache *c, const cp_image *img)
{
    size_t n = strlen(c->dir) + 64;
    char *path = cp_xmalloc(n);
    snprintf(path, n, "%s/%016llx%016llx-v%d%c.txt", c->dir, (unsigned long long)img->data_hash[0],
             (unsigned long long)img->data_hash[1], CP_FOCUS_VERSION, c->cascade_ok ? 'f' : 'n');
    return path;
}

static bool box_ok(const cp_box *b)
{
    return b->x >= 0 && b->y >= 0 && b->w >= 0 && b->h >= 0 && b->x + b->w <= 1.0001 &&
           b->y + b->h <= 1.0001;
}

static bool read_box(FILE *f, const char *tag, cp_box *b)
{
    char word[16];
    return fscanf(f, "%15s %lf %lf %lf %lf", word, &b->x, &b->y, &b->w, &b->h) == 5 &&
           strcmp(word, tag) == 0 && box_ok(b);
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* The saliency map as store_entry writes it: two hex digits a cell, rows apart by white space
 * (fscanf's "%2x" for each of the 1,024 cells cost more than the rest of a lookup). */
static bool read_map(const char *p, size_t len, unsigned char *map)
{
    const char *end = p + len;
    for (int i = 0; i < CP_FOCUS_MAP * CP_FOCUS_MAP; i++) {
        while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
            p++;
        int hi = p < end ? hex_digit(p[0]) : -1, lo = p + 1 < end ? hex_digit(p[1]) : -1;
        if (hi < 0 || lo < 0)
            return false;
        map[i] = (unsigned char)(hi * 16 + lo);
        p += 2;
    }
    return true;
}

/* A cache entry is a few kilobytes: a larger file is not one. */
static const cp_file_kind entry_file = {"a photo analysis", 65536};

/* Reads one cached analysis; false (and out unspecified) for anything unexpected. The file is
 * read with the checked reader: a FIFO, a device or a huge file there is never waited on or
 * read whole. */
static bool load_entry(const char *path, cp_focus *out)
{
    cp_file_error err;
    size_t len = 0;
    char *text = cp_file_read(path, &entry_file, &len, &err);
    FILE *f = text ? fmemopen(text, len, "r") : NULL;
    if (!f) {
        free(text);
        return false;
    }
    memset(out, 0, sizeof *out);
    int version = 0, det = 0, flat = 0, up = 0;
    bool ok = fscanf(f, "calpress-focus %d size %d %d detector %d faces %d", &version, &out->width,
                     &out->height, &det, &out->n_faces) == 5 &&
              version == CP_FOCUS_VERSION && out->width > 0 && out->height > 0 &&
              out->n_faces >= 0 && out->n_faces <= CP_FOCUS_MAX_FACES;
    for (int i = 0; ok && i < out->n_faces; i++)
        ok = read_box(f, "face", &out->faces[i]);
    ok = ok && read_box(f, "detail", &out->detail);
    ok = ok && fscanf(f, " flat %d sharpness %lf tiles %d upscaled %d jpeg %lf ms %lf map ", &flat,
                      &out->sharpness, &out->textured_tiles, &up, &out->jpeg_bytes_per_pixel,
                      &out->ms) == 6;
    long at = ok ? ftell(f) : -1;
    fclose(f);
    ok = ok && at >= 0 && read_map(text + at, len - (size_t)at, out->map);
    free(text);
    out->detector = det != 0;
    out->flat = flat != 0;
    out->upscaled = up != 0;
    return ok;
}

/* Writes through a temporary file and a rename, so a reader never sees half an entry. A cache
 * that cannot be written is no error: the next run analyses again. */
static void store_entry(const cp_focus_cache *c, const char *path, const cp_focus *fo)
{
    if (!make_dirs(c->dir))
        return;
    size_t n = strlen(path) + 8;
    char *tmp = cp_xmalloc(n);
    snprintf(tmp, n, "%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd), unlink(tmp);
        free(tmp);
        return;
    }
    fprintf(f, "calpress-focus %d\nsize %d %d\ndetector %d\nfaces %d\n", CP_FOCUS_VERSION,
            fo->width, fo->height, fo->detector, fo->n_faces);
    for (int i = 0; i < fo->n_faces; i++)
        fprintf(f, "face %.6f %.6f %.6f %.6f\n", fo->faces[i].x, fo->faces[i].y, fo->faces[i].w,
                fo->faces[i].h);
    fprintf(f, "detail %.6f %.6f %.6f %.6f\nflat %d\nsharpness %.6f\ntiles %d\nupscaled %d\n",
            fo->detail.x, fo->detail.y, fo->detail.w, fo->detail.h, fo->flat, fo->sharpness,
            fo->textured_tiles, fo->upscaled);
    fprintf(f, "jpeg %.6f\nms %.3f\nmap ", fo->jpeg_bytes_per_pixel, fo->ms);
    for (int i = 0; i < CP_FOCUS_MAP * CP_FOCUS_MAP; i++)
        fprintf(f, "%02x%s", fo->map[i], (i + 1) % CP_FOCUS_MAP ? "" : "\n");
    bool ok = fflush(f) == 0 && !ferror(f);
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0)
        unlink(tmp);
    free(tmp);
}

/* CPU time, not wall time: the cost of an analysis, whatever else the machine is doing. */
static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A JPEG's full-size lightness, decoded without its colour (half the work of RGB); NULL for a
 * CMYK JPEG, which TurboJPEG cannot decode to grey. */
static unsigned char *jpeg_grey(const cp_image *img)
{
    if (img->cmyk)
        return NULL;
    tjhandle tj = tjInitDecompress();
    if (!tj)
        return NULL;
    unsigned char *grey = cp_xmalloc((size_t)img->width * (size_t)img->height);
    int rc = tjDecompress2(tj, img->data, (unsigned long)img->len, grey, img->width, 0, img->height,
                           TJPF_GRAY, TJFLAG_FASTDCT);
    if (rc != 0 && tjGetErrorCode(tj) == TJERR_FATAL) {
        free(grey);
        grey = NULL;
    }
    tjDestroy(tj);
    return grey;
}

static unsigned char *rgb_to_grey(const unsigned char *rgb, int w, int h)
{
    unsigned char *grey = cp_xmalloc((size_t)w * (size_t)h);
    for (size_t i = 0, n = (size_t)w * (size_t)h; i < n; i++)
        grey[i] =
            (unsigned char)((299 * rgb[3 * i] + 587 * rgb[3 * i + 1] + 114 * rgb[3 * i + 2] + 500) /
                            1000);
    return grey;
}

/* Decodes what the analysis needs: a JPEG twice (small in colour by DCT scaling, full in
 * grey), other formats once at full size. Returns the colour buffer (the caller frees it and
 * *grey); NULL with a message in err. */
static unsigned char *decode_for_analysis(const cp_image *img, cp_focus_pixels *px,
                                          unsigned char **grey, char *err, size_t err_len)
{
    bool jpeg = img->format == CP_IMAGE_JPEG;
    bool huge = (double)img->width * img->height > FULL_SIZE_MAX_PIXELS;
    int den = 1;
    while (jpeg && den < 8 &&
           (img->width > img->height ? img->width : img->height) / (den * 2) >= CP_FOCUS_SIDE)
        den *= 2;
    if (!jpeg && huge)
        den = 2;
    cp_diags quiet;
    cp_diags_init(&quiet);
    unsigned char *rgb = cp_image_decode_rgb(img, den, &px->w, &px->h, &quiet, img->at);
    if (!rgb)
        snprintf(err, err_len, "%s", quiet.n ? quiet.items[0].msg : "cannot decode it");
    cp_diags_finish(&quiet);
    *grey = NULL;
    if (rgb && !huge)
        *grey = jpeg ? jpeg_grey(img) : rgb_to_grey(rgb, px->w, px->h);
    px->rgb = rgb;
    px->grey = *grey;
    px->full_w = img->width;
    px->full_h = img->height;
    px->orientation = img->orientation;
    return rgb;
}

/* What a quality-90 JPEG of the pixels takes, in bytes a pixel, measured on a piece of at most
 * 1024 x 1024 from the middle (the picture at its own density, at a tenth of the cost). */
static double jpeg_density(const unsigned char *rgb, int w, int h)
{
    int cw = w < 1024 ? w : 1024, ch = h < 1024 ? h : 1024;
    if (cw <= 0 || ch <= 0)
        return 0;
    unsigned char *piece = cp_xmalloc((size_t)cw * (size_t)ch * 3);
    for (int y = 0; y < ch; y++)
        memcpy(piece + (size_t)y * cw * 3,
               rgb + ((size_t)(y + (h - ch) / 2) * w + (size_t)(w - cw) / 2) * 3, (size_t)cw * 3);
    size_t len = 0;
    unsigned char *jpeg = cp_image_encode_jpeg(piece, cw, ch, 90, NULL, 0, &len);
    free(piece);
    free(jpeg);
    return jpeg ? (double)len / ((double)cw * ch) : 0;
}

/* Decodes and analyses img now. */
static bool analyse(cp_focus_cache *c, const cp_image *img, cp_focus *out, cp_diags *d)
{
    double t0 = cpu_ms();
    char err[256] = "";
    cp_focus_pixels px;
    unsigned char *grey;
    unsigned char *rgb = decode_for_analysis(img, &px, &grey, err, sizeof err);
    bool ok = rgb && cp_focus_analyse(&px, c->cascade_ok ? c->cascade : NULL, out, err, sizeof err);
    if (ok && img->format != CP_IMAGE_JPEG)
        out->jpeg_bytes_per_pixel = jpeg_density(rgb, px.w, px.h);
    free(rgb);
    free(grey);
    if (!ok) {
        cp_warning(d, img->at, "cannot analyse photo '%s' for automatic focus (%s); it is centred",
                   img->name, err);
        return false;
    }
    out->ms = cpu_ms() - t0;
    c->analysed++;
    c->ms += out->ms;
    return true;
}

const cp_focus *cp_focus_cache_lookup(cp_focus_cache *c, const cp_image *img, cp_diags *d)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->entries[i]->img == img)
            return c->entries[i]->ok ? &c->entries[i]->focus : NULL;
    if (!c->cascade_checked) {
        c->cascade_checked = true;
        c->cascade_ok = access(c->cascade, R_OK) == 0;
        if (!c->cascade_ok)
            cp_warning(d, (cp_pos){NULL, 0, 0},
                       "faces are not looked for: OpenCV's face cascade '%s' is missing (install "
                       "Debian's opencv-data); automatic focus uses the photos' detail only",
                       c->cascade);
    }
    entry *e = cp_xcalloc(1, sizeof *e);
    e->img = img;
    char *path = c->dir ? entry_path(c, img) : NULL;
    if (path && load_entry(path, &e->focus)) {
        e->focus.cached = true;
        e->ok = true;
        c->cached++;
    } else {
        e->ok = analyse(c, img, &e->focus, d);
        if (e->ok && path)
            store_entry(c, path, &e->focus);
    }
    free(path);
    cp_grow((void **)&c->entries, &c->cap, c->n + 1, sizeof *c->entries);
    c->entries[c->n++] = e;
    return e->ok ? &e->focus : NULL;
}
