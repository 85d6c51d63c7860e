/* HarfBuzz's shaping kept between runs.
 *
 * Pango shapes every item of every paragraph each time a layout is made (pango_shape_item calls
 * hb_shape), and copy-fit makes a paragraph's layout at several sizes: 900 shapings of 41,000
 * characters a check of the sample, 3,000 instructions a character with EB Garamond's
 * substitutions and kerning, over a third of a check. A shaping's result depends on nothing but
 * its input: the font face (the file and the face's index in it), the font's scale, ppem, point
 * size, slant and variation coordinates, the buffer's characters and clusters, its properties
 * (direction, script, language, flags, cluster level, invisible, replacement and not-found
 * glyphs), the characters around the item (the context HarfBuzz keeps for joining scripts) and
 * the features; and on the code: HarfBuzz, Pango (whose font functions wrap the font's, and
 * which calpress never asks to show spaces, ignorables or line breaks) and the program.
 *
 * calpress defines eight of HarfBuzz's functions in the program, so that Pango's calls come here
 * (the program's symbols come first, as for FcFontSetMatch in fcmatch.c):
 * - hb_blob_create_from_file and hb_face_create tag the blob with its file (path and stamp:
 *   inode, size, times) and the face with the blob's tag and its index;
 * - hb_buffer_create, _reset, _add_utf8, _add and _destroy follow the context HarfBuzz keeps in
 *   the buffer being filled, as hashes of up to 32 bytes of the text on each side of the item
 *   (HarfBuzz keeps 5 characters of it);
 * - hb_shape, given a tagged face and a followed buffer, keys the shaping by all of its input
 *   and the environment HarfBuzz reads (HB_OPTIONS, HB_SHAPER_LIST), and answers from the memo
 *   (shapestore.c) when it holds the key: the buffer is made to hold the glyphs (index,
 *   cluster, flags) and positions HarfBuzz gave, as hb_shape leaves them. Any other call goes to
 *   HarfBuzz, and a shaping it made is noted.
 * No cache folder (CALPRESS_CACHE_DIR=off): every call goes to HarfBuzz.
 * CALPRESS_VERIFY_SHAPING=1 shapes every remembered item again and stops the run if the glyphs
 * differ (tests). */
#define _DEFAULT_SOURCE /* realpath */
#include "fonts/shapestore.h"
#include "fonts/fonts.h"
#include "base/cache.h"
#include "base/hash.h"
#include "base/module.h"
#include "base/util.h"

#include <hb.h>
#include <pango/pango.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CONTEXT_BYTES = 32 };

static uint64_t builds; /* the builds' hash (cp_hash_builds); 0 before it is taken */

/* The context HarfBuzz keeps in the buffer this thread last started to fill, followed through
 * the calls that change it (hb_buffer_create, _reset, _add_utf8 and _add: all that Pango uses),
 * as hashes of the bytes HarfBuzz takes it from (0: none). buf is NULL when no buffer's context
 * is known. */
static _Thread_local struct {
    hb_buffer_t *buf;
    uint64_t pre, post;
} ctx;

static hb_user_data_key_t blob_slot, face_slot;

static hb_blob_t *hb_from_file(const char *file)
{
    static void *slot;
    hb_blob_t *(*f)(const char *);
    *(void **)&f = cp_module_next(&slot, "hb_blob_create_from_file");
    return f(file);
}

static hb_face_t *hb_face(hb_blob_t *blob, unsigned index)
{
    static void *slot;
    hb_face_t *(*f)(hb_blob_t *, unsigned);
    *(void **)&f = cp_module_next(&slot, "hb_face_create");
    return f(blob, index);
}

static void hb_add_utf8(hb_buffer_t *buf, const char *text, int text_length, unsigned item_offset,
                        int item_length)
{
    static void *slot;
    void (*f)(hb_buffer_t *, const char *, int, unsigned, int);
    *(void **)&f = cp_module_next(&slot, "hb_buffer_add_utf8");
    f(buf, text, text_length, item_offset, item_length);
}

