/* Holidays as plain data: which days a holiday covers, and the weekday rules of yearly holidays. */
#include "model/calendar.h"

bool cp_holiday_on(const cp_holiday *h, cp_date d)
{
    long day = cp_date_to_days(d);
    return day >= cp_date_to_days(h->date) && day <= cp_date_to_days(h->end);
}

bool cp_holiday_in_month(const cp_holiday *h, int year, int month)
{
    long first = cp_date_to_days((cp_date){year, month, 1});
    long last = cp_date_to_days((cp_date){year, month, cp_date_days_in_month(year, month)});
    return cp_date_to_days(h->date) <= last && cp_date_to_days(h->end) >= first;
}

bool cp_date_nth_weekday(int year, int month, int weekday, int n, cp_date *out)
{
    int days = cp_date_days_in_month(year, month);
    if (days == 0 || weekday < 0 || weekday > 6 || n == 0 || n < -1 || n > 5)
        return false;
    int day;
    if (n > 0) {
        int first = cp_date_weekday((cp_date){year, month, 1});
        day = 1 + (weekday - first + 7) % 7 + (n - 1) * 7;
    } else {
        int last = cp_date_weekday((cp_date){year, month, days});
        day = days - (last - weekday + 7) % 7;
    }
    if (day > days)
        return false;
    *out = (cp_date){year, month, day};
    return true;
}
