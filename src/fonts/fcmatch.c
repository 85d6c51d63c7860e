/* fontconfig's best match for a font pattern, kept between runs.
 *
 * Pango asks fontconfig for the best font of every pattern it meets (a font description at a
 * size in a language): FcFontSetMatch scores the pattern against each of the private
 * configuration's 49 fonts, some 200,000 instructions a pattern and 60 to 70 patterns a run, 3 %
 * of a check. The match depends on nothing but the pattern and the fonts' patterns
 * (fcmatch.c's FcFontSetMatchInternal), and the result is the best font prepared for the pattern
 * (FcFontRenderPrepare). calpress defines FcFontSetMatch in the program, so that Pango's calls
 * come here (the program's symbols come first, as for g_thread_new in fcsync.c): a pattern met
 * in an earlier run with the same fonts names its best font by its place in the font set, and
 * only FcFontRenderPrepare is called; any other call goes to fontconfig's FcFontSetMatch, and
 * its winner is noted.
 *
 * The memo is the cache folder's fcmatch.bin: entries keyed by an XXH3-128 of every element of
 * the pattern (object, binding, value: strings, numbers, matrices, ranges, language and
 * character sets) and of the font set: fontconfig's build ID, the configuration's files and the
 * fonts' files by their stamps (path, inode, size, times), and every element of every font's
 * pattern, in order (a font's language set by FcLangSetHash, which listing the languages of 49
 * fonts would cost more than the matches; the stamps cover what they come from); each gives the
 * winner's place, checked against its file and face index before it is used. A pattern holding
 * a value that cannot be hashed (an FT_Face) is matched by fontconfig. No cache folder
 * (CALPRESS_CACHE_DIR=off): every call goes to fontconfig. CALPRESS_VERIFY_FCMATCH=1 matches
 * every remembered pattern again and stops the run if the fonts differ (tests). */
#include "fonts/fcmatch.h"
#include "base/cache.h"
#include "base/hash.h"
#include "base/module.h"
#include "base/util.h"

#include <fontconfig/fontconfig.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MEMO_VERSION = 1, MEMO_MAX = 4096 };
static const char memo_magic[8] = "CPFCMAT";
static const char memo_name[] = "fcmatch.bin";

typedef struct memo_entry {
    unsigned char key[16];
    uint32_t place; /* the winner's index in the font set */
    int32_t face;   /* its FC_INDEX */
    uint64_t file;  /* cp_hash_bytes of its FC_FILE */
} memo_entry;

static struct {
    pthread_mutex_t lock;
    bool loaded, dirty;
    memo_entry *v;
    size_t n, cap;
    /* The last font set hashed, known by its patterns (pointers into the configuration). */
    FcPattern **set_fonts;
    int set_n;
    unsigned char set_hash[16];
    bool set_ok;
} memo = {.lock = PTHREAD_MUTEX_INITIALIZER};

typedef FcPattern *(*match_fn)(FcConfig *, FcFontSet **, int, FcPattern *, FcResult *);

