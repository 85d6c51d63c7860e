/* Layout specification: defaults, lookups and the style cascade. */
#include "model/style.h"
#include "base/hash.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double cp_color_tac(const cp_color *c)
{
    return c->cmyk ? 100 * (c->c + c->m + c->y + c->k) : 0;
}

/* A percentage as a designer writes it: 40, 12.5, 7.25. */
static void percent(char *buf, size_t n, double v)
{
    snprintf(buf, n, "%.2f", v * 100 + 0.0);
    char *e = buf + strlen(buf);
    while (e > buf && e[-1] == '0')
        *--e = '\0';
    if (e > buf && e[-1] == '.')
        *--e = '\0';
    if (strcmp(buf, "-0") == 0)
        strcpy(buf, "0");
}

uint64_t cp_color_key(const cp_color *c)
{
    if (!c->cmyk)
        return (uint64_t)lround(c->r * 1000) << 40 | (uint64_t)lround(c->g * 1000) << 20 |
               (uint64_t)lround(c->b * 1000);
    /* Four inks of 0..10000 take 14 bits each; the top bit tells them from RGB values. */
    const double inks[4] = {c->c, c->m, c->y, c->k};
    uint64_t v = 1ull << 63;
    for (int i = 0; i < 4; i++)
        v |= (uint64_t)(lround(inks[i] * 10000) & 0x3FFF) << (14 * (3 - i));
    return v;
}

void cp_color_format(const cp_color *c, char *buf, size_t n)
{
    if (!c->cmyk) {
        snprintf(buf, n, "#%02x%02x%02x", (int)(c->r * 255 + 0.5), (int)(c->g * 255 + 0.5),
                 (int)(c->b * 255 + 0.5));
        return;
    }
    char v[4][16];
    const double inks[4] = {c->c, c->m, c->y, c->k};
    for (int i = 0; i < 4; i++)
        percent(v[i], sizeof v[i], inks[i]);
    snprintf(buf, n, "cmyk(%s, %s, %s, %s)", v[0], v[1], v[2], v[3]);
}

/* Every field the cascade carries, with the bit that says it was set: one list for the merge
 * and the hash, so that a field added to the cascade is also in every key made of a style. */
#define STYLE_FIELDS(M)                                                                            \
    M(CP_STYLE_SET_FAMILY, family)                                                                 \
    M(CP_STYLE_SET_FAMILY, family_pos)                                                             \
    M(CP_STYLE_SET_SIZE, size_pt)                                                                  \
    M(CP_STYLE_SET_MIN_SIZE, min_size_pt)                                                          \
    M(CP_STYLE_SET_LEADING, leading_pt)                                                            \
    M(CP_STYLE_SET_MIN_LEADING, min_leading_pt)                                                    \
    M(CP_STYLE_SET_MAX_SIZE, max_size_pt)                                                          \
    M(CP_STYLE_SET_WEIGHT, weight)                                                                 \
    M(CP_STYLE_SET_ITALIC, italic)                                                                 \
    M(CP_STYLE_SET_COLOR, color)                                                                   \
    M(CP_STYLE_SET_COLOR, color_ref)                                                               \
    M(CP_STYLE_SET_TRACKING, tracking)                                                             \
    M(CP_STYLE_SET_ALIGN, align)                                                                   \
    M(CP_STYLE_SET_FEATURES, features)                                                             \
    M(CP_STYLE_SET_UPPERCASE, uppercase)                                                           \
    M(CP_STYLE_SET_SPACE_BEFORE, space_before_pt)                                                  \
    M(CP_STYLE_SET_SPACE_AFTER, space_after_pt)                                                    \
    M(CP_STYLE_SET_INDENT, indent_pt)                                                              \
    M(CP_STYLE_SET_HYPHENATE, hyphenate)                                                           \
    M(CP_STYLE_SET_HYPH_MIN_WORD, hyph_min_word)                                                   \
    M(CP_STYLE_SET_HYPH_BEFORE, hyph_before)                                                       \
    M(CP_STYLE_SET_HYPH_AFTER, hyph_after)                                                         \
    M(CP_STYLE_SET_MAX_WORD_SPACE, max_word_space)

void cp_style_merge(cp_style *dst, const cp_style *src)
{
#define M(bit, field)                                                                              \
    if (src->set & (bit))                                                                          \
        dst->field = src->field;
    STYLE_FIELDS(M)
#undef M
    dst->set |= src->set;
}

