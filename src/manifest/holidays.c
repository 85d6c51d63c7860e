/* The manifest's holidays: single days, ranges and yearly rules, plus the files they import. */
#define _POSIX_C_SOURCE 200809L
#include "manifest/holidays.h"
#include "base/path.h"
#include "base/utf8.h"
#include "base/util.h"
#include "manifest/schema.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define CP_MAX_HOLIDAY_NAME 500
#define CP_MAX_HOLIDAY_FILE (8u << 20)

static const char *const kinds[] = {"holiday", "observance", NULL};

bool cp_hol_add(cp_hol_sink *s, cp_date first, cp_date last, const char *name, cp_holiday_kind kind,
                cp_pos pos, cp_pos name_pos)
{
    cp_date jan1 = {s->year, 1, 1}, dec31 = {s->year, 12, 31};
    if (cp_date_to_days(first) < cp_date_to_days(jan1))
        first = jan1;
    if (cp_date_to_days(last) > cp_date_to_days(dec31))
        last = dec31;
    if (cp_date_to_days(first) > cp_date_to_days(last))
        return false;
    cp_grow((void **)&s->items, &s->cap, s->n + 1, sizeof *s->items);
    s->items[s->n++] = (cp_holiday){
        .date = first,
        .end = last,
        .name = {cp_arena_strdup(s->a, name), name_pos},
        .kind = kind,
        .pos = pos,
    };
    return true;
}

/* YYYY-MM-DD exactly: four, two and two ASCII digits. */
static bool ymd_shape(const char *s, size_t n, int *y, int *m, int *d)
{
    if (n != 10)
        return false;
    for (size_t i = 0; i < 10; i++)
        if ((i == 4 || i == 7) ? s[i] != '-' : !isdigit((unsigned char)s[i]))
            return false;
    *y = atoi(s);
    *m = (s[5] - '0') * 10 + (s[6] - '0');
    *d = (s[8] - '0') * 10 + (s[9] - '0');
    return true;
}

/* One date of a span; NULL when it is a date, else why not (the same words as a single date's). */
static const char *check_ymd(cp_arena *a, const char *s, size_t n, cp_date *out)
{
    int y, m, d;
    if (!ymd_shape(s, n, &y, &m, &d))
        return "";
    if (y < CP_YEAR_MIN || y > CP_YEAR_MAX)
        return cp_arena_printf(a, "year %d is outside %d..%d", y, CP_YEAR_MIN, CP_YEAR_MAX);
    if (m < 1 || m > 12)
        return cp_arena_printf(a, "there is no month %d in %.*s", m, (int)n, s);
    *out = (cp_date){y, m, d};
    if (!cp_date_valid(*out))
        return cp_arena_printf(a, "%.*s is not a date (month %d of %d has %d days)", (int)n, s, m,
                               y, cp_date_days_in_month(y, m));
    return NULL;
}

cp_span_status cp_hol_parse_span(cp_arena *a, const char *text, cp_date *first, cp_date *last,
                                 const char **why)
{
    const char *dots = strstr(text, "..");
    size_t n = strlen(text);
    size_t n1 = dots ? (size_t)(dots - text) : n;
    const char *e1 = check_ymd(a, text, n1, first);
    const char *e2 = NULL;
    if (dots && !e1)
        e2 = check_ymd(a, dots + 2, strlen(dots + 2), last);
    else if (!e1)
        *last = *first;
    if ((e1 && !e1[0]) || (e2 && !e2[0])) {
        *why = cp_arena_printf(a,
                               "must be a date written YYYY-MM-DD, or a range of days "
                               "YYYY-MM-DD..YYYY-MM-DD (got '%s')",
                               text);
        return CP_SPAN_SHAPE;
    }
    if (e1 || e2) {
        *why = e1 ? e1 : e2;
        return CP_SPAN_INVALID;
    }
    if (cp_date_to_days(*last) < cp_date_to_days(*first)) {
        *why = cp_arena_printf(a, "the range %s ends before it starts", text);
        return CP_SPAN_REVERSED;
    }
    return CP_SPAN_OK;
}

char *cp_hol_read_text(cp_diags *d, const char *path, const char *given, cp_pos from, size_t *len)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size > CP_MAX_HOLIDAY_FILE) {
        cp_error(d, from, "holiday file '%s' is %.1f MB; calpress reads at most %u MB", given,
                 (double)st.st_size / (1 << 20), CP_MAX_HOLIDAY_FILE >> 20);
        return NULL;
    }
    char *buf = cp_read_file(path, len);
    if (!buf) {
        cp_error(d, from, "cannot read holiday file '%s': %s", given, strerror(errno));
        return NULL;
    }
    int line, col;
    unsigned char byte;
    if (!cp_utf8_check(buf, *len, &line, &col, &byte)) {
        cp_pos pos = {path, line, col};
        if (byte == 0)
            cp_error(d, pos, "file contains a NUL byte (is it a text file?)");
        else
            cp_error(d, pos, "invalid UTF-8 (byte 0x%02x); save the file as UTF-8", byte);
        free(buf);
        return NULL;
    }
    return buf;
}

