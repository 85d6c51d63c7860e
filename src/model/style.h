/* The layout specification: page geometry, frames and text styles, all in points. */
#ifndef CP_STYLE_H
#define CP_STYLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/diag.h"

#define CP_PT_PER_MM (72.0 / 25.4)
#define CP_PT_PER_IN 72.0

/* A colour as the layout defines it: #rrggbb (RGB) or cmyk(C, M, Y, K) (inks). What it prints
 * as and how it shows on screen depend on the output intent: the image layer's cp_colours makes
 * both from this definition, in one place. */
typedef struct cp_color {
    double r, g, b;    /* 0..1, when !cmyk */
    double c, m, y, k; /* 0..1, when cmyk */
    bool cmyk;         /* given as cmyk(): the ink values are the definition */
    cp_pos pos;        /* where it was defined (file NULL for built-in colours) */
} cp_color;

/* Total ink of a cmyk() colour in percent (0..400). */
double cp_color_tac(const cp_color *c);
/* Writes "#rrggbb" or "cmyk(C, M, Y, K)" (percent, up to two decimals) into buf (>= 48 bytes). */
void cp_color_format(const cp_color *c, char *buf, size_t n);
/* The colour's definition as one number, for hashes that say whether a page changed: an RGB
 * colour's values to 1/1000, or a cmyk() colour's inks to 0.01 % (the RGB values cairo is given
 * for those do not say which inks they stand for). Equal definitions give equal numbers. */
uint64_t cp_color_key(const cp_color *c);

typedef enum cp_align { CP_ALIGN_LEFT, CP_ALIGN_CENTER, CP_ALIGN_RIGHT, CP_ALIGN_JUSTIFY } cp_align;

/* A text style. Every field remembers whether it was set, so a layout file and the manifest's
 * overrides cascade over the built-in defaults through one merge (cp_style_merge). */
typedef struct cp_style {
    const char *name;
    cp_pos pos;         /* where it was (last) defined */
    const char *family; /* comma-separated: the first is the face, the rest per-script fallbacks */
    cp_pos family_pos;  /* where family was set, for font errors */
    double size_pt, min_size_pt, leading_pt, min_leading_pt;
    double max_size_pt; /* the largest size a text may grow to when it leaves its frame room */
    int weight;         /* 100..900 */
    bool italic;
    cp_color color;
    int color_ref;   /* 1 + palette index when the colour was given by name, else 0 */
    double tracking; /* thousandths of an em */
    cp_align align;
    const char *features; /* OpenType features, e.g. "onum, kern" */
    bool uppercase;
    double space_before_pt, space_after_pt, indent_pt;
    bool hyphenate;
    int hyph_min_word, hyph_before, hyph_after; /* letters: shortest word, before, after a break */
    double max_word_space; /* justified: % of a normal word space before a line is loose */
    unsigned set;          /* CP_STYLE_SET_* bits */
} cp_style;

enum {
    CP_STYLE_SET_FAMILY = 1u << 0,
    CP_STYLE_SET_SIZE = 1u << 1,
    CP_STYLE_SET_MIN_SIZE = 1u << 2,
    CP_STYLE_SET_LEADING = 1u << 3,
    CP_STYLE_SET_WEIGHT = 1u << 4,
    CP_STYLE_SET_ITALIC = 1u << 5,
    CP_STYLE_SET_COLOR = 1u << 6,
    CP_STYLE_SET_TRACKING = 1u << 7,
    CP_STYLE_SET_ALIGN = 1u << 8,
    CP_STYLE_SET_FEATURES = 1u << 9,
    CP_STYLE_SET_UPPERCASE = 1u << 10,
    CP_STYLE_SET_SPACE_BEFORE = 1u << 11,
    CP_STYLE_SET_SPACE_AFTER = 1u << 12,
    CP_STYLE_SET_INDENT = 1u << 13,
    CP_STYLE_SET_HYPHENATE = 1u << 14,
    CP_STYLE_SET_HYPH_MIN_WORD = 1u << 15,
    CP_STYLE_SET_HYPH_BEFORE = 1u << 16,
    CP_STYLE_SET_HYPH_AFTER = 1u << 17,
    CP_STYLE_SET_MAX_WORD_SPACE = 1u << 18,
    CP_STYLE_SET_MIN_LEADING = 1u << 19,
    CP_STYLE_SET_MAX_SIZE = 1u << 20,
};

