/* libhyphen dictionaries compiled once: the parsed pattern machine kept in the cache folder as a
 * relocatable image, so that a run maps one file instead of parsing 100 kB of patterns. */
#define _POSIX_C_SOURCE 200809L
#include "layout/hyphcache.h"
#include "base/cache.h"
#include "base/hash.h"
#include "base/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Bump when the image's layout changes. */
#define HC_MAGIC "CPHYPH\0\2"
enum { HC_MAX_LEVELS = 8, HC_MAX_BYTES = 64 << 20 };

/* What the image was made from and for: the dictionary file's stamp and this build's struct
 * sizes. An image that does not match in every field is made again. */
typedef struct hc_header {
    char magic[8];
    uint32_t sizes[4];
    uint64_t path_hash, dev, ino, size;
    int64_t mtime_s, mtime_ns, ctime_s, ctime_ns;
    uint64_t body_len, body_hash;
} hc_header;

/* In the image, a pointer is stored as its target's offset in the body plus one (0: NULL). */
typedef struct hc_writer {
    unsigned char *body;
    size_t len, cap;
} hc_writer;

static size_t hc_put(hc_writer *w, const void *data, size_t n, size_t align)
{
    size_t at = (w->len + align - 1) / align * align;
    cp_grow((void **)&w->body, &w->cap, at + n, 1);
    memset(w->body + w->len, 0, at - w->len);
    if (data)
        memcpy(w->body + at, data, n);
    else
        memset(w->body + at, 0, n);
    w->len = at + n;
    return at;
}

static void *hc_ref(size_t off)
{
    return (void *)(uintptr_t)(off + 1);
}

/* The length of a NUL-terminated string plus its NUL, or of nohyphen's n + 1 strings. */
static size_t strings_len(const char *s, int extra)
{
    size_t n = 0;
    for (int i = 0; i <= extra; i++)
        n += strlen(s + n) + 1;
    return n;
}

static size_t hc_put_string(hc_writer *w, const char *s, int extra)
{
    return s ? hc_put(w, s, strings_len(s, extra), 1) + 1 : 0;
}

/* Appends one level's dictionary, its states, transitions and strings; returns the offset of
 * the HyphenDict (its nextlevel is set by the caller). Structures are copied field by field
 * into zeroed ones, so their padding is zeros and the image the same on every run. */
static size_t hc_put_level(hc_writer *w, const HyphenDict *d)
{
    size_t at = hc_put(w, NULL, sizeof(HyphenDict), _Alignof(HyphenDict));
    size_t states =
        hc_put(w, NULL, (size_t)d->num_states * sizeof(HyphenState), _Alignof(HyphenState));
    for (int i = 0; i < d->num_states; i++) {
        const HyphenState *s = &d->states[i];
        size_t trans = 0;
        if (s->num_trans > 0) {
            trans =
                hc_put(w, NULL, (size_t)s->num_trans * sizeof(HyphenTrans), _Alignof(HyphenTrans));
            HyphenTrans *t = (HyphenTrans *)(w->body + trans);
            for (int k = 0; k < s->num_trans; k++) {
                t[k].ch = s->trans[k].ch;
                t[k].new_state = s->trans[k].new_state;
            }
            trans++;
        }
        size_t match = hc_put_string(w, s->match, 0);
        size_t repl = hc_put_string(w, s->repl, 0);
        HyphenState *out = (HyphenState *)(w->body + states) + i;
        out->match = match ? hc_ref(match - 1) : NULL;
        out->repl = repl ? hc_ref(repl - 1) : NULL;
        out->replindex = s->replindex;
        out->replcut = s->replcut;
        out->fallback_state = s->fallback_state;
        out->num_trans = s->num_trans;
        out->trans = trans ? hc_ref(trans - 1) : NULL;
    }
    size_t nohyphen = hc_put_string(w, d->nohyphen, d->nohyphenl);
    HyphenDict *out = (HyphenDict *)(w->body + at);
    out->lhmin = d->lhmin;
    out->rhmin = d->rhmin;
    out->clhmin = d->clhmin;
    out->crhmin = d->crhmin;
    out->nohyphen = nohyphen ? hc_ref(nohyphen - 1) : NULL;
    out->nohyphenl = d->nohyphenl;
    out->num_states = d->num_states;
    memcpy(out->cset, d->cset, sizeof out->cset);
    out->utf8 = d->utf8;
    out->states = d->num_states > 0 ? hc_ref(states) : NULL;
    out->nextlevel = NULL;
    return at;
}

