/* The shapings shapememo.c keeps, in the cache folder.
 *
 * Glyphs spell the text they were shaped from, so what is kept is held to the text a calendar
 * sets now. Each calendar (the manifest's real path, by its hash) has its own pair of files, so
 * two calendars worked on in turn, or a check of a small test manifest, do not push each
 * other's shapings out:
 * - shaping-ID.bin: an index of keys (XXH3-128 of a shaping's whole input), sorted for a binary
 *   search, each naming its glyphs in the glyph records that follow, and an XXH3 of all;
 * - shaping-ID.use: the calendar's run count and, for each entry, the last run that used it,
 *   with the XXH3 of the .bin it speaks of.
 * A run keeps the entries it used (found or made) and those the run before it used (a check and
 * a render set a few different labels); the rest go. So text taken out of a story is gone from
 * the folder by the end of the second run after the edit, and a run with errors (a never-print
 * word found, say) removes the calendar's files. The .use file is
 * rewritten by a run that used other entries than the last one, the .bin only when entries come
 * or go. At most MAX_CALENDARS calendars' files are kept, the least recently written go. A
 * build's end (cp_fonts_shaping_build_end: the end of a run, or of each build under watch)
 * writes what it leaves, or removes the calendar's files at once if it failed. */
#define _DEFAULT_SOURCE /* st_mtim */
#include "fonts/shapestore.h"
#include "fonts/fcmatch.h"
#include "fonts/fonts.h"
#include "base/cache.h"
#include "base/hash.h"
#include "base/slots.h"
#include "base/util.h"

#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum {
    VERSION = 1,
    MAX_GLYPHS = 1 << 17, /* 3.5 MB of glyphs: the sample's check and render use 35,000 */
    MAX_CALENDARS = 8,
};
static const char data_magic[8] = "CPSHAPE";
static const char use_magic[8] = "CPSHUSE";

typedef struct entry {
    unsigned char key[16];
    uint32_t first, n; /* its glyphs */
} entry;

/* shaping-ID.bin: magic, version, entry and glyph counts, 4 bytes of zero, entries, glyphs, an
 * XXH3 of all before it. shaping-ID.use: magic, version, entry count, run count, the .bin's
 * XXH3, the entries' last runs, an XXH3 of all before it. */
enum { DATA_HEADER = 8 + 4 + 4 + 4 + 4, USE_HEADER = 8 + 4 + 4 + 4 + 8, TRAILER = 8 };

static struct {
    pthread_mutex_t lock;
    bool loaded, verify;
    char name[40];       /* the calendar's files' name, without .bin and .use */
    unsigned char *file; /* shaping-ID.bin as read; kept and kept_glyphs point into it */
    uint64_t file_sum;
    const entry *kept;
    size_t n_kept;
    const cp_shape_glyph *kept_glyphs;
    size_t n_kept_glyphs;
    unsigned char *used; /* per kept entry: looked up by this run */
    uint32_t run;        /* the calendar's runs counted so far */
    uint32_t *last;      /* per kept entry: the last run that used it */
    entry *added;        /* made by this run, found by table */
    size_t n_added, cap_added;
    cp_shape_glyph *glyphs; /* theirs */
    size_t n_glyphs, cap_glyphs;
    cp_slots table;
} st = {.lock = PTHREAD_MUTEX_INITIALIZER, .name = "shaping"};

static const char *file_name(char *buf, size_t n, const char *ext)
{
    snprintf(buf, n, "%s.%s", st.name, ext);
    return buf;
}

/* shaping-ID.bin whole and checked, or NULL. */
static unsigned char *load_data(size_t *len)
{
    char name[48];
    size_t max =
        DATA_HEADER + (size_t)MAX_GLYPHS * (sizeof(entry) + sizeof(cp_shape_glyph)) + TRAILER;
    unsigned char *f = cp_cache_load(file_name(name, sizeof name, "bin"), max, len);
    uint32_t version, n, glyphs;
    bool ok = f && *len >= DATA_HEADER + TRAILER && memcmp(f, data_magic, 8) == 0;
    if (ok) {
        memcpy(&version, f + 8, 4);
        memcpy(&n, f + 12, 4);
        memcpy(&glyphs, f + 16, 4);
        memcpy(&st.file_sum, f + *len - TRAILER, 8);
        ok = version == VERSION && n <= MAX_GLYPHS && glyphs <= MAX_GLYPHS &&
             *len == DATA_HEADER + n * sizeof(entry) + glyphs * sizeof(cp_shape_glyph) + TRAILER &&
             st.file_sum == cp_hash_bytes(f, *len - TRAILER);
    }
    const entry *e = ok ? (const entry *)(f + DATA_HEADER) : NULL;
    for (uint32_t i = 0; ok && i < n; i++)
        ok = e[i].first <= glyphs && e[i].n <= glyphs - e[i].first &&
             (i == 0 || memcmp(e[i - 1].key, e[i].key, 16) < 0);
    if (!ok) {
        free(f);
        return NULL;
    }
    st.kept = e;
    st.n_kept = n;
    st.kept_glyphs = (const cp_shape_glyph *)(f + DATA_HEADER + n * sizeof(entry));
    st.n_kept_glyphs = glyphs;
    return f;
}