/* Copies every field that src has set onto dst and marks it set there. */
void cp_style_merge(cp_style *dst, const cp_style *src);

/* Every field the cascade carries (cp_style_merge's), to the bit: what can change how the
 * style's text is set or coloured. Its name and where it was defined are not among them. */
struct cp_hasher;
void cp_style_hash(const cp_style *st, struct cp_hasher *h);

/* A named rectangle of a page kind ("month", "cover", "back", "press", "press_next"), in points
 * from the trim's top-left corner. */
/* Where a frame's text stands when it is shorter than the frame. */
typedef enum cp_valign { CP_VALIGN_TOP, CP_VALIGN_CENTER, CP_VALIGN_BOTTOM } cp_valign;

typedef struct cp_frame {
    const char *page;
    const char *name;
    cp_pos pos;
    double x, y, w, h;
    cp_valign valign;    /* where its text stands in it (a flowed body: its closing section) */
    const char *follows; /* a frame of the same page: start closer after its text, in whole
                            lines of this frame's leading, when that text is short; or NULL */
    cp_pos follows_pos;
} cp_frame;

/* What a page kind shows: the cover, one month, the back, or the press release's pages. */
typedef enum cp_content {
    CP_CONTENT_COVER,
    CP_CONTENT_MONTH,
    CP_CONTENT_BACK,
    CP_CONTENT_PRESS,
    CP_CONTENT_PRESS_NEXT,
} cp_content;

/* A page edge: where a page is bound (wire-o), or none. */
typedef enum cp_edge {
    CP_EDGE_NONE,
    CP_EDGE_TOP,
    CP_EDGE_BOTTOM,
    CP_EDGE_LEFT,
    CP_EDGE_RIGHT
} cp_edge;

/* A kind of page: the key its frames are given under, what it shows and its binding edge. The
 * built-in kinds (cover, month, back, press, press_next) exist in every layout. */
typedef struct cp_page_kind {
    const char *name;
    cp_content content;
    cp_edge binding;
    cp_pos pos; /* where the layout declared it or gave its frames; no file for a built-in */
} cp_page_kind;

/* The month grid's geometry, the holiday list's and the year at a glance's: the values a designer
 * tunes besides frames and styles. */
typedef struct cp_grid_spec {
    double head_pt;       /* the weekday headings' band; < 0: twice the weekday style's leading */
    double pad_pt;        /* a day number's inset from its cell's top and side */
    cp_align day_align;   /* the day numbers (and weekday headings) in their cells */
    bool fit_rows;        /* rows as tall as five weeks need (else six, every month alike) */
    bool narrow_weekdays; /* weekday headings as initials ("M") rather than "Mon" */
    double mark_r_pt, mark_gap_pt; /* a holiday's dot beside its day number */
    double list_gap_pt;            /* the holiday list's gap below the month's last week */
    int list_columns;              /* the holiday list's columns */
    double list_mark_r_pt;         /* the holiday list's dots */
    int year_columns;              /* the year at a glance: months across */
    double year_gap_pt;            /* ... and the gap between them, both ways */
} cp_grid_spec;

#define CP_LAYOUT_MAX_FILES 8

