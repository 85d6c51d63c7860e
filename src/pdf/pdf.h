/* PDF output: cairo's PDF surface, then libqpdf for page boxes, metadata and a deterministic ID,
 * made in memory and written through an output set (base/outfile.h), so the previous PDF
 * survives any failure. */
#ifndef CP_PDF_H
#define CP_PDF_H

#include <stdbool.h>
#include <time.h>

#include "base/diag.h"
#include "base/outfile.h"
#include "layout/display.h"

typedef struct cp_pdf_meta {
    const char *title, *author, *subject, *keywords;
    const char *creator; /* "calpress 0.1.0" */
    time_t date;         /* CreationDate and ModDate */
    const char *lang;    /* document language, e.g. "en" */
    /* The output intent: an ICC profile file and the printing condition it stands for
     * ("FOGRA39"); NULL for sRGB from icc-profiles-free. */
    const char *icc_path;
    const char *icc_condition;
    cp_pos icc_pos; /* where the profile was named, for diagnostics */
} cp_pdf_meta;

/* What cp_pdf_write wrote. */
typedef struct cp_pdf_written {
    int pages;
    size_t bytes;
} cp_pdf_written;

/* Renders doc with cairo, post-processes it with qpdf (both in memory) and writes it as the file
 * name of the output set s; cp_outset_commit then puts it in place with the set's other files
 * (see base/outfile.h). Nothing at the final path is touched here. Returns false with
 * diagnostics on failure. */
bool cp_pdf_write(cp_outset *s, const char *name, const cp_doc *doc, const cp_pdf_meta *meta,
                  cp_pdf_written *out, cp_diags *d);

/* Reads and checks the output intent's ICC profile (meta->icc_path, or sRGB): returns its number
 * of components (1, 3 or 4), or 0 after reporting an error. */
int cp_pdf_profile_components(const cp_pdf_meta *meta, cp_diags *d);

/* Where cp_pdf_postprocess sends the finished bytes: false after reporting a write error. */
typedef bool (*cp_pdf_sink)(void *ctx, const void *data, size_t len, cp_diags *d);

/* Internal to the pdf layer: cairo's bytes -> the post-processed PDF, handed to sink. */
bool cp_pdf_postprocess(const char *pdf, size_t len, const cp_doc *doc, const cp_pdf_meta *meta,
                        cp_pdf_sink sink, void *sink_ctx, int *pages, cp_diags *d);

#endif
