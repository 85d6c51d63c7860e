/* The crop sheet and the contact sheet, laid out as display lists like any other page. */
#include "layout/sheets.h"
#include "layout/cropcheck.h"

#include <math.h>
#include <string.h>

#define A4_LONG  (297 * CP_PT_PER_MM)
#define A4_SHORT (210 * CP_PT_PER_MM)
#define A3_LONG  (420 * CP_PT_PER_MM)
#define A3_SHORT (297 * CP_PT_PER_MM)
#define MARGIN   36.0

/* Overlay colours of the crop sheet: the usual ones of prepress tools. */
static const cp_color BLEED_C = {0.85, 0.10, 0.10};
static const cp_color TRIM_C = {0.80, 0.00, 0.70};
static const cp_color FACE_C = {0.05, 0.65, 0.20};
static const cp_color DETAIL_C = {0.95, 0.55, 0.00};
static const cp_color FOCUS_C = {0.00, 0.55, 0.90};
static const cp_color WHITE = {1, 1, 1};

/* A sheet's text style: a layout style's family (so the sheet speaks the calendar's type) at
 * the size given. Arena-owned. */
static const cp_style *sheet_style(cp_layout_ctx *lc, const char *base, double size, int weight,
                                   cp_color color)
{
    const cp_style *b = cp_layout_lookup_style(&lc->cal->layout, base);
    cp_style *st = cp_arena_alloc(lc->arena, sizeof *st);
    memset(st, 0, sizeof *st);
    st->name = "sheet";
    st->family = b ? b->family : "Inter";
    st->family_pos = b ? b->family_pos : lc->cal->title.pos;
    st->size_pt = size;
    st->leading_pt = round(size * 1.3 * 4) / 4;
    st->weight = weight;
    st->color = color;
    st->align = CP_ALIGN_LEFT;
    st->max_word_space = 200;
    return st;
}

/* Sets text at (x, y: the top of its first line) in a column w wide; returns its height. */
static double text_at(cp_layout_ctx *lc, cp_page *p, const cp_style *st, double x, double y,
                      double w, const char *text, bool wrap)
{
    cp_text_req req = {st, "en", w, NULL, lc->cal->title.pos, "sheet", !wrap};
    cp_block b;
    cp_set_plain(lc->ts, &req, text, &b);
    double h = b.height;
    cp_block_place(&b, p, "sheet", x, y, st->color);
    cp_block_finish(&b);
    return h;
}

static double text_width(cp_layout_ctx *lc, const cp_style *st, const char *text)
{
    return cp_measure(lc->ts, st, "en", text);
}

static void box(cp_page *p, const char *tag, cp_rect r, double width, cp_color c)
{
    cp_page_line(p, tag, r.x, r.y, r.x + r.w, r.y, width, c);
    cp_page_line(p, tag, r.x + r.w, r.y, r.x + r.w, r.y + r.h, width, c);
    cp_page_line(p, tag, r.x + r.w, r.y + r.h, r.x, r.y + r.h, width, c);
    cp_page_line(p, tag, r.x, r.y + r.h, r.x, r.y, width, c);
}

static cp_rect clip(cp_rect a, cp_rect b)
{
    double x0 = fmax(a.x, b.x), y0 = fmax(a.y, b.y);
    double x1 = fmin(a.x + a.w, b.x + b.w), y1 = fmin(a.y + a.h, b.y + b.h);
    return (cp_rect){x0, y0, fmax(0, x1 - x0), fmax(0, y1 - y0)};
}

/* A rectangle of the calendar page (trim coordinates) on the sheet's picture at pic. */
static cp_rect page_to_sheet(const cp_placement *pl, cp_rect r, cp_rect pic)
{
    const cp_rect *pp = &pl->picture_pt;
    double kx = pic.w / pp->w, ky = pic.h / pp->h;
    return (cp_rect){pic.x + (r.x - pp->x) * kx, pic.y + (r.y - pp->y) * ky, r.w * kx, r.h * ky};
}

static cp_rect frac_to_sheet(cp_box b, cp_rect pic)
{
    return (cp_rect){pic.x + b.x * pic.w, pic.y + b.y * pic.h, b.w * pic.w, b.h * pic.h};
}

