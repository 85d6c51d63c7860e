/* The base layer: UTF-8 checking, edit distance, paths, the arena, the diagnostics list; plus the
 * two small manifest helpers every layer's messages rely on (cp_parse_length, cp_suggest). */
#define _POSIX_C_SOURCE 200809L /* mkstemp */
#include "harness.h"
#include "base/arena.h"
#include "base/diag.h"
#include "base/path.h"
#include "base/slots.h"
#include "base/strbuf.h"
#include "base/utf8.h"
#include "base/util.h"
#include "manifest/schema.h"
#include "model/style.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

/* ---- cp_utf8_check ---------------------------------------------------------------------- */

typedef struct utf8_case {
    const char *name;
    const char *s;
    size_t len;
    bool ok;
    int line, col;
    unsigned char byte;
} utf8_case;

#define U8(name, lit, ok, line, col, byte)                                                         \
    {                                                                                              \
        name, lit, sizeof(lit) - 1, ok, line, col, byte                                            \
    }

static const utf8_case utf8_cases[] = {
    U8("empty", "", true, 0, 0, 0),
    U8("ASCII", "hello, world\n", true, 0, 0, 0),
    U8("Bengali",
       "\xE0\xA6\xAA\xE0\xA6\xB0\xE0\xA6\xBF\xE0\xA6\xAC\xE0\xA6\xB0\xE0\xA7\x8D"
       "\xE0\xA6\xA4\xE0\xA6\xA8",
       true, 0, 0, 0),                                           /* পরিবর্তন */
    U8("emoji", "ok \xF0\x9F\x98\x80!", true, 0, 0, 0),          /* U+1F600 */
    U8("largest code point", "\xF4\x8F\xBF\xBF", true, 0, 0, 0), /* U+10FFFF */
    U8("last before surrogates", "\xED\x9F\xBF", true, 0, 0, 0), /* U+D7FF */
    U8("first after surrogates", "\xEE\x80\x80", true, 0, 0, 0), /* U+E000 */
    U8("two-byte", "caf\xC3\xA9", true, 0, 0, 0),
    U8("overlong two-byte '/'", "ab\xC0\xAF", false, 1, 3, 0xC0),
    U8("overlong two-byte C1", "\xC1\xBF", false, 1, 1, 0xC1),
    U8("overlong three-byte", "x\xE0\x80\xAF", false, 1, 2, 0xE0),
    U8("overlong four-byte", "xy\xF0\x8F\xBF\xBF", false, 1, 3, 0xF0),
    U8("surrogate D800", "a\xED\xA0\x80", false, 1, 2, 0xED),
    U8("surrogate DFFF", "\xED\xBF\xBF", false, 1, 1, 0xED),
    U8("above U+10FFFF", "\xF4\x90\x80\x80", false, 1, 1, 0xF4),
    U8("F5 lead byte", "\xF5\x80\x80\x80", false, 1, 1, 0xF5),
    U8("FF byte", "ab\xFF", false, 1, 3, 0xFF),
    U8("lone continuation", "a\x80", false, 1, 2, 0x80),
    U8("truncated at the end", "ab\xE0\xA6", false, 1, 3, 0xE0),
    U8("truncated before ASCII", "ab\xE0\xA6x", false, 1, 3, 0xE0),
    U8("truncated four-byte", "\xF0\x9F\x98", false, 1, 1, 0xF0),
    U8("NUL byte", "ab\0cd", false, 1, 3, 0x00),
    U8("NUL at the start", "\0", false, 1, 1, 0x00),
    /* columns count characters: 3 Bengali code points then the bad byte in column 4 */
    U8("line and column after Bengali", "line one\n\xE0\xA6\xAA\xE0\xA6\xB0\xE0\xA6\xBF\xFF", false,
       2, 4, 0xFF),
    U8("third line", "a\nb\n  \xF0\x9F\x98\x80 caf\xE9", false, 3, 8, 0xE9),
    U8("CRLF lines", "a\r\nb\r\n\xC0", false, 3, 1, 0xC0),
};

