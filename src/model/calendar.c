/* Calendar model helpers. */
#include "model/calendar.h"

size_t cp_calendar_holidays_on(const cp_calendar *cal, cp_date d, size_t *idx, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < cal->n_holidays; i++) {
        const cp_holiday *h = &cal->holidays[i];
        if (cp_holiday_on(h, d)) {
            if (n < max && idx)
                idx[n] = i;
            n++;
        }
    }
    return n;
}

void cp_calendar_finish(cp_calendar *cal)
{
    cp_layout_finish(&cal->layout);
    cp_layout_finish(&cal->press_layout);
}
