/* SVG logos through librsvg: parsed once when laid out, drawn as vectors when rendered. */
#include "image/svg.h"
#include "base/hash.h"
#include "base/util.h"

#include <librsvg/rsvg.h>
#include <stdlib.h>
#include <string.h>

/* The document's proportions: its width and height, or its viewBox when it gives no size. */
static bool intrinsic_size(RsvgHandle *h, double *w, double *hh)
{
    if (rsvg_handle_get_intrinsic_size_in_pixels(h, w, hh) && *w > 0 && *hh > 0)
        return true;
    gboolean has_w, has_h, has_vb;
    RsvgLength lw, lh;
    RsvgRectangle vb;
    rsvg_handle_get_intrinsic_dimensions(h, &has_w, &lw, &has_h, &lh, &has_vb, &vb);
    if (has_vb && vb.width > 0 && vb.height > 0) {
        *w = vb.width;
        *hh = vb.height;
        return true;
    }
    return false;
}

cp_svg *cp_svg_open(const char *path, const char *name, cp_pos at, cp_diags *d)
{
    /* Its bytes' hash first: a file replaced while librsvg reads it looks changed next time. */
    size_t len = 0;
    char *data = cp_read_file(path, &len);
    uint64_t hash = data ? cp_hash_bytes(data, len) : 0;
    free(data);
    GError *err = NULL;
    RsvgHandle *h = rsvg_handle_new_from_file(path, &err);
    if (!h) {
        const char *why = err ? g_strchomp(err->message) : "librsvg gives no reason";
        cp_error(d, at, "logo '%s' is not a readable SVG file: %s", name, why);
        g_clear_error(&err);
        return NULL;
    }
    double w, hh;
    if (!intrinsic_size(h, &w, &hh)) {
        cp_error(d, at,
                 "logo '%s' has no size: give its <svg> element a viewBox (or a width and a "
                 "height)",
                 name);
        g_object_unref(h);
        return NULL;
    }
    cp_svg *svg = cp_xcalloc(1, sizeof *svg);
    svg->path = cp_xstrdup(path);
    svg->name = cp_xstrdup(name);
    svg->at = at;
    svg->width = w;
    svg->height = hh;
    svg->handle = h;
    svg->hash = hash;
    return svg;
}

void cp_svg_free(cp_svg *svg)
{
    if (!svg)
        return;
    if (svg->handle)
        g_object_unref(svg->handle);
    free(svg->path);
    free(svg->name);
    free(svg->key);
    free(svg->at_file);
    free(svg);
}

bool cp_svg_draw(const cp_svg *svg, cairo_t *cr, double x, double y, double w, double h,
                 cp_diags *d)
{
    RsvgRectangle viewport = {x, y, w, h};
    GError *err = NULL;
    if (!rsvg_handle_render_document(svg->handle, cr, &viewport, &err)) {
        cp_error(d, svg->at, "cannot draw logo '%s': %s", svg->name,
                 err ? g_strchomp(err->message) : "librsvg gives no reason");
        g_clear_error(&err);
        return false;
    }
    return true;
}
