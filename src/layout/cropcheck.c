/* Automatic focus, crop warnings and the enlargement preflight for placed photos. */
#include "layout/cropcheck.h"
#include "base/path.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Candidate crops tried along the photo's free axis. */
#define CANDIDATES 97
/* A face counts as cut when less than this part of it is inside the trim. */
#define FACE_KEEP 0.85
/* ... and as covered when more than this part lies under another frame. */
#define FACE_COVER 0.15
/* The main detail counts as cut when less than this part of it stays visible ... */
#define DETAIL_KEEP 0.6
/* ... and as a subject when it holds this share of the picture's detail. */
#define DETAIL_SUBJECT 0.4

cp_crops *cp_crops_lookup(cp_layout_ctx *lc)
{
    if (!lc->crops) {
        lc->crops = cp_xcalloc(1, sizeof *lc->crops);
        lc->crops->cache = cp_focus_cache_new(NULL);
    }
    return lc->crops;
}

void cp_crops_free(cp_crops *c)
{
    if (!c)
        return;
    cp_focus_cache_free(c->cache);
    free(c->items);
    free(c);
}

const char *cp_focus_source_name(cp_focus_source s)
{
    switch (s) {
    case CP_FOCUS_GIVEN:
        return "given";
    case CP_FOCUS_FACES:
        return "faces";
    case CP_FOCUS_DETAIL:
        return "detail";
    default:
        return "centre";
    }
}

static double overlap(cp_rect a, cp_rect b)
{
    double w = fmin(a.x + a.w, b.x + b.w) - fmax(a.x, b.x);
    double h = fmin(a.y + a.h, b.y + b.h) - fmax(a.y, b.y);
    return w > 0 && h > 0 ? w * h : 0;
}

static cp_rect intersect(cp_rect a, cp_rect b)
{
    double x0 = fmax(a.x, b.x), y0 = fmax(a.y, b.y);
    double x1 = fmin(a.x + a.w, b.x + b.w), y1 = fmin(a.y + a.h, b.y + b.h);
    return (cp_rect){x0, y0, fmax(0, x1 - x0), fmax(0, y1 - y0)};
}

/* A box of the picture (fractions) on the page, for the picture at pic. */
static cp_rect on_page(cp_box b, cp_rect pic)
{
    return (cp_rect){pic.x + b.x * pic.w, pic.y + b.y * pic.h, b.w * pic.w, b.h * pic.h};
}

/* The part of r the reader sees: inside the trim, not under another frame. */
static double seen(const cp_placement *pl, cp_rect r, double *covered)
{
    double area = r.w * r.h;
    if (area <= 0)
        return 0;
    cp_rect v = intersect(r, pl->visible_pt);
    double under = 0;
    for (int i = 0; i < pl->n_covers; i++)
        under += overlap(v, pl->covers[i]);
    if (covered)
        *covered = fmin(1, under / area);
    return fmax(0, v.w * v.h - under) / area;
}

/* A face with the hair above and the chin below: what a crop must keep. */
static cp_box head(cp_box f)
{
    cp_box b = {f.x - 0.15 * f.w, f.y - 0.4 * f.h, 1.3 * f.w, 1.7 * f.h};
    b.w = fmin(b.x + b.w, 1) - fmax(b.x, 0);
    b.h = fmin(b.y + b.h, 1) - fmax(b.y, 0);
    b.x = fmax(b.x, 0);
    b.y = fmax(b.y, 0);
    return b;
}

/* Faces seen, weighted by size (0..1), and how well placed they are: their centre near the
 * middle across and two fifths down the visible photo, where a portrait puts the eyes (0..1). */
static double face_score(const cp_placement *pl, const cp_focus *fo, cp_rect pic, double *placed)
{
    double got = 0, total = 0, cx = 0, cy = 0;
    for (int i = 0; i < fo->n_faces; i++) {
        double wgt = sqrt(fo->faces[i].w * fo->faces[i].h);
        cp_rect r = on_page(fo->faces[i], pic);
        got += wgt * seen(pl, on_page(head(fo->faces[i]), pic), NULL);
        total += wgt;
        cx += wgt * (r.x + r.w / 2);
        cy += wgt * (r.y + r.h / 2);
    }
    cp_rect v = pl->visible_pt;
    double dx = fabs(cx / total - (v.x + v.w / 2)) / fmax(v.w, 1);
    double dy = fabs(cy / total - (v.y + 0.4 * v.h)) / fmax(v.h, 1);
    *placed = fmax(0, 1 - dx - dy);
    return got / total;
}

