/* Date arithmetic and month grids, checked against ICU's proleptic Gregorian calendar.
 *
 * Every month of 1583..9999 is compared with ICU (weekday of the 1st, days in the month, day
 * number of the 1st); every day of the range is round-tripped through the day count; every month
 * grid of the range is checked for both week starts. Bulk comparisons count their mismatches and
 * report the first few, so one bug does not print 100k lines. */
#include "harness.h"
#include "base/util.h"
#include "model/date.h"

#include <math.h>
#include <unicode/ucal.h>

/* ICU is the reference: a Gregorian calendar in UTC whose Julian cut-over is moved to the
 * earliest instant ICU accepts, so it is proleptic for every year we ask about. */
static UCalendar *ref_cal;

static void ref_open(void)
{
    static const UChar utc[] = {'U', 'T', 'C', 0};
    UErrorCode st = U_ZERO_ERROR;
    ref_cal = ucal_open(utc, -1, "en_US@calendar=gregorian", UCAL_GREGORIAN, &st);
    CHECK(U_SUCCESS(st) && ref_cal, "ucal_open: %s", u_errorName(st));
    st = U_ZERO_ERROR;
    ucal_setGregorianChange(ref_cal, -8.64e15, &st);
    CHECK(U_SUCCESS(st), "ucal_setGregorianChange: %s", u_errorName(st));
}

static void ref_set(int y, int m, int d)
{
    UErrorCode st = U_ZERO_ERROR;
    ucal_clear(ref_cal);
    ucal_setDate(ref_cal, y, m - 1, d, &st);
}

/* ISO weekday (0 = Monday) of y-m-d according to ICU. */
static int ref_weekday(int y, int m, int d)
{
    UErrorCode st = U_ZERO_ERROR;
    ref_set(y, m, d);
    int w = ucal_get(ref_cal, UCAL_DAY_OF_WEEK, &st); /* 1 = Sunday .. 7 = Saturday */
    return U_SUCCESS(st) ? (w + 5) % 7 : -1;
}

static int ref_days_in_month(int y, int m)
{
    UErrorCode st = U_ZERO_ERROR;
    ref_set(y, m, 1);
    int n = ucal_getLimit(ref_cal, UCAL_DAY_OF_MONTH, UCAL_ACTUAL_MAXIMUM, &st);
    return U_SUCCESS(st) ? n : -1;
}

/* Days since 1970-01-01 according to ICU (UTC midnight). */
static long ref_days(int y, int m, int d)
{
    UErrorCode st = U_ZERO_ERROR;
    ref_set(y, m, d);
    UDate ms = ucal_getMillis(ref_cal, &st);
    return U_SUCCESS(st) ? (long)floor(ms / 86400000.0) : -999999999L;
}

/* Reports a bulk mismatch: counted, the first few printed with their detail. */
static long bulk_bad;
#define BULK(cond, ...)                                                                            \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            if (bulk_bad < 10)                                                                     \
                CHECK(cond, __VA_ARGS__);                                                          \
            bulk_bad++;                                                                            \
        }                                                                                          \
    } while (0)

static bool date_eq(cp_date a, cp_date b)
{
    return a.year == b.year && a.month == b.month && a.day == b.day;
}

static void test_leap_rules(void)
{
    CHECK(cp_date_is_leap(1600), "1600 is divisible by 400");
    CHECK(!cp_date_is_leap(1700), "1700 is a century not divisible by 400");
    CHECK(!cp_date_is_leap(1900), "1900 is a century not divisible by 400");
    CHECK(cp_date_is_leap(2000), "2000 is divisible by 400");
    CHECK(!cp_date_is_leap(2100), "2100 is a century not divisible by 400");
    CHECK(cp_date_is_leap(2400), "2400 is divisible by 400");
    CHECK(cp_date_is_leap(2024), "2024 is divisible by 4");
    CHECK(!cp_date_is_leap(2023), "2023 is not divisible by 4");
    CHECK(!cp_date_is_leap(1583), "1583");
    CHECK(cp_date_is_leap(1584), "1584");
    CHECK(!cp_date_is_leap(9999), "9999");
    CHECK(cp_date_is_leap(9996), "9996");
    static const int years[] = {1600, 1700, 1900, 2000, 2100, 2400};
    static const int feb[] = {29, 28, 28, 29, 28, 29};
    for (size_t i = 0; i < CP_ARRAY_LEN(years); i++) {
        CHECK_INT(cp_date_days_in_month(years[i], 2), feb[i]);
        CHECK_INT(ref_days_in_month(years[i], 2), feb[i]); /* the reference agrees */
        cp_date d29 = {years[i], 2, 29};
        CHECK(cp_date_valid(d29) == (feb[i] == 29), "%d-02-29 validity", years[i]);
    }
}

