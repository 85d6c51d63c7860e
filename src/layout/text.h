/* Setting text with Pango: styles to attributes, paragraphs to lines on a fixed leading, copy-fit
 * within a style's size range, and strict checks that every glyph came from a declared family. */
#ifndef CP_TEXT_H
#define CP_TEXT_H

#include <pango/pango.h>
#include <stdbool.h>

#include "base/arena.h"
#include "base/diag.h"
#include "fonts/fonts.h"
#include "layout/display.h"
#include "layout/hyph.h"
#include "layout/plans.h"
#include "model/richtext.h"
#include "model/style.h"

typedef struct cp_font_metrics {
    const char *key; /* the font description, as Pango writes it, "|" and the language */
    double ascent, descent;
    double space;  /* a natural word space; < 0 until first measured */
    double hyphen; /* a hyphen; < 0 until first measured */
} cp_font_metrics;

/* What the text a typesetter sets is drawn on. Not the lines (they come out the same for both),
 * only the font options its fonts are made with. CP_DRAW_PDF: PDF surfaces only (render, check,
 * watch); the fonts are then made with the options cairo draws with on a PDF surface, so that
 * the fonts that measure are the fonts that draw. CP_DRAW_ANY: rasters too (preview, sheet,
 * export), which cairo draws with glyph positions rounded to the pixel. */
typedef enum { CP_DRAW_PDF, CP_DRAW_ANY } cp_draw_target;

typedef struct cp_typesetter {
    cp_fonts *fonts;
    cp_arena own; /* what the caches hold (metrics keys, cached lines' text): lives as long */
    cp_font_metrics *metrics; /* cache; owned */
    size_t n_metrics, cap_metrics;
    GHashTable *lines_cache; /* single lines already set: key -> cp_block (owned) */
    char *warned_langs;      /* languages already warned of having no dictionary */
    PangoContext *ctx;       /* owned */
    cp_hyph *hyph;           /* owned */
    cp_arena *arena;         /* the run's: set lines' text lives here */
    cp_diags *diags;
    cp_plans *plans; /* borrowed, or NULL: wrapped paragraphs' choices recorded or followed */
    struct cp_para_memo *memo; /* owned: paragraphs set during one frame's size search */
    cp_draw_target target;
    struct cp_decisions *decisions; /* owned: earlier runs' decisions (layout/decisions.h) */
    bool decisions_tried;           /* decisions opened, or found unavailable */
} cp_typesetter;

/* A PangoContext at 72 dpi with hinting off, so the same lines come out for PDF and PNG. */
void cp_typesetter_init(cp_typesetter *ts, cp_fonts *fonts, const char *hyphen_dir,
                        cp_draw_target target, cp_arena *a, cp_diags *d);
void cp_typesetter_finish(cp_typesetter *ts);
/* Points a typesetter kept between runs (watch) at the next run's arena and diagnostics; its
 * fonts, shaping and hyphenation caches stay warm. Warnings given once per run are reset. */
void cp_typesetter_rebind(cp_typesetter *ts, cp_arena *a, cp_diags *d);

/* How many copy-fit and line-breaking decisions the typesetter looked up in the cache of
 * earlier runs' (layout/decisions.h), and how many it found. */
void cp_typesetter_decision_counts(const cp_typesetter *ts, unsigned long *asked,
                                   unsigned long *found);

/* Checks that every family a style names is installed; errors at the style's layout line. */
bool cp_typesetter_check_style(cp_typesetter *ts, const cp_style *st);

typedef struct cp_set_line {
    PangoLayoutLine *line; /* a reference owned by the block */
    PangoLayout *layout;   /* the line's layout, referenced: a line needs it to draw */
    double x, baseline;    /* relative to the block's top-left */
    double width;          /* logical width */
    const char *text;      /* arena-owned */
    const char *source;    /* the paragraph's characters this line covers, as written: no
                              inserted hyphens or breaks (arena-owned) */
    bool para_end;
    bool runt;    /* the paragraph's last line, one short word */
    double loose; /* > 0: word spaces stretched to this percentage of normal */
} cp_set_line;

