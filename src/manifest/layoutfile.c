/* Layout files: page geometry, palette, frames and styles, cascading over built-in defaults. */
#include "manifest/layoutfile.h"
#include "base/path.h"
#include "manifest/schema.h"
#include "model/locale.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>

/* The frames each page kind draws; a layout must define all of them. */
static const char *const month_frames[] = {"photo", "name", "headline", "quote",  "body",
                                           "month", "grid", "holidays", "footer", NULL};
static const char *const cover_frames[] = {"photo",    "band",         "title",
                                           "subtitle", "organisation", NULL};
static const char *const back_frames[] = {"about", "year", "credits", "footnote", "footer", NULL};
static const char *const press_frames[] = {"letterhead", "headline", "body",
                                           "footer",     "logo",     NULL};
static const char *const press_next_frames[] = {"body", "footer", NULL};
static const char *const page_kinds[] = {"month", "cover", "back", "press", "press_next", NULL};

static const char *const *frames_of(const char *page)
{
    if (strcmp(page, "month") == 0)
        return month_frames;
    if (strcmp(page, "cover") == 0)
        return cover_frames;
    if (strcmp(page, "back") == 0)
        return back_frames;
    if (strcmp(page, "press") == 0)
        return press_frames;
    return press_next_frames;
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
static const char *const press_styles[] = {
    "letterhead_org", "letterhead_label", "letterhead_date", "headline", "body",  "about_heading",
    "about_body",     "contact_name",     "contact_detail",  "footnote", "folio", NULL};

static bool parse_hex_color(const char *s, cp_color *c)
{
    unsigned r, g, b;
    char tail;
    if (strlen(s) != 7 || s[0] != '#')
        return false;
    /* sscanf's %x takes a sign and spaces: "#-1ff00" must not read as a colour. */
    for (int i = 1; i < 7; i++)
        if (!isxdigit((unsigned char)s[i]))
            return false;
    if (sscanf(s + 1, "%2x%2x%2x%c", &r, &g, &b, &tail) != 3)
        return false;
    c->r = r / 255.0;
    c->g = g / 255.0;
    c->b = b / 255.0;
    return true;
}

static const char *const color_names[] = {"accent", "ink", "grey", "muted", "paper", "band", NULL};

static cp_color *palette_slot(cp_layout *l, int i)
{
    cp_color *slots[] = {&l->accent, &l->ink, &l->grey, &l->muted, &l->paper, &l->band};
    return slots[i];
}

/* A colour is a palette name or #rrggbb. */
static bool read_color(cp_layout *l, cp_diags *d, const cp_node *v, const char *key, cp_color *out,
                       int *ref)
{
    *ref = 0;
    if (v->kind == CP_NODE_SCALAR) {
        for (int i = 0; color_names[i]; i++)
            if (strcmp(v->str, color_names[i]) == 0)
                return *out = *palette_slot(l, i), *ref = i + 1, true;
        if (parse_hex_color(v->str, out))
            return true;
    }
    cp_error(d, v->pos, "'%s' must be #rrggbb or one of accent, ink, grey, muted, paper, band",
             key);
    return false;
}

static bool apply_page(cp_layout *l, cp_diags *d, const cp_node *m)
{
    static const char *const keys[] = {
        "width",     "height", "bleed", "safe", "slug", "crop_marks", "registration_marks",
        "color_bar", NULL};
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
            const cp_node *v = m->vals[i];
            if (v->kind != CP_NODE_SCALAR || !parse_hex_color(v->str, palette_slot(l, c)))
                cp_error(d, v->pos, "colour '%s' must be written #rrggbb (got %s%s%s)",
                         color_names[c], v->kind == CP_NODE_SCALAR ? "'" : "",
                         v->kind == CP_NODE_SCALAR ? v->str : cp_node_kind_name(v),
                         v->kind == CP_NODE_SCALAR ? "'" : "");
        }
    }
}

static void apply_grid(cp_layout *l, cp_diags *d, const cp_node *m)
{
    static const char *const keys[] = {"neighbours", "rules", "second_language", NULL};
    static const char *const modes[] = {"muted", "hidden", NULL};
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
}