typedef struct cp_layout {
    const char *path; /* the layout file, or "(built-in)" */
    /* Every file applied, the extended ones first and path last (arena-owned): what a page laid
     * out with this layout depends on. */
    const char *files[CP_LAYOUT_MAX_FILES];
    int n_files;
    const char *name;
    const char *press_layout; /* the layout of the press release, by name or path */
    cp_pos press_layout_pos;
    double trim_w, trim_h; /* pt */
    double bleed, safe, slug;
    cp_pos bleed_pos, safe_pos;
    bool crop_marks;
    bool registration_marks; /* targets centred on each side, in the slug */
    bool color_bar;          /* CMYK control patches in the top slug (CMYK intents) */
    double mark_length;      /* crop marks: length (pt; shorter if the slug is), ... */
    double mark_offset;      /* ... and their distance beyond the bleed edge (pt) */
    cp_color accent, ink, grey, muted, paper, band;
    double ink_limit; /* % total area coverage for CMYK output; 0: unset (300 applies) */
    cp_pos ink_limit_pos;
    bool neighbours;                       /* show neighbouring months' days (muted) */
    bool smart_punctuation;                /* straight quotes, -- and ... become typographic */
    const char *second_language;           /* month names also in this language, beneath; or NULL */
    bool credits_on_page, credits_on_back; /* photo credits: along the photo, on the back */
    /* Words calpress prints itself, so a layout in another language can say them. */
    struct {
        const char *photographs, *cover, *observance, *press_release, *photo_missing;
    } labels;
    cp_pos second_language_pos;
    double rule_pt; /* grid hairlines; 0 for none */
    cp_grid_spec grid;
    /* The language of the words the layout itself prints (labels, the slug line, the proof
     * watermark), and the calendar's when the manifest names none. */
    const char *language;
    cp_pos language_pos;
    /* Wire-o binding: the margin kept clear along a bound edge, and the hanger notch's diameter
     * (marked in the slug at the bound edge's centre; 0 for none). */
    double binding_margin, hanger_hole;
    cp_pos binding_margin_pos;
    cp_page_kind *kinds; /* declared kinds and built-ins given a binding (malloc'd) */
    size_t n_kinds, cap_kinds;
    const char **sequence; /* page kinds in print order (arena-owned), or NULL: cover, month,
                              back */
    size_t n_sequence;
    cp_pos sequence_pos;
    cp_style *styles;
    size_t n_styles, cap_styles;
    cp_frame *frames;
    size_t n_frames, cap_frames;
    cp_frame *removed; /* frames a variant left out ('name: ~'), where it did: for messages */
    size_t n_removed, cap_removed;
} cp_layout;

/* Built-in defaults: A3 portrait, 3 mm bleed, neutral palette, no frames or styles. */
void cp_layout_init(cp_layout *l);
/* Gives every style that names a palette colour (or none: ink) that colour: call after the
 * layout file and the manifest's overrides are merged, so a changed palette reaches them. */
void cp_layout_resolve_colors(cp_layout *l);
/* Borrowed pointers, or NULL when the layout has no such style or frame. */
const cp_style *cp_layout_lookup_style(const cp_layout *l, const char *name);
const cp_frame *cp_layout_lookup_frame(const cp_layout *l, const char *page, const char *name);
/* Adds or replaces; the returned style/frame is owned by the layout (its arrays are malloc'd:
 * release with cp_layout_finish). */
cp_style *cp_layout_put_style(cp_layout *l, const char *name);
cp_frame *cp_layout_put_frame(cp_layout *l, const char *page, const char *name);
/* Removes a frame (an inherited one a variant does without), remembering where (at); no-op
 * when there is none. */
void cp_layout_remove_frame(cp_layout *l, const char *page, const char *name, cp_pos at);
/* Where the frame was removed, or NULL; borrowed. */
const cp_frame *cp_layout_lookup_removed(const cp_layout *l, const char *page, const char *name);
void cp_layout_finish(cp_layout *l);

/* A page kind by name: a declared one, else a built-in; borrowed, or NULL. */
const cp_page_kind *cp_layout_lookup_kind(const cp_layout *l, const char *name);
/* Declares a kind (a built-in's name starts from the built-in); owned by the layout. */
cp_page_kind *cp_layout_put_kind(cp_layout *l, const char *name);
/* The calendar's page kinds in print order (the sequence, or cover, month, back), at most max;
 * returns how many. Kinds the sequence names but the layout lacks are left out. */
size_t cp_layout_sequence(const cp_layout *l, const cp_page_kind **out, size_t max);
#define CP_MAX_SEQUENCE 16
/* The margin a frame of this kind keeps from edge: the safe margin, or the binding margin on the
 * bound edge when that is wider. */
double cp_layout_edge_margin(const cp_layout *l, const cp_page_kind *k, cp_edge edge);

#endif
