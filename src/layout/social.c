/* Cards for social media: one month's photo, month, name and headline, set in the calendar's
 * own type and colours on a square (1080 x 1080) or portrait (1080 x 1350) page whose points
 * are the image's pixels. */
#include "layout/social.h"
#include "layout/cropcheck.h"

#include <math.h>
#include <string.h>

/* A layout style at another size (and leading in proportion); arena-owned. */
static cp_style *resized(cp_layout_ctx *lc, const char *name, double size)
{
    const cp_style *b = cp_lc_style(lc, &lc->cal->layout, name);
    cp_style *st = cp_arena_alloc(lc->arena, sizeof *st);
    *st = *b;
    st->leading_pt = round(size * (b->leading_pt > 0 ? b->leading_pt / b->size_pt : 1.2) * 4) / 4;
    st->size_pt = size;
    st->min_size_pt = 0;
    st->indent_pt = 0;
    st->space_before_pt = st->space_after_pt = 0;
    st->hyphenate = false;
    st->align = CP_ALIGN_LEFT;
    return st;
}

/* The photo filling the top of the card, cropped around its focus (faces first). */
static void card_photo(cp_layout_ctx *lc, cp_page *page, const cp_photo *ph, double w, double h)
{
    const cp_image *img =
        ph->path.s && !ph->missing
            ? cp_photo_cache_lookup(lc->photos, ph->path.s, ph->given, ph->path.pos, lc->diags)
            : NULL;
    if (!img) {
        cp_page_rect(page, "photo", 0, 0, w, h, lc->cal->layout.muted);
        return;
    }
    int iw, ih;
    cp_image_upright_size(img, &iw, &ih);
    double s = ph->fit == CP_FIT_CONTAIN ? fmin(w / iw, h / ih) : fmax(w / iw, h / ih);
    double pw = iw * s, phh = ih * s, fx, fy;
    cp_crop_focus(lc, ph, img, w, h, &fx, &fy);
    double px = fmin(0, fmax(w - pw, w / 2 - fx * pw));
    double py = fmin(0, fmax(h - phh, h / 2 - fy * phh));
    if (ph->fit == CP_FIT_CONTAIN) {
        cp_page_rect(page, "photo", 0, 0, w, h, lc->cal->layout.band);
        px = (w - pw) / 2;
        py = (h - phh) / 2;
    }
    cp_page_image(page, "photo", img, (cp_rect){0, 0, w, h}, (cp_rect){px, py, pw, phh});
}

/* One line of plain text at (x, top); returns its width. */
static double line_at(cp_layout_ctx *lc, cp_page *page, const cp_style *st, const char *lang,
                      double x, double top, const char *text, cp_pos src)
{
    cp_text_req req = {st, lang, 1e5, NULL, src, "social card", true};
    cp_block b;
    cp_set_plain(lc->ts, &req, text, &b);
    double w = b.n ? b.lines[0].width : 0;
    cp_block_place(&b, page, "social", x, top, st->color);
    cp_block_finish(&b);
    return w;
}

/* The headline in at most max_lines lines of the column, shrinking from size to 60 % of it;
 * returns its height. */
static double headline(cp_layout_ctx *lc, cp_page *page, const cp_story *st, const char *lang,
                       double x, double top, double w, double size, int max_lines)
{
    cp_richtext rt;
    cp_richtext_parse(lc->arena, st->headline.s, cp_lc_rich_opts(&lc->cal->layout), &rt);
    cp_block b = {0};
    for (double sz = size; sz >= size * 0.6 - 0.01; sz -= 1) {
        cp_style *hs = resized(lc, "headline", sz);
        cp_text_req req = {hs, lang, w, NULL, st->headline.pos, "headline", false};
        cp_block_finish(&b);
        cp_set_rich(lc->ts, &req, &rt, sz, &b);
        if ((int)b.n <= max_lines)
            break;
    }
    double h = b.height;
    cp_block_place(&b, page, "social", x, top,
                   cp_lc_style(lc, &lc->cal->layout, "headline")->color);
    cp_block_finish(&b);
    return h;
}

/* The portrait card's extra room: the pull quote in italic, when it fits between top and
 * bottom at a size that still reads (else nothing: the card stands without it). */