/* The runs that last used each entry, from shaping-ID.use when it speaks of this .bin; else
 * (no .use, a damaged one, or one a crash left from before the .bin) none counts as used by the
 * last run, so this run keeps only what it uses. */
static void load_use(void)
{
    st.last = cp_xcalloc(st.n_kept ? st.n_kept : 1, sizeof *st.last);
    st.run = 1;
    char name[48];
    size_t len = 0;
    unsigned char *f = cp_cache_load(file_name(name, sizeof name, "use"),
                                     USE_HEADER + st.n_kept * 4 + TRAILER, &len);
    uint32_t version, n, run;
    uint64_t data, sum;
    bool ok = f && len == USE_HEADER + st.n_kept * 4 + TRAILER && memcmp(f, use_magic, 8) == 0;
    if (ok) {
        memcpy(&version, f + 8, 4);
        memcpy(&n, f + 12, 4);
        memcpy(&run, f + 16, 4);
        memcpy(&data, f + 20, 8);
        memcpy(&sum, f + len - TRAILER, 8);
        ok = version == VERSION && n == st.n_kept && data == st.file_sum && run > 0 &&
             sum == cp_hash_bytes(f, len - TRAILER);
    }
    if (ok) {
        st.run = run;
        memcpy(st.last, f + USE_HEADER, st.n_kept * 4);
    }
    for (size_t i = 0; i < st.n_kept; i++)
        if (!ok || st.last[i] > st.run)
            st.last[i] = ok ? st.run : 0;
    free(f);
}

/* Under st.lock. */
static void load(void)
{
    st.loaded = true;
    st.verify = getenv("CALPRESS_VERIFY_SHAPING") != NULL;
    size_t len = 0;
    st.file = load_data(&len);
    if (!st.file) {
        st.kept = NULL;
        st.n_kept = st.n_kept_glyphs = 0;
        st.file_sum = 0;
    }
    st.used = cp_xcalloc(st.n_kept ? st.n_kept : 1, 1);
    load_use();
}

bool cp_shape_verifying(void)
{
    pthread_mutex_lock(&st.lock);
    if (!st.loaded)
        load();
    bool v = st.verify;
    pthread_mutex_unlock(&st.lock);
    return v;
}

static int cmp_key(const void *a, const void *b)
{
    return memcmp(a, b, 16);
}

static uint64_t key_hash(const unsigned char key[16])
{
    uint64_t x;
    memcpy(&x, key, 8);
    return x;
}

static uint64_t added_hash(const void *unused, size_t place)
{
    (void)unused;
    return key_hash(st.added[place].key);
}

static const entry *find_added(const unsigned char key[16])
{
    size_t i = 0;
    for (size_t at; (at = cp_slots_next(&st.table, key_hash(key), &i)) != SIZE_MAX;)
        if (memcmp(st.added[at].key, key, 16) == 0)
            return &st.added[at];
    return NULL;
}

cp_shape_glyph *cp_shape_recall(const unsigned char key[16], size_t *n)
{
    pthread_mutex_lock(&st.lock);
    if (!st.loaded)
        load();
    const entry *e = st.n_kept ? bsearch(key, st.kept, st.n_kept, sizeof *st.kept, cmp_key) : NULL;
    const cp_shape_glyph *from = NULL;
    if (e) {
        st.used[e - st.kept] = 1;
        from = st.kept_glyphs + e->first;
    } else if ((e = find_added(key))) {
        from = st.glyphs + e->first;
    }
    cp_shape_glyph *copy = NULL;
    if (e) {
        *n = e->n;
        copy = cp_xmalloc(e->n ? e->n * sizeof *copy : 1);
        if (e->n)
            memcpy(copy, from, e->n * sizeof *copy);
    }
    pthread_mutex_unlock(&st.lock);
    return copy;
}

