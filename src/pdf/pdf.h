/* PDF output: cairo's PDF surface, then libqpdf for page boxes, metadata and a deterministic ID,
 * written atomically so the previous PDF survives any failure. */
#ifndef CP_PDF_H
#define CP_PDF_H

#include <stdbool.h>
#include <time.h>

#include "base/diag.h"
#include "layout/display.h"
#include "layout/neverprint.h"

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
    /* Screen PDFs and sheets: photos above this resolution where placed are resampled to it
     * (as JPEG); 0 embeds every photo as it is (print). */
    double max_image_ppi;
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

/* Reads and checks the output intent's ICC profile (meta->icc_path, or sRGB): returns its number
 * of components (1, 3 or 4), or 0 after reporting an error. */
int cp_pdf_profile_components(const cp_pdf_meta *meta, cp_diags *d);

/* The name the output intent gives its printing condition (OutputConditionIdentifier,
 * OutputCondition and Info): meta->icc_condition, else the profile's file name without its
 * folder, else "sRGB IEC61966-2.1". Borrowed from meta or static. */
const char *cp_pdf_condition_name(const cp_pdf_meta *meta);

/* Adds the strings the PDF carries outside its pages (Info, XMP, the output intent's name and
 * the language) to a never-print check (layout/neverprint.h). */
void cp_pdf_never_print(cp_np_check *c, const cp_pdf_meta *meta, const char *pdf_name);

/* Internal to the pdf layer: the stand-ins of PNG photos (image/pngpass.h) in cairo's PDF get
 * the PNGs' own compressed data (pngswap.c). q is a qpdf_data; false after an error. */
struct _qpdf_data;
bool cp_pdf_swap_pngs(struct _qpdf_data *q, const cp_doc *doc, cp_diags *d);

/* Internal to the pdf layer: cairo's bytes -> post-processed file at tmp_path. */
bool cp_pdf_postprocess(const char *pdf, size_t len, const cp_doc *doc, const cp_pdf_meta *meta,
                        const char *tmp_path, int *pages, cp_diags *d);

#endif