static bool stamp(const char *path, hc_header *h)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return false;
    memset(h, 0, sizeof *h);
    memcpy(h->magic, HC_MAGIC, 8);
    h->sizes[0] = sizeof(HyphenDict);
    h->sizes[1] = sizeof(HyphenState);
    h->sizes[2] = sizeof(HyphenTrans);
    h->sizes[3] = sizeof(void *);
    h->path_hash = cp_hash_bytes(path, strlen(path));
    h->dev = (uint64_t)st.st_dev;
    h->ino = (uint64_t)st.st_ino;
    h->size = (uint64_t)st.st_size;
    h->mtime_s = (int64_t)st.st_mtim.tv_sec;
    h->mtime_ns = (int64_t)st.st_mtim.tv_nsec;
    h->ctime_s = (int64_t)st.st_ctim.tv_sec;
    h->ctime_ns = (int64_t)st.st_ctim.tv_nsec;
    return true;
}

static void cache_name(const char *path, char name[64])
{
    char hex[17];
    snprintf(name, 64, "hyph-%s.bin", cp_hash_hex(cp_hash_bytes(path, strlen(path)), hex));
}

static void store(const char *path, const HyphenDict *dict, const hc_header *stamped)
{
    int levels = 0;
    for (const HyphenDict *d = dict; d; d = d->nextlevel)
        if (++levels > HC_MAX_LEVELS)
            return;
    hc_writer w = {0};
    size_t prev = SIZE_MAX;
    for (const HyphenDict *d = dict; d; d = d->nextlevel) {
        size_t at = hc_put_level(&w, d);
        if (prev != SIZE_MAX)
            ((HyphenDict *)(w.body + prev))->nextlevel = hc_ref(at);
        prev = at;
    }
    hc_header h = *stamped;
    h.body_len = w.len;
    h.body_hash = cp_hash_bytes(w.body, w.len);
    unsigned char *file = cp_xmalloc(sizeof h + w.len);
    memcpy(file, &h, sizeof h);
    memcpy(file + sizeof h, w.body, w.len);
    char name[64];
    cache_name(path, name);
    cp_cache_store(name, file, sizeof h + w.len);
    free(file);
    free(w.body);
}

/* A checked image: every pointer inside the body, every string terminated, every state number
 * a state. Turns offsets into pointers; false if anything is out of place. */
typedef struct hc_reader {
    unsigned char *body;
    size_t len;
} hc_reader;

static bool hc_ptr(const hc_reader *r, void *stored, size_t n, size_t align, void **out)
{
    uintptr_t v = (uintptr_t)stored;
    if (v == 0) {
        *out = NULL;
        return true;
    }
    size_t off = (size_t)(v - 1);
    if (off > r->len || n > r->len - off || off % align != 0)
        return false;
    *out = r->body + off;
    return true;
}

static bool hc_string(const hc_reader *r, char **s, int extra)
{
    void *p;
    if (!hc_ptr(r, *s, 0, 1, &p))
        return false;
    *s = p;
    if (!p)
        return true;
    size_t off = (size_t)((unsigned char *)p - r->body), n = 0;
    for (int i = 0; i <= extra; i++) {
        const unsigned char *nul = memchr(r->body + off + n, '\0', r->len - off - n);
        if (!nul)
            return false;
        n = (size_t)(nul - (r->body + off)) + 1;
        if (off + n > r->len)
            return false;
    }
    return true;
}