static void test_utf8(void)
{
    for (size_t i = 0; i < CP_ARRAY_LEN(utf8_cases); i++) {
        const utf8_case *c = &utf8_cases[i];
        int line = -1, col = -1;
        unsigned char byte = 0xAA;
        bool ok = cp_utf8_check(c->s, c->len, &line, &col, &byte);
        CHECK(ok == c->ok, "%s: returned %d, want %d", c->name, ok, c->ok);
        if (!c->ok && !ok)
            CHECK(line == c->line && col == c->col && byte == c->byte,
                  "%s: reported %d:%d byte 0x%02x, want %d:%d byte 0x%02x", c->name, line, col,
                  byte, c->line, c->col, c->byte);
    }
    /* len bounds the check: a bad byte past len is not looked at */
    int line, col;
    unsigned char byte;
    CHECK(cp_utf8_check("abc\xFF", 3, &line, &col, &byte), "length limits the check");
    CHECK_INT(cp_utf8_length("a\xE0\xA6\xAA\xF0\x9F\x98\x80"), 3);
    CHECK_INT(cp_utf8_length(""), 0);
}

/* ---- cp_edit_distance, cp_suggest ---------------------------------------------------------- */

static void test_edit_distance(void)
{
    CHECK_INT(cp_edit_distance("kitten", "sitting"), 3);
    CHECK_INT(cp_edit_distance("flaw", "lawn"), 2);
    CHECK_INT(cp_edit_distance("", "abc"), 3);
    CHECK_INT(cp_edit_distance("abc", ""), 3);
    CHECK_INT(cp_edit_distance("", ""), 0);
    CHECK_INT(cp_edit_distance("layout", "layout"), 0);
    CHECK_INT(cp_edit_distance("headline", "headlien"), 2); /* a transposition is two edits */
    CHECK_INT(cp_edit_distance("photo", "photos"), 1);
    CHECK_INT(cp_edit_distance("abc", "xyz"), 3);
    /* symmetric */
    CHECK_INT(cp_edit_distance("sitting", "kitten"), 3);
    char long_a[70], long_b[70];
    memset(long_a, 'a', 65);
    long_a[65] = '\0';
    memset(long_b, 'a', 64);
    long_b[64] = '\0';
    CHECK(cp_edit_distance(long_a, "a") == (size_t)-1, "over 64 characters gives SIZE_MAX");
    CHECK_INT(cp_edit_distance(long_b, long_b), 0); /* 64 is still measured */
    CHECK_INT(cp_edit_distance(long_b, "b"), 64);
}

static void test_suggest(void)
{
    static const char *const keys[] = {"name",  "headline", "body", "photo",
                                       "quote", "language", NULL};
    const char *s;
    s = cp_suggest("headlin", keys);
    CHECK(s && strcmp(s, "headline") == 0, "headlin -> %s", s ? s : "NULL");
    s = cp_suggest("langauge", keys); /* 8 letters: up to 2 edits */
    CHECK(s && strcmp(s, "language") == 0, "langauge -> %s", s ? s : "NULL");
    s = cp_suggest("photos", keys);
    CHECK(s && strcmp(s, "photo") == 0, "photos -> %s", s ? s : "NULL");
    s = cp_suggest("nam", keys); /* 3 letters: 1 edit */
    CHECK(s && strcmp(s, "name") == 0, "nam -> %s", s ? s : "NULL");
    s = cp_suggest("bdy", keys);
    CHECK(s && strcmp(s, "body") == 0, "bdy -> %s", s ? s : "NULL");
    /* two edits on a short word is a different word */
    CHECK(cp_suggest("bo", keys) == NULL, "bo -> %s", cp_suggest("bo", keys));
    CHECK(cp_suggest("xyz", keys) == NULL, "xyz -> %s", cp_suggest("xyz", keys));
    CHECK(cp_suggest("completely-different", keys) == NULL, "no suggestion for a far word");
    /* 9+ letters allow 3 edits */
    static const char *const long_keys[] = {"background", NULL};
    s = cp_suggest("backgrnd", long_keys); /* 8 letters, 2 edits */
    CHECK(s && strcmp(s, "background") == 0, "backgrnd -> %s", s ? s : "NULL");
    s = cp_suggest("bakgroundxy", long_keys); /* 11 letters, 3 edits */
    CHECK(s && strcmp(s, "background") == 0, "bakgroundxy -> %s", s ? s : "NULL");
    CHECK(cp_suggest("bkgrnd", long_keys) == NULL, "bkgrnd is 4 edits away");
    static const char *const none[] = {NULL};
    CHECK(cp_suggest("name", none) == NULL, "no candidates");
    /* ties keep the first candidate */
    static const char *const tie[] = {"cat", "cut", NULL};
    s = cp_suggest("cot", tie);
    CHECK(s && strcmp(s, "cat") == 0, "cot -> %s", s ? s : "NULL");
}

