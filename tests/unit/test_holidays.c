/* Holidays as plain data: the n-th weekday rule against a day-by-day count, which days a range
 * covers, and the date-or-range parser of the manifest and CSV files. */
#include "harness.h"
#include "base/arena.h"
#include "manifest/holidays.h"
#include "model/calendar.h"

/* The n-th (or last, n = -1) weekday wd of a month, counted day by day. */
static int brute_nth(int y, int m, int wd, int n)
{
    int found = 0, last = 0;
    for (int d = 1; d <= cp_date_days_in_month(y, m); d++) {
        if (cp_date_weekday((cp_date){y, m, d}) != wd)
            continue;
        last = d;
        if (++found == n)
            return d;
    }
    return n == -1 ? last : 0;
}

static void test_nth_weekday(void)
{
    long mismatches = 0;
    for (int y = 1583; y <= 2400; y++)
        for (int m = 1; m <= 12; m++)
            for (int wd = 0; wd < 7; wd++)
                for (int n = -1; n <= 5; n++) {
                    if (n == 0)
                        continue;
                    cp_date d = {0, 0, 0};
                    bool ok = cp_date_nth_weekday(y, m, wd, n, &d);
                    int want = brute_nth(y, m, wd, n);
                    if (ok != (want != 0) ||
                        (ok && (d.day != want || d.month != m || d.year != y))) {
                        if (mismatches++ < 5)
                            CHECK(0, "%d-%02d weekday %d n %d: got %d, want %d", y, m, wd, n,
                                  ok ? d.day : 0, want);
                    }
                }
    CHECK_INT(mismatches, 0);
    cp_date d;
    CHECK(cp_date_nth_weekday(2022, 5, 6, 2, &d) && d.day == 8, "2nd Sunday of May 2022");
    CHECK(cp_date_nth_weekday(2022, 5, 0, -1, &d) && d.day == 30, "last Monday of May 2022");
    CHECK(!cp_date_nth_weekday(2022, 2, 0, 5, &d), "no 5th Monday in February 2022");
    CHECK(!cp_date_nth_weekday(2022, 13, 0, 1, &d), "no month 13");
    CHECK(!cp_date_nth_weekday(2022, 5, 7, 1, &d), "no weekday 7");
}

static void test_ranges(void)
{
    cp_holiday h = {.date = {2022, 9, 30}, .end = {2022, 10, 2}};
    CHECK(cp_holiday_on(&h, (cp_date){2022, 9, 30}), "first day");
    CHECK(cp_holiday_on(&h, (cp_date){2022, 10, 1}), "middle day");
    CHECK(cp_holiday_on(&h, (cp_date){2022, 10, 2}), "last day");
    CHECK(!cp_holiday_on(&h, (cp_date){2022, 10, 3}), "the day after");
    CHECK(!cp_holiday_on(&h, (cp_date){2022, 9, 29}), "the day before");
    CHECK(cp_holiday_in_month(&h, 2022, 9) && cp_holiday_in_month(&h, 2022, 10), "in both months");
    CHECK(!cp_holiday_in_month(&h, 2022, 11) && !cp_holiday_in_month(&h, 2021, 10),
          "not in others");
}

static void test_parse_span(void)
{
    cp_arena a;
    cp_arena_init(&a);
    cp_date f, l;
    const char *why = NULL;
    CHECK_INT(cp_hol_parse_span(&a, "2022-10-01", &f, &l, &why), CP_SPAN_OK);
    CHECK(f.day == 1 && l.day == 1 && l.month == 10, "one day: first = last");
    CHECK_INT(cp_hol_parse_span(&a, "2022-10-01..2022-10-05", &f, &l, &why), CP_SPAN_OK);
    CHECK(f.day == 1 && l.day == 5, "a range");
    CHECK_INT(cp_hol_parse_span(&a, "2022-10-05..2022-10-01", &f, &l, &why), CP_SPAN_REVERSED);
    CHECK_STR(why, "the range 2022-10-05..2022-10-01 ends before it starts");
    CHECK_INT(cp_hol_parse_span(&a, "2022-02-27..2022-02-30", &f, &l, &why), CP_SPAN_INVALID);
    CHECK_STR(why, "2022-02-30 is not a date (month 2 of 2022 has 28 days)");
    CHECK_INT(cp_hol_parse_span(&a, "2022-13-01", &f, &l, &why), CP_SPAN_INVALID);
    CHECK_STR(why, "there is no month 13 in 2022-13-01");
    static const char *const bad[] = {"",
                                      "2022-10-01..",
                                      "..2022-10-01",
                                      "2022-1-01",
                                      "2022-10-01 ..2022-10-02",
                                      "1/10/2022",
                                      "2022-10-01..2022-10-02..2022-10-03"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK(cp_hol_parse_span(&a, bad[i], &f, &l, &why) == CP_SPAN_SHAPE, "'%s' is malformed",
              bad[i]);
    cp_arena_finish(&a);
}

int main(void)
{
    test_nth_weekday();
    test_ranges();
    test_parse_span();
    return cp_test_summary("unit/holidays");
}