static match_fn fontconfig_match(void)
{
    static void *slot;
    match_fn f;
    *(void **)&f = cp_module_next(&slot, "FcFontSetMatch");
    return f;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A language set's languages, sorted. */
static void hash_langs(cp_hasher *h, const FcLangSet *ls)
{
    FcStrSet *set = FcLangSetGetLangs(ls);
    FcStrList *it = set ? FcStrListCreate(set) : NULL;
    const char **langs = NULL;
    size_t n = 0, cap = 0;
    for (FcChar8 *s; it && (s = FcStrListNext(it));) {
        cp_grow((void **)&langs, &cap, n + 1, sizeof *langs);
        langs[n++] = (const char *)s;
    }
    if (n)
        qsort(langs, n, sizeof *langs, cmp_str);
    cp_hasher_u64(h, n);
    for (size_t i = 0; i < n; i++)
        cp_hasher_str(h, langs[i]);
    free(langs);
    if (it)
        FcStrListDone(it);
    if (set)
        FcStrSetDestroy(set);
}

static void hash_charset(cp_hasher *h, const FcCharSet *cs)
{
    FcChar32 map[FC_CHARSET_MAP_SIZE], next;
    for (FcChar32 page = FcCharSetFirstPage(cs, map, &next); page != FC_CHARSET_DONE;
         page = FcCharSetNextPage(cs, map, &next)) {
        cp_hasher_u64(h, page);
        cp_hasher_bytes(h, map, sizeof map);
    }
    cp_hasher_u64(h, FC_CHARSET_DONE);
}

/* lang_hash: a language set by FcLangSetHash (the fonts': a font's languages come from its file
 * and the configuration, whose stamps are hashed too), else by its languages. */
static bool hash_value(cp_hasher *h, const FcValue *v, bool lang_hash)
{
    switch (v->type) {
    case FcTypeVoid:
        return true;
    case FcTypeInteger:
        cp_hasher_u64(h, (uint64_t)(int64_t)v->u.i);
        return true;
    case FcTypeDouble:
        cp_hasher_f64(h, v->u.d);
        return true;
    case FcTypeString:
        cp_hasher_str(h, (const char *)v->u.s);
        return true;
    case FcTypeBool:
        cp_hasher_u64(h, (uint64_t)v->u.b);
        return true;
    case FcTypeMatrix:
        cp_hasher_f64(h, v->u.m->xx);
        cp_hasher_f64(h, v->u.m->xy);
        cp_hasher_f64(h, v->u.m->yx);
        cp_hasher_f64(h, v->u.m->yy);
        return true;
    case FcTypeCharSet:
        hash_charset(h, v->u.c);
        return true;
    case FcTypeLangSet:
        if (lang_hash)
            cp_hasher_u64(h, FcLangSetHash(v->u.l));
        else
            hash_langs(h, v->u.l);
        return true;
    case FcTypeRange: {
        double b, e;
        if (!FcRangeGetDouble(v->u.r, &b, &e))
            return false;
        cp_hasher_f64(h, b);
        cp_hasher_f64(h, e);
        return true;
    }
    default: /* an FT_Face, or a type this calpress does not know */
        return false;
    }
}

static bool skipped(const char *object, const char *const *skip)
{
    for (; skip && *skip; skip++)
        if (strcmp(object, *skip) == 0)
            return true;
    return false;
}

/* Every element of p but those whose object is in skip (NULL-terminated, or NULL), in the order
 * of their objects' names (fontconfig numbers the objects it does not know in the order a
 * process first meets them): its object, and each value with its binding (if bindings). False
 * if one cannot be hashed. */
static bool hash_pattern(cp_hasher *h, const FcPattern *p, bool lang_hash, const char *const *skip,
                         bool bindings)
{
    const char *objects[128];
    size_t n = 0;
    FcPatternIter it;
    FcPatternIterStart(p, &it);
    for (bool more = FcPatternIterIsValid(p, &it); more; more = FcPatternIterNext(p, &it)) {
        const char *object = FcPatternIterGetObject(p, &it);
        if (skipped(object, skip))
            continue;
        if (n == sizeof objects / sizeof *objects)
            return false;
        objects[n++] = object;
    }
    qsort(objects, n, sizeof *objects, cmp_str);
    for (size_t i = 0; i < n; i++) {
        cp_hasher_str(h, objects[i]);
        FcValue v;
        FcValueBinding b;
        int j = 0;
        for (; FcPatternGetWithBinding(p, objects[i], j, &v, &b) == FcResultMatch; j++) {
            cp_hasher_u64(h, (uint64_t)v.type << 8 | (bindings ? (uint64_t)b : 0));
            if (!hash_value(h, &v, lang_hash))
                return false;
        }
        cp_hasher_u64(h, (uint64_t)j);
    }
    cp_hasher_u64(h, n);
    return true;
}

/* The font set's hash: fontconfig's build, the configuration's files and every font's file by
 * their stamps (what a font's pattern is made from, its languages included), and every font's
 * pattern. Kept for the set last seen (Pango passes a copy of the configuration's set each time,
 * holding the same patterns). Under memo.lock. */
static bool set_hash(FcConfig *config, const FcFontSet *s, unsigned char out[16])
{
    size_t bytes = (size_t)s->nfont * sizeof *s->fonts;
    if (memo.set_fonts && s->nfont == memo.set_n &&
        (bytes == 0 || memcmp(s->fonts, memo.set_fonts, bytes) == 0)) {
        memcpy(out, memo.set_hash, 16);
        return memo.set_ok;
    }
    static const char *const fontconfig[] = {"libfontconfig", NULL};
    cp_hasher h;
    cp_hasher_init(&h);
    cp_hasher_u64(&h, (uint64_t)FcGetVersion());
    cp_hasher_build_ids(&h, fontconfig);
    FcStrList *files = FcConfigGetConfigFiles(config);
    for (FcChar8 *f; files && (f = FcStrListNext(files));)
        cp_hasher_file_stamp(&h, (const char *)f);
    if (files)
        FcStrListDone(files);
    cp_hasher_u64(&h, (uint64_t)s->nfont);
    bool ok = true;
    for (int i = 0; ok && i < s->nfont; i++) {
        FcChar8 *file;
        if (FcPatternGetString(s->fonts[i], FC_FILE, 0, &file) == FcResultMatch)
            cp_hasher_file_stamp(&h, (const char *)file);
        ok = hash_pattern(&h, s->fonts[i], true, NULL, true);
    }
    cp_hasher_digest128(&h, memo.set_hash);
    cp_hasher_finish(&h);
    free(memo.set_fonts);
    memo.set_fonts = cp_xmalloc(bytes ? bytes : 1);
    if (bytes)
        memcpy(memo.set_fonts, s->fonts, bytes);
    memo.set_n = s->nfont;
    memo.set_ok = ok;
    memcpy(out, memo.set_hash, 16);
    return ok;
}

static bool file_and_face(const FcPattern *font, uint64_t *file, int32_t *face)
{
    FcChar8 *path;
    int index = 0;
    if (FcPatternGetString(font, FC_FILE, 0, &path) != FcResultMatch)
        return false;
    FcPatternGetInteger(font, FC_INDEX, 0, &index);
    *file = cp_hash_bytes(path, strlen((const char *)path));
    *face = index;
    return true;
}

/* Under memo.lock. */
static void load(void)
{
    memo.loaded = true;
    memo.v = cp_cache_load_records(memo_name, memo_magic, MEMO_VERSION, sizeof *memo.v, MEMO_MAX,
                                   &memo.n);
    memo.cap = memo.n;
}

static const memo_entry *find(const unsigned char key[16])
{
    for (size_t i = memo.n; i-- > 0;)
        if (memcmp(memo.v[i].key, key, 16) == 0)
            return &memo.v[i];
    return NULL;
}

/* Notes the winner of a match fontconfig made; the oldest entries go past MEMO_MAX. */
static void note(const unsigned char key[16], const FcFontSet *s, const FcPattern *won)
{
    uint64_t file;
    int32_t face;
    if (!file_and_face(won, &file, &face))
        return;
    int place = -1;
    for (int i = 0; i < s->nfont; i++) {
        uint64_t f;
        int32_t x;
        if (file_and_face(s->fonts[i], &f, &x) && f == file && x == face) {
            if (place >= 0)
                return; /* two fonts from one face: not told apart here */
            place = i;
        }
    }
    if (place < 0)
        return;
    if (memo.n == MEMO_MAX) {
        memmove(memo.v, memo.v + 1, (memo.n - 1) * sizeof *memo.v);
        memo.n--;
    }
    cp_grow((void **)&memo.v, &memo.cap, memo.n + 1, sizeof *memo.v);
    memo_entry *e = &memo.v[memo.n++];
    memset(e, 0, sizeof *e);
    memcpy(e->key, key, 16);
    e->place = (uint32_t)place;
    e->face = face;
    e->file = file;
    memo.dirty = true;
}

/* The remembered winner of key in s, or NULL. */
static FcPattern *recall(const unsigned char key[16], const FcFontSet *s)
{
    const memo_entry *e = find(key);
    if (!e || e->place >= (uint32_t)s->nfont)
        return NULL;
    FcPattern *font = s->fonts[e->place];
    uint64_t file;
    int32_t face;
    if (!file_and_face(font, &file, &face) || file != e->file || face != e->face)
        return NULL;
    return font;
}

static void verify(FcConfig *config, FcFontSet **sets, FcPattern *p, const FcPattern *font)
{
    FcResult r = FcResultNoMatch;
    FcPattern *again = fontconfig_match()(config, sets, 1, p, &r);
    uint64_t f1 = 0, f2 = 0;
    int32_t x1 = -1, x2 = -2;
    bool same = again && file_and_face(again, &f1, &x1) && file_and_face(font, &f2, &x2) &&
                f1 == f2 && x1 == x2;
    if (again)
        FcPatternDestroy(again);
    if (!same) {
        fputs("calpress: CALPRESS_VERIFY_FCMATCH: a remembered font match differs from "
              "fontconfig's\n",
              stderr);
        abort();
    }
}

FcPattern *FcFontSetMatch(FcConfig *config, FcFontSet **sets, int nsets, FcPattern *p,
                          FcResult *result)
{
    if (nsets != 1 || !sets || !sets[0] || !p || !result || !cp_cache_dir())
        return fontconfig_match()(config, sets, nsets, p, result);
    FcConfig *cfg = config ? config : FcConfigGetCurrent();
    unsigned char key[16];
    FcPattern *font = NULL;
    pthread_mutex_lock(&memo.lock);
    if (!memo.loaded)
        load();
    cp_hasher h;
    cp_hasher_init(&h);
    bool ok = set_hash(cfg, sets[0], key);
    cp_hasher_bytes(&h, key, 16);
    ok = ok && hash_pattern(&h, p, false, NULL, true);
    cp_hasher_digest128(&h, key);
    cp_hasher_finish(&h);
    if (ok)
        font = recall(key, sets[0]);
    pthread_mutex_unlock(&memo.lock);
    if (font) {
        if (getenv("CALPRESS_VERIFY_FCMATCH"))
            verify(config, sets, p, font);
        *result = FcResultMatch;
        return FcFontRenderPrepare(cfg, p, font);
    }
    FcPattern *won = fontconfig_match()(config, sets, nsets, p, result);
    if (ok && won && *result == FcResultMatch) {
        pthread_mutex_lock(&memo.lock);
        note(key, sets[0], won);
        pthread_mutex_unlock(&memo.lock);
    }
    return won;
}

bool cp_fc_hash_pattern(cp_hasher *h, const FcPattern *p, const char *const *skip)
{
    return hash_pattern(h, p, true, skip, false);
}

void cp_fonts_match_memo_store(void)
{
    pthread_mutex_lock(&memo.lock);
    if (memo.dirty)
        cp_cache_store_records(memo_name, memo_magic, MEMO_VERSION, memo.v, sizeof *memo.v, memo.n);
    memo.dirty = false;
    pthread_mutex_unlock(&memo.lock);
}
