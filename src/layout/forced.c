/* A justified paragraph with forced breaks, each line shaped once (forced.h). The arithmetic
 * follows Pango 1.50's pango-layout.c: process_line's line width, process_item's test for a
 * run that fits, adjust_line_letter_spacing's trims and justify_words. */
#include "layout/forced.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char line_separator[] = "\xE2\x80\xA8"; /* U+2028 */

static bool is_separator(const char *text, const PangoItem *item)
{
    return item->length >= 3 && memcmp(text + item->offset, line_separator, 3) == 0;
}

/* The letter spacing Pango applied to an item's glyphs (Pango units); false if the item is set
 * by a shape attribute, which is not shaped. */
static bool item_spacing(const PangoItem *item, int *spacing)
{
    *spacing = 0;
    for (GSList *l = item->analysis.extra_attrs; l; l = l->next) {
        const PangoAttribute *a = l->data;
        if (a->klass->type == PANGO_ATTR_SHAPE)
            return false;
        if (a->klass->type == PANGO_ATTR_LETTER_SPACING)
            *spacing = ((const PangoAttrInt *)a)->value;
    }
    return true;
}

/* The width Pango gives a line of a layout of width `width` (process_line: the indent narrows the
 * first line, or with a hanging indent the others). */
static int line_measure(const PangoLayout *layout, const PangoLayoutLine *line, int width)
{
    int indent = pango_layout_get_indent((PangoLayout *)layout);
    if (line->is_paragraph_start && indent >= 0)
        width -= indent;
    else if (!line->is_paragraph_start && indent < 0)
        width += indent;
    return width < 0 ? 0 : width;
}

/* A text position kept as bytes and characters, moved forward only. */
typedef struct cursor {
    const char *text;
    int byte;
    long chr;
} cursor;

static long char_at(cursor *c, int byte)
{
    c->chr += g_utf8_pointer_to_offset(c->text + c->byte, c->text + byte);
    c->byte = byte;
    return c->chr;
}

/* Whether Pango, given the width, accepts every run of the line as it stands: each run, measured
 * as Pango measured it before trimming its letter spacing, fits in what the runs before it left,
 * and no run ends where a break would add a hyphen (which Pango counts in). Strict where Pango
 * is lenient: a run ending in a space may overhang by the space in Pango, never here. */
static bool line_fits(const PangoLayoutLine *line, const char *text, const PangoLogAttr *attrs,
                      int n_attrs, int measure, cursor *at)
{
    int64_t used = 0;
    for (GSList *l = line->runs; l; l = l->next) {
        const PangoGlyphItem *run = l->data;
        const PangoItem *item = run->item;
        if (is_separator(text, item))
            continue;
        int spacing;
        if (!item_spacing(item, &spacing))
            return false;
        /* Pango took half a letter spacing off the line's outer glyphs (and off a run's ends
         * next to a collapsed space) after it measured the run: with positive spacing the run
         * measured up to both halves wider than it is now. */
        used += pango_glyph_string_get_width(run->glyphs) + (spacing > 0 ? spacing : 0);
        if (used > measure)
            return false;
        long end = char_at(at, item->offset) + item->num_chars;
        if (end < n_attrs && attrs[end].is_line_break && attrs[end].break_inserts_hyphen)
            return false;
    }
    return true;
}

/* Pango's justify_words on a forced line: the line's slack shared out over its word spaces'
 * glyphs in proportion to their widths, in whole points when the slack is. False if the line
 * has no word space to widen (Pango would letter-space it instead). */
static bool justify_line(PangoLayoutLine *line, const char *text, const PangoLogAttr *attrs,
                         int measure, cursor start)
{
    int used = 0;
    for (GSList *l = line->runs; l; l = l->next) {
        const PangoGlyphItem *run = l->data;
        if (!is_separator(text, run->item))
            used += pango_glyph_string_get_width(run->glyphs);
    }
    int slack = measure - used;
    if (slack <= 0)
        return true;
    bool hinted = (slack & (PANGO_SCALE - 1)) == 0;
    int64_t total = 0;
    for (int adjust = 0; adjust <= 1; adjust++) {
        int64_t spaces = 0;
        int added = 0;
        cursor at = start;
        for (GSList *l = line->runs; l; l = l->next) {
            PangoGlyphItem *run = l->data;
            long offset = char_at(&at, run->item->offset);
            PangoGlyphItemIter it;
            for (gboolean more = pango_glyph_item_iter_init_start(&it, run, text); more;
                 more = pango_glyph_item_iter_next_cluster(&it)) {
                if (!attrs[offset + it.start_char].is_expandable_space)
                    continue;
                int dir = it.start_glyph < it.end_glyph ? 1 : -1;
                for (int i = it.start_glyph; i != it.end_glyph; i += dir) {
                    PangoGlyphGeometry *g = &run->glyphs->glyphs[i].geometry;
                    if (g->width == 0)
                        continue;
                    spaces += g->width;
                    if (!adjust)
                        continue;
                    int a = (int)((uint64_t)spaces * (uint64_t)slack / (uint64_t)total) - added;
                    if (hinted)
                        a = PANGO_UNITS_ROUND(a);
                    g->width += a;
                    added += a;
                }
            }
        }
        if (!adjust && spaces == 0)
            return false;
        total = spaces;
    }
    return true;
}

