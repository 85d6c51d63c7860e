/* PDF surface drawing into memory, then the hand-over to an output set. */
#define _POSIX_C_SOURCE 200809L
#include "pdf/internal.h"
#include "base/strbuf.h"
#include "base/util.h"
#include "render/render.h"

#include <cairo-pdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cairo_status_t to_buffer(void *closure, const unsigned char *data, unsigned int len)
{
    cp_strbuf_add(closure, data, len);
    return CAIRO_STATUS_SUCCESS;
}

static void iso_date(time_t t, char *buf, size_t n)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Draws every page with cairo into memory. */
static bool draw(const cp_doc *doc, const cp_pdf_meta *meta, cp_strbuf *pdf, cp_diags *d)
{
    if (doc->n_pages == 0) {
        cp_error(d, (cp_pos){NULL, 0, 0}, "nothing to write: the document has no pages");
        return false;
    }
    const cp_page *p0 = &doc->pages[0];
    double m0 = 2 * (p0->bleed + p0->slug);
    cairo_surface_t *s =
        cairo_pdf_surface_create_for_stream(to_buffer, pdf, p0->trim_w + m0, p0->trim_h + m0);
    cairo_pdf_surface_restrict_to_version(s, CAIRO_PDF_VERSION_1_5);
    if (meta->title)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, meta->title);
    if (meta->author)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, meta->author);
    if (meta->creator)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, meta->creator);
    char date[32];
    iso_date(meta->date, date, sizeof date);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, date);
    cairo_t *cr = cairo_create(s);
    cp_render_cache *rc = cp_render_cache_new();
    cp_render_opts opts = {
        .raster = false, .colours = meta->colours, .max_ppi = meta->max_image_ppi};
    bool ok = true;
    for (size_t i = 0; i < doc->n_pages && ok; i++) {
        const cp_page *p = &doc->pages[i];
        double m = 2 * (p->bleed + p->slug);
        cairo_pdf_surface_set_size(s, p->trim_w + m, p->trim_h + m);
        ok = cp_render_page(cr, p, &opts, rc, d);
        cairo_show_page(cr);
        if (ok && cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
            cp_error(d, (cp_pos){NULL, 0, 0}, "cairo failed on page %zu: %s", i + 1,
                     cairo_status_to_string(cairo_status(cr)));
            ok = false;
        }
    }
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_status_t st = cairo_surface_status(s);
    if (ok && st != CAIRO_STATUS_SUCCESS) {
        cp_error(d, (cp_pos){NULL, 0, 0}, "cairo could not finish the PDF: %s",
                 cairo_status_to_string(st));
        ok = false;
    }
    cairo_surface_destroy(s);
    cp_render_cache_free(rc);
    return ok;
}

static bool to_outfile(void *ctx, const void *data, size_t len, cp_diags *d)
{
    return cp_outfile_write(ctx, data, len, d);
}

bool cp_pdf_write(cp_outset *s, const char *name, const cp_doc *doc, const cp_pdf_meta *meta,
                  cp_pdf_written *out, cp_diags *d)
{
    memset(out, 0, sizeof *out);
    cp_outfile *f = cp_outset_add(s, name, d);
    if (!f)
        return false;
    cp_strbuf pdf;
    cp_strbuf_init(&pdf);
    bool ok = draw(doc, meta, &pdf, d) &&
              cp_pdf_postprocess(pdf.data, pdf.len, doc, meta, to_outfile, f, &out->pages, d);
    cp_strbuf_finish(&pdf);
    out->bytes = ok ? cp_outfile_size(f) : 0;
    return ok;
}

static bool to_strbuf(void *ctx, const void *data, size_t len, cp_diags *d)
{
    (void)d;
    cp_strbuf_add(ctx, data, len);
    return true;
}

bool cp_pdf_make(const cp_doc *doc, const cp_pdf_meta *meta, cp_strbuf *out, int *pages,
                 cp_diags *d)
{
    cp_strbuf pdf;
    cp_strbuf_init(&pdf);
    bool ok = draw(doc, meta, &pdf, d) &&
              cp_pdf_postprocess(pdf.data, pdf.len, doc, meta, to_strbuf, out, pages, d);
    cp_strbuf_finish(&pdf);
    return ok;
}
