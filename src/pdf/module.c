/* The entry of the module calpress-pdf.so (internal.h: cp_pdf_post_api). */
#include "pdf/internal.h"

const cp_pdf_post_api *cp_pdf_post_api_get(void)
{
    static const cp_pdf_post_api api = {
        .postprocess = cp_pdf_postprocess,
        .postprocess_drawn = cp_pdf_postprocess_drawn,
        .patch = cp_pdf_patch,
    };
    return &api;
}
