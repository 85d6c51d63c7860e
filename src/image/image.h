/* Photos: header probing (size, colour, orientation) and decoding, for layout and render. */
#ifndef CP_IMAGE_H
#define CP_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"

typedef enum cp_image_format {
    CP_IMAGE_JPEG,
    CP_IMAGE_PNG,
    CP_IMAGE_TIFF,
    CP_IMAGE_WEBP
} cp_image_format;

typedef struct cp_image {
    char *path;
    char *name; /* as the manifest wrote it, for messages */
    cp_pos at;  /* the manifest value that first named it (file borrowed from the loader) */
    char *key;  /* owned; the file's real path, for de-duplication (set by the caller) */
    cp_image_format format;
    int width, height; /* as stored, before orientation */
    int orientation;   /* EXIF 1..8; 1 = upright */
    int components;    /* 1 grey, 3 colour, 4 CMYK */
    bool cmyk, adobe;  /* CMYK JPEG; an Adobe APP14 marker (inverted CMYK) */
    bool alpha;        /* PNG with transparency */
    int bit_depth;
    unsigned char *data; /* the file's bytes, owned */
    size_t len;
} cp_image;

/* Reads the file and probes it. On failure reports an error at `at` (the manifest value that
 * named it), calling the photo `name` (as the designer wrote it), and returns NULL. The image is
 * owned by the caller: cp_image_free. */
cp_image *cp_image_open(const char *path, const char *name, cp_pos at, cp_diags *d);
void cp_image_free(cp_image *img);

/* True if a JPEG stream carries an Adobe APP14 marker: its CMYK values are stored inverted. */
bool cp_image_jpeg_is_adobe(const unsigned char *data, size_t len);

/* Width and height after orientation (swapped for 90 degree turns). */
void cp_image_upright_size(const cp_image *img, int *w, int *h);

/* Decodes to 8-bit RGB (3 bytes a pixel, rows of width*3) at about 1/scale_den of its size
 * (1, 2, 4 or 8; JPEG scales in the DCT domain, which is fast). Returns a malloc'd buffer, or NULL
 * with an error. Orientation is not applied. */
unsigned char *cp_image_decode_rgb(const cp_image *img, int scale_den, int *w, int *h, cp_diags *d,
                                   cp_pos at);

#endif
