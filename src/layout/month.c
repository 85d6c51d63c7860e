/* The month grid, its holiday list, and the small months of the year-at-a-glance. */
#include "layout/layout.h"

#include <math.h>
#include <string.h>

/* One line of unwrapped text at (x, top), returning its width; aligned right when right_edge. */
static double put_text(cp_layout_ctx *lc, cp_page *page, const char *tag, const cp_style *st,
                       const char *text, double x, double top, cp_color color, bool right_edge)
{
    cp_text_req req = {st, lc->cal->language.s, 1000, NULL, lc->cal->year_pos, tag, true};
    cp_block b;
    cp_set_plain(lc->ts, &req, text, &b);
    double w = b.n ? b.lines[0].width : 0;
    cp_block_place(&b, page, tag, right_edge ? x - w : x, top, color);
    cp_block_finish(&b);
    return w;
}

static bool is_sunday(cp_date d)
{
    return cp_date_weekday(d) == 6;
}

static void dot(cp_page *page, const char *tag, double x, double y, double r, cp_color c, bool ring)
{
    cp_item *it = cp_page_add(page, CP_ITEM_DOT, tag);
    it->x = x;
    it->y = y;
    it->w = r;
    it->color = c;
    it->ring = ring;
    it->stroke_pt = 0.6;
}

/* Cap height of a style, approximated from its size: the figures' top sits there. */
static double ascent_of(const cp_style *st)
{
    return st->size_pt * 0.72;
}

static void holiday_list(cp_layout_ctx *lc, cp_page *page, int month, double bottom,
                         const cp_frame *hframe);

/* x of a cell's number (or heading) of width w, aligned as the layout says. */
static double cell_x(const cp_grid_spec *g, double x0, double cw, double w)
{
    if (g->day_align == CP_ALIGN_RIGHT)
        return x0 + cw - g->pad_pt - w;
    if (g->day_align == CP_ALIGN_CENTER)
        return x0 + (cw - w) / 2;
    return x0 + g->pad_pt;
}

/* One line of unwrapped text in a cell, aligned as the layout says; returns its left edge. */
static double put_cell(cp_layout_ctx *lc, cp_page *page, const char *tag, const cp_style *st,
                       const char *text, double x0, double cw, double top, cp_color color,
                       double *w)
{
    const cp_grid_spec *g = &lc->cal->layout.grid;
    if (g->day_align == CP_ALIGN_LEFT) {
        *w = put_text(lc, page, tag, st, text, x0 + g->pad_pt, top, color, false);
        return x0 + g->pad_pt;
    }
    *w = cp_measure(lc->ts, st, lc->cal->language.s, text);
    double x = cell_x(g, x0, cw, *w);
    put_text(lc, page, tag, st, text, x, top, color, false);
    return x;
}

/* The days of one week: the number in its cell, a dot beside a holiday's. */
static void week_row(cp_layout_ctx *lc, cp_page *page, const cp_month_grid *g, int r, double x0,
                     double cw, double ry)
{
    const cp_calendar *cal = lc->cal;
    const cp_layout *l = &cal->layout;
    const cp_grid_spec *gs = &l->grid;
    const cp_style *ds = cp_lc_style(lc, l, "day");
    for (int c = 0; c < 7; c++) {
        cp_date d = g->cells[r][c];
        bool in = cp_month_grid_in_month(g, r, c);
        if (!in && !l->neighbours)
            continue;
        size_t idx[4];
        size_t nh = in ? cp_calendar_holidays_on(cal, d, idx, 4) : 0;
        bool holiday = false, observance = false;
        for (size_t i = 0; i < nh && i < 4; i++) {
            if (cal->holidays[idx[i]].kind == CP_HOLIDAY)
                holiday = true;
            else
                observance = true;
        }
        cp_color col = !in ? l->muted : (is_sunday(d) || holiday) ? l->accent : ds->color;
        double top = ry + gs->pad_pt, w;
        const char *num = cp_locale_number(&lc->locale, lc->arena, d.day);
        double x =
            put_cell(lc, page, in ? "day" : "day-other", ds, num, x0 + c * cw, cw, top, col, &w);
        if (holiday || observance) {
            double r0 = gs->mark_r_pt;
            /* Beside the number, on the side away from the cell's edge it is aligned to. */
            double mx = gs->day_align == CP_ALIGN_RIGHT ? x - gs->mark_gap_pt - r0
                                                        : x + w + r0 + gs->mark_gap_pt;
            dot(page, "holiday-mark", mx, top + ascent_of(ds) * 0.35 + r0, r0, l->accent, !holiday);
        }
    }
}