/* The last run of a line is the line separator that ends it. */
static bool ends_forced(const PangoLayoutLine *line, const char *text)
{
    const GSList *last = g_slist_last(line->runs);
    return last && is_separator(text, ((const PangoGlyphItem *)last->data)->item);
}

static bool set_lines(PangoLayout *layout, int width)
{
    const char *text = pango_layout_get_text(layout);
    int n_attrs;
    const PangoLogAttr *attrs = pango_layout_get_log_attrs_readonly(layout, &n_attrs);
    /* Lines asked for with pango_layout_get_lines may be changed: Pango then measures them anew. */
    GSList *lines = pango_layout_get_lines(layout);
    cursor at = {.text = text};
    for (GSList *l = lines; l; l = l->next) {
        const PangoLayoutLine *line = l->data;
        if (!line_fits(line, text, attrs, n_attrs, line_measure(layout, line, width), &at))
            return false;
    }
    at = (cursor){.text = text};
    for (GSList *l = lines; l; l = l->next) {
        PangoLayoutLine *line = l->data;
        char_at(&at, line->start_index);
        if (ends_forced(line, text) &&
            !justify_line(line, text, attrs, line_measure(layout, line, width), at))
            return false;
    }
    return true;
}

bool cp_forced_set(PangoLayout *layout)
{
    int width = pango_layout_get_width(layout);
    if (width < 0 || !pango_layout_get_justify(layout) ||
        pango_layout_get_alignment(layout) != PANGO_ALIGN_LEFT ||
        pango_layout_get_justify_last_line(layout) || strchr(pango_layout_get_text(layout), '\t'))
        return false;
    pango_layout_set_width(layout, -1);
    pango_layout_set_justify(layout, FALSE);
    if (set_lines(layout, width))
        return true;
    pango_layout_set_width(layout, width);
    pango_layout_set_justify(layout, TRUE);
    return false;
}

static bool same_glyphs(const PangoGlyphString *a, const PangoGlyphString *b)
{
    if (a->num_glyphs != b->num_glyphs)
        return false;
    for (int i = 0; i < a->num_glyphs; i++) {
        const PangoGlyphInfo *x = &a->glyphs[i], *y = &b->glyphs[i];
        if (x->glyph != y->glyph || x->geometry.width != y->geometry.width ||
            x->geometry.x_offset != y->geometry.x_offset ||
            x->geometry.y_offset != y->geometry.y_offset ||
            a->log_clusters[i] != b->log_clusters[i])
            return false;
    }
    return true;
}

bool cp_forced_same(PangoLayout *a, PangoLayout *b)
{
    if (pango_layout_get_line_count(a) != pango_layout_get_line_count(b))
        return false;
    bool same = true;
    PangoLayoutIter *ia = pango_layout_get_iter(a), *ib = pango_layout_get_iter(b);
    do {
        PangoLayoutLine *la = pango_layout_iter_get_line_readonly(ia);
        PangoLayoutLine *lb = pango_layout_iter_get_line_readonly(ib);
        PangoRectangle ra, rb;
        pango_layout_iter_get_line_extents(ia, NULL, &ra);
        pango_layout_iter_get_line_extents(ib, NULL, &rb);
        same = la->start_index == lb->start_index && la->length == lb->length && ra.x == rb.x &&
               ra.width == rb.width && g_slist_length(la->runs) == g_slist_length(lb->runs);
        for (GSList *x = la->runs, *y = lb->runs; same && x; x = x->next, y = y->next) {
            const PangoGlyphItem *p = x->data, *q = y->data;
            same = p->item->offset == q->item->offset && p->item->length == q->item->length &&
                   same_glyphs(p->glyphs, q->glyphs);
        }
    } while (same && pango_layout_iter_next_line(ia) && pango_layout_iter_next_line(ib));
    pango_layout_iter_free(ia);
    pango_layout_iter_free(ib);
    return same;
}
