/* Month and weekday names and native digits from ICU (CLDR), never from hand-made tables. */
#include "model/locale.h"
#include "base/strbuf.h"

#include <stdio.h>
#include <string.h>
#include <unicode/udat.h>
#include <unicode/unum.h>
#include <unicode/ustring.h>

static const char *const supported[] = {"en", "bn", "hi"};

bool cp_locale_supported(const char *lang)
{
    for (size_t i = 0; i < sizeof supported / sizeof *supported; i++)
        if (strcmp(lang, supported[i]) == 0)
            return true;
    return false;
}

const char *cp_locale_supported_list(void)
{
    return "en, bn, hi";
}

static char *to_utf8(cp_arena *a, const UChar *u, int32_t len)
{
    char buf[256];
    int32_t n = 0;
    UErrorCode st = U_ZERO_ERROR;
    u_strToUTF8(buf, sizeof buf - 1, &n, u, len, &st);
    if (U_FAILURE(st) || n < 0 || n >= (int32_t)sizeof buf)
        return cp_arena_strdup(a, "?");
    buf[n] = '\0';
    return cp_arena_strdup(a, buf);
}

static char *symbol(cp_arena *a, UDateFormat *fmt, UDateFormatSymbolType type, int32_t index)
{
    UChar u[128];
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = udat_getSymbols(fmt, type, index, u, 128, &st);
    if (U_FAILURE(st) || n <= 0 || n > 127)
        return NULL;
    return to_utf8(a, u, n);
}

bool cp_locale_load(cp_locale *loc, cp_arena *a, const char *lang)
{
    memset(loc, 0, sizeof *loc);
    loc->lang = cp_arena_strdup(a, lang);
    UErrorCode st = U_ZERO_ERROR;
    UDateFormat *fmt = udat_open(UDAT_DEFAULT, UDAT_DEFAULT, lang, NULL, 0, NULL, 0, &st);
    if (U_FAILURE(st) || !fmt)
        return false;
    bool ok = true;
    for (int m = 0; m < 12; m++) {
        loc->months[m] = symbol(a, fmt, UDAT_STANDALONE_MONTHS, m);
        loc->months_short[m] = symbol(a, fmt, UDAT_SHORT_MONTHS, m);
        ok = ok && loc->months[m] && loc->months_short[m];
    }
    /* ICU numbers weekdays 1 = Sunday .. 7 = Saturday; calpress uses ISO order. */
    for (int d = 0; d < 7; d++) {
        int icu = d == 6 ? 1 : d + 2;
        loc->weekdays[d] = symbol(a, fmt, UDAT_STANDALONE_WEEKDAYS, icu);
        loc->weekdays_short[d] = symbol(a, fmt, UDAT_STANDALONE_SHORT_WEEKDAYS, icu);
        loc->weekdays_narrow[d] = symbol(a, fmt, UDAT_STANDALONE_NARROW_WEEKDAYS, icu);
        ok = ok && loc->weekdays[d] && loc->weekdays_short[d] && loc->weekdays_narrow[d];
    }
    udat_close(fmt);
    st = U_ZERO_ERROR;
    UNumberFormat *nf = unum_open(UNUM_DECIMAL, NULL, 0, lang, NULL, &st);
    if (U_FAILURE(st) || !nf)
        return false;
    unum_setAttribute(nf, UNUM_GROUPING_USED, 0);
    for (int i = 0; i < 10; i++) {
        UChar u[16];
        st = U_ZERO_ERROR;
        int32_t n = unum_format(nf, i, u, 16, NULL, &st);
        loc->digits[i] = U_SUCCESS(st) && n > 0 ? to_utf8(a, u, n) : "?";
    }
    unum_close(nf);
    loc->quote_open = "\xE2\x80\x9C";
    loc->quote_close = "\xE2\x80\x9D";
    return ok;
}

char *cp_locale_number(const cp_locale *loc, cp_arena *a, int n)
{
    char ascii[16];
    snprintf(ascii, sizeof ascii, "%d", n);
    cp_strbuf b;
    cp_strbuf_init(&b);
    for (const char *p = ascii; *p; p++) {
        if (*p >= '0' && *p <= '9')
            cp_strbuf_puts(&b, loc->digits[*p - '0']);
        else
            cp_strbuf_putc(&b, *p);
    }
    char *r = cp_arena_strdup(a, b.data);
    cp_strbuf_finish(&b);
    return r;
}
