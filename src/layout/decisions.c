/* The layout decisions of earlier runs: one cache file, its entries sorted by key, checked whole
 * (a checksum over the file) before any is used. */
#include "layout/decisions.h"
#include "base/cache.h"
#include "base/hash.h"
#include "base/util.h"
#include "layout/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILE_NAME   "layout.bin"
#define MAGIC       "CPLAYDC3"
#define MAX_ENTRIES 8192 /* about 330 kB: the decisions of a few dozen calendars */

/* An entry as stored: padding zeroed, so equal entries are equal bytes. */
typedef struct entry {
    unsigned char key[16];
    uint32_t gen; /* the store's generation when it was last used */
    cp_decision d;
} entry;

/* cp_decision has no padding, so an entry's bytes are its values (and the zeroed gap after gen). */
_Static_assert(sizeof(cp_decision) == 16, "cp_decision must have no padding");

typedef struct header {
    char magic[8];
    uint32_t entry_size, count;
    uint32_t gen;
    uint32_t reserved;
} header;

/* Entries of every environment live side by side, each key mixed with its environment's hash:
 * a run of preview (another draw target), of another build or under another locale finds none
 * of a render's, and takes nothing from them, but does not push them out either, except by the
 * cap on the file's size. */
struct cp_decisions {
    unsigned char env[16];
    entry *e;
    size_t n, cap;
    size_t n_sorted; /* e[0..n_sorted) came from the file, sorted by key */
    uint32_t gen;
    bool dirty;
    unsigned long asked, found;
};

static int by_key(const void *a, const void *b)
{
    return memcmp(((const entry *)a)->key, ((const entry *)b)->key, 16);
}

static int by_recency(const void *a, const void *b)
{
    uint32_t x = ((const entry *)a)->gen, y = ((const entry *)b)->gen;
    return x > y ? -1 : x < y ? 1 : by_key(a, b);
}

/* The file's entries if it is whole and sorted; else nothing is taken. */
static void load(cp_decisions *dc)
{
    size_t len = 0;
    size_t max = sizeof(header) + (size_t)MAX_ENTRIES * sizeof(entry) + 8;
    unsigned char *buf = cp_cache_load(FILE_NAME, max, &len);
    header h;
    if (!buf || len < sizeof h + 8)
        goto done;
    memcpy(&h, buf, sizeof h);
    if (memcmp(h.magic, MAGIC, 8) != 0 || h.entry_size != sizeof(entry) || h.count > MAX_ENTRIES ||
        len != sizeof h + (size_t)h.count * sizeof(entry) + 8)
        goto done;
    uint64_t sum;
    memcpy(&sum, buf + len - 8, 8);
    if (sum != cp_hash_bytes(buf, len - 8))
        goto done;
    if (h.count) {
        cp_grow((void **)&dc->e, &dc->cap, h.count, sizeof *dc->e);
        memcpy(dc->e, buf + sizeof h, (size_t)h.count * sizeof *dc->e);
    }
    for (size_t i = 1; i < h.count; i++)
        if (by_key(&dc->e[i - 1], &dc->e[i]) >= 0)
            goto done; /* not sorted: take nothing */
    dc->n = dc->n_sorted = h.count;
    dc->gen = h.gen + 1;
done:
    free(buf);
}

cp_decisions *cp_decisions_open(const unsigned char env[16])
{
    cp_decisions *dc = cp_xcalloc(1, sizeof *dc);
    memcpy(dc->env, env, 16);
    dc->gen = 1;
    load(dc);
    return dc;
}

/* The key as stored: the request's, mixed with the environment's. */
static void stored_key(const cp_decisions *dc, const cp_decision_key *key, unsigned char out[16])
{
    for (int i = 0; i < 16; i++)
        out[i] = key->b[i] ^ dc->env[i];
}

static entry *find(cp_decisions *dc, const cp_decision_key *key)
{
    entry probe;
    stored_key(dc, key, probe.key);
    entry *hit = dc->n_sorted ? bsearch(&probe, dc->e, dc->n_sorted, sizeof *dc->e, by_key) : NULL;
    for (size_t i = dc->n_sorted; !hit && i < dc->n; i++)
        if (memcmp(dc->e[i].key, probe.key, 16) == 0)
            hit = &dc->e[i];
    return hit;
}

bool cp_decisions_get(cp_decisions *dc, const cp_decision_key *key, cp_decision *out)
{
    dc->asked++;
    entry *e = find(dc, key);
    if (!e)
        return false;
    if (e < dc->e + dc->n_sorted)
        dc->found++; /* an earlier run's, not one this run made */
    if (e->gen != dc->gen && dc->n_sorted > MAX_ENTRIES / 2)
        dc->dirty = true; /* near the cap, what is used must be seen to be */
    e->gen = dc->gen;
    *out = e->d;
    return true;
}

void cp_decisions_put(cp_decisions *dc, const cp_decision_key *key, const cp_decision *d)
{
    entry *e = find(dc, key);
    if (!e) {
        cp_grow((void **)&dc->e, &dc->cap, dc->n + 1, sizeof *dc->e);
        e = &dc->e[dc->n++];
        memset(e, 0, sizeof *e);
        stored_key(dc, key, e->key);
    }
    e->gen = dc->gen;
    e->d = *d;
    dc->dirty = true;
}