static void hb_shape_now(hb_font_t *font, hb_buffer_t *buf, const hb_feature_t *features,
                         unsigned n)
{
    static void *slot;
    void (*f)(hb_font_t *, hb_buffer_t *, const hb_feature_t *, unsigned);
    *(void **)&f = cp_module_next(&slot, "hb_shape");
    f(font, buf, features, n);
}

/* The builds whose code shapes (HarfBuzz, Pango and the program) and the settings HarfBuzz reads
 * from the environment. */
static uint64_t build_hash(void)
{
    static const char *const libs[] = {"libharfbuzz", "libpango", NULL};
    cp_hasher h;
    cp_hasher_init(&h);
    cp_hasher_u64(&h, cp_hash_builds(&builds, "CPSHAPE", libs));
    cp_hasher_str(&h, getenv("HB_OPTIONS"));
    cp_hasher_str(&h, getenv("HB_SHAPER_LIST"));
    uint64_t v = cp_hasher_digest(&h);
    cp_hasher_finish(&h);
    return v;
}

static uint64_t *tag(uint64_t v)
{
    uint64_t *p = cp_xmalloc(sizeof *p);
    *p = v;
    return p;
}

hb_blob_t *hb_blob_create_from_file(const char *file_name)
{
    hb_blob_t *blob = hb_from_file(file_name);
    if (!file_name || !cp_cache_dir() || hb_blob_get_length(blob) == 0)
        return blob;
    uint64_t *key = tag(cp_hash_file_stamp(build_hash(), file_name));
    if (!hb_blob_set_user_data(blob, &blob_slot, key, free, false))
        free(key);
    return blob;
}

hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index)
{
    hb_face_t *face = hb_face(blob, index);
    const uint64_t *file = blob ? hb_blob_get_user_data(blob, &blob_slot) : NULL;
    if (!file || hb_face_get_user_data(face, &face_slot))
        return face;
    uint64_t pair[2] = {*file, index};
    uint64_t *key = tag(cp_hash_bytes(pair, sizeof pair) | 1);
    if (!hb_face_set_user_data(face, &face_slot, key, free, false))
        free(key);
    return face;
}

/* Follows buf from empty: no context on either side. */
static void follow(hb_buffer_t *buf)
{
    if (cp_cache_dir())
        ctx = (__typeof__(ctx)){.buf = buf};
}

/* A hash of len bytes at p, never 0. */
static uint64_t window(const char *p, size_t len)
{
    return cp_hash_bytes(p, len) | 1;
}

hb_buffer_t *hb_buffer_create(void)
{
    static void *slot;
    hb_buffer_t *(*f)(void);
    *(void **)&f = cp_module_next(&slot, "hb_buffer_create");
    hb_buffer_t *buf = f();
    follow(buf);
    return buf;
}

void hb_buffer_reset(hb_buffer_t *buf)
{
    static void *slot;
    void (*f)(hb_buffer_t *);
    *(void **)&f = cp_module_next(&slot, "hb_buffer_reset");
    f(buf);
    follow(buf);
}

void hb_buffer_destroy(hb_buffer_t *buf)
{
    static void *slot;
    void (*f)(hb_buffer_t *);
    *(void **)&f = cp_module_next(&slot, "hb_buffer_destroy");
    if (ctx.buf == buf)
        ctx.buf = NULL;
    f(buf);
}

void hb_buffer_add(hb_buffer_t *buf, hb_codepoint_t codepoint, unsigned int cluster)
{
    static void *slot;
    void (*f)(hb_buffer_t *, hb_codepoint_t, unsigned int);
    *(void **)&f = cp_module_next(&slot, "hb_buffer_add");
    f(buf, codepoint, cluster);
    if (ctx.buf == buf)
        ctx.post = 0; /* HarfBuzz clears the context after the text */
}

