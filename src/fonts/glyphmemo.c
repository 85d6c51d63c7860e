/* Glyph extents kept between runs.
 *
 * Pango measures a glyph's box with cairo_scaled_font_glyph_extents, once for every glyph of
 * every font at every size it meets (pangocairo-font.c's compute_glyph_extents), and Pango asks
 * for the boxes whenever a layout's size is taken. cairo answers by loading the glyph from the
 * font file through FreeType: an EB Garamond or Inter glyph is a CFF charstring, some 45,000
 * instructions to load, and copy-fit meets each text at several sizes: 1,800 loads a check of the
 * sample, a fifth of its instructions. The box depends on nothing but the font face (its file
 * and the options fontconfig gave it), the scaled font's matrices and options, and the glyph.
 *
 * calpress defines both functions in the program, so that Pango's calls come here (the
 * program's symbols come first, as for FcFontSetMatch in fcmatch.c):
 * - cairo_ft_font_face_create_for_pattern tags the face cairo returns with a key: the fonts' and
 *   this code's build (cairo, FreeType, the program), the font file's stamp (path, inode, size,
 *   times) and every element of the pattern except those that only say which size or language
 *   it was asked for (cairo's face is one for all sizes);
 * - cairo_scaled_font_glyph_extents, asked for one glyph at the origin of a scaled font whose
 *   face is tagged, keys the scaled font by the face's key, the font matrix, the CTM and the
 *   font options, and answers from the memo when it holds that glyph; any other call goes to
 *   cairo, and an answer cairo gave without an error is noted.
 *
 * The memo is the cache folder's glyphs.bin: records of the scaled font's key, the glyph and the
 * six doubles of its extents, to the bit, sorted for a binary search. Records no run used go when
 * the file would pass MEMO_MAX. No cache folder (CALPRESS_CACHE_DIR=off): every call goes to
 * cairo. CALPRESS_VERIFY_GLYPHS=1 asks cairo again for every remembered box and stops the run if
 * one differs (tests). */
#include "fonts/fcmatch.h"
#include "base/cache.h"
#include "base/hash.h"
#include "base/module.h"
#include "base/slots.h"
#include "base/util.h"

#include <cairo-ft.h>
#include <fontconfig/fontconfig.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MEMO_VERSION = 1, MEMO_MAX = 16384 };
static const char memo_magic[8] = "CPGLYPH";
static const char memo_name[] = "glyphs.bin";

typedef struct memo_entry {
    uint64_t font;  /* the scaled font's key */
    uint32_t glyph; /* its index in the font */
    uint32_t used;  /* in memory: looked up or added by this run (0 in the file) */
    double ext[6];  /* x_bearing, y_bearing, width, height, x_advance, y_advance */
} memo_entry;

static struct {
    pthread_mutex_t lock;
    bool loaded, verify;
    memo_entry *kept; /* from the file, sorted */
    size_t n_kept;
    memo_entry *added; /* noted by this run, found by table */
    size_t n_added, cap_added;
    cp_slots table;
    uint64_t build; /* the builds' hash; 0 before it is taken */
} memo = {.lock = PTHREAD_MUTEX_INITIALIZER};

static const cairo_user_data_key_t face_slot, font_slot;

typedef cairo_font_face_t *(*face_fn)(FcPattern *);
typedef void (*extents_fn)(cairo_scaled_font_t *, const cairo_glyph_t *, int,
                           cairo_text_extents_t *);

static face_fn cairo_face(void)
{
    static void *slot;
    face_fn f;
    *(void **)&f = cp_module_next(&slot, "cairo_ft_font_face_create_for_pattern");
    return f;
}

static extents_fn cairo_extents(void)
{
    static void *slot;
    extents_fn f;
    *(void **)&f = cp_module_next(&slot, "cairo_scaled_font_glyph_extents");
    return f;
}

static int cmp_entry(const void *a, const void *b)
{
    const memo_entry *x = a, *y = b;
    if (x->font != y->font)
        return x->font < y->font ? -1 : 1;
    return x->glyph < y->glyph ? -1 : x->glyph > y->glyph;
}

static bool sorted(const memo_entry *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (cmp_entry(&v[i - 1], &v[i]) >= 0)
            return false;
    return true;
}

/* Under memo.lock. */
static void load(void)
{
    memo.loaded = true;
    memo.verify = getenv("CALPRESS_VERIFY_GLYPHS") != NULL;
    memo.kept = cp_cache_load_records(memo_name, memo_magic, MEMO_VERSION, sizeof *memo.kept,
                                      MEMO_MAX, &memo.n_kept);
    if (memo.kept && !sorted(memo.kept, memo.n_kept)) { /* not a file this code wrote */
        free(memo.kept);
        memo.kept = NULL;
        memo.n_kept = 0;
    }
}

