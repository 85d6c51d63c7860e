/* calpress export: images for social media (--social) and a screen PDF of the calendar (--web). */
#ifndef CP_EXPORT_H
#define CP_EXPORT_H

#include <stdbool.h>

#include "layout/layout.h"
#include "pdf/pdf.h"

typedef struct cp_export_job {
    cp_layout_ctx *lc;
    const cp_doc *calendar;  /* laid out and decorated (a proof's watermark is left out) */
    const cp_pdf_meta *meta; /* the calendar's metadata (its output intent is not used) */
    const char *dir;         /* the output folder (made when the files are written) */
    const char *never_print; /* --never-print FILE, or NULL */
    bool social, web, quiet;
} cp_export_job;

/* --social: DIR/social/MM-month-page.jpg, MM-month-1080x1080.jpg and MM-month-1080x1350.jpg
 * for each month (sRGB JPEGs carrying an sRGB profile and nothing else); --web:
 * DIR/NAME-web.pdf (the calendar's trimmed pages, no marks, sRGB, photos at 150 ppi). The files
 * go through output sets (base/outfile.h), committed only when every file is complete: an error
 * leaves the folders as they were. Returns false after reporting errors. */
bool cp_export_write(const cp_export_job *job, cp_diags *d);

#endif
