/* Photos resampled for screen PDFs and sheets: decoded, scaled down to the resolution they need
 * where they are placed, and embedded as new JPEGs; decoded pixels as surfaces (internal to the
 * render layer). */
#ifndef CP_RESAMPLE_H
#define CP_RESAMPLE_H

#include <cairo.h>

#include "base/diag.h"
#include "image/image.h"

/* The stored width img is resampled to so that, placed placed_w_pt points wide (upright),
 * it has max_ppi; 0 when the photo can be embedded as it is (a JPEG with no more than that). */
int cp_render_resampled_width(const cp_image *img, double placed_w_pt, double max_ppi);

/* A stand-in surface carrying img resampled to stored_w pixels across as JPEG data (cairo-pdf
 * embeds the JPEG and never reads the stand-in's pixels). Owned by the caller; NULL after an
 * error (at the photo's line). */
cairo_surface_t *cp_render_resampled(const cp_image *img, int stored_w, cp_diags *d);

/* Decoded pixels of img (3 bytes a pixel, rows of w * 3; taken over and freed) as a cairo image
 * surface (RGB24). Owned by the caller; NULL after an error (at the photo's line). */
cairo_surface_t *cp_render_rgb_surface(const cp_image *img, unsigned char *rgb, int w, int h,
                                       cp_diags *d);

/* A PNG photo that can pass into the PDF undecoded (image/pngpass.h): a stand-in carrying a
 * marker JPEG header of the PNG's size, which the PDF step replaces with the PNG's own data.
 * Owned by the caller; NULL after an error (at the photo's line). */
cairo_surface_t *cp_render_png_standin(const cp_image *img, cp_diags *d);

/* A JPEG photo for a PDF, embedded as it is: a stand-in carrying the photo's stand-in header
 * (image/standin.h), which the PDF step fills with the photo's bytes without their metadata
 * (img->data, and only those). Owned by the caller; NULL after an error (at the photo's line). */
cairo_surface_t *cp_render_jpeg_standin(const cp_image *img, cp_diags *d);

#endif