/* ---- cp_parse_length --------------------------------------------------------------------------
 */

static void test_parse_length(void)
{
    static const struct {
        const char *s;
        bool ok;
        double pt;
    } cases[] = {
        {"3mm", true, 3 * 72.0 / 25.4},
        {"25.4mm", true, 72.0},
        {"1cm", true, 720.0 / 25.4},
        {"1.5 cm", true, 15 * 72.0 / 25.4},
        {"12pt", true, 12.0},
        {"0.125in", true, 9.0},
        {"1in", true, 72.0},
        {"3 mm", true, 3 * 72.0 / 25.4},
        {"3   pt", true, 3.0},
        {"0mm", true, 0.0},
        {".5in", true, 36.0},
        {"-2mm", true, -2 * 72.0 / 25.4}, /* the sign is the schema's business (min_pt) */
        {"3", false, 0},
        {"12", false, 0},
        {"", false, 0},
        {"mm", false, 0},
        {"abc", false, 0},
        {"3mmx", false, 0},
        {"3 m m", false, 0},
        {"3px", false, 0},
        {"3mm3", false, 0},
        {"inf mm", false, 0},
        {"nanpt", false, 0},
        {"1e999pt", false, 0},
        {"three mm", false, 0},
    };
    for (size_t i = 0; i < CP_ARRAY_LEN(cases); i++) {
        double pt = -12345;
        bool ok = cp_parse_length(cases[i].s, &pt);
        CHECK(ok == cases[i].ok, "cp_parse_length(\"%s\") returned %d, want %d", cases[i].s, ok,
              cases[i].ok);
        if (ok && cases[i].ok)
            CHECK(fabs(pt - cases[i].pt) < 1e-9, "cp_parse_length(\"%s\") = %.12g pt, want %.12g",
                  cases[i].s, pt, cases[i].pt);
        if (!ok)
            CHECK(pt == -12345, "cp_parse_length(\"%s\") wrote its output on failure", cases[i].s);
    }
    CHECK(fabs(CP_PT_PER_MM * 25.4 - 72.0) < 1e-12, "72 pt per inch");
}

/* ---- paths --------------------------------------------------------------------------------- */

static void test_paths(void)
{
    cp_arena a;
    cp_arena_init(&a);
    CHECK_STR(cp_path_join(&a, "dir", "file.yaml"), "dir/file.yaml");
    CHECK_STR(cp_path_join(&a, "dir/", "file.yaml"), "dir/file.yaml");
    CHECK_STR(cp_path_join(&a, "a/b", "c/d.jpg"), "a/b/c/d.jpg");
    CHECK_STR(cp_path_join(&a, "dir", "/abs/x"), "/abs/x");
    CHECK_STR(cp_path_join(&a, ".", "x"), "x");
    CHECK_STR(cp_path_join(&a, "", "x"), "x");
    CHECK_STR(cp_path_join(&a, NULL, "x"), "x");
    CHECK_STR(cp_path_join(&a, "dir", "./x"), "dir/x");
    CHECK_STR(cp_path_join(&a, "dir", "././x"), "dir/x");
    CHECK_STR(cp_path_join(&a, "/", "x"), "/x");
    CHECK_STR(cp_path_join(&a, "/srv/cal", "photos/neha.jpg"), "/srv/cal/photos/neha.jpg");

    CHECK_STR(cp_path_dirname(&a, "a/b/c.yaml"), "a/b");
    CHECK_STR(cp_path_dirname(&a, "c.yaml"), ".");
    CHECK_STR(cp_path_dirname(&a, "/c.yaml"), "/");
    CHECK_STR(cp_path_dirname(&a, "/srv/c.yaml"), "/srv");
    CHECK_STR(cp_path_dirname(&a, "./c.yaml"), ".");
    CHECK_STR(cp_path_dirname(&a, ""), ".");

    CHECK_STR(cp_path_basename("a/b/c.yaml"), "c.yaml");
    CHECK_STR(cp_path_basename("c.yaml"), "c.yaml");
    CHECK_STR(cp_path_basename("/c"), "c");

    /* join(dirname(p), basename(p)) gives p back */
    static const char *const paths[] = {"stories/neha.yaml", "/srv/x/y.yaml", "z.yaml"};
    for (size_t i = 0; i < CP_ARRAY_LEN(paths); i++)
        CHECK_STR(cp_path_join(&a, cp_path_dirname(&a, paths[i]), cp_path_basename(paths[i])),
                  paths[i]);
    CHECK(cp_path_is_dir("/"), "/ is a directory");
    CHECK(!cp_path_is_file("/"), "/ is not a file");
    CHECK(!cp_path_is_file("/nonexistent/calpress/x"), "missing file");
    cp_arena_finish(&a);
}

