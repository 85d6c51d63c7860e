/* The pdf layer's colour pass over whole pages (inks.c): a page, the form XObject and the tiling
 * pattern it paints are rewritten with inks, their transparency groups blend in CMYK, black text
 * in a form gets the overprint state in the form's own resources.
 * usage: test_inks FOGRA39L.icc */
#include "harness.h"
#include "image/colour.h"
#include "pdf/inks.h"

#include <stdio.h>
#include <stdlib.h>

/* A small PDF: objects (a dictionary, and a stream's data or NULL), with the stream lengths and
 * the cross-reference table computed here. */
static char *make_pdf(size_t *len)
{
    static const char *objs[][2] = {
        {"<< /Type /Catalog /Pages 2 0 R", NULL},
        {"<< /Type /Pages /Kids [3 0 R] /Count 1", NULL},
        {"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Contents 4 0 R "
         "/Group << /Type /Group /S /Transparency /CS /DeviceRGB >> "
         "/Resources << /XObject << /Fm1 5 0 R /Fm2 5 0 R >> /Pattern << /P1 6 0 R >> >>",
         NULL},
        {"<<", "q /Fm1 Do Q 0.002 0 0.5 rg 0 0 9 9 re f /Pattern cs /P1 scn 0 0 5 5 re f\n"},
        {"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] "
         "/Group << /Type /Group /S /Transparency /CS /DeviceRGB >> /Resources << >>",
         "0.001 0 0.5 rg BT /F1 9 Tf (a) Tj ET\n"},
        {"<< /Type /Pattern /PatternType 1 /PaintType 1 /TilingType 1 /BBox [0 0 4 4] "
         "/XStep 4 /YStep 4 /Resources << >>",
         "0.002 0 0.5 RG 0 0 m S\n"},
    };
    size_t n = sizeof objs / sizeof *objs, off[8], cap = 8192, at = 0;
    char *buf = malloc(cap);
    at += (size_t)snprintf(buf + at, cap - at, "%%PDF-1.6\n");
    for (size_t i = 0; i < n; i++) {
        off[i] = at;
        if (objs[i][1])
            at += (size_t)snprintf(buf + at, cap - at,
                                   "%zu 0 obj\n%s /Length %zu >>\nstream\n%sendstream\nendobj\n",
                                   i + 1, objs[i][0], strlen(objs[i][1]), objs[i][1]);
        else
            at += (size_t)snprintf(buf + at, cap - at, "%zu 0 obj\n%s >>\nendobj\n", i + 1,
                                   objs[i][0]);
    }
    size_t xref = at;
    at += (size_t)snprintf(buf + at, cap - at, "xref\n0 %zu\n0000000000 65535 f \n", n + 1);
    for (size_t i = 0; i < n; i++)
        at += (size_t)snprintf(buf + at, cap - at, "%010zu 00000 n \n", off[i]);
    at += (size_t)snprintf(buf + at, cap - at,
                           "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", n + 1,
                           xref);
    *len = at;
    return buf;
}

static char *stream_text(qpdf_data q, qpdf_oh s)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    QPDF_BOOL filtered = QPDF_FALSE;
    qpdf_oh_get_stream_data(q, s, qpdf_dl_generalized, &filtered, &buf, &len);
    char *t = malloc(len + 1);
    memcpy(t, buf, len);
    t[len] = '\0';
    free(buf);
    return t;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_inks FOGRA39L.icc\n");
        return 2;
    }
    cp_diags d;
    cp_diags_init(&d);
    cp_profile *p = cp_profile_load(argv[1], cp_pos_file(argv[1]), &d);
    CHECK(p != NULL, "the FOGRA39 profile loads");
    if (!p)
        return cp_test_summary("unit/inks");
    cp_colours *cv = cp_colours_new(p, NULL, &d);
    cp_colours_set_keys(cv, true);
    double rgb[3];
    cp_color black = {.k = 1, .cmyk = true}, accent = {.m = 0.8, .y = 0.85, .k = 0.4, .cmyk = true};
    cp_colours_draw(cv, &black, rgb);  /* key 0.001 0 0.5 */
    cp_colours_draw(cv, &accent, rgb); /* key 0.002 0 0.5 */
    CHECK(rgb[0] == 0.002 && rgb[1] == 0 && rgb[2] == 0.5, "the second key is 0.002 0 0.5");

    size_t len;
    char *pdf = make_pdf(&len);
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    CHECK(qpdf_read_memory(q, "test", pdf, len, NULL) == QPDF_SUCCESS,
          "qpdf reads the PDF without a warning");
    cp_pdf_inks *k = cp_pdf_inks_new(q, NULL, NULL, cv, &d);
    qpdf_oh page = qpdf_get_page_n(q, 0);
    CHECK(cp_pdf_inks_page(k, page, 1), "the pass succeeds");
    CHECK_INT(d.n_errors, 0);

    qpdf_oh contents = qpdf_oh_get_key(q, page, "/Contents");
    char *t = stream_text(q, contents);
    CHECK_STR(t, "q /Fm1 Do Q 0 0.8 0.85 0.4 k 0 0 9 9 re f /Pattern cs /P1 scn 0 0 5 5 re f\n");
    free(t);
    qpdf_oh res = qpdf_oh_get_key(q, page, "/Resources");
    qpdf_oh form = qpdf_oh_get_key(q, qpdf_oh_get_key(q, res, "/XObject"), "/Fm1");
    t = stream_text(q, form);
    CHECK_STR(t, "0 0 0 1 k BT /F1 9 Tf /CPop gs\n(a) Tj ET\n");
    free(t);
    qpdf_oh fd = qpdf_oh_get_dict(q, form);
    CHECK_STR(qpdf_oh_unparse(q, qpdf_oh_get_key(q, qpdf_oh_get_key(q, fd, "/Group"), "/CS")),
              "/DeviceCMYK");
    CHECK_STR(qpdf_oh_get_name(q, qpdf_oh_get_key(q, qpdf_oh_get_key(q, page, "/Group"), "/CS")),
              "/DeviceCMYK");
    qpdf_oh gs = qpdf_oh_get_key(
        q, qpdf_oh_get_key(q, qpdf_oh_get_key(q, fd, "/Resources"), "/ExtGState"), "/CPop");
    CHECK(qpdf_oh_is_dictionary(q, gs), "the form's resources hold /CPop");
    CHECK_STR(qpdf_oh_unparse(q, qpdf_oh_get_key(q, gs, "/op")), "true");
    CHECK_STR(qpdf_oh_unparse(q, qpdf_oh_get_key(q, gs, "/OPM")), "1");
    qpdf_oh pat = qpdf_oh_get_key(q, qpdf_oh_get_key(q, res, "/Pattern"), "/P1");
    t = stream_text(q, pat);
    CHECK_STR(t, "0 0.8 0.85 0.4 K 0 0 m S\n");
    free(t);

    cp_pdf_inks_free(k);
    qpdf_cleanup(&q);
    free(pdf);
    cp_colours_free(cv);
    cp_profile_free(p);
    cp_diags_finish(&d);
    return cp_test_summary("unit/inks");
}