static void apply_style(cp_layout *l, cp_arena *a, cp_diags *d, const char *name, const cp_node *m)
{
    static const char *const keys[] = {"based_on",
                                       "family",
                                       "size",
                                       "min_size",
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

static void apply_frames(cp_layout *l, cp_diags *d, const cp_node *m)
{
    if (!cp_schema_map(d, m, "frames", page_kinds))
        return;
    static const char *const keys[] = {"x", "y", "width", "height", "follows", NULL};
    for (size_t i = 0; i < m->n; i++) {
        const char *page = m->keys[i]->str;
        const cp_node *fm = m->vals[i];
        if (!cp_node_lookup(m, page) || !cp_schema_map(d, fm, "a page's frames", frames_of(page)))
            continue;
        for (size_t j = 0; j < fm->n; j++) {
            const cp_node *r = fm->vals[j];
            if (!cp_schema_map(d, r, "a frame", keys))
                continue;
            cp_frame *f = cp_layout_put_frame(l, page, fm->keys[j]->str);
            f->pos = r->pos;
            cp_schema_length(d, r, "x", -1e4, &f->x, NULL);
            cp_schema_length(d, r, "y", -1e4, &f->y, NULL);
            cp_schema_length(d, r, "width", 0, &f->w, NULL);
            cp_schema_length(d, r, "height", 0, &f->h, NULL);
            const cp_node *fl = cp_node_lookup(r, "follows");
            if (fl && cp_node_is_null(fl)) {
                f->follows = NULL; /* follows: ~ in overrides turns it off */
            } else if (fl) {
                bool known = false;
                for (const char *const *n = frames_of(page); fl->kind == CP_NODE_SCALAR && *n; n++)
                    known = known || (strcmp(*n, fl->str) == 0 && strcmp(*n, f->name) != 0);
                if (!known)
                    cp_error(d, fl->pos, "'follows' must name another frame of %s pages", page);
                else
                    f->follows = fl->str, f->follows_pos = fl->pos;
            }
        }
    }
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
                                       "labels",
                                       NULL};
    size_t before = d->n_errors;
    if (!cp_schema_map(d, root, is_file ? "a layout file" : "layout_overrides", keys))
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
    if ((v = cp_node_lookup(root, "styles")))
        apply_styles(l, a, d, v);
    if ((v = cp_node_lookup(root, "frames")))
        apply_frames(l, d, v);
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

bool cp_layout_load(cp_layout *l, cp_arena *a, cp_diags *d, const char *path, const cp_pos *from,
                    cp_inputs *inputs)
{
    cp_node *root = cp_yaml_load_input(a, d, path, from, inputs);
    if (!root)
        return false;
    l->path = cp_arena_strdup(a, path);
    return cp_layout_apply(l, a, d, root, true);
}

/* Frames a page kind may leave out: the press release's logo (the letterhead names the
 * organisation in type instead). */
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
static bool may_bleed(const char *page, const char *frame)
{
    return (strcmp(page, "month") == 0 && strcmp(frame, "photo") == 0) ||
           (strcmp(page, "cover") == 0 &&
            (strcmp(frame, "photo") == 0 || strcmp(frame, "band") == 0));
}

/* Text, the grid and everything else that must survive the trim stays in the safe area. */
static bool check_safe(const cp_layout *l, const cp_frame *f, cp_diags *d)
{
    double s = l->safe;
    struct {
        const char *edge;
        double inset;
    } edges[] = {{"left", f->x},
                 {"top", f->y},
                 {"right", l->trim_w - (f->x + f->w)},
                 {"bottom", l->trim_h - (f->y + f->h)}};
    for (size_t i = 0; i < 4; i++) {
        if (edges[i].inset < s - 0.01) {
            cp_error(d, f->pos,
                     "frame '%s' of %s pages leaves the safe area: its %s edge is %.1f mm from "
                     "the trim, the layout's safe margin is %.1f mm",
                     f->name, f->page, edges[i].edge, edges[i].inset / CP_PT_PER_MM,
                     s / CP_PT_PER_MM);
            if (l->safe_pos.file)
                cp_note(d, l->safe_pos, "the safe margin is set here");
            return false;
        }
    }
    return true;
}

/* Text frames of one page kind that overlap would set text over text. Photos and the cover's
 * band lie under text by design. */
static void check_overlaps(const cp_layout *l, cp_diags *d)
{
    for (size_t i = 0; i < l->n_frames; i++) {
        const cp_frame *a = &l->frames[i];
        if (may_bleed(a->page, a->name))
            continue;
        for (size_t j = i + 1; j < l->n_frames; j++) {
            const cp_frame *b = &l->frames[j];
            if (strcmp(a->page, b->page) != 0 || may_bleed(b->page, b->name) ||
                overlap_expected(a, b))
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

static bool check(const cp_layout *l, cp_diags *d, const char *const *pages,
                  const char *const *styles)
{
    bool ok = true;
    for (size_t i = 0; i < l->n_frames; i++)
        if (!may_bleed(l->frames[i].page, l->frames[i].name))
            ok = check_safe(l, &l->frames[i], d) && ok;
    check_overlaps(l, d);
    for (const char *const *pg = pages; *pg; pg++) {
        for (const char *const *f = frames_of(*pg); *f; f++) {
            const cp_frame *fr = cp_layout_lookup_frame(l, *pg, *f);
            if (!fr && optional_frame(*pg, *f))
                continue;
            if (!fr) {
                cp_error(d, cp_pos_file(l->path), "layout defines no frame '%s' for %s pages", *f,
                         *pg);
                ok = false;
            } else if (fr->w <= 0 || fr->h <= 0) {
                cp_error(d, fr->pos, "frame '%s' of %s pages has no width or height", *f, *pg);
                ok = false;
            }
        }
    }
    for (size_t i = 0; i < l->n_styles; i++) {
        const cp_style *st = &l->styles[i];
        if (st->leading_pt < st->size_pt * 0.95)
            cp_warning(d, st->pos,
                       "style '%s' has %.4gpt leading for %.4gpt type: its lines overlap", st->name,
                       st->leading_pt, st->size_pt);
    }
    for (const char *const *s = styles; *s; s++) {
        if (!cp_layout_lookup_style(l, *s)) {
            cp_error(d, cp_pos_file(l->path), "layout defines no style '%s'", *s);
            ok = false;
        }
    }
    return ok;
}

bool cp_layout_check_calendar(const cp_layout *l, cp_diags *d)
{
    static const char *const pages[] = {"month", "cover", "back", NULL};
    return check(l, d, pages, calendar_styles);
}

bool cp_layout_check_press(const cp_layout *l, cp_diags *d)
{
    static const char *const pages[] = {"press", "press_next", NULL};
    return check(l, d, pages, press_styles);
}
