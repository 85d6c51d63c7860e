/* cp_richtext_parse with CP_RICH_SMART: a table of inputs and the exact paragraphs and spans.
 *
 * Expected texts spell non-ASCII characters as escapes so the table shows exactly which
 * character is meant: “ ” ‘ ’ – — … are U+201C U+201D U+2018 U+2019 U+2013 U+2014 U+2026,
 * U+2028 is the hard line break, U+00A0 the no-break space after a list marker. */
#include "harness.h"
#include "base/util.h"
#include "model/richtext.h"

#define LDQ    "\xE2\x80\x9C" /* “ */
#define RDQ    "\xE2\x80\x9D" /* ” */
#define LSQ    "\xE2\x80\x98" /* ‘ */
#define RSQ    "\xE2\x80\x99" /* ’ (also the apostrophe) */
#define NDASH  "\xE2\x80\x93" /* – */
#define MDASH  "\xE2\x80\x94" /* — */
#define ELLIP  "\xE2\x80\xA6" /* … */
#define LSEP   "\xE2\x80\xA8" /* U+2028 line separator: a hard line break */
#define NBSP   "\xC2\xA0"
#define BULLET "\xE2\x80\xA2"

#define E CP_SPAN_EMPH
#define S CP_SPAN_STRONG
#define C CP_SPAN_CODE

typedef struct want_span {
    size_t start, end;
    unsigned flags;
} want_span;

typedef struct want_para {
    const char *text;
    int src_line;
    want_span spans[4];
    size_t n_spans;
} want_para;

typedef struct rt_case {
    const char *name;
    const char *src;
    size_t n_paras;
    want_para paras[3];
} rt_case;