static void test_days_in_month_misc(void)
{
    static const int d2023[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int m = 1; m <= 12; m++)
        CHECK_INT(cp_date_days_in_month(2023, m), d2023[m - 1]);
    CHECK_INT(cp_date_days_in_month(2023, 0), 0);
    CHECK_INT(cp_date_days_in_month(2023, 13), 0);
    CHECK(cp_date_valid((cp_date){1583, 1, 1}), "first supported day");
    CHECK(cp_date_valid((cp_date){9999, 12, 31}), "last supported day");
    CHECK(!cp_date_valid((cp_date){1582, 12, 31}), "before the range");
    CHECK(!cp_date_valid((cp_date){10000, 1, 1}), "after the range");
    CHECK(!cp_date_valid((cp_date){2023, 4, 31}), "April has 30 days");
    CHECK(!cp_date_valid((cp_date){2023, 1, 0}), "day 0");
    CHECK(!cp_date_valid((cp_date){2023, 13, 1}), "month 13");
}

static void test_known_days(void)
{
    CHECK_INT(cp_date_to_days((cp_date){1970, 1, 1}), 0);
    CHECK_INT(cp_date_to_days((cp_date){1969, 12, 31}), -1);
    CHECK_INT(cp_date_to_days((cp_date){2000, 3, 1}), 11017);
    CHECK_INT(cp_date_weekday((cp_date){1970, 1, 1}), 3);   /* Thursday */
    CHECK_INT(cp_date_weekday((cp_date){2021, 2, 1}), 0);   /* Monday */
    CHECK_INT(cp_date_weekday((cp_date){2015, 2, 1}), 6);   /* Sunday */
    CHECK_INT(cp_date_weekday((cp_date){1583, 1, 1}), 5);   /* Saturday */
    CHECK_INT(cp_date_weekday((cp_date){9999, 12, 31}), 4); /* Friday */
    cp_date d = cp_date_from_days(0);
    CHECK(date_eq(d, (cp_date){1970, 1, 1}), "from_days(0) = %d-%d-%d", d.year, d.month, d.day);
}

/* Every month of the supported range against ICU. */
static void test_months_vs_icu(void)
{
    bulk_bad = 0;
    long n = 0;
    for (int y = CP_YEAR_MIN; y <= CP_YEAR_MAX; y++) {
        for (int m = 1; m <= 12; m++, n++) {
            cp_date first = {y, m, 1};
            int wd = cp_date_weekday(first), rwd = ref_weekday(y, m, 1);
            BULK(wd == rwd, "weekday of %04d-%02d-01: got %d, ICU %d", y, m, wd, rwd);
            int dim = cp_date_days_in_month(y, m), rdim = ref_days_in_month(y, m);
            BULK(dim == rdim, "days in %04d-%02d: got %d, ICU %d", y, m, dim, rdim);
            long days = cp_date_to_days(first), rdays = ref_days(y, m, 1);
            BULK(days == rdays, "day number of %04d-%02d-01: got %ld, ICU %ld", y, m, days, rdays);
            BULK(cp_date_is_leap(y) == (ref_days_in_month(y, 2) == 29), "leap %d", y);
        }
    }
    CHECK_INT(n, (CP_YEAR_MAX - CP_YEAR_MIN + 1) * 12);
    CHECK(bulk_bad == 0, "%ld mismatches with ICU over every month of %d..%d", bulk_bad,
          CP_YEAR_MIN, CP_YEAR_MAX);
}

