/* The image layer's internal interfaces: the JPEG marker walk and the metadata scanners. Not for
 * use outside src/image/ (and its fuzz targets and tests). */
#ifndef CP_IMAGE_INTERNAL_H
#define CP_IMAGE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/colour.h"
#include "image/image.h"

/* ---- Colours (colour.c) ---- */

/* How many CMYK -> sRGB transforms cv made: 0 when every screen colour a proof asked for was
 * kept from an earlier run (tests). */
int cp_colours_screen_transforms(const cp_colours *cv);

/* ---- JPEG (jpeg.c) ---- */

typedef enum cp_jpeg_status {
    CP_JPEG_OK,    /* a whole image, start marker to end marker */
    CP_JPEG_SHORT, /* the data stops before the end marker: read more, or it is truncated */
    CP_JPEG_BAD    /* damaged or unsupported; why says how */
} cp_jpeg_status;

/* What a walk over a JPEG's markers found. */
typedef struct cp_jpeg_walk {
    cp_jpeg_status status;
    char why[160];       /* CP_JPEG_BAD: the reason, to follow "photo 'x' ..." */
    bool have_sof;       /* the frame header was read (width etc. are set) */
    int width, height;   /* from the frame header */
    int components;      /* 1, 3 or 4 */
    unsigned sof;        /* the frame marker: 0xC0, 0xC1 or 0xC2 */
    size_t extent;       /* CP_JPEG_OK: bytes from the start marker to the end marker, inclusive */
    uint64_t scan_bytes; /* entropy-coded bytes in every scan */
    uint64_t min_scan_bits; /* the fewest bits that can code every block the scans name */
    /* CP_JPEG_SHORT within a scan: where its data starts, and where a search for its end takes
     * up again when more data has come (cp_jpeg_walk_resume) */
    size_t short_scan, short_resume;
} cp_jpeg_walk;

/* Walks the markers of p[0..len), which starts with a start-of-image marker, up to the end
 * marker, validating them as libjpeg would (one frame, known markers, segments that fit) and
 * measuring the scans. Reads nothing beyond the end marker. */
cp_jpeg_status cp_jpeg_walk_markers(const unsigned char *p, size_t len, cp_jpeg_walk *w);
/* The same after w's walk came out CP_JPEG_SHORT over a prefix of p[0..len): the scan it was
 * cut short in is searched only from where that walk stopped (a photo read in growing steps is
 * searched once, not once a step). */
cp_jpeg_status cp_jpeg_walk_resume(const unsigned char *p, size_t len, cp_jpeg_walk *w);

/* The JPEG p[0..extent) (walked with status CP_JPEG_OK) without the segments a decoder does not
 * need: every APPn but JFIF APP0, ICC APP2 and Adobe APP14, every comment, and the restart or
 * TEM markers found between segments. Scan data and the tables are copied byte for byte. What
 * the dropped segments held is recorded in found, and the EXIF orientation (1..8, else 1) in
 * *orientation. Returns a malloc'd copy; its length in *out_len. */
unsigned char *cp_jpeg_strip(const unsigned char *p, size_t extent, size_t *out_len,
                             cp_image_found *found, int *orientation);

/* The same in p itself: the stripped JPEG is p[0..returned length). For a photo as read, with
 * nothing to remove, nothing moves. */
size_t cp_jpeg_strip_in_place(unsigned char *p, size_t extent, cp_image_found *found,
                              int *orientation);

/* The size in a JPEG's frame header (a thumbnail's, say); false if there is none. */
bool cp_jpeg_frame_size(const unsigned char *p, size_t len, int *w, int *h);

/* ---- shared by the decoders (image.c) ---- */

/* True if a w x h photo is within the limits (CP_IMAGE_MAX_PIXELS, max_side a side); else an
 * error at `at` naming the photo. */
bool cp_image_within_limits(const char *name, unsigned long long w, unsigned long long h,
                            int max_side, cp_pos at, cp_diags *d);
/* A malloc'd buffer of w * h * channels bytes, or NULL with an error if the size overflows. */
unsigned char *cp_image_alloc_pixels(const char *name, size_t w, size_t h, size_t channels,
                                     cp_diags *d, cp_pos at);
/* Keeps every scale_den-th pixel of an RGB buffer (previews only: print gets every pixel);
 * takes ownership of full and returns the result (full itself when scale_den is 1). */
unsigned char *cp_image_downscale(unsigned char *full, int fw, int fh, int scale_den, int *w,
                                  int *h);

/* ---- TIFF (tiff.c) ---- */

bool cp_tiff_probe(cp_image *img, cp_pos at, cp_diags *d);
unsigned char *cp_tiff_decode(const cp_image *img, int scale_den, int *w, int *h, cp_diags *d,
                              cp_pos at);

/* ---- metadata (meta.c) ---- */

/* An EXIF block ("Exif\0\0" and a TIFF structure) into found; returns its orientation (1..8,
 * else 1). */
int cp_meta_exif(const unsigned char *p, size_t len, cp_image_found *found);
/* An XMP packet (the text after its namespace header). */
void cp_meta_xmp(const unsigned char *p, size_t len, cp_image_found *found);
/* A Photoshop image resource block ("Photoshop 3.0\0" and 8BIM resources): IPTC, thumbnails. */
void cp_meta_photoshop(const unsigned char *p, size_t len, cp_image_found *found);
/* The ancillary chunks of a PNG file, the chunks of a WebP file. */
void cp_meta_png(const unsigned char *p, size_t len, cp_image_found *found);
void cp_meta_webp(const unsigned char *p, size_t len, cp_image_found *found);
/* (TIFF tags are read in tiff.c, through libtiff.) */

/* Sets found->camera from a make and a model ("Canon" and "Canon EOS 80D" read as "Canon EOS
 * 80D"), unless it is set already. */
void cp_meta_camera(cp_image_found *found, const char *make, const char *model);

/* Counts a thumbnail, keeping the first one's size (0 if unknown). */
void cp_meta_thumbnail(cp_image_found *found, int w, int h);

/* Copies up to n bytes of s into dst (of size dst_size) as printable ASCII: other bytes and
 * runs of space become one space; trailing space and NULs are dropped. */
void cp_meta_copy_text(char *dst, size_t dst_size, const unsigned char *s, size_t n);

#endif
