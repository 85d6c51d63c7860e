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

/* The stand-ins of PNG photos (image/pngpass.h) in cairo's PDF get the PNGs' own compressed
 * data (pngswap.c). q is a qpdf_data; false after an error. */
struct _qpdf_data;
bool cp_pdf_swap_pngs(struct _qpdf_data *q, const cp_doc *doc, cp_diags *d);

#endif
