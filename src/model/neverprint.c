/* The never-print list: loading, folding with ICU, and whole-word matching. */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "model/neverprint.h"
#include "base/strbuf.h"
#include "base/utf8.h"
#include "base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

void cp_never_print_init(cp_never_print *np)
{
    memset(np, 0, sizeof *np);
}

void cp_never_print_finish(cp_never_print *np)
{
    for (size_t i = 0; i < np->n; i++) {
        explicit_bzero(np->entries[i], strlen(np->entries[i]));
        free(np->entries[i]);
    }
    free(np->entries);
    free(np->by_word);
    memset(np, 0, sizeof *np);
}

/* A folded text: the bytes, and for each byte the offset in the original text of the character
 * it came from (map[len] is the original's length). */
typedef struct folded {
    cp_strbuf s;
    size_t *map;
    size_t cap;
    bool space; /* the last thing added was a space */
} folded;

static void put(folded *f, const char *bytes, size_t n, size_t from)
{
    cp_grow((void **)&f->map, &f->cap, f->s.len + n + 1, sizeof *f->map);
    for (size_t i = 0; i < n; i++)
        f->map[f->s.len + i] = from;
    cp_strbuf_add(&f->s, bytes, n);
}

static bool is_space(UChar32 c)
{
    return u_isUWhiteSpace(c);
}

static bool is_word(UChar32 c)
{
    return u_isalnum(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0;
}

/* Appends the folding of c (UTF-8 bytes, white space already handled by the caller). */
static void fold_char(folded *f, UChar32 c, size_t from)
{
    char out[256];
    f->space = false;
    if (c < 0x80) {
        out[0] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        put(f, out, 1, from);
        return;
    }
    /* Smart punctuation turns a typed ' and " into curly marks: the list is typed straight. */
    if (c == 0x2018 || c == 0x2019 || c == 0x201B || c == 0x02BC || c == 0x2032) {
        put(f, "'", 1, from);
        return;
    }
    if (c == 0x201C || c == 0x201D || c == 0x201F || c == 0x2033) {
        put(f, "\"", 1, from);
        return;
    }
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *cf = unorm2_getNFKCCasefoldInstance(&st);
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&st);
    UChar in[2], mid[32], fin[64];
    int32_t n = 0;
    U16_APPEND_UNSAFE(in, n, c);
    int32_t m = U_SUCCESS(st) ? unorm2_normalize(cf, in, n, mid, 32, &st) : 0;
    int32_t k = U_SUCCESS(st) ? unorm2_normalize(nfd, mid, m, fin, 64, &st) : 0;
    int32_t len = 0;
    if (U_SUCCESS(st))
        u_strToUTF8(out, (int32_t)sizeof out, &len, fin, k, &st);
    if (U_FAILURE(st)) {
        /* Never for a valid code point; keep the character as it is rather than lose it. */
        len = 0;
        U8_APPEND_UNSAFE(out, len, c);
    }
    /* A compatibility character may fold to something with spaces in it ("\u33C2"). */
    for (int32_t i = 0; i < len;) {
        UChar32 d;
        int32_t at = i;
        U8_NEXT_UNSAFE(out, i, d);
        if (is_space(d)) {
            if (!f->space)
                put(f, " ", 1, from);
            f->space = true;
        } else {
            put(f, out + at, (size_t)(i - at), from);
            f->space = false;
        }
    }
}

/* Folds text[0..len) (valid UTF-8). The caller frees f->s and f->map. */
static void fold(const char *text, size_t len, folded *f)
{
    memset(f, 0, sizeof *f);
    cp_strbuf_init(&f->s);
    put(f, "", 0, 0);
    int32_t n = (int32_t)len;
    for (int32_t i = 0; i < n;) {
        size_t at = (size_t)i;
        UChar32 c;
        U8_NEXT(text, i, n, c);
        if (c < 0)
            continue; /* the loaders reject invalid UTF-8; skip it rather than guess */
        if (is_space(c)) {
            if (!f->space)
                put(f, " ", 1, at);
            f->space = true;
            continue;
        }
        fold_char(f, c, at);
    }
    cp_grow((void **)&f->map, &f->cap, f->s.len + 1, sizeof *f->map);
    f->map[f->s.len] = len;
    if (!f->s.data)
        cp_strbuf_puts(&f->s, "");
}

