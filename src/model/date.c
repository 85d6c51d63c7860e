/* Proleptic Gregorian date arithmetic (days-from-civil, after H. Hinnant's derivation). */
#include "model/date.h"

bool cp_date_is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int cp_date_days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && cp_date_is_leap(y) ? 29 : days[m - 1];
}

bool cp_date_valid(cp_date d)
{
    return d.year >= CP_YEAR_MIN && d.year <= CP_YEAR_MAX && d.month >= 1 && d.month <= 12 &&
           d.day >= 1 && d.day <= cp_date_days_in_month(d.year, d.month);
}

long cp_date_to_days(cp_date d)
{
    long y = d.year - (d.month <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long mp = (d.month + 9) % 12; /* March = 0 */
    long doy = (153 * mp + 2) / 5 + d.day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

cp_date cp_date_from_days(long z)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    cp_date d;
    d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
    d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
    d.year = (int)(y + (d.month <= 2));
    return d;
}

int cp_date_weekday(cp_date d)
{
    long days = cp_date_to_days(d); /* 1970-01-01 was a Thursday (ISO 3) */
    long w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

int cp_month_grid_col_weekday(const cp_month_grid *g, int col)
{
    return g->ws == CP_WEEK_MONDAY ? col : (col + 6) % 7;
}

void cp_month_grid_init(cp_month_grid *g, int year, int month, cp_week_start ws)
{
    g->year = year;
    g->month = month;
    g->ws = ws;
    g->n_days = cp_date_days_in_month(year, month);
    cp_date first = {year, month, 1};
    int wd = cp_date_weekday(first);
    g->first_col = ws == CP_WEEK_MONDAY ? wd : (wd + 1) % 7;
    g->n_rows = (g->first_col + g->n_days + 6) / 7;
    long start = cp_date_to_days(first) - g->first_col;
    for (int r = 0; r < 6; r++)
        for (int c = 0; c < 7; c++)
            g->cells[r][c] = cp_date_from_days(start + r * 7 + c);
}

bool cp_month_grid_in_month(const cp_month_grid *g, int row, int col)
{
    return g->cells[row][col].month == g->month && g->cells[row][col].year == g->year;
}