/* As HarfBuzz's hb_buffer_add_utf: into an empty buffer, an item past the text's start sets the
 * context before it; every call sets the context after the item, from the text to
 * text_length. HarfBuzz takes 5 characters, at most 20 bytes, of each. */
void hb_buffer_add_utf8(hb_buffer_t *buf, const char *text, int text_length,
                        unsigned int item_offset, int item_length)
{
    bool empty = hb_buffer_get_length(buf) == 0;
    hb_add_utf8(buf, text, text_length, item_offset, item_length);
    if (ctx.buf != buf)
        return;
    size_t len = !text ? 0 : text_length < 0 ? strlen(text) : (size_t)text_length;
    if (!text || item_offset > len ||
        (item_length >= 0 && (size_t)item_length > len - item_offset)) {
        ctx.buf = NULL;
        return;
    }
    if (item_length > INT_MAX / 8)
        return; /* HarfBuzz changed nothing */
    size_t end = item_offset + (item_length < 0 ? len - item_offset : (size_t)item_length);
    if (empty && item_offset > 0) {
        size_t pre = item_offset < CONTEXT_BYTES ? item_offset : CONTEXT_BYTES;
        ctx.pre = window(text + item_offset - pre, pre);
    }
    size_t post = len - end < CONTEXT_BYTES ? len - end : CONTEXT_BYTES;
    ctx.post = window(text + end, post);
}

static void hash_font(cp_hasher *h, hb_font_t *font)
{
    int x, y;
    unsigned px, py, n;
    hb_font_get_scale(font, &x, &y);
    hb_font_get_ppem(font, &px, &py);
    cp_hasher_u64(h, (uint64_t)(uint32_t)x << 32 | (uint32_t)y);
    cp_hasher_u64(h, (uint64_t)px << 32 | py);
    cp_hasher_f64(h, hb_font_get_ptem(font));
    cp_hasher_f64(h, hb_font_get_synthetic_slant(font));
    const int *coords = hb_font_get_var_coords_normalized(font, &n);
    cp_hasher_u64(h, n);
    if (n)
        cp_hasher_bytes(h, coords, n * sizeof *coords);
}

/* The key of shaping buf with font and features, or false if it cannot be had. */
static bool shaping_key(hb_font_t *font, hb_buffer_t *buf, const hb_feature_t *features,
                        unsigned n_features, unsigned char key[16])
{
    const uint64_t *face = hb_face_get_user_data(hb_font_get_face(font), &face_slot);
    hb_font_t *parent = hb_font_get_parent(font);
    const uint64_t *parent_face =
        parent ? hb_face_get_user_data(hb_font_get_face(parent), &face_slot) : NULL;
    if (!face || (parent && parent != hb_font_get_empty() && !parent_face))
        return false;
    cp_hasher h;
    cp_hasher_init(&h);
    cp_hasher_u64(&h, *face);
    hash_font(&h, font);
    cp_hasher_u64(&h, parent_face ? *parent_face : 0);
    if (parent_face)
        hash_font(&h, parent);
    hb_segment_properties_t props;
    hb_buffer_get_segment_properties(buf, &props);
    cp_hasher_u64(&h, (uint64_t)props.direction << 32 | props.script);
    cp_hasher_str(&h, props.language ? hb_language_to_string(props.language) : NULL);
    cp_hasher_u64(&h, hb_buffer_get_flags(buf));
    cp_hasher_u64(&h, hb_buffer_get_cluster_level(buf));
    cp_hasher_u64(&h, (uint64_t)hb_buffer_get_invisible_glyph(buf) << 32 |
                          hb_buffer_get_replacement_codepoint(buf));
    cp_hasher_u64(&h, hb_buffer_get_not_found_glyph(buf));
    cp_hasher_u64(&h, ctx.pre);
    cp_hasher_u64(&h, ctx.post);
    cp_hasher_u64(&h, n_features);
    for (unsigned i = 0; i < n_features; i++) {
        cp_hasher_u64(&h, (uint64_t)features[i].tag << 32 | features[i].value);
        cp_hasher_u64(&h, (uint64_t)features[i].start << 32 | features[i].end);
    }
    unsigned n;
    const hb_glyph_info_t *in = hb_buffer_get_glyph_infos(buf, &n);
    cp_hasher_u64(&h, n);
    for (unsigned i = 0; i < n; i++)
        cp_hasher_u64(&h, (uint64_t)in[i].codepoint << 32 | in[i].cluster);
    for (unsigned i = 0; i < n; i++)
        cp_hasher_u64(&h, in[i].mask);
    cp_hasher_digest128(&h, key);
    cp_hasher_finish(&h);
    return true;
}

