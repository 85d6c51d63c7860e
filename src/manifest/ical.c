/* Holidays from an iCalendar file (RFC 5545), read with libical: all-day VEVENTs, multi-day
 * events (DTEND is the day after the last), yearly RRULEs expanded into the calendar's year,
 * SUMMARY as the name, CATEGORIES (or Google's DESCRIPTION "Observance") for the kind.
 *
 * libical keeps no line numbers, so a scan of the raw text first finds where each VEVENT and each
 * of its properties starts; VEVENTs come out of libical in the same order, which pairs them. */
#include "base/util.h"
#include "manifest/holidays.h"

#include <ctype.h>
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH       16
#define MAX_TIMED_NOTES 3

typedef struct prop_line {
    const char *text; /* the line in the file's buffer, from the property's name */
    size_t len, name_len;
    int line;
} prop_line;

typedef struct ev_lines {
    int begin;       /* the line of BEGIN:VEVENT */
    size_t first, n; /* its own properties (not a VALARM's) in props[] */
} ev_lines;

/* A changed or cancelled instance of a recurring event (RECURRENCE-ID): the rule skips it. */
typedef struct override {
    const char *uid;
    cp_date day;
} override;

typedef struct ics {
    cp_hol_sink *s;
    const char *path;
    ev_lines *evs;
    size_t n_evs, cap_evs;
    prop_line *props;
    size_t n_props, cap_props;
    override *ovr;
    size_t n_ovr, cap_ovr;
    size_t timed; /* timed events skipped */
} ics;

static bool same(const char *a, size_t an, const char *b, size_t bn)
{
    return an == bn && strncasecmp(a, b, an) == 0;
}

static bool is(const char *s, size_t n, const char *word)
{
    return same(s, n, word, strlen(word));
}

/* One physical line: [*p, eol); returns the start of the next. */
static const char *line_end(const char *p, const char *end, const char **eol)
{
    const char *q = p;
    while (q < end && *q != '\r' && *q != '\n')
        q++;
    *eol = q;
    if (q < end && *q == '\r')
        q++;
    if (q < end && *q == '\n' && (q == *eol || q[-1] == '\r'))
        q++;
    return q;
}

typedef struct scan_state {
    struct {
        const char *name;
        size_t len;
        int line;
    } stack[MAX_DEPTH];
    int depth;
} scan_state;

/* BEGIN:X and END:X must pair up, or libical silently drops what it cannot close. */
static bool scan_component(ics *x, scan_state *st, bool begin, const char *v, size_t vn, int line)
{
    cp_diags *d = x->s->d;
    if (begin) {
        if (st->depth == MAX_DEPTH) {
            cp_error(d, (cp_pos){x->path, line, 1}, "components nest deeper than %d", MAX_DEPTH);
            return false;
        }
        st->stack[st->depth].name = v;
        st->stack[st->depth].len = vn;
        st->stack[st->depth++].line = line;
        if (st->depth == 2 && is(v, vn, "VEVENT") &&
            is(st->stack[0].name, st->stack[0].len, "VCALENDAR")) {
            cp_grow((void **)&x->evs, &x->cap_evs, x->n_evs + 1, sizeof *x->evs);
            x->evs[x->n_evs++] = (ev_lines){line, x->n_props, 0};
        }
        return true;
    }
    if (st->depth == 0) {
        cp_error(d, (cp_pos){x->path, line, 1}, "END:%.*s has no BEGIN:%.*s before it", (int)vn, v,
                 (int)vn, v);
        return false;
    }
    if (!same(v, vn, st->stack[st->depth - 1].name, st->stack[st->depth - 1].len)) {
        cp_error(d, (cp_pos){x->path, line, 1}, "END:%.*s does not close BEGIN:%.*s (line %d)",
                 (int)vn, v, (int)st->stack[st->depth - 1].len, st->stack[st->depth - 1].name,
                 st->stack[st->depth - 1].line);
        return false;
    }
    st->depth--;
    return true;
}

