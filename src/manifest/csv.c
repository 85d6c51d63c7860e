/* Holidays from a CSV file (RFC 4180): a header row naming the columns date, name and kind (kind
 * may be left out), then one holiday a row. */
#include "base/strbuf.h"
#include "base/util.h"
#include "manifest/holidays.h"
#include "manifest/schema.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_FIELDS 16

typedef struct field {
    const char *s; /* arena-owned, unquoted and trimmed */
    int line, col;
} field;

typedef struct reader {
    cp_hol_sink *sink;
    const char *path;
    const char *p, *end;
    int line, col; /* of *p; columns count characters */
} reader;

static void advance(reader *r)
{
    if (*r->p == '\n') {
        r->line++;
        r->col = 1;
    } else if ((*r->p & 0xC0) != 0x80) {
        r->col++;
    }
    r->p++;
}

static bool at_eol(const reader *r)
{
    return r->p == r->end || *r->p == '\n' || *r->p == '\r';
}

static void skip_eol(reader *r)
{
    if (r->p < r->end && *r->p == '\r') {
        r->p++;
        if (r->p < r->end && *r->p == '\n')
            r->p++;
        r->line++;
        r->col = 1;
    } else if (r->p < r->end && *r->p == '\n') {
        advance(r);
    }
}

static const char *trimmed(cp_arena *a, const char *s, size_t n)
{
    while (n && (s[0] == ' ' || s[0] == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return cp_arena_strndup(a, s, n);
}

/* A quoted field: "" is a quote; commas and line breaks inside are text. False after an error. */
static bool quoted(reader *r, cp_strbuf *sb, const field *f)
{
    advance(r);
    for (;;) {
        if (r->p == r->end) {
            cp_error(r->sink->d, (cp_pos){r->path, f->line, f->col},
                     "this quoted field has no closing quote");
            return false;
        }
        if (*r->p == '"' && r->p + 1 < r->end && r->p[1] == '"') {
            cp_strbuf_putc(sb, '"');
            advance(r);
            advance(r);
        } else if (*r->p == '"') {
            advance(r);
            break;
        } else {
            cp_strbuf_putc(sb, *r->p == '\r' ? ' ' : *r->p);
            advance(r);
        }
    }
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t'))
        advance(r);
    if (!at_eol(r) && *r->p != ',') {
        cp_error(r->sink->d, (cp_pos){r->path, r->line, r->col},
                 "text after a closing quote: a quote inside a quoted field is written \"\"");
        return false;
    }
    return true;
}

/* One record into fields[0..*n). Returns false at the end of the file; *ok is false after a
 * reported error (the rest of that record is skipped). */
static bool record(reader *r, field *fields, size_t *n, bool *ok)
{
    *n = 0;
    *ok = true;
    if (r->p == r->end)
        return false;
    for (;;) {
        field f = {NULL, r->line, r->col};
        cp_strbuf sb;
        cp_strbuf_init(&sb);
        bool fine = true;
        const char *q = r->p;
        while (q < r->end && (*q == ' ' || *q == '\t'))
            q++;
        if (q < r->end && *q == '"') {
            while (r->p < q)
                advance(r);
            f.col = r->col;
            fine = quoted(r, &sb, &f);
        } else {
            while (!at_eol(r) && *r->p != ',') {
                cp_strbuf_putc(&sb, *r->p);
                advance(r);
            }
        }
        f.s = trimmed(r->sink->a, sb.data ? sb.data : "", sb.len);
        cp_strbuf_finish(&sb);
        if (!fine) {
            *ok = false;
            while (!at_eol(r))
                advance(r);
        } else if (*n == MAX_FIELDS) {
            cp_error(r->sink->d, (cp_pos){r->path, f.line, f.col},
                     "a holiday row has at most %d fields", MAX_FIELDS);
            *ok = false;
        }
        if (*ok)
            fields[(*n)++] = f;
        if (at_eol(r) || !*ok)
            break;
        advance(r); /* the comma */
    }
    while (!at_eol(r))
        advance(r);
    skip_eol(r);
    return true;
}

enum { COL_DATE, COL_NAME, COL_KIND, N_COLS };
static const char *const col_names[] = {"date", "name", "kind", NULL};

/* The header row: which field holds which column. False after an error. */
static bool header(reader *r, const field *f, size_t n, int *col_of)
{
    for (int c = 0; c < N_COLS; c++)
        col_of[c] = -1;
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        int c = -1;
        for (int k = 0; col_names[k]; k++)
            if (strcasecmp(f[i].s, col_names[k]) == 0)
                c = k;
        cp_pos at = {r->path, f[i].line, f[i].col};
        if (c < 0) {
            const char *s = cp_suggest(f[i].s, col_names);
            cp_error(r->sink->d, at,
                     "unknown column '%s' (a holiday file's first row names the columns date, "
                     "name and kind)%s%s%s",
                     f[i].s, s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "");
            ok = false;
        } else if (col_of[c] >= 0) {
            cp_error(r->sink->d, at, "column '%s' is named twice", col_names[c]);
            ok = false;
        } else {
            col_of[c] = (int)i;
        }
    }
    if (ok && (col_of[COL_DATE] < 0 || col_of[COL_NAME] < 0)) {
        cp_error(r->sink->d, (cp_pos){r->path, f[0].line, 1},
                 "the first row must name the columns: date,name (and kind, if some are "
                 "observances)");
        ok = false;
    }
    return ok;
}

/* One holiday row. */
static void row(reader *r, const field *f, size_t n, size_t n_cols, const int *col_of)
{
    cp_diags *d = r->sink->d;
    cp_pos at = {r->path, f[0].line, 1};
    if (n != n_cols) {
        cp_error(d, at, "this row has %zu field%s, the header has %zu", n, n == 1 ? "" : "s",
                 n_cols);
        return;
    }
    const field *fd = &f[col_of[COL_DATE]], *fn = &f[col_of[COL_NAME]];
    const field *fk = col_of[COL_KIND] >= 0 ? &f[col_of[COL_KIND]] : NULL;
    cp_date first, last;
    const char *why;
    cp_span_status st = cp_hol_parse_span(r->sink->a, fd->s, &first, &last, &why);
    bool ok = st == CP_SPAN_OK;
    if (!ok)
        cp_error(d, (cp_pos){r->path, fd->line, fd->col},
                 st == CP_SPAN_SHAPE ? "'date' %s" : "'date': %s", why);
    if (!fn->s[0]) {
        cp_error(d, (cp_pos){r->path, fn->line, fn->col}, "this holiday has no name");
        ok = false;
    } else if (strlen(fn->s) > 500) {
        cp_error(d, (cp_pos){r->path, fn->line, fn->col},
                 "'name' is %zu bytes long; calpress sets at most 500 in one field", strlen(fn->s));
        ok = false;
    }
    cp_holiday_kind kind = CP_HOLIDAY;
    if (fk && strcasecmp(fk->s, "observance") == 0) {
        kind = CP_OBSERVANCE;
    } else if (fk && fk->s[0] && strcasecmp(fk->s, "holiday") != 0) {
        cp_error(d, (cp_pos){r->path, fk->line, fk->col},
                 "'kind' must be holiday or observance (got '%s'); an empty kind is a holiday",
                 fk->s);
        ok = false;
    }
    if (ok)
        cp_hol_add(r->sink, first, last, fn->s, kind, at, (cp_pos){r->path, fn->line, fn->col});
}

void cp_hol_read_csv(cp_hol_sink *s, const char *path, const char *given, cp_pos from)
{
    size_t len;
    char *buf = cp_hol_read_text(s->d, path, given, from, &len);
    if (!buf)
        return;
    reader r = {s, path, buf, buf + len, 1, 1};
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        r.p += 3; /* a byte-order mark, as spreadsheet programs write */
    field f[MAX_FIELDS];
    size_t n, n_cols = 0;
    int col_of[N_COLS];
    bool ok, have_header = false;
    size_t errors = s->d->n_errors;
    while (!cp_diags_full(s->d) && record(&r, f, &n, &ok)) {
        if (!ok || (n == 1 && !f[0].s[0]))
            continue; /* reported, or a blank line */
        if (!have_header) {
            if (!header(&r, f, n, col_of))
                break;
            have_header = true;
            n_cols = n;
            continue;
        }
        row(&r, f, n, n_cols, col_of);
    }
    if (!have_header && s->d->n_errors == errors)
        cp_error(s->d, (cp_pos){path, 1, 1},
                 "the file is empty: a holiday file starts with the "
                 "row date,name,kind");
    free(buf);
}