/* The builds whose code makes the boxes: cairo, FreeType and pixman, and the program. */
static uint64_t build_hash(void)
{
    static const char *const libs[] = {"libcairo", "libfreetype", "libpixman", NULL};
    return cp_hash_builds(&memo.build, memo_magic, libs);
}

static uint64_t entry_hash(uint64_t font, uint32_t glyph)
{
    return font ^ ((uint64_t)glyph * 0xFF51AFD7ED558CCDu);
}

static uint64_t added_hash(const void *unused, size_t place)
{
    (void)unused;
    return entry_hash(memo.added[place].font, memo.added[place].glyph);
}

static memo_entry *find_added(uint64_t font, uint32_t glyph)
{
    size_t i = 0;
    for (size_t at; (at = cp_slots_next(&memo.table, entry_hash(font, glyph), &i)) != SIZE_MAX;)
        if (memo.added[at].font == font && memo.added[at].glyph == glyph)
            return &memo.added[at];
    return NULL;
}

static memo_entry *find(uint64_t font, uint32_t glyph)
{
    memo_entry want = {.font = font, .glyph = glyph};
    memo_entry *e =
        memo.n_kept ? bsearch(&want, memo.kept, memo.n_kept, sizeof want, cmp_entry) : NULL;
    return e ? e : find_added(font, glyph);
}

static void add(uint64_t font, uint32_t glyph, const cairo_text_extents_t *x)
{
    if (memo.n_kept + memo.n_added >= 4 * MEMO_MAX)
        return; /* one run that meets this many glyphs keeps the file it found */
    cp_slots_reserve(&memo.table, memo.n_added + 1, added_hash, NULL);
    cp_grow((void **)&memo.added, &memo.cap_added, memo.n_added + 1, sizeof *memo.added);
    memo_entry *e = &memo.added[memo.n_added];
    *e = (memo_entry){
        .font = font,
        .glyph = glyph,
        .used = 1,
        .ext = {x->x_bearing, x->y_bearing, x->width, x->height, x->x_advance, x->y_advance},
    };
    cp_slots_put(&memo.table, entry_hash(font, glyph), memo.n_added++);
}

/* The objects of a pattern that say only at which size and for which language the font was
 * asked: not the face's (cairo makes one face of a file for every size). */
static const char *const size_and_language[] = {FC_SIZE,  FC_PIXEL_SIZE, FC_DPI,
                                                FC_SCALE, FC_LANG,       NULL};

cairo_font_face_t *cairo_ft_font_face_create_for_pattern(FcPattern *pattern)
{
    cairo_font_face_t *face = cairo_face()(pattern);
    if (!pattern || !cp_cache_dir() || cairo_font_face_status(face) != CAIRO_STATUS_SUCCESS ||
        cairo_font_face_get_user_data(face, &face_slot))
        return face;
    FcChar8 *file;
    if (FcPatternGetString(pattern, FC_FILE, 0, &file) != FcResultMatch)
        return face;
    cp_hasher h;
    cp_hasher_init(&h);
    cp_hasher_u64(&h, cp_hash_file_stamp(build_hash(), (const char *)file));
    bool ok = cp_fc_hash_pattern(&h, pattern, size_and_language);
    uint64_t *key = ok ? cp_xmalloc(sizeof *key) : NULL;
    if (key)
        *key = cp_hasher_digest(&h) | 1;
    cp_hasher_finish(&h);
    if (key && cairo_font_face_set_user_data(face, &face_slot, key, free) != CAIRO_STATUS_SUCCESS)
        free(key);
    return face;
}