typedef struct loader {
    cp_arena *a;
    cp_diags *d;
    cp_calendar *cal;
    cp_hol_sink sink;
} loader;

/* Index of word in names (compared case-insensitively, or by its first three letters when it is
 * that short form), or -1. */
static int word_index(const char *word, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (strcasecmp(word, names[i]) == 0 ||
            (strlen(word) == 3 && strncasecmp(word, names[i], 3) == 0))
            return i;
    return -1;
}

static const char *suggestion(cp_arena *a, const char *word, const char *const *names)
{
    char low[32];
    size_t n = strlen(word) < sizeof low - 1 ? strlen(word) : sizeof low - 1;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)word[i]);
    low[n] = '\0';
    const char *s = cp_suggest(low, names);
    return s ? cp_arena_printf(a, "; did you mean '%s'?", s) : "";
}

/* "MM-DD": a day that exists in some year (02-29 does, 02-30 does not). */
static bool every_fixed(loader *x, const cp_node *v, int *month, int *day)
{
    const char *s = v->str;
    *month = (s[0] - '0') * 10 + (s[1] - '0');
    *day = (s[3] - '0') * 10 + (s[4] - '0');
    if (*month < 1 || *month > 12) {
        cp_error(x->d, v->pos, "'every': there is no month %d in %s", *month, s);
        return false;
    }
    if (*day < 1 || *day > cp_date_days_in_month(2000, *month)) {
        cp_error(x->d, v->pos, "'every': %s is not a date (month %d has %d days)", s, *month,
                 cp_date_days_in_month(2000, *month));
        return false;
    }
    return true;
}

static const char *const ordinals[] = {"1st", "2nd", "3rd", "4th", "5th", "last", NULL};
static const char *const ordinal_words[] = {"first", "second", "third", "fourth", "fifth", NULL};
static const char *const weekday_names[] = {"monday", "tuesday",  "wednesday", "thursday",
                                            "friday", "saturday", "sunday",    NULL};
static const char *const month_names[] = {"january",  "february", "march",  "april",     "may",
                                          "june",     "july",     "august", "september", "october",
                                          "november", "december", NULL};

/* "2nd sunday of may", "last monday of may": the words of a weekday rule, each checked. */
static bool every_weekday(loader *x, const cp_node *v, char **w, int *nth, int *wd, int *month)
{
    int o = -1;
    for (int i = 0; ordinals[i] && o < 0; i++)
        if (strcasecmp(w[0], ordinals[i]) == 0)
            o = i;
    for (int i = 0; ordinal_words[i] && o < 0; i++)
        if (strcasecmp(w[0], ordinal_words[i]) == 0)
            o = i;
    bool ok = true;
    if (o < 0) {
        cp_error(x->d, v->pos, "'every': '%s' is not 1st, 2nd, 3rd, 4th, 5th or last", w[0]);
        ok = false;
    }
    *nth = o == 5 ? -1 : o + 1;
    *wd = word_index(w[1], weekday_names);
    if (*wd < 0) {
        cp_error(x->d, v->pos, "'every': '%s' is not a weekday%s", w[1],
                 suggestion(x->a, w[1], weekday_names));
        ok = false;
    }
    if (strcasecmp(w[2], "of") != 0 && strcasecmp(w[2], "in") != 0) {
        cp_error(x->d, v->pos, "'every': write the rule as '%s %s of MONTH'", w[0], w[1]);
        ok = false;
    }
    int m = strcasecmp(w[3], "sept") == 0 ? 8 : word_index(w[3], month_names);
    if (m < 0) {
        cp_error(x->d, v->pos, "'every': '%s' is not a month%s", w[3],
                 suggestion(x->a, w[3], month_names));
        ok = false;
    }
    *month = m + 1;
    return ok;
}

#define EVERY_FORM                                                                                 \
    "'every' must be MM-DD (the same date every year) or a rule like '2nd sunday of may' or "      \
    "'last monday of may' (got '%s')"

/* A yearly rule, placed in the calendar's year. Returns false when it was reported: an error for
 * a malformed rule, a warning for a day the year does not have (a fifth Monday, 29 February). */
