/* Calendar pages: the cover, twelve month pages and the back, composed from layout frames. */
#define _DEFAULT_SOURCE
#include "layout/marks.h"
#include "layout/layout.h"
#include "base/hash.h"
#include "base/path.h"
#include "layout/cropcheck.h"
#include "base/util.h"

#include <glib.h>
#include <limits.h>
#include <sys/stat.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void cp_photo_cache_init(cp_photo_cache *pc)
{
    memset(pc, 0, sizeof *pc);
}

static void free_retired(cp_photo_cache *pc)
{
    for (size_t i = 0; i < pc->n_retired; i++)
        cp_image_free(pc->retired[i]);
    pc->n_retired = 0;
}

void cp_photo_cache_finish(cp_photo_cache *pc)
{
    for (size_t i = 0; i < pc->n; i++) {
        cp_image_free(pc->images[i]);
        free(pc->stamps[i].at_file);
    }
    free_retired(pc);
    free(pc->images);
    free(pc->stamps);
    free(pc->retired);
    for (size_t i = 0; i < pc->n_svgs; i++)
        cp_svg_free(pc->svgs[i]);
    free(pc->svgs);
    memset(pc, 0, sizeof *pc);
}

void cp_photo_cache_next_build(cp_photo_cache *pc, cp_inputs *inputs)
{
    free_retired(pc);
    pc->build++;
    pc->next_seq = 0;
    pc->inputs = inputs;
}

static bool stamp_of(const char *path, cp_photo_stamp *s)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return false;
    *s = (cp_photo_stamp){(unsigned long long)st.st_dev,
                          (unsigned long long)st.st_ino,
                          (unsigned long long)st.st_size,
                          st.st_mtim.tv_sec,
                          st.st_mtim.tv_nsec,
                          st.st_ctim.tv_sec,
                          st.st_ctim.tv_nsec};
    return true;
}

static bool same_file(const cp_photo_stamp *a, const cp_photo_stamp *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime_s == b->mtime_s &&
           a->mtime_ns == b->mtime_ns && a->ctime_s == b->ctime_s && a->ctime_ns == b->ctime_ns;
}

/* Index of the photo cached under key, or pc->n. */
static size_t find_photo(const cp_photo_cache *pc, const char *key)
{
    size_t i = 0;
    while (i < pc->n && strcmp(pc->images[i]->key, key) != 0)
        i++;
    return i;
}

/* Drops entry i; its image is freed when the next build starts. */
static void retire(cp_photo_cache *pc, size_t i)
{
    cp_grow((void **)&pc->retired, &pc->cap_retired, pc->n_retired + 1, sizeof *pc->retired);
    pc->retired[pc->n_retired++] = pc->images[i];
    free(pc->stamps[i].at_file);
    pc->n--;
    pc->images[i] = pc->images[pc->n];
    pc->stamps[i] = pc->stamps[pc->n];
}

/* In a cache kept between builds: true if entry i's file is as it was read (checked once a
 * build); otherwise the entry is retired. */
static bool still_current(cp_photo_cache *pc, size_t i)
{
    if (pc->build == 0 || pc->stamps[i].checked == pc->build)
        return true;
    cp_photo_stamp now;
    if (stamp_of(pc->images[i]->path, &now) && same_file(&now, &pc->stamps[i])) {
        pc->stamps[i].checked = pc->build;
        return true;
    }
    retire(pc, i);
    return false;
}

/* Index of the photo cached for the file at path, however it is spelled, or pc->n. */
static size_t find_path(const cp_photo_cache *pc, const char *path)
{
    char *real = realpath(path, NULL);
    size_t i = real ? find_photo(pc, real) : pc->n;
    free(real);
    return i;
}

const cp_image *cp_photo_cache_check(cp_photo_cache *pc, const char *path, uint64_t *hash)
{
    size_t i = find_path(pc, path);
    if (i == pc->n || !still_current(pc, i))
        return NULL;
    *hash = pc->stamps[i].hash;
    return pc->images[i];
}

bool cp_photo_cache_key(const cp_photo_cache *pc, const char *path, uint64_t *hash)
{
    if (pc->build > 0)
        return false;
    size_t i = find_path(pc, path);
    if (i == pc->n)
        return false;
    *hash = cp_image_content_key(pc->images[i]);
    return true;
}

bool cp_photo_cache_used(const cp_photo_cache *pc, size_t i)
{
    return pc->build == 0 || pc->stamps[i].checked == pc->build;
}

/* Photos looked up in this build come in their turn; photos only checked (of pages watch
 * reused) after them, in the cache's order. */
static unsigned long turn_of(const cp_photo_cache *pc, size_t i)
{
    const cp_photo_stamp *s = &pc->stamps[i];
    return s->used_build == pc->build ? s->used_seq : (unsigned long)UINT_MAX + 1 + i;
}

size_t cp_photo_cache_list_used(const cp_photo_cache *pc, cp_image **images)
{
    if (pc->build == 0) {
        for (size_t i = 0; i < pc->n; i++)
            images[i] = pc->images[i];
        return pc->n;
    }
    size_t *idx = cp_xmalloc((pc->n ? pc->n : 1) * sizeof *idx);
    size_t n = 0;
    for (size_t i = 0; i < pc->n; i++) {
        if (!cp_photo_cache_used(pc, i))
            continue;
        size_t k = n++; /* insertion sort by turn: a calendar has a few dozen photos */
        for (; k > 0 && turn_of(pc, idx[k - 1]) > turn_of(pc, i); k--)
            idx[k] = idx[k - 1];
        idx[k] = i;
    }
    for (size_t k = 0; k < n; k++)
        images[k] = pc->images[idx[k]];
    free(idx);
    return n;
}

/* Notes that this build looked up entry i, and in which turn if it is the first time. */
static void mark_used(cp_photo_cache *pc, size_t i)
{
    if (pc->build > 0 && pc->stamps[i].used_build != pc->build) {
        pc->stamps[i].used_build = pc->build;
        pc->stamps[i].used_seq = pc->next_seq++;
    }
}

/* A cache kept between builds outlives the loader's arena: its images' `at` names a file with
 * the cache's own copy of the name, from the latest build that looked the photo up. */
static void keep_at(cp_photo_cache *pc, size_t i, cp_pos at)
{
    if (pc->build == 0)
        return;
    free(pc->stamps[i].at_file);
    pc->stamps[i].at_file = at.file ? cp_xstrdup(at.file) : NULL;
    pc->images[i]->at = (cp_pos){pc->stamps[i].at_file, at.line, at.col};
}

const cp_image *cp_photo_cache_lookup(cp_photo_cache *pc, const char *path, const char *name,
                                      cp_pos at, cp_diags *d)
{
    /* One image per file, however it is spelled: a photo used twice is stored once. */
    char *real = realpath(path, NULL);
    const char *key = real ? real : path;
    size_t i = find_photo(pc, key);
    if (i < pc->n && still_current(pc, i)) {
        free(real);
        cp_inputs_read_photo(pc->inputs, path, pc->stamps[i].hash);
        keep_at(pc, i, at);
        mark_used(pc, i);
        return pc->images[i];
    }
    cp_photo_stamp stamp = {0};
    bool stamped = pc->build > 0 && stamp_of(path, &stamp);
    cp_image *img = cp_image_open(path, name, at, d);
    if (!img) {
        free(real);
        return NULL;
    }
    img->key = real ? real : cp_xstrdup(path);
    /* Stamped before reading: a file changed while it was read looks changed next time. */
    stamp.hash = stamped ? cp_image_content_key(img) : 0;
    stamp.checked = stamped ? pc->build : 0;
    cp_grow((void **)&pc->images, &pc->cap, pc->n + 1, sizeof *pc->images);
    pc->stamps = cp_xrealloc(pc->stamps, pc->cap * sizeof *pc->stamps);
    pc->stamps[pc->n] = stamp;
    pc->images[pc->n++] = img;
    keep_at(pc, pc->n - 1, at);
    mark_used(pc, pc->n - 1);
    if (stamped)
        cp_inputs_read_photo(pc->inputs, path, stamp.hash);
    return img;
}

