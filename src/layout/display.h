/* The display list: what a page shows, in points, with a text dump for golden tests. Layout
 * fills it; render draws it onto any cairo context; pdf adds the page boxes. */
#ifndef CP_DISPLAY_H
#define CP_DISPLAY_H

#include <pango/pango.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/hash.h"
#include "image/image.h"
#include "model/style.h"

typedef enum cp_item_kind {
    CP_ITEM_RECT,  /* filled rectangle */
    CP_ITEM_LINE,  /* stroked line */
    CP_ITEM_DOT,   /* filled circle (holiday markers); stroked when `ring` */
    CP_ITEM_TEXT,  /* one laid-out line of text at a baseline */
    CP_ITEM_IMAGE, /* a photo placed in a clipping frame */
    CP_ITEM_SVG,   /* vector artwork (a logo) scaled into the rectangle x, y, w, h */
    CP_ITEM_PAGE,  /* another page, trimmed, scaled into the rect (contact sheets) */
} cp_item_kind;

/* The colour of a printer's mark (cp_page.marks). */
typedef enum cp_mark {
    CP_MARK_NONE,         /* page content */
    CP_MARK_REGISTRATION, /* in the registration colour, which prints on every plate */
    CP_MARK_PROCESS,      /* a colour-bar patch in process inks: the item's cmyk() colour */
} cp_mark;

typedef struct cp_item {
    cp_item_kind kind;
    const char *tag;   /* which frame it belongs to, e.g. "body" */
    double x, y, w, h; /* rect; image clip frame; text origin (x, baseline y); dot centre+radius */
    double x1, y1;     /* line end */
    double stroke_pt;  /* line width, ring width */
    cp_color color;
    cp_mark mark; /* the colour of a printer's mark; CP_MARK_NONE in the page's items */
    bool ring;
    double opacity;        /* 1 unless set: the proof watermark is translucent */
    double angle;          /* text: degrees, counter-clockwise about (x, y) */
    PangoLayoutLine *line; /* text: a reference owned by the item */
    PangoLayout *layout;   /* text: the line's layout, kept alive with it (owned reference) */
    const char *text;      /* text: the line's characters, for dumps and tests */
    /* text: the line's characters as written, without the hyphens and breaks line breaking
     * added (a hyphenated word's halves join up again); para_end: the last line of its
     * paragraph. For the never-print check. */
    const char *source;
    bool para_end;
    /* image: the photo and where its upright, scaled picture lies (may exceed the clip frame) */
    const cp_image *image;
    double img_x, img_y, img_w, img_h;
    /* the input its content came from (a story's body, a photo; for text, the field it was set
     * from); file NULL if none */
    cp_pos src;
    const struct cp_svg *svg;   /* svg: the artwork, borrowed (image/svg.h) */
    const struct cp_page *page; /* page: the page drawn (borrowed; it must outlive this one) */
} cp_item;

typedef struct cp_page {
    const char *label;                  /* "cover", "January", "press 1" ... */
    double trim_w, trim_h, bleed, slug; /* media = trim + 2 * (bleed + slug) */
    bool crop_marks;                    /* the pdf step draws crop marks in the slug */
    bool registration_marks;            /* ... and registration targets on each side */
    bool color_bar;                     /* ... and a CMYK colour bar in the top slug */
    cp_item *items;
    size_t n, cap;
    /* Set by cp_lc_cached: the page `which` it belongs to (0 the cover, 1..12 a month, 13 the
     * back, 14 the press release), its number among that page's pages, and the key of its
     * inputs (when keyed). A reused page holds only what decoration adds: the last render's PDF
     * has the rest (src/reuse.c). */
    int which, part;
    uint64_t key;
    bool keyed, reused;
    /* The printer's marks (layout/marks.c): lines, rings and patches outside the trim, kept apart
     * from the items, so what looks at the page's content (the build record and its change
     * report, the never-print and crop checks) never sees them. The pdf step writes them in the
     * printer's inks; render draws them only when asked (preview --marks). */
    cp_item *marks;
    size_t n_marks, cap_marks;
} cp_page;

typedef struct cp_rect {
    double x, y, w, h;
} cp_rect;

typedef struct cp_doc {
    const char *title;
    cp_page *pages;
    size_t n_pages, cap_pages;
} cp_doc;

void cp_doc_init(cp_doc *doc);
/* Releases the pages and the text lines they hold. */
void cp_doc_finish(cp_doc *doc);
/* A new empty page, owned by doc (the pointer is valid until the next cp_doc_add_page). */
cp_page *cp_doc_add_page(cp_doc *doc, const char *label, double trim_w, double trim_h, double bleed,
                         double slug);

/* Appends an item and returns it for the caller to fill; owned by the page. */
cp_item *cp_page_add(cp_page *p, cp_item_kind kind, const char *tag);
/* Appends a printer's mark of colour `mark` and returns it for the caller to fill; owned by the
 * page. */
cp_item *cp_page_add_mark(cp_page *p, cp_item_kind kind, const char *tag, cp_mark mark);
void cp_page_rect(cp_page *p, const char *tag, double x, double y, double w, double h, cp_color c);
/* Appends a photo (borrowed) clipped to `frame`, its upright, scaled picture lying at `pic`. */
cp_item *cp_page_image(cp_page *p, const char *tag, const cp_image *img, cp_rect frame,
                       cp_rect pic);
void cp_page_line(cp_page *p, const char *tag, double x0, double y0, double x1, double y1,
                  double width, cp_color c);

/* Makes dst (a page just added, holding no items) a copy of src: its fields, and every content
 * item with new references to the text lines, but none of its printer's marks (they are added
 * after the page cache, when the document is decorated). Strings are shared with src (they live
 * in the arena of the run that laid src out). */
void cp_page_copy(cp_page *dst, const cp_page *src);

/* Fonts described once: a PangoFont's description (family, style, weight, absolute size) as a
 * hash, remembered for the fonts of one page or document. Zero-initialise; nothing to free. */
typedef struct cp_font_memo {
    PangoFont *fonts[64];
    uint64_t hashes[64];
    size_t n;
} cp_font_memo;
uint64_t cp_font_memo_hash(cp_font_memo *m, PangoFont *font);

/* Adds a set line's fonts (described, with their sizes) and glyphs (id, advance, offsets) to h.
 * The build record's "restyled" and the page cache's page hash both use it; the record keeps
 * these hashes on disk, so a change here changes CP_RECORD_VERSION. */
void cp_line_hash(cp_hasher *h, PangoLayoutLine *line, cp_font_memo *fonts);

/* A hash of everything the page draws (every item, decorations included, with its text, glyphs,
 * fonts, photo bytes and orientation) and of its boxes and marks: equal hashes draw equal PDF
 * pages. */
uint64_t cp_page_hash(const cp_page *p);

/* Writes a stable, human-readable dump of the doc: one line per item, numbers to 0.01 pt. */
void cp_doc_dump(const cp_doc *doc, FILE *out);

#endif