/* Every day of the range: to_days/from_days are inverse, consecutive, and the weekday advances. */
static void test_round_trips(void)
{
    bulk_bad = 0;
    long expect = cp_date_to_days((cp_date){CP_YEAR_MIN, 1, 1});
    int prev_wd = (cp_date_weekday((cp_date){CP_YEAR_MIN, 1, 1}) + 6) % 7;
    for (int y = CP_YEAR_MIN; y <= CP_YEAR_MAX; y++) {
        for (int m = 1; m <= 12; m++) {
            int dim = cp_date_days_in_month(y, m);
            for (int d = 1; d <= dim; d++, expect++) {
                cp_date in = {y, m, d};
                long days = cp_date_to_days(in);
                BULK(days == expect, "to_days(%04d-%02d-%02d) = %ld, want %ld", y, m, d, days,
                     expect);
                cp_date back = cp_date_from_days(days);
                BULK(date_eq(back, in), "from_days(to_days(%04d-%02d-%02d)) = %04d-%02d-%02d", y, m,
                     d, back.year, back.month, back.day);
                int wd = cp_date_weekday(in);
                BULK(wd == (prev_wd + 1) % 7, "weekday(%04d-%02d-%02d) = %d after %d", y, m, d, wd,
                     prev_wd);
                prev_wd = wd;
            }
        }
    }
    /* 8417 years: 2041 leap years in 1583..9999. */
    long total = cp_date_to_days((cp_date){CP_YEAR_MAX, 12, 31}) -
                 cp_date_to_days((cp_date){CP_YEAR_MIN, 1, 1}) + 1;
    CHECK_INT(total, (CP_YEAR_MAX - CP_YEAR_MIN + 1) * 365L + 2041);
    /* and from the day-number side, across the whole range plus a margin either side */
    long lo = cp_date_to_days((cp_date){CP_YEAR_MIN, 1, 1}) - 400;
    long hi = cp_date_to_days((cp_date){CP_YEAR_MAX, 12, 31}) + 400;
    for (long z = lo; z <= hi; z++) {
        cp_date d = cp_date_from_days(z);
        BULK(cp_date_to_days(d) == z, "to_days(from_days(%ld)) = %ld", z, cp_date_to_days(d));
    }
    CHECK(bulk_bad == 0, "%ld round-trip mismatches", bulk_bad);
}

/* Expected grid column of a weekday for a week start. */
static int col_of(int iso_wd, cp_week_start ws)
{
    return ws == CP_WEEK_MONDAY ? iso_wd : (iso_wd + 1) % 7;
}

