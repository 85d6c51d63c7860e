/* Internal to the pdf layer (and its tests): the steps cp_pdf_write and cp_pdf_write_patch are
 * made of. */
#ifndef CP_PDF_INTERNAL_H
#define CP_PDF_INTERNAL_H

#include "base/strbuf.h"
#include "pdf/pdf.h"
#include "pdf/standins.h"

struct _qpdf_data;

/* Where cp_pdf_postprocess sends the finished bytes: false after reporting a write error. */
typedef bool (*cp_pdf_sink)(void *ctx, const void *data, size_t len, cp_diags *d);

/* cairo's bytes -> the post-processed PDF (page boxes, output intent, inks, metadata, ID),
 * handed to sink; *pages is its page count. */
bool cp_pdf_postprocess(const char *pdf, size_t len, const cp_doc *doc, const cp_pdf_meta *meta,
                        cp_pdf_sink sink, void *sink_ctx, int *pages, cp_diags *d);

/* cairo's bytes, in memory (pdf, len) or else in the file path (a name qpdf can open); hash is
 * XXH3-128 of them -> the post-processed PDF, written into f as it is made (the photos' stand-ins
 * filled by fill.cpp, or through stream.c); *pages is its page count. */
bool cp_pdf_postprocess_drawn(const char *pdf, size_t len, const char *path,
                              const unsigned char hash[16], const cp_doc *doc,
                              const cp_pdf_meta *meta, cp_outfile *f, int *pages, cp_diags *d);

/* watch's and reuse's patch of an earlier PDF (cp_pdf_write_patch in pdf.h), with qpdf. */
bool cp_pdf_patch(cp_outset *s, const char *name, const cp_doc *doc, const bool *changed,
                  const cp_pdf_meta *meta, cp_pdf_written *out, cp_diags *d);

/* The part of the PDF pass that needs qpdf (post.c, inks.c, patch.c, pngswap.c, standins.c,
 * stream.c, fill.cpp and recolour.cpp): built into the module calpress-pdf.so, loaded on first use
 * (pdfload.c), so that a run that writes no PDF (check, --version) does not map qpdf and its TLS
 * libraries. The module calls back into the program for everything else (the program exports its
 * symbols). */
typedef struct cp_pdf_post_api {
    bool (*postprocess)(const char *pdf, size_t len, const cp_doc *doc, const cp_pdf_meta *meta,
                        cp_pdf_sink sink, void *sink_ctx, int *pages, cp_diags *d);
    bool (*postprocess_drawn)(const char *pdf, size_t len, const char *path,
                              const unsigned char hash[16], const cp_doc *doc,
                              const cp_pdf_meta *meta, cp_outfile *f, int *pages, cp_diags *d);
    bool (*patch)(cp_outset *s, const char *name, const cp_doc *doc, const bool *changed,
                  const cp_pdf_meta *meta, cp_pdf_written *out, cp_diags *d);
} cp_pdf_post_api;

#define CP_PDF_MODULE       "calpress-pdf.so"
#define CP_PDF_MODULE_ENTRY "cp_pdf_post_api_get"

/* The module's table (module.c); linked in directly by the tests of the pdf layer. */
const cp_pdf_post_api *cp_pdf_post_api_get(void);

/* The table, the module loaded on first use; NULL after reporting why it cannot be loaded. */
const cp_pdf_post_api *cp_pdf_post(cp_diags *d);

/* Hands pdf (qpdf's output with the static ID) to sink with id_hex (32 hex digits) in place of
 * the static ID. False after reporting. */
bool cp_pdf_sink_with_id(const unsigned char *pdf, size_t len, const char id_hex[33],
                         cp_pdf_sink sink, void *ctx, cp_diags *d);

/* Writes q into f through a pipe that a second thread drains into the file with checked writes,
 * replacing the static ID with id_hex; options sets the write options once the output is open.
 * CP_PDF_STREAM_UNAVAILABLE: the pipe could not be opened by name (no /proc), nothing written,
 * no diagnostic: write through memory instead. */
enum { CP_PDF_STREAM_OK, CP_PDF_STREAM_FAILED, CP_PDF_STREAM_UNAVAILABLE };
int cp_pdf_stream_write(struct _qpdf_data *q, void (*options)(struct _qpdf_data *),
                        const char id_hex[33], cp_outfile *f, cp_diags *d);

/* q (a qpdf_data read and edited) written into f as calpress writes every PDF: no object
 * streams, streams as they are, PDF 1.6, and id_hex (32 hex digits) as the second half of the
 * /ID. Streamed (cp_pdf_stream_write), or through memory where that is unavailable. False after
 * reporting. */
bool cp_pdf_write_into(struct _qpdf_data *q, const char id_hex[33], cp_outfile *f, cp_diags *d);

/* An unnamed scratch file in $TMPDIR (else /tmp), gone when closed; -1 after reporting. */
int cp_pdf_scratch(cp_diags *d);

/* doc drawn with cairo and post-processed, the finished PDF appended to out (initialised by the
 * caller); *pages is its page count. False after reporting. */
bool cp_pdf_make(const cp_doc *doc, const cp_pdf_meta *meta, cp_strbuf *out, int *pages,
                 cp_diags *d);

/* The stand-ins of PNG photos (image/pngpass.h) in cairo's PDF get the dictionaries of the PNGs'
 * own compressed data, which the last pass (cp_pdf_fill_standins) writes in (pngswap.c). q is a
 * qpdf_data; false after an error. */
struct cp_pdf_photos;
bool cp_pdf_swap_pngs(struct _qpdf_data *q, const cp_doc *doc, const struct cp_pdf_photos *photos,
                      cp_diags *d);

/* Calls on_holder (if not NULL) for holder, a page or form XObject dictionary, and for every form
 * XObject it paints, and on_image (if not NULL) for every image XObject, however deep (cairo
 * nests forms for groups and patterns); a form that paints itself is walked once. The handles
 * are qpdf_oh of q. An image painted from several forms is visited each time. */
typedef void (*cp_pdf_holder_fn)(struct _qpdf_data *q, unsigned int holder, void *ctx);
typedef void (*cp_pdf_image_fn)(struct _qpdf_data *q, unsigned int image, void *ctx);
void cp_pdf_walk_xobjects(struct _qpdf_data *q, unsigned int holder, cp_pdf_holder_fn on_holder,
                          cp_pdf_image_fn on_image, void *ctx);

#endif