/* The scaled font's key: its face's, its matrices and its options; 0 if its face has none. */
static uint64_t font_key(cairo_scaled_font_t *sf)
{
    const uint64_t *known = cairo_scaled_font_get_user_data(sf, &font_slot);
    if (known)
        return *known;
    const uint64_t *face =
        cairo_font_face_get_user_data(cairo_scaled_font_get_font_face(sf), &face_slot);
    if (!face)
        return 0;
    cairo_matrix_t m[2];
    cairo_scaled_font_get_font_matrix(sf, &m[0]);
    cairo_scaled_font_get_ctm(sf, &m[1]);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_scaled_font_get_font_options(sf, fo);
    cp_hasher h;
    cp_hasher_init(&h);
    cp_hasher_u64(&h, *face);
    for (int i = 0; i < 2; i++) {
        cp_hasher_f64(&h, m[i].xx);
        cp_hasher_f64(&h, m[i].yx);
        cp_hasher_f64(&h, m[i].xy);
        cp_hasher_f64(&h, m[i].yy);
        cp_hasher_f64(&h, m[i].x0);
        cp_hasher_f64(&h, m[i].y0);
    }
    cp_hasher_u64(&h, (uint64_t)cairo_font_options_get_antialias(fo));
    cp_hasher_u64(&h, (uint64_t)cairo_font_options_get_subpixel_order(fo));
    cp_hasher_u64(&h, (uint64_t)cairo_font_options_get_hint_style(fo));
    cp_hasher_u64(&h, (uint64_t)cairo_font_options_get_hint_metrics(fo));
    cp_hasher_str(&h, cairo_font_options_get_variations(fo));
    cp_hasher_u64(&h, (uint64_t)cairo_font_options_hash(fo));
    uint64_t key = cp_hasher_digest(&h) | 1;
    cp_hasher_finish(&h);
    cairo_font_options_destroy(fo);
    uint64_t *slot = cp_xmalloc(sizeof *slot);
    *slot = key;
    if (cairo_scaled_font_set_user_data(sf, &font_slot, slot, free) != CAIRO_STATUS_SUCCESS)
        free(slot);
    return key;
}

static void verify(cairo_scaled_font_t *sf, const cairo_glyph_t *g, const memo_entry *e)
{
    cairo_text_extents_t x;
    cairo_extents()(sf, g, 1, &x);
    double got[6] = {x.x_bearing, x.y_bearing, x.width, x.height, x.x_advance, x.y_advance};
    if (memcmp(got, e->ext, sizeof got) != 0) {
        fputs("calpress: CALPRESS_VERIFY_GLYPHS: a remembered glyph box differs from cairo's\n",
              stderr);
        abort();
    }
}

void cairo_scaled_font_glyph_extents(cairo_scaled_font_t *sf, const cairo_glyph_t *glyphs,
                                     int num_glyphs, cairo_text_extents_t *extents)
{
    if (!sf || num_glyphs != 1 || !glyphs || !extents || glyphs[0].x != 0 || glyphs[0].y != 0 ||
        glyphs[0].index > UINT32_MAX || !cp_cache_dir() ||
        cairo_scaled_font_status(sf) != CAIRO_STATUS_SUCCESS) {
        cairo_extents()(sf, glyphs, num_glyphs, extents);
        return;
    }
    uint64_t font = font_key(sf);
    if (!font) {
        cairo_extents()(sf, glyphs, num_glyphs, extents);
        return;
    }
    uint32_t glyph = (uint32_t)glyphs[0].index;
    pthread_mutex_lock(&memo.lock);
    if (!memo.loaded)
        load();
    memo_entry *e = find(font, glyph), copy;
    if (e) {
        e->used = 1;
        copy = *e;
    }
    bool check = memo.verify;
    pthread_mutex_unlock(&memo.lock);
    if (e) {
        if (check)
            verify(sf, glyphs, &copy);
        *extents = (cairo_text_extents_t){
            .x_bearing = copy.ext[0],
            .y_bearing = copy.ext[1],
            .width = copy.ext[2],
            .height = copy.ext[3],
            .x_advance = copy.ext[4],
            .y_advance = copy.ext[5],
        };
        return;
    }
    cairo_extents()(sf, glyphs, 1, extents);
    if (cairo_scaled_font_status(sf) != CAIRO_STATUS_SUCCESS)
        return;
    pthread_mutex_lock(&memo.lock);
    if (!find_added(font, glyph))
        add(font, glyph, extents);
    pthread_mutex_unlock(&memo.lock);
}

void cp_fonts_glyph_memo_store(void)
{
    pthread_mutex_lock(&memo.lock);
    if (memo.n_added) {
        size_t n = memo.n_kept + memo.n_added, m = 0;
        bool all = n <= MEMO_MAX;
        memo_entry *v = cp_xmalloc(n * sizeof *v);
        for (size_t i = 0; i < memo.n_kept; i++)
            if (all || memo.kept[i].used)
                v[m++] = memo.kept[i];
        memcpy(v + m, memo.added, memo.n_added * sizeof *v);
        m += memo.n_added;
        if (m <= MEMO_MAX) {
            for (size_t i = 0; i < m; i++)
                v[i].used = 0;
            qsort(v, m, sizeof *v, cmp_entry);
            cp_cache_store_records(memo_name, memo_magic, MEMO_VERSION, v, sizeof *v, m);
        }
        free(v);
        /* What was written is what a later store in this process starts from. */
        cp_slots_free(&memo.table);
        free(memo.added);
        memo.added = NULL;
        memo.n_added = memo.cap_added = 0;
        free(memo.kept);
        memo.kept = NULL;
        memo.n_kept = 0;
        memo.loaded = false;
    }
    pthread_mutex_unlock(&memo.lock);
}