void cp_shape_note(const unsigned char key[16], const cp_shape_glyph *g, size_t n)
{
    pthread_mutex_lock(&st.lock);
    if (!st.loaded)
        load();
    /* A process that shapes this much keeps what it has. */
    bool known = find_added(key) ||
                 (st.n_kept && bsearch(key, st.kept, st.n_kept, sizeof *st.kept, cmp_key));
    if (st.n_glyphs + n <= 4 * (size_t)MAX_GLYPHS && !known) {
        cp_slots_reserve(&st.table, st.n_added + 1, added_hash, NULL);
        cp_grow((void **)&st.glyphs, &st.cap_glyphs, st.n_glyphs + n, sizeof *st.glyphs);
        if (n)
            memcpy(st.glyphs + st.n_glyphs, g, n * sizeof *g);
        cp_grow((void **)&st.added, &st.cap_added, st.n_added + 1, sizeof *st.added);
        entry *e = &st.added[st.n_added];
        memcpy(e->key, key, 16);
        e->first = (uint32_t)st.n_glyphs;
        e->n = (uint32_t)n;
        st.n_glyphs += n;
        cp_slots_put(&st.table, key_hash(key), st.n_added++);
    }
    pthread_mutex_unlock(&st.lock);
}

/* The entries kept past this run (run): those it used and those the run before used. */
static bool stays(size_t i, uint32_t run)
{
    return st.used[i] || st.last[i] + 1 >= run;
}

static void write_use(const uint32_t *last, size_t n, uint32_t run, uint64_t data_sum)
{
    size_t len = USE_HEADER + n * 4 + TRAILER;
    unsigned char *f = cp_xmalloc(len);
    uint32_t version = VERSION, count = (uint32_t)n;
    memcpy(f, use_magic, 8);
    memcpy(f + 8, &version, 4);
    memcpy(f + 12, &count, 4);
    memcpy(f + 16, &run, 4);
    memcpy(f + 20, &data_sum, 8);
    if (n)
        memcpy(f + USE_HEADER, last, n * 4);
    uint64_t sum = cp_hash_bytes(f, len - TRAILER);
    memcpy(f + len - TRAILER, &sum, 8);
    char name[48];
    cp_cache_store(file_name(name, sizeof name, "use"), f, len);
    free(f);
}

typedef struct sorted {
    entry e;
    uint32_t last;
} sorted;

static int cmp_sorted(const void *a, const void *b)
{
    return memcmp(((const sorted *)a)->e.key, ((const sorted *)b)->e.key, 16);
}

/* The entries that stay and the added ones, sorted, their glyphs in g; how many. */
static size_t gather(uint32_t run, sorted *s, cp_shape_glyph *g)
{
    size_t n = 0, at = 0;
    for (size_t i = 0; i < st.n_kept; i++) {
        if (!stays(i, run))
            continue;
        s[n] = (sorted){.e = st.kept[i], .last = st.used[i] ? run : st.last[i]};
        s[n].e.first = (uint32_t)at;
        memcpy(g + at, st.kept_glyphs + st.kept[i].first, st.kept[i].n * sizeof *g);
        at += st.kept[i].n;
        n++;
    }
    for (size_t i = 0; i < st.n_added; i++) {
        s[n] = (sorted){.e = st.added[i], .last = run};
        s[n].e.first = (uint32_t)(at + st.added[i].first);
        n++;
    }
    if (st.n_glyphs)
        memcpy(g + at, st.glyphs, st.n_glyphs * sizeof *g);
    qsort(s, n, sizeof *s, cmp_sorted);
    return n;
}

static long long when_max(long long a, long long b)
{
    return a > b ? a : b;
}

