/* The layout layer's entry points: a calendar model in, display lists out. */
#ifndef CP_LAYOUT_H
#define CP_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/inputs.h"

#include "image/colour.h"
#include "layout/display.h"
#include "image/svg.h"
#include "layout/text.h"
#include "model/calendar.h"
#include "model/locale.h"

/* A photo file as last checked: a photo whose stamp is unchanged is not read again. */
typedef struct cp_photo_stamp {
    unsigned long long dev, ino, size;
    long long mtime_s, mtime_ns, ctime_s, ctime_ns;
    uint64_t hash;    /* of the bytes read */
    unsigned checked; /* the build in which the file was last compared with its stamp */
    unsigned used_build, used_seq; /* the last build that looked it up, and in which turn */
    char *at_file; /* owned copy of the image's `at` file name: the loader's arena goes */
} cp_photo_stamp;

/* Photos (and logos) opened once per run, shared by every page that places them. watch keeps the
 * cache between builds: each build checks every photo's file once and reads it again only if it
 * changed. */
typedef struct cp_photo_cache {
    cp_image **images;
    size_t n, cap;
    cp_photo_stamp *stamps; /* parallel to images */
    cp_image **retired;     /* replaced photos, freed when the next build starts */
    size_t n_retired, cap_retired;
    unsigned build;    /* 0: one run; from 1: the current build of a cache kept between builds */
    unsigned next_seq; /* the turn of the next photo first looked up in this build */
    cp_inputs *inputs; /* if set, each photo used is recorded here with its bytes' hash */
    cp_svg **svgs;     /* logos: SVG artwork, kept for the whole run (or watch session) */
    size_t n_svgs, cap_svgs;
} cp_photo_cache;

void cp_photo_cache_init(cp_photo_cache *pc);
void cp_photo_cache_finish(cp_photo_cache *pc);
/* The image at path (opened on first use, errors at `at`); borrowed from the cache. In a cache
 * kept between builds, a file changed since the last build is opened again. */
const cp_image *cp_photo_cache_lookup(cp_photo_cache *pc, const char *path, const char *name,
                                      cp_pos at, cp_diags *d);
/* Starts the next build of a cache kept between builds: photos replaced in the last build are
 * freed (no display list may point at them any more), and photos used are recorded in inputs. */
void cp_photo_cache_next_build(cp_photo_cache *pc, cp_inputs *inputs);
/* For the page cache: if path's photo is cached and its file unchanged since it was read, sets
 * *hash to its content key (cp_image_content_key) and returns the image (borrowed); else NULL,
 * and the photo is opened again when next looked up. Never reports. */
const cp_image *cp_photo_cache_check(cp_photo_cache *pc, const char *path, uint64_t *hash);
/* In a cache of one run: if path's photo is cached, sets *hash to its content key and returns
 * true; false otherwise (open the photo to key it). */
bool cp_photo_cache_key(const cp_photo_cache *pc, const char *path, uint64_t *hash);
/* True if images[i] is used by the current build (always, for a cache of one run). */
bool cp_photo_cache_used(const cp_photo_cache *pc, size_t i);
/* The photos the current build looked up, in the order it first did: as a cache of that build
 * alone would hold them. Fills images (room for pc->n) and returns how many. */
size_t cp_photo_cache_list_used(const cp_photo_cache *pc, cp_image **images);

/* Pages laid out in earlier builds, kept by watch: a page whose inputs (the files it is made from,
 * by content, its photos and the options) are unchanged is copied instead of laid out again.
 * Owned by the caller; free with cp_page_cache_free after the last document using it. */
typedef struct cp_page_cache cp_page_cache;
cp_page_cache *cp_page_cache_new(void);
void cp_page_cache_free(cp_page_cache *pc);
/* A build starts: pages it lays out may be kept. */
void cp_page_cache_begin_build(cp_page_cache *pc);
/* The build is over and its documents released: the cache takes over the arena its pages' strings
 * live in, a (left empty), and frees it when no kept page needs it any more. */
void cp_page_cache_end_build(cp_page_cache *pc, cp_arena *a);
/* The same for SVG artwork (image/svg.h); borrowed from the cache. */
const cp_svg *cp_photo_cache_lookup_svg(cp_photo_cache *pc, const char *path, const char *name,
                                        cp_pos at, cp_diags *d);

/* Pages as the last render's build record keeps them, for the next render into the folder
 * (src/reuse.c): what a page that is not laid out again needs. Everything is borrowed from the
 * arena of whoever filled it. */
typedef struct cp_kept_diag {
    cp_severity sev;
    cp_pos pos;
    const char *msg;
} cp_kept_diag;

typedef struct cp_kept_box {
    const char *label;
    double trim_w, trim_h, bleed, slug;
    bool crop_marks, registration_marks, color_bar;
} cp_kept_box;

