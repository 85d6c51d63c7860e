/* What matters in a photo, for automatic focus and crop checks: faces (OpenCV's cascade
 * detector), a saliency map (edges, skin tones, saturation) and whether the photo was enlarged
 * from a smaller original. Results are cached on disk by a hash of the photo's bytes. */
#ifndef CP_FOCUS_H
#define CP_FOCUS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"
#include "image/image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The detector's version: part of every cache key, so a change of method never reuses old
 * results. Bump it whenever focus.cpp computes anything differently. */
#define CP_FOCUS_VERSION   2
#define CP_FOCUS_MAP       32 /* the saliency map's cells across and down */
#define CP_FOCUS_MAX_FACES 12

/* A rectangle of the upright picture, in fractions of its width and height (0..1). */
typedef struct cp_box {
    double x, y, w, h;
} cp_box;

typedef struct cp_focus {
    int width, height; /* the upright picture the analysis saw, in pixels */
    bool detector;     /* a face detector ran (its cascade file was found) */
    int n_faces;
    cp_box faces[CP_FOCUS_MAX_FACES]; /* largest first */
    cp_box detail;                    /* the region of most detail; w == 0 for a flat picture */
    bool flat;                        /* no part stands out: automatic focus keeps the centre */
    unsigned char map[CP_FOCUS_MAP * CP_FOCUS_MAP]; /* saliency 0..255, row-major, upright */
    /* Enlargement: energy of the finest octave over the next one in the sharpest textured
     * tiles (about 1 for a sharp photo, near 0 for one scaled up 2x or more); tiles counted. */
    double sharpness;
    int textured_tiles;
    bool upscaled; /* a clear case: no detail finer than about 2 pixels anywhere */
    /* A lossless photo (PNG, TIFF, WebP): the bytes a pixel a quality-90 JPEG of it takes,
     * measured on a piece from the middle at full size; 0 for JPEGs. */
    double jpeg_bytes_per_pixel;
    double ms;   /* what the analysis cost when it ran (kept in the cache) */
    bool cached; /* this run read it from the cache */
} cp_focus;

/* The face detector sees the photo at this long side: a face of 3 % of the short side (a group
 * photo's faces) still fills the cascade's 24-pixel window. */
#define CP_FOCUS_SIDE 800

/* The pixels an analysis needs: the photo in colour at a reduced size (at least CP_FOCUS_SIDE
 * on its long side when the photo has that many) and, for the enlargement test, its full-size
 * lightness (or NULL: not tested). Both as stored, before the EXIF orientation. Borrowed. */
typedef struct cp_focus_pixels {
    const unsigned char *rgb; /* 3 bytes a pixel, rows of w * 3 */
    int w, h;
    const unsigned char *grey; /* 1 byte a pixel, rows of full_w */
    int full_w, full_h;
    int orientation; /* EXIF 1..8 */
} cp_focus_pixels;

/* Analyses the pixels: everything but `ms` and `cached`. cascade: the face detector's cascade
 * file, or NULL for none. Returns false (with a message in err) if OpenCV fails, or if the
 * analysis module cannot be loaded. The analysis (focus.cpp, with OpenCV) is a module loaded on
 * the first call (focusload.c): a run whose photos are all in the focus cache never loads
 * OpenCV, which costs 7 MB of memory and its start-up. */
bool cp_focus_analyse(const cp_focus_pixels *px, const char *cascade, cp_focus *out, char *err,
                      size_t err_len);

/* The module's entry point (focus.cpp), what cp_focus_analyse calls. */
#define CP_FOCUS_MODULE_ENTRY "cp_focus_module_analyse"
bool cp_focus_module_analyse(const cp_focus_pixels *px, const char *cascade, cp_focus *out,
                             char *err, size_t err_len);

/* One run's analyses: photos already seen (by image), backed by a folder of cached results. */
typedef struct cp_focus_cache cp_focus_cache;

/* dir: the cache folder; NULL for $XDG_CACHE_HOME/calpress/focus (or ~/.cache/...), "" for no
 * disk cache. Owned by the caller: cp_focus_cache_free. */
cp_focus_cache *cp_focus_cache_new(const char *dir);
void cp_focus_cache_free(cp_focus_cache *c);

/* The analysis of img: from this run's table, the disk cache (keyed by a hash of the photo's
 * bytes and CP_FOCUS_VERSION) or computed now and stored. Borrowed from the cache; NULL (after a
 * warning at img->at) when the photo cannot be analysed. A missing cascade file is reported
 * once per cache as a warning: faces are then not looked for. */
const cp_focus *cp_focus_cache_lookup(cp_focus_cache *c, const cp_image *img, cp_diags *d);

/* How many photos this run analysed and read from the disk cache, and the analysis time. */
void cp_focus_cache_stats(const cp_focus_cache *c, int *analysed, int *cached, double *ms);

#ifdef __cplusplus
}
#endif

#endif