/* The share of the saliency map seen with the picture at pic: seen() for every cell, computed
 * by axis. A cell's overlaps with the visible photo and the covers are products of an extent
 * across, shared by its column, and one down, shared by its row; the sums are taken in the same
 * order and with the same operations as seen(), so the score is the same to the last bit. */
_Static_assert(CP_CROP_MAX_COVERS <= 32, "a cover is a bit of an unsigned");
static double map_seen(const cp_placement *pl, const cp_focus *fo, cp_rect pic)
{
    enum { N = CP_FOCUS_MAP };
    const double cell = 1.0 / N;
    const cp_rect v = pl->visible_pt;
    const int nc = pl->n_covers;
    double vx[N], vw[N], vy[N], vh[N];
    double cw[N][CP_CROP_MAX_COVERS], ch[N][CP_CROP_MAX_COVERS];
    unsigned col_hits[N] = {0}, row_hits[N] = {0}; /* bit c: the column/row meets cover c */
    double rw = cell * pic.w, rh = cell * pic.h, area = rw * rh;
    if (area <= 0)
        return 0;
    for (int k = 0; k < N; k++) {
        double rx = pic.x + k * cell * pic.w, ry = pic.y + k * cell * pic.h;
        vx[k] = fmax(rx, v.x);
        vw[k] = fmax(0, fmin(rx + rw, v.x + v.w) - vx[k]);
        vy[k] = fmax(ry, v.y);
        vh[k] = fmax(0, fmin(ry + rh, v.y + v.h) - vy[k]);
        for (int c = 0; c < nc; c++) {
            cp_rect o = pl->covers[c];
            cw[k][c] = fmin(vx[k] + vw[k], o.x + o.w) - fmax(vx[k], o.x);
            ch[k][c] = fmin(vy[k] + vh[k], o.y + o.h) - fmax(vy[k], o.y);
            col_hits[k] |= (unsigned)(cw[k][c] > 0) << c;
            row_hits[k] |= (unsigned)(ch[k][c] > 0) << c;
        }
    }
    double got = 0, total = 0;
    for (int j = 0; j < N; j++)
        for (int i = 0; i < N; i++) {
            double m = fo->map[j * N + i];
            if (m == 0)
                continue;
            /* Covers that miss the cell add exact zeros: leaving them out changes no bit. */
            double under = 0;
            for (unsigned hits = col_hits[i] & row_hits[j]; hits; hits &= hits - 1) {
                int c = __builtin_ctz(hits);
                under += cw[i][c] * ch[j][c];
            }
            got += m * (fmax(0, vw[i] * vh[j] - under) / area);
            total += m;
        }
    return total > 0 ? got / total : 0;
}

/* How good a crop is with the picture at pic: faces seen dominate, then where they sit, then
 * the share of the saliency map seen. */
static double crop_score(const cp_placement *pl, const cp_focus *fo, cp_rect pic)
{
    double score = 0;
    if (fo->n_faces) {
        double placed;
        score += 10 * face_score(pl, fo, pic, &placed) + 2 * placed;
    }
    if (!fo->flat)
        score += map_seen(pl, fo, pic);
    return score;
}

/* Slides the picture along its free axis and keeps the best crop (ties: the one nearest the
 * centre, so a picture where nothing stands out stays centred). */
static void choose(cp_placement *pl, const cp_focus *fo, double pw, double ph)
{
    cp_rect fr = pl->frame_pt;
    bool across = pw - fr.w >= ph - fr.h;
    double lo = across ? fr.x + fr.w - pw : fr.y + fr.h - ph, hi = across ? fr.x : fr.y;
    double best = -1, best_t = (lo + hi) / 2, mid = (lo + hi) / 2;
    for (int k = 0; k < CANDIDATES; k++) {
        double t = lo + (hi - lo) * k / (CANDIDATES - 1);
        cp_rect pic = {across ? t : fr.x + (fr.w - pw) / 2, across ? fr.y + (fr.h - ph) / 2 : t, pw,
                       ph};
        /* A faint pull to the centre decides between crops that keep the same. */
        double s = crop_score(pl, fo, pic) - 1e-3 * fabs(t - mid) / fmax(hi - lo, 1e-9);
        if (s > best + 1e-9) {
            best = s;
            best_t = t;
        }
    }
    if (across)
        pl->focus_x = (fr.x + fr.w / 2 - best_t) / pw;
    else
        pl->focus_y = (fr.y + fr.h / 2 - best_t) / ph;
}

