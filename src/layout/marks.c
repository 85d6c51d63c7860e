/* Printer's marks laid out like any other item, so previews and dumps show them; the pdf step
 * writes them in the registration colour and process inks (pdf/post.c). */
#include "layout/marks.h"

#define MM          (72 / 25.4)
#define MARK_STROKE 0.25

static void reg_line(cp_page *p, const char *tag, double x0, double y0, double x1, double y1)
{
    cp_item *it = cp_page_add_mark(p, CP_ITEM_LINE, tag, CP_MARK_REGISTRATION);
    it->x = x0;
    it->y = y0;
    it->x1 = x1;
    it->y1 = y1;
    it->stroke_pt = MARK_STROKE;
}

/* From the bleed edge (plus the layout's offset) outward, at each corner; the order is the one
 * the PDF has always drawn them in: left then right, bottom then top, horizontal first. */
static void crop_marks(cp_page *p, double start, double len)
{
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
            double cx = i ? p->trim_w : 0, cy = j ? 0 : p->trim_h;
            double dx = i ? 1 : -1, dy = j ? -1 : 1;
            reg_line(p, "marks", cx + dx * start, cy, cx + dx * (start + len), cy);
            reg_line(p, "marks", cx, cy + dy * start, cx, cy + dy * (start + len));
        }
    }
}

/* A target centred on each side, in the slug: a cross and a circle, left out on a side where
 * the slug has no room for it. */
static void registration_targets(cp_page *p)
{
    double r = 2.5 * 72 / 25.4, arm = 4.0 * 72 / 25.4;
    double away = p->bleed + arm + 2 * 72 / 25.4; /* the inner arm ends 2 mm outside the bleed */
    double o = p->slug + p->bleed, tw = p->trim_w, th = p->trim_h;
    double cx[4] = {tw / 2, tw / 2, -away, tw + away};
    double cy[4] = {th + away, -away, th / 2, th / 2};
    for (int t = 0; t < 4; t++) {
        double x = cx[t], y = cy[t];
        if (x - arm < -o || y - arm < -o || x + arm > tw + o || y + arm > th + o)
            continue;
        reg_line(p, "registration", x - arm, y, x + arm, y);
        reg_line(p, "registration", x, y + arm, x, y - arm);
        cp_item *it = cp_page_add_mark(p, CP_ITEM_DOT, "registration", CP_MARK_REGISTRATION);
        it->x = x;
        it->y = y;
        it->w = r + MARK_STROKE / 2; /* a ring's radius is its outer edge */
        it->ring = true;
        it->stroke_pt = MARK_STROKE;
    }
}

/* A colour bar in the top slug, right of centre, clear of the marks: the four inks solid and at
 * 50 %, a three-colour grey beside a 50 % black, the overprints; 5 mm patches. */
static void colour_bar(cp_page *p)
{
    static const double patches[][4] = {
        {1, 0, 0, 0},  {0, 1, 0, 0},  {0, 0, 1, 0},  {0, 0, 0, 1},    {.5, 0, 0, 0},
        {0, .5, 0, 0}, {0, 0, .5, 0}, {0, 0, 0, .5}, {.5, .4, .4, 0}, {0, 0, 0, .5},
        {1, 1, 0, 0},  {0, 1, 1, 0},  {1, 0, 1, 0}};
    double side = 5 * MM, gap = 1 * MM;
    double x = p->trim_w * 0.55, y = -(p->bleed + (p->slug - side) / 2 + side);
    for (size_t i = 0; i < sizeof patches / sizeof *patches; i++) {
        if (x + side > p->trim_w - 10 * MM)
            break;
        const double *v = patches[i];
        cp_item *it = cp_page_add_mark(p, CP_ITEM_RECT, "colour-bar", CP_MARK_PROCESS);
        it->x = x;
        it->y = y;
        it->w = it->h = side;
        /* the inks; and, for what reads RGB alone, a plain rendering of them */
        it->color = (cp_color){.r = (1 - v[0]) * (1 - v[3]),
                               .g = (1 - v[1]) * (1 - v[3]),
                               .b = (1 - v[2]) * (1 - v[3]),
                               .c = v[0],
                               .m = v[1],
                               .y = v[2],
                               .k = v[3],
                               .cmyk = true};
        x += side + gap;
    }
}

void cp_layout_marks(cp_page *page, const cp_layout *l)
{
    double room = page->slug - l->mark_offset - 1; /* the crop marks end 1 pt inside the sheet */
    if (!page->crop_marks || room <= 0)
        return;
    double start = page->bleed + l->mark_offset;
    double len = l->mark_length < room ? l->mark_length : room;
    if (len > 0) /* mark_length: 0 leaves the crop marks out, not the rest */
        crop_marks(page, start, len);
    if (page->registration_marks)
        registration_targets(page);
    if (page->color_bar)
        colour_bar(page);
}
