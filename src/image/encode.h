/* JPEG encoding of decoded pixels (libjpeg-turbo's TurboJPEG API): resampled photos for screen
 * PDFs, exported images for the web. */
#ifndef CP_ENCODE_H
#define CP_ENCODE_H

#include <stddef.h>

/* Encodes 8-bit RGB (3 bytes a pixel, rows of w * 3) as a baseline JPEG with 4:2:0 chroma at
 * quality 1..100. The file holds a JFIF header and nothing else about where or how it was made
 * (no EXIF, XMP, IPTC or comment); icc, when not NULL, is embedded as its colour profile (an
 * APP2 ICC_PROFILE segment, at most 65519 bytes). Returns a malloc'd buffer owned by the caller
 * and its length in *len, or NULL if TurboJPEG fails. */
unsigned char *cp_image_encode_jpeg(const unsigned char *rgb, int w, int h, int quality,
                                    const unsigned char *icc, size_t icc_len, size_t *len);

#endif
