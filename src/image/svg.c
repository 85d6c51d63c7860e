/* SVG logos: read and hashed when laid out, parsed and drawn by librsvg in the module
 * calpress-svg.so (svgapi.h) when drawn. The layout needs only the logo's proportions: a logo
 * whose bytes an earlier run measured with the same program and the same librsvg file takes
 * them from the cache folder's svg.bin, and a run that draws no logo (check) never loads
 * librsvg. */
#include "image/svg.h"
#include "base/cache.h"
#include "base/hash.h"
#include "base/module.h"
#include "base/util.h"
#include "image/svgapi.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MEMO_VERSION = 1, MEMO_MAX = 256 };
static const char memo_magic[8] = "CPSVGSZ";
static const char memo_name[] = "svg.bin";

/* A logo's proportions, remembered with the librsvg file that measured them. */
typedef struct memo_entry {
    uint64_t bytes;   /* the program's build and the logo's bytes */
    uint64_t library; /* librsvg's file by its stamp (cp_hash_file_stamp) */
    double width, height;
    char library_path[240];
} memo_entry;

static pthread_mutex_t memo_lock = PTHREAD_MUTEX_INITIALIZER;

struct cp_svg_parsed {
    void *handle; /* librsvg's, owned; NULL until parsed */
};

static const cp_svg_api *svg_api(char *why, size_t why_len)
{
    static cp_module_entry module = {.file = CP_SVG_MODULE, .entry = CP_SVG_MODULE_ENTRY};
    void *sym = cp_module_entry_get(&module);
    const cp_svg_api *(*get)(void);
    memcpy(&get, &sym, sizeof get);
    if (!get)
        snprintf(why, why_len, "%s", module.why);
    return get ? get() : NULL;
}

/* The key of a logo's bytes (their hash) with the code that measures them: the program's build
 * and the module's file by its stamp. */
static uint64_t bytes_key(uint64_t hash)
{
    static uint64_t builds;
    char path[CP_MODULE_WHY_LEN];
    uint64_t v[2] = {cp_hash_builds(&builds, memo_magic, NULL), hash};
    if (cp_module_find(CP_SVG_MODULE, path, sizeof path))
        v[0] = cp_hash_file_stamp(v[0], path);
    return cp_hash_bytes(v, sizeof v) | 1; /* 0 says "do not remember" to parse */
}

/* The remembered proportions of the bytes keyed key, if their librsvg file is unchanged. */
static bool recall(uint64_t key, double *w, double *h)
{
    pthread_mutex_lock(&memo_lock);
    size_t n = 0;
    memo_entry *v =
        cp_cache_load_records(memo_name, memo_magic, MEMO_VERSION, sizeof *v, MEMO_MAX, &n);
    bool found = false;
    for (size_t i = n; i-- > 0 && !found;) {
        v[i].library_path[sizeof v[i].library_path - 1] = '\0';
        if (v[i].bytes == key && isfinite(v[i].width) && v[i].width > 0 && isfinite(v[i].height) &&
            v[i].height > 0 && v[i].library == cp_hash_file_stamp(0, v[i].library_path)) {
            *w = v[i].width;
            *h = v[i].height;
            found = true;
        }
    }
    free(v);
    pthread_mutex_unlock(&memo_lock);
    return found;
}

static void note(uint64_t key, const char *library, double w, double h)
{
    if (!library || strlen(library) >= sizeof((memo_entry *)0)->library_path)
        return;
    pthread_mutex_lock(&memo_lock);
    size_t n = 0;
    memo_entry *v =
        cp_cache_load_records(memo_name, memo_magic, MEMO_VERSION, sizeof *v, MEMO_MAX, &n);
    size_t keep = 0;
    for (size_t i = 0; i < n; i++) /* the oldest go past MEMO_MAX; an older answer goes */
        if (v[i].bytes != key && (n < MEMO_MAX || i > 0))
            v[keep++] = v[i];
    v = cp_xrealloc(v, (keep + 1) * sizeof *v);
    memo_entry *e = &v[keep++];
    memset(e, 0, sizeof *e);
    e->bytes = key;
    e->library = cp_hash_file_stamp(0, library);
    e->width = w;
    e->height = h;
    snprintf(e->library_path, sizeof e->library_path, "%s", library);
    cp_cache_store_records(memo_name, memo_magic, MEMO_VERSION, v, sizeof *v, keep);
    free(v);
    pthread_mutex_unlock(&memo_lock);
}

