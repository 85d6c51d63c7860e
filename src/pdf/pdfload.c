/* The qpdf part of the PDF pass (internal.h: cp_pdf_post_api), loaded on first use from the
 * module calpress-pdf.so. */
#include "base/module.h"
#include "pdf/internal.h"

#include <limits.h>
#include <string.h>

const cp_pdf_post_api *cp_pdf_post(cp_diags *d)
{
    static const cp_pdf_post_api *api;
    static bool tried;
    static char why[PATH_MAX + 128];
    if (!tried) {
        tried = true;
        void *sym = cp_module_symbol(CP_PDF_MODULE, CP_PDF_MODULE_ENTRY, why, sizeof why);
        const cp_pdf_post_api *(*get)(void);
        memcpy(&get, &sym, sizeof get);
        api = get ? get() : NULL;
    }
    if (!api)
        cp_error(d, (cp_pos){NULL, 0, 0}, "cannot write PDF: %s", why);
    return api;
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
