/* PDF output: cairo's PDF surface, then libqpdf for page boxes, metadata and a deterministic ID,
 * written atomically so the previous PDF survives any failure. */
#ifndef CP_PDF_H
#define CP_PDF_H

#include <stdbool.h>
#include <time.h>

#include "base/diag.h"
#include "image/colour.h"
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
    /* The run's colours for the output intent (borrowed, required): its profile is embedded, and
     * under a CMYK intent it is in key mode and the vector colours become its inks. */
    cp_colours *colours;
    const cp_profile *profile; /* the output intent's profile (borrowed, required) */
    bool pdfx;                 /* claim PDF/X-4 (the profile describes a printing condition) */
} cp_pdf_meta;

/* A finished PDF in memory, ready to be committed to its path. */
typedef struct cp_pdf_out {
    char *path;     /* final path */
    char *tmp_path; /* the complete temporary file beside it */
    int pages;
    size_t bytes;
} cp_pdf_out;

/* Renders doc and post-processes it into a temporary file beside path (same folder, so the
 * rename is atomic). Nothing at path is touched. Returns false with diagnostics on failure, and
 * then leaves no temporary file. */
bool cp_pdf_prepare(const cp_doc *doc, const char *path, const cp_pdf_meta *meta, cp_pdf_out *out,
                    cp_diags *d);
/* Renames the temporary file over the final path. */
bool cp_pdf_commit(cp_pdf_out *out, cp_diags *d);
/* Removes the temporary file (if any) and releases out. Safe after commit. */
void cp_pdf_discard(cp_pdf_out *out);

/* Internal to the pdf layer: cairo's bytes -> post-processed file at tmp_path. */
bool cp_pdf_postprocess(const char *pdf, size_t len, const cp_doc *doc, const cp_pdf_meta *meta,
                        const char *tmp_path, int *pages, cp_diags *d);

#endif
