/* Resampling photos for screen PDFs and sheets: DCT-scaled decode, cairo's good filter down to
 * the size wanted, TurboJPEG back to JPEG. */
#include "render/resample.h"
#include "base/util.h"
#include "image/encode.h"
#include "image/pngpass.h"
#include "image/standin.h"

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

/* A cairo failure on a photo: an error at the line that names it. Destroys s. */
static cairo_surface_t *failed(const cp_image *img, cairo_surface_t *s, cairo_status_t st,
                               cp_diags *d)
{
    cp_error(d, img->at, "cannot draw photo '%s': %s", img->name, cairo_status_to_string(st));
    cairo_surface_destroy(s);
    return NULL;
}

cairo_surface_t *cp_render_rgb_surface(const cp_image *img, unsigned char *rgb, int w, int h,
                                       cp_diags *d)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_status_t st = cairo_surface_status(s);
    if (st != CAIRO_STATUS_SUCCESS) {
        free(rgb);
        return failed(img, s, st, d);
    }
    cairo_surface_flush(s);
    unsigned char *dst = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < h; y++) {
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

/* The surface scaled to w x h with cairo's good (box-filtered) downscaling, as RGB bytes; NULL
 * after an error. */
static unsigned char *scaled_rgb(const cp_image *img, cairo_surface_t *src, int w, int h,
                                 cp_diags *d)
{
    cairo_surface_t *dst = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_status_t st = cairo_surface_status(dst);
    if (st != CAIRO_STATUS_SUCCESS) {
        failed(img, dst, st, d);
        return NULL;
    }
    cairo_t *cr = cairo_create(dst);
    cairo_scale(cr, (double)w / cairo_image_surface_get_width(src),
                (double)h / cairo_image_surface_get_height(src));
    cairo_set_source_surface(cr, src, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD);
    cairo_paint(cr);
    st = cairo_status(cr);
    cairo_destroy(cr);
    if (st != CAIRO_STATUS_SUCCESS) {
        failed(img, dst, st, d);
        return NULL;
    }
    cairo_surface_flush(dst);
    /* w x h is at most the photo's own size, which is within the limits of image.h */
    unsigned char *rgb = cp_xmalloc((size_t)w * (size_t)h * 3);
    const unsigned char *data = cairo_image_surface_get_data(dst);
    int stride = cairo_image_surface_get_stride(dst);
    for (int y = 0; y < h; y++) {
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

/* A stand-in surface 1/16 of w x h carrying jpeg (taken over) as its JPEG data, with id as its
 * unique ID; NULL after an error. Only its extent matters to cairo-pdf. */
static cairo_surface_t *standin(const cp_image *img, int w, int h, unsigned char *jpeg, size_t len,
                                const char *id, cp_diags *d)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w / 16 > 0 ? w / 16 : 1,
                                                    h / 16 > 0 ? h / 16 : 1);
    cairo_status_t st = cairo_surface_status(s);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_JPEG, jpeg, len, free, jpeg);
    if (st != CAIRO_STATUS_SUCCESS) {
        free(jpeg); /* cairo calls the destroy function only once it has taken the data */
        return failed(img, s, st, d);
    }
    unsigned char *uid = (unsigned char *)cp_xstrdup(id);
    st = cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_UNIQUE_ID, uid, strlen(id), free, uid);
    if (st != CAIRO_STATUS_SUCCESS) {
        free(uid);
        return failed(img, s, st, d);
    }
    return s;
}

cairo_surface_t *cp_render_resampled(const cp_image *img, int stored_w, cp_diags *d)
{
    int den = 1;
    while (img->format == CP_IMAGE_JPEG && den < 8 && img->width / (den * 2) >= stored_w)
        den *= 2;
    int w0, h0;
    unsigned char *rgb = cp_image_decode_rgb(img, den, &w0, &h0, d, img->at);
    if (!rgb)
        return NULL;
    int w = stored_w, h = (int)lround((double)img->height * stored_w / img->width);
    if (h < 1)
        h = 1;
    cairo_surface_t *full = cp_render_rgb_surface(img, rgb, w0, h0, d);
    unsigned char *small = full ? scaled_rgb(img, full, w, h, d) : NULL;
    cairo_surface_destroy(full);
    if (!small)
        return NULL;
    size_t len = 0;
    unsigned char *jpeg = cp_image_encode_jpeg(small, w, h, RESAMPLED_QUALITY, NULL, 0, &len);
    free(small);
    if (!jpeg) {
        cp_error(d, img->at, "cannot re-encode photo '%s' as JPEG", img->name);
        return NULL;
    }
    char id[64];
    snprintf(id, sizeof id, "calpress-%p-%d", (const void *)img, w);
    return standin(img, w, h, jpeg, len, id, d);
}

/* A photo's stand-in surface (image/standin.h), marker taken over; its unique ID names the
 * photo's bytes, so that the photo placed twice is one PDF object. */
static cairo_surface_t *photo_standin(const cp_image *img, unsigned char *marker, size_t len,
                                      const char *kind, cp_diags *d)
{
    char id[64];
    snprintf(id, sizeof id, "calpress-%s-%016llx", kind,
             (unsigned long long)cp_standin_key_of(img));
    return standin(img, img->width, img->height, marker, len, id, d);
}

cairo_surface_t *cp_render_png_standin(const cp_image *img, cp_diags *d)
{
    size_t len = 0;
    unsigned char *marker = cp_png_marker(img, &len);
    return photo_standin(img, marker, len, "png", d);
}

cairo_surface_t *cp_render_jpeg_standin(const cp_image *img, cp_diags *d)
{
    size_t len = 0;
    unsigned char *marker = cp_jpeg_standin(img, &len);
    return photo_standin(img, marker, len, "jpeg", d);
}
