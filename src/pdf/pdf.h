/* PDF output: cairo's PDF surface, then libqpdf for page boxes, metadata and a deterministic ID,
 * made in memory and written through an output set (base/outfile.h), so the previous PDF
 * survives any failure. */
#ifndef CP_PDF_H
#define CP_PDF_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "base/diag.h"
#include "base/outfile.h"
#include "image/colour.h"
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
    /* The run's colours for the output intent (borrowed, required): its profile is embedded, and
     * under a CMYK intent it is in key mode and the vector colours become its inks. */
    cp_colours *colours;
    const cp_profile *profile; /* the output intent's profile (borrowed, required) */
    bool pdfx;                 /* claim PDF/X-4 (the profile describes a printing condition) */
    /* Screen PDFs and sheets: photos above this resolution where placed are resampled to it
     * (as JPEG); 0 embeds every photo as it is (print). */
    double max_image_ppi;
} cp_pdf_meta;

/* What cp_pdf_write wrote. */
typedef struct cp_pdf_written {
    int pages;
    size_t bytes;
    uint64_t hash; /* of the bytes, as base/hash.h's cp_hash_bytes gives it */
} cp_pdf_written;

/* Renders doc with cairo, post-processes it with qpdf (both in memory) and writes it as the file
 * name of the output set s; cp_outset_commit then puts it in place with the set's other files
 * (see base/outfile.h). Nothing at the final path is touched here. Returns false with
 * diagnostics on failure. */
bool cp_pdf_write(cp_outset *s, const char *name, const cp_doc *doc, const cp_pdf_meta *meta,
                  cp_pdf_written *out, cp_diags *d);

/* watch's fast path: like cp_pdf_write, but starting from the file the set would replace
 * (DIR/name), a PDF this calpress wrote for an earlier version of doc with the same number of
 * pages and the same meta: only the pages marked in `changed` are drawn again and put in place
 * of the old file's, with qpdf, in memory; the document information and metadata are theirs
 * (with no page marked, the old file's stay). The result shows the same pages, but not in the
 * same bytes as cp_pdf_write would write (fonts are subset per page drawn, and the /ID's second
 * part is new). The old file is only read; cp_outset_commit replaces it. */
bool cp_pdf_write_patch(cp_outset *s, const char *name, const cp_doc *doc, const bool *changed,
                        const cp_pdf_meta *meta, cp_pdf_written *out, cp_diags *d);

/* The name the output intent gives its printing condition (OutputConditionIdentifier,
 * OutputCondition and Info): meta->icc_condition, else the profile's file name without its
 * folder, else "sRGB IEC61966-2.1". Borrowed from meta or static. */
const char *cp_pdf_condition_name(const cp_pdf_meta *meta);

/* Adds the strings the PDF carries outside its pages (Info, XMP, the output intent's name and
 * the language) to a never-print check (layout/neverprint.h). */
void cp_pdf_never_print(cp_np_check *c, const cp_pdf_meta *meta, const char *pdf_name);

/* A file about to be written, for the never-print check: what it shows, its file name, and for
 * a PDF its metadata (NULL for an image). Borrowed. */
typedef struct cp_np_target {
    const cp_doc *doc;
    const char *name;
    const cp_pdf_meta *meta;
} cp_np_target;

/* Loads the never-print lists (the file `list` from --never-print, or NULL, and the manifest's
 * never_print) and searches every target's set text and metadata for their entries. True when
 * there is no list or nothing is found; false after reporting a match or an unreadable list. */
bool cp_pdf_never_print_check(cp_layout_ctx *lc, const char *list, const cp_np_target *targets,
                              size_t n, cp_diags *d);

#endif
