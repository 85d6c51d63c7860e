/* Layout files: page geometry, palette, frames and styles, cascading over built-in defaults. */
#define _DEFAULT_SOURCE
#include "manifest/layoutfile.h"
#include "base/path.h"
#include "manifest/schema.h"
#include "model/locale.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The frames each kind of content draws; which of them a page kind must have is in
 * needed_frames. */
static const char *const month_frames[] = {"photo",  "name",   "headline", "quote",
                                           "body",   "month",  "grid",     "holidays",
                                           "footer", "credit", NULL};
static const char *const cover_frames[] = {"photo",        "band",   "title", "subtitle",
                                           "organisation", "credit", NULL};
static const char *const back_frames[] = {"about", "year", "credits", "footnote", "footer", NULL};
static const char *const press_frames[] = {"letterhead", "headline", "body",
                                           "footer",     "logo",     NULL};
static const char *const press_next_frames[] = {"body", "footer", NULL};
static const char *const content_names[] = {"cover", "month", "back", NULL};

static const char *const *frames_of_content(cp_content c)
{
    switch (c) {
    case CP_CONTENT_COVER:
        return cover_frames;
    case CP_CONTENT_MONTH:
        return month_frames;
    case CP_CONTENT_BACK:
        return back_frames;
    case CP_CONTENT_PRESS:
        return press_frames;
    default:
        return press_next_frames;
    }
}

static const char *const *frames_of(const cp_layout *l, const char *page)
{
    const cp_page_kind *k = cp_layout_lookup_kind(l, page);
    return frames_of_content(k ? k->content : CP_CONTENT_PRESS_NEXT);
}

/* The frames without which a page kind's content cannot be shown: a month's needs are met by
 * its page kinds together (a photo leaf and a grid leaf). */
static const char *const month_needs[] = {"photo", "name", "headline", "body",
                                          "month", "grid", NULL};
static const char *const cover_needs[] = {"title", NULL};
static const char *const no_needs[] = {NULL};
static const char *const press_needs[] = {"letterhead", "headline", "body", NULL};
static const char *const press_next_needs[] = {"body", NULL};

static const char *const *needed_frames(cp_content c)
{
    switch (c) {
    case CP_CONTENT_COVER:
        return cover_needs;
    case CP_CONTENT_MONTH:
        return month_needs;
    case CP_CONTENT_BACK:
        return no_needs;
    case CP_CONTENT_PRESS:
        return press_needs;
    default:
        return press_next_needs;
    }
}

/* The styles calpress looks up by name. */
static const char *const calendar_styles[] = {"name",
                                              "pseudonym_mark",
                                              "headline",
                                              "quote",
                                              "body",
                                              "month_name",
                                              "month_year",
                                              "weekday",
                                              "day",
                                              "holiday_item",
                                              "footer",
                                              "photo_credit",
                                              "cover_title",
                                              "cover_subtitle",
                                              "cover_organisation",
                                              "back_heading",
                                              "back_body",
                                              "credits",
                                              "footnote",
                                              "mini_month",
                                              "mini_day",
                                              "month_second",
                                              NULL};
static const char *const press_styles[] = {"letterhead_org",
                                           "letterhead_label",
                                           "letterhead_date",
                                           "headline",
                                           "body",
                                           "about_heading",
                                           "about_body",
                                           "contact_name",
                                           "contact_detail",
                                           "footnote",
                                           "folio",
                                           "contacts_heading",
                                           NULL};

/* The styles a frame's content is set in: a layout needs them for the frames it has. */
typedef struct frame_styles {
    cp_content content;
    const char *frame;
    const char *styles[7];
} frame_styles;

static const frame_styles styles_of_frames[] = {
    {CP_CONTENT_MONTH, "name", {"name", "pseudonym_mark"}},
    {CP_CONTENT_MONTH, "headline", {"headline"}},
    {CP_CONTENT_MONTH, "quote", {"quote"}},
    {CP_CONTENT_MONTH, "body", {"body"}},
    {CP_CONTENT_MONTH, "month", {"month_name", "month_year"}},
    {CP_CONTENT_MONTH, "grid", {"weekday", "day"}},
    {CP_CONTENT_MONTH, "holidays", {"holiday_item"}},
    {CP_CONTENT_MONTH, "footer", {"footer"}},
    {CP_CONTENT_MONTH, "photo", {"photo_credit"}},
    {CP_CONTENT_COVER, "title", {"cover_title"}},
    {CP_CONTENT_COVER, "subtitle", {"cover_subtitle"}},
    {CP_CONTENT_COVER, "organisation", {"cover_organisation"}},
    {CP_CONTENT_COVER, "photo", {"photo_credit"}},
    {CP_CONTENT_BACK, "about", {"back_heading", "back_body"}},
    {CP_CONTENT_BACK, "credits", {"back_heading", "credits"}},
    {CP_CONTENT_BACK, "year", {"mini_month", "mini_day"}},
    {CP_CONTENT_BACK, "footnote", {"footnote"}},
    {CP_CONTENT_BACK, "footer", {"footer"}},
    {CP_CONTENT_PRESS, "letterhead", {"letterhead_org", "letterhead_label", "letterhead_date"}},
    {CP_CONTENT_PRESS, "headline", {"headline"}},
    {CP_CONTENT_PRESS,
     "body",
     {"body", "about_heading", "about_body", "contact_name", "contact_detail", "footnote"}},
    {CP_CONTENT_PRESS, "footer", {"folio"}},
    {CP_CONTENT_PRESS_NEXT, "body", {"body"}},
    {CP_CONTENT_PRESS_NEXT, "footer", {"folio"}},
};