/* Removes the files of the calendars written longest ago past MAX_CALENDARS. */
static void prune(void)
{
    const char *dir = cp_cache_dir();
    DIR *d = dir ? opendir(dir) : NULL;
    if (!d)
        return;
    struct old {
        char name[40];
        long long when;
    } v[64];
    size_t n = 0;
    char path[PATH_MAX];
    for (struct dirent *de; (de = readdir(d)) && n < sizeof v / sizeof *v;) {
        size_t len = strlen(de->d_name);
        struct stat sb;
        if (strncmp(de->d_name, "shaping-", 8) != 0 || len < 12 || len - 4 >= sizeof v[n].name ||
            strcmp(de->d_name + len - 4, ".bin") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (stat(path, &sb) != 0)
            continue;
        snprintf(v[n].name, sizeof v[n].name, "%.*s", (int)(len - 4), de->d_name);
        v[n].when = (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
        snprintf(path, sizeof path, "%s/%s.use", dir, v[n].name); /* written by every run */
        if (stat(path, &sb) == 0)
            v[n].when = when_max(v[n].when, sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec);
        n++;
    }
    closedir(d);
    for (; n > MAX_CALENDARS; n--) {
        size_t oldest = 0;
        for (size_t i = 1; i < n; i++)
            if (v[i].when < v[oldest].when)
                oldest = i;
        for (int k = 0; k < 2; k++) {
            snprintf(path, sizeof path, "%s.%s", v[oldest].name, k ? "use" : "bin");
            cp_cache_remove(path);
        }
        v[oldest] = v[n - 1];
    }
}

/* Writes shaping-ID.bin and .use with the entries that stay and the added ones. */
static void write_both(uint32_t run)
{
    size_t glyphs = st.n_glyphs;
    for (size_t i = 0; i < st.n_kept; i++)
        if (stays(i, run))
            glyphs += st.kept[i].n;
    char name[48];
    if (glyphs > MAX_GLYPHS) { /* too much to keep: none of it outlives the run */
        cp_cache_remove(file_name(name, sizeof name, "bin"));
        cp_cache_remove(file_name(name, sizeof name, "use"));
        return;
    }
    sorted *s = cp_xmalloc((st.n_kept + st.n_added + 1) * sizeof *s);
    cp_shape_glyph *g = cp_xmalloc((glyphs ? glyphs : 1) * sizeof *g);
    size_t n = gather(run, s, g);
    size_t len = DATA_HEADER + n * sizeof(entry) + glyphs * sizeof *g + TRAILER;
    unsigned char *f = cp_xmalloc(len);
    uint32_t *last = cp_xmalloc((n ? n : 1) * sizeof *last);
    uint32_t version = VERSION, count = (uint32_t)n, total = (uint32_t)glyphs, zero = 0;
    memcpy(f, data_magic, 8);
    memcpy(f + 8, &version, 4);
    memcpy(f + 12, &count, 4);
    memcpy(f + 16, &total, 4);
    memcpy(f + 20, &zero, 4);
    for (size_t i = 0; i < n; i++) {
        memcpy(f + DATA_HEADER + i * sizeof(entry), &s[i].e, sizeof(entry));
        last[i] = s[i].last;
    }
    memcpy(f + DATA_HEADER + n * sizeof(entry), g, glyphs * sizeof *g);
    uint64_t sum = cp_hash_bytes(f, len - TRAILER);
    memcpy(f + len - TRAILER, &sum, 8);
    bool first = !st.file;
    cp_cache_store(file_name(name, sizeof name, "bin"), f, len);
    write_use(last, n, run, sum);
    if (first)
        prune();
    free(last);
    free(f);
    free(g);
    free(s);
}

/* Writes what this run leaves (under st.lock): both files when entries come or go, the .use
 * file when the entries' last runs changed, nothing when this run used just what the last
 * one did. */
static void store(void)
{
    uint32_t run = st.run + 1;
    bool gone = false, same = true;
    for (size_t i = 0; i < st.n_kept; i++) {
        gone = gone || !stays(i, run);
        same = same && st.used[i] && st.last[i] == st.run;
    }
    if (st.n_added || gone) {
        write_both(run);
    } else if (!same) {
        uint32_t *last = cp_xmalloc((st.n_kept ? st.n_kept : 1) * sizeof *last);
        for (size_t i = 0; i < st.n_kept; i++)
            last[i] = st.used[i] ? run : st.last[i];
        write_use(last, st.n_kept, run, st.file_sum);
        free(last);
    }
}

static void reset(void)
{
    cp_slots_free(&st.table);
    free(st.added);
    free(st.glyphs);
    free(st.used);
    free(st.last);
    free(st.file);
    st.added = NULL;
    st.glyphs = NULL;
    st.used = NULL;
    st.last = NULL;
    st.file = NULL;
    st.kept = NULL;
    st.kept_glyphs = NULL;
    st.n_added = st.cap_added = st.n_glyphs = st.cap_glyphs = 0;
    st.n_kept = st.n_kept_glyphs = 0;
    st.loaded = false;
}

/* Writes what the calendar keeps, or with !keep (a failed build) removes its files; then starts
 * afresh. Under st.lock. */
static void store_and_reset(bool keep)
{
    char name[48];
    if (!keep) {
        cp_cache_remove(file_name(name, sizeof name, "bin"));
        cp_cache_remove(file_name(name, sizeof name, "use"));
    } else if (st.loaded) {
        store();
    }
    reset();
}

void cp_fonts_shaping_memo_store(void)
{
    pthread_mutex_lock(&st.lock);
    store_and_reset(true);
    pthread_mutex_unlock(&st.lock);
}

void cp_fonts_shaping_build_end(bool ok)
{
    pthread_mutex_lock(&st.lock);
    store_and_reset(ok);
    pthread_mutex_unlock(&st.lock);
}

void cp_shape_scope(const char *id)
{
    char name[sizeof st.name];
    snprintf(name, sizeof name, "shaping-%s", id);
    pthread_mutex_lock(&st.lock);
    if (strcmp(name, st.name) != 0) {
        store_and_reset(true);
        memcpy(st.name, name, sizeof name);
    }
    pthread_mutex_unlock(&st.lock);
}