/* Veils the picture outside the frame: what the calendar does not print. */
static void veil(cp_page *p, cp_rect pic, cp_rect keep)
{
    cp_rect parts[4] = {
        {pic.x, pic.y, pic.w, keep.y - pic.y},
        {pic.x, keep.y + keep.h, pic.w, pic.y + pic.h - keep.y - keep.h},
        {pic.x, keep.y, keep.x - pic.x, keep.h},
        {keep.x + keep.w, keep.y, pic.x + pic.w - keep.x - keep.w, keep.h},
    };
    for (int i = 0; i < 4; i++) {
        if (parts[i].w <= 0.01 || parts[i].h <= 0.01)
            continue;
        cp_page_rect(p, "veil", parts[i].x, parts[i].y, parts[i].w, parts[i].h, WHITE);
        p->items[p->n - 1].opacity = 0.6;
    }
}

/* The whole picture with the crop drawn over it; returns where the picture lies. */
static cp_rect draw_picture(cp_layout_ctx *lc, cp_page *p, const cp_placement *pl, cp_rect area)
{
    int iw, ih;
    cp_image_upright_size(pl->image, &iw, &ih);
    double s = fmin(area.w / iw, area.h / ih);
    cp_rect pic = {area.x + (area.w - iw * s) / 2, area.y, iw * s, ih * s};
    cp_page_image(p, "photo", pl->image, pic, pic);
    cp_rect frame = clip(page_to_sheet(pl, pl->frame_pt, pic), pic);
    veil(p, pic, frame);
    const cp_style *tiny = sheet_style(lc, "footer", 6.5, 600, lc->cal->layout.ink);
    for (int i = 0; i < pl->n_covers; i++) {
        cp_rect r = clip(page_to_sheet(pl, pl->covers[i], pic), pic);
        if (r.w <= 0 || r.h <= 0)
            continue;
        cp_page_rect(p, "cover", r.x, r.y, r.w, r.h, lc->cal->layout.accent);
        p->items[p->n - 1].opacity = 0.25;
        text_at(lc, p, tiny, r.x + 3, r.y + 3, fmax(r.w - 6, 10), pl->cover_names[i], false);
    }
    box(p, "bleed", frame, 0.8, BLEED_C);
    box(p, "trim", clip(page_to_sheet(pl, pl->visible_pt, pic), pic), 0.8, TRIM_C);
    const cp_focus *fo = pl->focus;
    for (int i = 0; fo && i < fo->n_faces; i++)
        box(p, "face", frac_to_sheet(fo->faces[i], pic), 1.2, FACE_C);
    if (fo && fo->detail.w > 0 && pl->source == CP_FOCUS_DETAIL)
        box(p, "detail", frac_to_sheet(fo->detail, pic), 0.8, DETAIL_C);
    double fx = pic.x + pl->focus_x * pic.w, fy = pic.y + pl->focus_y * pic.h;
    cp_page_line(p, "focus", fx - 10, fy, fx + 10, fy, 1.0, FOCUS_C);
    cp_page_line(p, "focus", fx, fy - 10, fx, fy + 10, 1.0, FOCUS_C);
    cp_item *ring = cp_page_add(p, CP_ITEM_DOT, "focus");
    ring->x = fx;
    ring->y = fy;
    ring->w = 6;
    ring->ring = true;
    ring->stroke_pt = 1.0;
    ring->color = FOCUS_C;
    return pic;
}

static const char *colour_text(cp_layout_ctx *lc, const cp_image *img)
{
    const char *base = img->cmyk              ? (img->adobe ? "CMYK (Adobe, inverted)" : "CMYK")
                       : img->components == 1 ? "greyscale"
                                              : "RGB";
    return cp_arena_printf(lc->arena, "%s, %d bits a channel%s", base, img->bit_depth,
                           img->alpha ? ", with alpha" : "");
}

static const char *format_name(cp_image_format f)
{
    return f == CP_IMAGE_JPEG   ? "JPEG"
           : f == CP_IMAGE_PNG  ? "PNG"
           : f == CP_IMAGE_TIFF ? "TIFF"
                                : "WebP";
}

static const char *focus_text(cp_layout_ctx *lc, const cp_placement *pl)
{
    const char *how;
    int n = pl->focus ? pl->focus->n_faces : 0;
    switch (pl->source) {
    case CP_FOCUS_GIVEN:
        how = "photo_focus";
        break;
    case CP_FOCUS_FACES:
        how = cp_arena_printf(lc->arena, "automatic, on %s", n == 1 ? "the face" : "the faces");
        break;
    case CP_FOCUS_DETAIL:
        how = "automatic, on the most detail";
        break;
    default:
        how = "centre";
        break;
    }
    return cp_arena_printf(lc->arena, "%s [%.2f, %.2f]", how, pl->focus_x, pl->focus_y);
}