static int hex_digit(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* #rrggbb: a '#' and exactly six hex digits, nothing else (no sign, no space). */
static bool parse_hex_color(const char *s, cp_color *c)
{
    if (strlen(s) != 7 || s[0] != '#')
        return false;
    int v[6];
    for (int i = 0; i < 6; i++)
        if ((v[i] = hex_digit(s[1 + i])) < 0)
            return false;
    *c = (cp_color){.r = (v[0] * 16 + v[1]) / 255.0,
                    .g = (v[2] * 16 + v[3]) / 255.0,
                    .b = (v[4] * 16 + v[5]) / 255.0};
    return true;
}

static const char *skip_spaces(const char *s)
{
    while (*s == ' ')
        s++;
    return s;
}

/* A plain decimal number: digits with an optional fraction (no sign, no exponent). */
static const char *parse_decimal(const char *s, double *v)
{
    const char *p = s;
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    if (p == s || (p == s + 1 && *s == '.') || p - s > 12)
        return NULL;
    char buf[16];
    memcpy(buf, s, (size_t)(p - s));
    buf[p - s] = '\0';
    *v = strtod(buf, NULL);
    return p;
}

typedef enum color_parse { COLOR_OK, COLOR_BAD, COLOR_RANGE } color_parse;

/* cmyk(C, M, Y, K) with each ink in percent, 0..100; *bad gets an out-of-range value. */
static color_parse parse_cmyk_color(const char *s, cp_color *c, double *bad)
{
    if (strncmp(s, "cmyk(", 5) != 0)
        return COLOR_BAD;
    double v[4];
    const char *p = s + 5;
    for (int i = 0; i < 4; i++) {
        p = parse_decimal(skip_spaces(p), &v[i]);
        if (!p)
            return COLOR_BAD;
        p = skip_spaces(p);
        if (*p++ != (i < 3 ? ',' : ')'))
            return COLOR_BAD;
    }
    if (*p)
        return COLOR_BAD;
    for (int i = 0; i < 4; i++)
        if (v[i] > 100)
            return *bad = v[i], COLOR_RANGE;
    *c = (cp_color){
        .c = v[0] / 100, .m = v[1] / 100, .y = v[2] / 100, .k = v[3] / 100, .cmyk = true};
    return COLOR_OK;
}

/* A colour value (#rrggbb or cmyk()), at v. False after reporting an error that calls it what. */
static bool parse_color(cp_diags *d, const cp_node *v, const char *what, const char *names,
                        cp_color *out)
{
    double bad = 0;
    color_parse r = COLOR_BAD;
    if (v->kind == CP_NODE_SCALAR) {
        r = parse_hex_color(v->str, out) ? COLOR_OK : parse_cmyk_color(v->str, out, &bad);
        if (r == COLOR_OK) {
            out->pos = v->pos;
            return true;
        }
    }
    if (r == COLOR_RANGE)
        cp_error(d, v->pos, "%s: cmyk() takes percentages 0..100 (got %g)", what, bad);
    else
        cp_error(d, v->pos, "%s must be #rrggbb or cmyk(C, M, Y, K) in percent%s (got %s%s%s)",
                 what, names, v->kind == CP_NODE_SCALAR ? "'" : "",
                 v->kind == CP_NODE_SCALAR ? v->str : cp_node_kind_name(v),
                 v->kind == CP_NODE_SCALAR ? "'" : "");
    return false;
}

static const char *const color_names[] = {"accent", "ink", "grey", "muted", "paper", "band", NULL};

static cp_color *palette_slot(cp_layout *l, int i)
{
    cp_color *slots[] = {&l->accent, &l->ink, &l->grey, &l->muted, &l->paper, &l->band};
    return slots[i];
}

/* A colour is a palette name, #rrggbb or cmyk(C, M, Y, K). */
static bool read_color(cp_layout *l, cp_diags *d, const cp_node *v, const char *key, cp_color *out,
                       int *ref)
{
    *ref = 0;
    if (v->kind == CP_NODE_SCALAR)
        for (int i = 0; color_names[i]; i++)
            if (strcmp(v->str, color_names[i]) == 0)
                return *out = *palette_slot(l, i), *ref = i + 1, true;
    char what[64];
    snprintf(what, sizeof what, "'%s'", key);
    return parse_color(d, v, what, ", or one of accent, ink, grey, muted, paper, band", out);
}

static bool apply_page(cp_layout *l, cp_diags *d, const cp_node *m)
{
    static const char *const keys[] = {"width",
                                       "height",
                                       "bleed",
                                       "safe",
                                       "slug",
                                       "crop_marks",
                                       "registration_marks",
                                       "color_bar",
                                       "mark_length",
                                       "mark_offset",
                                       "binding_margin",
                                       "hanger_hole",
                                       NULL};
    if (!cp_schema_map(d, m, "page", keys))
        return false;
    cp_schema_length(d, m, "width", 36, &l->trim_w, NULL);
    cp_schema_length(d, m, "height", 36, &l->trim_h, NULL);
    cp_schema_length(d, m, "bleed", 0, &l->bleed, &l->bleed_pos);
    cp_schema_length(d, m, "safe", 0, &l->safe, &l->safe_pos);
    cp_schema_length(d, m, "slug", 0, &l->slug, NULL);
    cp_schema_bool(d, m, "crop_marks", &l->crop_marks);
    cp_schema_bool(d, m, "registration_marks", &l->registration_marks);
    cp_schema_bool(d, m, "color_bar", &l->color_bar);
    cp_schema_length(d, m, "mark_length", 0, &l->mark_length, NULL);
    cp_schema_length(d, m, "mark_offset", 0, &l->mark_offset, NULL);
    cp_schema_length(d, m, "binding_margin", 0, &l->binding_margin, &l->binding_margin_pos);
    cp_schema_length(d, m, "hanger_hole", 0, &l->hanger_hole, NULL);
    if (l->bleed > 25 * CP_PT_PER_MM) {
        const cp_node *v = cp_node_lookup(m, "bleed");
        cp_error(d, v ? v->pos : m->pos, "'bleed' must be at most 25mm");
    }
    return true;
}

static void apply_colors(cp_layout *l, cp_diags *d, const cp_node *m)
{
    if (!cp_schema_map(d, m, "colors", color_names))
        return;
    for (size_t i = 0; i < m->n; i++) {
        for (int c = 0; color_names[c]; c++) {
            if (strcmp(m->keys[i]->str, color_names[c]) != 0)
                continue;
            char what[64];
            snprintf(what, sizeof what, "colour '%s'", color_names[c]);
            cp_color col;
            if (parse_color(d, m->vals[i], what, "", &col))
                *palette_slot(l, c) = col;
        }
    }
}

static void apply_grid(cp_layout *l, cp_diags *d, const cp_node *m)
{
    static const char *const keys[] = {
        "neighbours", "rules",        "second_language",  "heading",      "padding",
        "align",      "rows",         "weekdays",         "mark_radius",  "mark_gap",
        "list_gap",   "list_columns", "list_mark_radius", "year_columns", "year_gap",
        NULL};
    static const char *const modes[] = {"muted", "hidden", NULL};
    static const char *const aligns[] = {"left", "center", "right", NULL};
    static const char *const rows[] = {"six", "fit", NULL};
    static const char *const weekdays[] = {"short", "narrow", NULL};
    if (!cp_schema_map(d, m, "grid", keys))
        return;
    const cp_node *sl = cp_node_lookup(m, "second_language");
    if (sl && !cp_node_is_null(sl)) {
        if (sl->kind != CP_NODE_SCALAR || !cp_locale_supported(sl->str))
            cp_error(d, sl->pos, "'second_language' must be one of %s", cp_locale_supported_list());
        else
            l->second_language = sl->str, l->second_language_pos = sl->pos;
    }
    int mode;
    if (cp_schema_enum(d, m, "neighbours", modes, &mode))
        l->neighbours = mode == 0;
    cp_schema_length(d, m, "rules", 0, &l->rule_pt, NULL);
    cp_grid_spec *g = &l->grid;
    cp_schema_length(d, m, "heading", 0, &g->head_pt, NULL);
    cp_schema_length(d, m, "padding", 0, &g->pad_pt, NULL);
    if (cp_schema_enum(d, m, "align", aligns, &mode))
        g->day_align = (cp_align)mode;
    if (cp_schema_enum(d, m, "rows", rows, &mode))
        g->fit_rows = mode == 1;
    if (cp_schema_enum(d, m, "weekdays", weekdays, &mode))
        g->narrow_weekdays = mode == 1;
    cp_schema_length(d, m, "mark_radius", 0, &g->mark_r_pt, NULL);
    cp_schema_length(d, m, "mark_gap", 0, &g->mark_gap_pt, NULL);
    cp_schema_length(d, m, "list_gap", 0, &g->list_gap_pt, NULL);
    cp_schema_length(d, m, "list_mark_radius", 0, &g->list_mark_r_pt, NULL);
    cp_schema_length(d, m, "year_gap", 0, &g->year_gap_pt, NULL);
    cp_schema_int(d, m, "list_columns", false, 1, 4, &g->list_columns, NULL);
    cp_schema_int(d, m, "year_columns", false, 1, 12, &g->year_columns, NULL);
}

static void apply_style(cp_layout *l, cp_arena *a, cp_diags *d, const char *name, const cp_node *m)
{
    static const char *const keys[] = {"based_on",
                                       "family",
                                       "size",
                                       "min_size",
                                       "max_size",
                                       "leading",
                                       "min_leading",
                                       "weight",
                                       "italic",
                                       "color",
                                       "tracking",
                                       "align",
                                       "features",
                                       "uppercase",
                                       "space_before",
                                       "space_after",
                                       "indent",
                                       "hyphenate",
                                       "hyphenate_min_word",
                                       "hyphenate_before",
                                       "hyphenate_after",
                                       "max_word_space",
                                       NULL};
    static const char *const aligns[] = {"left", "center", "right", "justify", NULL};
    if (!cp_schema_map(d, m, "a style", keys))
        return;
    cp_style s;
    memset(&s, 0, sizeof s);
    const cp_node *v;
    cp_str str;
    if ((v = cp_node_lookup(m, "based_on"))) {
        const cp_style *base = v->kind == CP_NODE_SCALAR ? cp_layout_lookup_style(l, v->str) : NULL;
        if (!base)
            cp_error(d, v->pos, "'based_on' names no style defined above it");
        else
            s = *base;
    }
    if (cp_schema_str(a, d, m, "family", false, &str))
        s.family = str.s, s.family_pos = str.pos, s.set |= CP_STYLE_SET_FAMILY;
    if (cp_schema_length(d, m, "size", 1, &s.size_pt, NULL))
        s.set |= CP_STYLE_SET_SIZE;
    if (cp_schema_length(d, m, "min_size", 1, &s.min_size_pt, NULL))
        s.set |= CP_STYLE_SET_MIN_SIZE;
    if (cp_schema_length(d, m, "max_size", 1, &s.max_size_pt, NULL))
        s.set |= CP_STYLE_SET_MAX_SIZE;
    if (cp_schema_length(d, m, "leading", 1, &s.leading_pt, NULL))
        s.set |= CP_STYLE_SET_LEADING;
    if (cp_schema_length(d, m, "min_leading", 1, &s.min_leading_pt, NULL))
        s.set |= CP_STYLE_SET_MIN_LEADING;
    double w;
    if (cp_schema_number(d, m, "weight", 100, 900, &w))
        s.weight = (int)w, s.set |= CP_STYLE_SET_WEIGHT;
    if (cp_schema_bool(d, m, "italic", &s.italic))
        s.set |= CP_STYLE_SET_ITALIC;
    if ((v = cp_node_lookup(m, "color")) && read_color(l, d, v, "color", &s.color, &s.color_ref))
        s.set |= CP_STYLE_SET_COLOR;
    if (cp_schema_number(d, m, "tracking", -200, 1000, &s.tracking))
        s.set |= CP_STYLE_SET_TRACKING;
    int al;
    if (cp_schema_enum(d, m, "align", aligns, &al))
        s.align = (cp_align)al, s.set |= CP_STYLE_SET_ALIGN;
    if (cp_schema_str(a, d, m, "features", false, &str))
        s.features = str.s, s.set |= CP_STYLE_SET_FEATURES;
    if (cp_schema_bool(d, m, "uppercase", &s.uppercase))
        s.set |= CP_STYLE_SET_UPPERCASE;
    if (cp_schema_length(d, m, "space_before", 0, &s.space_before_pt, NULL))
        s.set |= CP_STYLE_SET_SPACE_BEFORE;
    if (cp_schema_length(d, m, "space_after", 0, &s.space_after_pt, NULL))
        s.set |= CP_STYLE_SET_SPACE_AFTER;
    if (cp_schema_length(d, m, "indent", 0, &s.indent_pt, NULL))
        s.set |= CP_STYLE_SET_INDENT;
    if (cp_schema_bool(d, m, "hyphenate", &s.hyphenate))
        s.set |= CP_STYLE_SET_HYPHENATE;
    double v2;
    if (cp_schema_number(d, m, "hyphenate_min_word", 2, 40, &v2))
        s.hyph_min_word = (int)v2, s.set |= CP_STYLE_SET_HYPH_MIN_WORD;
    if (cp_schema_number(d, m, "hyphenate_before", 1, 10, &v2))
        s.hyph_before = (int)v2, s.set |= CP_STYLE_SET_HYPH_BEFORE;
    if (cp_schema_number(d, m, "hyphenate_after", 1, 10, &v2))
        s.hyph_after = (int)v2, s.set |= CP_STYLE_SET_HYPH_AFTER;
    if (cp_schema_number(d, m, "max_word_space", 100, 1000, &v2))
        s.max_word_space = v2, s.set |= CP_STYLE_SET_MAX_WORD_SPACE;
    cp_style *dst = cp_layout_put_style(l, name);
    cp_style_merge(dst, &s);
    dst->pos = m->pos;
    if (!(s.set & CP_STYLE_SET_LEADING) && (s.set & CP_STYLE_SET_SIZE) &&
        !(dst->set & CP_STYLE_SET_LEADING))
        dst->leading_pt = dst->size_pt * 1.25;
    if (dst->min_size_pt <= 0 || dst->min_size_pt > dst->size_pt)
        dst->min_size_pt = dst->size_pt;
    if (dst->max_size_pt < dst->size_pt)
        dst->max_size_pt = dst->size_pt;
}

static bool known_style(const char *name)
{
    for (const char *const *s = calendar_styles; *s; s++)
        if (strcmp(*s, name) == 0)
            return true;
    for (const char *const *s = press_styles; *s; s++)
        if (strcmp(*s, name) == 0)
            return true;
    return false;
}

static void apply_styles(cp_layout *l, cp_arena *a, cp_diags *d, const cp_node *m)
{
    if (m->kind != CP_NODE_MAP) {
        cp_error(d, m->pos, "'styles' must be a map of style names");
        return;
    }
    for (size_t i = 0; i < m->n; i++) {
        const char *name = m->keys[i]->str;
        /* A style calpress does not use may be a based_on parent; a near miss is a typo. */
        if (!known_style(name)) {
            const char *s = cp_suggest(name, calendar_styles);
            if (!s)
                s = cp_suggest(name, press_styles);
            if (s)
                cp_warning(d, m->keys[i]->pos, "calpress uses no style '%s'; did you mean '%s'?",
                           name, s);
        }
        apply_style(l, a, d, name, m->vals[i]);
    }
}

/* The page kinds a layout knows, for "unknown key" messages: built-ins and declared ones. */
static const char *const builtin_kinds[] = {"month", "cover", "back", "press", "press_next", NULL};

static bool is_builtin_kind(const char *name)
{
    for (const char *const *b = builtin_kinds; *b; b++)
        if (strcmp(*b, name) == 0)
            return true;
    return false;
}

/* The page kinds a layout knows, for "unknown key" messages: built-ins and declared ones. */
static const char *const *kind_names(const cp_layout *l, cp_arena *a)
{
    size_t nb = sizeof builtin_kinds / sizeof *builtin_kinds - 1;
    const char **names = cp_arena_alloc(a, (nb + l->n_kinds + 1) * sizeof *names);
    size_t n = 0;
    for (size_t i = 0; i < nb; i++)
        names[n++] = builtin_kinds[i];
    for (size_t i = 0; i < l->n_kinds; i++)
        if (!is_builtin_kind(l->kinds[i].name))
            names[n++] = l->kinds[i].name;
    names[n] = NULL;
    return names;
}

static void apply_follows(const cp_layout *l, cp_diags *d, const cp_node *fl, cp_frame *f)
{
    if (cp_node_is_null(fl)) {
        f->follows = NULL; /* follows: ~ in overrides turns it off */
        return;
    }
    bool known = false;
    for (const char *const *n = frames_of(l, f->page); fl->kind == CP_NODE_SCALAR && *n; n++)
        known = known || (strcmp(*n, fl->str) == 0 && strcmp(*n, f->name) != 0);
    if (!known)
        cp_error(d, fl->pos, "'follows' must name another frame of %s pages", f->page);
    else
        f->follows = fl->str, f->follows_pos = fl->pos;
}

static void apply_frames(cp_layout *l, cp_arena *a, cp_diags *d, const cp_node *m)
{
    if (!cp_schema_map(d, m, "frames", kind_names(l, a)))
        return;
    static const char *const keys[] = {"x", "y", "width", "height", "follows", "valign", NULL};
    static const char *const valigns[] = {"top", "center", "bottom", NULL};
    for (size_t i = 0; i < m->n; i++) {
        const char *page = m->keys[i]->str;
        const cp_node *fm = m->vals[i];
        const cp_page_kind *kind = cp_layout_lookup_kind(l, page);
        if (!kind || !cp_schema_map(d, fm, "a page's frames", frames_of(l, page)))
            continue;
        if (!kind->pos.file && kind == cp_layout_lookup_kind(l, page))
            cp_layout_put_kind(l, page)->pos = m->keys[i]->pos;
        for (size_t j = 0; j < fm->n; j++) {
            const cp_node *r = fm->vals[j];
            if (cp_node_is_null(r)) {
                /* name: ~ leaves out a frame the layout extended had */
                cp_layout_remove_frame(l, page, fm->keys[j]->str, fm->keys[j]->pos);
                continue;
            }
            if (!cp_schema_map(d, r, "a frame", keys))
                continue;
            cp_frame *f = cp_layout_put_frame(l, page, fm->keys[j]->str);
            f->pos = r->pos;
            cp_schema_length(d, r, "x", -1e4, &f->x, NULL);
            cp_schema_length(d, r, "y", -1e4, &f->y, NULL);
            cp_schema_length(d, r, "width", 0, &f->w, NULL);
            cp_schema_length(d, r, "height", 0, &f->h, NULL);
            const cp_node *fl = cp_node_lookup(r, "follows");
            if (fl)
                apply_follows(l, d, fl, f);
            int va;
            if (cp_schema_enum(d, r, "valign", valigns, &va))
                f->valign = (cp_valign)va;
        }
    }
}

/* page_kinds: NAME: {content: cover | month | back, binding: none | top | bottom | left | right} */
static void apply_kinds(cp_layout *l, cp_diags *d, const cp_node *m)
{
    static const char *const keys[] = {"content", "binding", NULL};
    static const char *const edges[] = {"none", "top", "bottom", "left", "right", NULL};
    if (m->kind != CP_NODE_MAP) {
        cp_error(d, m->pos, "'page_kinds' must be a map of page kind names");
        return;
    }
    for (size_t i = 0; i < m->n; i++) {
        const cp_node *kn = m->keys[i], *v = m->vals[i];
        if (!cp_schema_map(d, v, "a page kind", keys))
            continue;
        const cp_page_kind *old = cp_layout_lookup_kind(l, kn->str);
        int c = 0, e;
        bool has_content = cp_schema_enum(d, v, "content", content_names, &c);
        if (old && (old->content == CP_CONTENT_PRESS || old->content == CP_CONTENT_PRESS_NEXT)) {
            cp_error(d, kn->pos, "page kind '%s' is the press release's and has no settings",
                     kn->str);
            continue;
        }
        if (!old && !has_content) {
            cp_error(d, v->pos, "page kind '%s' needs 'content': cover, month or back", kn->str);
            continue;
        }
        if (has_content && is_builtin_kind(kn->str) && (int)old->content != c) {
            cp_error(d, v->pos,
                     "page kind '%s' is built in and shows the %s; declare a kind of "
                     "another name",
                     kn->str, content_names[old->content]);
            continue;
        }
        cp_page_kind *k = cp_layout_put_kind(l, kn->str);
        k->pos = kn->pos;
        if (has_content)
            k->content = (cp_content)c;
        if (cp_schema_enum(d, v, "binding", edges, &e))
            k->binding = (cp_edge)e;
    }
}

/* sequence: the calendar's page kinds in print order: the cover's, then the months' (each month
 * gets these pages in this order), then the back's. */
static void apply_sequence(cp_layout *l, cp_arena *a, cp_diags *d, const cp_node *v)
{
    if (cp_node_is_null(v)) {
        l->sequence = NULL, l->n_sequence = 0;
        return;
    }
    if (v->kind != CP_NODE_SEQ || v->n == 0 || v->n > CP_MAX_SEQUENCE) {
        cp_error(d, v->pos, "'sequence' must be a list of 1 to %d page kinds, in print order",
                 CP_MAX_SEQUENCE);
        return;
    }
    const char **names = cp_arena_alloc(a, v->n * sizeof *names);
    int stage = 0; /* 0 cover pages, 1 month pages, 2 back pages */
    size_t months = 0, before = d->n_errors;
    for (size_t i = 0; i < v->n; i++) {
        const cp_node *it = v->vals[i];
        const cp_page_kind *k =
            it->kind == CP_NODE_SCALAR ? cp_layout_lookup_kind(l, it->str) : NULL;
        if (k && (k->content == CP_CONTENT_PRESS || k->content == CP_CONTENT_PRESS_NEXT)) {
            cp_error(d, it->pos,
                     "'sequence' lists the calendar's pages; '%s' is the press "
                     "release's (see press_layout)",
                     k->name);
            continue;
        }
        if (!k) {
            const char *const *known = kind_names(l, a);
            const char *s = it->kind == CP_NODE_SCALAR ? cp_suggest(it->str, known) : NULL;
            cp_error(d, it->pos, "'sequence' names no calendar page kind '%s'%s%s%s",
                     it->kind == CP_NODE_SCALAR ? it->str : cp_node_kind_name(it),
                     s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "");
            continue;
        }
        int st = k->content == CP_CONTENT_COVER ? 0 : k->content == CP_CONTENT_MONTH ? 1 : 2;
        if (st < stage)
            cp_error(d, it->pos,
                     "'sequence' lists the cover's pages first, then the months' (together), "
                     "then the back's: '%s' is out of order",
                     it->str);
        stage = st;
        months += st == 1;
        names[i] = k->name;
    }
    if (d->n_errors == before && months == 0)
        cp_error(d, v->pos, "'sequence' has no page kind with the months' content");
    if (d->n_errors != before)
        return;
    l->sequence = names;
    l->n_sequence = v->n;
    l->sequence_pos = v->pos;
}

bool cp_layout_apply(cp_layout *l, cp_arena *a, cp_diags *d, const cp_node *root, bool is_file)
{
    static const char *const keys[] = {"name",
                                       "page",
                                       "colors",
                                       "grid",
                                       "styles",
                                       "frames",
                                       "press_layout",
                                       "smart_punctuation",
                                       "photo_credits",
                                       "ink_limit",
                                       "labels",
                                       "language",
                                       "page_kinds",
                                       "sequence",
                                       "extends", /* a file's only: cp_layout_load reads it */
                                       NULL};
    size_t before = d->n_errors;
    size_t n_keys = sizeof keys / sizeof *keys - (is_file ? 1 : 2);
    const char *own[sizeof keys / sizeof *keys];
    memcpy(own, keys, n_keys * sizeof *keys);
    own[n_keys] = NULL;
    if (!cp_schema_map(d, root, is_file ? "a layout file" : "layout_overrides", own))
        return false;
    const cp_node *v;
    cp_str s;
    if (cp_schema_str(a, d, root, "name", false, &s))
        l->name = s.s;
    if (cp_schema_str(a, d, root, "press_layout", false, &s))
        l->press_layout = s.s, l->press_layout_pos = s.pos;
    if ((v = cp_node_lookup(root, "page")))
        apply_page(l, d, v);
    cp_schema_bool(d, root, "smart_punctuation", &l->smart_punctuation);
    static const char *const credit_modes[] = {"both", "edge", "back", NULL};
    int cm;
    if (cp_schema_enum(d, root, "photo_credits", credit_modes, &cm)) {
        l->credits_on_page = cm != 2;
        l->credits_on_back = cm != 1;
    }
    const cp_node *il = cp_node_lookup(root, "ink_limit");
    if (il && cp_schema_number(d, root, "ink_limit", 100, 400, &l->ink_limit))
        l->ink_limit_pos = il->pos;
    /* The palette first: styles refer to it by name. */
    if ((v = cp_node_lookup(root, "colors")))
        apply_colors(l, d, v);
    if ((v = cp_node_lookup(root, "grid")))
        apply_grid(l, d, v);
    if ((v = cp_node_lookup(root, "labels"))) {
        static const char *const lkeys[] = {"photographs",   "cover",         "observance",
                                            "press_release", "photo_missing", NULL};
        const char **slots[] = {&l->labels.photographs, &l->labels.cover, &l->labels.observance,
                                &l->labels.press_release, &l->labels.photo_missing};
        if (cp_schema_map(d, v, "labels", lkeys))
            for (int i = 0; lkeys[i]; i++)
                if (cp_schema_str(a, d, v, lkeys[i], false, &s))
                    *slots[i] = s.s;
    }
    if ((v = cp_node_lookup(root, "language")) && !cp_node_is_null(v)) {
        if (v->kind != CP_NODE_SCALAR || !cp_locale_supported(v->str))
            cp_error(d, v->pos, "'language' must be one of %s", cp_locale_supported_list());
        else
            l->language = v->str, l->language_pos = v->pos;
    }
    if ((v = cp_node_lookup(root, "styles")))
        apply_styles(l, a, d, v);
    if ((v = cp_node_lookup(root, "page_kinds")))
        apply_kinds(l, d, v);
    if ((v = cp_node_lookup(root, "sequence")))
        apply_sequence(l, a, d, v);
    if ((v = cp_node_lookup(root, "frames")))
        apply_frames(l, a, d, v);
    return d->n_errors == before;
}

char *cp_layout_find(cp_arena *a, const char *name, const char *base_dir,
                     const char *const *data_dirs)
{
    size_t n = strlen(name);
    if (strchr(name, '/') || (n > 5 && strcmp(name + n - 5, ".yaml") == 0)) {
        char *p = cp_path_join(a, base_dir, name);
        return cp_path_is_file(p) ? p : NULL;
    }
    char *p = cp_path_join(a, base_dir, cp_arena_printf(a, "%s.yaml", name));
    if (cp_path_is_file(p))
        return p;
    p = cp_path_join(a, base_dir, cp_arena_printf(a, "layouts/%s.yaml", name));
    if (cp_path_is_file(p))
        return p;
    for (const char *const *dir = data_dirs; dir && *dir; dir++) {
        p = cp_arena_printf(a, "%s/layouts/%s.yaml", *dir, name);
        if (cp_path_is_file(p))
            return p;
    }
    return NULL;
}

/* A parent named by 'extends': found like a manifest's layout, from the extending file's folder,
 * but never the extending file itself (a designer's layouts/a3-portrait.yaml may extend the
 * shipped one). Arena-owned, or NULL. */
static char *find_parent(cp_arena *a, const char *name, const char *child,
                         const char *const *data_dirs)
{
    char *self = realpath(child, NULL);
    char *p = cp_layout_find(a, name, cp_path_dirname(a, child), data_dirs);
    char *rp = p ? realpath(p, NULL) : NULL;
    bool same = self && rp && strcmp(self, rp) == 0;
    free(rp);
    for (const char *const *dir = data_dirs; same && dir && *dir; dir++) {
        p = cp_arena_printf(a, "%s/layouts/%s.yaml", *dir, name);
        rp = cp_path_is_file(p) ? realpath(p, NULL) : NULL;
        same = !rp || strcmp(self, rp) == 0;
        free(rp);
    }
    free(self);
    return same ? NULL : p;
}

typedef struct load_ctx {
    cp_arena *a;
    cp_diags *d;
    cp_inputs *inputs;
    const char *const *data_dirs;
    const char *chain[8]; /* the files being loaded, outermost first */
    int depth;
} load_ctx;

static bool load_file(cp_layout *l, load_ctx *c, const char *path, const cp_pos *from);

/* extends: NAME: the parent layout is applied first, then the file's own keys over it. */
static bool load_parent(cp_layout *l, load_ctx *c, const char *path, const cp_node *ext)
{
    if (ext->kind != CP_NODE_SCALAR || cp_node_is_null(ext)) {
        cp_error(c->d, ext->pos, "'extends' must name a layout, e.g. 'extends: a3-portrait'");
        return false;
    }
    char *parent = find_parent(c->a, ext->str, path, c->data_dirs);
    if (!parent) {
        cp_error(c->d, ext->pos, "unknown layout '%s' to extend", ext->str);
        return false;
    }
    char *rp = realpath(parent, NULL);
    bool loop = c->depth >= (int)(sizeof c->chain / sizeof *c->chain);
    for (int i = 0; i < c->depth && rp && !loop; i++) {
        char *q = realpath(c->chain[i], NULL);
        loop = q && strcmp(q, rp) == 0;
        free(q);
    }
    free(rp);
    if (loop) {
        const char *chain = "";
        for (int i = 0; i < c->depth; i++)
            chain = cp_arena_printf(c->a, "%s%s extends ", chain, cp_path_basename(c->chain[i]));
        cp_error(c->d, ext->pos, "layouts extend each other in a loop: %s%s", chain,
                 cp_path_basename(parent));
        return false;
    }
    return load_file(l, c, parent, &ext->pos);
}

static bool load_file(cp_layout *l, load_ctx *c, const char *path, const cp_pos *from)
{
    cp_node *root = cp_yaml_load_input(c->a, c->d, path, from, c->inputs);
    if (!root)
        return false;
    c->chain[c->depth++] = path;
    const cp_node *ext = cp_node_lookup(root, "extends");
    bool ok = !ext || load_parent(l, c, path, ext);
    c->depth--;
    l->path = cp_arena_strdup(c->a, path);
    if (l->n_files < CP_LAYOUT_MAX_FILES)
        l->files[l->n_files++] = l->path;
    if (ext) {
        /* A variant is called by its file's name unless it names itself. */
        const char *base = cp_path_basename(path);
        size_t n = strlen(base);
        l->name = cp_arena_strndup(c->a, base, n > 5 && !strcmp(base + n - 5, ".yaml") ? n - 5 : n);
    }
    return cp_layout_apply(l, c->a, c->d, root, true) && ok;
}

bool cp_layout_load(cp_layout *l, cp_arena *a, cp_diags *d, const char *path, const cp_pos *from,
                    cp_inputs *inputs, const char *const *data_dirs)
{
    load_ctx c = {.a = a, .d = d, .inputs = inputs, .data_dirs = data_dirs};
    return load_file(l, &c, path, from);
}

/* Frames a page kind may leave out although others are drawn with it: the press release's logo
 * (the letterhead names the organisation in type instead). */
static bool optional_frame(const char *page, const char *frame)
{
    return strcmp(page, "press") == 0 && strcmp(frame, "logo") == 0;
}

/* The logo sits in the letterhead, in the organisation's name's place: they overlap by design. */
static bool overlap_expected(const cp_frame *a, const cp_frame *b)
{
    return (optional_frame(a->page, a->name) && strcmp(b->name, "letterhead") == 0) ||
           (optional_frame(b->page, b->name) && strcmp(a->name, "letterhead") == 0);
}

/* Frames that may run to the trim and into the bleed: photos and colour fields. */
static bool may_bleed(const cp_layout *l, const cp_frame *f)
{
    const cp_page_kind *k = cp_layout_lookup_kind(l, f->page);
    if (!k)
        return false;
    if (k->content == CP_CONTENT_MONTH)
        return strcmp(f->name, "photo") == 0;
    return k->content == CP_CONTENT_COVER &&
           (strcmp(f->name, "photo") == 0 || strcmp(f->name, "band") == 0);
}

/* Text, the grid and everything else that must survive the trim stays in the safe area, and
 * clear of the binding on a bound edge. */
static bool check_safe(const cp_layout *l, const cp_frame *f, cp_diags *d)
{
    const cp_page_kind *k = cp_layout_lookup_kind(l, f->page);
    struct {
        const char *edge;
        cp_edge e;
        double inset;
    } edges[] = {{"left", CP_EDGE_LEFT, f->x},
                 {"top", CP_EDGE_TOP, f->y},
                 {"right", CP_EDGE_RIGHT, l->trim_w - (f->x + f->w)},
                 {"bottom", CP_EDGE_BOTTOM, l->trim_h - (f->y + f->h)}};
    for (size_t i = 0; i < 4; i++) {
        double s = cp_layout_edge_margin(l, k, edges[i].e);
        if (edges[i].inset >= s - 0.01)
            continue;
        bool binding = s > l->safe;
        cp_error(d, f->pos,
                 "frame '%s' of %s pages leaves the %s: its %s edge is %.1f mm from "
                 "the trim, the layout's %s margin is %.1f mm",
                 f->name, f->page, binding ? "binding margin" : "safe area", edges[i].edge,
                 edges[i].inset / CP_PT_PER_MM, binding ? "binding" : "safe", s / CP_PT_PER_MM);
        cp_pos at = binding ? l->binding_margin_pos : l->safe_pos;
        if (at.file)
            cp_note(d, at, "the %s margin is set here", binding ? "binding" : "safe");
        return false;
    }
    return true;
}

/* The page kinds a check covers: the calendar's sequence, or the press release's two. */
typedef struct kind_set {
    const cp_page_kind *k[CP_MAX_SEQUENCE];
    size_t n;
} kind_set;

static bool in_set(const kind_set *ks, const char *page)
{
    for (size_t i = 0; i < ks->n; i++)
        if (strcmp(ks->k[i]->name, page) == 0)
            return true;
    return false;
}

/* Text frames of one page kind that overlap would set text over text. Photos and the cover's
 * band lie under text by design. */
static void check_overlaps(const cp_layout *l, const kind_set *ks, cp_diags *d)
{
    for (size_t i = 0; i < l->n_frames; i++) {
        const cp_frame *a = &l->frames[i];
        if (may_bleed(l, a) || !in_set(ks, a->page))
            continue;
        for (size_t j = i + 1; j < l->n_frames; j++) {
            const cp_frame *b = &l->frames[j];
            if (strcmp(a->page, b->page) != 0 || may_bleed(l, b) || overlap_expected(a, b))
                continue;
            double w = fmin(a->x + a->w, b->x + b->w) - fmax(a->x, b->x);
            double h = fmin(a->y + a->h, b->y + b->h) - fmax(a->y, b->y);
            if (w > 0.5 && h > 0.5) {
                cp_warning(d, b->pos,
                           "frames '%s' and '%s' of %s pages overlap (%.1f x %.1f mm): their text "
                           "may collide",
                           a->name, b->name, a->page, w / CP_PT_PER_MM, h / CP_PT_PER_MM);
                cp_note(d, a->pos, "frame '%s' is here", a->name);
            }
        }
    }
}

static cp_pos kind_pos(const cp_layout *l, const cp_page_kind *k)
{
    return k->pos.file ? k->pos : cp_pos_file(l->path);
}

/* Every frame a content needs, on its page kind, or for a month on one of its kinds. */
static bool check_needs(const cp_layout *l, const kind_set *ks, cp_content content, cp_diags *d)
{
    bool ok = true;
    const cp_page_kind *of[CP_MAX_SEQUENCE];
    size_t n = 0;
    for (size_t i = 0; i < ks->n; i++)
        if (ks->k[i]->content == content) {
            bool seen = false;
            for (size_t j = 0; j < n; j++)
                seen = seen || of[j] == ks->k[i];
            if (!seen)
                of[n++] = ks->k[i];
        }
    /* Each cover and back kind stands alone; a month's kinds share its needs. */
    size_t groups = content == CP_CONTENT_MONTH ? (n > 0) : n;
    for (size_t g = 0; g < groups; g++) {
        for (const char *const *f = needed_frames(content); *f; f++) {
            bool have = false;
            size_t from = content == CP_CONTENT_MONTH ? 0 : g,
                   to = content == CP_CONTENT_MONTH ? n : g + 1;
            for (size_t i = from; i < to && !have; i++)
                have = cp_layout_lookup_frame(l, of[i]->name, *f) != NULL;
            if (have)
                continue;
            ok = false;
            const cp_frame *gone = NULL;
            for (size_t i = from; i < to && !gone; i++)
                gone = cp_layout_lookup_removed(l, of[i]->name, *f);
            if (gone) {
                cp_error(d, gone->pos, "frame '%s' is left out here, but %s pages need it", *f,
                         content == CP_CONTENT_MONTH ? "month" : of[from]->name);
            } else if (to - from == 1) {
                cp_error(d, kind_pos(l, of[from]), "layout defines no frame '%s' for %s pages", *f,
                         of[from]->name);
            } else {
                char list[256] = "";
                for (size_t i = from; i < to; i++)
                    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                             i > from ? ", " : "", of[i]->name);
                cp_error(d, kind_pos(l, of[from]),
                         "layout defines no frame '%s' on any of the month's pages (%s)", *f, list);
            }
        }
    }
    return ok;
}

