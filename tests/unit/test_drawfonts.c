/* The fonts that measure are the fonts that draw: text laid out with the typesetter's context
 * and drawn on a PDF surface is drawn with the very cairo scaled fonts it was measured with.
 * cairo merges the surface's font options into a font's when it draws; a font whose options
 * differ from the merged ones is made again, and every glyph it draws is loaded from the font
 * file a second time (2,000 glyph loads of a render of the sample before text.c took the PDF
 * surface's options). */
#include "fontsetup.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

static cairo_status_t discard(void *closure, const unsigned char *data, unsigned int len)
{
    (void)closure, (void)data, (void)len;
    return CAIRO_STATUS_SUCCESS;
}

/* Lays out text in `font`, then draws its first glyph on a PDF page as Pango's cairo renderer
 * does (the measured scaled font set on the context, then the glyphs shown), and checks the
 * font cairo drew with against the one Pango measured with. (pango_cairo_show_layout itself
 * restores the context's state, font included, once it has drawn.) */
static void check_font(cp_typesetter *ts, const char *font)
{
    PangoLayout *layout = pango_layout_new(ts->ctx);
    PangoFontDescription *fd = pango_font_description_from_string(font);
    pango_layout_set_font_description(layout, fd);
    pango_layout_set_text(layout, "Champions of Hope, 2021", -1);
    PangoLayoutLine *line = pango_layout_get_line_readonly(layout, 0);
    PangoGlyphItem *run = line && line->runs ? line->runs->data : NULL;
    CHECK(run != NULL, "%s: the text is set", font);
    if (run) {
        cairo_scaled_font_t *measured =
            pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(run->item->analysis.font));
        cairo_surface_t *pdf = cairo_pdf_surface_create_for_stream(discard, NULL, 200, 100);
        cairo_t *cr = cairo_create(pdf);
        cairo_set_scaled_font(cr, measured);
        cairo_glyph_t g = {.index = run->glyphs->glyphs[0].glyph, .x = 10, .y = 50};
        cairo_show_glyphs(cr, &g, 1);
        cairo_scaled_font_t *drawn = cairo_get_scaled_font(cr);
        CHECK(drawn == measured, "%s: drawn with the scaled font it was measured with", font);
        cairo_font_options_t *a = cairo_font_options_create(), *b = cairo_font_options_create();
        cairo_scaled_font_get_font_options(measured, a);
        cairo_scaled_font_get_font_options(drawn, b);
        CHECK(cairo_font_options_equal(a, b), "%s: with the same options", font);
        cairo_font_options_destroy(a);
        cairo_font_options_destroy(b);
        cairo_destroy(cr);
        cairo_surface_destroy(pdf);
    }
    pango_font_description_free(fd);
    g_object_unref(layout);
}

int main(void)
{
    cp_test_fonts t;
    if (cp_test_fonts_open(&t)) {
        check_font(&t.ts, "EB Garamond 12 13");
        check_font(&t.ts, "Inter Bold 9");
        check_font(&t.ts, "EB Garamond 12 Italic 18");
    }
    cp_test_fonts_close(&t);
    return cp_test_summary("unit/drawfonts");
}
