/* The never-print list: real names and places that must never reach a PDF. Entries are kept
 * only in folded form and are never printed; a match is reported as the text that matched. */
#ifndef CP_NEVERPRINT_H
#define CP_NEVERPRINT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"

/* Entries folded for matching: Unicode NFKC case folding (ICU), then canonical decomposition;
 * typographic apostrophes and quotation marks as ' and "; every run of white space as one
 * space. Matching compares these foldings, so "RUPA  DAS" in a story finds "rupa das". */
typedef struct cp_never_key cp_never_key;

typedef struct cp_never_print {
    char **entries; /* folded, owned (wiped before they are freed) */
    size_t n, cap;
    cp_never_key *by_word; /* the entries sorted by their first word; owned, built by a scan */
    size_t n_by_word;
} cp_never_print;

void cp_never_print_init(cp_never_print *np);
/* Wipes and releases the entries. */
void cp_never_print_finish(cp_never_print *np);

/* Adds the entries of the UTF-8 file at path: one a line; blank lines ignored; '#' at the start
 * of a line or after white space starts a comment. A file that cannot be read is an error at
 * named_at (the manifest's never_print key), or, when named_at has no file, an error naming
 * `option` (the command line's --never-print). Invalid UTF-8 is an error at its line in the
 * file. No message ever quotes an entry. Returns false after reporting an error. */
bool cp_never_print_load(cp_never_print *np, const char *path, cp_pos named_at, const char *option,
                         cp_diags *d);

/* Adds one entry (text as a person would write it in the file). Entries that fold to nothing
 * are skipped. */
void cp_never_print_add(cp_never_print *np, const char *entry, size_t len);

/* One match: which entry, and the bytes [start, end) of the searched text it covers. */
typedef struct cp_never_hit {
    size_t entry;
    size_t start, end;
} cp_never_hit;

/* Finds every entry in text[0..len) as whole words: the characters either side of a match (after
 * folding; ignorable characters such as soft hyphens do not count) are not letters, digits or
 * combining marks. Returns the number of matches, in text order, and stores the first `max` in
 * hits. */
size_t cp_never_print_scan(cp_never_print *np, const char *text, size_t len, cp_never_hit *hits,
                           size_t max);

/* True when text holds part, both folded as the entries are (a case-insensitive substring
 * test that ignores how white space and quotation marks were typed). */
bool cp_never_print_contains(const char *text, const char *part);

#endif