static bool hc_state(const hc_reader *r, HyphenState *s, int num_states)
{
    void *p;
    if (s->num_trans < 0 || s->fallback_state < -1 || s->fallback_state >= num_states ||
        !hc_ptr(r, s->trans, (size_t)s->num_trans * sizeof *s->trans, _Alignof(HyphenTrans), &p) ||
        (s->num_trans > 0 && !p))
        return false;
    s->trans = p;
    for (int k = 0; k < s->num_trans; k++)
        if (s->trans[k].new_state < 0 || s->trans[k].new_state >= num_states)
            return false;
    return hc_string(r, &s->match, 0) && hc_string(r, &s->repl, 0);
}

static bool hc_level(const hc_reader *r, HyphenDict *d)
{
    void *p;
    if (d->num_states < 1 || d->nohyphenl < 0 ||
        !hc_ptr(r, d->states, (size_t)d->num_states * sizeof *d->states, _Alignof(HyphenState),
                &p) ||
        !p)
        return false;
    d->states = p;
    for (int i = 0; i < d->num_states; i++)
        if (!hc_state(r, &d->states[i], d->num_states))
            return false;
    d->cset[MAX_NAME - 1] = '\0';
    return hc_string(r, &d->nohyphen, d->nohyphenl);
}

/* The image in buf (header and body) as a dictionary pointing into buf, or NULL. */
static HyphenDict *relocate(unsigned char *buf, size_t len, const hc_header *want)
{
    hc_header h;
    if (len < sizeof h)
        return NULL;
    memcpy(&h, buf, sizeof h);
    hc_reader r = {buf + sizeof h, len - sizeof h};
    if (memcmp(h.magic, want->magic, 8) != 0 || memcmp(h.sizes, want->sizes, sizeof h.sizes) ||
        h.path_hash != want->path_hash || h.dev != want->dev || h.ino != want->ino ||
        h.size != want->size || h.mtime_s != want->mtime_s || h.mtime_ns != want->mtime_ns ||
        h.ctime_s != want->ctime_s || h.ctime_ns != want->ctime_ns || h.body_len != r.len ||
        h.body_hash != cp_hash_bytes(r.body, r.len) || (uintptr_t)r.body % 16 != 0)
        return NULL;
    void *p; /* the first level opens the body */
    if (!hc_ptr(&r, hc_ref(0), sizeof(HyphenDict), _Alignof(HyphenDict), &p))
        return NULL;
    HyphenDict *dict = p;
    HyphenDict *d = dict;
    for (int levels = 0; d; levels++) {
        if (levels == HC_MAX_LEVELS || !hc_level(&r, d))
            return NULL;
        void *next;
        /* levels follow one another in the body: no loop can be made of them */
        if (!hc_ptr(&r, d->nextlevel, sizeof(HyphenDict), _Alignof(HyphenDict), &next) ||
            (next && (unsigned char *)next <= (unsigned char *)d))
            return NULL;
        d->nextlevel = next;
        d = next;
    }
    return dict;
}

HyphenDict *cp_hyph_dict_load(const char *path, void **block)
{
    *block = NULL;
    hc_header want;
    if (!stamp(path, &want))
        return hnj_hyphen_load(path);
    char name[64];
    cache_name(path, name);
    size_t len;
    unsigned char *buf = cp_cache_load(name, HC_MAX_BYTES, &len);
    if (buf) {
        /* The body must sit 16-aligned in memory as it did when written: copy it so. */
        unsigned char *aligned = NULL;
        if (posix_memalign((void **)&aligned, 16, len + 16) == 0) {
            size_t pad = (16 - sizeof(hc_header) % 16) % 16;
            memcpy(aligned + pad, buf, len);
            HyphenDict *d = relocate(aligned + pad, len, &want);
            if (d) {
                free(buf);
                *block = aligned;
                return d;
            }
            free(aligned);
        }
        free(buf);
    }
    HyphenDict *d = hnj_hyphen_load(path);
    if (d)
        store(path, d, &want);
    return d;
}

void cp_hyph_dict_free(HyphenDict *dict, void *block)
{
    if (block)
        free(block);
    else if (dict)
        hnj_hyphen_free(dict);
}