void cp_layout_init(cp_layout *l)
{
    memset(l, 0, sizeof *l);
    l->path = "(built-in)";
    l->name = "default";
    l->trim_w = 297 * CP_PT_PER_MM;
    l->trim_h = 420 * CP_PT_PER_MM;
    l->bleed = 3 * CP_PT_PER_MM;
    l->safe = 10 * CP_PT_PER_MM;
    l->slug = 12 * CP_PT_PER_MM;
    l->crop_marks = true;
    l->mark_length = 5 * 72 / 25.4;
    l->accent = (cp_color){0.65, 0.24, 0.17};
    l->ink = (cp_color){0, 0, 0};
    l->grey = (cp_color){0.45, 0.43, 0.41};
    l->muted = (cp_color){0.70, 0.69, 0.67};
    l->paper = (cp_color){1, 1, 1};
    l->band = (cp_color){0.12, 0.11, 0.10};
    l->neighbours = true;
    l->smart_punctuation = true;
    l->credits_on_page = l->credits_on_back = true;
    l->labels.photographs = "Photographs";
    l->labels.cover = "Cover";
    l->labels.observance = "observance";
    l->labels.press_release = "Press Release";
    l->labels.photo_missing = "PHOTO MISSING";
    l->rule_pt = 0.35;
    l->grid = (cp_grid_spec){
        .head_pt = -1,
        .pad_pt = 2.2 * CP_PT_PER_MM,
        .day_align = CP_ALIGN_LEFT,
        .mark_r_pt = 1.6,
        .mark_gap_pt = 2.5,
        .list_gap_pt = 5 * CP_PT_PER_MM,
        .list_columns = 2,
        .list_mark_r_pt = 1.8,
        .year_columns = 4,
        .year_gap_pt = 6 * CP_PT_PER_MM,
    };
    l->language = "en";
}

static const cp_page_kind builtin_kinds[] = {
    {.name = "cover", .content = CP_CONTENT_COVER},
    {.name = "month", .content = CP_CONTENT_MONTH},
    {.name = "back", .content = CP_CONTENT_BACK},
    {.name = "press", .content = CP_CONTENT_PRESS},
    {.name = "press_next", .content = CP_CONTENT_PRESS_NEXT},
};

const cp_page_kind *cp_layout_lookup_kind(const cp_layout *l, const char *name)
{
    for (size_t i = 0; i < l->n_kinds; i++)
        if (strcmp(l->kinds[i].name, name) == 0)
            return &l->kinds[i];
    for (size_t i = 0; i < sizeof builtin_kinds / sizeof *builtin_kinds; i++)
        if (strcmp(builtin_kinds[i].name, name) == 0)
            return &builtin_kinds[i];
    return NULL;
}

cp_page_kind *cp_layout_put_kind(cp_layout *l, const char *name)
{
    for (size_t i = 0; i < l->n_kinds; i++)
        if (strcmp(l->kinds[i].name, name) == 0)
            return &l->kinds[i];
    const cp_page_kind *builtin = cp_layout_lookup_kind(l, name);
    cp_grow((void **)&l->kinds, &l->cap_kinds, l->n_kinds + 1, sizeof *l->kinds);
    cp_page_kind *k = &l->kinds[l->n_kinds++];
    *k = builtin ? *builtin : (cp_page_kind){.name = name, .content = CP_CONTENT_MONTH};
    return k;
}

size_t cp_layout_sequence(const cp_layout *l, const cp_page_kind **out, size_t max)
{
    static const char *const plain[] = {"cover", "month", "back"};
    const char *const *names = l->sequence ? l->sequence : plain;
    size_t n = l->sequence ? l->n_sequence : 3, k = 0;
    for (size_t i = 0; i < n && k < max; i++) {
        const cp_page_kind *kind = cp_layout_lookup_kind(l, names[i]);
        if (kind)
            out[k++] = kind;
    }
    return k;
}

double cp_layout_edge_margin(const cp_layout *l, const cp_page_kind *k, cp_edge edge)
{
    if (k && k->binding == edge && edge != CP_EDGE_NONE && l->binding_margin > l->safe)
        return l->binding_margin;
    return l->safe;
}

static cp_style default_style(const char *name)
{
    cp_style s;
    memset(&s, 0, sizeof s);
    s.name = name;
    s.family = "EB Garamond";
    s.size_pt = 10;
    s.leading_pt = 13;
    s.weight = 400;
    s.align = CP_ALIGN_LEFT;
    s.hyph_min_word = 6;
    s.hyph_before = 2;
    s.hyph_after = 3;
    s.max_word_space = 200;
    return s;
}

