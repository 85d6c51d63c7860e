/* Photos placed in frames: automatic focus (faces, then detail, then the centre), crop warnings
 * (a face or the main detail cut by the trim or under a text frame), the enlargement preflight,
 * and a record of every placement for the crop sheet. */
#ifndef CP_CROPCHECK_H
#define CP_CROPCHECK_H

#include <stdbool.h>

#include "image/focus.h"
#include "layout/layout.h"

typedef enum cp_focus_source {
    CP_FOCUS_GIVEN,  /* photo_focus */
    CP_FOCUS_FACES,  /* automatic: the faces found */
    CP_FOCUS_DETAIL, /* automatic: the most detail (edges, skin tones, saturation) */
    CP_FOCUS_CENTRE, /* automatic: nothing stands out, or nothing to choose (no crop) */
} cp_focus_source;

#define CP_CROP_MAX_COVERS 8
#define CP_CROP_MAX_NOTES  4

/* One photo in one frame, in points from the page's trim corner. */
typedef struct cp_placement {
    const char *page;      /* the page's label ("cover", "January") */
    const char *frame;     /* the frame's name */
    const cp_photo *photo; /* borrowed from the calendar */
    const cp_image *image; /* borrowed from the photo cache */
    const cp_focus *focus; /* borrowed from the focus cache; NULL when the photo was not analysed */
    cp_rect frame_pt;      /* the frame with its bleed */
    cp_rect visible_pt;    /* the part of it inside the trim */
    cp_rect picture_pt;    /* where the whole upright picture lies */
    cp_rect covers[CP_CROP_MAX_COVERS]; /* other frames of the page over the visible photo */
    const char *cover_names[CP_CROP_MAX_COVERS];
    int n_covers;
    double focus_x, focus_y; /* the focal point used, 0..1 of the upright picture */
    cp_focus_source source;
    double ppi; /* effective resolution where placed (bleed included) */
    /* the warnings reported about it, naming the photo as cp_photo_shown_name (arena-owned) */
    const char *notes[CP_CROP_MAX_NOTES];
    int n_notes;
} cp_placement;

/* Every placement of a run, and the analyses behind them. Owned by the layout context. */
typedef struct cp_crops {
    cp_placement *items;
    size_t n, cap;
    cp_focus_cache *cache;
} cp_crops;

/* The layout context's record (created on first use); borrowed. */
cp_crops *cp_crops_lookup(cp_layout_ctx *lc);
void cp_crops_free(cp_crops *c);

/* Starts the record of img placed in frame f (page kind `kind`, frame with bleed x, y, w, h) and
 * decides its focal point: photo_focus when given; else, for a fill crop, the crop that keeps
 * the faces (then the most detail, then the centre) visible and clear of the page's other
 * frames. Returns the record, valid until the next cp_crop_plan; its focus_x and focus_y are
 * the point to centre. */
cp_placement *cp_crop_plan(cp_layout_ctx *lc, const cp_layout *l, const char *page,
                           const char *kind, const cp_frame *f, const cp_photo *ph,
                           const cp_image *img, double x, double y, double w, double h);

/* Finishes the record with where the picture landed (px, py, pw, ph: the whole upright picture
 * in points) and reports, at the story's photo line, a face or the main detail cut by the trim
 * or under another frame, and a photo enlarged from a smaller original. */
void cp_crop_check(cp_layout_ctx *lc, cp_placement *pl, double px, double py, double pw, double ph);

/* The focal point for img filling a frame of w x h points with nothing over it (exports):
 * photo_focus when given, else chosen as cp_crop_plan does. Records nothing, warns of nothing
 * but an analysis that fails. */
void cp_crop_focus(cp_layout_ctx *lc, const cp_photo *ph, const cp_image *img, double w, double h,
                   double *fx, double *fy);

/* The photo's name for a page: as the manifest wrote it, or only its file name when that is an
 * absolute path (a PDF never shows a folder of the computer). Borrowed from ph. */
const char *cp_photo_shown_name(const cp_photo *ph);

/* "given", "faces", "detail" or "centre". */
const char *cp_focus_source_name(cp_focus_source s);

#endif
