/* The calendar model: plain data built by the manifest loader, read by layout. */
#ifndef CP_CALENDAR_H
#define CP_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/diag.h"
#include "model/date.h"
#include "model/style.h"

/* A string from an input file with the place it came from. s == NULL when absent. */
typedef struct cp_str {
    const char *s;
    cp_pos pos;
} cp_str;

typedef enum cp_fit { CP_FIT_FILL, CP_FIT_CONTAIN } cp_fit;

/* A photo reference: the resolved path, where the manifest named it, and how to place it. */
typedef struct cp_photo {
    cp_str path;             /* resolved against the naming file's directory */
    const char *given;       /* as written in the file */
    double focus_x, focus_y; /* 0..1, default 0.5 */
    bool focus_given;        /* photo_focus was written: no automatic focus */
    cp_fit fit;
    cp_str credit;
    bool missing; /* could not be read; a placeholder is drawn (proofs with --placeholders) */
} cp_photo;

typedef struct cp_story {
    cp_pos pos;       /* the months: entry */
    const char *file; /* the story file, or the manifest for inline stories */
    int month;        /* 1..12 */
    cp_str name;
    bool pseudonym;
    cp_str headline, quote, body;
    cp_str language; /* NULL: the calendar's */
    cp_photo photo;
} cp_story;

typedef enum cp_holiday_kind { CP_HOLIDAY, CP_OBSERVANCE } cp_holiday_kind;

/* A holiday or observance: one day, or the days date..end (a five-day festival). pos is where it
 * was given: the manifest's list entry, or FILE:LINE of an imported .ics or .csv file. */
typedef struct cp_holiday {
    cp_date date; /* the first day */
    cp_date end;  /* the last day, inclusive; equal to date for one day */
    cp_str name;
    cp_holiday_kind kind;
    cp_pos pos;
} cp_holiday;

typedef struct cp_contact {
    cp_str name, role, phone, email;
} cp_contact;

typedef struct cp_press_release {
    const char *file;
    cp_str language; /* NULL: the calendar's */
    cp_str headline, place, body, about_heading, about_body, footnote;
    cp_str contacts_heading; /* the line above the contacts; NULL: none */
    bool dateline;           /* print "PLACE, date — " before the body (default true) */
    cp_date date;
    cp_pos date_pos;
    cp_contact *contacts;
    size_t n_contacts;
    cp_str logo;            /* resolved path of an SVG, PNG or JPEG logo; NULL: none */
    const char *logo_given; /* as written in the file, for messages */
} cp_press_release;

typedef struct cp_calendar {
    const char *manifest; /* path as given */
    const char *dir;      /* its directory */
    cp_str title, subtitle, organisation;
    int year;
    cp_pos year_pos;
    cp_str layout_name, language;
    cp_week_start week_start;
    cp_holiday *holidays; /* sorted by first day, then as given */
    size_t n_holidays;
    cp_photo cover_photo;
    cp_story months[12];
    cp_str back_about, back_footnote;
    cp_press_release press;
    cp_str out_calendar, out_press; /* file names; default calendar.pdf, press-release.pdf */
    cp_date build_date;             /* manifest date:, or unset (year 0) */
    cp_pos build_date_pos;
    cp_str version;         /* the designer's version label, for the slug */
    cp_str icc_profile;     /* output intent: resolved ICC profile path, or NULL */
    cp_str icc_condition;   /* its printing condition, e.g. FOGRA39 */
    cp_str never_print;     /* the never-print list's resolved path, or NULL (never output) */
    cp_layout layout;       /* the month/cover/back layout (resolved, with overrides) */
    cp_layout press_layout; /* the A4 press layout */
} cp_calendar;

/* Holidays on a date (a range counts on each of its days): returns how many, and fills up to max
 * indices into cal->holidays. */
size_t cp_calendar_holidays_on(const cp_calendar *cal, cp_date d, size_t *idx, size_t max);

/* True if h falls on d (one of its days). */
bool cp_holiday_on(const cp_holiday *h, cp_date d);
/* True if any of h's days lies in month (1..12) of year. */
bool cp_holiday_in_month(const cp_holiday *h, int year, int month);
/* The n-th (1..5) given ISO weekday (0 = Monday) of a month, or with n = -1 the last; returns
 * false (and leaves *out alone) when the month has no such day, e.g. a fifth Monday. */
bool cp_date_nth_weekday(int year, int month, int weekday, int n, cp_date *out);

/* Releases the layouts; the rest lives in the loader's arena. */
void cp_calendar_finish(cp_calendar *cal);

#endif
