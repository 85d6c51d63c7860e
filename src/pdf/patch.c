/* watch's fast path: a PDF written earlier for an older version of a document, with only the
 * pages that differ made again (cairo, then the usual post-processing, for those pages alone)
 * and put in place of the old ones with qpdf. */
#define _POSIX_C_SOURCE 200809L
#include "base/hash.h"
#include "base/util.h"
#include "pdf/internal.h"

#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Writes q into f. The /ID keeps its first part (the document's) and gets a new second part, a
 * hash of the old /ID, of which of the n pages were drawn again and of their bytes: a patched
 * proof is not byte for byte a render's, and need not hash every byte again. */
static bool write_into(qpdf_data q, const bool *changed, size_t n, const cp_strbuf *fresh,
                       cp_outfile *f, cp_diags *d)
{
    cp_hasher h;
    cp_hasher_init(&h);
    cp_hasher_str(&h, qpdf_oh_unparse(q, qpdf_oh_get_key(q, qpdf_get_trailer(q), "/ID")));
    cp_hasher_u64(&h, n);
    for (size_t i = 0; i < n; i++)
        cp_hasher_u64(&h, changed[i]);
    cp_hasher_bytes(&h, fresh->data, fresh->len);
    unsigned char id[16];
    cp_hasher_digest128(&h, id);
    cp_hasher_finish(&h);
    char id_hex[33];
    for (int i = 0; i < 16; i++)
        snprintf(id_hex + 2 * i, 3, "%02x", id[i]);
    return cp_pdf_write_into(q, id_hex, f, d);
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

/* Puts the pages of `fresh` (the changed pages, in order) in place of base's marked ones, and
 * takes fresh's document information and metadata. */
static bool patch_pages(qpdf_data q, qpdf_data from, const bool *changed, size_t n,
                        const char *path, cp_diags *d)
{
    bool ok = true;
    for (size_t i = 0, j = 0; ok && i < n; i++)
        if (changed[i])
            ok = replace_page(q, from, (int)i, (int)j++) &&
                 qpdf_ok(q, path, "cannot replace a page", d);
    /* The document information and the metadata (dates, the instance ID) are the new pages'
     * file's, made from the same meta. */
    qpdf_oh md = qpdf_oh_get_key(from, qpdf_get_root(from), "/Metadata");
    if (ok && qpdf_oh_is_stream(from, md))
        qpdf_oh_replace_key(q, qpdf_get_root(q), "/Metadata",
                            qpdf_oh_copy_foreign_object(q, from, md));
    qpdf_oh info = qpdf_oh_get_key(from, qpdf_get_trailer(from), "/Info");
    if (ok && qpdf_oh_is_dictionary(from, info))
        qpdf_oh_replace_key(q, qpdf_get_trailer(q), "/Info",
                            qpdf_oh_copy_foreign_object(q, from, info));
    return ok && qpdf_ok(q, path, "cannot copy the metadata", d);
}

bool cp_pdf_patch(cp_outset *s, const char *name, const cp_doc *doc, const bool *changed,
                  const cp_pdf_meta *meta, cp_pdf_written *out, cp_diags *d)
{
    memset(out, 0, sizeof *out);
    cp_outfile *f = cp_outset_add(s, name, d);
    if (!f)
        return false;
    const char *path = cp_outfile_path(f); /* the old file, until the set is committed */
    cp_doc sub;
    changed_pages(doc, changed, &sub);
    cp_strbuf fresh;
    cp_strbuf_init(&fresh);
    int n_fresh = 0;
    bool ok = sub.n_pages == 0 || cp_pdf_make(&sub, meta, &fresh, &n_fresh, d);
    free(sub.pages); /* the items are doc's */
    qpdf_data q = qpdf_init(), from = qpdf_init();
    qpdf_silence_errors(q);
    qpdf_silence_errors(from);
    ok = ok && !(qpdf_read(q, path, NULL) & QPDF_ERRORS) && qpdf_ok(q, path, "cannot read", d);
    if (ok && qpdf_get_num_pages(q) != (int)doc->n_pages) {
        cp_error(d, cp_pos_file(path), "has %d pages, expected %zu", qpdf_get_num_pages(q),
                 doc->n_pages);
        ok = false;
    }
    if (ok && sub.n_pages)
        ok = !(qpdf_read_memory(from, "the pages drawn again", fresh.data, fresh.len, NULL) &
               QPDF_ERRORS) &&
             qpdf_ok(from, path, "cannot read the pages drawn again", d) &&
             patch_pages(q, from, changed, doc->n_pages, path, d);
    ok = ok && write_into(q, changed, doc->n_pages, &fresh, f, d);
    qpdf_cleanup(&q);
    qpdf_cleanup(&from);
    cp_strbuf_finish(&fresh);
    out->pages = ok ? (int)doc->n_pages : 0;
    out->bytes = ok ? cp_outfile_size(f) : 0;
    out->hash = ok ? cp_outfile_hash(f) : 0;
    return ok;
}
