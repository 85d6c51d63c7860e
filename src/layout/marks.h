/* Printer's marks as display-list items: crop marks, registration targets, the colour bar. */
#ifndef CP_MARKS_H
#define CP_MARKS_H

#include "layout/display.h"
#include "model/style.h"

/* Adds page's printer's marks (as its crop_marks, registration_marks and color_bar flags ask)
 * to page->marks, outside the trim, in page coordinates: crop marks tagged "marks" and registration
 * targets tagged "registration", both CP_MARK_REGISTRATION; colour-bar patches tagged
 * "colour-bar", CP_MARK_PROCESS. l gives the crop marks' length and offset. Nothing is added
 * when the slug has no room for a crop mark. */
void cp_layout_marks(cp_page *page, const cp_layout *l);

#endif