/* ---- arena, strbuf ------------------------------------------------------------------------- */

static void test_arena(void)
{
    cp_arena a;
    cp_arena_init(&a);
    CHECK_STR(cp_arena_printf(&a, "%s-%d-%.2f", "x", 42, 1.5), "x-42-1.50");
    CHECK_STR(cp_arena_printf(&a, "%s", ""), "");
    CHECK_STR(cp_arena_strndup(&a, "abcdef", 3), "abc");
    CHECK_STR(cp_arena_strdup(&a, "copy"), "copy");
    /* A string larger than any block, through printf's two passes. */
    size_t big = 5u << 20;
    char *src = malloc(big + 1);
    memset(src, 'q', big);
    src[big] = '\0';
    char *d = cp_arena_printf(&a, "<%s>", src);
    CHECK(strlen(d) == big + 2 && d[0] == '<' && d[1] == 'q' && d[big] == 'q' && d[big + 1] == '>',
          "5 MiB printf: length %zu", strlen(d));
    free(src);
    /* Many small allocations: zeroed, aligned, distinct, and still intact afterwards. */
    char *ptrs[3000];
    bool zeroed = true, aligned = true;
    for (int i = 0; i < 3000; i++) {
        size_t n = (size_t)(i % 97) + 1;
        ptrs[i] = cp_arena_alloc(&a, n);
        for (size_t k = 0; k < n; k++)
            zeroed &= ptrs[i][k] == 0;
        aligned &= (uintptr_t)ptrs[i] % _Alignof(max_align_t) == 0;
        memset(ptrs[i], (i % 250) + 1, n);
    }
    bool intact = true;
    for (int i = 0; i < 3000; i++)
        intact &= ptrs[i][0] == (char)((i % 250) + 1) && ptrs[i][(i % 97)] == (char)((i % 250) + 1);
    CHECK(zeroed, "cp_arena_alloc returns zeroed memory");
    CHECK(aligned, "cp_arena_alloc returns max_align_t-aligned memory");
    CHECK(intact, "allocations do not overlap");
    CHECK(cp_arena_alloc(&a, 0) != NULL, "zero-size allocation");
    cp_arena_finish(&a);
    CHECK(a.head == NULL, "finish empties the arena");
    cp_arena_finish(&a); /* twice is harmless */

    cp_strbuf b;
    cp_strbuf_init(&b);
    cp_strbuf_puts(&b, "a");
    cp_strbuf_putc(&b, 'b');
    cp_strbuf_printf(&b, "%03d", 7);
    cp_strbuf_add(&b, "xyz", 2);
    CHECK_STR(b.data, "ab007xy");
    CHECK_INT(b.len, 7);
    char *s = cp_strbuf_steal(&b);
    CHECK_STR(s, "ab007xy");
    free(s);
    CHECK_INT(b.len, 0);
    s = cp_strbuf_steal(&b); /* never NULL, even when empty */
    CHECK(s && s[0] == '\0', "steal of an empty buffer");
    free(s);
    cp_strbuf_finish(&b);
}

/* ---- diagnostics --------------------------------------------------------------------------- */

/* What cp_diags_print writes, read back from a temporary file (caller frees). */
static char *print_diags(const cp_diags *d)
{
    FILE *f = tmpfile();
    if (!f)
        return cp_xstrdup("(tmpfile failed)");
    cp_diags_print(d, f);
    long n = ftell(f);
    rewind(f);
    char *buf = cp_xmalloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    buf[got] = '\0';
    fclose(f);
    return buf;
}

