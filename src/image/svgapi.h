/* Internal to the image layer: the part of SVG logos that needs librsvg, in the module
 * calpress-svg.so (svgmod.c), loaded by svg.c on first use. librsvg and what it needs (libxml2,
 * gdk-pixbuf, GIO) are a fifth of the program's start-up, and most runs never parse a logo: a
 * check finds the logo's size in the cache folder, and only drawing it needs the module. */
#ifndef CP_IMAGE_SVGAPI_H
#define CP_IMAGE_SVGAPI_H

#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>

#define CP_SVG_MODULE       "calpress-svg.so"
#define CP_SVG_MODULE_ENTRY "cp_svg_api_get"

typedef struct cp_svg_api {
    /* Parses an SVG document from its bytes (path names it and resolves its references). The
     * handle, or NULL with librsvg's reason in why. *w and *h are its proportions (CSS pixels,
     * or its viewBox), 0 when it has none. */
    void *(*open)(const char *path, const void *data, size_t len, double *w, double *h, char *why,
                  size_t why_len);
    /* Draws the document into the rectangle; false with the reason in why. */
    bool (*draw)(void *handle, cairo_t *cr, double x, double y, double w, double h, char *why,
                 size_t why_len);
    void (*free)(void *handle);
    /* The file librsvg was loaded from: what measured the sizes the cache folder keeps. */
    const char *(*library)(void);
} cp_svg_api;

/* The module's entry (CP_SVG_MODULE_ENTRY). */
const cp_svg_api *cp_svg_api_get(void);

#endif