void cp_layout_resolve_colors(cp_layout *l)
{
    const cp_color palette[] = {l->accent, l->ink, l->grey, l->muted, l->paper, l->band};
    for (size_t i = 0; i < l->n_styles; i++) {
        cp_style *st = &l->styles[i];
        if (!(st->set & CP_STYLE_SET_COLOR))
            st->color = l->ink;
        else if (st->color_ref > 0 && st->color_ref <= (int)(sizeof palette / sizeof *palette))
            st->color = palette[st->color_ref - 1];
    }
}

const cp_style *cp_layout_lookup_style(const cp_layout *l, const char *name)
{
    for (size_t i = 0; i < l->n_styles; i++)
        if (strcmp(l->styles[i].name, name) == 0)
            return &l->styles[i];
    return NULL;
}

const cp_frame *cp_layout_lookup_frame(const cp_layout *l, const char *page, const char *name)
{
    for (size_t i = 0; i < l->n_frames; i++)
        if (strcmp(l->frames[i].page, page) == 0 && strcmp(l->frames[i].name, name) == 0)
            return &l->frames[i];
    return NULL;
}

cp_style *cp_layout_put_style(cp_layout *l, const char *name)
{
    cp_style *s = (cp_style *)cp_layout_lookup_style(l, name);
    if (s)
        return s;
    cp_grow((void **)&l->styles, &l->cap_styles, l->n_styles + 1, sizeof *l->styles);
    s = &l->styles[l->n_styles++];
    *s = default_style(name);
    return s;
}

cp_frame *cp_layout_put_frame(cp_layout *l, const char *page, const char *name)
{
    cp_frame *f = (cp_frame *)cp_layout_lookup_frame(l, page, name);
    if (f)
        return f;
    cp_grow((void **)&l->frames, &l->cap_frames, l->n_frames + 1, sizeof *l->frames);
    f = &l->frames[l->n_frames++];
    memset(f, 0, sizeof *f);
    f->page = page;
    f->name = name;
    return f;
}

void cp_layout_remove_frame(cp_layout *l, const char *page, const char *name, cp_pos at)
{
    const cp_frame *f = cp_layout_lookup_frame(l, page, name);
    if (!f)
        return;
    size_t i = (size_t)(f - l->frames);
    memmove(&l->frames[i], &l->frames[i + 1], (l->n_frames - i - 1) * sizeof *l->frames);
    l->n_frames--;
    cp_grow((void **)&l->removed, &l->cap_removed, l->n_removed + 1, sizeof *l->removed);
    l->removed[l->n_removed++] = (cp_frame){.page = page, .name = name, .pos = at};
}

const cp_frame *cp_layout_lookup_removed(const cp_layout *l, const char *page, const char *name)
{
    for (size_t i = l->n_removed; i-- > 0;)
        if (strcmp(l->removed[i].page, page) == 0 && strcmp(l->removed[i].name, name) == 0)
            return &l->removed[i];
    return NULL;
}

void cp_layout_finish(cp_layout *l)
{
    free(l->styles);
    free(l->frames);
    free(l->kinds);
    free(l->removed);
    l->removed = NULL;
    l->n_removed = l->cap_removed = 0;
    l->styles = NULL;
    l->frames = NULL;
    l->kinds = NULL;
    l->n_styles = l->n_frames = l->cap_styles = l->cap_frames = 0;
    l->n_kinds = l->cap_kinds = 0;
}

static void hash_str(cp_hasher *h, const char *const *v)
{
    cp_hasher_str(h, *v);
}

static void hash_pos(cp_hasher *h, const cp_pos *v)
{
    (void)h, (void)v; /* where a value was written changes nothing it sets */
}

static void hash_double(cp_hasher *h, const double *v)
{
    cp_hasher_f64(h, *v);
}

static void hash_int(cp_hasher *h, const int *v)
{
    cp_hasher_u64(h, (uint64_t)(int64_t)*v);
}

static void hash_bool(cp_hasher *h, const bool *v)
{
    cp_hasher_u64(h, *v);
}

static void hash_align(cp_hasher *h, const cp_align *v)
{
    cp_hasher_u64(h, (uint64_t)*v);
}

static void hash_color(cp_hasher *h, const cp_color *v)
{
    cp_hasher_u64(h, cp_color_key(v));
}

void cp_style_hash(const cp_style *st, cp_hasher *h)
{
    /* A field of a type not listed here does not compile: give it a hash of its own. */
#define M(bit, field)                                                                              \
    _Generic(&st->field,                                                                           \
        const char *const *: hash_str,                                                             \
        const cp_pos *: hash_pos,                                                                  \
        const double *: hash_double,                                                               \
        const int *: hash_int,                                                                     \
        const bool *: hash_bool,                                                                   \
        const cp_align *: hash_align,                                                              \
        const cp_color *: hash_color)(h, &st->field);
    STYLE_FIELDS(M)
#undef M
}
