/* Colour checks against the output intent: the ink limit of the layouts' colours and of CMYK
 * photos, and the colour profiles of photos. */
#include "base/util.h"
#include "layout/layout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CP_DEFAULT_INK_LIMIT 300.0

/* Total ink in percent of inks 0..1. */
static double total(const double ink[4])
{
    return 100 * (ink[0] + ink[1] + ink[2] + ink[3]);
}

/* The ink limit of a layout and where it was set (file NULL for the default). */
typedef struct ink_limit {
    double pct;
    cp_pos pos;
} ink_limit;

static void over_limit_note(cp_diags *d, ink_limit lim)
{
    if (lim.pos.file)
        cp_note(d, lim.pos, "the ink limit is set here");
}

static void check_color(const cp_colours *cv, const cp_layout *l, const cp_color *c, ink_limit lim,
                        cp_diags *d)
{
    double limit = lim.pct;
    char name[64];
    cp_color_format(c, name, sizeof name);
    cp_pos at = c->pos.file ? c->pos : cp_pos_file(l->path);
    if (c->cmyk && !cp_colours_cmyk(cv) && !cp_colours_can_show_cmyk(cv))
        cp_error(d, at,
                 "colour %s cannot be shown: a CMYK colour needs a CMYK profile to convert it "
                 "for the screen, and calpress's FOGRA39 profile was not found (give a CMYK "
                 "profile with --icc)",
                 name);
    if (c->cmyk) {
        double tac = cp_color_tac(c);
        if (tac > limit + 1e-9) {
            cp_error(d, at, "colour %s has %g %% total ink; the ink limit is %g %%", name, tac,
                     limit);
            over_limit_note(d, lim);
        }
        return;
    }
    if (!cp_colours_cmyk(cv))
        return;
    double ink[4];
    cp_colours_ink(cv, c, ink);
    double tac = total(ink);
    if (tac > limit + 1e-9) {
        cp_error(d, at,
                 "colour %s prints as C%.0f M%.0f Y%.0f K%.0f, %.0f %% total ink; the ink limit "
                 "is %g %%",
                 name, ink[0] * 100, ink[1] * 100, ink[2] * 100, ink[3] * 100, tac, limit);
        cp_note(d, at, "give it as cmyk(C, M, Y, K) within the limit");
        over_limit_note(d, lim);
    }
}

static bool same_place(const cp_color *a, const cp_color *b)
{
    if (!a->pos.file || !b->pos.file)
        return !a->pos.file && !b->pos.file && a->cmyk == b->cmyk && a->r == b->r && a->g == b->g &&
               a->b == b->b && a->c == b->c && a->m == b->m && a->y == b->y && a->k == b->k;
    return a->pos.line == b->pos.line && a->pos.col == b->pos.col &&
           strcmp(a->pos.file, b->pos.file) == 0;
}

/* Every colour a layout defines (its palette and its styles' own), each place once. */
static void check_layout(const cp_colours *cv, const cp_layout *l, ink_limit limit, cp_diags *d)
{
    size_t n = 0;
    const cp_color **all = cp_xmalloc((6 + l->n_styles) * sizeof *all);
    const cp_color *palette[] = {&l->accent, &l->ink, &l->grey, &l->muted, &l->paper, &l->band};
    for (size_t i = 0; i < 6; i++)
        all[n++] = palette[i];
    for (size_t i = 0; i < l->n_styles; i++)
        all[n++] = &l->styles[i].color;
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = same_place(all[i], all[j]);
        if (!seen)
            check_color(cv, l, all[i], limit, d);
    }
    free(all);
}

/* The highest resolution a photo is placed at on the calendar's pages, in pixels per inch. */
static double placed_ppi(const cp_doc *doc, const cp_image *img)
{
    int uw, uh;
    cp_image_upright_size(img, &uw, &uh);
    double best = 0;
    for (size_t p = 0; doc && p < doc->n_pages; p++) {
        for (size_t i = 0; i < doc->pages[p].n; i++) {
            const cp_item *it = &doc->pages[p].items[i];
            if (it->kind != CP_ITEM_IMAGE || it->image != img || it->img_w <= 0 || it->img_h <= 0)
                continue;
            double ppi = fmin(uw / (it->img_w / 72), uh / (it->img_h / 72));
            best = fmax(best, ppi);
        }
    }
    return best > 0 ? best : 300;
}

/* The photo's embedded profile: a warning when it cannot be used; true when the photo is RGB
 * without a profile calpress uses, so its colours are taken as sRGB. JPEGs are embedded as they
 * are; the other formats are decoded to RGB, so only an RGB profile serves them. */
static bool check_profile(cp_diags *d, const cp_image *img)
{
    size_t len = 0;
    unsigned char *icc = cp_image_icc_profile(img, &len);
    int n = icc ? cp_icc_components(icc, len) : 0;
    free(icc);
    if (icc && n != img->components) {
        cp_warning(d, img->at,
                   "photo '%s' carries an ICC profile that does not fit its %s pixels; it is "
                   "ignored",
                   img->name,
                   img->cmyk              ? "CMYK"
                   : img->components == 1 ? "grey"
                                          : "RGB");
        n = 0;
    }
    return img->components == 3 && n != 3;
}

/* Under a CMYK intent, a CMYK JPEG's highest ink over about 1 mm of the printed page, not single
 * pixels: a press limits what lies on an area of paper. */
static void check_photo_ink(cp_diags *d, const cp_doc *doc, const cp_image *img, double limit)
{
    double ppi = placed_ppi(doc, img);
    int box = (int)lround(ppi / 25.4);
    double tac = cp_image_max_ink(img, box < 1 ? 1 : box, d);
    if (tac > limit + 0.5)
        cp_preflight(d, img->at,
                     "photo '%s' has up to %.0f %% total ink over 1 mm areas; the ink limit is "
                     "%g %%",
                     img->name, tac, limit);
}

void cp_layout_check_colours(cp_layout_ctx *lc, const cp_colours *cv, const cp_doc *calendar,
                             bool notes)
{
    const cp_layout *cal = &lc->cal->layout, *press = &lc->cal->press_layout;
    ink_limit lim = {CP_DEFAULT_INK_LIMIT, {NULL, 0, 0}};
    if (cal->ink_limit > 0)
        lim = (ink_limit){cal->ink_limit, cal->ink_limit_pos};
    check_layout(cv, cal, lim, lc->diags);
    /* The press release's layout may set its own; else the calendar's holds. */
    ink_limit plim = lim;
    if (press->ink_limit > 0)
        plim = (ink_limit){press->ink_limit, press->ink_limit_pos};
    check_layout(cv, press, plim, lc->diags);
    double limit = lim.pct;
    const cp_image *first = NULL;
    size_t untagged = 0;
    for (size_t i = 0; i < lc->photos->n; i++) {
        const cp_image *img = lc->photos->images[i];
        if (check_profile(lc->diags, img) && !untagged++)
            first = img;
        if (img->cmyk && img->format == CP_IMAGE_JPEG && cp_colours_cmyk(cv))
            check_photo_ink(lc->diags, calendar, img, limit);
    }
    /* Printing converts RGB photos to inks: say what they were taken to be, once. */
    if (notes && first && cp_colours_cmyk(cv)) {
        if (untagged == 1)
            cp_note(lc->diags, first->at,
                    "photo '%s' has no ICC profile: its colours are taken as sRGB", first->name);
        else
            cp_note(lc->diags, first->at,
                    "photo '%s' and %zu more have no ICC profile: their colours are taken as "
                    "sRGB",
                    first->name, untagged - 1);
    }
}
