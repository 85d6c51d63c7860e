/* The Knuth-Plass breaker of the layout layer (kp.h) on hand-made measures: items from text and x
 * positions, the breaks chosen, the lines they make and the rewritten text.
 *
 * Text is "measured" by positions(): every character is 1 pt wide, a space 2 pt (so it
 * stretches by 1.2 pt), a soft hyphen or U+2028 nothing, as Pango measures them on one line. A
 * line of k spaces and natural width L in a measure W has the stretch ratio r = (W - L) / 1.2k;
 * the numbers in the comments below come from that. */
#include "harness.h"
#include "base/util.h"
#include "layout/kp.h"

#include <stdlib.h>

#define SHY   "\xC2\xAD"
#define LSEP  "\xE2\x80\xA8"
#define NDASH "\xE2\x80\x93"

/* The x position of every byte of text (strlen + 1 entries, malloc'd). */
static double *positions(const char *text)
{
    size_t len = strlen(text);
    double *xs = cp_xmalloc((len + 1) * sizeof *xs);
    double x = 0;
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)text[i];
        size_t step = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        double w = c == ' '                          ? 2
                   : strncmp(text + i, SHY, 2) == 0  ? 0
                   : strncmp(text + i, LSEP, 3) == 0 ? 0
                                                     : 1;
        for (size_t k = 0; k < step && i + k < len; k++)
            xs[i + k] = x;
        x += w;
        i += step;
    }
    xs[len] = x;
    return xs;
}

/* The items of text measured by positions(), with a 1.5 pt hyphen; their count in *n. */
static cp_kp_item *items(const char *text, size_t *n)
{
    double *xs = positions(text);
    cp_kp_item *it = NULL;
    *n = cp_kp_items(text, xs, 1.5, &it);
    free(xs);
    return it;
}

/* Breaks as item indices "7 13 16"; "none" when there are none (static buffer). Frees br. */
static const char *breaks_fmt(size_t *br, int lines)
{
    static char buf[256];
    size_t o = 0;
    buf[0] = '\0';
    for (int k = 0; k < lines && o < sizeof buf - 24; k++)
        o += (size_t)snprintf(buf + o, sizeof buf - o, k ? " %zu" : "%zu", br[k]);
    if (lines == 0)
        snprintf(buf, sizeof buf, "none");
    free(br);
    return buf;
}

/* The breaks cp_kp_breaks chooses (as breaks_fmt). */
static const char *breaks_str(const cp_kp_item *it, size_t n, double width, double indent,
                              double tolerance)
{
    size_t *br = NULL;
    int lines = cp_kp_breaks(it, n, width, indent, tolerance, &br);
    return breaks_fmt(br, lines);
}

/* The breaks of text measured by positions() (as breaks_str). */
static const char *breaks_of(const char *text, double width, double indent, double tolerance)
{
    size_t n;
    cp_kp_item *it = items(text, &n);
    const char *s = breaks_str(it, n, width, indent, tolerance);
    free(it);
    return s;
}

/* The items of text (measured by positions()) as one line, each "KIND@AT+LEN" and its numbers:
 * "box@0+2 w2 l2" (width, letters), "glue@2+1 w2 s1.2" (width, stretch; s=inf for fill),
 * "pen@2+2 w1.5 p60 flagged" (width, penalty; p=-inf forced). Static buffer. */
static const char *items_str(const char *text)
{
    static char buf[1024];
    size_t n, o = 0;
    cp_kp_item *it = items(text, &n);
    buf[0] = '\0';
    for (size_t k = 0; k < n && o < sizeof buf - 64; k++) {
        const cp_kp_item *x = &it[k];
        const char *kind = x->type == CP_KP_BOX ? "box" : x->type == CP_KP_GLUE ? "glue" : "pen";
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s@%zu+%zu w%g", k ? " | " : "", kind,
                              x->at, x->len, x->w);
        if (x->type == CP_KP_BOX)
            o += (size_t)snprintf(buf + o, sizeof buf - o, " l%d", x->letters);
        else if (x->type == CP_KP_GLUE && x->stretch >= CP_KP_INF)
            o += (size_t)snprintf(buf + o, sizeof buf - o, " s=inf");
        else if (x->type == CP_KP_GLUE)
            o += (size_t)snprintf(buf + o, sizeof buf - o, " s%g", x->stretch);
        else if (cp_kp_forced(x))
            o += (size_t)snprintf(buf + o, sizeof buf - o, " p=-inf");
        else
            o += (size_t)snprintf(buf + o, sizeof buf - o, " p%g%s", x->penalty,
                                  x->flagged ? " flagged" : "");
    }
    free(it);
    return buf;
}