void cp_layout_month_grid(cp_layout_ctx *lc, cp_page *page, int month, const cp_frame *grid,
                          const cp_frame *hframe)
{
    const cp_calendar *cal = lc->cal;
    const cp_layout *l = &cal->layout;
    if (!grid) {
        holiday_list(lc, page, month, -1e9, hframe);
        return;
    }
    const cp_grid_spec *gs = &l->grid;
    const cp_style *ws = cp_lc_style(lc, l, "weekday");
    cp_month_grid g;
    cp_month_grid_init(&g, cal->year, month, cal->week_start);
    double cw = grid->w / 7;
    double head = gs->head_pt >= 0 ? gs->head_pt : ws->leading_pt * 2.0;
    double rh = (grid->h - head) / (gs->fit_rows ? g.n_rows : 6);
    /* Weekday headings over the columns, in the manifest's week start. */
    for (int c = 0; c < 7; c++) {
        int wd = cp_month_grid_col_weekday(&g, c);
        cp_color col = wd == 6 ? l->accent : ws->color;
        const char *name =
            gs->narrow_weekdays ? lc->locale.weekdays_narrow[wd] : lc->locale.weekdays_short[wd];
        double w;
        put_cell(lc, page, "weekday", ws, name, grid->x + c * cw, cw, grid->y, col, &w);
    }
    for (int r = 0; r < g.n_rows; r++) {
        double ry = grid->y + head + r * rh;
        if (l->rule_pt > 0)
            cp_page_line(page, "rule", grid->x, ry, grid->x + grid->w, ry, l->rule_pt, l->muted);
        week_row(lc, page, &g, r, grid->x, cw, ry);
    }
    double bottom = grid->y + head + g.n_rows * rh;
    if (l->rule_pt > 0)
        cp_page_line(page, "rule", grid->x, bottom, grid->x + grid->w, bottom, l->rule_pt,
                     l->muted);

    holiday_list(lc, page, month, bottom, hframe);
}

/* The days a holiday keys to in the list: "5", "1–5", or "30 Sep–2 Oct" for a range that crosses
 * a month's edge (printed so in both months). Arena-owned. */
static const char *day_label(cp_layout_ctx *lc, const cp_holiday *h)
{
    const cp_locale *loc = &lc->locale;
    cp_arena *a = lc->arena;
    const char *d1 = cp_locale_number(loc, a, h->date.day),
               *d2 = cp_locale_number(loc, a, h->end.day);
    if (cp_date_to_days(h->date) == cp_date_to_days(h->end))
        return d1;
    if (h->date.month == h->end.month)
        return cp_arena_printf(a, "%s\xE2\x80\x93%s", d1, d2);
    return cp_arena_printf(a, "%s %s\xE2\x80\x93%s %s", d1, loc->months_short[h->date.month - 1],
                           d2, loc->months_short[h->end.month - 1]);
}

/* Too many for the frame: reported at the first holiday that does not fit, in the manifest or the
 * imported file that gave it, because the designer's list is what to change. */
static void list_overflow(cp_layout_ctx *lc, int month, size_t n, int per_col, int ncols,
                          const cp_frame *hframe)
{
    const cp_calendar *cal = lc->cal;
    const cp_holiday *first_over = NULL;
    for (size_t i = 0, k = 0; i < cal->n_holidays && !first_over; i++)
        if (cp_holiday_in_month(&cal->holidays[i], cal->year, month) &&
            k++ == (size_t)per_col * (size_t)ncols)
            first_over = &cal->holidays[i];
    size_t room = (size_t)per_col * (size_t)ncols;
    cp_error(lc->diags, first_over->pos,
             "%zu holidays in %s do not fit frame 'holidays' (room for %zu): this one and "
             "the %zu after it do not fit",
             n, lc->locale.months[month - 1], room, n - room - 1);
    cp_note(lc->diags, hframe->pos, "frame 'holidays' is defined here (%.1f mm high)",
            hframe->h / CP_PT_PER_MM);
}

