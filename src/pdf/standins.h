/* The photos a document's PDF holds as stand-ins (image/standin.h), and the pass that fills
 * them: internal to the pdf module (post.c, inks.c, pngswap.c, fill.cpp). */
#ifndef CP_PDF_STANDINS_H
#define CP_PDF_STANDINS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#include "base/diag.h"
#include "image/image.h"

struct cp_doc;

/* The document's JPEG and PNG photos (pages drawn inside pages included) by stand-in key. */
typedef struct cp_pdf_photos cp_pdf_photos;
cp_pdf_photos *cp_pdf_photos_new(const struct cp_doc *doc);
void cp_pdf_photos_free(cp_pdf_photos *ph);

/* True when the document has no JPEG or PNG photo (nothing can be a stand-in). */
bool cp_pdf_photos_empty(const cp_pdf_photos *ph);

/* The photo of the stand-in in data (len bytes), if it is one of tag (CP_STANDIN_JPEG or
 * CP_STANDIN_PNG) and names one of the document's photos of that format; else NULL. */
const cp_image *cp_pdf_photos_find(const cp_pdf_photos *ph, const unsigned char *data, size_t len,
                                   const char *tag);

/* A stand-in is a JPEG header of a few dozen bytes: an image stream longer than this is none,
 * and is not read to find out. */
#define CP_PDF_STANDIN_MAX 256

/* The second half of the /ID qpdf writes with qpdf_set_static_ID; calpress puts its own ID (a hash
 * of what the run drew and of the metadata) in its place as the bytes go out, so that no hash
 * runs over the finished file. */
#define CP_PDF_STATIC_ID "31415926535897932384626433832795"

/* Where the finished bytes go: false after reporting a write error (as cp_pdf_sink). */
typedef bool (*cp_pdf_fill_sink)(void *ctx, const void *data, size_t len, cp_diags *d);

/* What the last pass did: stand-ins filled, and stand-ins left (a stand-in that names no photo
 * of the document, or whose dictionary is not its photo's: an error). */
typedef struct cp_pdf_fill_result {
    int filled, left;
} cp_pdf_fill_result;

/* The PDF qpdf wrote with calpress's options and the static ID, in memory (pdf, len) or else in
 * the file path, written again with every photo's stand-in filled with its data, streamed from
 * memory as the file is written (a JPEG's img->data, without metadata; a PNG's IDAT chunks, its
 * dictionary made by pngswap.c), and id_hex (32 hex digits) in place of the static ID; the bytes
 * go to sink as they are made. False after reporting. The C++ part of the module (fill.cpp):
 * qpdf's stream-data providers and output pipelines have no C interface. */
bool cp_pdf_fill_standins(const char *pdf, size_t len, const char *path, const cp_pdf_photos *ph,
                          const char id_hex[33], cp_pdf_fill_sink sink, void *ctx,
                          cp_pdf_fill_result *out, cp_diags *d);

#ifdef __cplusplus
}
#endif

#endif