/* What HarfBuzz left in buf, malloc'd; *n glyphs. */
static cp_shape_glyph *glyphs_of(hb_buffer_t *buf, size_t *n)
{
    unsigned len;
    const hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &len);
    const hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, NULL);
    cp_shape_glyph *g = cp_xmalloc((len ? len : 1) * sizeof *g);
    for (unsigned i = 0; i < len; i++)
        g[i] = (cp_shape_glyph){
            .codepoint = info[i].codepoint,
            .cluster = info[i].cluster,
            .mask = info[i].mask,
            .x_advance = pos[i].x_advance,
            .y_advance = pos[i].y_advance,
            .x_offset = pos[i].x_offset,
            .y_offset = pos[i].y_offset,
        };
    *n = len;
    return g;
}

/* Pango's own glyph number for a character its font lacks (PANGO_GLYPH_UNKNOWN_FLAG and the
 * character: the line separators calpress sets between forced lines, for one). Pango's font
 * functions give it the width of a hex box, from a small font of another family, at this font's
 * size and options: not the shaping's input, so its advance is asked of the font again when a
 * shaping is restored, as HarfBuzz asked when it made it (no font's positioning applies to a
 * glyph number outside the font). */
static bool unknown(uint32_t glyph)
{
    return (glyph & PANGO_GLYPH_UNKNOWN_FLAG) && (glyph & ~PANGO_GLYPH_UNKNOWN_FLAG) <= 0x10FFFF;
}

/* Whether glyphs g can be what HarfBuzz made of buf's text in font (the cache folder is read as
 * input: a file that checks out can still have been made to lie): no more than HarfBuzz's
 * growth of the text, every cluster one of the text's, every glyph in the font or invisible. */
static bool plausible(hb_font_t *font, hb_buffer_t *buf, const cp_shape_glyph *g, size_t n)
{
    unsigned n_in;
    const hb_glyph_info_t *in = hb_buffer_get_glyph_infos(buf, &n_in);
    if (n > 8 * (size_t)n_in + 16)
        return false;
    uint32_t lo = UINT32_MAX, hi = 0;
    for (unsigned i = 0; i < n_in; i++) {
        lo = in[i].cluster < lo ? in[i].cluster : lo;
        hi = in[i].cluster > hi ? in[i].cluster : hi;
    }
    unsigned glyphs = hb_face_get_glyph_count(hb_font_get_face(font));
    hb_codepoint_t invisible = hb_buffer_get_invisible_glyph(buf);
    for (size_t i = 0; i < n; i++)
        if (g[i].cluster < lo || g[i].cluster > hi ||
            (g[i].codepoint >= glyphs && g[i].codepoint != invisible && !unknown(g[i].codepoint)))
            return false;
    return true;
}

/* Makes buf hold the shaped glyphs g as hb_shape leaves them: its segment properties kept, its
 * content glyphs, their indices, clusters, flags and positions. */