static bool read_every(loader *x, const cp_node *v, cp_date *out)
{
    if (v->kind != CP_NODE_SCALAR || cp_node_is_null(v)) {
        cp_error(x->d, v->pos, EVERY_FORM, cp_node_kind_name(v));
        return false;
    }
    char *copy = cp_arena_strdup(x->a, v->str);
    char *w[5] = {0};
    int n = 0;
    for (char *save = NULL, *t = strtok_r(copy, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
        if (n < 5)
            w[n++] = t;
    int y = x->cal->year, m, day, nth = 0, wd = 0;
    bool fixed = n == 1 && strlen(w[0]) == 5 && isdigit((unsigned char)w[0][0]) &&
                 isdigit((unsigned char)w[0][1]) && w[0][2] == '-' &&
                 isdigit((unsigned char)w[0][3]) && isdigit((unsigned char)w[0][4]);
    if (!fixed && n != 4) {
        cp_error(x->d, v->pos, EVERY_FORM, v->str);
        return false;
    }
    if (fixed ? !every_fixed(x, v, &m, &day) : !every_weekday(x, v, w, &nth, &wd, &m))
        return false;
    if (!y)
        return false;
    if (fixed && day > cp_date_days_in_month(y, m)) {
        cp_warning(x->d, v->pos,
                   "'every': %d has no %s (it is not a leap year): the holiday is "
                   "left out",
                   y, v->str);
        return false;
    }
    if (fixed) {
        *out = (cp_date){y, m, day};
    } else if (!cp_date_nth_weekday(y, m, wd, nth, out)) {
        char month[16];
        snprintf(month, sizeof month, "%s", month_names[m - 1]);
        month[0] = (char)toupper((unsigned char)month[0]);
        cp_warning(x->d, v->pos, "'every': %s %d has no %s %s: the holiday is left out", month, y,
                   w[0], weekday_names[wd]);
        return false;
    }
    return true;
}

/* date: one day or first..last, in the calendar's year. */
static bool read_date(loader *x, const cp_node *h, cp_date *first, cp_date *last)
{
    const cp_node *v = cp_node_lookup(h, "date");
    if (!v || v->kind != CP_NODE_SCALAR || !strstr(v->str, "..")) {
        if (!cp_schema_date(x->d, h, "date", true, first, NULL))
            return false;
        *last = *first;
    } else {
        const char *why;
        cp_span_status st = cp_hol_parse_span(x->a, v->str, first, last, &why);
        if (st != CP_SPAN_OK) {
            cp_error(x->d, v->pos, st == CP_SPAN_SHAPE ? "'date' %s" : "'date': %s", why);
            return false;
        }
    }
    int y = x->cal->year;
    if (!y || (first->year == y && last->year == y))
        return true;
    if (first->year != y && last->year != y)
        cp_error(x->d, v->pos, "holiday %s is not in the calendar's year %d", v->str, y);
    else
        cp_error(x->d, v->pos, "holiday range %s runs outside the calendar's year %d", v->str, y);
    cp_note(x->d, x->cal->year_pos, "the year is set here");
    return false;
}

static void read_entry(loader *x, const cp_node *h)
{
    static const char *const keys[] = {"date", "every", "name", "kind", NULL};
    if (!cp_schema_map(x->d, h, "a holiday", keys))
        return;
    cp_str name;
    bool ok = cp_schema_str(x->a, x->d, h, "name", true, &name);
    if (ok && strlen(name.s) > CP_MAX_HOLIDAY_NAME) {
        cp_error(x->d, name.pos, "'name' is %zu bytes long; calpress sets at most %d in one field",
                 strlen(name.s), CP_MAX_HOLIDAY_NAME);
        ok = false;
    }
    int kind = 0;
    cp_schema_enum(x->d, h, "kind", kinds, &kind);
    const cp_node *every = cp_node_lookup(h, "every");
    cp_date first, last;
    if (every && cp_node_lookup(h, "date")) {
        cp_error(x->d, every->pos,
                 "a holiday has 'date' (this year's day or days) or 'every' (a yearly rule), "
                 "not both");
        ok = false;
    } else if (every) {
        ok = read_every(x, every, &first) && ok;
        last = first;
    } else {
        ok = read_date(x, h, &first, &last) && ok;
    }
    if (ok && x->cal->year)
        cp_hol_add(&x->sink, first, last, name.s, (cp_holiday_kind)kind, h->pos, name.pos);
}

/* One holiday_files entry: a readable .ics or .csv file beside the manifest. */
static void read_file_entry(loader *x, const cp_node *v)
{
    if (v->kind != CP_NODE_SCALAR || cp_node_is_null(v) || !v->str[0]) {
        cp_error(x->d, v->pos, "a 'holiday_files' entry must name an .ics or .csv file");
        return;
    }
    const char *path = cp_path_join(x->a, x->cal->dir, v->str);
    size_t n = strlen(v->str);
    bool ics = n > 4 && (strcasecmp(v->str + n - 4, ".ics") == 0);
    bool csv = n > 4 && strcasecmp(v->str + n - 4, ".csv") == 0;
    if (!ics && !csv) {
        cp_error(x->d, v->pos,
                 "holiday file '%s' must be an iCalendar file (.ics) or a CSV file (.csv)", v->str);
        return;
    }
    if (access(path, R_OK) != 0 || !cp_path_is_file(path)) {
        int err = errno;
        if (cp_path_is_dir(path))
            cp_error(x->d, v->pos, "holiday file '%s' is a folder, not a file", v->str);
        else if (access(path, R_OK) == 0)
            cp_error(x->d, v->pos, "holiday file '%s' is not a regular file", v->str);
        else
            cp_error(x->d, v->pos, "cannot read holiday file '%s': %s", v->str, strerror(err));
        if (strcmp(path, v->str) != 0)
            cp_note(x->d, v->pos, "looked for it at '%s'", path);
        return;
    }
    size_t before = x->sink.n, errors = x->d->n_errors;
    if (ics)
        cp_hol_read_ics(&x->sink, path, v->str, v->pos);
    else
        cp_hol_read_csv(&x->sink, path, v->str, v->pos);
    if (x->sink.n == before && x->d->n_errors == errors)
        cp_warning(x->d, v->pos, "holiday file '%s' has no holidays in %d", v->str, x->sink.year);
}

static void read_files(loader *x, const cp_node *root)
{
    const cp_node *v = cp_node_lookup(root, "holiday_files");
    if (!v || cp_node_is_null(v))
        return;
    if (v->kind == CP_NODE_SCALAR) {
        read_file_entry(x, v); /* one file needs no list */
        return;
    }
    if (v->kind != CP_NODE_SEQ) {
        cp_error(x->d, v->pos, "'holiday_files' must be a list of .ics or .csv files, not %s",
                 cp_node_kind_name(v));
        return;
    }
    for (size_t i = 0; i < v->n && !cp_diags_full(x->d); i++)
        read_file_entry(x, v->vals[i]);
}

typedef struct sort_key {
    long day;
    size_t index; /* the order given breaks ties */
} sort_key;

static int cmp_key(const void *pa, const void *pb)
{
    const sort_key *a = pa, *b = pb;
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

static bool same_holiday(const cp_holiday *a, const cp_holiday *b)
{
    return cp_date_to_days(a->end) == cp_date_to_days(b->end) && strcmp(a->name.s, b->name.s) == 0;
}

/* Sorted by first day (ties in the order given) into the arena; an exact repeat (same days, same
 * name, as when a file and the manifest both list Republic Day) is kept once. */
static void finish(loader *x)
{
    cp_hol_sink *s = &x->sink;
    sort_key *order = cp_xmalloc((s->n ? s->n : 1) * sizeof *order);
    for (size_t i = 0; i < s->n; i++)
        order[i] = (sort_key){cp_date_to_days(s->items[i].date), i};
    qsort(order, s->n, sizeof *order, cmp_key);
    cp_holiday *out = cp_arena_alloc(x->a, (s->n ? s->n : 1) * sizeof *out);
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++) {
        const cp_holiday *h = &s->items[order[i].index];
        bool repeat = false;
        for (size_t j = n;
             j-- > 0 && !repeat && cp_date_to_days(out[j].date) == cp_date_to_days(h->date);)
            repeat = same_holiday(&out[j], h);
        if (!repeat)
            out[n++] = *h;
    }
    free(order);
    x->cal->holidays = out;
    x->cal->n_holidays = n;
}

void cp_holidays_load(cp_arena *a, cp_diags *d, cp_calendar *cal, const cp_node *root)
{
    loader x = {a, d, cal, {.a = a, .d = d, .year = cal->year}};
    const cp_node *v = cp_node_lookup(root, "holidays");
    if (v && !cp_node_is_null(v) && v->kind != CP_NODE_SEQ)
        cp_error(d, v->pos, "'holidays' must be a list of {date, name} entries");
    else if (v && v->kind == CP_NODE_SEQ)
        for (size_t i = 0; i < v->n; i++)
            read_entry(&x, v->vals[i]);
    if (cal->year)
        read_files(&x, root);
    finish(&x);
    free(x.sink.items);
}