/* The paragraph's end is fill glue and a forced break. */
#define END(at) " | glue@" #at "+0 w0 s=inf | pen@" #at "+0 w0 p=-inf"

static void test_items(void)
{
    /* a space is glue stretching by 0.6 of its width */
    CHECK_STR(items_str("ab cde"), "box@0+2 w2 l2 | glue@2+1 w2 s1.2 | box@3+3 w3 l3" END(6));
    /* a soft hyphen: a flagged penalty as wide as the hyphen it would show */
    CHECK_STR(items_str("hy" SHY "phen"), "box@0+2 w2 l2 | pen@2+2 w1.5 p60 flagged"
                                          " | box@4+4 w4 l4" END(8));
    /* after a hyphen inside a word: a flagged penalty of no width, the hyphen in the box */
    CHECK_STR(items_str("well-known"),
              "box@0+5 w5 l5 | pen@5+0 w0 p50 flagged | box@5+5 w5 l5" END(10));
    /* after an en dash: the same, not flagged as a hyphen */
    CHECK_STR(items_str("1990" NDASH "95"),
              "box@0+7 w5 l5 | pen@7+0 w0 p50 | box@7+2 w2 l2" END(9));
    /* no break at a word's edge: a leading hyphen, or a hyphen before a space */
    CHECK_STR(items_str("-x y- z"), "box@0+2 w2 l2 | glue@2+1 w2 s1.2 | box@3+2 w2 l2"
                                    " | glue@5+1 w2 s1.2 | box@6+1 w1 l1" END(7));
    /* a hard line break (U+2028) ends a line as the paragraph's end does */
    CHECK_STR(items_str("ab" LSEP "cd"), "box@0+2 w2 l2 | glue@2+0 w0 s=inf | pen@2+3 w0 p=-inf"
                                         " | box@5+2 w2 l2" END(7));
    /* nothing but the end */
    CHECK_STR(items_str(""), "glue@0+0 w0 s=inf | pen@0+0 w0 p=-inf");
}

/* Words of 2, 2, 2, 1, 1, 8, 2 and 7 letters in 16 pt. Greedy breaking fills the first line
 * ("aa bb cc d e", r = 0) and leaves "ffffffff gg" at r = 3.3; the whole paragraph is better
 * broken one word earlier: "aa bb cc d" (r = 0.83) and "e ffffffff gg" (r = 0.42). */
#define EVEN_TEXT "aa bb cc d e ffffffff gg hhhhhhh"

static void test_breaks_even(void)
{
    /* items: aa 0, glue 1, bb 2, glue 3, cc 4, glue 5, d 6, glue 7, e 8, glue 9, ... gg 12,
     * glue 13, hhhhhhh 14, fill 15, end 16; greedy would give "9 13 16" */
    CHECK_STR(breaks_of(EVEN_TEXT, 16, 0, 1), "7 13 16");
    CHECK_STR(breaks_of(EVEN_TEXT, 16, 0, 3), "7 13 16");
    size_t n;
    cp_kp_item *it = items(EVEN_TEXT, &n);
    size_t *br = NULL;
    int lines = cp_kp_breaks(it, n, 16, 0, 1, &br);
    CHECK_INT(lines, 3);
    if (lines != 3) {
        free(br);
        free(it);
        return;
    }
    cp_kp_line ln[3];
    cp_kp_lines(it, n, br, lines, strlen(EVEN_TEXT), ln);
    CHECK(ln[0].start == 0 && ln[0].end == 10 && ln[0].width == 13, "line 1: %zu..%zu width %g",
          ln[0].start, ln[0].end, ln[0].width);
    CHECK(ln[0].stretch > 3.59 && ln[0].stretch < 3.61, "line 1 stretch %g", ln[0].stretch);
    CHECK(ln[1].start == 11 && ln[1].end == 24 && ln[1].width == 15, "line 2: %zu..%zu width %g",
          ln[1].start, ln[1].end, ln[1].width);
    CHECK(ln[1].stretch > 2.39 && ln[1].stretch < 2.41, "line 2 stretch %g", ln[1].stretch);
    CHECK(ln[2].start == 25 && ln[2].end == 32 && ln[2].width == 7 && ln[2].last,
          "line 3: %zu..%zu width %g last %d", ln[2].start, ln[2].end, ln[2].width, ln[2].last);
    CHECK(!ln[0].last && !ln[1].last, "only the last line is last");
    free(br);
    free(it);
}

