/* The module calpress-svg.so: SVG logos parsed and drawn by librsvg (svgapi.h). */
#define _GNU_SOURCE /* dladdr */
#include "image/svgapi.h"

#include <dlfcn.h>
#include <gio/gio.h>
#include <librsvg/rsvg.h>
#include <stdio.h>
#include <string.h>

/* The document's proportions: its width and height, or its viewBox when it gives no size. */
static void intrinsic_size(RsvgHandle *h, double *w, double *hh)
{
    if (rsvg_handle_get_intrinsic_size_in_pixels(h, w, hh) && *w > 0 && *hh > 0)
        return;
    gboolean has_w, has_h, has_vb;
    RsvgLength lw, lh;
    RsvgRectangle vb;
    rsvg_handle_get_intrinsic_dimensions(h, &has_w, &lw, &has_h, &lh, &has_vb, &vb);
    if (has_vb && vb.width > 0 && vb.height > 0) {
        *w = vb.width;
        *hh = vb.height;
        return;
    }
    *w = *hh = 0;
}

static void *svg_open(const char *path, const void *data, size_t len, double *w, double *h,
                      char *why, size_t why_len)
{
    /* The bytes calpress hashed are the bytes parsed; the file names the base for references. */
    GInputStream *in = g_memory_input_stream_new_from_data(data, (gssize)len, NULL);
    GFile *base = g_file_new_for_path(path);
    GError *err = NULL;
    RsvgHandle *handle =
        rsvg_handle_new_from_stream_sync(in, base, RSVG_HANDLE_FLAGS_NONE, NULL, &err);
    g_object_unref(base);
    g_object_unref(in);
    if (!handle) {
        snprintf(why, why_len, "%s", err ? g_strchomp(err->message) : "librsvg gives no reason");
        g_clear_error(&err);
        return NULL;
    }
    intrinsic_size(handle, w, h);
    return handle;
}

static bool svg_draw(void *handle, cairo_t *cr, double x, double y, double w, double h, char *why,
                     size_t why_len)
{
    RsvgRectangle viewport = {x, y, w, h};
    GError *err = NULL;
    if (rsvg_handle_render_document(handle, cr, &viewport, &err))
        return true;
    snprintf(why, why_len, "%s", err ? g_strchomp(err->message) : "librsvg gives no reason");
    g_clear_error(&err);
    return false;
}

static void svg_free(void *handle)
{
    if (handle)
        g_object_unref(handle);
}

static const char *svg_library(void)
{
    Dl_info info;
    gboolean (*fn)(RsvgHandle *, cairo_t *, const RsvgRectangle *, GError **) =
        rsvg_handle_render_document;
    void *addr;
    memcpy(&addr, &fn, sizeof addr);
    return dladdr(addr, &info) && info.dli_fname ? info.dli_fname : NULL;
}

const cp_svg_api *cp_svg_api_get(void)
{
    static const cp_svg_api api = {
        .open = svg_open,
        .draw = svg_draw,
        .free = svg_free,
        .library = svg_library,
    };
    return &api;
}