typedef struct cp_block {
    cp_set_line *lines;
    size_t n, cap;
    double height;  /* top to the last line's descent */
    double size_pt; /* the size used */
    double leading_pt;
    bool shrunk;
    bool tightened; /* leading reduced within the style's min_leading to fit */
    int runts;      /* paragraphs ending in one short word */
    int loose;      /* justified lines stretched past the style's limit */
    cp_pos src;     /* the request's src: where the text came from */
} cp_block;

/* What to set: rich text (paragraphs with spans) in a style, for a language. */
typedef struct cp_text_req {
    const cp_style *style;
    const char *lang;
    double width;
    const char *const *keep; /* names never hyphenated */
    cp_pos src;              /* where the text came from, for diagnostics */
    const char *what;        /* "story body" */
    bool no_wrap;            /* one line per paragraph, never wrapped */
    double hang;             /* > 0: the first paragraph's first line starts this far left of
                                the others (a hanging quotation mark); width is the others' */
} cp_text_req;

void cp_block_finish(cp_block *b);

/* Sets rt at the given size (leading scales with it). Reports font problems. */
void cp_set_rich(cp_typesetter *ts, const cp_text_req *req, const cp_richtext *rt, double size_pt,
                 cp_block *out);
/* Plain text: one paragraph, no markup; '\n' starts a new paragraph. */
void cp_set_plain(cp_typesetter *ts, const cp_text_req *req, const char *text, cp_block *out);

/* Sets rt to fit max_height: at the style's size, else shrinking in 0.25 pt steps down to its
 * min_size. If nothing fits, reports an error at req->src naming the frame, the lines over, the
 * words to cut and the smallest size tried, and still returns the smallest setting. Returns true
 * if it fits. */
bool cp_set_fit(cp_typesetter *ts, const cp_text_req *req, const cp_richtext *rt, double max_height,
                const char *frame, const cp_pos *frame_pos, cp_block *out);

/* A frame's size search, run(ts, req, rt, max_height, frame, frame_pos, out), between
 * cp_search_begin and cp_search_end; or, when an earlier run's search with the same request (op
 * and everything it sets from) decided, only the setting it kept (layout/decisions.h). A search
 * that gave no diagnostic is kept for the next run. Returns what search returned, true for a
 * decision taken. */
typedef bool (*cp_size_search)(cp_typesetter *ts, const cp_text_req *req, const cp_richtext *rt,
                               double max_height, const char *frame, const cp_pos *frame_pos,
                               cp_block *out);
bool cp_set_searched(cp_typesetter *ts, const char *op, const cp_text_req *req,
                     const cp_richtext *rt, double max_height, const char *frame,
                     const cp_pos *frame_pos, cp_block *out, cp_size_search run);

/* A frame's size search: between begin and end (nestable), a paragraph set again with the same
 * request at the same size is taken from a memo instead of set anew (copy-fit and fill try some
 * sizes twice). The request and the text must stay as they are until the end. */
void cp_search_begin(cp_typesetter *ts);
void cp_search_end(cp_typesetter *ts);

/* Reports the block's loose lines and runts as warnings at req->src. */
void cp_block_warn(cp_typesetter *ts, const cp_text_req *req, const cp_block *b);

/* Moves the block's lines onto the page at (x, y) as text items (the page takes the refs). */
void cp_block_place(cp_block *b, cp_page *page, const char *tag, double x, double y,
                    cp_color color);
/* The same for lines [from, to) only. */
void cp_block_place_range(cp_block *b, size_t from, size_t to, cp_page *page, const char *tag,
                          double x, double y, cp_color color);

/* The distance from a frame's top to its first baseline in a style (the first family's ascent). */
double cp_typesetter_ascent(cp_typesetter *ts, const cp_style *st);

/* Width of a single line of plain text in a style at its size. */
double cp_measure(cp_typesetter *ts, const cp_style *st, const char *lang, const char *text);

#endif
