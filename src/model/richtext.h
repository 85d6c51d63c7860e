/* Inline markup (CommonMark, parsed by cmark) turned into plain text with styled spans. */
#ifndef CP_RICHTEXT_H
#define CP_RICHTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"

enum { CP_SPAN_EMPH = 1u << 0, CP_SPAN_STRONG = 1u << 1, CP_SPAN_CODE = 1u << 2 };

/* Byte range [start, end) of a paragraph's text with the given flags. */
typedef struct cp_span {
    size_t start, end;
    unsigned flags;
} cp_span;

typedef struct cp_para {
    char *text; /* UTF-8; hard line breaks are U+2028 */
    cp_span *spans;
    size_t n_spans;
    int src_line; /* 1-based line of the paragraph within the source string */
} cp_para;

typedef struct cp_richtext {
    cp_para *paras;
    size_t n_paras;
} cp_richtext;

enum {
    CP_RICH_SMART = 1u << 0, /* typographic quotes, dashes, ellipses */
};

/* Parses src as CommonMark (inline markup, paragraphs separated by blank lines). Block constructs
 * a story does not use (headings, lists, quotes, code) keep their text as plain paragraphs.
 * Everything is allocated in the arena. */
void cp_richtext_parse(cp_arena *a, const char *src, unsigned opts, cp_richtext *out);

/* A plain (not markup) text with typographic punctuation only: quotes, apostrophes, dashes and
 * ellipses as cmark's smart punctuation sets them, every other character as written (markup
 * characters are escaped before cmark sees them). Arena-owned. */
char *cp_richtext_smart_plain(cp_arena *a, const char *text);

/* An asterisk that markup leaves as text: a pseudonym's mark ("*Neha") or a stray emphasis
 * delimiter ("**Pseudonym used.*" leaves one '*' unmatched). */
typedef struct cp_rich_star {
    int line, col;    /* 1-based in the source; col in characters */
    const char *name; /* a pseudonym mark: the word after it (arena-owned); NULL: a stray */
} cp_rich_star;

/* The asterisks of src that cmark leaves as text, in source order, ignoring escaped ones (\*)
 * and a lone '*' between spaces. Returns how many; *out is arena-allocated. */
size_t cp_richtext_stars(cp_arena *a, const char *src, cp_rich_star **out);

/* All paragraphs' text joined with "\n\n" (arena-owned), for tests and text dumps. */
char *cp_richtext_plain(cp_arena *a, const cp_richtext *rt);

#endif