/* Finds the lines of every VEVENT and its properties, and checks the BEGIN/END structure. */
static bool scan(ics *x, const char *buf, size_t len)
{
    scan_state st = {.depth = 0};
    const char *p = buf, *end = buf + len, *eol;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    bool first = true;
    for (int line = 1; p < end; line++) {
        const char *ls = p;
        p = line_end(p, end, &eol);
        size_t n = (size_t)(eol - ls);
        if (n == 0 || ls[0] == ' ' || ls[0] == '\t')
            continue; /* blank, or a folded line's continuation */
        size_t name_len = 0;
        while (name_len < n && ls[name_len] != ':' && ls[name_len] != ';')
            name_len++;
        const char *v = name_len < n ? ls + name_len + 1 : ls + n;
        size_t vn = (size_t)(eol - v);
        while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
            vn--;
        bool begin = is(ls, name_len, "BEGIN"), endc = is(ls, name_len, "END");
        if (first && !(begin && is(v, vn, "VCALENDAR"))) {
            cp_error(x->s->d, (cp_pos){x->path, line, 1},
                     "this is not an iCalendar file: it must start with BEGIN:VCALENDAR");
            return false;
        }
        first = false;
        if (begin || endc) {
            if (!scan_component(x, &st, begin, v, vn, line))
                return false;
        } else if (st.depth == 2 && x->n_evs && is(st.stack[1].name, st.stack[1].len, "VEVENT")) {
            cp_grow((void **)&x->props, &x->cap_props, x->n_props + 1, sizeof *x->props);
            x->props[x->n_props++] = (prop_line){ls, n, name_len, line};
            x->evs[x->n_evs - 1].n++;
        }
    }
    if (first)
        cp_error(x->s->d, (cp_pos){x->path, 1, 1}, "the file is empty");
    else if (st.depth)
        cp_error(x->s->d, (cp_pos){x->path, st.stack[st.depth - 1].line, 1},
                 "BEGIN:%.*s has no END:%.*s (the file ends first)",
                 (int)st.stack[st.depth - 1].len, st.stack[st.depth - 1].name,
                 (int)st.stack[st.depth - 1].len, st.stack[st.depth - 1].name);
    return !first && st.depth == 0;
}

/* The line of event i's first property `name`, or of its BEGIN:VEVENT. */
static cp_pos ev_pos(const ics *x, size_t i, const char *name)
{
    const ev_lines *e = &x->evs[i];
    for (size_t k = e->first; name && k < e->first + e->n; k++)
        if (is(x->props[k].text, x->props[k].name_len, name))
            return (cp_pos){x->path, x->props[k].line, 1};
    return (cp_pos){x->path, e->begin, 1};
}

/* Properties calpress reads: a broken one is an error, a broken other one is ignored. */
static bool used_property(const char *name, size_t n)
{
    static const char *const used[] = {"DTSTART", "DTEND",         "DURATION",    "RRULE",
                                       "EXDATE",  "RDATE",         "SUMMARY",     "CATEGORIES",
                                       "STATUS",  "RECURRENCE-ID", "DESCRIPTION", NULL};
    for (size_t i = 0; used[i]; i++)
        if (is(name, n, used[i]))
            return true;
    return false;
}

/* libical notes what it could not parse as X-LIC-ERROR properties: each is reported at the line it
 * came from. Returns false if a property calpress needs was lost. */
static bool parse_errors(ics *x, icalcomponent *ev, size_t i)
{
    bool ok = true;
    for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_XLICERROR_PROPERTY); p;
         p = icalcomponent_get_next_property(ev, ICAL_XLICERROR_PROPERTY)) {
        const char *msg = icalproperty_get_xlicerror(p);
        msg = msg ? msg : "unreadable line";
        if (strncmp(msg, "No value for ", 13) == 0)
            continue; /* Google writes DESCRIPTION: and LOCATION: empty: nothing is lost */
        const ev_lines *e = &x->evs[i];
        cp_pos at = {x->path, e->begin, 1};
        bool used = false;
        /* "... in DTSTART property. ..." names the property; "... tag: TEXT" quotes the line. */
        const char *tail = strstr(msg, ": ");
        for (size_t k = e->first; k < e->first + e->n; k++) {
            const prop_line *pl = &x->props[k];
            char key[80];
            snprintf(key, sizeof key, " %.*s property", (int)pl->name_len, pl->text);
            bool named = pl->name_len < 60 && strstr(msg, key);
            bool quoted = !named && tail && strlen(tail + 2) == pl->len &&
                          strncmp(tail + 2, pl->text, pl->len) == 0;
            if (named || quoted) {
                at.line = pl->line;
                used = named && used_property(pl->text, pl->name_len);
                break;
            }
        }
        const char *what = strstr(msg, ". Removing entire property");
        int n = what ? (int)(what - msg) : (int)strlen(msg);
        if (used) {
            cp_error(x->s->d, at, "cannot read this line: %.*s", n, msg);
            ok = false;
        } else {
            cp_warning(x->s->d, at, "cannot read this line, so it is ignored: %.*s", n, msg);
        }
    }
    return ok;
}