/* The styles the frames of the checked kinds are set in, each reported once when missing. */
static bool check_styles(const cp_layout *l, const kind_set *ks, cp_diags *d)
{
    const char *missing[64];
    const cp_frame *needed_by[64];
    size_t n_missing = 0;
    const cp_frame *month_frame = NULL;
    for (size_t i = 0; i < l->n_frames; i++) {
        const cp_frame *f = &l->frames[i];
        const cp_page_kind *k = cp_layout_lookup_kind(l, f->page);
        if (!k || !in_set(ks, f->page))
            continue;
        if (k->content == CP_CONTENT_MONTH && !strcmp(f->name, "month") && !month_frame)
            month_frame = f;
        for (size_t j = 0; j < sizeof styles_of_frames / sizeof *styles_of_frames; j++) {
            const frame_styles *fs = &styles_of_frames[j];
            if (fs->content != k->content || strcmp(fs->frame, f->name) != 0)
                continue;
            for (size_t m = 0; m < 7 && fs->styles[m]; m++) {
                bool known = cp_layout_lookup_style(l, fs->styles[m]) != NULL;
                for (size_t q = 0; q < n_missing && !known; q++)
                    known = strcmp(missing[q], fs->styles[m]) == 0;
                if (!known && n_missing < 64)
                    missing[n_missing] = fs->styles[m], needed_by[n_missing++] = f;
            }
        }
    }
    if (month_frame && l->second_language && !cp_layout_lookup_style(l, "month_second") &&
        n_missing < 64)
        missing[n_missing] = "month_second", needed_by[n_missing++] = month_frame;
    for (size_t i = 0; i < n_missing; i++) {
        cp_error(d, cp_pos_file(l->path), "layout defines no style '%s'", missing[i]);
        if (needed_by[i]->pos.file)
            cp_note(d, needed_by[i]->pos, "frame '%s' of %s pages is set in it", needed_by[i]->name,
                    needed_by[i]->page);
    }
    return n_missing == 0;
}