static void quote(cp_layout_ctx *lc, cp_page *page, const cp_story *st, const char *lang, double x,
                  double top, double w, double bottom)
{
    const cp_layout *l = &lc->cal->layout;
    double k = w / (936 * 0.85);
    const char *open_q = "\xE2\x80\x9C";
    cp_richtext rt;
    cp_richtext_parse(lc->arena,
                      cp_arena_printf(lc->arena, "%s%s\xE2\x80\x9D", open_q, st->quote.s),
                      cp_lc_rich_opts(l), &rt);
    for (double sz = 34 * k; sz >= 24 * k - 0.01; sz -= 1) {
        cp_style *qs = resized(lc, "quote", sz);
        double hang = cp_measure(lc->ts, qs, lang, open_q);
        cp_text_req req = {qs, lang, w, NULL, st->quote.pos, "pull quote", false, hang};
        cp_block b;
        cp_set_rich(lc->ts, &req, &rt, sz, &b);
        if (top + b.height <= bottom) {
            cp_block_place(&b, page, "social", x - hang, top, qs->color);
            cp_block_finish(&b);
            return;
        }
        cp_block_finish(&b);
    }
}

void cp_layout_social(cp_layout_ctx *lc, cp_doc *doc, int month, double w, double h)
{
    const cp_calendar *cal = lc->cal;
    const cp_layout *l = &cal->layout;
    const cp_story *st = &cal->months[month - 1];
    const char *lang = st->language.s ? st->language.s : cal->language.s;
    bool tall = h > w * 1.1;
    cp_page *page = cp_doc_add_page(doc, lc->locale.months[month - 1], w, h, 0, 0);
    cp_page_rect(page, "paper", 0, 0, w, h, l->paper);
    double photo_h = round(h * (tall ? 0.6 : 0.58));
    card_photo(lc, page, &st->photo, w, photo_h);
    double m = round(w / 15), k = w / 1080, y = photo_h + 40 * k;
    /* The month, small and tracked in the accent, over an accent rule like the pull quote's. */
    cp_page_line(page, "social", m, y, m + 56 * k, y, 4 * k, l->accent);
    cp_style *ms = resized(lc, "weekday", 22 * k);
    ms->color = l->accent;
    const char *when = cp_arena_printf(lc->arena, "%s %s", lc->locale.months[month - 1],
                                       cp_locale_number(&lc->locale, lc->arena, cal->year));
    line_at(lc, page, ms, cal->language.s, m, y + 22 * k, when, cal->year_pos);
    /* The name large, the pseudonym's asterisk hung in the margin as on the month page. */
    cp_style *ns = resized(lc, "name", (tall ? 96 : 84) * k);
    double name_top = y + 62 * k;
    line_at(lc, page, ns, lang, m, name_top, cp_lc_smart(lc, l, st->name.s), st->name.pos);
    if (st->pseudonym) {
        cp_style *ps = resized(lc, "pseudonym_mark", ns->size_pt * 0.55);
        double aw = cp_measure(lc->ts, ps, lang, "*");
        line_at(lc, page, ps, lang, m - aw - ns->size_pt * 0.03, name_top, "*", st->name.pos);
    }
    double hl_top = name_top + ns->leading_pt + 14 * k;
    double hl_h =
        headline(lc, page, st, lang, m, hl_top, w - 2 * m, (tall ? 36 : 32) * k, tall ? 3 : 2);
    /* The organisation and the calendar at the foot, as on the calendar's pages. */
    cp_style *fs = resized(lc, "footer", 18 * k);
    double foot = h - m * 0.75 - fs->leading_pt;
    if (tall && st->quote.s)
        quote(lc, page, st, lang, m, hl_top + hl_h + 40 * k, (w - 2 * m) * 0.85, foot - 30 * k);
    line_at(lc, page, fs, cal->language.s, m, foot, cp_lc_smart(lc, l, cal->organisation.s),
            cal->organisation.pos);
    const char *title =
        cp_arena_printf(lc->arena, "%s \xC2\xB7 %s", cp_lc_smart(lc, l, cal->title.s),
                        cp_locale_number(&lc->locale, lc->arena, cal->year));
    double tw = cp_measure(lc->ts, fs, cal->language.s, title);
    line_at(lc, page, fs, cal->language.s, w - m - tw, foot, title, cal->title.pos);
}