/* True if a logo's file still holds the bytes it was read from (a logo is small: its bytes are
 * compared, once per build that looks it up). */
static bool svg_current(const cp_svg *svg)
{
    size_t len = 0;
    char *data = cp_read_file(svg->path, &len);
    bool same = data && cp_hash_bytes(data, len) == svg->hash;
    free(data);
    return same;
}

/* As keep_at, for a logo: its `at` names the latest build's manifest line, in its own copy. */
static void keep_svg_at(cp_photo_cache *pc, cp_svg *svg, cp_pos at)
{
    if (pc->build == 0)
        return;
    free(svg->at_file);
    svg->at_file = at.file ? cp_xstrdup(at.file) : NULL;
    svg->at = (cp_pos){svg->at_file, at.line, at.col};
}

const cp_svg *cp_photo_cache_lookup_svg(cp_photo_cache *pc, const char *path, const char *name,
                                        cp_pos at, cp_diags *d)
{
    char *real = realpath(path, NULL);
    const char *key = real ? real : path;
    for (size_t i = 0; i < pc->n_svgs; i++) {
        cp_svg *old = pc->svgs[i];
        if (strcmp(old->key, key) != 0)
            continue;
        if (pc->build > 0 && !svg_current(old)) {
            /* Edited under watch: read again. The old artwork stays (pages kept from earlier
             * builds may point at it) under a key nothing matches, until the cache goes. */
            free(old->key);
            old->key = cp_xstrdup("");
            break;
        }
        free(real);
        keep_svg_at(pc, old, at);
        cp_inputs_read_hash(pc->inputs, path, old->hash);
        return old;
    }
    cp_svg *svg = cp_svg_open(path, name, at, d);
    if (!svg) {
        free(real);
        return NULL;
    }
    svg->key = real ? real : cp_xstrdup(path);
    keep_svg_at(pc, svg, at);
    cp_inputs_read_hash(pc->inputs, path, svg->hash);
    cp_grow((void **)&pc->svgs, &pc->cap_svgs, pc->n_svgs + 1, sizeof *pc->svgs);
    pc->svgs[pc->n_svgs++] = svg;
    return svg;
}

void cp_layout_ctx_init(cp_layout_ctx *lc, cp_typesetter *ts, const cp_calendar *cal,
                        cp_photo_cache *photos, const cp_layout_opts *opts)
{
    memset(lc, 0, sizeof *lc);
    lc->ts = ts;
    lc->cal = cal;
    lc->photos = photos;
    lc->arena = ts->arena;
    lc->diags = ts->diags;
    if (opts)
        lc->opts = *opts;
    if (!cp_locale_load(&lc->locale, lc->arena, cal->language.s))
        cp_error(lc->diags, cal->language.pos, "ICU has no calendar names for language '%s'",
                 cal->language.s);
    const char *second = cal->layout.second_language;
    if (second && strcmp(second, cal->language.s) != 0) {
        lc->have_locale2 = cp_locale_load(&lc->locale2, lc->arena, second);
        if (!lc->have_locale2)
            cp_error(lc->diags, cal->layout.second_language_pos,
                     "ICU has no calendar names for language '%s'", second);
    }
}

void cp_layout_ctx_finish(cp_layout_ctx *lc)
{
    cp_crops_free(lc->crops);
    free(lc->fits.items);
    memset(lc, 0, sizeof *lc);
}

const cp_style *cp_lc_style(cp_layout_ctx *lc, const cp_layout *l, const char *name)
{
    const cp_style *st = cp_layout_lookup_style(l, name);
    if (!st) {
        /* The manifest loader checks every style calpress uses; this is a programmer error. */
        cp_error(lc->diags, cp_pos_file(l->path), "layout defines no style '%s'", name);
        static cp_style fallback;
        fallback.name = name;
        fallback.family = "EB Garamond";
        fallback.size_pt = 10;
        fallback.leading_pt = 12;
        fallback.weight = 400;
        return &fallback;
    }
    return st;
}

const char *const *cp_lc_name_words(cp_layout_ctx *lc, const char *a, const char *b)
{
    const char *src[2] = {a, b};
    size_t cap = 2;
    for (int i = 0; i < 2; i++)
        for (const char *p = src[i]; p && *p; p++)
            cap += *p == ' ' || *p == ',';
    const char **words = cp_arena_alloc(lc->arena, (cap + 1) * sizeof *words);
    size_t n = 0;
    for (int i = 0; i < 2; i++) {
        const char *p = src[i];
        while (p && *p) {
            while (*p == ' ' || *p == ',' || *p == '*')
                p++;
            const char *e = p;
            while (*e && *e != ' ' && *e != ',')
                e++;
            if (e > p && n < cap)
                words[n++] = cp_arena_strndup(lc->arena, p, (size_t)(e - p));
            p = e;
        }
    }
    words[n] = NULL;
    return words;
}

const char *cp_lc_smart(cp_layout_ctx *lc, const cp_layout *l, const char *text)
{
    if (!text || !l->smart_punctuation)
        return text;
    return cp_richtext_smart_plain(lc->arena, text);
}

unsigned cp_lc_rich_opts(const cp_layout *l)
{
    return l->smart_punctuation ? CP_RICH_SMART : 0;
}

const cp_frame *cp_lc_frame(cp_layout_ctx *lc, const cp_layout *l, const char *page,
                            const char *name)
{
    const cp_frame *f = cp_layout_lookup_frame(l, page, name);
    if (!f) {
        cp_error(lc->diags, cp_pos_file(l->path), "layout defines no frame '%s' for %s pages", name,
                 page);
        static cp_frame empty;
        return &empty;
    }
    return f;
}

void cp_lc_report(cp_layout_ctx *lc, const char *page, const char *frame, const cp_block *b,
                  const cp_style *st, double avail_h)
{
    cp_grow((void **)&lc->fits.items, &lc->fits.cap, lc->fits.n + 1, sizeof *lc->fits.items);
    cp_fit_report *r = &lc->fits.items[lc->fits.n++];
    r->page = page;
    r->frame = frame;
    r->lines_used = (int)b->n;
    double first = b->n ? b->lines[0].baseline : st->size_pt;
    double descent = b->n ? b->height - b->lines[b->n - 1].baseline : st->size_pt * 0.3;
    r->lines_available = (int)floor((avail_h - first - descent) / b->leading_pt + 1e-6) + 1;
    if (r->lines_available < 0)
        r->lines_available = 0;
    r->size_pt = b->size_pt;
    r->nominal_pt = st->size_pt;
    r->shrunk = b->shrunk;
    r->tightened = b->tightened;
    r->leading_pt = b->leading_pt;
    r->nominal_leading_pt = st->leading_pt;
    r->runts = b->runts;
    r->loose = b->loose;
    /* Room left, in the words of this frame's own lines: what an editor can still add. */
    size_t words = 0;
    for (size_t i = 0; i < b->n; i++) {
        bool in = false;
        for (const char *p = b->lines[i].text; p && *p; p++) {
            bool sp = *p == ' ';
            words += !sp && !in;
            in = !sp;
        }
    }
    int free_lines = r->lines_available - r->lines_used;
    r->words_left = b->n && free_lines > 0 ? (int)(words * (size_t)free_lines / b->n) : 0;
}