/* One grid, checked cell by cell against an independent construction. */
static void check_grid(int y, int m, cp_week_start ws)
{
    cp_month_grid g;
    cp_month_grid_init(&g, y, m, ws);
    int rwd = ref_weekday(y, m, 1), rdim = ref_days_in_month(y, m);
    int want_col = col_of(rwd, ws);
    int want_rows = (want_col + rdim + 6) / 7;
    BULK(g.year == y && g.month == m && g.ws == ws, "%04d-%02d header", y, m);
    BULK(g.first_col == want_col, "%04d-%02d ws=%d: first_col %d, want %d", y, m, ws, g.first_col,
         want_col);
    BULK(g.n_days == rdim, "%04d-%02d: n_days %d, want %d", y, m, g.n_days, rdim);
    BULK(g.n_rows == want_rows, "%04d-%02d ws=%d: n_rows %d, want %d", y, m, ws, g.n_rows,
         want_rows);
    /* minimal: the last day is in the last row, the first day in the first */
    BULK(g.n_rows >= 4 && g.n_rows <= 6, "%04d-%02d: n_rows %d", y, m, g.n_rows);
    if (g.n_rows < 1 || g.n_rows > 6)
        return;
    BULK(date_eq(g.cells[0][g.first_col], (cp_date){y, m, 1}), "%04d-%02d: day 1 not at col %d", y,
         m, g.first_col);
    int last_idx = g.first_col + rdim - 1;
    BULK(last_idx / 7 == g.n_rows - 1, "%04d-%02d ws=%d: last day in row %d of %d", y, m, ws,
         last_idx / 7, g.n_rows);
    int pm = m == 1 ? 12 : m - 1, py = m == 1 ? y - 1 : y;
    int nm = m == 12 ? 1 : m + 1, ny = m == 12 ? y + 1 : y;
    int pdim = cp_date_days_in_month(py, pm);
    for (int r = 0; r < 6; r++) {
        for (int c = 0; c < 7; c++) {
            int idx = r * 7 + c - g.first_col; /* 0 = day 1 */
            cp_date want;
            if (idx < 0)
                want = (cp_date){py, pm, pdim + idx + 1};
            else if (idx < rdim)
                want = (cp_date){y, m, idx + 1};
            else
                want = (cp_date){ny, nm, idx - rdim + 1};
            cp_date got = g.cells[r][c];
            BULK(date_eq(got, want),
                 "%04d-%02d ws=%d cell[%d][%d] = %04d-%02d-%02d, want %04d-%02d-%02d", y, m, ws, r,
                 c, got.year, got.month, got.day, want.year, want.month, want.day);
            BULK(cp_month_grid_in_month(&g, r, c) == (idx >= 0 && idx < rdim),
                 "%04d-%02d in_month[%d][%d]", y, m, r, c);
            BULK(cp_date_weekday(got) == cp_month_grid_col_weekday(&g, c),
                 "%04d-%02d ws=%d col %d: cell weekday %d, column weekday %d", y, m, ws, c,
                 cp_date_weekday(got), cp_month_grid_col_weekday(&g, c));
        }
    }
}

static void test_grids_exhaustive(void)
{
    bulk_bad = 0;
    for (int y = CP_YEAR_MIN; y <= CP_YEAR_MAX; y++)
        for (int m = 1; m <= 12; m++) {
            check_grid(y, m, CP_WEEK_MONDAY);
            check_grid(y, m, CP_WEEK_SUNDAY);
        }
    CHECK(bulk_bad == 0, "%ld month-grid mismatches over %d..%d", bulk_bad, CP_YEAR_MIN,
          CP_YEAR_MAX);
}

static void test_col_weekday(void)
{
    cp_month_grid g;
    cp_month_grid_init(&g, 2024, 6, CP_WEEK_MONDAY);
    for (int c = 0; c < 7; c++)
        CHECK_INT(cp_month_grid_col_weekday(&g, c), c); /* Mon..Sun */
    cp_month_grid_init(&g, 2024, 6, CP_WEEK_SUNDAY);
    static const int sun[7] = {6, 0, 1, 2, 3, 4, 5}; /* Sun, Mon, ..., Sat */
    for (int c = 0; c < 7; c++)
        CHECK_INT(cp_month_grid_col_weekday(&g, c), sun[c]);
}

