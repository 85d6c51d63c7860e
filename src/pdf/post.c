/* Post-processing cairo's PDF with libqpdf: page boxes, document info, a deterministic ID. */
#define _POSIX_C_SOURCE 200809L
#include "pdf/pdf.h"

#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <string.h>

static qpdf_oh box(qpdf_data q, double x0, double y0, double x1, double y1)
{
    qpdf_oh a = qpdf_oh_new_array(q);
    double v[4] = {x0, y0, x1, y1};
    for (int i = 0; i < 4; i++)
        qpdf_oh_append_item(q, a, qpdf_oh_new_real_from_double(q, v[i], 4));
    return a;
}

static void pdf_date(time_t t, char *buf, size_t n)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "D:%Y%m%d%H%M%S+00'00'", &tm);
}

static bool report(qpdf_data q, cp_diags *d, const char *what)
{
    if (!qpdf_has_error(q))
        return true;
    qpdf_error e = qpdf_get_error(q);
    cp_error(d, (cp_pos){NULL, 0, 0}, "%s: %s", what, qpdf_get_error_full_text(q, e));
    return false;
}

bool cp_pdf_postprocess(const char *pdf, size_t len, const cp_doc *doc, const cp_pdf_meta *meta,
                        const char *tmp_path, int *pages, cp_diags *d)
{
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    bool ok = false;
    if (qpdf_read_memory(q, "cairo output", pdf, len, NULL) & QPDF_ERRORS) {
        report(q, d, "cannot read cairo's PDF");
        goto done;
    }
    int n = qpdf_get_num_pages(q);
    if (n != (int)doc->n_pages) {
        cp_error(d, (cp_pos){NULL, 0, 0}, "cairo wrote %d pages, expected %zu", n, doc->n_pages);
        goto done;
    }
    /* Boxes: MediaBox = trim + bleed + slug; BleedBox = trim + bleed; TrimBox = the trim. */
    for (int i = 0; i < n; i++) {
        const cp_page *p = &doc->pages[i];
        qpdf_oh page = qpdf_get_page_n(q, (size_t)i);
        double o = p->slug + p->bleed, b = p->slug;
        double mw = p->trim_w + 2 * o, mh = p->trim_h + 2 * o;
        qpdf_oh_replace_key(q, page, "/MediaBox", box(q, 0, 0, mw, mh));
        qpdf_oh_remove_key(q, page, "/CropBox");
        qpdf_oh_replace_key(q, page, "/BleedBox", box(q, b, b, mw - b, mh - b));
        qpdf_oh_replace_key(q, page, "/TrimBox", box(q, o, o, mw - o, mh - o));
    }
    char date[40];
    pdf_date(meta->date, date, sizeof date);
    qpdf_oh info = qpdf_oh_new_dictionary(q);
    if (meta->title)
        qpdf_oh_replace_key(q, info, "/Title", qpdf_oh_new_unicode_string(q, meta->title));
    if (meta->author)
        qpdf_oh_replace_key(q, info, "/Author", qpdf_oh_new_unicode_string(q, meta->author));
    if (meta->subject)
        qpdf_oh_replace_key(q, info, "/Subject", qpdf_oh_new_unicode_string(q, meta->subject));
    if (meta->keywords)
        qpdf_oh_replace_key(q, info, "/Keywords", qpdf_oh_new_unicode_string(q, meta->keywords));
    if (meta->creator) {
        qpdf_oh_replace_key(q, info, "/Creator", qpdf_oh_new_unicode_string(q, meta->creator));
        qpdf_oh_replace_key(q, info, "/Producer", qpdf_oh_new_unicode_string(q, meta->creator));
    }
    qpdf_oh_replace_key(q, info, "/CreationDate", qpdf_oh_new_string(q, date));
    qpdf_oh_replace_key(q, info, "/ModDate", qpdf_oh_new_string(q, date));
    qpdf_oh_replace_key(q, info, "/Trapped", qpdf_oh_new_name(q, "/False"));
    qpdf_oh_replace_key(q, qpdf_get_trailer(q), "/Info", qpdf_make_indirect_object(q, info));
    qpdf_oh root = qpdf_get_root(q);
    if (meta->lang)
        qpdf_oh_replace_key(q, root, "/Lang", qpdf_oh_new_string(q, meta->lang));
    if (!report(q, d, "cannot edit the PDF"))
        goto done;

    if (qpdf_init_write(q, tmp_path) & QPDF_ERRORS) {
        report(q, d, "cannot write the PDF");
        goto done;
    }
    qpdf_set_deterministic_ID(q, QPDF_TRUE);
    qpdf_set_object_stream_mode(q, qpdf_o_disable);
    qpdf_set_stream_data_mode(q, qpdf_s_preserve);
    qpdf_force_pdf_version(q, "1.6");
    if (qpdf_write(q) & QPDF_ERRORS) {
        report(q, d, "cannot write the PDF");
        goto done;
    }
    *pages = n;
    ok = true;
done:
    qpdf_cleanup(&q);
    return ok;
}
