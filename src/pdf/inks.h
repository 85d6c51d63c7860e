/* Internal to the pdf layer: the colour passes of post-processing (inks.c). */
#ifndef CP_PDF_INKS_H
#define CP_PDF_INKS_H

#include <qpdf/qpdf-c.h>
#include <stdbool.h>

#include "base/diag.h"
#include "image/colour.h"
#include "layout/display.h"
#include "pdf/standins.h"

/* The colour passes over one document: owned by the caller (cp_pdf_inks_free), borrowing q, doc
 * (whose photos' profiles and SVG artwork it looks up; may be NULL), photos (doc's photos by
 * stand-in key; may be NULL), cv and d, which must outlive it. */
typedef struct cp_pdf_inks cp_pdf_inks;

cp_pdf_inks *cp_pdf_inks_new(qpdf_data q, const cp_doc *doc, const cp_pdf_photos *photos,
                             cp_colours *cv, cp_diags *d);
void cp_pdf_inks_free(cp_pdf_inks *k);

/* One page of cairo's output (number: 1-based, doc's page number): under a CMYK intent, its
 * content and that of every form and pattern it paints is rewritten with inks (black text
 * overprints; on a page with SVG artwork, the artwork's own colours are taken as sRGB) and its
 * transparency groups blend in DeviceCMYK; every photo with an embedded ICC profile
 * that fits it gets /ColorSpace [/ICCBased ...] made from those bytes. Call before anything else is
 * added to the page's content. False after reporting an error. */
bool cp_pdf_inks_page(cp_pdf_inks *k, qpdf_oh page, int number);

#endif
