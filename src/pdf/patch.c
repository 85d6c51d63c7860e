/* watch's fast path: a PDF written earlier for an older version of a document, with only the
 * pages that differ made again (cairo, then the usual post-processing, for those pages alone)
 * and put in place of the old ones with qpdf. */
#define _POSIX_C_SOURCE 200809L
#include "base/util.h"
#include "pdf/pdf.h"

#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool qpdf_ok(qpdf_data q, const char *path, const char *what, cp_diags *d)
{
    if (!qpdf_has_error(q))
        return true;
    qpdf_error e = qpdf_get_error(q);
    cp_error(d, cp_pos_file(path), "%s: %s", what, qpdf_get_error_full_text(q, e));
    return false;
}

/* Puts page j of `from` in place of page i of q. */
static bool replace_page(qpdf_data q, qpdf_data from, int i, int j)
{
    qpdf_oh old = qpdf_get_page_n(q, (size_t)i);
    qpdf_oh page = qpdf_get_page_n(from, (size_t)j);
    if (qpdf_add_page_at(q, from, page, QPDF_TRUE, old) & QPDF_ERRORS)
        return false;
    return !(qpdf_remove_page(q, old) & QPDF_ERRORS);
}

/* Writes q beside path. The /ID keeps its first part (the document's) and gets a new second
 * part: a patched proof is not byte-for-byte a render's, and need not hash every byte again. */
static char *write_beside(qpdf_data q, const char *path, cp_diags *d)
{
    const char *slash = strrchr(path, '/');
    size_t dl = slash ? (size_t)(slash - path + 1) : 0, n = strlen(path) + 16;
    char *tmp = cp_xmalloc(n);
    snprintf(tmp, n, "%.*s.%s.XXXXXX", (int)dl, path, slash ? slash + 1 : path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        cp_error(d, cp_pos_file(path), "cannot create a temporary file beside it");
        free(tmp);
        return NULL;
    }
    close(fd);
    mode_t mask = umask(0);
    umask(mask);
    chmod(tmp, 0666 & ~mask);
    bool ok = !(qpdf_init_write(q, tmp) & QPDF_ERRORS);
    if (ok) {
        qpdf_set_object_stream_mode(q, qpdf_o_disable);
        qpdf_set_stream_data_mode(q, qpdf_s_preserve);
        qpdf_force_pdf_version(q, "1.6");
        ok = !(qpdf_write(q) & QPDF_ERRORS);
    }
    if (!ok) {
        qpdf_ok(q, path, "cannot write the PDF", d);
        unlink(tmp);
        free(tmp);
        return NULL;
    }
    return tmp;
}

/* The pages of doc marked in `changed`, as a document of their own (sharing their items). */
static void changed_pages(const cp_doc *doc, const bool *changed, cp_doc *sub)
{
    cp_doc_init(sub);
    sub->title = doc->title;
    sub->pages = cp_xcalloc(doc->n_pages ? doc->n_pages : 1, sizeof *sub->pages);
    for (size_t i = 0; i < doc->n_pages; i++)
        if (changed[i])
            sub->pages[sub->n_pages++] = doc->pages[i];
}

bool cp_pdf_prepare_patch(const cp_doc *doc, const bool *changed, const char *base,
                          const char *path, const cp_pdf_meta *meta, cp_pdf_out *out, cp_diags *d)
{
    memset(out, 0, sizeof *out);
    cp_doc sub;
    changed_pages(doc, changed, &sub);
    cp_pdf_out fresh = {0};
    bool ok = sub.n_pages == 0 || cp_pdf_prepare(&sub, path, meta, &fresh, d);
    free(sub.pages); /* the items are doc's */
    if (!ok)
        return false;
    qpdf_data q = qpdf_init(), from = qpdf_init();
    qpdf_silence_errors(q);
    qpdf_silence_errors(from);
    ok = !(qpdf_read(q, base, NULL) & QPDF_ERRORS) && qpdf_ok(q, base, "cannot read", d);
    if (ok && qpdf_get_num_pages(q) != (int)doc->n_pages) {
        cp_error(d, cp_pos_file(base), "has %d pages, expected %zu", qpdf_get_num_pages(q),
                 doc->n_pages);
        ok = false;
    }
    if (ok && fresh.tmp_path) {
        ok = !(qpdf_read(from, fresh.tmp_path, NULL) & QPDF_ERRORS) &&
             qpdf_ok(from, fresh.tmp_path, "cannot read", d);
        for (size_t i = 0, j = 0; ok && i < doc->n_pages; i++)
            if (changed[i])
                ok = replace_page(q, from, (int)i, (int)j++) &&
                     qpdf_ok(q, path, "cannot replace a page", d);
        /* The document information and the metadata (dates, the instance ID) are the new
         * pages' file's, made from the same meta. */
        qpdf_oh md = qpdf_oh_get_key(from, qpdf_get_root(from), "/Metadata");
        if (ok && qpdf_oh_is_stream(from, md))
            qpdf_oh_replace_key(q, qpdf_get_root(q), "/Metadata",
                                qpdf_oh_copy_foreign_object(q, from, md));
        qpdf_oh info = qpdf_oh_get_key(from, qpdf_get_trailer(from), "/Info");
        if (ok && qpdf_oh_is_dictionary(from, info))
            qpdf_oh_replace_key(q, qpdf_get_trailer(q), "/Info",
                                qpdf_oh_copy_foreign_object(q, from, info));
        ok = ok && qpdf_ok(q, path, "cannot copy the metadata", d);
    }
    char *tmp = ok ? write_beside(q, path, d) : NULL;
    qpdf_cleanup(&q);
    qpdf_cleanup(&from);
    cp_pdf_discard(&fresh);
    struct stat st;
    if (!tmp || stat(tmp, &st) != 0) {
        if (tmp)
            unlink(tmp);
        free(tmp);
        return false;
    }
    out->path = cp_xstrdup(path);
    out->tmp_path = tmp;
    out->pages = (int)doc->n_pages;
    out->bytes = (size_t)st.st_size;
    return true;
}