static const rt_case cases[] = {
    /* The reference release's pseudonym asterisks: two left-flanking '*' with no closer stay
     * literal, and no span is made. (The "..." still becomes an ellipsis.) */
    {"pseudonym asterisks",
     "*Neha is already a supervisor at the unit, while *Shefali is keen on learning more",
     1,
     {{"*Neha is already a supervisor at the unit, while *Shefali is keen on learning more",
       1,
       {{0}},
       0}}},
    {"pseudonym asterisks with ellipses",
     "*Neha is already a supervisor ... while *Shefali is keen on ...",
     1,
     {{"*Neha is already a supervisor " ELLIP " while *Shefali is keen on " ELLIP, 1, {{0}}, 0}}},
    {"strong title", "**Annual Calendar**", 1, {{"Annual Calendar", 1, {{0, 15, S}}, 1}}},
    {"strong inside a sentence",
     "The **Annual Calendar** is out.",
     1,
     {{"The Annual Calendar is out.", 1, {{4, 19, S}}, 1}}},
    {"emphasis", "*emphasis*", 1, {{"emphasis", 1, {{0, 8, E}}, 1}}},
    {"underscore emphasis",
     "an _emphasised_ word",
     1,
     {{"an emphasised word", 1, {{3, 13, E}}, 1}}},
    {"strong and emphasis", "***both***", 1, {{"both", 1, {{0, 4, E | S}}, 1}}},
    {"nested emphasis in strong",
     "**a *b* c**",
     1,
     {{"a b c", 1, {{0, 2, S}, {2, 3, S | E}, {3, 5, S}}, 3}}},
    {"code span", "`code` here", 1, {{"code here", 1, {{0, 4, C}}, 1}}},
    {"ampersand", "R&D & more", 1, {{"R&D & more", 1, {{0}}, 0}}},
    {"entity", "&amp; &copy;", 1, {{"& \xC2\xA9", 1, {{0}}, 0}}},
    {"tag prints as itself", "<tag>", 1, {{"<tag>", 1, {{0}}, 0}}},
    {"tag inside text", "a <b>bold</b> word", 1, {{"a <b>bold</b> word", 1, {{0}}, 0}}},
    {"angle brackets", "a < b > c", 1, {{"a < b > c", 1, {{0}}, 0}}},
    {"double and single quotes",
     "\"Hello,\" she said 'quietly'",
     1,
     {{LDQ "Hello," RDQ " she said " LSQ "quietly" RSQ, 1, {{0}}, 0}}},
    {"apostrophe", "don't", 1, {{"don" RSQ "t", 1, {{0}}, 0}}},
    {"apostrophes in names", "Neha's sister's", 1, {{"Neha" RSQ "s sister" RSQ "s", 1, {{0}}, 0}}},
    {"en dash", "1990--2000", 1, {{"1990" NDASH "2000", 1, {{0}}, 0}}},
    {"em dash", "wait---what", 1, {{"wait" MDASH "what", 1, {{0}}, 0}}},
    {"spaced em dash", "yes --- no", 1, {{"yes " MDASH " no", 1, {{0}}, 0}}},
    {"ellipsis", "and so...", 1, {{"and so" ELLIP, 1, {{0}}, 0}}},
    {"escaped asterisk", "\\*Neha*", 1, {{"*Neha*", 1, {{0}}, 0}}},
    {"escaped quote stays straight", "\\\"as is\\\"", 1, {{"\"as is\"", 1, {{0}}, 0}}},
    {"hard break: two spaces",
     "line one  \nline two",
     1,
     {{"line one" LSEP "line two", 1, {{0}}, 0}}},
    {"hard break: backslash",
     "line one\\\nline two",
     1,
     {{"line one" LSEP "line two", 1, {{0}}, 0}}},
    {"soft break is a space", "line one\nline two", 1, {{"line one line two", 1, {{0}}, 0}}},
    {"paragraphs",
     "para one\n\npara two",
     2,
     {{"para one", 1, {{0}}, 0}, {"para two", 3, {{0}}, 0}}},
    {"spans restart per paragraph",
     "plain\n\n\n*x* and **y**",
     2,
     {{"plain", 1, {{0}}, 0}, {"x and y", 4, {{0, 1, E}, {6, 7, S}}, 2}}},
    {"emphasis across a hard break", "*one  \ntwo*", 1, {{"one" LSEP "two", 1, {{0, 9, E}}, 1}}},
    {"unbalanced strong", "**bold", 1, {{"**bold", 1, {{0}}, 0}}},
    {"unbalanced emphasis", "an *open marker", 1, {{"an *open marker", 1, {{0}}, 0}}},
    /* The footnote trap: "**" opens, the lone "*" closes, so CommonMark matches one '*' of the
     * opener with the closer: a literal '*' then emphasis (not strong) on the rest. */
    {"footnote trap", "**Pseudonym used.*", 1, {{"*Pseudonym used.", 1, {{1, 16, E}}, 1}}},
    /* Block constructs keep their text as paragraphs (richtext.h); a list item carries its
     * marker (a bullet or the item's number) and a no-break space. */
    {"list item", "- item", 1, {{BULLET NBSP "item", 1, {{0}}, 0}}},
    {"ordered list",
     "1. one\n2. two",
     2,
     {{"1." NBSP "one", 1, {{0}}, 0}, {"2." NBSP "two", 2, {{0}}, 0}}},
    {"heading", "# Title", 1, {{"Title", 1, {{0}}, 0}}},
    {"heading then body", "# Title\n\nBody", 2, {{"Title", 1, {{0}}, 0}, {"Body", 3, {{0}}, 0}}},
    {"setext heading", "Title\n---", 1, {{"Title", 1, {{0}}, 0}}},
    {"block quote", "> quoted", 1, {{"quoted", 1, {{0}}, 0}}},
    {"indented code", "    code", 1, {{"code", 1, {{0}}, 0}}},
    {"link text only", "[link](http://x) text", 1, {{"link text", 1, {{0}}, 0}}},
    {"empty", "", 0, {{0}}},
    {"blank lines only", "  \n\n  ", 0, {{0}}},
    {"Bengali",
     "**\xE0\xA6\xA8\xE0\xA7\x87\xE0\xA6\xB9\xE0\xA6\xBE** \xE0\xA6\x8F\xE0\xA6\x96\xE0\xA6\xA8",
     1,
     {{"\xE0\xA6\xA8\xE0\xA7\x87\xE0\xA6\xB9\xE0\xA6\xBE \xE0\xA6\x8F\xE0\xA6\x96\xE0\xA6\xA8",
       1,
       {{0, 12, S}},
       1}}},
};

/* Prints text with non-ASCII bytes escaped, for failure messages. */
static const char *esc(const char *s, char *buf, size_t cap)
{
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && o + 5 < cap; p++) {
        if (*p < 0x20 || *p >= 0x7f)
            o += (size_t)snprintf(buf + o, cap - o, "\\x%02X", *p);
        else
            buf[o++] = (char)*p;
    }
    buf[o] = '\0';
    return buf;
}

