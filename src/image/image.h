/* Photos: header probing (size, colour, orientation) and decoding, for layout and render. */
#ifndef CP_IMAGE_H
#define CP_IMAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "base/diag.h"

typedef enum cp_image_format {
    CP_IMAGE_JPEG,
    CP_IMAGE_PNG,
    CP_IMAGE_TIFF,
    CP_IMAGE_WEBP
} cp_image_format;

/* The largest photo calpress takes: a pixel count, and a side (cairo draws decoded pixels up to
 * 32767 a side; a JPEG goes to the PDF as it is and can be larger). Checked from the header,
 * before anything is allocated for the pixels. */
#define CP_IMAGE_MAX_PIXELS       200000000ull
#define CP_IMAGE_MAX_SIDE_JPEG    65500
#define CP_IMAGE_MAX_SIDE_DECODED 32767

/* What a photo's file carried besides its pixels, none of which reaches a PDF: a JPEG's metadata
 * segments are removed from the copy that is embedded; other formats are decoded to pixels. */
typedef struct cp_image_found {
    bool gps;       /* a GPS position (EXIF or XMP) */
    bool gps_known; /* lat and lon hold it (degrees, south and west negative) */
    double lat, lon;
    char camera[96];       /* camera make and model, if named */
    bool serial;           /* a camera body, lens or maker-note serial number */
    bool owner;            /* an owner, artist, author or copyright name */
    char taken[48];        /* the date taken, "2020-12-14 10:31", if named */
    bool description;      /* an EXIF description, user comment or Windows title/comment */
    int thumbnails;        /* embedded thumbnails (EXIF, Photoshop, JFIF extension) */
    int thumb_w, thumb_h;  /* the first thumbnail's size, if known */
    bool exif;             /* an EXIF block, whatever it held */
    bool xmp;              /* XMP metadata */
    char xmp_location[64]; /* a place named in the XMP (city, state, country, location) */
    bool iptc;             /* IPTC metadata (Photoshop APP13, TIFF tag) */
    bool iptc_caption;     /* an IPTC caption */
    char iptc_location[64];
    bool comment;               /* JPEG comment segments */
    char texts[96];             /* PNG text chunk keywords, comma separated */
    bool saved_time;            /* a PNG tIME chunk */
    int other_segments;         /* other application segments (APPn) */
    unsigned long long trailer; /* bytes after a JPEG's end marker (never read) */
} cp_image_found;

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
    unsigned char *data; /* owned: a JPEG without its metadata segments (what the PDF embeds),
                            or the file's bytes for other formats */
    size_t len;
    cp_image_found found; /* what was left out of data, or is never decoded from it */
    /* XXH3-128 of data ([0] the high half, [1] the low), made once as the photo is opened: it
     * names the photo in the focus cache and in the PDF's stand-ins (image/standin.h). */
    uint64_t data_hash[2];
} cp_image;

/* Reads the file (only a regular file; a JPEG only up to its end marker) and probes it: the
 * format, the size within the limits above, a JPEG's markers against its frame, a trial decode of
 * the other formats. A JPEG's metadata segments are removed (see cp_image_found). On failure
 * reports an error at `at` (the manifest value that named it), calling the photo `name` (as the
 * designer wrote it), and returns NULL. The image is owned by the caller: cp_image_free. */
cp_image *cp_image_open(const char *path, const char *name, cp_pos at, cp_diags *d);
/* The same for a photo already in memory (data is copied; fuzzing and tests). */
cp_image *cp_image_open_memory(const unsigned char *data, size_t len, const char *name, cp_pos at,
                               cp_diags *d);
void cp_image_free(cp_image *img);

/* cp_hash_bytes(img->data, img->len) without reading the bytes again: for more than 240 bytes
 * XXH3-64 is the low half of XXH3-128, which data_hash already holds. */
uint64_t cp_image_bytes_hash(const cp_image *img);
/* What of the photo a page can show: its bytes (data_hash, the JPEG without its metadata) and
 * its orientation (from EXIF, which the bytes no longer hold). Two opens of files that differ
 * only in metadata a page never shows (a camera, a place) have the same key. */
uint64_t cp_image_content_key(const cp_image *img);

/* What was left out of a photo, in a designer's words ("GPS position (22.57 N, 88.36 E), camera
 * serial number, a 160 x 120 thumbnail of the uncropped photo"), or NULL if nothing. Owned by the
 * caller (free). */
char *cp_image_found_text(const cp_image_found *found);

/* A note for each photo that carried metadata, at the line that names it ("photos/neha.jpg:
 * removed GPS position ..."), and a summary note when several did. */
void cp_image_report_found(cp_image *const *images, size_t n, cp_diags *d);

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
