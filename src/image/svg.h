/* Vector artwork (an organisation's logo) read with librsvg and drawn as vectors onto any cairo
 * context: paths stay paths in the PDF, text stays text. librsvg lives in a module loaded on
 * first use (svgapi.h). */
#ifndef CP_SVG_H
#define CP_SVG_H

#include <cairo.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/diag.h"

typedef struct cp_svg {
    char *path;
    char *name;           /* as the manifest wrote it, for messages */
    cp_pos at;            /* the manifest value that named it (file borrowed from the loader) */
    char *at_file;        /* owned copy of at's file, once a cache kept beyond the loader sets it */
    char *key;            /* owned; the file's real path, for de-duplication (set by the caller) */
    double width, height; /* the intrinsic size's proportions (CSS pixels, or the viewBox) */
    struct cp_svg_parsed *parsed; /* librsvg's handle, owned; parsed when first drawn if the
                                     size came from the cache folder */
    uint64_t hash;                /* cp_hash_bytes of the file as read: a new logo is a new page */
} cp_svg;

/* Reads an SVG file and has its size: from the cache folder for bytes an earlier run measured
 * with this program and librsvg, else by parsing them. On failure reports an error at `at` (the
 * manifest value that named it), calling the file `name`, and returns NULL. Owned by the caller:
 * cp_svg_free. */
cp_svg *cp_svg_open(const char *path, const char *name, cp_pos at, cp_diags *d);
void cp_svg_free(cp_svg *svg);

/* Draws the whole document scaled into the rectangle (x, y, w, h) in cr's user space, keeping its
 * proportions (parsing it first if it was not: the file must still hold the bytes it was opened
 * with). Returns false with an error in d if librsvg fails. Not for two threads at once on one
 * logo (the parse is made on first use). */
bool cp_svg_draw(const cp_svg *svg, cairo_t *cr, double x, double y, double w, double h,
                 cp_diags *d);

#endif