/* A frame that follows another starts closer after that frame's text when the text is short
 * (a two-line pull quote): moved up by whole lines of its own leading, so its baselines stay
 * on the same grid, keeping one empty line between; its bottom stays where it was. */
static void follow(cp_layout_ctx *lc, const cp_page *page, cp_frame *f, const cp_style *st)
{
    double last = -1;
    for (size_t i = 0; i < page->n; i++)
        if (page->items[i].kind == CP_ITEM_TEXT && strcmp(page->items[i].tag, f->follows) == 0)
            last = page->items[i].y;
    if (last < 0)
        return;
    double lead = st->leading_pt, first = f->y + cp_typesetter_ascent(lc->ts, st);
    double earliest = last + 2 * lead;
    if (first <= earliest)
        return;
    double k = floor((first - earliest) / lead);
    f->y -= k * lead;
    f->h += k * lead;
}

/* Sets text into a frame, copy-fitting within the style's size range; nothing is ever clipped. */
static void frame_text(cp_layout_ctx *lc, cp_page *page, const cp_layout *l, const char *kind,
                       const char *frame, const char *style, const cp_richtext *rt, cp_pos src,
                       const char *what, const char *lang, const char *const *keep, cp_color *color,
                       double *used_w)
{
    const cp_frame *f = cp_lc_frame(lc, l, kind, frame);
    const cp_style *st = cp_lc_style(lc, l, style);
    cp_frame moved;
    if (f->follows) {
        moved = *f;
        follow(lc, page, &moved, st);
        f = &moved;
    }
    cp_text_req req = {st, lang, f->w, keep, src, what, false};
    cp_block b;
    if (cp_set_fill(lc->ts, &req, rt, f->h, frame, &f->pos, &b))
        cp_block_warn(lc->ts, &req, &b);
    cp_lc_report(lc, page->label, frame, &b, st, f->h);
    if (used_w) {
        *used_w = 0;
        for (size_t i = 0; i < b.n; i++)
            if (b.lines[i].x + b.lines[i].width > *used_w)
                *used_w = b.lines[i].x + b.lines[i].width;
    }
    /* A text shorter than its frame stands where the layout says: the room left is a margin the
     * layout chose (below, above, or shared), not a hole. */
    double room = b.n && b.height < f->h ? f->h - b.height : 0;
    double y = f->y + (f->valign == CP_VALIGN_BOTTOM   ? room
                       : f->valign == CP_VALIGN_CENTER ? room / 2
                                                       : 0);
    cp_block_place(&b, page, frame, f->x, y, color ? *color : st->color);
    cp_block_finish(&b);
}

static void frame_plain(cp_layout_ctx *lc, cp_page *page, const cp_layout *l, const char *kind,
                        const char *frame, const char *style, const char *text, cp_pos src,
                        const char *what, double *used_w)
{
    cp_richtext rt;
    cp_para para = {cp_arena_strdup(lc->arena, text), NULL, 0, 1};
    rt.paras = &para;
    rt.n_paras = 1;
    frame_text(lc, page, l, kind, frame, style, &rt, src, what, lc->cal->language.s, NULL, NULL,
               used_w);
}

static void frame_markup(cp_layout_ctx *lc, cp_page *page, const cp_layout *l, const char *kind,
                         const char *frame, const char *style, const cp_str *s, const char *what,
                         const char *lang, const char *const *keep)
{
    cp_richtext rt;
    cp_richtext_parse(lc->arena, s->s, cp_lc_rich_opts(l), &rt);
    frame_text(lc, page, l, kind, frame, style, &rt, s->pos, what, lang, keep, NULL, NULL);
}

/* Edges of a frame that lie on the trim grow into the bleed. */
static void bleed_frame(const cp_layout *l, const cp_frame *f, double *x, double *y, double *w,
                        double *h)
{
    const double eps = 0.5;
    double x0 = f->x, y0 = f->y, x1 = f->x + f->w, y1 = f->y + f->h;
    if (x0 <= eps)
        x0 = -l->bleed;
    if (y0 <= eps)
        y0 = -l->bleed;
    if (x1 >= l->trim_w - eps)
        x1 = l->trim_w + l->bleed;
    if (y1 >= l->trim_h - eps)
        y1 = l->trim_h + l->bleed;
    *x = x0;
    *y = y0;
    *w = x1 - x0;
    *h = y1 - y0;
}

/* The style of the words calpress adds (placeholder labels, the slug line): the footer's, or
 * the press release's folio, or plain Inter when the layout has neither. */
static cp_style label_style(const cp_layout *l)
{
    const cp_style *fs = cp_layout_lookup_style(l, "footer");
    if (!fs)
        fs = cp_layout_lookup_style(l, "folio");
    if (fs)
        return *fs;
    cp_style st;
    memset(&st, 0, sizeof st);
    st.name = "label";
    st.family = "Inter";
    st.weight = 400;
    st.size_pt = 7;
    st.leading_pt = 9;
    return st;
}

/* A grey box with a cross and a label where a photo will go: proofs before the photos arrive. */
static void placeholder(cp_layout_ctx *lc, cp_page *page, const cp_photo *ph, double x, double y,
                        double w, double h)
{
    const cp_layout *l = &lc->cal->layout;
    cp_page_rect(page, "placeholder", x, y, w, h, (cp_color){0.91, 0.90, 0.88});
    cp_page_line(page, "placeholder", x, y, x + w, y + h, 0.5, l->muted);
    cp_page_line(page, "placeholder", x, y + h, x + w, y, 0.5, l->muted);
    cp_style st = label_style(l);
    st.size_pt = 14;
    st.leading_pt = 18;
    st.color = l->ink;
    /* The photo as the manifest names it; never a folder from the machine (an absolute path
     * names its user and its folders): then its file name only. */
    const char *name = ph->given ? ph->given : ph->path.s;
    if (name[0] == '/')
        name = cp_path_basename(name);
    const char *label =
        cp_arena_printf(lc->arena, "%s \xE2\x80\x94 %s \xE2\x80\x94 %.0f \xC3\x97 %.0f mm",
                        l->labels.photo_missing, name, w / CP_PT_PER_MM, h / CP_PT_PER_MM);
    cp_text_req req = {&st, l->language, 1e5, NULL, ph->path.pos, "placeholder", true};
    cp_block b;
    cp_set_plain(lc->ts, &req, label, &b);
    double lw = b.n ? b.lines[0].width : 0;
    cp_page_rect(page, "placeholder", x + w / 2 - lw / 2 - 8, y + h / 2 - 14, lw + 16, 24,
                 l->paper);
    cp_block_place(&b, page, "placeholder", x + w / 2 - lw / 2, y + h / 2 - 12, st.color);
    cp_block_finish(&b);
    lc->placeholders++;
}

/* Preflight of a placed photo: effective resolution over the placed size (bleed included), and
 * colour a printer cannot use as it is. */
