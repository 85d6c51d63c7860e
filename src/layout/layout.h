/* The layout layer's entry points: a calendar model in, display lists out. */
#ifndef CP_LAYOUT_H
#define CP_LAYOUT_H

#include <stdbool.h>

#include "layout/display.h"
#include "layout/text.h"
#include "model/calendar.h"
#include "model/locale.h"

/* Photos opened once per run, shared by every page that places them. */
typedef struct cp_photo_cache {
    cp_image **images;
    size_t n, cap;
} cp_photo_cache;

void cp_photo_cache_init(cp_photo_cache *pc);
void cp_photo_cache_finish(cp_photo_cache *pc);
/* The image at path (opened on first use, errors at `at`); borrowed from the cache. */
const cp_image *cp_photo_cache_lookup(cp_photo_cache *pc, const char *path, const char *name,
                                      cp_pos at, cp_diags *d);

typedef struct cp_layout_opts {
    bool proof;             /* proof mode: a PROOF watermark */
    bool overlay;           /* proof mode: trim, bleed and safe area drawn as thin lines */
    bool placeholders;      /* proof mode: unreadable photos become labelled boxes */
    const char *build_date; /* for the slug line, "2020-12-14" */
    const char *creator;    /* "calpress 0.1.0" */
} cp_layout_opts;

/* One line per text frame, for `calpress check`: lines used of lines available, size, flags. */
typedef struct cp_fit_report {
    const char *page, *frame;
    int lines_used, lines_available;
    double size_pt, nominal_pt;
    double leading_pt, nominal_leading_pt;
    bool shrunk, tightened;
    int runts, loose;
    int words_left; /* about how many more words the free lines hold; 0 when full */
} cp_fit_report;

typedef struct cp_fit_reports {
    cp_fit_report *items;
    size_t n, cap;
} cp_fit_reports;

typedef struct cp_layout_ctx {
    cp_typesetter *ts;
    const cp_calendar *cal;
    cp_photo_cache *photos;
    cp_locale locale;
    cp_locale locale2; /* the grid's second language, when the layout names one */
    bool have_locale2;
    cp_locale press_locale; /* the press release's language, when it has its own */
    bool have_press_locale;
    cp_layout_opts opts;
    cp_fit_reports fits;
    int placeholders;       /* photos drawn as placeholders: the proof is incomplete */
    struct cp_crops *crops; /* placed photos and their analyses (cropcheck.h); NULL until used */
    cp_arena *arena;
    cp_diags *diags;
} cp_layout_ctx;

void cp_layout_ctx_init(cp_layout_ctx *lc, cp_typesetter *ts, const cp_calendar *cal,
                        cp_photo_cache *photos, const cp_layout_opts *opts);
void cp_layout_ctx_finish(cp_layout_ctx *lc);

/* Lays out the cover, the twelve months and the back into doc. Returns false if errors were
 * reported (doc then holds what could be laid out and must still be finished). */
bool cp_layout_calendar(cp_layout_ctx *lc, cp_doc *doc);
/* Lays out the press release, flowing onto as many A4 pages as it needs. */
bool cp_layout_press(cp_layout_ctx *lc, cp_doc *doc);

/* Adds the proof watermark, the overlay and the slug line (file name, title, page, version,
 * build date, mode) to every page of doc. Call after the pages are laid out. */
void cp_layout_decorate(cp_layout_ctx *lc, cp_doc *doc, const cp_layout *l, const char *file_name);

/* Internal to the layout layer: shared helpers of pages.c, month.c and press.c. */
unsigned cp_lc_rich_opts(const cp_layout *l);
/* Plain text with typographic punctuation when the layout wants it; arena-owned or text. */
const char *cp_lc_smart(cp_layout_ctx *lc, const cp_layout *l, const char *text);
/* Every word of two names (the person's, the organisation's), arena-owned, NULL-terminated:
 * the words hyphenation leaves whole. */
const char *const *cp_lc_name_words(cp_layout_ctx *lc, const char *a, const char *b);
const cp_style *cp_lc_style(cp_layout_ctx *lc, const cp_layout *l, const char *name);
const cp_frame *cp_lc_frame(cp_layout_ctx *lc, const cp_layout *l, const char *page,
                            const char *name);
void cp_lc_report(cp_layout_ctx *lc, const char *page, const char *frame, const cp_block *b,
                  const cp_style *st, double avail_h);
void cp_layout_month_grid(cp_layout_ctx *lc, cp_page *page, int month, const cp_frame *grid,
                          const cp_frame *holidays);
void cp_layout_mini_month(cp_layout_ctx *lc, cp_page *page, int month, double x, double y, double w,
                          double h);

#endif