static void test_diags_cap(void)
{
    cp_diags d;
    cp_diags_init(&d);
    CHECK_INT(d.max_errors, CP_MAX_ERRORS);
    CHECK_INT(CP_MAX_ERRORS, 20);
    cp_strbuf want;
    cp_strbuf_init(&want);
    for (int i = 1; i <= 21; i++) {
        cp_pos pos = {"m.yaml", i, 2};
        cp_pos at = {"m.yaml", 100 + i, 1};
        cp_error(&d, pos, "error number %d", i);
        cp_note(&d, at, "note for error %d", i);
        if (i <= 20)
            cp_strbuf_printf(&want,
                             "m.yaml:%d:2: error: error number %d\n"
                             "m.yaml:%d:1: note: note for error %d\n",
                             i, i, 100 + i, i);
        if (i == 19)
            CHECK(!cp_diags_full(&d), "19 errors: not full");
        if (i == 20)
            CHECK(cp_diags_full(&d), "20 errors: full");
    }
    cp_strbuf_puts(&want, "calpress: note: 1 more errors not shown (the limit is 20)\n");
    CHECK_INT(d.n_errors, 21);
    CHECK_INT(d.n, 40); /* 20 errors and their 20 notes; the 21st and its note dropped */
    CHECK(cp_diags_failed(&d), "errors mean failure");
    CHECK(cp_diags_full(&d), "full");
    bool dropped_kept = false;
    for (size_t i = 0; i < d.n; i++)
        if (strstr(d.items[i].msg, "21"))
            dropped_kept = true;
    CHECK(!dropped_kept, "neither error 21 nor its note is kept");
    char *got = print_diags(&d);
    CHECK_STR(got, want.data);
    free(got);
    cp_strbuf_finish(&want);
    cp_diags_finish(&d);
    CHECK(d.items == NULL && d.n == 0, "finish clears");
}

static void test_diags_print_forms(void)
{
    cp_diags d;
    cp_diags_init(&d);
    CHECK(!cp_diags_failed(&d), "empty list has not failed");
    cp_error(&d, (cp_pos){NULL, 0, 0}, "no file at all");
    cp_error(&d, cp_pos_file("whole.yaml"), "the whole file");
    cp_warning(&d, (cp_pos){"w.yaml", 3, 0}, "column unknown: %s", "printed as 1");
    cp_note(&d, (cp_pos){"w.yaml", 4, 7}, "%d%%", 50);
    cp_error(&d, (cp_pos){"e.yaml", 12, 34}, "%s", "");
    char *got = print_diags(&d);
    CHECK_STR(got, "calpress: error: no file at all\n"
                   "whole.yaml: error: the whole file\n"
                   "w.yaml:3:1: warning: column unknown: printed as 1\n"
                   "w.yaml:4:7: note: 50%\n"
                   "e.yaml:12:34: error: \n");
    free(got);
    CHECK_INT(d.n_errors, 3);
    CHECK_INT(d.n_warnings, 1);
    cp_diags_finish(&d);

    /* preflight findings: warnings normally, errors in press mode */
    cp_diags_init(&d);
    cp_preflight(&d, (cp_pos){"p.yaml", 1, 1}, "overfull %s", "box");
    CHECK(!cp_diags_failed(&d), "a proof-mode preflight warning is not a failure");
    CHECK_INT(d.n_warnings, 1);
    d.press = true;
    cp_preflight(&d, (cp_pos){"p.yaml", 2, 5}, "image at %d ppi", 150);
    CHECK(cp_diags_failed(&d), "a press-mode preflight finding is a failure");
    CHECK_INT(d.n_errors, 1);
    got = print_diags(&d);
    CHECK_STR(got, "p.yaml:1:1: warning: overfull box\n"
                   "p.yaml:2:5: error: image at 150 ppi\n");
    free(got);
    cp_diags_finish(&d);

    /* The file name is copied: the caller's buffer may change afterwards. */
    cp_diags_init(&d);
    char name[16] = "first.yaml";
    cp_error(&d, (cp_pos){name, 1, 1}, "x");
    strcpy(name, "other.yaml");
    got = print_diags(&d);
    CHECK_STR(got, "first.yaml:1:1: error: x\n");
    free(got);
    cp_diags_finish(&d);

    /* A long message is kept whole. */
    cp_diags_init(&d);
    char long_msg[3000];
    memset(long_msg, 'm', sizeof long_msg - 1);
    long_msg[sizeof long_msg - 1] = '\0';
    cp_error(&d, (cp_pos){NULL, 0, 0}, "%s", long_msg);
    CHECK_INT(strlen(d.items[0].msg), sizeof long_msg - 1);
    cp_diags_finish(&d);
}