static void preflight_photo(cp_layout_ctx *lc, const cp_image *img, const cp_photo *ph,
                            const char *frame, double fw, double fh, double pw, double phh)
{
    int uw, uh;
    cp_image_upright_size(img, &uw, &uh);
    double ppi = fmin(uw / (pw / 72.0), uh / (phh / 72.0));
    const char *name = ph->given ? ph->given : ph->path.s;
    if (ppi < 200) {
        cp_preflight(lc->diags, ph->path.pos,
                     "photo '%s' (%d x %d px) reaches only %.0f ppi in frame '%s' (%.1f x %.1f mm "
                     "with bleed); print needs 300 ppi and 200 is the least a printer accepts",
                     name, img->width, img->height, ppi, frame, fw / CP_PT_PER_MM,
                     fh / CP_PT_PER_MM);
    } else if (ppi < 300) {
        cp_warning(lc->diags, ph->path.pos,
                   "photo '%s' (%d x %d px) reaches %.0f ppi in frame '%s' (%.1f x %.1f mm with "
                   "bleed); 300 ppi is recommended for print",
                   name, img->width, img->height, ppi, frame, fw / CP_PT_PER_MM, fh / CP_PT_PER_MM);
    }
    if (img->format == CP_IMAGE_PNG && img->alpha)
        cp_preflight(lc->diags, ph->path.pos,
                     "photo '%s' has an alpha channel; transparency is flattened onto white paper "
                     "here, but a printer wants an opaque photo: flatten it first",
                     name);
    if (img->format == CP_IMAGE_PNG && img->bit_depth == 16)
        cp_preflight(lc->diags, ph->path.pos,
                     "photo '%s' has 16 bits per channel; it is printed as 8-bit: convert it first",
                     name);
    if (img->components == 1)
        cp_warning(lc->diags, ph->path.pos,
                   "photo '%s' is greyscale; the calendar's other photos are in colour", name);
}

/* Places a photo in a frame: fill crops around the focal point, contain letterboxes. */
static void place_photo(cp_layout_ctx *lc, cp_page *page, const cp_layout *l, const char *kind,
                        const cp_frame *f, const cp_photo *ph)
{
    if (!ph->path.s)
        return;
    double x, y, w, h;
    bleed_frame(l, f, &x, &y, &w, &h);
    const cp_image *img = NULL;
    if (!ph->missing && lc->opts.placeholders) {
        /* A damaged photo is a warning on a proof with placeholders, an error otherwise. */
        cp_diags tmp;
        cp_diags_init(&tmp);
        img = cp_photo_cache_lookup(lc->photos, ph->path.s, ph->given, ph->path.pos, &tmp);
        for (size_t i = 0; i < tmp.n; i++) {
            cp_pos pos = {tmp.items[i].file, tmp.items[i].line, tmp.items[i].col};
            cp_warning(lc->diags, pos, "%s: the proof shows a placeholder", tmp.items[i].msg);
        }
        cp_diags_finish(&tmp);
    } else if (!ph->missing) {
        img = cp_photo_cache_lookup(lc->photos, ph->path.s, ph->given, ph->path.pos, lc->diags);
    }
    if (!img) {
        if (lc->opts.placeholders)
            placeholder(lc, page, ph, x, y, w, h);
        return;
    }
    int iw, ih;
    cp_image_upright_size(img, &iw, &ih);
    double sx = w / iw, sy = h / ih;
    double s = ph->fit == CP_FIT_CONTAIN ? fmin(sx, sy) : fmax(sx, sy);
    double pw = iw * s, phh = ih * s;
    double px, py;
    /* photo_focus, or the focus found in the photo (cropcheck.c) */
    cp_placement *pl = cp_crop_plan(lc, l, page->label, kind, f, ph, img, x, y, w, h);
    if (ph->fit == CP_FIT_CONTAIN) {
        px = x + (w - pw) / 2;
        py = y + (h - phh) / 2;
    } else {
        /* Put the focal point at the frame's centre, then slide back so no edge shows. */
        px = x + w / 2 - pl->focus_x * pw;
        py = y + h / 2 - pl->focus_y * phh;
        px = fmin(x, fmax(x + w - pw, px));
        py = fmin(y, fmax(y + h - phh, py));
    }
    preflight_photo(lc, img, ph, f->name, w, h, pw, phh);
    cp_crop_check(lc, pl, px, py, pw, phh);
    cp_item *it =
        cp_page_image(page, "photo", img, (cp_rect){x, y, w, h}, (cp_rect){px, py, pw, phh});
    it->src = ph->path.pos;
}

static cp_page *new_page(cp_layout_ctx *lc, cp_doc *doc, const cp_layout *l, const char *label)
{
    double slug = l->crop_marks ? l->slug : 0;
    cp_page *p = cp_doc_add_page(doc, label, l->trim_w, l->trim_h, l->bleed, slug);
    p->crop_marks = l->crop_marks && slug > 0;
    p->registration_marks = p->crop_marks && l->registration_marks;
    p->color_bar = p->crop_marks && l->color_bar;
    (void)lc;
    return p;
}

/* A bound page (wire-o): the hanger notch's centre and sides as ticks in the slug, beyond the
 * bleed like crop marks, so the finisher sees where to cut it; on an --overlay proof the notch
 * and the binding margin are drawn on the page. */
static void binding_marks(cp_layout_ctx *lc, cp_page *page, const cp_layout *l,
                          const cp_page_kind *kind)
{
    cp_edge e = kind->binding;
    if (e == CP_EDGE_NONE)
        return;
    bool horizontal = e == CP_EDGE_TOP || e == CP_EDGE_BOTTOM;
    double along = (horizontal ? l->trim_w : l->trim_h) / 2;
    double out = (e == CP_EDGE_TOP || e == CP_EDGE_LEFT) ? -1 : 1;
    double edge = (e == CP_EDGE_TOP || e == CP_EDGE_LEFT) ? 0 : horizontal ? l->trim_h : l->trim_w;
    double r = l->hanger_hole / 2;
    cp_color black = {0, 0, 0};
    if (r > 0 && page->slug > 1) {
        double len = fmin(5 * CP_PT_PER_MM, page->slug - 1);
        double a = edge + out * l->bleed, b = edge + out * (l->bleed + len);
        for (int i = -1; i <= 1; i++) {
            double c = along + i * r;
            if (horizontal)
                cp_page_line(page, "hanger", c, a, c, b, 0.25, black);
            else
                cp_page_line(page, "hanger", a, c, b, c, 0.25, black);
        }
    }
    if (!lc->opts.proof || !lc->opts.overlay)
        return;
    cp_color c = {0.0, 0.6, 0.9};
    double m = edge - out * cp_layout_edge_margin(l, kind, e);
    if (horizontal)
        cp_page_line(page, "overlay", 0, m, l->trim_w, m, 0.3, c);
    else
        cp_page_line(page, "overlay", m, 0, m, l->trim_h, 0.3, c);
    if (r > 0) {
        cp_item *it = cp_page_add(page, CP_ITEM_DOT, "overlay");
        it->x = horizontal ? along : edge;
        it->y = horizontal ? edge : along;
        it->w = r;
        it->color = c;
        it->ring = true;
        it->stroke_pt = 0.3;
    }
}

static void footer(cp_layout_ctx *lc, cp_page *page, const cp_layout *l, const char *kind,
                   const char *right)
{
    const cp_calendar *cal = lc->cal;
    const cp_frame *f = cp_layout_lookup_frame(l, kind, "footer");
    if (!f)
        return;
    const cp_style *st = cp_lc_style(lc, l, "footer");
    cp_text_req req = {st, cal->language.s, f->w, NULL, cal->organisation.pos, "footer", true};
    cp_block b;
    cp_set_plain(lc->ts, &req, cp_lc_smart(lc, l, cal->organisation.s), &b);
    cp_block_place(&b, page, "footer", f->x, f->y, st->color);
    cp_block_finish(&b);
    if (right) {
        double w = cp_measure(lc->ts, st, cal->language.s, right);
        cp_set_plain(lc->ts, &req, right, &b);
        cp_block_place(&b, page, "footer", f->x + f->w - w, f->y, st->color);
        cp_block_finish(&b);
    }
}

