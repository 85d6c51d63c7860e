/* Holidays for the calendar: the manifest's own list (one day, a range, or a yearly rule) and the
 * iCalendar and CSV files it imports. Internal to the manifest layer. */
#ifndef CP_MANIFEST_HOLIDAYS_H
#define CP_MANIFEST_HOLIDAYS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/diag.h"
#include "manifest/yamltree.h"
#include "model/calendar.h"

/* Reads root's holidays: and holiday_files: into cal->holidays (arena-owned, sorted by first day,
 * an exact repeat of an earlier holiday dropped). cal->year, cal->year_pos and cal->dir must be
 * set; a year of 0 (unreadable) skips the checks against it. Problems are reported to d. */
void cp_holidays_load(cp_arena *a, cp_diags *d, cp_calendar *cal, const cp_node *root);

/* --- shared by holidays.c, ical.c and csv.c --- */

/* Where imported holidays collect: those outside `year` are dropped and ranges clipped to it. */
typedef struct cp_hol_sink {
    cp_arena *a;
    cp_diags *d;
    int year;
    cp_holiday *items; /* malloc'd, in the order given */
    size_t n, cap;
} cp_hol_sink;

/* Adds first..last (inclusive) clipped to the sink's year; returns false when no day of it lies
 * in the year. name is copied into the arena. */
bool cp_hol_add(cp_hol_sink *s, cp_date first, cp_date last, const char *name, cp_holiday_kind kind,
                cp_pos pos, cp_pos name_pos);

typedef enum cp_span_status {
    CP_SPAN_OK,
    CP_SPAN_SHAPE,    /* not YYYY-MM-DD nor YYYY-MM-DD..YYYY-MM-DD */
    CP_SPAN_INVALID,  /* a year, month or day that does not exist */
    CP_SPAN_REVERSED, /* the range ends before it starts */
} cp_span_status;

/* Parses "2022-10-01" or "2022-10-01..2022-10-05". On failure, *why holds the message's tail:
 * with CP_SPAN_SHAPE it follows the field's name ("'date' must be ..."), otherwise a colon
 * ("'date': 2022-02-30 is not a date ..."). why is arena-owned. */
cp_span_status cp_hol_parse_span(cp_arena *a, const char *text, cp_date *first, cp_date *last,
                                 const char **why);

/* Reads a whole holiday file named at `from` (at most a few megabytes, UTF-8); NULL after an
 * error. The buffer is malloc'd and NUL-terminated. */
char *cp_hol_read_text(cp_diags *d, const char *path, const char *given, cp_pos from, size_t *len);

/* Imports an iCalendar (.ics) or CSV (.csv) file into s; path is also the position's file. */
void cp_hol_read_ics(cp_hol_sink *s, const char *path, const char *given, cp_pos from);
void cp_hol_read_csv(cp_hol_sink *s, const char *path, const char *given, cp_pos from);

#endif
