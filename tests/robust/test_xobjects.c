/* walk_xobjects (src/pdf/post.c) must reach every XObject of a page, however many: a page whose
 * content paints 300 transparency groups (300 form XObjects) is post-processed with a grey output
 * intent, and every form must then carry /DefaultRGB. It used to stop silently after 256. */
#define _POSIX_C_SOURCE 200809L
#include "../unit/harness.h"
#include "base/diag.h"
#include "base/strbuf.h"
#include "layout/display.h"
#include "pdf/pdf.h"

#include <cairo-pdf.h>
#include <qpdf/qpdf-c.h>
#include <stdlib.h>

#define N_FORMS 300

static cairo_status_t to_buffer(void *closure, const unsigned char *data, unsigned int len)
{
    cp_strbuf_add(closure, data, len);
    return CAIRO_STATUS_SUCCESS;
}

static bool to_strbuf(void *ctx, const void *data, size_t len, cp_diags *d)
{
    cp_strbuf_add(ctx, data, len);
    return true;
}

/* A one-page PDF whose page paints n groups at half opacity, each its own form XObject. */
static void groups_pdf(cp_strbuf *pdf, int n, double w, double h)
{
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_buffer, pdf, w, h);
    cairo_t *cr = cairo_create(s);
    for (int i = 0; i < n; i++) {
        cairo_push_group(cr);
        cairo_set_source_rgb(cr, (i % 7) / 7.0, (i % 5) / 5.0, (i % 3) / 3.0);
        cairo_rectangle(cr, (i % 20) * 10, (i / 20) * 10, 8 + i % 2, 8);
        cairo_fill(cr);
        cairo_pop_group_to_source(cr);
        cairo_paint_with_alpha(cr, 0.5);
    }
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_surface_destroy(s);
}

/* Counts the page's form XObjects, and those with /DefaultRGB in their colour spaces. */
static void count_forms(qpdf_data q, int *forms, int *with_default)
{
    *forms = *with_default = 0;
    qpdf_oh page = qpdf_get_page_n(q, 0);
    qpdf_oh xo = qpdf_oh_get_key(q, qpdf_oh_get_key(q, page, "/Resources"), "/XObject");
    qpdf_oh keys[4 * N_FORMS];
    int n = 0;
    qpdf_oh_begin_dict_key_iter(q, xo);
    while (qpdf_oh_dict_more_keys(q) && n < 4 * N_FORMS)
        keys[n++] = qpdf_oh_get_key(q, xo, qpdf_oh_dict_next_key(q));
    for (int i = 0; i < n; i++) {
        qpdf_oh dict = qpdf_oh_get_dict(q, keys[i]);
        if (!qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, dict, "/Subtype"), "/Form"))
            continue;
        (*forms)++;
        qpdf_oh cs = qpdf_oh_get_key(q, qpdf_oh_get_key(q, dict, "/Resources"), "/ColorSpace");
        *with_default += qpdf_oh_is_dictionary(q, cs) && qpdf_oh_has_key(q, cs, "/DefaultRGB");
    }
}

int main(void)
{
    const double w = 300, h = 200;
    cp_strbuf pdf;
    cp_strbuf_init(&pdf);
    groups_pdf(&pdf, N_FORMS, w, h);

    cp_doc doc;
    cp_doc_init(&doc);
    cp_doc_add_page(&doc, "test", w, h, 0, 0);
    cp_pdf_meta meta = {.title = "xobjects",
                        .creator = "calpress test",
                        .icc_path = "/usr/share/color/icc/Gray.icc",
                        .icc_condition = "Gray"};
    cp_diags d;
    cp_diags_init(&d);
    cp_strbuf out;
    cp_strbuf_init(&out);
    int pages = 0;
    bool ok = cp_pdf_postprocess(pdf.data, pdf.len, &doc, &meta, to_strbuf, &out, &pages, &d);
    cp_diags_print(&d, stderr);
    CHECK(ok && pages == 1, "post-processing failed (ok %d, pages %d)", ok, pages);

    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    CHECK(!(qpdf_read_memory(q, "post-processed", out.data, out.len, NULL) & QPDF_ERRORS),
          "qpdf cannot read the result");
    int forms = 0, with_default = 0;
    count_forms(q, &forms, &with_default);
    CHECK(forms >= N_FORMS, "cairo made %d forms, expected at least %d", forms, N_FORMS);
    CHECK_INT(with_default, forms);
    qpdf_cleanup(&q);

    cp_strbuf_finish(&out);
    cp_strbuf_finish(&pdf);
    cp_diags_finish(&d);
    cp_doc_finish(&doc);
    return cp_test_summary("robust/xobjects");
}