static const char *running_title(cp_layout_ctx *lc)
{
    const cp_calendar *cal = lc->cal;
    return cp_arena_printf(lc->arena, "%s \xC2\xB7 %s", cal->title.s,
                           cp_locale_number(&lc->locale, lc->arena, cal->year));
}

static void layout_cover(cp_layout_ctx *lc, cp_doc *doc, const cp_page_kind *kind)
{
    const cp_calendar *cal = lc->cal;
    const cp_layout *l = &cal->layout;
    const char *k = kind->name;
    cp_page *page = new_page(lc, doc, l, k);
    cp_page_rect(page, "paper", -l->bleed, -l->bleed, l->trim_w + 2 * l->bleed,
                 l->trim_h + 2 * l->bleed, l->paper);
    const cp_frame *pf = cp_layout_lookup_frame(l, k, "photo");
    if (pf)
        place_photo(lc, page, l, k, pf, &cal->cover_photo);
    const cp_frame *band = cp_layout_lookup_frame(l, k, "band");
    if (band) {
        double x, y, w, h;
        bleed_frame(l, band, &x, &y, &w, &h);
        cp_page_rect(page, "band", x, y, w, h, l->band);
    }
    frame_plain(lc, page, l, k, "title", "cover_title", cal->title.s, cal->title.pos, "title",
                NULL);
    const char *sub =
        cal->subtitle.s
            ? cp_arena_printf(lc->arena, "%s \xE2\x80\x94 %s",
                              cp_locale_number(&lc->locale, lc->arena, cal->year), cal->subtitle.s)
            : cp_locale_number(&lc->locale, lc->arena, cal->year);
    if (cp_layout_lookup_frame(l, k, "subtitle"))
        frame_plain(lc, page, l, k, "subtitle", "cover_subtitle", sub,
                    cal->subtitle.s ? cal->subtitle.pos : cal->year_pos, "subtitle", NULL);
    /* The cover photo's credit, small: right-aligned in the 'credit' frame, else at the
     * organisation's line on the right. */
    const cp_frame *of = cp_layout_lookup_frame(l, k, "credit");
    if (!of)
        of = cp_layout_lookup_frame(l, k, "organisation");
    if (cal->cover_photo.credit.s && l->credits_on_page && pf && of) {
        const cp_style *cs = cp_lc_style(lc, l, "photo_credit");
        const char *credit = cp_lc_smart(lc, l, cal->cover_photo.credit.s);
        double cw = cp_measure(lc->ts, cs, cal->language.s, credit);
        cp_text_req req = {
            cs, cal->language.s, cw + 1, NULL, cal->cover_photo.credit.pos, "photo credit", true};
        cp_block b;
        cp_set_plain(lc->ts, &req, credit, &b);
        const cp_style *os = cp_layout_lookup_style(l, "cover_organisation");
        cp_block_place(&b, page, "credit", of->x + of->w - cw, of->y, os ? os->color : cs->color);
        cp_block_finish(&b);
    }
    if (cp_layout_lookup_frame(l, k, "organisation"))
        frame_plain(lc, page, l, k, "organisation", "cover_organisation",
                    cp_lc_smart(lc, l, cal->organisation.s), cal->organisation.pos, "organisation",
                    NULL);
    binding_marks(lc, page, l, kind);
}

/* The person's name, large. A pseudonym gets the copy's own mark, an asterisk before the name
 * ("*Neha"), raised and in the accent colour, hanging in the margin so the name itself stays
 * on the column's edge. */
static void story_name(cp_layout_ctx *lc, cp_page *page, const cp_layout *l, const char *kind,
                       const cp_story *st, const char *lang)
{
    cp_richtext rt;
    cp_para para = {cp_arena_strdup(lc->arena, cp_lc_smart(lc, l, st->name.s)), NULL, 0, 1};
    rt.paras = &para;
    rt.n_paras = 1;
    size_t first = page->n;
    frame_text(lc, page, l, kind, "name", "name", &rt, st->name.pos, "name", lang, NULL, NULL,
               NULL);
    if (!st->pseudonym || page->n == first)
        return;
    const cp_style *ns = cp_lc_style(lc, l, "name");
    const cp_style *ms = cp_lc_style(lc, l, "pseudonym_mark");
    cp_text_req req = {ms, lang, 100, NULL, st->name.pos, "pseudonym mark", true};
    cp_block b;
    cp_set_plain(lc->ts, &req, "*", &b);
    const cp_item *name = &page->items[first]; /* the name's first line */
    if (b.n) {
        b.lines[0].baseline = 0;
        double w = b.lines[0].width;
        cp_block_place(&b, page, "pseudonym", name->x - w - ns->size_pt * 0.03,
                       name->y - ns->size_pt * 0.38, ms->color);
    }
    cp_block_finish(&b);
}

/* More than four in five letters from the Latin alphabet. */
static bool mostly_latin(const char *text)
{
    size_t latin = 0, letters = 0;
    for (const char *p = text; p && *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (!g_unichar_isalpha(c))
            continue;
        letters++;
        latin += g_unichar_get_script(c) == G_UNICODE_SCRIPT_LATIN;
    }
    return letters > 20 && latin * 5 > letters * 4;
}

/* The pull quote: an accent rule above, the opening mark hung in the margin. */
static void story_quote(cp_layout_ctx *lc, cp_page *page, const cp_layout *l, const cp_frame *qf,
                        const cp_story *st, const char *lang, const char *const *keep)
{
    const cp_style *qs = cp_lc_style(lc, l, "quote");
    /* An accent rule above the pull quote, the width of two em. */
    cp_page_line(page, "quote-rule", qf->x, qf->y - qs->size_pt * 0.5, qf->x + qs->size_pt * 2.0,
                 qf->y - qs->size_pt * 0.5, 1.2, l->accent);
    /* The opening quotation mark hangs in the margin: the words keep the column's edge. */
    const char *open_q = "\xE2\x80\x9C";
    cp_str q = st->quote;
    q.s = cp_arena_printf(lc->arena, "%s%s\xE2\x80\x9D", open_q, st->quote.s);
    cp_richtext rt;
    cp_richtext_parse(lc->arena, q.s, cp_lc_rich_opts(l), &rt);
    double hang = cp_measure(lc->ts, qs, lang, open_q);
    cp_text_req req = {qs, lang, qf->w, keep, q.pos, "pull quote", false, hang};
    cp_block b;
    if (cp_set_fit(lc->ts, &req, &rt, qf->h, "quote", &qf->pos, &b))
        cp_block_warn(lc->ts, &req, &b);
    cp_lc_report(lc, page->label, "quote", &b, qs, qf->h);
    cp_block_place(&b, page, "quote", qf->x - hang, qf->y, qs->color);
    cp_block_finish(&b);
}