/* Three words of four letters in 10 pt can only be "aaaa bbbb" (r = 0) and a last line. */
static void test_breaks_none(void)
{
    /* a word wider than the measure */
    CHECK_STR(breaks_of("aaaaaaaaaaaa bb", 10, 0, 3), "none");
    /* a line of one word cannot stretch to the measure */
    CHECK_STR(breaks_of("aaaaaa bbbbbb cc", 10, 0, 3), "none");
    size_t n;
    cp_kp_item *it = items("aaaaaaaaaaaa bb", &n);
    size_t *br = (size_t *)&n; /* must be left alone */
    CHECK_INT(cp_kp_breaks(it, n, 10, 0, 3, &br), 0);
    CHECK(br == (size_t *)&n, "breaks_out was changed");
    free(it);
    /* looser lines are accepted with a higher tolerance: "aa bb" / "cc dd" at r = 1.67 */
    CHECK_STR(breaks_of("aa bb cc dd", 8, 0, 1), "none");
    CHECK_STR(breaks_of("aa bb cc dd", 8, 0, 3), "3 8");
}

/* The first line is indent narrower; the lines after it are not. */
static void test_breaks_indent(void)
{
    /* In 10 pt "aaaaaaaa" alone is too short a line and "aaaaaaaa bbbb" too long; in 8 pt it
     * fills the line, and "bbbb cccc" fills the next 10 pt. */
    CHECK_STR(breaks_of("aaaaaaaa bbbb cccc dddddd", 10, 0, 3), "none");
    CHECK_STR(breaks_of("aaaaaaaa bbbb cccc dddddd", 10, 2, 3), "1 5 8");
    /* a line may overrun its measure by 0.01 pt, no more */
    CHECK_STR(breaks_of("aaaa bbbb cccccc", 10, 0.005, 3), "3 6");
    CHECK_STR(breaks_of("aaaa bbbb cccccc", 10, 0.02, 3), "none");
}

/* Hand-made items in 10 pt, spaces stretching by 3: the paragraph breaks either
 *   A: "A1 A2-" / "B1 B2 C1-" / "C2 D"  (two hyphens in a row, both lines r = 0)
 *   B: "A1 A2-" / "B1 B2"     / "C1C2 D" (one hyphen, the middle line at r = 0.83)
 * A costs 3700 + 3700 + 100 plus 3000 for the second hyphen in a row; B 3700 + 4595 + 100. */
static size_t hyphen_items(cp_kp_item *it, bool first_flagged)
{
    size_t n = 0;
    cp_kp_item glue = {.type = CP_KP_GLUE, .w = 1, .stretch = 3};
    cp_kp_item hyphen = {.type = CP_KP_PENALTY, .w = 1, .penalty = 60, .flagged = true};
    it[n++] = (cp_kp_item){.type = CP_KP_BOX, .w = 4, .letters = 4}; /* A1 */
    it[n++] = glue;
    it[n++] = (cp_kp_item){.type = CP_KP_BOX, .w = 4, .letters = 4}; /* A2 */
    it[n] = hyphen;
    it[n++].flagged = first_flagged;                                 /* 3 */
    it[n++] = (cp_kp_item){.type = CP_KP_BOX, .w = 3, .letters = 3}; /* B1 */
    it[n++] = glue;
    it[n++] = (cp_kp_item){.type = CP_KP_BOX, .w = 3.5, .letters = 4}; /* B2 */
    it[n++] = glue;                                                    /* 7 */
    it[n++] = (cp_kp_item){.type = CP_KP_BOX, .w = 0.5, .letters = 1}; /* C1 */
    it[n++] = hyphen;                                                  /* 9 */
    it[n++] = (cp_kp_item){.type = CP_KP_BOX, .w = 2, .letters = 2};   /* C2 */
    it[n++] = glue;
    it[n++] = (cp_kp_item){.type = CP_KP_BOX, .w = 3, .letters = 3}; /* D */
    it[n++] = (cp_kp_item){.type = CP_KP_GLUE, .stretch = CP_KP_INF};
    it[n++] = (cp_kp_item){.type = CP_KP_PENALTY, .penalty = -CP_KP_INF}; /* 14 */
    return n;
}