static bool to_date(struct icaltimetype t, cp_date *out)
{
    *out = (cp_date){t.year, t.month, t.day};
    return !icaltime_is_null_time(t) && cp_date_valid(*out);
}

/* An all-day event: DTSTART;VALUE=DATE, or Outlook's midnight times marked as all-day. */
static bool all_day(icalcomponent *ev, struct icaltimetype t)
{
    if (t.is_date)
        return true;
    for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_X_PROPERTY); p;
         p = icalcomponent_get_next_property(ev, ICAL_X_PROPERTY)) {
        const char *name = icalproperty_get_x_name(p), *v = icalproperty_get_x(p);
        if (name && v && strcasecmp(name, "X-MICROSOFT-CDO-ALLDAYEVENT") == 0 &&
            strcasecmp(v, "TRUE") == 0)
            return t.hour == 0 && t.minute == 0 && t.second == 0;
    }
    return false;
}

/* CATEGORIES:Observance (any of its values), else a DESCRIPTION whose first word is Observance,
 * as Google Calendar's holiday calendars write: an observance. Otherwise a holiday. */
static cp_holiday_kind kind_of(icalcomponent *ev)
{
    bool categories = false;
    for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_CATEGORIES_PROPERTY); p;
         p = icalcomponent_get_next_property(ev, ICAL_CATEGORIES_PROPERTY)) {
        const char *v = icalproperty_get_categories(p);
        categories = true;
        for (const char *c = v; c && *c;) {
            c += strspn(c, " ,");
            size_t n = strcspn(c, ",");
            size_t t = n;
            while (t && c[t - 1] == ' ')
                t--;
            if (is(c, t, "observance"))
                return CP_OBSERVANCE;
            c += n;
        }
    }
    const char *desc = icalcomponent_get_description(ev);
    if (!categories && desc && strncasecmp(desc, "observance", 10) == 0 &&
        !isalpha((unsigned char)desc[10]))
        return CP_OBSERVANCE;
    return CP_HOLIDAY;
}

/* SUMMARY with line breaks and tabs as spaces, trimmed; arena-owned, or NULL if empty. */
static const char *clean_name(cp_arena *a, const char *summary)
{
    if (!summary)
        return NULL;
    while (*summary == ' ' || (*summary > 0 && *summary < 32))
        summary++;
    char *s = cp_arena_strdup(a, summary);
    for (char *p = s; *p; p++)
        if (*p > 0 && *p < 32)
            *p = ' ';
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        s[--n] = '\0';
    return n ? s : NULL;
}

/* How many days event i lasts: DTEND is the day after the last (RFC 5545), or DURATION; one day
 * without either. 0 after an error. */
static long event_days(ics *x, icalcomponent *ev, size_t i, cp_date start)
{
    icalproperty *pe = icalcomponent_get_first_property(ev, ICAL_DTEND_PROPERTY);
    icalproperty *pd = icalcomponent_get_first_property(ev, ICAL_DURATION_PROPERTY);
    if (pe) {
        struct icaltimetype t = icalproperty_get_dtend(pe);
        cp_date end;
        if (!to_date(t, &end) || !all_day(ev, t)) {
            cp_error(x->s->d, ev_pos(x, i, "DTEND"),
                     "DTEND must be a date (VALUE=DATE), as DTSTART is");
            return 0;
        }
        long days = cp_date_to_days(end) - cp_date_to_days(start);
        if (days < 0) {
            cp_error(x->s->d, ev_pos(x, i, "DTEND"),
                     "DTEND %04d-%02d-%02d is before DTSTART %04d-%02d-%02d", end.year, end.month,
                     end.day, start.year, start.month, start.day);
            return 0;
        }
        return days ? days : 1; /* DTEND = DTSTART: some programs write a one-day event so */
    }
    if (pd) {
        long secs = icaldurationtype_as_int(icalproperty_get_duration(pd));
        if (secs < 0) {
            cp_error(x->s->d, ev_pos(x, i, "DURATION"), "DURATION must not be negative");
            return 0;
        }
        return secs >= 86400 ? secs / 86400 : 1;
    }
    return 1;
}