static void run_case(const rt_case *tc)
{
    cp_arena a;
    cp_arena_init(&a);
    cp_richtext rt;
    cp_richtext_parse(&a, tc->src, CP_RICH_SMART, &rt);
    CHECK(rt.n_paras == tc->n_paras, "%s: %zu paragraphs, want %zu", tc->name, rt.n_paras,
          tc->n_paras);
    for (size_t i = 0; i < rt.n_paras && i < tc->n_paras; i++) {
        const cp_para *p = &rt.paras[i];
        const want_para *w = &tc->paras[i];
        char b1[512], b2[512];
        CHECK(strcmp(p->text, w->text) == 0, "%s: paragraph %zu text \"%s\", want \"%s\"", tc->name,
              i, esc(p->text, b1, sizeof b1), esc(w->text, b2, sizeof b2));
        CHECK(p->src_line == w->src_line, "%s: paragraph %zu src_line %d, want %d", tc->name, i,
              p->src_line, w->src_line);
        CHECK(p->n_spans == w->n_spans, "%s: paragraph %zu has %zu spans, want %zu", tc->name, i,
              p->n_spans, w->n_spans);
        for (size_t j = 0; j < p->n_spans && j < w->n_spans; j++) {
            const cp_span *s = &p->spans[j];
            CHECK(s->start == w->spans[j].start && s->end == w->spans[j].end &&
                      s->flags == w->spans[j].flags,
                  "%s: span %zu is [%zu,%zu) flags %u, want [%zu,%zu) flags %u", tc->name, j,
                  s->start, s->end, s->flags, w->spans[j].start, w->spans[j].end,
                  w->spans[j].flags);
        }
        /* Spans are ordered, non-empty, inside the text. */
        size_t len = strlen(p->text), prev_end = 0;
        for (size_t j = 0; j < p->n_spans; j++) {
            const cp_span *s = &p->spans[j];
            CHECK(s->start < s->end && s->end <= len && s->start >= prev_end && s->flags != 0,
                  "%s: span %zu [%zu,%zu) flags %u badly formed (text length %zu)", tc->name, j,
                  s->start, s->end, s->flags, len);
            prev_end = s->end;
        }
    }
    cp_arena_finish(&a);
}

/* Without CP_RICH_SMART quotes, dashes and dots stay as typed. */
static void test_not_smart(void)
{
    cp_arena a;
    cp_arena_init(&a);
    cp_richtext rt;
    cp_richtext_parse(&a, "\"don't\" -- --- ... *x*", 0, &rt);
    CHECK_INT(rt.n_paras, 1);
    if (rt.n_paras == 1) {
        CHECK_STR(rt.paras[0].text, "\"don't\" -- --- ... x");
        CHECK_INT(rt.paras[0].n_spans, 1);
    }
    cp_arena_finish(&a);
}

static void test_plain(void)
{
    cp_arena a;
    cp_arena_init(&a);
    cp_richtext rt;
    cp_richtext_parse(&a, "**One** para\n\nTwo  \nlines\n\n\n\n*Three*...", CP_RICH_SMART, &rt);
    CHECK_INT(rt.n_paras, 3);
    CHECK_STR(cp_richtext_plain(&a, &rt), "One para\n\nTwo" LSEP "lines\n\nThree" ELLIP);
    cp_richtext_parse(&a, "", CP_RICH_SMART, &rt);
    CHECK_STR(cp_richtext_plain(&a, &rt), "");
    cp_richtext_parse(&a, "single", CP_RICH_SMART, &rt);
    CHECK_STR(cp_richtext_plain(&a, &rt), "single");
    cp_arena_finish(&a);
}

/* Invalid UTF-8 in the source is replaced (CMARK_OPT_VALIDATE_UTF8), never passed through. */
static void test_invalid_utf8(void)
{
    cp_arena a;
    cp_arena_init(&a);
    cp_richtext rt;
    cp_richtext_parse(&a, "caf\xE9 ok", CP_RICH_SMART, &rt);
    CHECK_INT(rt.n_paras, 1);
    if (rt.n_paras == 1)
        CHECK_STR(rt.paras[0].text, "caf\xEF\xBF\xBD ok"); /* U+FFFD */
    cp_arena_finish(&a);
}

static void test_stars(void)
{
    cp_arena a;
    cp_arena_init(&a);
    cp_rich_star *st;
    /* A pseudonym mark, with its line and column (in characters: the é counts once). */
    size_t n = cp_richtext_stars(&a, "Café with *Neha's friends.\nAnd *Rupa-di too.", &st);
    CHECK_INT(n, 2);
    CHECK_INT(st[0].line, 1);
    CHECK_INT(st[0].col, 11);
    CHECK_STR(st[0].name, "Neha");
    CHECK_INT(st[1].line, 2);
    CHECK_INT(st[1].col, 5);
    CHECK_STR(st[1].name, "Rupa-di");
    /* Unbalanced emphasis leaves one '*': a stray (no name), at the first of the two. */
    n = cp_richtext_stars(&a, "Note:\n\n**Pseudonym used.*", &st);
    CHECK_INT(n, 1);
    CHECK(n == 1 && st[0].name == NULL && st[0].line == 3 && st[0].col == 1,
          "a stray delimiter at 3:1");
    /* Escaped asterisks, one between spaces, and balanced emphasis: nothing. */
    n = cp_richtext_stars(&a, "\\*not\\* here, 5 * 3, *emphasis* and **strong**", &st);
    CHECK_INT(n, 0);
    cp_arena_finish(&a);
}

int main(void)
{
    for (size_t i = 0; i < CP_ARRAY_LEN(cases); i++)
        run_case(&cases[i]);
    test_not_smart();
    test_plain();
    test_invalid_utf8();
    test_stars();
    return cp_test_summary("unit/richtext");
}