static bool check(const cp_layout *l, cp_diags *d, const kind_set *ks, const cp_content *contents,
                  size_t n_contents)
{
    bool ok = true;
    for (size_t i = 0; i < l->n_frames; i++) {
        const cp_frame *f = &l->frames[i];
        if (!in_set(ks, f->page))
            continue;
        if (f->w <= 0 || f->h <= 0) {
            cp_error(d, f->pos, "frame '%s' of %s pages has no width or height", f->name, f->page);
            ok = false;
        } else if (!may_bleed(l, f)) {
            ok = check_safe(l, f, d) && ok;
        }
    }
    check_overlaps(l, ks, d);
    for (size_t i = 0; i < n_contents; i++)
        ok = check_needs(l, ks, contents[i], d) && ok;
    for (size_t i = 0; i < l->n_styles; i++) {
        const cp_style *st = &l->styles[i];
        if (st->leading_pt < st->size_pt * 0.95)
            cp_warning(d, st->pos,
                       "style '%s' has %.4gpt leading for %.4gpt type: its lines overlap", st->name,
                       st->leading_pt, st->size_pt);
    }
    return check_styles(l, ks, d) && ok;
}

bool cp_layout_check_calendar(const cp_layout *l, cp_diags *d)
{
    kind_set ks;
    ks.n = cp_layout_sequence(l, ks.k, CP_MAX_SEQUENCE);
    static const cp_content contents[] = {CP_CONTENT_COVER, CP_CONTENT_MONTH, CP_CONTENT_BACK};
    return check(l, d, &ks, contents, 3);
}

bool cp_layout_check_press(const cp_layout *l, cp_diags *d)
{
    kind_set ks = {{cp_layout_lookup_kind(l, "press"), cp_layout_lookup_kind(l, "press_next")}, 2};
    static const cp_content contents[] = {CP_CONTENT_PRESS, CP_CONTENT_PRESS_NEXT};
    return check(l, d, &ks, contents, 2);
}