static void folded_finish(folded *f)
{
    cp_strbuf_finish(&f->s);
    free(f->map);
}

void cp_never_print_add(cp_never_print *np, const char *entry, size_t len)
{
    folded f;
    fold(entry, len, &f);
    char *s = f.s.data;
    size_t n = f.s.len;
    while (n && s[n - 1] == ' ')
        n--;
    size_t skip = 0;
    while (skip < n && s[skip] == ' ')
        skip++;
    if (n > skip) {
        cp_grow((void **)&np->entries, &np->cap, np->n + 1, sizeof *np->entries);
        char *e = cp_xmalloc(n - skip + 1);
        memcpy(e, s + skip, n - skip);
        e[n - skip] = '\0';
        np->entries[np->n++] = e;
    }
    explicit_bzero(f.s.data, f.s.len);
    folded_finish(&f);
}

/* Adds one line of the file: the text before a comment, trimmed. */
static void add_line(cp_never_print *np, const char *line, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
            len = i;
            break;
        }
    }
    cp_never_print_add(np, line, len);
}

bool cp_never_print_load(cp_never_print *np, const char *path, cp_pos named_at, const char *option,
                         cp_diags *d)
{
    size_t len = 0;
    char *data = cp_read_file(path, &len);
    if (!data) {
        const char *why = strerror(errno);
        if (named_at.file)
            cp_error(d, named_at, "cannot read the never-print list '%s': %s", path, why);
        else
            cp_error(d, named_at, "%s: cannot read the never-print list '%s': %s", option, path,
                     why);
        return false;
    }
    int line, col;
    unsigned char byte;
    if (!cp_utf8_check(data, len, &line, &col, &byte)) {
        cp_pos pos = {path, line, col};
        if (byte == 0)
            cp_error(d, pos, "the never-print list contains a NUL byte (is it a text file?)");
        else
            cp_error(d, pos,
                     "invalid UTF-8 (byte 0x%02x) in the never-print list; save it as UTF-8", byte);
        explicit_bzero(data, len);
        free(data);
        return false;
    }
    size_t before = np->n;
    const char *p = data, *end = data + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3; /* a byte-order mark, as Windows editors write */
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        add_line(np, p, (size_t)(e - p));
        p = nl ? nl + 1 : end;
    }
    if (np->n == before)
        cp_warning(d, named_at.file ? named_at : cp_pos_file(path),
                   "the never-print list '%s' has no entries", path);
    explicit_bzero(data, len);
    free(data);
    return true;
}

/* The length of s's first word: its leading run of word characters (0 when s starts with a
 * space or punctuation). */
static size_t first_word(const char *s)
{
    int32_t len = (int32_t)strlen(s), i = 0;
    while (i < len) {
        int32_t at = i;
        UChar32 c;
        U8_NEXT(s, i, len, c);
        if (!is_word(c))
            return (size_t)at;
    }
    return (size_t)len;
}

static int cmp_words(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c ? c : (an > bn) - (an < bn);
}

/* An entry in the index: its text, the length of its first word and its number. */
struct cp_never_key {
    const char *s;
    size_t word, index;
};

static int cmp_keys(const void *x, const void *y)
{
    const cp_never_key *a = x, *b = y;
    int c = cmp_words(a->s, a->word, b->s, b->word);
    /* Matches at one place come in the list's order. */
    return c ? c : (a->index > b->index) - (a->index < b->index);
}

static void build_index(cp_never_print *np)
{
    if (np->by_word && np->n_by_word == np->n)
        return;
    free(np->by_word);
    np->by_word = cp_xmalloc((np->n ? np->n : 1) * sizeof *np->by_word);
    for (size_t i = 0; i < np->n; i++)
        np->by_word[i] =
            (cp_never_key){.s = np->entries[i], .word = first_word(np->entries[i]), .index = i};
    qsort(np->by_word, np->n, sizeof *np->by_word, cmp_keys);
    np->n_by_word = np->n;
}