/* The month's name, the year after it, and the name in the second language beneath. */
static void month_heading(cp_layout_ctx *lc, cp_page *page, const cp_layout *l, const cp_frame *mf,
                          int month)
{
    const cp_calendar *cal = lc->cal;
    const cp_style *ms = cp_lc_style(lc, l, "month_name");
    const cp_style *ys = cp_lc_style(lc, l, "month_year");
    const char *name = lc->locale.months[month - 1];
    cp_text_req req = {ms, cal->language.s, mf->w, NULL, cal->year_pos, "month name", true};
    cp_block b;
    cp_set_plain(lc->ts, &req, name, &b);
    double w = b.n ? b.lines[0].width : 0;
    double base = b.n ? b.lines[0].baseline : ms->size_pt;
    cp_block_place(&b, page, "month", mf->x, mf->y, ms->color);
    cp_block_finish(&b);
    cp_text_req yreq = {ys, cal->language.s, mf->w, NULL, cal->year_pos, "year", true};
    cp_set_plain(lc->ts, &yreq, cp_locale_number(&lc->locale, lc->arena, cal->year), &b);
    if (b.n)
        b.lines[0].baseline = 0;
    cp_block_place(&b, page, "month", mf->x + w + ms->size_pt * 0.25, mf->y + base, ys->color);
    cp_block_finish(&b);
    if (!lc->have_locale2)
        return;
    /* The bilingual heading: the month's name in the second language beneath. */
    const cp_style *ss = cp_lc_style(lc, l, "month_second");
    cp_text_req sreq = {
        ss, lc->locale2.lang, mf->w, NULL, l->second_language_pos, "second month name", true};
    cp_set_plain(lc->ts, &sreq, lc->locale2.months[month - 1], &b);
    double top = mf->y + base + ms->size_pt * 0.3;
    if (top + b.height > mf->y + mf->h + 0.01 && month == 1)
        cp_error(lc->diags, mf->pos,
                 "frame 'month' is too short for the month name in two languages: it needs %.1f mm",
                 (top + b.height - mf->y) / CP_PT_PER_MM);
    cp_block_place(&b, page, "month", mf->x, top, ss->color);
    cp_block_finish(&b);
}

/* The photo's credit, small: right-aligned in the 'credit' frame; else just below the photo,
 * right-aligned to the grid's right edge (or the safe area's, on a page without a grid). */
static void month_credit(cp_layout_ctx *lc, cp_page *page, const cp_layout *l, const char *kind,
                         const cp_story *st, const char *lang)
{
    const cp_frame *pf = cp_layout_lookup_frame(l, kind, "photo");
    if (!st->photo.credit.s || !l->credits_on_page || !pf)
        return;
    const cp_frame *cf = cp_layout_lookup_frame(l, kind, "credit");
    const cp_frame *grid = cp_layout_lookup_frame(l, kind, "grid");
    const cp_style *cs = cp_lc_style(lc, l, "photo_credit");
    double w = cp_measure(lc->ts, cs, lang, st->photo.credit.s);
    double right = cf ? cf->x + cf->w : grid ? grid->x + grid->w : l->trim_w - l->safe;
    double top = cf ? cf->y : pf->y + pf->h + 1.5;
    cp_text_req req = {cs, lang, w + 1, NULL, st->photo.credit.pos, "photo credit", true};
    cp_block b;
    cp_set_plain(lc->ts, &req, st->photo.credit.s, &b);
    cp_block_place(&b, page, "credit", right - w, top, cs->color);
    cp_block_finish(&b);
}

/* The label of a month's page: the month's name, then the page kind's unless it is 'month'
 * ("January", "January grid leaf"). */
static const char *month_label(cp_layout_ctx *lc, const cp_page_kind *kind, int month)
{
    const char *name = lc->locale.months[month - 1] ? lc->locale.months[month - 1] : "month";
    if (strcmp(kind->name, "month") == 0)
        return name;
    char *label = cp_arena_printf(lc->arena, "%s %s", name, kind->name);
    for (char *p = label + strlen(name); *p; p++)
        if (*p == '_')
            *p = ' ';
    return label;
}

static void layout_month(cp_layout_ctx *lc, cp_doc *doc, int month, const cp_page_kind *kind)
{
    const cp_calendar *cal = lc->cal;
    const cp_layout *l = &cal->layout;
    const cp_story *st = &cal->months[month - 1];
    const char *k = kind->name;
    cp_page *page = new_page(lc, doc, l, month_label(lc, kind, month));
    cp_page_rect(page, "paper", -l->bleed, -l->bleed, l->trim_w + 2 * l->bleed,
                 l->trim_h + 2 * l->bleed, l->paper);
    const cp_frame *f;
    if ((f = cp_layout_lookup_frame(l, k, "photo")))
        place_photo(lc, page, l, k, f, &st->photo);
    const char *lang = st->language.s ? st->language.s : cal->language.s;
    if (!st->language.s && strcmp(lang, "en") != 0 && mostly_latin(st->body.s) &&
        cp_layout_lookup_frame(l, k, "body"))
        cp_warning(lc->diags, st->body.pos,
                   "this story is written in Latin script but the calendar's language is '%s': "
                   "it is hyphenated with that language's dictionary; add 'language: en' to the "
                   "story",
                   lang);
    /* Names are never hyphenated: each word of the person's and of the organisation's. */
    const char *const *keep = cp_lc_name_words(lc, st->name.s, cal->organisation.s);
    if (cp_layout_lookup_frame(l, k, "name"))
        story_name(lc, page, l, k, st, lang);
    if (cp_layout_lookup_frame(l, k, "headline"))
        frame_markup(lc, page, l, k, "headline", "headline", &st->headline, "headline", lang, keep);
    if (st->quote.s && (f = cp_layout_lookup_frame(l, k, "quote")))
        story_quote(lc, page, l, f, st, lang, keep);
    if (cp_layout_lookup_frame(l, k, "body"))
        frame_markup(lc, page, l, k, "body", "body", &st->body, "story body", lang, keep);
    if ((f = cp_layout_lookup_frame(l, k, "month")))
        month_heading(lc, page, l, f, month);
    const cp_frame *grid = cp_layout_lookup_frame(l, k, "grid");
    const cp_frame *hol = cp_layout_lookup_frame(l, k, "holidays");
    if (grid || hol)
        cp_layout_month_grid(lc, page, month, grid, hol);
    month_credit(lc, page, l, k, st, lang);
    footer(lc, page, l, k, running_title(lc));
    binding_marks(lc, page, l, kind);
}

/* The months of one credit, in order: runs of three or more as a range ("March–May"), shorter
 * ones listed ("January, February"); the cover first when it shares the credit. */
static const char *credit_months(cp_layout_ctx *lc, const cp_layout *l, const char *credit)
{
    const cp_calendar *cal = lc->cal;
    const char *list = "";
    const char *cover = cal->cover_photo.credit.s;
    if (cover && strcmp(cover, credit) == 0)
        list = l->labels.cover;
    for (int m = 0; m < 12; m++) {
        const char *c = cal->months[m].photo.credit.s;
        if (!c || strcmp(c, credit) != 0)
            continue;
        int last = m;
        while (last + 1 < 12 && cal->months[last + 1].photo.credit.s &&
               strcmp(cal->months[last + 1].photo.credit.s, credit) == 0)
            last++;
        const char *sep = list[0] ? ", " : "";
        if (last - m >= 2)
            list = cp_arena_printf(lc->arena, "%s%s%s\xE2\x80\x93%s", list, sep,
                                   lc->locale.months[m], lc->locale.months[last]);
        else
            last = m, list = cp_arena_printf(lc->arena, "%s%s%s", list, sep, lc->locale.months[m]);
        m = last;
    }
    return list;
}

/* The back page's credits: "IJM Kolkata team, January–December" when one credit covers every
 * month (and the cover, if it has one); otherwise a line a photographer, in the order they first
 * appear: "A. Photographer: Cover, January, March–May". NULL when no photo has a credit. */
static const char *credit_lines(cp_layout_ctx *lc, const cp_layout *l)
{
    const cp_calendar *cal = lc->cal;
    const char *credits[13];
    credits[0] = cal->cover_photo.credit.s;
    for (int m = 0; m < 12; m++)
        credits[m + 1] = cal->months[m].photo.credit.s;
    const char *one = credits[1];
    for (int i = 0; i < 13 && one; i++)
        if (credits[i] && strcmp(credits[i], one) != 0)
            one = NULL;
    for (int m = 0; m < 12 && one; m++)
        one = credits[m + 1] ? one : NULL;
    if (one)
        return cp_arena_printf(lc->arena, "%s, %s\xE2\x80\x93%s", cp_lc_smart(lc, l, one),
                               lc->locale.months[0], lc->locale.months[11]);
    const char *lines = NULL;
    for (int i = 0; i < 13; i++) {
        bool seen = !credits[i];
        for (int j = 0; j < i && !seen; j++)
            seen = credits[j] && strcmp(credits[j], credits[i]) == 0;
        if (seen)
            continue;
        lines = cp_arena_printf(lc->arena, "%s%s%s: %s", lines ? lines : "", lines ? "\n" : "",
                                cp_lc_smart(lc, l, credits[i]), credit_months(lc, l, credits[i]));
    }
    return lines;
}