static void test_breaks_hyphens_in_a_row(void)
{
    cp_kp_item it[16];
    size_t n = hyphen_items(it, true);
    CHECK_INT(n, 15);
    CHECK_STR(breaks_str(it, n, 10, 0, 1), "3 7 14");
    /* with the first break not a hyphen, the even lines win */
    n = hyphen_items(it, false);
    CHECK_STR(breaks_str(it, n, 10, 0, 1), "3 9 14");
    /* a line ending at a hyphen is as wide as its boxes, glue and the hyphen */
    size_t br[] = {3, 9, 14};
    cp_kp_line ln[3];
    cp_kp_lines(it, n, br, 3, 0, ln);
    CHECK(ln[0].width == 10 && ln[0].stretch == 3, "line 1: width %g stretch %g", ln[0].width,
          ln[0].stretch);
    CHECK(ln[1].width == 10 && ln[1].stretch == 6, "line 2: width %g stretch %g", ln[1].width,
          ln[1].stretch);
    CHECK(ln[2].width == 6 && ln[2].last, "line 3: width %g", ln[2].width);
}

/* "a b c d e" fills 13 pt exactly, leaving "f" alone on the last line (a runt); breaking a word
 * earlier ("a b c d", r = 0.83, and "e f") is preferred. A last word of six letters is no runt. */
static void test_breaks_runt(void)
{
    CHECK_STR(breaks_of("a b c d e f", 13, 0, 1), "7 12");
    CHECK_STR(breaks_of("a b c d e ffffff", 13, 0, 1), "9 12");
    /* the only breaks there are: the runt stays */
    CHECK_STR(breaks_of("aaaa bbbbbb c", 12, 0, 1), "3 6");
}

static void test_breaks_hard(void)
{
    CHECK_STR(breaks_of("aa bb cc dd", 100, 0, 1), "8");
    /* items: aa 0, glue 1, bb 2, fill 3, hard break 4, cc 5, glue 6, dd 7, fill 8, end 9 */
    CHECK_STR(breaks_of("aa bb" LSEP "cc dd", 100, 0, 1), "4 9");
    /* the line after a hard break is not the first: no indent for it */
    CHECK_STR(breaks_of("aaaaaaaa" LSEP "bbbb cccc dddddd", 10, 2, 3), "2 6 9");
}

/* The rewrite forces each break: U+2028 for a space, "-" U+2028 for a soft hyphen, U+2028 after
 * a hyphen; a hard break and the end stay as they are. */
static void test_rewrite(void)
{
    const char *text = "aa hy" SHY "phen well-known" LSEP "x y";
    size_t n;
    cp_kp_item *it = items(text, &n);
    /* items: aa 0, glue 1, hy 2, shy 3, phen 4, glue 5, well- 6, penalty 7, known 8, fill 9,
     * hard 10, x 11, glue 12, y 13, fill 14, end 15 */
    CHECK_INT(n, 16);
    size_t breaks[] = {1, 3, 7, 10, 12, 15};
    size_t *shift = NULL;
    char *out = cp_kp_rewrite(text, it, breaks, 6, &shift);
    CHECK_STR(out, "aa" LSEP "hy-" LSEP "phen well-" LSEP "known" LSEP "x" LSEP "y");
    size_t len = strlen(text);
    /* a space becomes U+2028 in place (2 bytes more); the soft hyphen's two bytes both go to
     * the hyphen; later bytes move by what was added before them */
    CHECK_INT(shift[0], 0);
    CHECK_INT(shift[2], 2);
    CHECK_INT(shift[3], 5);
    CHECK_INT(shift[5], 7);
    CHECK_INT(shift[6], 7);
    CHECK_INT(shift[7], 11);
    CHECK_INT(shift[16], 20); /* the hyphen of well-known */
    CHECK_INT(shift[17], 24); /* 'k' of known, after the inserted U+2028 */
    CHECK_INT(shift[22], 29); /* the hard break itself */
    CHECK_INT(shift[26], 33); /* the space before y */
    CHECK_INT(shift[len], strlen(out));
    for (size_t i = 0; i < len; i++)
        if (text[i] != ' ' && !(i == 5 || i == 6))
            CHECK(out[shift[i]] == text[i], "byte %zu moved to %zu is not the same", i, shift[i]);
    free(out);
    free(shift);
    free(it);
}

