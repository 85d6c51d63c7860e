/* calpress sheet: the crop sheet (DIR/crops.pdf) and the contact sheet (DIR/contact-sheet.pdf
 * and a PNG of it), for a designer's approval in one look. */
#ifndef CP_SHEET_H
#define CP_SHEET_H

#include <stdbool.h>

#include "layout/layout.h"
#include "pdf/pdf.h"

/* What the sheets need from a run that laid out the calendar and the press release. */
typedef struct cp_sheet_job {
    cp_layout_ctx *lc;
    const cp_doc *calendar, *press;
    const cp_pdf_meta *meta; /* the calendar's metadata (its output intent is not used) */
    const char *dir;         /* the output folder (made when the sheets are written) */
    const char *never_print; /* --never-print FILE, or NULL */
    bool quiet;
} cp_sheet_job;

/* Lays out both sheets, checks them against the never-print lists and writes the three files
 * through one output set (base/outfile.h): all replace their predecessors together, or none
 * does. Returns false after reporting errors. */
bool cp_sheet_write(const cp_sheet_job *job, cp_diags *d);

#endif
