/* Cards for social media: a month's photo, month, name and headline on one image-sized page. */
#ifndef CP_SOCIAL_H
#define CP_SOCIAL_H

#include "layout/layout.h"

/* Adds to doc a page w x h points (an image of w x h pixels at 72 dpi) for month 1..12: the
 * story's photo across the top (cropped around its faces or photo_focus), then the month, the
 * name and the headline in the calendar's styles and colours, and the organisation at the
 * foot. The page has no bleed. */
void cp_layout_social(cp_layout_ctx *lc, cp_doc *doc, int month, double w, double h);

#endif