static const char *analysis_text(cp_layout_ctx *lc, const cp_focus *fo, const char **faces,
                                 const char **detail)
{
    if (!fo) {
        *faces = *detail = "not analysed";
        return "none";
    }
    *faces = !fo->detector      ? "not looked for (no cascade)"
             : fo->n_faces == 0 ? "none found"
                                : cp_arena_printf(lc->arena, "%d found", fo->n_faces);
    *detail = fo->upscaled
                  ? cp_arena_printf(lc->arena, "looks enlarged (sharpness %.2f)", fo->sharpness)
              : fo->textured_tiles == 0 ? "too smooth to judge sharpness"
                                        : cp_arena_printf(lc->arena, "sharp (%.2f)", fo->sharpness);
    return fo->cached ? cp_arena_printf(lc->arena, "from the cache (%.0f ms when made)", fo->ms)
                      : cp_arena_printf(lc->arena, "%.0f ms of CPU", fo->ms);
}

/* One "label  value" row of the figures column; returns its height. */
static double row(cp_layout_ctx *lc, cp_page *p, double x, double y, double w, const char *label,
                  const char *value)
{
    const cp_style *ls = sheet_style(lc, "footer", 7, 600, lc->cal->layout.muted);
    const cp_style *vs = sheet_style(lc, "footer", 8.5, 400, lc->cal->layout.ink);
    text_at(lc, p, ls, x, y + 1.2, 62, label, false);
    return fmax(vs->leading_pt, text_at(lc, p, vs, x + 64, y, w - 64, value, true)) + 4;
}

static double figures(cp_layout_ctx *lc, cp_page *p, const cp_placement *pl, double x, double y,
                      double w)
{
    const cp_image *img = pl->image;
    const cp_photo *ph = pl->photo;
    const char *faces, *detail;
    const char *cost = analysis_text(lc, pl->focus, &faces, &detail);
    const cp_rect *pp = &pl->picture_pt;
    cp_rect shown = clip(pl->visible_pt, *pp);
    y += row(lc, p, x, y, w, "FILE", cp_photo_shown_name(ph));
    y += row(lc, p, x, y, w, "PAGE",
             cp_arena_printf(lc->arena, "%s, frame '%s'", pl->page, pl->frame));
    y += row(lc, p, x, y, w, "PIXELS",
             cp_arena_printf(lc->arena, "%d \xC3\x97 %d, %s%s", img->width, img->height,
                             format_name(img->format),
                             img->orientation != 1 ? ", turned by its EXIF orientation" : ""));
    y += row(lc, p, x, y, w, "COLOUR", colour_text(lc, img));
    y +=
        row(lc, p, x, y, w, "RESOLUTION",
            cp_arena_printf(lc->arena, "%.0f ppi where placed (%.1f \xC3\x97 %.1f mm with bleed)",
                            pl->ppi, pl->frame_pt.w / CP_PT_PER_MM, pl->frame_pt.h / CP_PT_PER_MM));
    y += row(lc, p, x, y, w, "SHOWN",
             cp_arena_printf(lc->arena, "%.0f %% of the width, %.0f %% of the height",
                             100 * shown.w / pp->w, 100 * shown.h / pp->h));
    y += row(lc, p, x, y, w, "FOCUS", focus_text(lc, pl));
    y += row(lc, p, x, y, w, "FACES", faces);
    y += row(lc, p, x, y, w, "DETAIL", detail);
    y += row(lc, p, x, y, w, "ANALYSIS", cost);
    return y;
}

static void notes(cp_layout_ctx *lc, cp_page *p, const cp_placement *pl, double x, double y,
                  double w)
{
    const cp_style *hs = sheet_style(lc, "footer", 7, 600, lc->cal->layout.muted);
    const cp_style *ns = sheet_style(lc, "footer", 8.5, 600, BLEED_C);
    const cp_style *ok = sheet_style(lc, "footer", 8.5, 400, FACE_C);
    y += text_at(lc, p, hs, x, y, w, "WARNINGS", false) + 3;
    if (!pl->n_notes)
        text_at(lc, p, ok, x, y, w, "none: the crop keeps what matters", true);
    for (int i = 0; i < pl->n_notes; i++)
        y += text_at(lc, p, ns, x, y, w, pl->notes[i], true) + 4;
}