/* ---- cp_read_file -------------------------------------------------------------------------- */

/* Writes n bytes of a pattern to a new temporary file; returns its path in buf. */
static bool temp_file(char *buf, size_t n)
{
    strcpy(buf, "/tmp/calpress-unit-XXXXXX");
    int fd = mkstemp(buf);
    if (fd < 0)
        return false;
    FILE *f = fdopen(fd, "wb");
    for (size_t i = 0; i < n; i++)
        fputc((int)(i % 251), f);
    fclose(f);
    return true;
}

static void test_read_file(void)
{
    static const size_t sizes[] = {0, 1, 65535, 65536, 65537, 300000};
    for (size_t k = 0; k < CP_ARRAY_LEN(sizes); k++) {
        char path[64];
        if (!temp_file(path, sizes[k])) {
            CHECK(false, "cannot make a temporary file");
            continue;
        }
        size_t len = 12345;
        char *data = cp_read_file(path, &len);
        CHECK(data != NULL, "read %zu bytes", sizes[k]);
        if (data) {
            CHECK(len == sizes[k], "read %zu bytes, want %zu", len, sizes[k]);
            bool same = data[len] == '\0';
            for (size_t i = 0; i < len && same; i++)
                same = (unsigned char)data[i] == i % 251;
            CHECK(same, "%zu-byte file read back intact and NUL-terminated", sizes[k]);
        }
        free(data);
        unlink(path);
    }
    errno = 0;
    CHECK(cp_read_file("/nonexistent/calpress/x.yaml", NULL) == NULL && errno == ENOENT,
          "missing file: NULL with ENOENT (errno %d)", errno);
    errno = 0;
    CHECK(cp_read_file("/tmp", NULL) == NULL && errno == EISDIR, "a directory: NULL with EISDIR");
}

/* cp_slots over an array of keys: every key put is found, with many sharing a start slot (all
 * hashes equal), across the table's growth; a key not put is not. */
typedef struct slot_keys {
    const uint64_t *keys;
    uint64_t (*hash)(uint64_t);
} slot_keys;

static uint64_t hash_self(uint64_t k)
{
    return k;
}

static uint64_t hash_one(uint64_t k)
{
    (void)k;
    return 42;
}

static uint64_t slot_key_hash(const void *ctx, size_t place)
{
    const slot_keys *s = ctx;
    return s->hash(s->keys[place]);
}

static size_t slot_find(const cp_slots *t, const slot_keys *s, uint64_t key)
{
    size_t i = 0;
    for (size_t at; (at = cp_slots_next(t, s->hash(key), &i)) != SIZE_MAX;)
        if (s->keys[at] == key)
            return at;
    return SIZE_MAX;
}

static void test_slots(void)
{
    enum { N = 3000 };
    static uint64_t keys[N];
    uint64_t (*hashes[])(uint64_t) = {hash_self, hash_one};
    for (size_t h = 0; h < 2; h++) {
        slot_keys s = {.keys = keys, .hash = hashes[h]};
        cp_slots t = {0};
        CHECK(cp_slots_next(&t, 1, &(size_t){0}) == SIZE_MAX, "an empty table finds nothing");
        size_t n = h == 0 ? N : 700, missed = 0;
        for (size_t i = 0; i < n; i++) {
            keys[i] = i * 7919u + 13;
            cp_slots_reserve(&t, i + 1, slot_key_hash, &s);
            cp_slots_put(&t, s.hash(keys[i]), i);
        }
        for (size_t i = 0; i < n; i++)
            missed += slot_find(&t, &s, keys[i]) != i;
        CHECK(missed == 0, "hash %zu: %zu of %zu keys not found at their places", h, missed, n);
        CHECK(slot_find(&t, &s, 5) == SIZE_MAX, "hash %zu: a key never put is not found", h);
        CHECK(t.size >= 2 * n, "hash %zu: the table is at most half full (%zu for %zu)", h, t.size,
              n);
        cp_slots_free(&t);
    }
}

int main(void)
{
    test_utf8();
    test_slots();
    test_edit_distance();
    test_suggest();
    test_parse_length();
    test_paths();
    test_arena();
    test_read_file();
    test_diags_cap();
    test_diags_print_forms();
    return cp_test_summary("unit/base");
}