/* Parses the logo's bytes with librsvg: the handle, or NULL with an error. remember (a key from
 * bytes_key, or 0): keep its proportions in the cache folder under it. */
static void *parse(const char *path, const char *name, const void *data, size_t len, cp_pos at,
                   double *w, double *h, uint64_t remember, cp_diags *d)
{
    char why[CP_MODULE_WHY_LEN];
    const cp_svg_api *api = svg_api(why, sizeof why);
    if (!api) {
        cp_error(d, at, "cannot read logo '%s': %s", name, why);
        return NULL;
    }
    void *handle = api->open(path, data, len, w, h, why, sizeof why);
    if (!handle) {
        cp_error(d, at, "logo '%s' is not a readable SVG file: %s", name, why);
        return NULL;
    }
    if (*w <= 0 || *h <= 0) {
        cp_error(d, at,
                 "logo '%s' has no size: give its <svg> element a viewBox (or a width and a "
                 "height)",
                 name);
        api->free(handle);
        return NULL;
    }
    if (remember)
        note(remember, api->library(), *w, *h);
    return handle;
}

cp_svg *cp_svg_open(const char *path, const char *name, cp_pos at, cp_diags *d)
{
    size_t len = 0;
    char *data = cp_read_file(path, &len);
    if (!data) {
        cp_error(d, at, "cannot read logo '%s': %s", name, strerror(errno));
        return NULL;
    }
    uint64_t hash = cp_hash_bytes(data, len), key = bytes_key(hash);
    double w = 0, h = 0;
    void *handle = NULL;
    if (!recall(key, &w, &h)) {
        handle = parse(path, name, data, len, at, &w, &h, key, d);
        if (!handle) {
            free(data);
            return NULL;
        }
    }
    free(data);
    cp_svg *svg = cp_xcalloc(1, sizeof *svg);
    svg->path = cp_xstrdup(path);
    svg->name = cp_xstrdup(name);
    svg->at = at;
    svg->width = w;
    svg->height = h;
    svg->parsed = cp_xcalloc(1, sizeof *svg->parsed);
    svg->parsed->handle = handle;
    svg->hash = hash;
    return svg;
}

void cp_svg_free(cp_svg *svg)
{
    if (!svg)
        return;
    if (svg->parsed && svg->parsed->handle) {
        char why[CP_MODULE_WHY_LEN];
        svg_api(why, sizeof why)->free(svg->parsed->handle);
    }
    free(svg->parsed);
    free(svg->path);
    free(svg->name);
    free(svg->key);
    free(svg->at_file);
    free(svg);
}

/* The handle, parsed now if the layout took the logo's size from the cache folder: from the
 * file as it is now, which must be the bytes the layout measured. */
static void *handle_of(const cp_svg *svg, cp_diags *d)
{
    if (svg->parsed->handle)
        return svg->parsed->handle;
    size_t len = 0;
    char *data = cp_read_file(svg->path, &len);
    if (!data) {
        cp_error(d, svg->at, "cannot read logo '%s' to draw it: %s", svg->name, strerror(errno));
        return NULL;
    }
    double w = 0, h = 0;
    void *handle = NULL;
    if (cp_hash_bytes(data, len) != svg->hash)
        cp_error(d, svg->at, "logo '%s' changed while calpress was running: build again",
                 svg->name);
    else
        handle = parse(svg->path, svg->name, data, len, svg->at, &w, &h, 0, d);
    free(data);
    if (handle && (w != svg->width || h != svg->height)) {
        cp_error(d, svg->at,
                 "logo '%s' measures %g x %g now and %g x %g when it was laid out (calpress's "
                 "SVG module changed?): build again",
                 svg->name, w, h, svg->width, svg->height);
        char why[CP_MODULE_WHY_LEN];
        svg_api(why, sizeof why)->free(handle);
        handle = NULL;
    }
    svg->parsed->handle = handle;
    return handle;
}

bool cp_svg_draw(const cp_svg *svg, cairo_t *cr, double x, double y, double w, double h,
                 cp_diags *d)
{
    void *handle = handle_of(svg, d);
    if (!handle)
        return false;
    char why[CP_MODULE_WHY_LEN];
    const cp_svg_api *api = svg_api(why, sizeof why);
    if (!api->draw(handle, cr, x, y, w, h, why, sizeof why)) {
        cp_error(d, svg->at, "cannot draw logo '%s': %s", svg->name, why);
        return false;
    }
    return true;
}