/* Named examples of each row count, for both week starts. */
static void test_grid_examples(void)
{
    static const struct {
        int y, m;
        cp_week_start ws;
        int first_col, rows;
    } ex[] = {
        {2021, 2, CP_WEEK_MONDAY, 0, 4}, /* Feb 2021 starts on a Monday, 28 days */
        {2027, 2, CP_WEEK_MONDAY, 0, 4},
        {2015, 2, CP_WEEK_SUNDAY, 0, 4}, /* Feb 2015 starts on a Sunday */
        {2026, 2, CP_WEEK_SUNDAY, 0, 4},
        {2021, 2, CP_WEEK_SUNDAY, 1, 5},
        {2015, 2, CP_WEEK_MONDAY, 6, 5},
        {2021, 1, CP_WEEK_MONDAY, 4, 5}, /* Friday */
        {2015, 1, CP_WEEK_SUNDAY, 4, 5}, /* Thursday */
        {2024, 2, CP_WEEK_MONDAY, 3, 5}, /* leap February, Thursday */
        {2021, 8, CP_WEEK_MONDAY, 6, 6}, /* Sunday + 31 days */
        {2015, 3, CP_WEEK_MONDAY, 6, 6},
        {2021, 5, CP_WEEK_SUNDAY, 6, 6}, /* Saturday + 31 days */
        {2015, 8, CP_WEEK_SUNDAY, 6, 6},
        {2024, 6, CP_WEEK_SUNDAY, 6, 6}, /* Saturday + 30 days */
        {2024, 9, CP_WEEK_MONDAY, 6, 6}, /* Sunday + 30 days */
        {2021, 8, CP_WEEK_SUNDAY, 0, 5},
    };
    for (size_t i = 0; i < CP_ARRAY_LEN(ex); i++) {
        cp_month_grid g;
        cp_month_grid_init(&g, ex[i].y, ex[i].m, ex[i].ws);
        CHECK(g.first_col == ex[i].first_col && g.n_rows == ex[i].rows,
              "%d-%02d ws=%d: first_col %d rows %d, want %d and %d", ex[i].y, ex[i].m, ex[i].ws,
              g.first_col, g.n_rows, ex[i].first_col, ex[i].rows);
        /* the reference agrees with the example table itself */
        CHECK_INT(col_of(ref_weekday(ex[i].y, ex[i].m, 1), ex[i].ws), ex[i].first_col);
    }
    /* February 2021, Monday start: the 28 days fill 4 rows exactly, no neighbour days. */
    cp_month_grid g;
    cp_month_grid_init(&g, 2021, 2, CP_WEEK_MONDAY);
    CHECK(date_eq(g.cells[0][0], (cp_date){2021, 2, 1}), "Feb 2021 [0][0]");
    CHECK(date_eq(g.cells[3][6], (cp_date){2021, 2, 28}), "Feb 2021 [3][6]");
    CHECK(date_eq(g.cells[4][0], (cp_date){2021, 3, 1}), "Feb 2021 [4][0] is next month");
    /* January 2021, Monday start: Dec 28..31 lead in, Feb 1..7 trail. */
    cp_month_grid_init(&g, 2021, 1, CP_WEEK_MONDAY);
    CHECK(date_eq(g.cells[0][0], (cp_date){2020, 12, 28}), "Jan 2021 [0][0]");
    CHECK(date_eq(g.cells[0][3], (cp_date){2020, 12, 31}), "Jan 2021 [0][3]");
    CHECK(date_eq(g.cells[0][4], (cp_date){2021, 1, 1}), "Jan 2021 [0][4]");
    CHECK(date_eq(g.cells[4][6], (cp_date){2021, 1, 31}), "Jan 2021 [4][6]");
    CHECK(date_eq(g.cells[5][0], (cp_date){2021, 2, 1}), "Jan 2021 [5][0]");
    CHECK(!cp_month_grid_in_month(&g, 0, 3) && cp_month_grid_in_month(&g, 0, 4), "in_month");
    /* The range's edges: neighbours in 1582 and 10000 are still proleptic dates. */
    cp_month_grid_init(&g, 1583, 1, CP_WEEK_MONDAY);
    CHECK(date_eq(g.cells[0][5], (cp_date){1583, 1, 1}), "Jan 1583 starts on Saturday");
    CHECK(date_eq(g.cells[0][0], (cp_date){1582, 12, 27}), "Jan 1583 [0][0] = 1582-12-27");
    cp_month_grid_init(&g, 9999, 12, CP_WEEK_SUNDAY);
    CHECK(date_eq(g.cells[g.n_rows - 1][6], (cp_date){10000, 1, 1}), "Dec 9999 trails into 10000");
}

int main(void)
{
    ref_open();
    test_leap_rules();
    test_days_in_month_misc();
    test_known_days();
    test_months_vs_icu();
    test_round_trips();
    test_col_weekday();
    test_grid_examples();
    test_grids_exhaustive();
    ucal_close(ref_cal);
    return cp_test_summary("unit/date");
}