/* The breaks cp_kp_greedy chooses for text measured by positions() (as breaks_str). */
static const char *greedy_of(const char *text, double width, double indent)
{
    size_t n, *br = NULL;
    cp_kp_item *it = items(text, &n);
    int lines = cp_kp_greedy(it, n, width, indent, &br);
    free(it);
    return breaks_fmt(br, lines);
}

/* The greedy breaker fills each line as far as it can, whatever that leaves for the next. */
static void test_greedy(void)
{
    /* "aa bb cc d e" fills the first line (13 of 16): the loose "ffffffff gg" follows. */
    CHECK_STR(greedy_of(EVEN_TEXT, 16, 0), "9 13 16");
    /* A line exactly as wide as the measure fits; a hair narrower measure does not. */
    CHECK_STR(greedy_of("aa bb", 6, 0), "4");
    CHECK_STR(greedy_of("aa bb", 5.99, 0), "1 4");
    /* A soft hyphen breaks with its hyphen counted: "aaaa-" is 5.5 pt. */
    CHECK_STR(greedy_of("aaaa" SHY "bbbb cc", 6, 0), "1 3 6");
    CHECK_STR(greedy_of("aaaa" SHY "bbbb cc", 5.4, 0), "none");
    CHECK_STR(greedy_of("aaaa" SHY "b cc", 5, 0), "3 6");
    CHECK_STR(greedy_of("xx aaaa" SHY "b cc", 5, 0), "1 5 8");
    /* After an explicit hyphen inside a word. */
    CHECK_STR(greedy_of("well-known fact", 6, 0), "1 3 6");
    /* The first line narrowed by an indent, or widened by a hanging one. */
    CHECK_STR(greedy_of("aa bb cc", 6, 2), "1 6");
    CHECK_STR(greedy_of("aa bb cc", 6, -2), "3 6");
    /* A hard break always ends its line; the last line ends at the paragraph's end. */
    CHECK_STR(greedy_of("aa" LSEP "bb cc", 20, 0), "2 7");
    CHECK_STR(greedy_of("", 10, 0), "1");
    /* Two hard breaks in a row leave an empty line between them. */
    CHECK_STR(greedy_of("aa" LSEP LSEP "bb", 20, 0), "2 4 7");
    /* A space before a hard break hangs: "aa " ends at the break, as Pango sets it. */
    CHECK_STR(greedy_of("aa " LSEP "bb", 3, 0), "3 6");
    /* A word wider than the measure: no breaks, and breaks_out is left alone. */
    CHECK_STR(greedy_of("aaaaaaaaaaaa bb", 10, 0), "none");
    size_t n;
    cp_kp_item *it = items("aaaaaaaaaaaa bb", &n);
    size_t *br = (size_t *)&n;
    CHECK_INT(cp_kp_greedy(it, n, 10, 0, &br), 0);
    CHECK(br == (size_t *)&n, "breaks_out was changed");
    free(it);
    /* The lines greedy breaks make, measured: the hyphen is in the first line's width. */
    it = items("aaaa" SHY "bbbb cc", &n);
    br = NULL;
    int lines = cp_kp_greedy(it, n, 6, 0, &br);
    CHECK_INT(lines, 3);
    if (lines == 3) {
        cp_kp_line ln[3];
        cp_kp_lines(it, n, br, lines, strlen("aaaa" SHY "bbbb cc"), ln);
        CHECK(ln[0].start == 0 && ln[0].end == 4 && ln[0].width == 5.5 && !ln[0].last,
              "line 1: %zu..%zu width %g", ln[0].start, ln[0].end, ln[0].width);
        CHECK(ln[1].start == 6 && ln[1].end == 10 && ln[1].width == 4 && !ln[1].last,
              "line 2: %zu..%zu width %g", ln[1].start, ln[1].end, ln[1].width);
        CHECK(ln[2].start == 11 && ln[2].end == 13 && ln[2].width == 2 && ln[2].last,
              "line 3: %zu..%zu width %g", ln[2].start, ln[2].end, ln[2].width);
    }
    free(br);
    free(it);
}

int main(void)
{
    test_items();
    test_breaks_even();
    test_breaks_none();
    test_breaks_indent();
    test_breaks_hyphens_in_a_row();
    test_breaks_runt();
    test_breaks_hard();
    test_rewrite();
    test_greedy();
    return cp_test_summary("unit/kp");
}