static void collect_override(ics *x, icalcomponent *ev)
{
    icalproperty *p = icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY);
    const char *uid = icalcomponent_get_uid(ev);
    cp_date day;
    if (!p || !uid || !to_date(icalproperty_get_recurrenceid(p), &day))
        return;
    cp_grow((void **)&x->ovr, &x->cap_ovr, x->n_ovr + 1, sizeof *x->ovr);
    x->ovr[x->n_ovr++] = (override){cp_arena_strdup(x->s->a, uid), day};
}

/* True if a recurring event leaves out day: an EXDATE, or an instance another VEVENT replaces. */
static bool excluded(const ics *x, icalcomponent *ev, cp_date day)
{
    long dn = cp_date_to_days(day);
    for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY); p;
         p = icalcomponent_get_next_property(ev, ICAL_EXDATE_PROPERTY)) {
        cp_date ex;
        if (to_date(icalproperty_get_exdate(p), &ex) && cp_date_to_days(ex) == dn)
            return true;
    }
    const char *uid = icalcomponent_get_uid(ev);
    for (size_t k = 0; uid && k < x->n_ovr; k++)
        if (cp_date_to_days(x->ovr[k].day) == dn && strcmp(x->ovr[k].uid, uid) == 0)
            return true;
    return false;
}

typedef struct occurrence_info {
    const char *name;
    cp_holiday_kind kind;
    long days;
    cp_pos pos, name_pos;
} occurrence_info;

static void add_days(ics *x, cp_date first, const occurrence_info *oi)
{
    cp_date last = cp_date_from_days(cp_date_to_days(first) + oi->days - 1);
    cp_hol_add(x->s, first, last, oi->name, oi->kind, oi->pos, oi->name_pos);
}

/* A yearly RRULE's occurrences that touch the calendar's year (RDATEs too; EXDATEs and replaced
 * instances left out). Other frequencies are not holidays calpress can place: skipped. */
static void expand(ics *x, icalcomponent *ev, size_t i, struct icaltimetype start,
                   const occurrence_info *oi)
{
    icalproperty *pr = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY);
    struct icalrecurrencetype rr = icalproperty_get_rrule(pr);
    if (rr.freq != ICAL_YEARLY_RECURRENCE) {
        cp_warning(x->s->d, ev_pos(x, i, "RRULE"),
                   "'%s' repeats %s: calpress expands yearly rules (FREQ=YEARLY) only, so it is "
                   "left out",
                   oi->name, icalrecur_freq_to_string(rr.freq));
        return;
    }
    icalrecur_iterator *it = icalrecur_iterator_new(rr, start);
    if (!it) {
        cp_error(x->s->d, ev_pos(x, i, "RRULE"), "libical cannot expand this RRULE");
        return;
    }
    int y = x->s->year;
    /* From the year before: an occurrence that starts in late December may run into January. */
    struct icaltimetype from = icaltime_from_day_of_year(1, y - 1);
    from.is_date = 1;
    if (start.year < y - 1)
        icalrecur_iterator_set_start(it, from); /* refused for COUNT rules: they start over */
    for (long guard = 0; guard < 100000; guard++) {
        struct icaltimetype t = icalrecur_iterator_next(it);
        cp_date d;
        if (icaltime_is_null_time(t) || t.year > y || !to_date(t, &d))
            break;
        if (cp_date_to_days(d) + oi->days > cp_date_to_days((cp_date){y, 1, 1}) &&
            !excluded(x, ev, d))
            add_days(x, d, oi);
    }
    icalrecur_iterator_free(it);
    for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_RDATE_PROPERTY); p;
         p = icalcomponent_get_next_property(ev, ICAL_RDATE_PROPERTY)) {
        cp_date d;
        if (to_date(icalproperty_get_rdate(p).time, &d) && !excluded(x, ev, d))
            add_days(x, d, oi);
    }
}