/* The holidays of this month under the grid, each keyed to its days; a range is one line. */
static void holiday_list(cp_layout_ctx *lc, cp_page *page, int month, double bottom,
                         const cp_frame *hframe)
{
    const cp_calendar *cal = lc->cal;
    const cp_layout *l = &cal->layout;
    if (!hframe)
        return;
    const cp_style *hs = cp_lc_style(lc, l, "holiday_item");
    size_t n = 0;
    /* The figures' column: two digits wide, or as wide as the widest range in the list. */
    double numw = hs->size_pt * 1.2;
    for (size_t i = 0; i < cal->n_holidays; i++) {
        const cp_holiday *h = &cal->holidays[i];
        if (!cp_holiday_in_month(h, cal->year, month))
            continue;
        n++;
        if (cp_date_to_days(h->date) != cp_date_to_days(h->end))
            numw = fmax(numw, cp_measure(lc->ts, hs, cal->language.s, day_label(lc, h)));
    }
    if (!n)
        return;
    const cp_grid_spec *gs = &l->grid;
    int ncols = gs->list_columns;
    /* The list follows the month's last row (a five-week month leaves no gap), never lower than
     * the frame's top, and ends where the frame does. */
    double list_top = fmin(hframe->y, bottom + gs->list_gap_pt);
    double list_h = hframe->y + hframe->h - list_top;
    int per_col = (int)floor((list_h - hs->size_pt) / hs->leading_pt) + 1;
    if (per_col < 1)
        per_col = 1;
    int cols_needed = (int)((n + (size_t)per_col - 1) / (size_t)per_col);
    if (cols_needed > ncols) {
        list_overflow(lc, month, n, per_col, ncols, hframe);
        return;
    }
    double colw = hframe->w / ncols;
    double mr = gs->list_mark_r_pt;
    size_t k = 0;
    for (size_t i = 0; i < cal->n_holidays; i++) {
        const cp_holiday *h = &cal->holidays[i];
        if (!cp_holiday_in_month(h, cal->year, month))
            continue;
        double x = hframe->x + (double)(k / (size_t)per_col) * colw;
        double top = list_top + (double)(k % (size_t)per_col) * hs->leading_pt;
        k++;
        bool obs = h->kind == CP_OBSERVANCE;
        /* Centred on the lowercase letters: the baseline less half an x-height. */
        dot(page, "holiday-mark", x + mr, top + hs->size_pt * 0.70, mr, l->accent, obs);
        put_text(lc, page, "holiday", hs, day_label(lc, h), x + 8 + numw, top,
                 obs ? hs->color : l->accent, true);
        const char *name =
            obs ? cp_arena_printf(lc->arena, "%s (%s)", cp_lc_smart(lc, l, h->name.s),
                                  l->labels.observance)
                : cp_lc_smart(lc, l, h->name.s);
        double w = put_text(lc, page, "holiday", hs, name, x + 12 + numw, top,
                            obs ? l->grey : hs->color, false);
        if (w > colw - 14 - numw && cols_needed > 1)
            cp_warning(lc->diags, h->name.pos, "holiday name '%s' is wider than its column",
                       h->name.s);
    }
}

void cp_layout_mini_month(cp_layout_ctx *lc, cp_page *page, int month, double x, double y, double w,
                          double h)
{
    const cp_calendar *cal = lc->cal;
    const cp_layout *l = &cal->layout;
    const cp_style *ms = cp_lc_style(lc, l, "mini_month");
    const cp_style *ds = cp_lc_style(lc, l, "mini_day");
    cp_month_grid g;
    cp_month_grid_init(&g, cal->year, month, cal->week_start);
    put_text(lc, page, "year", ms, lc->locale.months[month - 1], x, y, ms->color, false);
    double cw = w / 7;
    double top = y + ms->leading_pt * 1.4;
    double rh = (h - (top - y)) / 7;
    for (int c = 0; c < 7; c++) {
        int wd = cp_month_grid_col_weekday(&g, c);
        put_text(lc, page, "year", ds, lc->locale.weekdays_narrow[wd], x + (c + 1) * cw - 2, top,
                 wd == 6 ? l->accent : l->grey, true);
    }
    for (int r = 0; r < g.n_rows; r++) {
        for (int c = 0; c < 7; c++) {
            if (!cp_month_grid_in_month(&g, r, c))
                continue;
            cp_date d = g.cells[r][c];
            bool holiday = false;
            size_t idx[4];
            size_t nh = cp_calendar_holidays_on(cal, d, idx, 4);
            for (size_t i = 0; i < nh && i < 4; i++)
                holiday = holiday || cal->holidays[idx[i]].kind == CP_HOLIDAY;
            cp_color col = (is_sunday(d) || holiday) ? l->accent : ds->color;
            put_text(lc, page, "year", ds, cp_locale_number(&lc->locale, lc->arena, d.day),
                     x + (c + 1) * cw - 2, top + (r + 1) * rh, col, true);
        }
    }
}
