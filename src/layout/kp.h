/* Internal to the layout layer: the optimal line breaker (Knuth and Plass, "Breaking paragraphs
 * into lines", 1981) on plain numbers, used by text.c's whole-paragraph candidate.
 *
 * Pango breaks greedily, line by line, so one long word can leave a line with gaping spaces.
 * text.c shapes the whole paragraph as a single line with Pango and hands the x position of every
 * byte to cp_kp_items; cp_kp_breaks chooses the breaks that minimise the paragraph's total
 * demerits; cp_kp_rewrite forces them with U+2028 so that Pango justifies each line. Nothing
 * here knows Pango. Pango can stretch word spaces but not shrink them, so glue here only
 * stretches, and every chosen line is at most the measure. Every array a function returns is
 * malloc'd and owned by the caller (free()). */
#ifndef CP_KP_H
#define CP_KP_H

#include <stdbool.h>
#include <stddef.h>

enum { CP_KP_BOX, CP_KP_GLUE, CP_KP_PENALTY };
/* Infinite stretch, and the penalty of a forced break (its negative). */
#define CP_KP_INF 10000.0

typedef struct cp_kp_item {
    int type; /* CP_KP_BOX, CP_KP_GLUE or CP_KP_PENALTY */
    double w, stretch, penalty;
    bool flagged;   /* a hyphen: two in a row cost extra */
    size_t at, len; /* bytes of the text this item covers */
    int letters;    /* boxes: characters, for the runt rule */
} cp_kp_item;

/* True for a forced break: a paragraph's end or a hard line break (U+2028). */
static inline bool cp_kp_forced(const cp_kp_item *x)
{
    return x->type == CP_KP_PENALTY && x->penalty <= -CP_KP_INF;
}

/* Turns text into boxes, glue and penalties. xs holds strlen(text) + 1 positions: xs[i] is the
 * x position (points) of byte i on a one-line setting of text, xs[strlen(text)] its width.
 * A space is glue that stretches by 0.6 of its width; a soft hyphen (U+00AD) a flagged penalty
 * of hyphen_w; a hyphen or dash inside a word a penalty after it (flagged for '-'); U+2028 and
 * the text's end fill glue and a forced break. Returns the number of items in *out. */
size_t cp_kp_items(const char *text, const double *xs, double hyphen_w, cp_kp_item **out);

/* Chooses breaks for lines of width points, the first narrowed by first_indent, each line's
 * word spaces stretched at most tolerance times their stretch (a forced break's line may be
 * looser). Returns the number of lines and puts in *breaks_out the item index that ends each
 * line (the last is the paragraph's end), or returns 0, leaving *breaks_out alone, when no set
 * of breaks keeps every line within the tolerance. */
int cp_kp_breaks(const cp_kp_item *it, size_t n, double width, double first_indent,
                 double tolerance, size_t **breaks_out);

/* Chooses breaks as a greedy breaker does, line by line: each line ends at the last legal break
 * (a word space after a word, a hyphen or dash, a soft hyphen with its hyphen) where its natural
 * width is at most the measure, and at every forced break. Glue does not stretch or shrink here:
 * this is the breaker Pango runs, on the same numbers as cp_kp_breaks, so its lines can be scored
 * without setting them. Returns the number of lines and the breaks in *breaks_out as
 * cp_kp_breaks does, or 0, leaving *breaks_out alone, when a line has no break that fits (a word
 * wider than the measure). */
int cp_kp_greedy(const cp_kp_item *it, size_t n, double width, double first_indent,
                 size_t **breaks_out);

/* One line of a chosen set of breaks. */
typedef struct cp_kp_line {
    size_t start, end; /* bytes of the text: from the line's first item to its break */
    double width;      /* natural width, a hyphen at the break included */
    double stretch;    /* total stretch of its word spaces */
    bool last;         /* ends at a forced break */
} cp_kp_line;

/* The lines that cp_kp_breaks's breaks make of the items of a text of text_len bytes; out
 * holds lines entries. */
void cp_kp_lines(const cp_kp_item *it, size_t n, const size_t *breaks, int lines, size_t text_len,
                 cp_kp_line *out);

/* Returns text with the breaks forced: a space at a break becomes U+2028, a soft hyphen a
 * hyphen and U+2028, a break after a dash gains U+2028 (forced breaks are already there).
 * *shift_out (strlen(text) + 1 entries) receives each old byte offset's new offset. */
char *cp_kp_rewrite(const char *text, const cp_kp_item *it, const size_t *breaks, int lines,
                    size_t **shift_out);

#endif
