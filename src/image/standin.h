/* Stand-ins: a photo's place in cairo's PDF, which the PDF step fills with the photo's own data.
 * A stand-in is a JPEG header without picture data: SOI, a comment naming the photo (a tag and
 * a key), a frame header with the photo's size and number of colours, EOI. cairo embeds it as a
 * /DCTDecode image of the right size and colour space, and never reads the photo's megabytes,
 * which go from the image layer's memory into the finished file once. */
#ifndef CP_STANDIN_H
#define CP_STANDIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/image.h"

/* The tags: what the key names, and how the PDF step fills it. */
#define CP_STANDIN_PNG  "calpress-png-v1 "  /* a PNG's IDAT data (image/pngpass.h) */
#define CP_STANDIN_JPEG "calpress-jpeg-v1 " /* a JPEG's data without its metadata */

/* The key of a photo: the low half of data_hash, the same in every run, another for other
 * bytes. It is what cairo's output says of the photo, so the document ID still follows it. */
uint64_t cp_standin_key_of(const cp_image *img);

/* A stand-in: tag, key, and a frame of width x height (each 1..65535) with colors components
 * (1, 3 or 4). Returns a malloc'd buffer owned by the caller and its length. */
unsigned char *cp_standin_make(const char *tag, uint64_t key, int width, int height, int colors,
                               size_t *len);

/* The key of a stand-in of tag, if data is one. */
bool cp_standin_key(const unsigned char *data, size_t len, const char *tag, uint64_t *key);

/* The stand-in of a JPEG photo (img->format CP_IMAGE_JPEG): its stored size and components. */
unsigned char *cp_jpeg_standin(const cp_image *img, size_t *len);

#endif
