/* Month and weekday names and digits for a language, from ICU's CLDR data. */
#ifndef CP_LOCALE_H
#define CP_LOCALE_H

#include <stdbool.h>

#include "base/arena.h"

typedef struct cp_locale {
    const char *lang;
    const char *months[12];         /* standalone, "January" */
    const char *months_short[12];   /* in a date, "Sep" (30 Sep–2 Oct) */
    const char *weekdays[7];        /* standalone, ISO order (Monday first), "Monday" */
    const char *weekdays_short[7];  /* "Mon" */
    const char *weekdays_narrow[7]; /* "M" */
    const char *digits[10];         /* the language's default digits, "0".."9" or native */
    const char *quote_open, *quote_close;
} cp_locale;

/* Languages calpress supports: "en", "bn", "hi". */
bool cp_locale_supported(const char *lang);
/* Comma-separated list of the supported languages, for messages. */
const char *cp_locale_supported_list(void);

/* Fills loc from ICU; strings are arena-owned. Returns false if ICU has no data for lang. */
bool cp_locale_load(cp_locale *loc, cp_arena *a, const char *lang);

/* Formats n with the locale's digits; arena-owned. */
char *cp_locale_number(const cp_locale *loc, cp_arena *a, int n);

#endif
