/* The qpdf part of the PDF pass (internal.h: cp_pdf_post_api), loaded on first use from the
 * module calpress-pdf.so. */
#include "base/module.h"
#include "pdf/internal.h"

#include <string.h>

const cp_pdf_post_api *cp_pdf_post(cp_diags *d)
{
    static cp_module_entry module = {.file = CP_PDF_MODULE, .entry = CP_PDF_MODULE_ENTRY};
    void *sym = cp_module_entry_get(&module);
    const cp_pdf_post_api *(*get)(void);
    memcpy(&get, &sym, sizeof get);
    if (!get)
        cp_error(d, (cp_pos){NULL, 0, 0}, "cannot write PDF: %s", module.why);
    return get ? get() : NULL;
}

bool cp_pdf_write_patch(cp_outset *s, const char *name, const cp_doc *doc, const bool *changed,
                        const cp_pdf_meta *meta, cp_pdf_written *out, cp_diags *d)
{
    const cp_pdf_post_api *post = cp_pdf_post(d);
    if (!post) {
        memset(out, 0, sizeof *out);
        return false;
    }
    return post->patch(s, name, doc, changed, meta, out, d);
}