typedef struct cp_kept_page {
    int which;    /* as cp_lc_cached numbers pages */
    uint64_t key; /* its inputs */
    int placeholders;
    cp_kept_box *boxes; /* its PDF pages (the press release may have several) */
    size_t n_boxes;
    cp_kept_diag *diags; /* the diagnostics its layout gave, in order */
    size_t n_diags;
} cp_kept_page;

typedef struct cp_kept_pages {
    cp_arena *arena; /* where cp_lc_cached copies what it keeps */
    cp_kept_page *items;
    size_t n, cap;
} cp_kept_pages;

typedef struct cp_layout_opts {
    bool proof;             /* proof mode: a PROOF watermark */
    bool overlay;           /* proof mode: trim, bleed and safe area drawn as thin lines */
    bool placeholders;      /* proof mode: unreadable photos become labelled boxes */
    const char *build_date; /* for the slug line, "2020-12-14" */
    const char *creator;    /* "calpress 0.1.0" */
    bool screen_proof; /* proof mode for the screen (no printing condition): said in the slug */
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
    /* watch: pages kept between builds, keyed by the contents of the files the loader read
     * (both NULL for one run; the fit report then covers every frame) */
    cp_page_cache *page_cache;
    const cp_inputs *inputs;
    int pages_laid_out, pages_reused; /* counted per page (the press release counts as one) */
    /* render into a folder with a usable record (src/reuse.c): pages whose key is unchanged are
     * added as empty pages marked reused, with their diagnostics given again (NULL: none) */
    const cp_kept_pages *reuse_from;
    /* if set, what each page laid out or reused needs for the next render is kept here */
    cp_kept_pages *keep;
    size_t n_shared_inputs; /* inputs read before the first page: every page depends on them */
    bool shared_counted;
    /* Called before page `which` (as cp_lc_cached numbers them) is laid out, if set. */
    void (*before_page)(void *ctx, int which);
    void *before_page_ctx;
} cp_layout_ctx;

void cp_layout_ctx_init(cp_layout_ctx *lc, cp_typesetter *ts, const cp_calendar *cal,
                        cp_photo_cache *photos, const cp_layout_opts *opts);
void cp_layout_ctx_finish(cp_layout_ctx *lc);

/* Lays out the cover, the twelve months and the back into doc. Returns false if errors were
 * reported (doc then holds what could be laid out and must still be finished). */
bool cp_layout_calendar(cp_layout_ctx *lc, cp_doc *doc);
/* Lays out the press release, flowing onto as many A4 pages as it needs. */
bool cp_layout_press(cp_layout_ctx *lc, cp_doc *doc);

/* Lays out page `which` alone into doc: 0 the cover, 1..12 a month, 13 the back, 14 the press
 * release (all its pages). For a helper that lays pages out ahead of the run (its doc is thrown
 * away); the run itself uses cp_layout_calendar and cp_layout_press. */
void cp_layout_page(cp_layout_ctx *lc, cp_doc *doc, int which);

/* Adds the printer's marks (layout/marks.h), the proof watermark, the overlay and the slug line
 * (file name, title, page, version, build date, mode) to every page of doc. Call after the pages
 * are laid out. */
void cp_layout_decorate(cp_layout_ctx *lc, cp_doc *doc, const cp_layout *l, const char *file_name);

/* Colour checks once the output intent is known (cv), after the pages are laid out: every
 * colour of the calendar's and the press release's layouts against its ink limit (an error at
 * the colour's line; cmyk() colours always, RGB colours as they print under a CMYK intent); under
 * a CMYK intent the highest ink coverage of every CMYK photo over 1 mm areas where it is placed
 * (a preflight finding); photos' embedded ICC profiles that cannot be used (a warning), and,
 * with notes and a CMYK intent, one note on the RGB photos whose colours are taken as sRGB. */
void cp_layout_check_colours(cp_layout_ctx *lc, const cp_colours *cv, const cp_doc *calendar,
                             bool notes);

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
/* Lays out page `which` (0 the cover, 1..12 a month, 13 the back, 14 the press release) with
 * fn, or copies it from lc->page_cache when its inputs are unchanged (warnings given again). */
typedef void (*cp_lc_page_fn)(cp_layout_ctx *lc, cp_doc *doc, int which);
void cp_lc_cached(cp_layout_ctx *lc, cp_doc *doc, int which, cp_lc_page_fn fn);
/* cp_set_fit, then, when the text leaves room and its style has a max_size, the largest size up
 * to max_size (in quarter points, leading and spaces in proportion) that still fits
 * max_height. Returns what cp_set_fit returned. */
bool cp_set_fill(cp_typesetter *ts, const cp_text_req *req, const cp_richtext *rt,
                 double max_height, const char *frame, const cp_pos *frame_pos, cp_block *out);
void cp_layout_mini_month(cp_layout_ctx *lc, cp_page *page, int month, double x, double y, double w,
                          double h);
/* press.c's page function for cp_lc_cached (which is 14). */
void cp_lc_press_pages(cp_layout_ctx *lc, cp_doc *doc, int which);

#endif
