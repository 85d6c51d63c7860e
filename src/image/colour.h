/* Colour management with LittleCMS: ICC profiles, the output intent's conversions, the colours a
 * run draws, soft proofs, and the colour data of photos (embedded profiles, ink coverage). */
#ifndef CP_COLOUR_H
#define CP_COLOUR_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"
#include "image/image.h"
#include "model/style.h"

/* An ICC profile read from a file and checked. */
typedef struct cp_profile {
    char *path;          /* owned */
    unsigned char *data; /* the file's bytes, owned */
    size_t len;
    int n;                /* components of its colour space: 1 grey, 3 RGB, 4 CMYK */
    char device_class[5]; /* "prtr" (printer), "mntr" (monitor), "scnr", "spac", ... */
    void *lcms;           /* its LittleCMS handle, owned */
} cp_profile;

/* Reads the ICC profile at path and checks it: the 'acsp' signature, a grey, RGB or CMYK colour
 * space, and that LittleCMS can read it. Returns NULL after reporting an error at `at`. Owned by
 * the caller: cp_profile_free (accepts NULL). */
cp_profile *cp_profile_load(const char *path, cp_pos at, cp_diags *d);
void cp_profile_free(cp_profile *p);

/* The colour conversions of one run, for one output intent, with the table of the colours it
 * draws. */
typedef struct cp_colours cp_colours;

/* intent: the output intent's profile. screen_cmyk: the CMYK profile that shows cmyk() colours on
 * screen when the intent is not CMYK (under a CMYK intent the intent's own is used), or NULL when
 * there is none. Both are borrowed and must outlive the result. Returns NULL after reporting an
 * error when LittleCMS cannot make the transforms. Owned by the caller: cp_colours_free. */
cp_colours *cp_colours_new(const cp_profile *intent, const cp_profile *screen_cmyk, cp_diags *d);
void cp_colours_free(cp_colours *cv);

/* The output intent is CMYK: vector colours are written as inks. */
bool cp_colours_cmyk(const cp_colours *cv);
/* A CMYK profile shows cmyk() colours on screen (false: they cannot be shown). */
bool cp_colours_can_show_cmyk(const cp_colours *cv);

/* The inks c prints with under a CMYK intent, 0..1 each: a cmyk() colour as given; a neutral RGB
 * colour (r = g = b) as black ink alone, the tint that shows as the same grey; any other RGB
 * colour through the output profile (relative colorimetric with black-point compensation). This
 * is the one place a colour's CMYK value comes from. Only under a CMYK intent. */
void cp_colours_ink(const cp_colours *cv, const cp_color *c, double ink[4]);

/* How c looks on screen, sRGB 0..1: an RGB colour as given, a cmyk() colour through the CMYK
 * profile (relative colorimetric with black-point compensation); mid grey when no CMYK profile
 * is known (cp_colours_can_show_cmyk). */
void cp_colours_screen(cp_colours *cv, const cp_color *c, double rgb[3]);

/* Key mode, for PDF drawing under a CMYK intent: cp_colours_draw gives every distinct colour a
 * unique RGB key, exact in cairo's PDF output, that the pdf layer replaces by the colour's inks
 * (cp_colours_key_ink). Off: cp_colours_draw gives the screen colour. */
void cp_colours_set_keys(cp_colours *cv, bool keys);

/* The RGB (0..1) to give cairo for c; records c in the run's table of drawn colours. */
void cp_colours_draw(cp_colours *cv, const cp_color *c, double rgb[3]);

/* The inks of the colour drawn as rgb in key mode; false when rgb is no colour's key. When
 * black_only is given, it says whether the colour is 100 % black ink alone. */
bool cp_colours_key_ink(const cp_colours *cv, const double rgb[3], double ink[4], bool *black_only);

/* Soft proof under a CMYK intent: a cairo RGB24 image (one 32-bit xRGB word a pixel) changed in
 * place to how it prints, through the output profile and back to sRGB with the paper white and
 * the ink gamut simulated (absolute colorimetric). Does nothing under other intents, nor if
 * LittleCMS cannot make the proofing transform (the intent's profile was checked already). */
void cp_colours_soft_proof(cp_colours *cv, unsigned char *data, int w, int h, int stride);

/* ---- Photos' colour data (ink.c) ---- */

/* The ICC profile a JPEG carries in its APP2 "ICC_PROFILE" segments (one or several, joined in
 * their sequence order), as malloc'd bytes owned by the caller; NULL when it has none, or when a
 * segment is missing or damaged. */
unsigned char *cp_jpeg_icc_profile(const unsigned char *jpeg, size_t len, size_t *out_len);

/* The ICC profile a photo carries, in any format calpress reads: JPEG APP2 segments, PNG iCCP,
 * TIFF tag 34675, WebP ICCP. Malloc'd bytes owned by the caller, or NULL when there is none or it
 * cannot be read. */
unsigned char *cp_image_icc_profile(const cp_image *img, size_t *out_len);

/* The components of an ICC profile's colour space (1, 3 or 4), or 0 when the bytes are not a
 * usable profile (no 'acsp' signature, a size beyond the data, another colour space). */
int cp_icc_components(const unsigned char *icc, size_t len);

/* The highest total ink coverage of a CMYK JPEG photo, in percent, averaged over square areas of
 * box x box pixels (a small area of the printed page, not single pixels). Returns -1 after
 * reporting an error at the photo's place when it cannot be decoded. */
double cp_image_max_ink(const cp_image *img, int box, cp_diags *d);

#endif
