/* Proleptic Gregorian date arithmetic and month grids. */
#ifndef CP_DATE_H
#define CP_DATE_H

#include <stdbool.h>

#define CP_YEAR_MIN 1583
#define CP_YEAR_MAX 9999

typedef struct cp_date {
    int year, month, day;
} cp_date;

typedef enum cp_week_start { CP_WEEK_MONDAY = 0, CP_WEEK_SUNDAY = 1 } cp_week_start;

bool cp_date_is_leap(int year);
int cp_date_days_in_month(int year, int month);
bool cp_date_valid(cp_date d);
/* Days since 1970-01-01 (negative before). */
long cp_date_to_days(cp_date d);
cp_date cp_date_from_days(long days);
/* ISO weekday: 0 = Monday .. 6 = Sunday. */
int cp_date_weekday(cp_date d);

/* A month laid out in weeks: rows x 7 cells, in the order the week start gives. */
typedef struct cp_month_grid {
    int year, month;
    int n_rows;       /* 4 (a February starting on the week's first day), 5 or 6 */
    int first_col;    /* column of day 1 */
    int n_days;       /* days in the month */
    cp_week_start ws; /* column 0 is Monday or Sunday */
    cp_date cells[6][7];
} cp_month_grid;

void cp_month_grid_init(cp_month_grid *g, int year, int month, cp_week_start ws);
/* ISO weekday (0 = Monday) of grid column col. */
int cp_month_grid_col_weekday(const cp_month_grid *g, int col);
bool cp_month_grid_in_month(const cp_month_grid *g, int row, int col);

#endif