static bool restore(hb_font_t *font, hb_buffer_t *buf, const cp_shape_glyph *g, size_t n)
{
    hb_segment_properties_t props;
    hb_buffer_get_segment_properties(buf, &props);
    hb_buffer_clear_contents(buf);
    hb_buffer_set_segment_properties(buf, &props);
    hb_buffer_set_content_type(buf, HB_BUFFER_CONTENT_TYPE_GLYPHS);
    if (n > UINT_MAX || !hb_buffer_set_length(buf, (unsigned)n))
        return false;
    hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, NULL);
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, NULL);
    if (n && (!info || !pos))
        return false;
    for (size_t i = 0; i < n; i++) {
        info[i].codepoint = g[i].codepoint;
        info[i].cluster = g[i].cluster;
        info[i].mask = g[i].mask;
        pos[i].x_advance = g[i].x_advance;
        pos[i].y_advance = g[i].y_advance;
        pos[i].x_offset = g[i].x_offset;
        pos[i].y_offset = g[i].y_offset;
        if (unknown(g[i].codepoint))
            pos[i].x_advance = hb_font_get_glyph_h_advance(font, g[i].codepoint);
    }
    return hb_buffer_allocation_successful(buf);
}

/* Compares what HarfBuzz made of buf with g, as restore would give it (g's unknown glyphs'
 * advances asked of font again: changed here). */
static void verify(hb_font_t *font, cp_shape_glyph *g, size_t n, hb_buffer_t *buf)
{
    for (size_t i = 0; i < n; i++)
        if (unknown(g[i].codepoint))
            g[i].x_advance = hb_font_get_glyph_h_advance(font, g[i].codepoint);
    size_t have;
    cp_shape_glyph *made = glyphs_of(buf, &have);
    bool same = have == n && (n == 0 || memcmp(made, g, n * sizeof *g) == 0);
    free(made);
    if (!same) {
        fputs("calpress: CALPRESS_VERIFY_SHAPING: a remembered shaping differs from HarfBuzz's\n",
              stderr);
        abort();
    }
}

void hb_shape(hb_font_t *font, hb_buffer_t *buf, const hb_feature_t *features,
              unsigned int num_features)
{
    bool mine = buf && ctx.buf == buf && font &&
                hb_buffer_get_content_type(buf) == HB_BUFFER_CONTENT_TYPE_UNICODE &&
                HB_DIRECTION_IS_HORIZONTAL(hb_buffer_get_direction(buf)) &&
                (num_features == 0 || features);
    unsigned char key[16];
    bool keyed = mine && shaping_key(font, buf, features, num_features, key);
    if (ctx.buf == buf)
        ctx.buf = NULL; /* it holds glyphs now, until it is reset */
    if (!keyed) {
        hb_shape_now(font, buf, features, num_features);
        return;
    }
    size_t n = 0;
    cp_shape_glyph *g = cp_shape_recall(key, &n);
    if (g && cp_shape_verifying()) {
        hb_shape_now(font, buf, features, num_features);
        verify(font, g, n, buf);
        free(g);
        return;
    }
    if (g && plausible(font, buf, g, n)) {
        restore(font, buf, g, n); /* fails only as HarfBuzz would, out of memory */
        free(g);
        return;
    }
    free(g);
    hb_shape_now(font, buf, features, num_features);
    if (!hb_buffer_allocation_successful(buf) ||
        hb_buffer_get_content_type(buf) != HB_BUFFER_CONTENT_TYPE_GLYPHS)
        return;
    g = glyphs_of(buf, &n);
    cp_shape_note(key, g, n);
    free(g);
}

/* Defined here, beside the functions taken over from HarfBuzz, so that a program that sets a
 * calendar's text through the memo links them (a static library's member is linked only for a
 * symbol the program uses). */
void cp_fonts_shaping_scope(const char *manifest)
{
    char *real = manifest ? realpath(manifest, NULL) : NULL;
    const char *p = real ? real : manifest ? manifest : "";
    char id[17];
    cp_hash_hex(cp_hash_bytes(p, strlen(p)), id);
    free(real);
    cp_shape_scope(id);
}