/* The key to the overlay colours, along the foot of the figures column. */
static void legend(cp_layout_ctx *lc, cp_page *p, double x, double y)
{
    static const struct {
        const char *name;
        const cp_color *c;
    } keys[] = {{"bleed edge", &BLEED_C},
                {"trim", &TRIM_C},
                {"face", &FACE_C},
                {"detail", &DETAIL_C},
                {"focus", &FOCUS_C}};
    const cp_style *ks = sheet_style(lc, "footer", 7.5, 400, lc->cal->layout.ink);
    double cx = x;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        cp_page_line(p, "legend", cx, y + 4, cx + 12, y + 4, 1.2, *keys[i].c);
        text_at(lc, p, ks, cx + 15, y, 80, keys[i].name, false);
        cx += 15 + text_width(lc, ks, keys[i].name) + 10;
    }
    cp_page_rect(p, "legend", x, y + 14, 12, 8, lc->cal->layout.accent);
    p->items[p->n - 1].opacity = 0.25;
    text_at(lc, p, ks, x + 15, y + 13, 200, "another frame over the photo", false);
}

static void crop_page(cp_layout_ctx *lc, cp_doc *doc, const cp_placement *pl, size_t k, size_t n)
{
    const cp_calendar *cal = lc->cal;
    const char *label = cp_arena_printf(lc->arena, "crops %zu", k);
    cp_page *p = cp_doc_add_page(doc, label, A4_LONG, A4_SHORT, 0, 0);
    cp_page_rect(p, "paper", 0, 0, A4_LONG, A4_SHORT, WHITE);
    const cp_style *hs = sheet_style(lc, "footer", 7.5, 600, cal->layout.muted);
    text_at(lc, p, hs, MARGIN, 24, 500,
            cp_arena_printf(lc->arena, "%s \xC2\xB7 CROP SHEET", cal->title.s), false);
    const char *folio = cp_arena_printf(lc->arena, "%zu / %zu", k, n);
    text_at(lc, p, hs, A4_LONG - MARGIN - text_width(lc, hs, folio), 24, 100, folio, false);
    const cp_style *ts = sheet_style(lc, "name", 20, 400, cal->layout.ink);
    const char *name = cp_photo_shown_name(pl->photo);
    text_at(lc, p, ts, MARGIN, 40, 740,
            cp_arena_printf(lc->arena, "%s \xE2\x80\x94 %s", pl->page, name), false);
    draw_picture(lc, p, pl, (cp_rect){MARGIN, 84, 510, A4_SHORT - 84 - MARGIN});
    double x = MARGIN + 510 + 24, w = A4_LONG - MARGIN - x;
    double y = figures(lc, p, pl, x, 86, w);
    notes(lc, p, pl, x, y + 8, w);
    legend(lc, p, x, A4_SHORT - MARGIN - 22);
}

size_t cp_layout_crop_sheet(cp_layout_ctx *lc, cp_doc *doc)
{
    cp_crops *c = cp_crops_lookup(lc);
    doc->title = cp_arena_printf(lc->arena, "%s: crops", lc->cal->title.s);
    size_t n = c->n;
    for (size_t i = 0; i < n; i++)
        crop_page(lc, doc, &c->items[i], i + 1, n);
    return n;
}

/* ---- the contact sheet ---- */

/* "Cover", "January", "Press release 1". */
static const char *thumb_label(cp_layout_ctx *lc, const char *doc_name, const cp_page *pg, size_t i,
                               size_t n)
{
    if (strncmp(pg->label, "press ", 6) == 0)
        return cp_arena_printf(lc->arena, "%s %zu/%zu", doc_name, i + 1, n);
    if (strcmp(pg->label, "cover") == 0 || strcmp(pg->label, "back") == 0)
        return cp_arena_printf(lc->arena, "%zu \xC2\xB7 %c%s", i + 1, pg->label[0] - 'a' + 'A',
                               pg->label + 1);
    return cp_arena_printf(lc->arena, "%zu \xC2\xB7 %s", i + 1, pg->label);
}

typedef struct grid {
    int cols;
    double cell_w, cell_h; /* a thumbnail's box (the page inside keeps its shape) */
} grid;

/* The most columns-by-rows arrangement of n thumbnails of aspect h/w = ratio that makes them
 * largest in w x h (each thumbnail has a label line below it). */
static grid arrange(size_t n, double ratio, double w, double h, double gap, double label)
{
    grid best = {1, 0, 0};
    for (size_t cols = 1; cols <= n; cols++) {
        size_t rows = (n + cols - 1) / cols;
        double cw = (w - gap * (double)(cols - 1)) / (double)cols;
        double ch = (h - gap * (double)(rows - 1)) / (double)rows - label;
        double tw = fmin(cw, ch / ratio);
        if (tw > best.cell_w)
            best = (grid){(int)cols, tw, tw * ratio};
    }
    return best;
}