static void back_about(cp_layout_ctx *lc, cp_page *page, const cp_layout *l, const cp_frame *f)
{
    const cp_calendar *cal = lc->cal;
    const cp_style *hs = cp_lc_style(lc, l, "back_heading");
    cp_text_req req = {hs, cal->language.s, f->w, NULL, cal->back_about.pos, "heading", true};
    cp_block b;
    cp_set_plain(lc->ts, &req, cp_lc_smart(lc, l, cal->title.s), &b);
    double h = b.height + hs->space_after_pt;
    cp_block_place(&b, page, "about", f->x, f->y, hs->color);
    cp_block_finish(&b);
    const cp_style *bs = cp_lc_style(lc, l, "back_body");
    cp_richtext rt;
    cp_richtext_parse(lc->arena, cal->back_about.s, cp_lc_rich_opts(l), &rt);
    cp_text_req breq = {bs, cal->language.s, f->w, NULL, cal->back_about.pos, "about text", false};
    cp_frame sub = *f;
    sub.y += h;
    sub.h -= h;
    if (cp_set_fit(lc->ts, &breq, &rt, sub.h, "about", &f->pos, &b))
        cp_block_warn(lc->ts, &breq, &b);
    cp_lc_report(lc, page->label, "about", &b, bs, sub.h);
    cp_block_place(&b, page, "about", sub.x, sub.y, bs->color);
    cp_block_finish(&b);
}

/* Photo credits, one line a photographer, under a heading. */
static void back_credits(cp_layout_ctx *lc, cp_page *page, const cp_layout *l, const cp_frame *f,
                         const char *lines)
{
    const cp_calendar *cal = lc->cal;
    const cp_style *cs = cp_lc_style(lc, l, "credits");
    const cp_style *hs = cp_lc_style(lc, l, "back_heading");
    cp_text_req hreq = {hs, cal->language.s, f->w, NULL, cal->title.pos, "heading", true};
    cp_block b;
    cp_set_plain(lc->ts, &hreq, l->labels.photographs, &b);
    double h = b.height + hs->space_after_pt;
    cp_block_place(&b, page, "credits", f->x, f->y, hs->color);
    cp_block_finish(&b);
    cp_text_req req = {cs, cal->language.s, f->w, NULL, cal->title.pos, "photo credits", false};
    cp_set_plain(lc->ts, &req, lines, &b);
    if (b.height > f->h - h + 0.01)
        cp_error(lc->diags, f->pos, "the photo credits do not fit frame 'credits'");
    cp_lc_report(lc, page->label, "credits", &b, cs, f->h - h);
    cp_block_place(&b, page, "credits", f->x, f->y + h, cs->color);
    cp_block_finish(&b);
}

/* The year at a glance: twelve small months in the 'year' frame, in the layout's columns. */
static void back_year(cp_layout_ctx *lc, cp_page *page, const cp_layout *l, const cp_frame *f)
{
    int cols = l->grid.year_columns, rows = (12 + cols - 1) / cols;
    double gap = l->grid.year_gap_pt;
    double cw = (f->w - gap * (cols - 1)) / cols, ch = (f->h - gap * (rows - 1)) / rows;
    for (int m = 0; m < 12; m++) {
        int r = m / cols, c = m % cols;
        cp_layout_mini_month(lc, page, m + 1, f->x + c * (cw + gap), f->y + r * (ch + gap), cw, ch);
    }
}

/* f, or a copy of it in *tmp moved up by its 'follows' (st: the style whose leading it moves by).
 */
static const cp_frame *followed(cp_layout_ctx *lc, const cp_page *page, const cp_frame *f,
                                const cp_style *st, cp_frame *tmp)
{
    if (!f || !f->follows)
        return f;
    *tmp = *f;
    follow(lc, page, tmp, st);
    return tmp;
}

static void back_footnote(cp_layout_ctx *lc, cp_page *page, const cp_layout *l, const cp_frame *f)
{
    const cp_calendar *cal = lc->cal;
    const cp_style *fs = cp_lc_style(lc, l, "footnote");
    cp_frame moved;
    f = followed(lc, page, f, fs, &moved);
    cp_text_req req = {fs, cal->language.s, f->w, NULL, cal->back_footnote.pos, "footnote", false};
    cp_block b;
    /* The footnote is printed as written: its asterisk is the pseudonym mark, not markup. */
    cp_set_plain(lc->ts, &req, cp_lc_smart(lc, l, cal->back_footnote.s), &b);
    if (b.height > f->h + 0.01)
        cp_error(lc->diags, cal->back_footnote.pos, "the footnote does not fit frame 'footnote'");
    cp_block_place(&b, page, "footnote", f->x, f->y, fs->color);
    cp_block_finish(&b);
}

/* The back: the about text, the photo credits and the footnote, then the year at a glance, which
 * may follow one of them (and grow up toward it). */
static void layout_back(cp_layout_ctx *lc, cp_doc *doc, const cp_page_kind *kind)
{
    const cp_calendar *cal = lc->cal;
    const cp_layout *l = &cal->layout;
    const char *k = kind->name;
    cp_page *page = new_page(lc, doc, l, k);
    cp_page_rect(page, "paper", -l->bleed, -l->bleed, l->trim_w + 2 * l->bleed,
                 l->trim_h + 2 * l->bleed, l->paper);
    const cp_frame *f;
    if (cal->back_about.s && (f = cp_layout_lookup_frame(l, k, "about")))
        back_about(lc, page, l, f);
    const char *lines = l->credits_on_back ? credit_lines(lc, l) : NULL;
    if (lines && (f = cp_layout_lookup_frame(l, k, "credits")))
        back_credits(lc, page, l, f, lines);
    if (cal->back_footnote.s && (f = cp_layout_lookup_frame(l, k, "footnote")))
        back_footnote(lc, page, l, f);
    cp_frame moved;
    if ((f = cp_layout_lookup_frame(l, k, "year")))
        back_year(lc, page, l, followed(lc, page, f, cp_lc_style(lc, l, "mini_month"), &moved));
    footer(lc, page, l, k, running_title(lc));
    binding_marks(lc, page, l, kind);
}

/* Page `which` (0 the cover, 1..12 a month, 13 the back): the pages of every kind of that
 * content in the layout's sequence, in its order. */
static void layout_page(cp_layout_ctx *lc, cp_doc *doc, int which)
{
    const cp_layout *l = &lc->cal->layout;
    const cp_page_kind *seq[CP_MAX_SEQUENCE];
    size_t n = cp_layout_sequence(l, seq, CP_MAX_SEQUENCE);
    cp_content want = which == 0    ? CP_CONTENT_COVER
                      : which <= 12 ? CP_CONTENT_MONTH
                                    : CP_CONTENT_BACK;
    for (size_t i = 0; i < n; i++) {
        if (seq[i]->content != want)
            continue;
        if (want == CP_CONTENT_COVER)
            layout_cover(lc, doc, seq[i]);
        else if (want == CP_CONTENT_MONTH)
            layout_month(lc, doc, which, seq[i]);
        else
            layout_back(lc, doc, seq[i]);
    }
}

