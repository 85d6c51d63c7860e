/* Approval sheets as display lists: the crop sheet (one page per placed photo: the whole
 * picture with its crop, trim, bleed, focus, faces and figures) and the contact sheet (every
 * page of the documents as labelled thumbnails). */
#ifndef CP_SHEETS_H
#define CP_SHEETS_H

#include <stddef.h>

#include "layout/layout.h"

/* Adds one A4 landscape page to doc for each photo placed in lc's layouts so far (the cover
 * and the twelve months: 13 for the sample). Returns the number of pages added. */
size_t cp_layout_crop_sheet(cp_layout_ctx *lc, cp_doc *doc);

/* Adds A3 landscape pages to doc showing every page of docs[0..n) trimmed, as labelled
 * thumbnails: one page for up to 24 pages, more beyond (the items borrow the pages, which must
 * outlive doc). names[i] names docs[i] in the heading ("calendar"). */
size_t cp_layout_contact_sheet(cp_layout_ctx *lc, const cp_doc *const *docs,
                               const char *const *names, size_t n, cp_doc *doc);

#endif
