/* Resampling photos for screen PDFs and sheets: DCT-scaled decode, cairo's good filter down to
 * the size wanted, TurboJPEG back to JPEG. */
#include "render/resample.h"
#include "base/util.h"
#include "image/encode.h"
#include "image/pngpass.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Quality of the re-encoded JPEGs: no visible loss on screen at a third of the bytes of 95. */
#define RESAMPLED_QUALITY 85

int cp_render_resampled_width(const cp_image *img, double placed_w_pt, double max_ppi)
{
    int uw, uh;
    cp_image_upright_size(img, &uw, &uh);
    double want = ceil(placed_w_pt / 72.0 * max_ppi * img->width / uw);
    if (want >= img->width * 0.9) {
        /* Nothing to gain in size; but a PNG, TIFF or WebP would go in losslessly (Flate, many
         * times larger): a screen PDF gets it as a JPEG of its own size. */
        return img->format == CP_IMAGE_JPEG && !img->cmyk ? 0 : img->width;
    }
    return want < 8 ? 8 : (int)want;
}

/* Decoded pixels as a cairo surface (RGB24). Takes ownership of rgb. */
static cairo_surface_t *to_surface(unsigned char *rgb, int w, int h)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_surface_flush(s);
    unsigned char *dst = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < h && dst; y++) {
        uint32_t *row = (uint32_t *)(void *)(dst + (size_t)y * (size_t)stride);
        const unsigned char *src = rgb + (size_t)y * (size_t)w * 3;
        for (int x = 0; x < w; x++)
            row[x] = 0xFF000000u | ((uint32_t)src[3 * x] << 16) | ((uint32_t)src[3 * x + 1] << 8) |
                     src[3 * x + 2];
    }
    cairo_surface_mark_dirty(s);
    free(rgb);
    return s;
}

/* The surface scaled to w x h with cairo's good (box-filtered) downscaling, as RGB bytes. */
static unsigned char *scaled_rgb(cairo_surface_t *src, int w, int h)
{
    cairo_surface_t *dst = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(dst);
    cairo_scale(cr, (double)w / cairo_image_surface_get_width(src),
                (double)h / cairo_image_surface_get_height(src));
    cairo_set_source_surface(cr, src, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD);
    cairo_paint(cr);
    cairo_destroy(cr);
    cairo_surface_flush(dst);
    unsigned char *rgb = cp_xmalloc((size_t)w * (size_t)h * 3);
    const unsigned char *data = cairo_image_surface_get_data(dst);
    int stride = cairo_image_surface_get_stride(dst);
    for (int y = 0; y < h && data; y++) {
        const uint32_t *row = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
        for (int x = 0; x < w; x++) {
            unsigned char *o = rgb + ((size_t)y * w + x) * 3;
            o[0] = (unsigned char)(row[x] >> 16);
            o[1] = (unsigned char)(row[x] >> 8);
            o[2] = (unsigned char)row[x];
        }
    }
    cairo_surface_destroy(dst);
    return rgb;
}

cairo_surface_t *cp_render_resampled(const cp_image *img, int stored_w, cp_diags *d)
{
    int den = 1;
    while (img->format == CP_IMAGE_JPEG && den < 8 && img->width / (den * 2) >= stored_w)
        den *= 2;
    int w0, h0;
    unsigned char *rgb = cp_image_decode_rgb(img, den, &w0, &h0, d, cp_pos_file(img->path));
    if (!rgb)
        return NULL;
    int w = stored_w, h = (int)lround((double)img->height * stored_w / img->width);
    if (h < 1)
        h = 1;
    cairo_surface_t *full = to_surface(rgb, w0, h0);
    unsigned char *small = scaled_rgb(full, w, h);
    cairo_surface_destroy(full);
    size_t len = 0;
    unsigned char *jpeg = cp_image_encode_jpeg(small, w, h, RESAMPLED_QUALITY, NULL, 0, &len);
    free(small);
    if (!jpeg) {
        cp_error(d, cp_pos_file(img->path), "cannot re-encode photo '%s' as JPEG", img->name);
        return NULL;
    }
    /* A stand-in 1/16 of the size: only its extent matters to cairo-pdf. */
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w / 16 > 0 ? w / 16 : 1,
                                                    h / 16 > 0 ? h / 16 : 1);
    cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_JPEG, jpeg, len, free, jpeg);
    char id[64];
    snprintf(id, sizeof id, "calpress-%p-%d", (const void *)img, w);
    unsigned char *uid = (unsigned char *)cp_xstrdup(id);
    cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_UNIQUE_ID, uid, strlen(id), free, uid);
    return s;
}

cairo_surface_t *cp_render_png_standin(const cp_image *img)
{
    size_t len = 0;
    unsigned char *marker = cp_png_marker(img, &len);
    int w = img->width / 16 > 0 ? img->width / 16 : 1,
        h = img->height / 16 > 0 ? img->height / 16 : 1;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_JPEG, marker, len, free, marker);
    char id[64];
    snprintf(id, sizeof id, "calpress-png-%016llx", (unsigned long long)cp_png_key(img));
    unsigned char *uid = (unsigned char *)cp_xstrdup(id);
    cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_UNIQUE_ID, uid, strlen(id), free, uid);
    return s;
}