/* The code point before byte i of s (i > 0), or -1 at the start. */
static UChar32 prev_char(const char *s, size_t i)
{
    if (i == 0)
        return -1;
    int32_t at = (int32_t)i;
    UChar32 c;
    U8_PREV_UNSAFE(s, at, c);
    return c;
}

static UChar32 next_char(const char *s, size_t len, size_t i)
{
    if (i >= len)
        return -1;
    int32_t at = (int32_t)i, n = (int32_t)len;
    UChar32 c;
    U8_NEXT(s, at, n, c);
    return c;
}

/* Does entry e match the folded text at byte p, ending on a word boundary? */
static bool match_at(const folded *f, const char *e, size_t p)
{
    size_t n = strlen(e), len = f->s.len;
    if (p + n > len || memcmp(f->s.data + p, e, n) != 0)
        return false;
    UChar32 last = prev_char(e, n), after = next_char(f->s.data, len, p + n);
    return !(is_word(last) && after >= 0 && is_word(after));
}

static size_t record(const folded *f, size_t entry, size_t p, size_t n, cp_never_hit *hits,
                     size_t max, size_t found)
{
    if (found < max)
        hits[found] = (cp_never_hit){.entry = entry, .start = f->map[p], .end = f->map[p + n]};
    return found + 1;
}

/* Matches of the entries that start with a word, at the word starting at byte p. */
static size_t scan_word(const cp_never_print *np, const folded *f, size_t p, cp_never_hit *hits,
                        size_t max, size_t found)
{
    const char *w = f->s.data + p;
    size_t wn = first_word(w);
    /* The first key whose first word is not less than w. */
    size_t lo = 0, hi = np->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_words(np->by_word[mid].s, np->by_word[mid].word, w, wn) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t k = lo; k < np->n; k++) {
        const cp_never_key *key = &np->by_word[k];
        if (cmp_words(key->s, key->word, w, wn) != 0)
            break;
        if (match_at(f, key->s, p))
            found = record(f, key->index, p, strlen(key->s), hits, max, found);
    }
    return found;
}

size_t cp_never_print_scan(cp_never_print *np, const char *text, size_t len, cp_never_hit *hits,
                           size_t max)
{
    if (np->n == 0 || len == 0)
        return 0;
    build_index(np);
    folded f;
    fold(text, len, &f);
    const char *s = f.s.data;
    size_t n = f.s.len, found = 0;
    /* Entries that start with punctuation sort first (an empty first word): they are tried at
     * every character, the rest only where a word starts. */
    size_t loose = 0;
    while (loose < np->n && np->by_word[loose].word == 0)
        loose++;
    for (size_t i = 0; i < n;) {
        UChar32 c = next_char(s, n, i);
        UChar32 before = prev_char(s, i);
        for (size_t k = 0; k < loose; k++)
            if (match_at(&f, np->by_word[k].s, i))
                found =
                    record(&f, np->by_word[k].index, i, strlen(np->by_word[k].s), hits, max, found);
        if (is_word(c) && !(before >= 0 && is_word(before)))
            found = scan_word(np, &f, i, hits, max, found);
        int32_t at = (int32_t)i, end = (int32_t)n;
        U8_FWD_1(s, at, end);
        i = (size_t)at;
    }
    folded_finish(&f);
    return found;
}

bool cp_never_print_contains(const char *text, const char *part)
{
    folded t, p;
    fold(text, strlen(text), &t);
    fold(part, strlen(part), &p);
    /* The part's own leading and trailing space folds to one space at most: drop it. */
    const char *ps = p.s.data;
    size_t pn = p.s.len;
    while (pn && ps[pn - 1] == ' ')
        pn--;
    while (pn && ps[0] == ' ')
        ps++, pn--;
    bool yes = false;
    for (size_t i = 0; !yes && pn && i + pn <= t.s.len; i++)
        yes = memcmp(t.s.data + i, ps, pn) == 0;
    folded_finish(&t);
    folded_finish(&p);
    return yes;
}