static void thumbnail(cp_layout_ctx *lc, cp_page *p, const cp_page *pg, const char *label, double x,
                      double y, double w, double h)
{
    double s = fmin(w / pg->trim_w, h / pg->trim_h);
    double tw = pg->trim_w * s, th = pg->trim_h * s;
    double tx = x + (w - tw) / 2, ty = y + (h - th);
    cp_item *it = cp_page_add(p, CP_ITEM_PAGE, "thumbnail");
    it->x = tx;
    it->y = ty;
    it->w = tw;
    it->h = th;
    it->page = pg;
    box(p, "thumbnail", (cp_rect){tx, ty, tw, th}, 0.4, lc->cal->layout.grey);
    const cp_style *ls = sheet_style(lc, "footer", 8, 600, lc->cal->layout.ink);
    text_at(lc, p, ls, tx, ty + th + 4, tw, label, false);
}

/* A new contact sheet page with its heading at left: the title, and what the sheet shows. */
static cp_page *contact_page(cp_layout_ctx *lc, cp_doc *doc, size_t sheet, size_t sheets,
                             const char *about, double left)
{
    cp_page *p = cp_doc_add_page(doc, cp_arena_printf(lc->arena, "contact %zu", sheet), A3_LONG,
                                 A3_SHORT, 0, 0);
    cp_page_rect(p, "paper", 0, 0, A3_LONG, A3_SHORT, WHITE);
    const cp_style *hs = sheet_style(lc, "name", 18, 400, lc->cal->layout.ink);
    const cp_style *ss = sheet_style(lc, "footer", 8, 400, lc->cal->layout.grey);
    text_at(lc, p, hs, left, MARGIN - 8, 800, lc->cal->title.s, false);
    const char *what =
        sheets > 1 ? cp_arena_printf(lc->arena, "Contact sheet %zu / %zu%s", sheet, sheets, about)
                   : cp_arena_printf(lc->arena, "Contact sheet%s", about);
    text_at(lc, p, ss, left, MARGIN + 16, 1000, what, false);
    return p;
}

/* " · Calendar, 14 pages · Press release, 1 page · proof of 2020-12-14" */
static const char *contact_about(cp_layout_ctx *lc, const cp_doc *const *docs,
                                 const char *const *names, size_t n)
{
    const char *about = "";
    for (size_t k = 0; k < n; k++)
        about = cp_arena_printf(lc->arena, "%s \xC2\xB7 %s, %zu page%s", about, names[k],
                                docs[k]->n_pages, docs[k]->n_pages == 1 ? "" : "s");
    if (lc->opts.build_date)
        about = cp_arena_printf(lc->arena, "%s \xC2\xB7 %s %s", about,
                                lc->opts.proof ? "proof of" : "built", lc->opts.build_date);
    return about;
}

size_t cp_layout_contact_sheet(cp_layout_ctx *lc, const cp_doc *const *docs,
                               const char *const *names, size_t n, cp_doc *doc)
{
    size_t total = 0;
    for (size_t k = 0; k < n; k++)
        total += docs[k]->n_pages;
    if (!total)
        return 0;
    doc->title = cp_arena_printf(lc->arena, "%s: contact sheet", lc->cal->title.s);
    size_t sheets = (total + 23) / 24, per = (total + sheets - 1) / sheets;
    const cp_page *first = &docs[0]->pages[0];
    double top = MARGIN + 34, gap = 14, label = 16;
    grid g = arrange(per, first->trim_h / first->trim_w, A3_LONG - 2 * MARGIN,
                     A3_SHORT - top - MARGIN, gap, label);
    /* The grid centred across the sheet, the heading on its left edge. */
    double used = g.cols * g.cell_w + (g.cols - 1) * gap;
    double left = MARGIN + (A3_LONG - 2 * MARGIN - used) / 2;
    const char *about = contact_about(lc, docs, names, n);
    cp_page *p = NULL;
    size_t slot = 0, sheet = 0;
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < docs[k]->n_pages; i++) {
            if (!p || slot == per) {
                p = contact_page(lc, doc, ++sheet, sheets, about, left);
                slot = 0;
            }
            size_t r = slot / (size_t)g.cols, c = slot % (size_t)g.cols;
            double x = left + (double)c * (g.cell_w + gap);
            double y = top + (double)r * (g.cell_h + label + gap);
            thumbnail(lc, p, &docs[k]->pages[i],
                      thumb_label(lc, names[k], &docs[k]->pages[i], i, docs[k]->n_pages), x, y,
                      g.cell_w, g.cell_h);
            slot++;
        }
    return sheet;
}