/* Content the manifest gives but no frame of the layout shows: words must not vanish quietly. */
static void check_shown(cp_layout_ctx *lc)
{
    const cp_calendar *cal = lc->cal;
    const cp_layout *l = &cal->layout;
    const cp_page_kind *seq[CP_MAX_SEQUENCE];
    size_t n = cp_layout_sequence(l, seq, CP_MAX_SEQUENCE);
    bool quote = false, holidays = false, about = false, footnote = false, back = false;
    for (size_t i = 0; i < n; i++) {
        const char *k = seq[i]->name;
        quote = quote || cp_layout_lookup_frame(l, k, "quote");
        holidays = holidays || cp_layout_lookup_frame(l, k, "holidays");
        about = about || cp_layout_lookup_frame(l, k, "about");
        footnote = footnote || cp_layout_lookup_frame(l, k, "footnote");
        back = back || seq[i]->content == CP_CONTENT_BACK;
    }
    for (int m = 0; m < 12 && !quote; m++)
        if (cal->months[m].quote.s)
            cp_error(lc->diags, cal->months[m].quote.pos,
                     "this story's pull quote would not be printed: layout '%s' has no frame "
                     "'quote' on its month pages",
                     l->name);
    if (!holidays && cal->n_holidays)
        cp_warning(lc->diags, cal->holidays[0].name.pos,
                   "the holidays' names are not printed: layout '%s' has no frame 'holidays' (the "
                   "grid still marks their days)",
                   l->name);
    if (back && !about && cal->back_about.s)
        cp_warning(lc->diags, cal->back_about.pos,
                   "the back's 'about' text is not printed: layout '%s' has no frame 'about'",
                   l->name);
    if (back && !footnote && cal->back_footnote.s)
        cp_warning(lc->diags, cal->back_footnote.pos,
                   "the back's footnote is not printed: layout '%s' has no frame 'footnote'",
                   l->name);
}

void cp_layout_page(cp_layout_ctx *lc, cp_doc *doc, int which)
{
    cp_lc_cached(lc, doc, which, which == 14 ? cp_lc_press_pages : layout_page);
}

bool cp_layout_calendar(cp_layout_ctx *lc, cp_doc *doc)
{
    size_t before = lc->diags->n_errors;
    const cp_layout *l = &lc->cal->layout;
    for (size_t i = 0; i < l->n_styles; i++)
        cp_typesetter_check_style(lc->ts, &l->styles[i]);
    if (lc->diags->n_errors != before)
        return false;
    check_shown(lc);
    if (lc->diags->n_errors != before)
        return false;
    doc->title = lc->cal->title.s;
    cp_lc_cached(lc, doc, 0, layout_page);
    for (int m = 1; m <= 12 && !cp_diags_full(lc->diags); m++)
        cp_lc_cached(lc, doc, m, layout_page);
    cp_lc_cached(lc, doc, 13, layout_page);
    return lc->diags->n_errors == before;
}

/* "PROOF" across the page, translucent, on top of everything. */
static void watermark(cp_layout_ctx *lc, cp_page *page)
{
    cp_style st;
    memset(&st, 0, sizeof st);
    st.name = "watermark";
    st.family = "Inter";
    st.weight = 600;
    st.size_pt = page->trim_w / 4.2;
    st.leading_pt = st.size_pt;
    st.tracking = 200;
    cp_text_req req = {&st, lc->cal->layout.language, 1e5, NULL, lc->cal->title.pos, "watermark",
                       true};
    cp_block b;
    cp_set_plain(lc->ts, &req, "PROOF", &b);
    if (b.n) {
        /* Rotate about the page centre: the text's middle (w/2, cap height/2) lands there. */
        double a = atan2(page->trim_h, page->trim_w) * 180 / G_PI;
        double r = -a * G_PI / 180, w = b.lines[0].width, h = st.size_pt * 0.72;
        double cx = page->trim_w / 2, cy = page->trim_h / 2;
        double x = cx - (w / 2 * cos(r) + h / 2 * sin(r));
        double y = cy - (w / 2 * sin(r) - h / 2 * cos(r));
        b.lines[0].baseline = 0;
        b.lines[0].x = 0;
        size_t first = page->n;
        cp_block_place(&b, page, "watermark", x, y, lc->cal->layout.accent);
        for (size_t i = first; i < page->n; i++) {
            page->items[i].angle = a;
            page->items[i].opacity = 0.10;
        }
    }
    cp_block_finish(&b);
}

/* The slug's word for a proof: a screen proof has no printing condition to stand for. */
static const char *proof_mode(const cp_layout_ctx *lc)
{
    if (lc->opts.screen_proof)
        return lc->placeholders ? "INCOMPLETE SCREEN PROOF" : "SCREEN PROOF";
    return lc->placeholders ? "INCOMPLETE PROOF" : "PROOF";
}

static void overlay_rect(cp_page *page, double inset, cp_color c)
{
    double x0 = inset, y0 = inset, x1 = page->trim_w - inset, y1 = page->trim_h - inset;
    cp_page_line(page, "overlay", x0, y0, x1, y0, 0.3, c);
    cp_page_line(page, "overlay", x1, y0, x1, y1, 0.3, c);
    cp_page_line(page, "overlay", x1, y1, x0, y1, 0.3, c);
    cp_page_line(page, "overlay", x0, y1, x0, y0, 0.3, c);
}

void cp_layout_decorate(cp_layout_ctx *lc, cp_doc *doc, const cp_layout *l, const char *file_name)
{
    const cp_calendar *cal = lc->cal;
    for (size_t i = 0; i < doc->n_pages; i++) {
        cp_page *page = &doc->pages[i];
        cp_layout_marks(page, l);
        if (lc->opts.proof && lc->opts.overlay) {
            overlay_rect(page, -page->bleed, (cp_color){0.9, 0.1, 0.1});
            overlay_rect(page, 0, (cp_color){0.85, 0.0, 0.75});
            overlay_rect(page, l->safe, (cp_color){0.0, 0.6, 0.9});
        }
        if (lc->opts.proof)
            watermark(lc, page);
        if (page->slug < 6 * CP_PT_PER_MM)
            continue;
        /* The slug line sits below the bleed, clear of the crop marks at the corners. */
        const char *line = cp_arena_printf(
            lc->arena, "%s \xC2\xB7 %s \xC2\xB7 page %zu of %zu \xC2\xB7 %s%s%s %s \xC2\xB7 %s",
            file_name, cal->title.s, i + 1, doc->n_pages, cal->version.s ? "version " : "",
            cal->version.s ? cal->version.s : "", cal->version.s ? " \xC2\xB7 built" : "built",
            lc->opts.build_date ? lc->opts.build_date : "?",
            !lc->opts.proof ? "PRESS" : proof_mode(lc));
        line = cp_arena_printf(lc->arena, "%s \xC2\xB7 %s", line,
                               lc->opts.creator ? lc->opts.creator : "calpress");
        cp_style st = label_style(l);
        st.size_pt = 6;
        st.leading_pt = 7;
        st.tracking = 20;
        st.color = (cp_color){0, 0, 0};
        cp_text_req req = {&st, l->language, 1e5, NULL, cal->title.pos, "slug", true};
        cp_block b;
        cp_set_plain(lc->ts, &req, line, &b);
        if (b.n)
            b.lines[0].baseline = 0;
        cp_block_place(&b, page, "slug", 10 * CP_PT_PER_MM,
                       page->trim_h + page->bleed + 6 * CP_PT_PER_MM, st.color);
        cp_block_finish(&b);
    }
}
