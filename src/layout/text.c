/* Text setting on Pango: attributes from styles, lines on a fixed leading, copy-fit. */
#include "layout/text.h"
#include "layout/decisions.h"
#include "layout/forced.h"
#include "layout/kp.h"
#include "base/hash.h"
#include "base/strbuf.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

void cp_typesetter_init(cp_typesetter *ts, cp_fonts *fonts, const char *hyphen_dir,
                        cp_draw_target target, cp_arena *a, cp_diags *d)
{
    memset(ts, 0, sizeof *ts);
    cp_arena_init(&ts->own);
    ts->fonts = fonts;
    ts->arena = a;
    ts->diags = d;
    ts->target = target;
    ts->ctx = pango_font_map_create_context(cp_fonts_lookup_map(fonts));
    pango_cairo_context_set_resolution(ts->ctx, 72.0);
    /* The fonts that measure are the fonts that draw: cairo draws text on a PDF surface with
     * the font's options merged into the surface's (no hinting, no hinted metrics, grey
     * antialiasing, glyph positions not rounded), and a scaled font whose options differ from
     * that is made anew, its glyphs loaded from the font file again (800 glyph loads of a
     * render of the sample, 4 % of its instructions). The last of those options has no public
     * setter: they are taken from a PDF surface that writes nowhere. A raster merges its own
     * (positions rounded), which the fonts then must leave at the default. */
    cairo_font_options_t *fo = cairo_font_options_create();
    if (target == CP_DRAW_PDF) {
        cairo_surface_t *pdf = cairo_pdf_surface_create_for_stream(NULL, NULL, 1, 1);
        cairo_surface_get_font_options(pdf, fo);
        cairo_surface_destroy(pdf);
    }
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(ts->ctx, fo);
    cairo_font_options_destroy(fo);
    pango_context_set_round_glyph_positions(ts->ctx, FALSE);
    ts->hyph = cp_hyph_new(hyphen_dir);
}

static void memo_free(cp_typesetter *ts);

void cp_typesetter_finish(cp_typesetter *ts)
{
    if (ts->ctx)
        g_object_unref(ts->ctx);
    cp_hyph_free(ts->hyph);
    free(ts->metrics);
    g_free(ts->warned_langs);
    if (ts->lines_cache)
        g_hash_table_destroy(ts->lines_cache);
    memo_free(ts);
    cp_decisions_close(ts->decisions);
    cp_arena_finish(&ts->own);
    memset(ts, 0, sizeof *ts);
}

void cp_typesetter_rebind(cp_typesetter *ts, cp_arena *a, cp_diags *d)
{
    ts->arena = a;
    ts->diags = d;
    g_free(ts->warned_langs);
    ts->warned_langs = NULL;
    if (ts->decisions)
        cp_decisions_store(ts->decisions); /* what the last build decided */
}

bool cp_typesetter_check_style(cp_typesetter *ts, const cp_style *st)
{
    bool ok = true;
    const char *cursor = st->family, *f;
    size_t len;
    while (cp_fonts_family_next(&cursor, &f, &len)) {
        char *fam = cp_arena_strndup(ts->arena, f, len);
        if (!cp_fonts_has_family(ts->fonts, fam)) {
            cp_error(ts->diags, st->family_pos.file ? st->family_pos : st->pos,
                     "style '%s' asks for font family '%s', which calpress's font set-up "
                     "(fonts/fonts.conf) does not have",
                     st->name, fam);
            cp_note(ts->diags, st->pos,
                    "put its font files in calpress's fonts/ folder, or add its folder to "
                    "fonts/fonts.conf");
            ok = false;
        }
    }
    return ok;
}

void cp_block_finish(cp_block *b)
{
    for (size_t i = 0; i < b->n; i++) {
        if (b->lines[i].line)
            pango_layout_line_unref(b->lines[i].line);
        if (b->lines[i].layout)
            g_object_unref(b->lines[i].layout);
    }
    free(b->lines);
    memset(b, 0, sizeof *b);
}

static PangoFontDescription *style_font(const cp_style *st, double size_pt)
{
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, st->family);
    pango_font_description_set_weight(fd, (PangoWeight)st->weight);
    pango_font_description_set_style(fd, st->italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    pango_font_description_set_size(fd, (gint)lround(size_pt * PANGO_SCALE));
    return fd;
}

/* The style's attributes; extra_tracking (thousandths of an em) is the justification's own. */
static PangoAttrList *style_attrs(const cp_style *st, const char *lang, double size_pt,
                                  double extra_tracking)
{
    PangoAttrList *al = pango_attr_list_new();
    pango_attr_list_insert(al, pango_attr_language_new(pango_language_from_string(lang)));
    double tracking = st->tracking + extra_tracking;
    if (tracking != 0)
        pango_attr_list_insert(al, pango_attr_letter_spacing_new(
                                       (int)lround(tracking / 1000.0 * size_pt * PANGO_SCALE)));
    if (st->features && st->features[0])
        pango_attr_list_insert(al, pango_attr_font_features_new(st->features));
    if (st->uppercase)
        pango_attr_list_insert(al, pango_attr_text_transform_new(PANGO_TEXT_TRANSFORM_UPPERCASE));
    /* Only dictionary hyphenation draws hyphens: a word forced apart for want of room (an
     * e-mail address in a narrow column) must not gain a hyphen that reads as part of it. */
    if (!st->hyphenate)
        pango_attr_list_insert(al, pango_attr_insert_hyphens_new(FALSE));
    return al;
}

static void add_span_attrs(PangoAttrList *al, const cp_style *st, const cp_span *sp, size_t start,
                           size_t end)
{
    if (sp->flags & CP_SPAN_EMPH) {
        /* Emphasis inside italic text is set upright, as in print. */
        PangoAttribute *a =
            pango_attr_style_new(st->italic ? PANGO_STYLE_NORMAL : PANGO_STYLE_ITALIC);
        a->start_index = (guint)start;
        a->end_index = (guint)end;
        pango_attr_list_insert(al, a);
    }
    if (sp->flags & CP_SPAN_STRONG) {
        PangoAttribute *a =
            pango_attr_weight_new(st->weight >= 600 ? PANGO_WEIGHT_HEAVY : PANGO_WEIGHT_BOLD);
        a->start_index = (guint)start;
        a->end_index = (guint)end;
        pango_attr_list_insert(al, a);
    }
}

/* The line's text for dumps: soft hyphens dropped, a visible '-' where the line broke at one. */
static const char *line_text(cp_arena *a, const char *text, PangoLayoutLine *line)
{
    cp_strbuf b;
    cp_strbuf_init(&b);
    const char *s = text + line->start_index;
    int n = line->length;
    bool soft_end = false;
    for (int i = 0; i < n; i++) {
        if ((unsigned char)s[i] == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xAD) {
            soft_end = i + 2 == n;
            i++;
            continue;
        }
        if ((unsigned char)s[i] == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            (unsigned char)s[i + 2] == 0xA8) {
            i += 2;
            continue;
        }
        cp_strbuf_putc(&b, s[i]);
    }
    while (b.len && b.data[b.len - 1] == ' ')
        b.data[--b.len] = '\0';
    if (soft_end)
        cp_strbuf_putc(&b, '-');
    const char *r = cp_arena_strdup(a, b.data ? b.data : "");
    cp_strbuf_finish(&b);
    return r;
}