/* The other frames of the page that lie over the visible photo. */
static void find_covers(cp_placement *pl, const cp_layout *l, const char *kind, const cp_frame *f)
{
    for (size_t i = 0; i < l->n_frames && pl->n_covers < CP_CROP_MAX_COVERS; i++) {
        const cp_frame *o = &l->frames[i];
        if (o == f || strcmp(o->page, kind) != 0)
            continue;
        cp_rect r = intersect((cp_rect){o->x, o->y, o->w, o->h}, pl->visible_pt);
        if (r.w * r.h <= 0)
            continue;
        pl->covers[pl->n_covers] = r;
        pl->cover_names[pl->n_covers++] = o->name;
    }
}

static bool same_rect(cp_rect a, cp_rect b)
{
    return a.x == b.x && a.y == b.y && a.w == b.w && a.h == b.h;
}

/* A crop chosen before for the same photo in the same frame, under the same covers (the same
 * photo on every month of a draft, say): choose() would find the same focus again, bit for
 * bit. True after copying its focus into pl. */
static bool chosen_before(const cp_crops *c, cp_placement *pl)
{
    for (size_t i = 0; i + 1 < c->n; i++) {
        const cp_placement *q = &c->items[i];
        bool same = q->image == pl->image && q->source == pl->source &&
                    same_rect(q->frame_pt, pl->frame_pt) &&
                    same_rect(q->visible_pt, pl->visible_pt) && q->n_covers == pl->n_covers;
        for (int k = 0; same && k < pl->n_covers; k++)
            same = same_rect(q->covers[k], pl->covers[k]);
        if (same) {
            pl->focus_x = q->focus_x;
            pl->focus_y = q->focus_y;
            return true;
        }
    }
    return false;
}

cp_placement *cp_crop_plan(cp_layout_ctx *lc, const cp_layout *l, const char *page,
                           const char *kind, const cp_frame *f, const cp_photo *ph,
                           const cp_image *img, double x, double y, double w, double h)
{
    cp_crops *c = cp_crops_lookup(lc);
    cp_grow((void **)&c->items, &c->cap, c->n + 1, sizeof *c->items);
    cp_placement *pl = &c->items[c->n++];
    *pl = (cp_placement){.page = page, .frame = f->name, .photo = ph, .image = img};
    pl->frame_pt = (cp_rect){x, y, w, h};
    pl->visible_pt = intersect(pl->frame_pt, (cp_rect){0, 0, l->trim_w, l->trim_h});
    find_covers(pl, l, kind, f);
    pl->focus = cp_focus_cache_lookup(c->cache, img, lc->diags);
    pl->focus_x = ph->focus_x;
    pl->focus_y = ph->focus_y;
    pl->source = CP_FOCUS_GIVEN;
    if (ph->focus_given)
        return pl;
    pl->focus_x = pl->focus_y = 0.5;
    pl->source = CP_FOCUS_CENTRE;
    int iw, ih;
    cp_image_upright_size(img, &iw, &ih);
    double s = fmax(w / iw, h / ih), pw = iw * s, phh = ih * s;
    const cp_focus *fo = pl->focus;
    if (ph->fit != CP_FIT_FILL || !fo || (pw - w < 0.5 && phh - h < 0.5))
        return pl;
    pl->source = fo->n_faces ? CP_FOCUS_FACES : fo->flat ? CP_FOCUS_CENTRE : CP_FOCUS_DETAIL;
    if (pl->source != CP_FOCUS_CENTRE && !chosen_before(c, pl))
        choose(pl, fo, pw, phh);
    return pl;
}

void cp_crop_focus(cp_layout_ctx *lc, const cp_photo *ph, const cp_image *img, double w, double h,
                   double *fx, double *fy)
{
    *fx = ph->focus_x;
    *fy = ph->focus_y;
    if (ph->focus_given)
        return;
    *fx = *fy = 0.5;
    int iw, ih;
    cp_image_upright_size(img, &iw, &ih);
    double s = fmax(w / iw, h / ih), pw = iw * s, phh = ih * s;
    const cp_focus *fo = cp_focus_cache_lookup(cp_crops_lookup(lc)->cache, img, lc->diags);
    if (!fo || (fo->flat && !fo->n_faces) || (pw - w < 0.5 && phh - h < 0.5))
        return;
    cp_placement pl = {.photo = ph, .image = img, .focus = fo, .focus_x = 0.5, .focus_y = 0.5};
    pl.frame_pt = pl.visible_pt = (cp_rect){0, 0, w, h};
    choose(&pl, fo, pw, phh);
    *fx = pl.focus_x;
    *fy = pl.focus_y;
}

