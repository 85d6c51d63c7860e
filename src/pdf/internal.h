/* Internal to the pdf layer (and its tests): the steps cp_pdf_write and cp_pdf_write_patch are
 * made of. */
#ifndef CP_PDF_INTERNAL_H
#define CP_PDF_INTERNAL_H

#include "base/strbuf.h"
#include "pdf/pdf.h"

/* Where cp_pdf_postprocess sends the finished bytes: false after reporting a write error. */
typedef bool (*cp_pdf_sink)(void *ctx, const void *data, size_t len, cp_diags *d);

/* cairo's bytes -> the post-processed PDF (page boxes, output intent, inks, metadata, ID),
 * handed to sink; *pages is its page count. */
bool cp_pdf_postprocess(const char *pdf, size_t len, const cp_doc *doc, const cp_pdf_meta *meta,
                        cp_pdf_sink sink, void *sink_ctx, int *pages, cp_diags *d);

/* doc drawn with cairo and post-processed, the finished PDF appended to out (initialised by the
 * caller); *pages is its page count. False after reporting. */
bool cp_pdf_make(const cp_doc *doc, const cp_pdf_meta *meta, cp_strbuf *out, int *pages,
                 cp_diags *d);

#endif
