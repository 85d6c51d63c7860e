/* Display list -> a borrowed cairo context. The same code draws PDF pages and PNG previews. */
#ifndef CP_RENDER_H
#define CP_RENDER_H

#include <cairo.h>
#include <stdbool.h>

#include "base/diag.h"
#include "base/outfile.h"
#include "image/colour.h"
#include "layout/display.h"

typedef struct cp_render_cache cp_render_cache;

typedef struct cp_render_opts {
    /* Raster targets decode photos (at about this resolution); vector targets embed the JPEG
     * bytes as they are and never decode them. */
    bool raster;
    double raster_dpi;
    /* The run's colours (borrowed, required): what cairo is told to draw for each colour of the
     * display list, the screen colour or, for a PDF under a CMYK intent, a key the pdf layer
     * turns into inks. */
    cp_colours *colours;
    /* Vector targets: a photo with more than this resolution where it is placed is resampled
     * to it and embedded as a new JPEG (screen PDFs, sheets); 0 embeds every photo as it is. */
    double max_ppi;
    /* Draw the printer's marks (cp_page.marks): registration marks in black, the colour bar (only
     * under a CMYK intent, as the PDF has it) in its RGB equivalents. For previews; a PDF never
     * (the pdf step writes them in the printer's inks). */
    bool marks;
} cp_render_opts;

/* Surfaces made for photos, shared by every page of one document (so a photo placed twice is
 * stored once). Owned by the caller: cp_render_cache_free after the surface is finished. */
cp_render_cache *cp_render_cache_new(void);
void cp_render_cache_free(cp_render_cache *rc);

/* Draws page onto cr, whose user space must be the page's media box in points (origin top-left).
 * Returns false (with a diagnostic) if cairo reports an error. */
bool cp_render_page(cairo_t *cr, const cp_page *page, const cp_render_opts *opts,
                    cp_render_cache *rc, cp_diags *d);

/* Draws page at dpi onto a white raster and writes it as a PNG into f, a file of an output set
 * (base/outfile.h) that the caller commits. Photos are decoded at about the resolution needed.
 * colours (borrowed, required): the run's; under a CMYK intent the image is a soft proof, the
 * page as it prints (cp_colours_soft_proof). False after reporting an error. */
bool cp_render_png(const cp_page *page, double dpi, cp_outfile *f, cp_render_cache *rc,
                   cp_colours *colours, cp_diags *d);
/* The same; with trim, only the trimmed page is drawn (what the wall shows: no bleed, slug or
 * anything in them). */
bool cp_render_png_area(const cp_page *page, double dpi, bool trim, cp_outfile *f,
                        cp_render_cache *rc, cp_colours *colours, cp_diags *d);
/* The same, untrimmed, with the printer's marks in the slug: the sheet as the printer sees it. */
bool cp_render_png_marks(const cp_page *page, double dpi, cp_outfile *f, cp_render_cache *rc,
                         cp_colours *colours, cp_diags *d);

#endif
