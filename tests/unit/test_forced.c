/* Forced lines shaped once (layout/forced.h): a justified layout whose breaks are all U+2028 is
 * set without its width and justified by calpress, and must come out glyph for glyph, and line
 * extent for line extent, as Pango sets it with the width. Where Pango might set it otherwise
 * (a line too wide, which Pango would break again; a line with no word space, which Pango
 * letter-spaces; a tab), cp_forced_set refuses and leaves the layout as it was given. */
#include "fontsetup.h"
#include "layout/forced.h"

#include <pango/pangocairo.h>
#include <stdbool.h>

#define LS "\xE2\x80\xA8" /* U+2028 */

typedef struct setup {
    const char *text;
    const char *font;
    int width;        /* Pango units */
    int indent;       /* Pango units */
    int spacing;      /* letter spacing of the whole text, Pango units */
    int line_spacing; /* letter spacing of the second line only (bytes line2_start..line2_end) */
    int line2_start, line2_end;
} setup;

static PangoLayout *make(PangoContext *ctx, const setup *s)
{
    PangoLayout *l = pango_layout_new(ctx);
    PangoFontDescription *fd = pango_font_description_from_string(s->font);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_layout_set_text(l, s->text, -1);
    PangoAttrList *al = pango_attr_list_new();
    if (s->spacing)
        pango_attr_list_insert(al, pango_attr_letter_spacing_new(s->spacing));
    if (s->line_spacing) {
        PangoAttribute *a = pango_attr_letter_spacing_new(s->spacing + s->line_spacing);
        a->start_index = (guint)s->line2_start;
        a->end_index = (guint)s->line2_end;
        pango_attr_list_change(al, a);
    }
    /* an italic word: lines of several runs */
    const char *it = strstr(s->text, "river");
    if (it) {
        PangoAttribute *a = pango_attr_style_new(PANGO_STYLE_ITALIC);
        a->start_index = (guint)(it - s->text);
        a->end_index = a->start_index + 5;
        pango_attr_list_insert(al, a);
    }
    pango_layout_set_attributes(l, al);
    pango_attr_list_unref(al);
    pango_layout_set_width(l, s->width);
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_indent(l, s->indent);
    pango_layout_set_justify(l, TRUE);
    return l;
}

/* The space glyphs of a that justification widened (wider than 3 pt). */
static int widened_spaces(PangoLayout *a)
{
    const char *text = pango_layout_get_text(a);
    int n = 0;
    for (GSList *l = pango_layout_get_lines_readonly(a); l; l = l->next) {
        const PangoLayoutLine *line = l->data;
        for (GSList *r = line->runs; r; r = r->next) {
            const PangoGlyphItem *p = r->data;
            for (int g = 0; g < p->glyphs->num_glyphs; g++)
                n += text[p->item->offset + p->glyphs->log_clusters[g]] == ' ' &&
                     p->glyphs->glyphs[g].geometry.width > 3 * PANGO_SCALE;
        }
    }
    return n;
}

/* Set by cp_forced_set, the layout matches Pango's own setting, and its lines were justified. */
static void check_same(PangoContext *ctx, const char *what, const setup *s)
{
    PangoLayout *mine = make(ctx, s), *pango = make(ctx, s);
    CHECK(cp_forced_set(mine), "%s: set with forced lines", what);
    CHECK(pango_layout_get_width(mine) == -1, "%s: set without its width", what);
    CHECK(cp_forced_same(mine, pango), "%s: glyph for glyph as Pango sets it", what);
    int widened = widened_spaces(mine);
    CHECK(widened > 0 && widened == widened_spaces(pango), "%s: justified (%d word spaces widened)",
          what, widened);
    g_object_unref(mine);
    g_object_unref(pango);
}

/* cp_forced_set refuses, and the layout sets as Pango sets it. */
static void check_refused(PangoContext *ctx, const char *what, const setup *s)
{
    PangoLayout *mine = make(ctx, s), *pango = make(ctx, s);
    CHECK(!cp_forced_set(mine), "%s: refused", what);
    CHECK(pango_layout_get_width(mine) == s->width, "%s: width given back", what);
    CHECK(pango_layout_get_justify(mine), "%s: justification given back", what);
    CHECK(cp_forced_same(mine, pango), "%s: then set by Pango", what);
    g_object_unref(mine);
    g_object_unref(pango);
}

static const char para[] =
    "Neha keeps the accounts of a tailoring" LS "cooperative by the river and plans a shop" LS
    "of her own, with two sewing machines and" LS "a sign.";

int main(void)
{
    cp_test_fonts t;
    if (cp_test_fonts_open(&t)) {
        PangoContext *ctx = t.ts.ctx;
        const char *l2 = strstr(para, "cooperative"), *l3 = strstr(para, "of her own");
        check_same(ctx, "plain",
                   &(setup){.text = para, .font = "EB Garamond 12 13", .width = 230 * PANGO_SCALE});
        check_same(ctx, "indented",
                   &(setup){.text = para,
                            .font = "EB Garamond 12 13",
                            .width = 240 * PANGO_SCALE,
                            .indent = 12 * PANGO_SCALE});
        check_same(ctx, "hanging",
                   &(setup){.text = para,
                            .font = "EB Garamond 12 13",
                            .width = 240 * PANGO_SCALE,
                            .indent = -9 * PANGO_SCALE});
        check_same(ctx, "tracked",
                   &(setup){.text = para,
                            .font = "EB Garamond 12 13",
                            .width = 236 * PANGO_SCALE,
                            .spacing = 70});
        check_same(ctx, "tightened",
                   &(setup){.text = para,
                            .font = "EB Garamond 12 13",
                            .width = 226 * PANGO_SCALE,
                            .spacing = -65});
        check_same(ctx, "one line letter-spaced",
                   &(setup){.text = para,
                            .font = "EB Garamond 12 13",
                            .width = 232 * PANGO_SCALE,
                            .line_spacing = 250,
                            .line2_start = (int)(l2 - para),
                            .line2_end = (int)(l3 - para)});
        check_same(ctx, "sans",
                   &(setup){.text = para, .font = "Inter 10", .width = 230 * PANGO_SCALE});
        /* Too narrow for the first line: Pango breaks it again. */
        check_refused(
            ctx, "a line too wide",
            &(setup){.text = para, .font = "EB Garamond 12 13", .width = 180 * PANGO_SCALE});
        /* A forced line of one word: Pango spreads its letters, not its spaces. */
        check_refused(ctx, "a line without a word space",
                      &(setup){.text = "Cooperative" LS "members plan the shop.",
                               .font = "EB Garamond 12 13",
                               .width = 200 * PANGO_SCALE});
        /* A first line as wide as the measure once set: Pango measured it before it took half
         * a letter spacing off its first letter, so it did not fit then. */
        setup full = {.text = "Neha keeps the accounts" LS "and plans a shop.",
                      .font = "EB Garamond 12 13",
                      .width = 400 * PANGO_SCALE,
                      .spacing = 300};
        PangoLayout *one = make(ctx, &full);
        pango_layout_set_width(one, -1);
        PangoRectangle r;
        pango_layout_line_get_extents(pango_layout_get_line_readonly(one, 0), NULL, &r);
        full.width = r.width;
        g_object_unref(one);
        check_refused(ctx, "a line full but for its letter spacing", &full);
        check_refused(ctx, "a tab",
                      &(setup){.text = "Names\tand" LS "plans of the members.",
                               .font = "EB Garamond 12 13",
                               .width = 200 * PANGO_SCALE});
    }
    cp_test_fonts_close(&t);
    return cp_test_summary("unit/forced");
}