void cp_decisions_store(cp_decisions *dc)
{
    if (!dc->dirty)
        return;
    if (dc->n > MAX_ENTRIES) { /* the most recently used are kept */
        qsort(dc->e, dc->n, sizeof *dc->e, by_recency);
        dc->n = MAX_ENTRIES;
    }
    qsort(dc->e, dc->n, sizeof *dc->e, by_key);
    dc->n_sorted = dc->n;
    header h = {.entry_size = sizeof(entry), .count = (uint32_t)dc->n, .gen = dc->gen};
    memcpy(h.magic, MAGIC, 8);
    size_t len = sizeof h + dc->n * sizeof(entry) + 8;
    unsigned char *buf = cp_xmalloc(len);
    memcpy(buf, &h, sizeof h);
    if (dc->n)
        memcpy(buf + sizeof h, dc->e, dc->n * sizeof(entry));
    uint64_t sum = cp_hash_bytes(buf, len - 8);
    memcpy(buf + len - 8, &sum, 8);
    cp_cache_store(FILE_NAME, buf, len);
    free(buf);
    dc->dirty = false;
}

void cp_decisions_close(cp_decisions *dc)
{
    if (!dc)
        return;
    cp_decisions_store(dc);
    free(dc->e);
    free(dc);
}

void cp_decisions_counts(const cp_decisions *dc, unsigned long *asked, unsigned long *found)
{
    *asked = dc ? dc->asked : 0;
    *found = dc ? dc->found : 0;
}

/* ---- Keys, and the typesetter's decisions ---- */

static void hash_req(cp_hasher *h, const cp_text_req *req)
{
    cp_style_hash(req->style, h);
    cp_hasher_str(h, req->lang);
    cp_hasher_f64(h, req->width);
    cp_hasher_f64(h, req->hang);
    cp_hasher_u64(h, req->no_wrap);
    for (const char *const *k = req->keep; k && *k; k++)
        cp_hasher_str(h, *k);
    cp_hasher_str(h, NULL);
}

static void hash_para(cp_hasher *h, const cp_para *para)
{
    cp_hasher_str(h, para->text);
    cp_hasher_u64(h, para->n_spans);
    for (size_t i = 0; i < para->n_spans; i++) {
        cp_hasher_u64(h, para->spans[i].flags);
        cp_hasher_u64(h, para->spans[i].start);
        cp_hasher_u64(h, para->spans[i].end);
    }
}

static void key_out(cp_hasher *h, cp_decision_key *out)
{
    cp_hasher_digest128(h, out->b);
    cp_hasher_finish(h);
}

void cp_decision_para_key(const cp_text_req *req, const cp_para *para, double size_pt, bool first,
                          cp_decision_key *out)
{
    cp_hasher h;
    cp_hasher_init(&h);
    cp_hasher_str(&h, "para");
    hash_req(&h, req);
    hash_para(&h, para);
    cp_hasher_f64(&h, size_pt);
    cp_hasher_u64(&h, first);
    key_out(&h, out);
}

void cp_decision_frame_key(const char *op, const cp_text_req *req, const cp_richtext *rt,
                           double max_height, cp_decision_key *out)
{
    cp_hasher h;
    cp_hasher_init(&h);
    cp_hasher_str(&h, op);
    hash_req(&h, req);
    cp_hasher_u64(&h, rt->n_paras);
    for (size_t i = 0; i < rt->n_paras; i++)
        hash_para(&h, &rt->paras[i]);
    cp_hasher_f64(&h, max_height);
    key_out(&h, out);
}

/* The libraries whose code sets the text: a new version of any may set it differently. */
static const char *const text_libraries[] = {
    "libpango",   "libharfbuzz", "libcairo", "libfreetype", "libfontconfig", "libglib",
    "libgobject", "libfribidi",  "libthai",  "libdatrie",   "libgraphite2",  "libhyphen",
    "libicu",     "libexpat",    "libc.so",  "libm.so",     "libstdc++",     NULL};

/* Settings of the environment that Pango and HarfBuzz read. */
static const char *const text_settings[] = {"PANGO_LANGUAGE", "LANGUAGE", "HB_OPTIONS",
                                            "HB_SHAPER_LIST", NULL};

cp_decisions *cp_typesetter_decisions(cp_typesetter *ts)
{
    if (ts->decisions_tried)
        return ts->decisions;
    ts->decisions_tried = true;
    const char *env = getenv("CALPRESS_LAYOUT_CACHE");
    if ((env && strcmp(env, "off") == 0) || getenv("CALPRESS_VERIFY_UNSET") || !cp_cache_dir())
        return NULL;
    cp_hasher h;
    cp_hasher_init(&h);
    cp_hasher_str(&h, "calpress layout decisions 1");
    cp_hasher_build_ids(&h, text_libraries);
    cp_fonts_stamp(ts->fonts, &h);
    cp_hyph_stamp(ts->hyph, &h);
    cp_hasher_u64(&h, ts->target);
    cp_hasher_str(&h, pango_language_to_string(pango_language_get_default()));
    for (const char *const *v = text_settings; *v; v++)
        cp_hasher_str(&h, getenv(*v));
    unsigned char key[16];
    cp_hasher_digest128(&h, key);
    cp_hasher_finish(&h);
    ts->decisions = cp_decisions_open(key);
    return ts->decisions;
}

void cp_typesetter_decision_counts(const cp_typesetter *ts, unsigned long *asked,
                                   unsigned long *found)
{
    cp_decisions_counts(ts->decisions, asked, found);
}

static unsigned long verified_same, verified_differ;

static void verified_report(void)
{
    fprintf(stderr,
            "calpress: verify-decisions: %lu decisions from the cache checked, %lu differ\n",
            verified_same + verified_differ, verified_differ);
}

bool cp_decisions_verifying(void)
{
    static int on = -1;
    if (on < 0) {
        on = getenv("CALPRESS_VERIFY_DECISIONS") != NULL;
        if (on)
            atexit(verified_report);
    }
    return on;
}

void cp_decisions_verified(bool same)
{
    if (same)
        verified_same++;
    else
        verified_differ++;
}
