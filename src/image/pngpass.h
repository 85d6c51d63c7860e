/* PNG photos into a PDF without decoding them: a non-interlaced PNG without transparency is a
 * zlib stream of rows with PNG filters, which PDF reads as it is (/FlateDecode with /Predictor
 * 15). Only the chunks are read; the pixels stay compressed. */
#ifndef CP_PNGPASS_H
#define CP_PNGPASS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/diag.h"
#include "image/image.h"

/* What a PDF image needs from such a PNG. */
typedef struct cp_png_data {
    int width, height;
    int bits;                  /* bits per component: 8, or 1, 2, 4 for grey and palette */
    int colors;                /* 1 (grey or palette index) or 3 (RGB) */
    bool palette;              /* colours are indices into plte */
    const unsigned char *plte; /* palette RGB triples, borrowed from the image's bytes */
    int plte_n;
} cp_png_data;

/* True if img is a PNG a PDF can carry as it is: not interlaced, no alpha channel or tRNS
 * transparency, 8 bits (1, 2, 4 or 8 for greyscale and palette), no colour profile or gamma
 * other than sRGB's, and whole up to IEND. Others are decoded to pixels. */
bool cp_png_passthrough(const cp_image *img);

/* True if every chunk's CRC is right: the check that replaces a decode when the photo is opened
 * (a damaged file then goes to the decoder, which reports the damage at its line). */
bool cp_png_intact(const cp_image *img);

/* What the PDF's image dictionary needs: false if the chunks are not what cp_png_passthrough
 * promised. */
bool cp_png_header(const cp_image *img, cp_png_data *out);

/* Hands each IDAT chunk's data to fn in order, from the image's bytes (no copy); returns their
 * total length. Together they are the zlib stream a PDF's /FlateDecode reads. */
typedef void (*cp_png_idat_fn)(void *ctx, const unsigned char *data, size_t len);
size_t cp_png_idat_each(const cp_image *img, cp_png_idat_fn fn, void *ctx);

/* A 64-bit key of the image's bytes, the same in every run: it names the photo in the stand-in
 * the PDF step swaps. */
uint64_t cp_png_key(const cp_image *img);

/* A stand-in JPEG header (no picture data) with the PNG's size and number of colours and the
 * key in a comment: cairo embeds it as a /DCTDecode image of the right size, and the PDF step
 * finds it by its key and puts the PNG's data in its place. Returns a malloc'd buffer owned by
 * the caller and its length. */
unsigned char *cp_png_marker(const cp_image *img, size_t *len);

/* The key of a stand-in made by cp_png_marker, if data is one. */
bool cp_png_marker_key(const unsigned char *data, size_t len, uint64_t *key);

#endif