/* The edge of the visible photo that r sticks out of most. */
static const char *cut_edge(const cp_placement *pl, cp_rect r)
{
    cp_rect v = pl->visible_pt;
    double out[4] = {v.y - r.y, r.y + r.h - (v.y + v.h), v.x - r.x, r.x + r.w - (v.x + v.w)};
    static const char *const names[4] = {"top", "bottom", "left", "right"};
    int k = 0;
    for (int i = 1; i < 4; i++)
        if (out[i] > out[k])
            k = i;
    return names[k];
}

/* The frame that covers most of r. */
static const char *cover_name(const cp_placement *pl, cp_rect r)
{
    int k = 0;
    for (int i = 1; i < pl->n_covers; i++)
        if (overlap(r, pl->covers[i]) > overlap(r, pl->covers[k]))
            k = i;
    return pl->n_covers ? pl->cover_names[k] : "?";
}

const char *cp_photo_shown_name(const cp_photo *ph)
{
    const char *name = ph->given ? ph->given : ph->path.s;
    return name[0] == '/' ? cp_path_basename(name) : name;
}

static void note(cp_layout_ctx *lc, cp_placement *pl, const char *what, const char *fix)
{
    const char *name = pl->photo->given ? pl->photo->given : pl->photo->path.s;
    cp_warning(lc->diags, pl->photo->path.pos, "%s: %s; %s", name, what, fix);
    if (pl->n_notes < CP_CROP_MAX_NOTES)
        pl->notes[pl->n_notes++] =
            cp_arena_printf(lc->arena, "%s: %s; %s", cp_photo_shown_name(pl->photo), what, fix);
}

/* What to do about a crop that loses something: choose the focus, or a photo of the frame's
 * shape. */
static const char *remedy(cp_layout_ctx *lc, const cp_placement *pl)
{
    int iw, ih;
    cp_image_upright_size(pl->image, &iw, &ih);
    const cp_rect *f = &pl->frame_pt;
    const char *verb = pl->source == CP_FOCUS_GIVEN ? "change" : "set";
    const char *shape = NULL;
    if (f->w > f->h && (double)iw / ih < f->w / f->h)
        shape = "a landscape photo";
    else if (f->h > f->w && (double)iw / ih > f->w / f->h)
        shape = "a portrait photo";
    return shape ? cp_arena_printf(lc->arena, "%s photo_focus or use %s", verb, shape)
                 : cp_arena_printf(lc->arena, "%s photo_focus", verb);
}

static void check_faces(cp_layout_ctx *lc, cp_placement *pl, const cp_focus *fo)
{
    int cut = 0, lost = 0, under = 0;
    cp_rect first_cut = {0}, first_under = {0};
    for (int i = 0; i < fo->n_faces; i++) {
        cp_rect r = on_page(fo->faces[i], pl->picture_pt);
        double covered;
        double in_trim = overlap(r, pl->visible_pt) / (r.w * r.h);
        seen(pl, r, &covered);
        if (in_trim <= 0.0) {
            lost++;
        } else if (in_trim < FACE_KEEP) {
            if (!cut++)
                first_cut = r;
        } else if (covered > FACE_COVER && !under++) {
            first_under = r;
        }
    }
    const char *fix = remedy(lc, pl);
    if (cut)
        note(lc, pl,
             cp_arena_printf(lc->arena, "the crop cuts %s at the %s edge",
                             cut == 1 ? "a face" : cp_arena_printf(lc->arena, "%d faces", cut),
                             cut_edge(pl, first_cut)),
             fix);
    if (lost)
        note(lc, pl,
             cp_arena_printf(lc->arena, "the crop leaves out %s",
                             lost == 1 ? "a face" : cp_arena_printf(lc->arena, "%d faces", lost)),
             fix);
    if (under)
        note(lc, pl,
             cp_arena_printf(lc->arena, "%s lies under frame '%s'",
                             under == 1 ? "a face" : cp_arena_printf(lc->arena, "%d faces", under),
                             cover_name(pl, first_under)),
             fix);
}