/* The byte length of at most max_bytes of s[0..len), cut at a character boundary. */
static int utf8_prefix(const char *s, int len, int max_bytes)
{
    if (len <= max_bytes)
        return len;
    int n = max_bytes;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* Every glyph must exist and come from a family the style declares. */
static void check_line_fonts(cp_typesetter *ts, const cp_text_req *req, const char *text,
                             PangoLayoutLine *line)
{
    for (GSList *r = line->runs; r; r = r->next) {
        PangoGlyphItem *run = r->data;
        if (!run || !run->item)
            continue;
        const char *fam = cp_fonts_font_family(run->item->analysis.font);
        const char *s = text + run->item->offset;
        int len = run->item->length;
        bool missing = false;
        for (int g = 0; g < run->glyphs->num_glyphs; g++) {
            PangoGlyph gl = run->glyphs->glyphs[g].glyph;
            if (gl & PANGO_GLYPH_UNKNOWN_FLAG) {
                gunichar c = gl & ~PANGO_GLYPH_UNKNOWN_FLAG;
                /* Soft hyphens and line separators have no glyph by design. */
                if (c == 0xAD || c == 0x2028 || c == 0x200B || c == 0x200D || c == 0x200C)
                    continue;
                missing = true;
                cp_error(ts->diags, req->src,
                         "%s: no font of style '%s' (%s) has a glyph for U+%04X in \"%.*s\"",
                         req->what, req->style->name, req->style->family, (unsigned)c,
                         utf8_prefix(s, len, 60), s);
                break;
            }
        }
        if (!missing && fam && !cp_fonts_font_in(run->item->analysis.font, req->style->family)) {
            cp_error(ts->diags, req->src,
                     "%s: \"%.*s\" would be set in '%s', which style '%s' does not list (%s)",
                     req->what, utf8_prefix(s, len, 60), s, fam, req->style->name,
                     req->style->family);
            cp_note(ts->diags, req->style->pos,
                    "add a family for this script to the style, e.g. 'family: %s, %s'",
                    req->style->family, fam);
        }
    }
}

/* A paragraph's last line (n bytes at s) holding one short word (under 6 letters) is a runt. */
static bool is_runt_text(const char *s, int n, int n_lines)
{
    if (n_lines < 2)
        return false;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n'))
        n--;
    if (memchr(s, ' ', (size_t)n) || g_utf8_strlen(s, n) >= 6)
        return false;
    /* A no-break space (U+00A0) already ties words: not a single word then. */
    for (int i = 0; i + 1 < n; i++)
        if ((unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0xA0)
            return false;
    return true;
}

static bool is_runt(const char *text, PangoLayoutLine *line, int n_lines)
{
    return line && is_runt_text(text + line->start_index, line->length, n_lines);
}

/* One way of setting a paragraph: a justified (or aligned) Pango layout, and its scores. */
/* Extra letter spacing on one line's bytes: justification's second means, after word spaces. */
typedef struct ls_span {
    size_t start, end;
    double ls_pt;
} ls_span;

typedef struct cand {
    PangoLayout *layout;
    char *text;
    size_t *map;
    ls_span *ls; /* owned; lines set with extra letter spacing */
    size_t n_ls;
    int lines;
    bool runt;
    double max_loose; /* widest word space of a non-final line, % of normal; 0 if not justified */
    double *loose;    /* per line, the same measure (malloc'd, lines entries) */
} cand;

static void cand_free(cand *c)
{
    if (c->layout)
        g_object_unref(c->layout);
    free(c->text);
    free(c->map);
    free(c->loose);
    free(c->ls);
    memset(c, 0, sizeof *c);
}

/* ---- The memo of one frame's size search (cp_search_begin) ---- */

typedef struct memo_entry {
    const cp_text_req *req;
    const cp_para *para;
    double size_pt;
    bool first;
    cand c; /* owned */
} memo_entry;

struct cp_para_memo {
    memo_entry *items;
    size_t n, cap;
    int depth;
};

void cp_search_begin(cp_typesetter *ts)
{
    if (!ts->memo)
        ts->memo = cp_xcalloc(1, sizeof *ts->memo);
    ts->memo->depth++;
}

void cp_search_end(cp_typesetter *ts)
{
    struct cp_para_memo *m = ts->memo;
    if (!m || m->depth == 0 || --m->depth > 0)
        return;
    for (size_t i = 0; i < m->n; i++)
        cand_free(&m->items[i].c);
    free(m->items);
    m->items = NULL;
    m->n = m->cap = 0;
}

static void memo_free(cp_typesetter *ts)
{
    if (!ts->memo)
        return;
    ts->memo->depth = 1;
    cp_search_end(ts);
    free(ts->memo);
    ts->memo = NULL;
}

/* A copy of src sharing its (read-only) layout; map has len + 1 entries. */
static void cand_copy(const cand *src, size_t len, cand *dst)
{
    *dst = *src;
    g_object_ref(dst->layout);
    dst->text = cp_xstrdup(src->text);
    dst->map = src->map ? cp_xmemdup(src->map, (len + 1) * sizeof *src->map) : NULL;
    dst->ls = src->n_ls ? cp_xmemdup(src->ls, src->n_ls * sizeof *src->ls) : NULL;
    dst->loose = cp_xmemdup(src->loose, (size_t)src->lines * sizeof *src->loose);
}

static memo_entry *memo_find(cp_typesetter *ts, const cp_text_req *req, const cp_para *para,
                             double size_pt, bool first)
{
    struct cp_para_memo *m = ts->memo;
    for (size_t i = 0; m && m->depth > 0 && i < m->n; i++) {
        memo_entry *e = &m->items[i];
        if (e->req == req && e->para == para && e->size_pt == size_pt && e->first == first)
            return e;
    }
    return NULL;
}

static void memo_keep(cp_typesetter *ts, const cp_text_req *req, const cp_para *para,
                      double size_pt, bool first, const cand *c)
{
    struct cp_para_memo *m = ts->memo;
    if (!m || m->depth == 0)
        return;
    cp_grow((void **)&m->items, &m->cap, m->n + 1, sizeof *m->items);
    memo_entry *e = &m->items[m->n++];
    *e = (memo_entry){.req = req, .para = para, .size_pt = size_pt, .first = first};
    cand_copy(c, strlen(para->text), &e->c);
}

/* The width and indent, in Pango units, of a paragraph's layout (0: none). Pango's negative
 * indent: the first line starts at 0, the rest `hang` in; the block is placed `hang` further
 * left, so the mark hangs and the words align. A later paragraph's first line is indented. */
static void para_measure(const cp_text_req *req, double size_pt, bool first, int *width,
                         int *indent)
{
    const cp_style *st = req->style;
    *width = (int)lround(req->width * PANGO_SCALE);
    *indent = 0;
    if (first && req->hang > 0) {
        *width = (int)lround((req->width + req->hang) * PANGO_SCALE);
        *indent = -(int)lround(req->hang * PANGO_SCALE);
    } else if (!first && st->indent_pt > 0) {
        *indent = (int)lround(st->indent_pt * (size_pt / st->size_pt) * PANGO_SCALE);
    }
}

static PangoLayout *make_layout(cp_typesetter *ts, const cp_text_req *req, PangoFontDescription *fd,
                                const char *text, const cp_para *para, const size_t *map,
                                double size_pt, bool first, bool justify, double extra_tracking,
                                const ls_span *ls, size_t n_ls)
{
    const cp_style *st = req->style;
    PangoLayout *layout = pango_layout_new(ts->ctx);
    pango_layout_set_font_description(layout, fd);
    pango_layout_set_text(layout, text, -1);
    PangoAttrList *al = style_attrs(st, req->lang, size_pt, extra_tracking);
    for (size_t s = 0; s < para->n_spans; s++) {
        const cp_span *sp = &para->spans[s];
        add_span_attrs(al, st, sp, map ? map[sp->start] : sp->start, map ? map[sp->end] : sp->end);
    }
    for (size_t k = 0; k < n_ls; k++) {
        /* The whole spacing, the style's and the line's: whichever attribute Pango applies. */
        double total = (st->tracking + extra_tracking) / 1000.0 * size_pt + ls[k].ls_pt;
        PangoAttribute *a = pango_attr_letter_spacing_new((int)lround(total * PANGO_SCALE));
        a->start_index = (guint)ls[k].start;
        a->end_index = (guint)ls[k].end;
        pango_attr_list_change(al, a);
    }
    pango_layout_set_attributes(layout, al);
    pango_attr_list_unref(al);
    int width, indent;
    para_measure(req, size_pt, first, &width, &indent);
    if (!req->no_wrap || (first && req->hang > 0))
        pango_layout_set_width(layout, width);
    if (!req->no_wrap)
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    if (indent)
        pango_layout_set_indent(layout, indent);
    PangoAlignment pa = PANGO_ALIGN_LEFT;
    if (st->align == CP_ALIGN_CENTER)
        pa = PANGO_ALIGN_CENTER;
    else if (st->align == CP_ALIGN_RIGHT)
        pa = PANGO_ALIGN_RIGHT;
    pango_layout_set_alignment(layout, pa);
    pango_layout_set_justify(layout, justify);
    return layout;
}

static cp_font_metrics *metrics_for(cp_typesetter *ts, const PangoFontDescription *fd,
                                    const char *lang);

/* A layout of one word in fd for measuring, in the text's language (lang, or NULL for the
 * context's), as the text's own layouts are: Pango then uses the same fonts and their metrics. */
static PangoLayout *word_layout(cp_typesetter *ts, PangoFontDescription *fd, const char *lang)
{
    PangoLayout *layout = pango_layout_new(ts->ctx);
    pango_layout_set_font_description(layout, fd);
    if (lang) {
        PangoAttrList *al = pango_attr_list_new();
        pango_attr_list_insert(al, pango_attr_language_new(pango_language_from_string(lang)));
        pango_layout_set_attributes(layout, al);
        pango_attr_list_unref(al);
    }
    return layout;
}

/* The width of a natural word space in this font: measured once per font and cached. */
static double space_width(cp_typesetter *ts, PangoFontDescription *fd, const char *lang,
                          double size_pt)
{
    cp_font_metrics *fm = metrics_for(ts, fd, lang);
    if (fm->space < 0) {
        PangoLayout *sp = word_layout(ts, fd, lang);
        int w1, w2;
        pango_layout_set_text(sp, "n n", -1);
        pango_layout_get_size(sp, &w1, NULL);
        pango_layout_set_text(sp, "nn", -1);
        pango_layout_get_size(sp, &w2, NULL);
        g_object_unref(sp);
        fm->space = w1 > w2 ? (w1 - w2) / (double)PANGO_SCALE : size_pt * 0.25;
    }
    return fm->space;
}

/* What a paragraph's candidates are made from (text and map: hyphenated, owned by the caller;
 * meas: one entry per tracking step, filled as needed, owned by the caller). */
typedef struct measured measured;
typedef struct cand_src {
    cp_typesetter *ts;
    const cp_text_req *req;
    PangoFontDescription *fd;
    const cp_para *para;
    double size_pt;
    bool first;
    const char *text;
    const size_t *map;
    size_t len;
    double space;
    measured *meas;
} cand_src;

/* ---- Forced lines shaped once (forced.c), checked against Pango's own setting when
 * CALPRESS_VERIFY_UNSET is set ---- */

static bool verifying(void);
static unsigned long forced_set, forced_pango, forced_checked, forced_failed;

/* A justified candidate whose breaks are all forced: its lines shaped once (forced.c), else
 * set by Pango with its width. Verifying sets it by Pango too and compares. */
static void set_forced(const cand_src *s, cand *c, const ls_span *ls, size_t n_ls,
                       double extra_tracking)
{
    if (!cp_forced_set(c->layout)) {
        forced_pango++;
        return;
    }
    forced_set++;
    if (!verifying())
        return;
    PangoLayout *ref = make_layout(s->ts, s->req, s->fd, c->text, s->para, c->map, s->size_pt,
                                   s->first, true, extra_tracking, ls, n_ls);
    forced_checked++;
    if (!cp_forced_same(c->layout, ref)) {
        forced_failed++;
        fprintf(stderr,
                "calpress: verify-unset: forced lines at %.2fpt set unlike Pango's: \"%.40s\"\n",
                s->size_pt, s->para->text);
    }
    g_object_unref(ref);
}

/* Sets a candidate and scores it: line count, a runt last line, and how far justification
 * stretches each line's word spaces (read off the widened space glyphs, below). */
static void build(const cand_src *s, char *text, size_t *map, double extra_tracking, ls_span *ls,
                  size_t n_ls, bool forced, cand *c)
{
    const cp_text_req *req = s->req;
    const cp_style *st = req->style;
    bool justify = st->align == CP_ALIGN_JUSTIFY && !req->no_wrap;
    c->text = text;
    c->map = map;
    c->ls = ls;
    c->n_ls = n_ls;
    c->layout = make_layout(s->ts, req, s->fd, text, s->para, map, s->size_pt, s->first, justify,
                            extra_tracking, ls, n_ls);
    if (forced && justify)
        set_forced(s, c, ls, n_ls, extra_tracking);
    c->lines = pango_layout_get_line_count(c->layout);
    c->runt = !req->no_wrap &&
              is_runt(text, pango_layout_get_line_readonly(c->layout, c->lines - 1), c->lines);
    c->loose = cp_xcalloc((size_t)c->lines, sizeof *c->loose);
    c->max_loose = 0;
    if (!justify)
        return;
    /* Pango justifies by widening the space glyphs: their width over a natural word space is
     * the line's looseness, read straight off the justified layout. */
    double natural = s->space + (st->tracking + extra_tracking) / 1000.0 * s->size_pt;
    for (int i = 0; i + 1 < c->lines; i++) {
        PangoLayoutLine *line = pango_layout_get_line_readonly(c->layout, i);
        int end = line->start_index + line->length;
        while (end > line->start_index && text[end - 1] == ' ')
            end--;
        double sum = 0;
        int spaces = 0;
        for (GSList *r = line->runs; r; r = r->next) {
            PangoGlyphItem *run = r->data;
            for (int g = 0; g < run->glyphs->num_glyphs; g++) {
                int at = run->item->offset + run->glyphs->log_clusters[g];
                if (at < end && text[at] == ' ') {
                    sum += run->glyphs->glyphs[g].geometry.width / (double)PANGO_SCALE;
                    spaces++;
                }
            }
        }
        double line_ls = 0;
        for (size_t k = 0; k < c->n_ls; k++)
            if ((size_t)line->start_index >= c->ls[k].start &&
                (size_t)line->start_index < c->ls[k].end)
                line_ls = c->ls[k].ls_pt;
        if (spaces == 0 || natural <= 0)
            continue;
        double pct = sum / spaces / (natural + line_ls) * 100;
        c->loose[i] = pct;
        if (pct > c->max_loose)
            c->max_loose = pct;
    }
}

/* ---- Optimal line breaking: kp.c chooses the breaks, Pango measures and sets the lines ---- */

/* The x position of every byte of a one-line layout, in one pass over its runs (asking Pango
 * for each index separately walks the line from its start every time). LTR text only, as
 * calpress's languages are. */
static double *x_positions(PangoLayout *one, const char *text, size_t len)
{
    double *x = cp_xcalloc(len + 1, sizeof *x);
    PangoLayoutLine *line = pango_layout_get_line_readonly(one, 0);
    double pos = 0;
    size_t filled = 0;
    for (GSList *r = line ? line->runs : NULL; r; r = r->next) {
        PangoGlyphItem *run = r->data;
        int n = run->item->num_chars;
        int *widths = cp_xmalloc((size_t)(n > 0 ? n : 1) * sizeof *widths);
        pango_glyph_item_get_logical_widths(run, text, widths);
        const char *p = text + run->item->offset;
        for (int k = 0; k < n; k++) {
            const char *next = g_utf8_next_char(p);
            for (const char *q = p; q < next && (size_t)(q - text) <= len; q++)
                x[q - text] = pos;
            pos += widths[k] / (double)PANGO_SCALE;
            p = next;
        }
        filled = (size_t)(p - text);
        free(widths);
    }
    for (size_t i = filled; i <= len; i++)
        x[i] = pos;
    return x;
}

/* The width of a hyphen in fd: measured once per font and cached. */
static double hyphen_width(cp_typesetter *ts, PangoFontDescription *fd, const char *lang)
{
    cp_font_metrics *fm = metrics_for(ts, fd, lang);
    if (fm->hyphen < 0) {
        PangoLayout *h = word_layout(ts, fd, lang);
        pango_layout_set_text(h, "-", -1);
        int w;
        pango_layout_get_size(h, &w, NULL);
        g_object_unref(h);
        fm->hyphen = w / (double)PANGO_SCALE;
    }
    return fm->hyphen;
}

/* The paragraph's tracking steps, in thousandths of an em. */
static const double track_deltas[] = {0, -5, 5, -10, 10};
#define N_TRACK CP_ARRAY_LEN(track_deltas)

/* The paragraph shaped once on one line at one tracking step, as items for the breakers: every
 * candidate at that step is broken on these widths, and only the winner is set by Pango. */
struct measured {
    cp_kp_item *it; /* owned */
    /* Owned: the same items as the greedy breaker measures a set line (greedy_items). */
    cp_kp_item *g_it;
    size_t n;
    double ls_left; /* the letter spacing Pango takes off a line's start */
    bool clusters;  /* some characters join others in one cluster (Bengali, Devanagari) */
    bool done;
    /* Owned, at a letter-spaced step measured by Pango whose widths give the other letter-spaced
     * steps' (spaced_base): each byte's x on the one-line setting. */
    double *xs;
};

static void measured_free(measured *m)
{
    for (size_t k = 0; k < N_TRACK; k++) {
        free(m[k].it);
        free(m[k].g_it);
        free(m[k].xs);
    }
}

/* The letter spacing of a paragraph tracked by extra thousandths of an em, in points, as Pango
 * applies it (whole Pango units, style_attrs); *left receives the half it puts before a
 * character, which a line's first character loses. */
static long spacing_units(const cp_style *st, double size_pt, double extra)
{
    return lround((st->tracking + extra) / 1000.0 * size_pt * PANGO_SCALE);
}

/* The half of a letter spacing (Pango units) Pango puts before a character
 * (pango_glyph_item_letter_space). */
static long spacing_left(long ls)
{
    long l = ls / 2;
    return (ls & (PANGO_SCALE - 1)) == 0 ? PANGO_UNITS_ROUND(l) : l;
}

static double letter_spacing(const cp_style *st, double size_pt, double extra, double *left)
{
    long ls = spacing_units(st, size_pt, extra);
    *left = (double)spacing_left(ls) / PANGO_SCALE;
    return (double)ls / PANGO_SCALE;
}

/* The items of a tracked paragraph as its lines come out set: a soft hyphen takes its letter
 * spacing, left inside a line or turned into a hyphen at a break (the box before it carries it).
 * Measured against set lines of the sample, this leaves no difference but Pango's rounding. */
static cp_kp_item *greedy_items(const cp_kp_item *it, size_t n, const double *xs)
{
    cp_kp_item *g = cp_xmemdup(it, n * sizeof *it);
    for (size_t j = 1; j < n; j++)
        if (g[j].type == CP_KP_PENALTY && g[j].flagged && g[j].len == 2 &&
            g[j - 1].type == CP_KP_BOX)
            g[j - 1].w += xs[g[j].at + 2] - xs[g[j].at];
    return g;
}

/* Whether a layout's text has characters that are not cursor positions: Pango letter-spaces
 * clusters, and the width model here counts characters. */
static bool joined_clusters(PangoLayout *one)
{
    int n;
    const PangoLogAttr *attrs = pango_layout_get_log_attrs_readonly(one, &n);
    for (int i = 0; i + 1 < n; i++)
        if (!attrs[i].is_cursor_position)
            return true;
    return false;
}

/* The letter spacing of tracking step k in Pango units, as style_attrs sets it; *spaced is false
 * where it sets none. Pango shapes letter-spaced text without its ligatures, and adds the
 * spacing after shaping: every letter-spaced step has the same glyphs. */
static long step_spacing(const cand_src *s, size_t k, bool *spaced)
{
    *spaced = s->req->style->tracking + track_deltas[k] != 0;
    return spacing_units(s->req->style, s->size_pt, track_deltas[k]);
}

/* Whether the one-line setting `one`, letter-spaced by at most max_ls at any step, gives the
 * other letter-spaced steps' widths by arithmetic: Pango then adds the whole spacing to every
 * character and takes its halves off the line's two ends. That holds where every character is
 * its own cluster and a cursor position (Pango spaces clusters, and looks up the cursor
 * positions of an item after the first by the wrong index), there is no tab, and every run
 * starts and ends with a glyph wide enough that the spacing cannot bring it to zero (Pango's
 * trimming of a line's ends passes over zero-width glyphs). */
static bool spacing_derivable(PangoLayout *one, const char *text, long max_ls)
{
    if (strchr(text, '\t') || pango_layout_get_line_count(one) != 1)
        return false;
    int n;
    const PangoLogAttr *attrs = pango_layout_get_log_attrs_readonly(one, &n);
    for (int i = 0; i + 1 < n; i++)
        if (!attrs[i].is_cursor_position)
            return false;
    PangoLayoutLine *line = pango_layout_get_line_readonly(one, 0);
    for (GSList *r = line->runs; r; r = r->next) {
        PangoGlyphItem *run = r->data;
        PangoGlyphString *g = run->glyphs;
        if (g->num_glyphs == 0 || g->glyphs[0].geometry.width <= 4 * max_ls + 2 ||
            g->glyphs[g->num_glyphs - 1].geometry.width <= 4 * max_ls + 2)
            return false;
        PangoGlyphItemIter it;
        for (bool more = pango_glyph_item_iter_init_start(&it, run, text); more;
             more = pango_glyph_item_iter_next_cluster(&it))
            if (it.end_char - it.start_char != 1)
                return false;
    }
    return true;
}

/* x (each byte's, on one line) at letter spacing ls, from xb at spacing lsb: every character
 * moves by the difference per character before it, less the change in what the line's first
 * character loses on its left, and the end also by what its last loses on its right. Whole
 * Pango units, as Pango adds them: the same doubles as x_positions. */
static double *derive_xs(const double *xb, const char *text, size_t len, long lsb, long ls)
{
    long d = ls - lsb;
    long dl = spacing_left(ls) - spacing_left(lsb);
    long dr = (ls - spacing_left(ls)) - (lsb - spacing_left(lsb));
    double *x = cp_xmalloc((len + 1) * sizeof *x);
    long c = 0; /* characters before byte i's */
    size_t i = 0;
    while (i < len) {
        size_t next = (size_t)(g_utf8_next_char(text + i) - text);
        long adj = c * d - (c > 0 ? dl : 0);
        for (; i < next && i < len; i++)
            x[i] = (double)(llround(xb[i] * PANGO_SCALE) + adj) / PANGO_SCALE;
        c++;
    }
    long adj = c * d - (c > 0 ? dl + dr : 0);
    x[len] = (double)(llround(xb[len] * PANGO_SCALE) + adj) / PANGO_SCALE;
    return x;
}

/* A letter-spaced step already measured by Pango whose widths give step k's, or N_TRACK. */
static size_t spaced_base(const cand_src *s, size_t k)
{
    bool spaced;
    step_spacing(s, k, &spaced);
    for (size_t j = 0; spaced && j < N_TRACK; j++)
        if (j != k && s->meas[j].xs)
            return j;
    return N_TRACK;
}

static void verify_derived(const cand_src *s, size_t k, const double *xs);

/* Each byte's x on the paragraph's one-line setting at step k, by Pango; *clusters as in
 * measured. A letter-spaced step keeps its x for the others if they can be derived from it. */
static double *pango_xs(const cand_src *s, size_t k, bool *clusters, bool keep)
{
    PangoLayout *one = make_layout(s->ts, s->req, s->fd, s->text, s->para, s->map, s->size_pt,
                                   s->first, false, track_deltas[k], NULL, 0);
    pango_layout_set_width(one, -1);
    pango_layout_set_indent(one, 0);
    size_t len = strlen(s->text);
    double *xs = x_positions(one, s->text, len);
    *clusters = joined_clusters(one);
    if (keep) {
        bool spaced;
        long max_ls = 0;
        for (size_t j = 0; j < N_TRACK; j++)
            max_ls = MAX(max_ls, labs(step_spacing(s, j, &spaced)));
        step_spacing(s, k, &spaced);
        if (spaced && spacing_derivable(one, s->text, max_ls))
            s->meas[k].xs = cp_xmemdup(xs, (len + 1) * sizeof *xs);
    }
    g_object_unref(one);
    return xs;
}

/* The paragraph's items at tracking step k, measured on first use: from a one-line setting, or
 * for a letter-spaced step, from another letter-spaced step's when it allows (one shaping for
 * all of them). */
static const measured *measure_at(const cand_src *s, size_t k)
{
    measured *m = &s->meas[k];
    if (m->done)
        return m;
    size_t len = strlen(s->text);
    size_t b = spaced_base(s, k);
    double *xs;
    if (b < N_TRACK) {
        bool spaced;
        xs = derive_xs(s->meas[b].xs, s->text, len, step_spacing(s, b, &spaced),
                       step_spacing(s, k, &spaced));
        m->clusters = false;
        verify_derived(s, k, xs);
    } else {
        xs = pango_xs(s, k, &m->clusters, true);
    }
    double hyphen_w = hyphen_width(s->ts, s->fd, s->req->lang);
    m->n = cp_kp_items(s->text, xs, hyphen_w, &m->it);
    letter_spacing(s->req->style, s->size_pt, track_deltas[k], &m->ls_left);
    m->g_it = greedy_items(m->it, m->n, xs);
    m->done = true;
    free(xs);
    return m;
}

/* The breaks of a candidate of kind 1 (whole paragraph) or 3 (greedy) and the lines they make;
 * width and indent are the measure they were chosen for. */
typedef struct brk {
    const measured *m;
    size_t *breaks; /* owned */
    cp_kp_line *ln; /* owned, lines entries */
    int lines;
    double width, indent;
} brk;

static void brk_free(brk *b)
{
    free(b->breaks);
    free(b->ln);
}

/* Pango's measure for the paragraph's lines after the first, as make_layout sets it (points);
 * *first_indent narrows (or, negative, widens) the first line. */
static double pango_measure(const cand_src *s, double *first_indent)
{
    int width, indent;
    para_measure(s->req, s->size_pt, s->first, &width, &indent);
    *first_indent = indent / (double)PANGO_SCALE;
    return (width + (indent < 0 ? indent : 0)) / (double)PANGO_SCALE;
}

/* Chooses the breaks of kind 1 or 3 at tracking step k. False when none keep the lines within
 * the measure (kind 1: within the tolerance). */
static bool plan_breaks(const cand_src *s, int kind, size_t k, brk *b)
{
    const cp_style *st = s->req->style;
    *b = (brk){.m = measure_at(s, k)};
    if (kind == 1) {
        /* Pango must not break a chosen line again: a quarter point of room. */
        b->width = s->req->width - 0.25;
        b->indent = s->first ? 0 : st->indent_pt * s->size_pt / st->size_pt;
        /* A first pass asks for good lines only; a second accepts looser ones. */
        b->lines = cp_kp_breaks(b->m->it, b->m->n, b->width, b->indent, 1, &b->breaks);
        if (!b->lines)
            b->lines = cp_kp_breaks(b->m->it, b->m->n, b->width, b->indent, 3, &b->breaks);
    } else {
        /* Lines after the first lose their first letter's left spacing: room for it. */
        b->width = pango_measure(s, &b->indent) + b->m->ls_left;
        b->indent += b->m->ls_left;
        b->lines = cp_kp_greedy(b->m->g_it, b->m->n, b->width, b->indent, &b->breaks);
    }
    if (!b->lines)
        return false;
    b->ln = cp_xmalloc((size_t)b->lines * sizeof *b->ln);
    cp_kp_lines(kind == 1 ? b->m->it : b->m->g_it, b->m->n, b->breaks, b->lines, strlen(s->text),
                b->ln);
    return true;
}

/* The letter spacing a whole-paragraph line takes (points a character; 0 for none): a line still
 * open (word spaces past 130 %) takes up to half its slack, at most 1 % of an em a character: the
 * eye forgives that sooner than gaps. *chars receives the line's characters. */
static double line_ls(const brk *b, int k, const char *text, double size_pt, size_t *chars)
{
    const cp_kp_line *ln = &b->ln[k];
    double L = ln->width, Y = ln->stretch;
    double measure = b->width - (k == 0 ? b->indent : 0);
    *chars = ln->end > ln->start
                 ? (size_t)g_utf8_strlen(text + ln->start, (gssize)(ln->end - ln->start))
                 : 0;
    if (ln->last || Y <= 0 || (measure - L) / Y <= 0.5 || *chars <= 1)
        return 0;
    return fmin(0.5 * (measure - L), (double)*chars * 0.01 * size_pt) / (double)*chars;
}

/* The letter-spacing spans of a whole-paragraph candidate, in the rewritten text's bytes (shift:
 * old byte -> new byte); returns their count, the spans in *out (malloc'd). */
static size_t kp_spacing(const brk *b, const char *text, const size_t *shift, double size_pt,
                         ls_span **out)
{
    ls_span *ls = cp_xmalloc((size_t)b->lines * sizeof *ls);
    size_t n_ls = 0;
    for (int k = 0; k < b->lines; k++) {
        size_t chars;
        double v = line_ls(b, k, text, size_pt, &chars);
        if (v > 0)
            ls[n_ls++] =
                (ls_span){.start = shift[b->ln[k].start], .end = shift[b->ln[k].end], .ls_pt = v};
    }
    *out = ls;
    return n_ls;
}

/* Sets a kind 1 or 3 candidate: text with the breaks forced (cp_kp_rewrite), the map composed
 * with the source's, and for kind 1 the open lines letter-spaced. */
static void realize(const cand_src *s, int kind, size_t k, const brk *b, cand *c)
{
    size_t *shift = NULL; /* old byte -> new byte */
    char *text = cp_kp_rewrite(s->text, b->m->it, b->breaks, b->lines, &shift);
    size_t *m = cp_xmalloc((s->len + 1) * sizeof *m);
    for (size_t i = 0; i <= s->len; i++)
        m[i] = shift[s->map ? s->map[i] : i];
    ls_span *ls = NULL;
    size_t n_ls = kind == 1 ? kp_spacing(b, s->text, shift, s->size_pt, &ls) : 0;
    free(shift);
    build(s, text, m, track_deltas[k], ls, n_ls, true, c);
}

/* Lower is better. Word spaces cost by the cube of their stretch (one gaping line is worse
 * than two slightly open ones), a line past the style's limit a great deal more, a runt as
 * much as a line at about 170 %. */
static double badness(const cand *c, double limit)
{
    double sum = 0;
    for (int i = 0; i < c->lines; i++) {
        double over = c->loose[i] > 100 ? (c->loose[i] - 100) / 60 : 0;
        sum += over * over * over;
        if (c->loose[i] > limit)
            sum += 10 + (c->loose[i] - limit) / 10;
    }
    return sum + (c->runt ? 1.5 : 0);
}

static size_t *dup_map(const size_t *map, size_t len)
{
    if (!map)
        return NULL;
    size_t *m = cp_xmalloc((len + 1) * sizeof *m);
    memcpy(m, map, (len + 1) * sizeof *m);
    return m;
}

/* Text with its last word space made a no-break space (U+00A0, two bytes), and its map. */
static bool tie_last(const char *text, const size_t *map, size_t len, char **out_text,
                     size_t **out_map)
{
    const char *space = strrchr(text, ' ');
    if (!space)
        return false;
    size_t at = (size_t)(space - text), tlen = strlen(text);
    char *tied = cp_xmalloc(tlen + 2);
    memcpy(tied, text, at);
    memcpy(tied + at, "\xC2\xA0", 2);
    memcpy(tied + at + 2, text + at + 1, tlen - at);
    size_t *m = cp_xmalloc((len + 1) * sizeof *m);
    for (size_t i = 0; i <= len; i++) {
        size_t o = map ? map[i] : i;
        m[i] = o > at ? o + 1 : o;
    }
    *out_text = tied;
    *out_map = m;
    return true;
}

/* One candidate (cp_plan's kind and k), set: greedy breaks by Pango (0), whole-paragraph
 * breaks (1), the last two words tied (2) or greedy breaks on the measured widths, forced (3),
 * tracked by track_deltas[k]. False if it cannot be made. */
static bool make_cand(const cand_src *s, int kind, size_t k, cand *c)
{
    if (k >= N_TRACK || kind < 0 || kind > 3)
        return false;
    if (kind == 1 || kind == 3) {
        brk b;
        bool ok = plan_breaks(s, kind, k, &b);
        if (ok)
            realize(s, kind, k, &b, c);
        brk_free(&b);
        return ok;
    }
    char *t2 = NULL;
    size_t *m2 = NULL;
    if (kind == 2) {
        if (!tie_last(s->text, s->map, s->len, &t2, &m2))
            return false;
    } else {
        t2 = cp_xstrdup(s->text);
        m2 = dup_map(s->map, s->len);
    }
    build(s, t2, m2, track_deltas[k], NULL, 0, false, c);
    return true;
}

/* The soft hyphens inside a line (not the one it may break at). */
static size_t count_shy(const char *text, const cp_kp_line *ln)
{
    size_t n = 0;
    for (size_t j = ln->start; j + 1 < ln->end; j++)
        n += (unsigned char)text[j] == 0xC2 && (unsigned char)text[j + 1] == 0xAD;
    return n;
}

/* The natural width line i of a candidate will have set, in the letter spacing it is set with
 * (*ls, points, as Pango rounds it); *ls_line receives what the line adds to the paragraph's. A
 * set line's letters each take the spacing, soft hyphens included, the inserted hyphen the
 * paragraph's, and the line's first letter loses its left half unless the paragraph starts
 * there. The greedy breaker's items count this already (greedy_items). */
static double set_line_width(const cand_src *s, size_t k, const brk *b, int kind, int i, double *ls,
                             double *ls_line)
{
    const cp_kp_line *ln = &b->ln[i];
    double left;
    double para = letter_spacing(s->req->style, s->size_pt, track_deltas[k], &left);
    *ls = para;
    *ls_line = 0;
    if (kind == 3)
        return ln->width - (i > 0 ? left : 0);
    size_t chars;
    double para_left = left;
    *ls_line = line_ls(b, i, s->text, s->size_pt, &chars);
    if (*ls_line > 0) /* as make_layout adds them up */
        *ls = letter_spacing(s->req->style, s->size_pt,
                             track_deltas[k] + *ls_line * 1000.0 / s->size_pt, &left);
    double adv = ln->width - para * (double)(chars - count_shy(s->text, ln));
    const unsigned char *end = (const unsigned char *)s->text + ln->end;
    bool hyphen = end[0] == 0xC2 && end[1] == 0xAD;
    /* The paragraph's first letter was measured with the paragraph's left half already. */
    double trim = left - (i == 0 ? para_left : 0);
    return adv + *ls * (double)chars + (hyphen ? para : 0) - trim;
}

/* The word-space looseness of line i of a candidate scored unset (score_unset), as build() reads
 * it off the set line: Pango justifies by widening the word spaces until the line fills its
 * measure, so their width is their natural width and the line's slack shared out. */
static double unset_loose(const cand_src *s, size_t k, const brk *b, int kind, int i)
{
    const cp_style *st = s->req->style;
    const cp_kp_line *ln = &b->ln[i];
    double ls, ls_line;
    double line_w = set_line_width(s, k, b, kind, i, &ls, &ls_line);
    double para_left;
    double para = letter_spacing(st, s->size_pt, track_deltas[k], &para_left);
    double spaces = 0, sum = 0; /* the word spaces' natural widths, set */
    for (size_t j = 0; j < b->m->n; j++) {
        const cp_kp_item *x = &b->m->it[j];
        if (x->type == CP_KP_GLUE && x->len == 1 && x->at >= ln->start && x->at < ln->end)
            spaces++, sum += x->w - para + ls;
    }
    double first_indent;
    double measure = pango_measure(s, &first_indent);
    measure -= i == 0 ? first_indent : 0;
    double natural = s->space + (st->tracking + track_deltas[k]) / 1000.0 * s->size_pt;
    if (spaces == 0 || natural <= 0)
        return 0;
    sum += measure - line_w;
    return sum / spaces / (natural + ls_line) * 100;
}

/* Scores a candidate of kind 1 or 3 from its breaks alone, as build() would score it set: its
 * lines, a runt last line, the looseness of each line. The candidate has no layout. */
static void score_unset(const cand_src *s, int kind, size_t k, const brk *b, cand *c)
{
    const cp_style *st = s->req->style;
    *c = (cand){.lines = b->lines};
    const cp_kp_line *last = &b->ln[b->lines - 1];
    c->runt = is_runt_text(s->text + last->start, (int)(last->end - last->start), b->lines);
    c->loose = cp_xcalloc((size_t)b->lines, sizeof *c->loose);
    if (st->align != CP_ALIGN_JUSTIFY || s->req->no_wrap)
        return;
    for (int i = 0; i + 1 < b->lines; i++) {
        c->loose[i] = unset_loose(s, k, b, kind, i);
        if (c->loose[i] > c->max_loose)
            c->max_loose = c->loose[i];
    }
}

/* A candidate that was the best when it was scored: kind and k, and how many lines its score
 * promised (0: it was set when scored). */
typedef struct leader {
    int kind;
    size_t k;
    int lines;
} leader;

/* The search's state: the best candidate so far (set or unset) and the candidates that led
 * before it, newest last, so that a winner that does not set as scored gives way to the one
 * before. */
typedef struct search {
    const cand_src *s;
    double limit;
    int base_lines;
    cand best;
    leader led[2 + 3 * N_TRACK];
    size_t n_led;
} search;

/* Whether the whole-paragraph candidate at step k letter-spaces a line of copy that was measured
 * without letter spacing: Pango shapes letter-spaced text without its ligatures and contextual
 * forms, so such a line can set wider than measured. */
static bool spaced_unmeasured(const cand_src *s, size_t k, const brk *b)
{
    double left;
    if (b->m->clusters)
        return true; /* letter spacing by cluster: not modelled */
    if (letter_spacing(s->req->style, s->size_pt, track_deltas[k], &left) != 0)
        return false; /* measured letter-spaced: as it will be set */
    for (int i = 0; i < b->lines; i++) {
        size_t chars;
        if (line_ls(b, i, s->text, s->size_pt, &chars) > 0)
            return true;
    }
    return false;
}

/* ---- CALPRESS_VERIFY_UNSET: every unset score the search trusts, checked against its setting
 * (for tests: the width model must follow Pango) ---- */

static unsigned long verified, verify_failed, derived, derived_failed;

static void verify_report(void)
{
    fprintf(stderr,
            "calpress: verify-unset: %lu unset scores checked, %lu differ from their setting\n"
            "calpress: verify-unset: %lu letter-spaced measures derived from another step's, "
            "%lu differ from Pango's\n",
            verified, verify_failed, derived, derived_failed);
    fprintf(stderr,
            "calpress: verify-unset: %lu settings with forced breaks shaped once, %lu checked, %lu "
            "differ from Pango's; %lu set by Pango\n",
            forced_set, forced_checked, forced_failed, forced_pango);
}

static bool verifying(void)
{
    static int on = -1;
    if (on < 0) {
        on = getenv("CALPRESS_VERIFY_UNSET") != NULL;
        if (on)
            atexit(verify_report);
    }
    return on;
}

/* A derived step's x against Pango's own one-line setting at that step: the same to the bit. */
static void verify_derived(const cand_src *s, size_t k, const double *xs)
{
    if (!verifying())
        return;
    bool clusters;
    double *px = pango_xs(s, k, &clusters, false);
    size_t len = strlen(s->text), i = 0;
    while (i <= len && px[i] == xs[i])
        i++;
    derived++;
    if (i <= len || clusters) {
        derived_failed++;
        fprintf(stderr,
                "calpress: verify-unset: step %zu at %.2fpt derived x %.4f at byte %zu, Pango "
                "%.4f: \"%.40s\"\n",
                k, s->size_pt, i <= len ? xs[i] : 0, i, i <= len ? px[i] : 0, s->para->text);
    }
    free(px);
}

static void verify_unset(const cand_src *s, int kind, size_t k, const cand *c)
{
    cand r = {0};
    if (!make_cand(s, kind, k, &r))
        return;
    bool same = r.lines == c->lines && r.runt == c->runt;
    for (int i = 0; same && i < r.lines; i++)
        same = fabs(r.loose[i] - c->loose[i]) <= 0.05;
    verified++;
    if (!same) {
        verify_failed++;
        fprintf(stderr,
                "calpress: verify-unset: kind %d step %zu at %.2fpt differs: %d lines, widest "
                "space %.2f%% scored, %d lines, %.2f%% set: \"%.40s\"\n",
                kind, k, s->size_pt, c->lines, c->max_loose, r.lines, r.max_loose, s->para->text);
    }
    cand_free(&r);
}

/* Scores candidate (kind, k): unset for kinds 1 and 3 (3 at k 0 is the plain setting of
 * justified copy), set for the others, and a whole-paragraph candidate set too if its unset
 * score leads: its letter-spaced lines lose the ligatures the paragraph was measured with, which
 * the score cannot know. It leads if it adds no line to the plain setting and beats the best so
 * far. */
static void try_cand(search *se, int kind, size_t k)
{
    const cand_src *s = se->s;
    cand c = {0};
    brk b = {0};
    bool unset = kind == 1 || kind == 3;
    if (unset ? !plan_breaks(s, kind, k, &b) : !make_cand(s, kind, k, &c)) {
        brk_free(&b);
        return;
    }
    bool trusted = !(kind == 1 && spaced_unmeasured(s, k, &b));
    if (unset) {
        score_unset(s, kind, k, &b, &c);
        if (trusted && verifying())
            verify_unset(s, kind, k, &c);
    }
    bool first = se->n_led == 0;
    double to_beat = first ? 0 : badness(&se->best, se->limit) - 1e-9;
    bool leads = first || (c.lines <= se->base_lines && badness(&c, se->limit) < to_beat);
    if (leads && unset && !trusted) {
        cand_free(&c);
        realize(s, kind, k, &b, &c);
        unset = false;
        leads = c.lines <= se->base_lines && badness(&c, se->limit) < to_beat;
    }
    brk_free(&b);
    if (!leads) {
        cand_free(&c);
        return;
    }
    if (first)
        se->base_lines = c.lines;
    cand_free(&se->best);
    se->best = c;
    se->led[se->n_led++] = (leader){.kind = kind, .k = k, .lines = unset ? c.lines : 0};
}

/* Sets the winner: the last leader that sets as it was scored (an unset score is of breaks
 * Pango might still break again), Pango's own plain setting at worst. The winner's kind and k go
 * into *won and the candidate into *out. */
static void set_winner(search *se, cand *out, cp_plan *won)
{
    for (size_t i = se->n_led; i-- > 0;) {
        const leader *l = &se->led[i];
        if (i + 1 == se->n_led && !l->lines) {
            *out = se->best; /* set when it was scored */
            se->best = (cand){0};
        } else if (!make_cand(se->s, l->kind, l->k, out)) {
            continue;
        } else if (l->lines && out->lines != l->lines) {
            cand_free(out);
            continue;
        }
        cand_free(&se->best);
        won->kind = l->kind;
        won->k = (int32_t)l->k;
        return;
    }
    cand_free(&se->best);
    make_cand(se->s, 0, 0, out);
    won->kind = won->k = 0;
}

/* Candidates, best kept: Pango's greedy breaks; for justified copy the whole-paragraph breaker;
 * then, while any line is stretched past 130 % or the paragraph ends in a runt, both with the
 * paragraph tracked by up to 1 % of an em, and the greedy breaks with the last two words tied.
 * A candidate must not add a line. The paragraph is shaped once for each tracking step tried,
 * and the breakers' candidates are scored on those widths, unset: only the winner is set. The
 * winner's kind and k go into *won. */
static void search_para(const cand_src *s, cand *out, cp_plan *won)
{
    const cp_style *st = s->req->style;
    bool wrap = !s->req->no_wrap;
    search se = {.s = s, .limit = st->max_word_space > 0 ? st->max_word_space : 1e9};
    /* Justified copy is searched nearly always: its plain setting is scored unset too. */
    if (st->align == CP_ALIGN_JUSTIFY && wrap)
        try_cand(&se, 3, 0);
    if (se.n_led == 1 && se.best.max_loose <= 125 && !se.best.runt) {
        /* Good enough to end the search, so the winner: set it now, and should it not set as
         * scored, search from Pango's plain setting instead. */
        cand c = {0};
        if (make_cand(s, 3, 0, &c) && c.lines == se.best.lines) {
            cand_free(&se.best);
            se.best = c;
            se.led[0].lines = 0;
        } else {
            cand_free(&c);
            cand_free(&se.best);
            se.n_led = 0;
        }
    }
    if (se.n_led == 0) {
        se.led[se.n_led++] = (leader){.kind = 0};
        make_cand(s, 0, 0, &se.best);
        se.base_lines = se.best.lines;
    }
    bool justify = st->align == CP_ALIGN_JUSTIFY && wrap && se.base_lines > 1;
    for (size_t k = 0; k < N_TRACK && wrap; k++) {
        if (se.best.max_loose <= (k == 0 ? 125 : 130) && !se.best.runt)
            break; /* good enough: the search is for paragraphs that need it */
        static const int kinds[] = {3, 1, 2}; /* the greedy breaks first, as Pango's were */
        for (size_t i = 0; i < CP_ARRAY_LEN(kinds); i++) {
            int kind = kinds[i];
            bool tried = (kind == 3 && k > 0) || (kind == 1 && justify) ||
                         (kind == 2 && k == 0 && se.best.runt);
            if (tried)
                try_cand(&se, kind, k);
        }
    }
    set_winner(&se, out, won);
}

/* Every diagnostic so far: a search that gave one is not kept as a decision (a later run that
 * took the decision would not give it). */
static size_t diag_count(const cp_diags *d)
{
    return d->n + d->n_errors + d->n_warnings + d->dropped_warnings;
}

/* Keeps a wrapped paragraph's winner for later runs (dc, key: para_decisions's). search_para
 * gives no diagnostic, so any search's winner may be kept. */
static void keep_decision(cp_decisions *dc, const cp_decision_key *key, const cp_plan *won)
{
    if (dc)
        cp_decisions_put(
            dc, key,
            &(cp_decision){.type = CP_DECISION_PARA, .kind = (int16_t)won->kind, .k = won->k});
}

/* The decisions a wrapped paragraph may take and keep; NULL for one never wrapped, or without
 * a cache. */
static cp_decisions *para_decisions(const cand_src *s)
{
    return s->req->no_wrap ? NULL : cp_typesetter_decisions(s->ts);
}

/* search_para, or the candidate an earlier run's search chose for the same paragraph request
 * (key: cp_decision_para_key's, layout/decisions.h). */
static void search_or_recall(const cand_src *s, const cp_decision_key *key, cand *best,
                             cp_plan *won)
{
    cp_decisions *dc = para_decisions(s);
    cp_decision dec;
    if (dc && cp_decisions_get(dc, key, &dec) && dec.type == CP_DECISION_PARA && dec.k >= 0 &&
        (size_t)dec.k < N_TRACK && make_cand(s, dec.kind, (size_t)dec.k, best)) {
        won->kind = dec.kind;
        won->k = dec.k;
        if (cp_decisions_verifying()) {
            cand again = {0};
            cp_plan w = *won;
            search_para(s, &again, &w);
            cp_decisions_verified(w.kind == dec.kind && w.k == dec.k);
            cand_free(&again);
        }
        return;
    }
    search_para(s, best, won);
    keep_decision(dc, key, won);
}

/* Sets one paragraph as well as a greedy line breaker allows: when the plain setting leaves a
 * runt or a loose line, it tries tying the last two words and tracking the paragraph by up to
 * 1 % of an em either way, and keeps the best that does not add a line. */
static void set_para(cp_typesetter *ts, const cp_text_req *req, PangoFontDescription *fd,
                     const cp_para *para, double size_pt, bool first, cand *best)
{
    const memo_entry *seen = memo_find(ts, req, para, size_pt, first);
    if (seen) {
        cand_copy(&seen->c, strlen(para->text), best);
        return;
    }
    const cp_style *st = req->style;
    size_t len = strlen(para->text);
    size_t *map = NULL;
    char *text;
    if (st->hyphenate && !req->no_wrap && !cp_hyph_available(ts->hyph, req->lang) &&
        !g_strrstr(ts->warned_langs ? ts->warned_langs : "", req->lang)) {
        cp_warning(ts->diags, st->pos,
                   "no hyphenation dictionary for language '%s': style '%s' is set without "
                   "hyphenation (install Debian's hyphen-%s package)",
                   req->lang, st->name, req->lang);
        char *w = g_strconcat(ts->warned_langs ? ts->warned_langs : "", req->lang, " ", NULL);
        g_free(ts->warned_langs);
        ts->warned_langs = w;
    }
    if (st->hyphenate && !req->no_wrap) {
        cp_hyph_rules rules = {st->hyph_min_word, st->hyph_before, st->hyph_after, req->keep};
        map = cp_xmalloc((len + 1) * sizeof *map);
        text = cp_hyph_apply(ts->hyph, req->lang, para->text, &rules, map);
    } else {
        text = cp_xstrdup(para->text);
    }
    bool measure_spaces = st->align == CP_ALIGN_JUSTIFY && !req->no_wrap;
    double space = measure_spaces ? space_width(ts, fd, req->lang, size_pt) : size_pt * 0.25;
    measured meas[N_TRACK] = {{0}};
    cand_src src = {.ts = ts,
                    .req = req,
                    .fd = fd,
                    .para = para,
                    .size_pt = size_pt,
                    .first = first,
                    .text = text,
                    .map = map,
                    .len = len,
                    .space = space,
                    .meas = meas};
    /* A helper process that laid this page out already says which candidate won: set only
     * that one (text.c's candidates are deterministic: it comes out the same). The request's
     * key for the decisions kept between runs identifies it for the plans too. */
    cp_decision_key key;
    cp_decision_para_key(req, para, size_pt, first, &key);
    cp_plan won = {0};
    memcpy(&won.fp, key.b, sizeof won.fp);
    bool planned = !req->no_wrap && ts->plans && cp_plans_take(ts->plans, won.fp, &won);
    if (planned && !make_cand(&src, won.kind, (size_t)won.k, best)) {
        ts->plans->lost = true; /* cannot be: search, and follow no further plan */
        planned = false;
    }
    if (planned) /* the helper's search decided it: the next run need not */
        keep_decision(para_decisions(&src), &key, &won);
    else
        search_or_recall(&src, &key, best, &won);
    if (!planned && !req->no_wrap && ts->plans)
        cp_plans_put(ts->plans, &won);
    measured_free(meas);
    free(text);
    free(map);
    memo_keep(ts, req, para, size_pt, first, best);
}

static gboolean take_first_font(PangoFontset *fs, PangoFont *font, gpointer data)
{
    (void)fs;
    *(PangoFont **)data = g_object_ref(font);
    return TRUE; /* the first is enough */
}

/* What pango_context_get_metrics() says of a description's ascent and descent, without the
 * approximate character widths it also measures (a sample text set in a layout for every font
 * it meets, the dearest part): the first font of the description's fontset, raised to every
 * font the context language's sample text is itemized into, as Pango does. The fonts are
 * looked up in the text's language (text_lang, or NULL for the context's), as the text's
 * layouts look them up, so that Pango finds their fontsets made. */
static void context_extents(PangoContext *ctx, const PangoFontDescription *fd,
                            const char *text_lang, double *ascent, double *descent)
{
    PangoLanguage *ctx_lang = pango_context_get_language(ctx);
    PangoLanguage *lang = text_lang ? pango_language_from_string(text_lang) : ctx_lang;
    PangoFontset *fs = pango_font_map_load_fontset(pango_context_get_font_map(ctx), ctx, fd, lang);
    PangoFont *first = NULL;
    if (fs)
        pango_fontset_foreach(fs, take_first_font, &first);
    int a = 0, d = 0;
    if (first) {
        cp_fonts_raise_extents(first, &a, &d);
        g_object_unref(first);
    }
    const char *sample = pango_language_get_sample_string(ctx_lang);
    PangoAttrList *al = pango_attr_list_new();
    pango_attr_list_insert(al, pango_attr_font_desc_new(fd));
    if (text_lang)
        pango_attr_list_insert(al, pango_attr_language_new(lang));
    GList *items = pango_itemize(ctx, sample, 0, (int)strlen(sample), al, NULL);
    for (GList *l = items; l; l = l->next) {
        PangoItem *item = l->data;
        if (item->analysis.font)
            cp_fonts_raise_extents(item->analysis.font, &a, &d);
    }
    g_list_free_full(items, (GDestroyNotify)pango_item_free);
    pango_attr_list_unref(al);
    if (fs)
        g_object_unref(fs);
    *ascent = a / (double)PANGO_SCALE;
    *descent = d / (double)PANGO_SCALE;
}

/* Ascent and descent of a font description, cached per description and language (lang, or NULL
 * for the context's): a month page sets hundreds of small texts in a handful of fonts. The whole
 * family list is looked up, in the text's language, as the text's own layouts look it up: the
 * first font is the first family's all the same, and Pango finds the fontset already matched
 * and sorted instead of matching and sorting another (two threads and a sort of the private
 * font set for every font size). */
static cp_font_metrics *metrics_for(cp_typesetter *ts, const PangoFontDescription *fd,
                                    const char *lang)
{
    char *desc = pango_font_description_to_string(fd);
    char *key = g_strconcat(desc, "|", lang ? lang : "", NULL);
    g_free(desc);
    for (size_t i = 0; i < ts->n_metrics; i++) {
        if (strcmp(ts->metrics[i].key, key) == 0) {
            g_free(key);
            return &ts->metrics[i];
        }
    }
    double ascent, descent;
    context_extents(ts->ctx, fd, lang, &ascent, &descent);
    cp_grow((void **)&ts->metrics, &ts->cap_metrics, ts->n_metrics + 1, sizeof *ts->metrics);
    cp_font_metrics *fm = &ts->metrics[ts->n_metrics++];
    *fm = (cp_font_metrics){.key = cp_arena_strdup(&ts->own, key),
                            .ascent = ascent,
                            .descent = descent,
                            .space = -1,
                            .hyphen = -1};
    g_free(key);
    return fm;
}

static void font_metrics(cp_typesetter *ts, const PangoFontDescription *fd, const char *lang,
                         double *ascent, double *descent)
{
    const cp_font_metrics *fm = metrics_for(ts, fd, lang);
    *ascent = fm->ascent;
    *descent = fm->descent;
}

double cp_typesetter_ascent(cp_typesetter *ts, const cp_style *st)
{
    PangoFontDescription *fd = style_font(st, st->size_pt);
    double ascent, descent;
    font_metrics(ts, fd, NULL, &ascent, &descent);
    pango_font_description_free(fd);
    return ascent;
}

/* The first byte of a paragraph as written (len bytes) whose setting lies at or after byte `set`
 * of the set text; map takes written bytes to set ones (NULL: the same text). */
static size_t written_at(const size_t *map, size_t len, size_t set)
{
    if (!map)
        return set < len ? set : len;
    size_t lo = 0, hi = len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (map[mid] < set)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The paragraph's characters that line li of the candidate covers, as written: the hyphens
 * and breaks line breaking inserted are not in it, so consecutive lines join into the
 * paragraph again. Arena-owned. */
static const char *line_source(cp_arena *a, const cp_para *para, const cand *c, int li)
{
    size_t len = strlen(para->text);
    PangoLayoutLine *line = pango_layout_get_line_readonly(c->layout, li);
    PangoLayoutLine *next =
        li + 1 < c->lines ? pango_layout_get_line_readonly(c->layout, li + 1) : NULL;
    size_t from = written_at(c->map, len, (size_t)line->start_index);
    size_t to = next ? written_at(c->map, len, (size_t)next->start_index) : len;
    return cp_arena_strndup(a, para->text + from, to > from ? to - from : 0);
}

void cp_set_rich(cp_typesetter *ts, const cp_text_req *req, const cp_richtext *rt, double size_pt,
                 cp_block *out)
{
    memset(out, 0, sizeof *out);
    out->src = req->src;
    const cp_style *st = req->style;
    double scale = size_pt / st->size_pt;
    double leading = st->leading_pt * scale;
    out->size_pt = size_pt;
    out->leading_pt = leading;
    PangoFontDescription *fd = style_font(st, size_pt);
    /* Baselines follow the style's first family, whatever script a line holds: a Bengali word
     * in an English frame must not push the frame's first baseline down. */
    double ascent, descent;
    font_metrics(ts, fd, req->lang, &ascent, &descent);
    double y = 0; /* baseline of the previous line; 0 before the first */
    bool first_line = true;
    for (size_t pi = 0; pi < rt->n_paras; pi++) {
        const cp_para *para = &rt->paras[pi];
        cand pl = {0};
        set_para(ts, req, fd, para, size_pt, pi == 0, &pl);
        if (pi > 0)
            y += (st->space_after_pt + st->space_before_pt) * scale;
        PangoLayoutIter *it = pango_layout_get_iter(pl.layout);
        int li = 0;
        do {
            PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
            PangoRectangle logical;
            pango_layout_iter_get_line_extents(it, NULL, &logical);
            if (first_line) {
                y = ascent;
                first_line = false;
            } else {
                y += leading;
            }
            check_line_fonts(ts, req, pl.text, line);
            cp_grow((void **)&out->lines, &out->cap, out->n + 1, sizeof *out->lines);
            cp_set_line *sl = &out->lines[out->n++];
            memset(sl, 0, sizeof *sl);
            sl->line = pango_layout_line_ref(line);
            sl->layout = g_object_ref(pl.layout);
            sl->x = logical.x / (double)PANGO_SCALE;
            sl->width = logical.width / (double)PANGO_SCALE;
            sl->baseline = y;
            sl->text = line_text(ts->arena, pl.text, line);
            sl->source = line_source(ts->arena, para, &pl, li);
            sl->para_end = li == pl.lines - 1;
            if (sl->para_end && pl.runt) {
                sl->runt = true;
                out->runts++;
            }
            /* Compared as printed (whole per cent), so a message never says 105 % > 105 %. */
            if (li < pl.lines && req->style->max_word_space > 0 &&
                round(pl.loose[li]) > req->style->max_word_space)
                sl->loose = pl.loose[li];
            li++;
        } while (pango_layout_iter_next_line(it));
        pango_layout_iter_free(it);
        cand_free(&pl);
    }
    for (size_t i = 0; i < out->n; i++)
        out->loose += out->lines[i].loose > 0;
    out->height = out->n ? y + descent : 0;
    pango_font_description_free(fd);
}

void cp_block_warn(cp_typesetter *ts, const cp_text_req *req, const cp_block *b)
{
    for (size_t i = 0; i < b->n; i++) {
        const cp_set_line *sl = &b->lines[i];
        if (sl->loose > 0)
            cp_warning(ts->diags, req->src,
                       "%s: line %zu is loose (word spaces at %.0f%% of normal, the style allows "
                       "%.0f%%): \"%s\"",
                       req->what, i + 1, sl->loose, req->style->max_word_space, sl->text);
        if (sl->runt)
            cp_warning(ts->diags, req->src,
                       "%s: line %zu is a runt (one short word ends the paragraph): \"%s\"",
                       req->what, i + 1, sl->text);
    }
}

/* Copies a block, taking new references to its lines. */
static void block_copy(const cp_block *src, cp_block *dst)
{
    *dst = *src;
    dst->cap = dst->n;
    dst->lines = cp_xmalloc((src->n ? src->n : 1) * sizeof *dst->lines);
    for (size_t i = 0; i < src->n; i++) {
        dst->lines[i] = src->lines[i];
        pango_layout_line_ref(dst->lines[i].line);
        g_object_ref(dst->lines[i].layout);
    }
}

static void cached_block_free(gpointer p)
{
    cp_block_finish(p);
    free(p);
}

void cp_set_plain(cp_typesetter *ts, const cp_text_req *req, const char *text, cp_block *out)
{
    /* Single unwrapped lines (day numbers, labels) repeat hundreds of times: set each once. */
    char *key = NULL;
    if (req->no_wrap && !strchr(text, '\n')) {
        const cp_style *st = req->style;
        PangoFontDescription *fd = style_font(st, st->size_pt);
        char *desc = pango_font_description_to_string(fd);
        pango_font_description_free(fd);
        key = g_strdup_printf("%s|%g|%s|%d|%s|%s", desc, st->tracking,
                              st->features ? st->features : "", st->uppercase, req->lang, text);
        g_free(desc);
        if (!ts->lines_cache)
            ts->lines_cache =
                g_hash_table_new_full(g_str_hash, g_str_equal, g_free, cached_block_free);
        cp_block *hit = g_hash_table_lookup(ts->lines_cache, key);
        if (hit) {
            block_copy(hit, out);
            out->src = req->src; /* the same words, set for another field */
            g_free(key);
            return;
        }
    }
    cp_richtext rt;
    size_t n = 1;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    rt.paras = cp_arena_alloc(ts->arena, n * sizeof *rt.paras);
    rt.n_paras = 0;
    const char *p = text;
    for (;;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        cp_para *para = &rt.paras[rt.n_paras++];
        para->text = cp_arena_strndup(ts->arena, p, len);
        para->spans = NULL;
        para->n_spans = 0;
        if (!e)
            break;
        p = e + 1;
    }
    size_t errors = ts->diags->n_errors;
    cp_set_rich(ts, req, &rt, req->style->size_pt, out);
    if (key && ts->diags->n_errors == errors) {
        cp_block *keep = cp_xmalloc(sizeof *keep);
        block_copy(out, keep);
        /* The cache outlives the run's arena (watch keeps the typesetter): own the text. */
        for (size_t i = 0; i < keep->n; i++)
            keep->lines[i].text = cp_arena_strdup(&ts->own, keep->lines[i].text);
        g_hash_table_insert(ts->lines_cache, key, keep);
    } else {
        g_free(key);
    }
}

static size_t count_words(const cp_richtext *rt)
{
    size_t n = 0;
    for (size_t i = 0; i < rt->n_paras; i++) {
        bool in = false;
        for (const char *p = rt->paras[i].text; *p; p++) {
            bool sp = *p == ' ';
            if (!sp && !in)
                n++;
            in = !sp;
        }
    }
    return n;
}

/* At the full size, a leading range comes first: tighter leading keeps every line break (only
 * baselines move), so the block is adjusted, not set again. True if that makes it fit. */
static bool tighten_leading(const cp_style *st, cp_block *b, double max_height)
{
    double min_lead = st->min_leading_pt > 0 ? st->min_leading_pt : st->leading_pt;
    if (min_lead >= b->leading_pt || b->n < 2)
        return false;
    double cut = (b->height - max_height) / (double)(b->n - 1);
    double lead = floor((b->leading_pt - cut) * 4 + 1e-9) / 4; /* 0.25 pt steps */
    if (lead < min_lead - 1e-9 || lead >= b->leading_pt)
        return false;
    double d = b->leading_pt - lead;
    for (size_t i = 0; i < b->n; i++)
        b->lines[i].baseline -= (double)i * d;
    b->height -= (double)(b->n - 1) * d;
    b->leading_pt = lead;
    b->tightened = true;
    return b->height <= max_height + 0.01;
}

/* The copy-fit search: the sizes tried are the style's size minus k quarter points, k = 1..n,
 * the last of them the style's min_size. */
typedef struct fit_search {
    cp_typesetter *ts;
    const cp_text_req *req;
    const cp_richtext *rt;
    double max_height, top, min;
    int n;
    size_t errors_before;
} fit_search;

static double fit_size(const fit_search *fs, int k)
{
    return k >= fs->n ? fs->min : fs->top - 0.25 * k;
}

/* Sets the text at size k into out (freeing what out held). 1 fits, 0 does not, -1 font errors. */
static int fit_try(const fit_search *fs, int k, cp_block *out)
{
    cp_block_finish(out);
    cp_set_rich(fs->ts, fs->req, fs->rt, fit_size(fs, k), out);
    if (fs->ts->diags->n_errors != fs->errors_before)
        return -1;
    return out->height <= fs->max_height + 0.01;
}

/* fit_try, keeping a setting that fits in *kept (swapped with out): each size that fits is
 * smaller than the last, so *kept always holds the setting of the smallest k that fit. */
static int fit_keep(const fit_search *fs, int k, cp_block *out, cp_block *kept)
{
    int r = fit_try(fs, k, out);
    if (r == 1) {
        cp_block t = *kept;
        *kept = *out;
        *out = t;
    }
    return r;
}

/* The search itself; see fit_search_run. */
static int fit_gallop(const fit_search *fs, int k0, cp_block *out, cp_block *kept)
{
    int bad = 0, good = -1, k;
    int r = fit_keep(fs, k0, out, kept);
    if (r < 0)
        return -1;
    if (r) {
        good = k0;
        for (int step = 1; good - step > bad; step *= 2) {
            if ((r = fit_keep(fs, k = good - step, out, kept)) < 0)
                return -1;
            if (!r) {
                bad = k;
                break;
            }
            good = k;
        }
    } else {
        bad = k0;
        for (int step = 1; good < 0; step *= 2) {
            if (bad == fs->n)
                return 0;
            k = bad + step < fs->n ? bad + step : fs->n;
            if ((r = fit_keep(fs, k, out, kept)) < 0)
                return -1;
            *(r ? &good : &bad) = k;
        }
    }
    while (good - bad > 1) {
        int mid = bad + (good - bad) / 2;
        if ((r = fit_keep(fs, mid, out, kept)) < 0)
            return -1;
        *(r ? &good : &bad) = mid;
    }
    return 1;
}

/* The largest size that fits (the smallest k), in a few settings whatever the range: from a
 * first guess k0, galloping towards the side that decides (up while it fits, down while it does
 * not), then halving between the largest size that did not fit and the smallest k that did.
 * Text gets shorter as the size falls, so this finds what trying every quarter point would.
 * Leaves out set at the chosen size (at min_size when none fits). 1/0/-1 as fit_try. */
static int fit_search_run(const fit_search *fs, int k0, cp_block *out)
{
    cp_block kept = {0};
    int r = fit_gallop(fs, k0, out, &kept);
    if (r == 1) { /* the size chosen was set once already: no need to set it again */
        cp_block_finish(out);
        *out = kept;
    } else {
        cp_block_finish(&kept);
    }
    return r;
}

/* A first guess for the search: a block's height goes roughly with the square of the size (more
 * lines, each taller), so the size that fits is about size * sqrt(room / height). */
static int fit_guess(const fit_search *fs, const cp_block *b)
{
    double s = fs->top * sqrt(fs->max_height / b->height);
    int k = (int)ceil((fs->top - s) / 0.25 - 1e-9);
    return k < 1 ? 1 : k > fs->n ? fs->n : k;
}

/* The longest run of non-spaces in rt, in bytes, and where it starts. */
static size_t longest_word(const cp_richtext *rt, const char **at)
{
    size_t best = 0;
    *at = NULL;
    for (size_t i = 0; i < rt->n_paras; i++) {
        const char *p = rt->paras[i].text;
        while (*p) {
            size_t n = strcspn(p, " \n");
            if (n > best) {
                best = n;
                *at = p;
            }
            p += n;
            p += *p != '\0';
        }
    }
    return best;
}

static void report_no_fit(cp_typesetter *ts, const cp_text_req *req, const cp_richtext *rt,
                          double max_height, const char *frame, const cp_pos *frame_pos,
                          const cp_block *out)
{
    const char *word;
    size_t wlen = longest_word(rt, &word);
    size_t words = count_words(rt);
    char *w = g_strndup(word ? word : "", wlen);
    double w_pt = wlen ? cp_measure(ts, req->style, req->lang, w) : 0;
    g_free(w);
    /* At the smallest size, a word wider than the column is broken letter by letter: counting
     * words to cut would say nonsense ("cut about 271 words" of a text of one word). */
    if (w_pt * out->size_pt / req->style->size_pt > req->width + 0.5) {
        cp_error(ts->diags, req->src,
                 "%s does not fit frame '%s': it has a word of %zu characters ('%.*s...'), "
                 "wider than the column even at %.4gpt; break it with spaces or cut it",
                 req->what, frame, (size_t)g_utf8_strlen(word, (gssize)wlen),
                 utf8_prefix(word, (int)wlen, 24), word, out->size_pt);
    } else {
        double over = out->height - max_height;
        int lines_over = (int)ceil(over / out->leading_pt - 1e-9);
        if (lines_over < 1)
            lines_over = 1;
        size_t per_line = out->n ? (words + out->n - 1) / out->n : words;
        size_t cut = per_line * (size_t)lines_over;
        cp_error(ts->diags, req->src,
                 "%s does not fit frame '%s': %d line%s over at %.4gpt (the smallest size "
                 "tried); cut about %zu word%s",
                 req->what, frame, lines_over, lines_over == 1 ? "" : "s", out->size_pt,
                 cut < words ? cut : words, (cut < words ? cut : words) == 1 ? "" : "s");
    }
    if (frame_pos && frame_pos->file)
        cp_note(ts->diags, *frame_pos, "frame '%s' is defined here (%.1f mm high)", frame,
                max_height / CP_PT_PER_MM);
}

static bool set_fit(cp_typesetter *ts, const cp_text_req *req, const cp_richtext *rt,
                    double max_height, const char *frame, const cp_pos *frame_pos, cp_block *out)
{
    const cp_style *st = req->style;
    double min =
        st->min_size_pt > 0 && st->min_size_pt < st->size_pt ? st->min_size_pt : st->size_pt;
    fit_search fs = {.ts = ts,
                     .req = req,
                     .rt = rt,
                     .max_height = max_height,
                     .top = st->size_pt,
                     .min = min,
                     .errors_before = ts->diags->n_errors};
    /* Quarter points down to min_size; min_size itself is the last size tried. */
    fs.n = (int)ceil((st->size_pt - min) / 0.25 - 1e-9);
    cp_set_rich(ts, req, rt, st->size_pt, out);
    if (ts->diags->n_errors != fs.errors_before)
        return false; /* font problems: reported once, at the first size */
    if (out->height <= max_height + 0.01 || tighten_leading(st, out, max_height))
        return true;
    int r = fs.n > 0 ? fit_search_run(&fs, fit_guess(&fs, out), out) : 0;
    if (r < 0)
        return false;
    if (r) {
        out->shrunk = true;
        return true;
    }
    report_no_fit(ts, req, rt, max_height, frame, frame_pos, out);
    return false;
}

/* Sets rt as an earlier run's size search for the same request (op, key) decided, if it
 * decided: the one setting the search kept, at its size, tightened as it was. False (out empty)
 * when there is no such decision or the setting does not come out as it did. */
static bool recall_frame(cp_typesetter *ts, const cp_decision_key *key, const cp_text_req *req,
                         const cp_richtext *rt, double max_height, cp_block *out)
{
    cp_decisions *dc = cp_typesetter_decisions(ts);
    cp_decision dec;
    if (!dc || !cp_decisions_get(dc, key, &dec) || dec.type != CP_DECISION_FRAME)
        return false;
    size_t errors = ts->diags->n_errors;
    cp_set_rich(ts, req, rt, dec.size, out);
    bool ok = ts->diags->n_errors == errors;
    if (ok && (dec.flags & CP_DECISION_TIGHTENED))
        ok = tighten_leading(req->style, out, max_height);
    if (!ok || out->height > max_height + 0.01) {
        cp_block_finish(out);
        return false;
    }
    out->shrunk = (dec.flags & CP_DECISION_SHRUNK) != 0;
    return true;
}

bool cp_set_searched(cp_typesetter *ts, const char *op, const cp_text_req *req,
                     const cp_richtext *rt, double max_height, const char *frame,
                     const cp_pos *frame_pos, cp_block *out, cp_size_search run)
{
    cp_decision_key key;
    cp_decision_frame_key(op, req, rt, max_height, &key);
    if (recall_frame(ts, &key, req, rt, max_height, out)) {
        if (cp_decisions_verifying()) {
            cp_block again;
            cp_search_begin(ts);
            run(ts, req, rt, max_height, frame, frame_pos, &again);
            cp_search_end(ts);
            cp_decisions_verified(again.size_pt == out->size_pt && again.n == out->n &&
                                  again.height == out->height && again.shrunk == out->shrunk &&
                                  again.tightened == out->tightened);
            cp_block_finish(&again);
        }
        return true;
    }
    size_t before = diag_count(ts->diags);
    cp_search_begin(ts);
    bool ok = run(ts, req, rt, max_height, frame, frame_pos, out);
    cp_search_end(ts);
    cp_decisions *dc = cp_typesetter_decisions(ts);
    if (ok && dc && diag_count(ts->diags) == before)
        cp_decisions_put(
            dc, &key,
            &(cp_decision){.type = CP_DECISION_FRAME,
                           .flags = (uint8_t)((out->shrunk ? CP_DECISION_SHRUNK : 0) |
                                              (out->tightened ? CP_DECISION_TIGHTENED : 0)),
                           .size = out->size_pt});
    return ok;
}

bool cp_set_fit(cp_typesetter *ts, const cp_text_req *req, const cp_richtext *rt, double max_height,
                const char *frame, const cp_pos *frame_pos, cp_block *out)
{
    return cp_set_searched(ts, "fit", req, rt, max_height, frame, frame_pos, out, set_fit);
}

void cp_block_place_range(cp_block *b, size_t from, size_t to, cp_page *page, const char *tag,
                          double x, double y, cp_color color)
{
    for (size_t i = from; i < to && i < b->n; i++) {
        cp_set_line *sl = &b->lines[i];
        cp_item *it = cp_page_add(page, CP_ITEM_TEXT, tag);
        it->x = x + sl->x;
        it->y = y + sl->baseline;
        it->w = sl->width;
        it->color = color;
        it->line = sl->line;
        it->layout = sl->layout;
        it->text = sl->text;
        it->source = sl->source;
        it->para_end = sl->para_end;
        it->src = b->src;
        sl->line = NULL;
        sl->layout = NULL;
    }
}

void cp_block_place(cp_block *b, cp_page *page, const char *tag, double x, double y, cp_color color)
{
    cp_block_place_range(b, 0, b->n, page, tag, x, y, color);
}

double cp_measure(cp_typesetter *ts, const cp_style *st, const char *lang, const char *text)
{
    PangoLayout *layout = pango_layout_new(ts->ctx);
    PangoFontDescription *fd = style_font(st, st->size_pt);
    pango_layout_set_font_description(layout, fd);
    PangoAttrList *al = style_attrs(st, lang, st->size_pt, 0);
    pango_layout_set_attributes(layout, al);
    pango_attr_list_unref(al);
    pango_layout_set_text(layout, text, -1);
    PangoRectangle logical;
    pango_layout_get_extents(layout, NULL, &logical);
    pango_font_description_free(fd);
    g_object_unref(layout);
    return logical.width / (double)PANGO_SCALE;
}