/* A timed event is not a holiday: say so for the first few, then count the rest. */
static void skip_timed(ics *x, size_t i, const char *name, struct icaltimetype t)
{
    if (++x->timed <= MAX_TIMED_NOTES)
        cp_note(x->s->d, ev_pos(x, i, "DTSTART"),
                "'%s' (%04d-%02d-%02d %02d:%02d) is left out: it has a time of day, and calpress "
                "takes all-day events only",
                name, t.year, t.month, t.day, t.hour, t.minute);
}

static void take_event(ics *x, icalcomponent *ev, size_t i)
{
    if (!parse_errors(x, ev, i) || icalcomponent_get_status(ev) == ICAL_STATUS_CANCELLED)
        return;
    occurrence_info oi = {clean_name(x->s->a, icalcomponent_get_summary(ev)), kind_of(ev), 1,
                          ev_pos(x, i, NULL), ev_pos(x, i, "SUMMARY")};
    icalproperty *ps = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
    if (!oi.name) {
        cp_error(x->s->d, oi.pos, "this event has no SUMMARY, the holiday's name");
        return;
    }
    if (strlen(oi.name) > 500) {
        cp_error(x->s->d, oi.name_pos,
                 "SUMMARY is %zu bytes long; calpress sets at most 500 in one field",
                 strlen(oi.name));
        return;
    }
    if (!ps) {
        cp_error(x->s->d, oi.pos, "event '%s' has no DTSTART, its first day", oi.name);
        return;
    }
    struct icaltimetype t = icalproperty_get_dtstart(ps);
    cp_date start;
    if (!to_date(t, &start)) {
        cp_error(x->s->d, ev_pos(x, i, "DTSTART"), "DTSTART of '%s' is not a date (%04d-%02d-%02d)",
                 oi.name, t.year, t.month, t.day);
        return;
    }
    if (!all_day(ev, t)) {
        skip_timed(x, i, oi.name, t);
        return;
    }
    oi.days = event_days(x, ev, i, start);
    if (oi.days == 0)
        return;
    if (icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY) &&
        !icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY))
        expand(x, ev, i, t, &oi);
    else
        add_days(x, start, &oi);
}

/* The VEVENTs of the file's calendars (one, or several in libical's XROOT), in file order;
 * malloc'd. */
static icalcomponent **list_events(icalcomponent *root, size_t *n)
{
    icalcomponent **evs = NULL;
    size_t cap = 0;
    *n = 0;
    bool many = icalcomponent_isa(root) == ICAL_XROOT_COMPONENT;
    icalcomponent *cal =
        many ? icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT) : root;
    while (cal) {
        for (icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
             ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
            cp_grow((void **)&evs, &cap, *n + 1, sizeof *evs);
            evs[(*n)++] = ev;
        }
        cal = many ? icalcomponent_get_next_component(root, ICAL_VCALENDAR_COMPONENT) : NULL;
    }
    return evs;
}

static void take_events(ics *x, icalcomponent *root)
{
    size_t n;
    icalcomponent **evs = list_events(root, &n);
    if (n != x->n_evs) {
        /* Never seen: the scan and libical disagree, so no line can be trusted. */
        cp_error(x->s->d, cp_pos_file(x->path), "libical read %zu events where there are %zu", n,
                 x->n_evs);
    } else {
        for (size_t i = 0; i < n; i++)
            collect_override(x, evs[i]);
        for (size_t i = 0; i < n && !cp_diags_full(x->s->d); i++)
            take_event(x, evs[i], i);
    }
    free(evs);
}

void cp_hol_read_ics(cp_hol_sink *s, const char *path, const char *given, cp_pos from)
{
    size_t len;
    char *buf = cp_hol_read_text(s->d, path, given, from, &len);
    if (!buf)
        return;
    ics x = {.s = s, .path = path};
    if (scan(&x, buf, len)) {
        icalerror_set_errors_are_fatal(0);
        bool bom = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0;
        icalcomponent *root = icalparser_parse_string(buf + (bom ? 3 : 0));
        if (!root) {
            cp_error(s->d, (cp_pos){path, 1, 1}, "libical cannot read this iCalendar file");
        } else {
            take_events(&x, root);
            icalcomponent_free(root);
        }
    }
    if (x.timed > MAX_TIMED_NOTES)
        cp_note(s->d, from, "%zu more timed events in '%s' are left out", x.timed - MAX_TIMED_NOTES,
                given);
    free(x.evs);
    free(x.props);
    free(x.ovr);
    free(buf);
}