/* The share of the saliency map inside b: how much of the picture's detail it holds. */
static double map_share(const cp_focus *fo, cp_box b)
{
    double in = 0, total = 0;
    for (int j = 0; j < CP_FOCUS_MAP; j++)
        for (int i = 0; i < CP_FOCUS_MAP; i++) {
            double m = fo->map[j * CP_FOCUS_MAP + i];
            double cx = (i + 0.5) / CP_FOCUS_MAP, cy = (j + 0.5) / CP_FOCUS_MAP;
            total += m;
            if (cx >= b.x && cx <= b.x + b.w && cy >= b.y && cy <= b.y + b.h)
                in += m;
        }
    return total > 0 ? in / total : 0;
}

/* The main detail matters when it chose the crop (with faces they decide, and a focus the
 * designer gave is the designer's choice), and only when it is a subject: a region holding
 * much of the picture's detail, not one peak of texture spread all over. */
static void check_detail(cp_layout_ctx *lc, cp_placement *pl, const cp_focus *fo)
{
    if (pl->source != CP_FOCUS_DETAIL || fo->detail.w <= 0 ||
        map_share(fo, fo->detail) < DETAIL_SUBJECT)
        return;
    cp_rect r = on_page(fo->detail, pl->picture_pt);
    double covered, keep = seen(pl, r, &covered);
    if (keep >= DETAIL_KEEP)
        return;
    double in_trim = overlap(r, pl->visible_pt) / (r.w * r.h);
    const char *what =
        1 - in_trim >= covered
            ? cp_arena_printf(lc->arena, "the crop cuts the photo's main detail at the %s edge",
                              cut_edge(pl, r))
            : cp_arena_printf(lc->arena, "the photo's main detail lies under frame '%s'",
                              cover_name(pl, r));
    note(lc, pl, what, remedy(lc, pl));
}

/* A photo scaled up from a smaller original passes the ppi check on pixels it does not have. */
static void check_enlarged(cp_layout_ctx *lc, const cp_placement *pl, const cp_focus *fo)
{
    if (!fo->upscaled)
        return;
    const char *name = pl->photo->given ? pl->photo->given : pl->photo->path.s;
    double real = pl->ppi / 2;
    int w = pl->image->width, h = pl->image->height;
    const char *msg = cp_arena_printf(
        lc->arena,
        "photo '%s' (%d x %d px) looks enlarged from a smaller original: it has no detail finer "
        "than about 2 pixels, so its %.0f ppi in frame '%s' print like %.0f ppi or less; ask "
        "for the original file",
        name, w, h, pl->ppi, pl->frame, real);
    if (real < 200)
        cp_preflight(lc->diags, pl->photo->path.pos, "%s", msg);
    else if (real < 300)
        cp_warning(lc->diags, pl->photo->path.pos, "%s", msg);
}

/* A lossless photo many times the size of a JPEG of it costs time and megabytes for nothing a
 * print shows. */
static void check_lossless(cp_layout_ctx *lc, const cp_placement *pl, const cp_focus *fo)
{
    const cp_image *img = pl->image;
    double jpeg = fo->jpeg_bytes_per_pixel * img->width * img->height;
    /* WebP is often lossy already; a TIFF or PNG almost never. */
    bool lossless = img->format == CP_IMAGE_PNG || img->format == CP_IMAGE_TIFF;
    if (!lossless || jpeg <= 0 || (double)img->len <= 3 * jpeg)
        return;
    static const char *const formats[] = {"JPEG", "PNG", "TIFF", "WebP"};
    const char *name = pl->photo->given ? pl->photo->given : pl->photo->path.s;
    cp_note(lc->diags, pl->photo->path.pos,
            "photo '%s' is a lossless %s of %.1f MB; as a JPEG of quality 90 it would be about "
            "%.1f MB and look the same in print: consider converting it",
            name, formats[img->format], img->len / 1e6, jpeg / 1e6);
}

void cp_crop_check(cp_layout_ctx *lc, cp_placement *pl, double px, double py, double pw, double ph)
{
    int iw, ih;
    cp_image_upright_size(pl->image, &iw, &ih);
    pl->picture_pt = (cp_rect){px, py, pw, ph};
    pl->ppi = fmin(iw / (pw / 72.0), ih / (ph / 72.0));
    const cp_focus *fo = pl->focus;
    if (!fo)
        return;
    check_faces(lc, pl, fo);
    check_detail(lc, pl, fo);
    check_enlarged(lc, pl, fo);
    check_lossless(lc, pl, fo);
}
