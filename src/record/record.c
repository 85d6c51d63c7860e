/* The build record: display lists to per-frame hashes, and two records to a change report. */
#define _POSIX_C_SOURCE 200809L
#include "record/record.h"
#include "image/svg.h"
#include "base/hash.h"
#include "base/strbuf.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The frames a designer knows, by the tags layout gives their items. */
static const struct {
    const char *tag, *frame;
} frame_names[] = {
    {"paper", "paper"},
    {"photo", "photo"},
    {"placeholder", "photo"},
    {"band", "band"},
    {"title", "title"},
    {"subtitle", "subtitle"},
    {"organisation", "organisation"},
    {"credit", "photo credit"},
    {"name", "name"},
    {"pseudonym", "name"},
    {"headline", "headline"},
    {"quote", "quote"},
    {"quote-rule", "quote"},
    {"body", "body"},
    {"month", "month name"},
    {"weekday", "grid"},
    {"rule", "grid"},
    {"day", "grid"},
    {"day-other", "grid"},
    {"holiday-mark", "holidays"},
    {"holiday", "holidays"},
    {"footer", "footer"},
    {"about", "about"},
    {"credits", "credits"},
    {"year", "year at a glance"},
    {"footnote", "footnote"},
    {"letterhead", "letterhead"},
    {"contacts", "contacts"},
    {"folio", "page numbers"},
};

/* Items that say how a file was made, not what it shows: a proof and its successor differ in
 * them without anything having changed. */
static const char *const decorations[] = {"slug", "watermark", "overlay", CP_RECORD_MARK_TAG};

const char *cp_record_frame_of(const char *tag)
{
    if (!tag)
        return "untagged";
    for (size_t i = 0; i < CP_ARRAY_LEN(decorations); i++)
        if (strcmp(tag, decorations[i]) == 0)
            return NULL;
    for (size_t i = 0; i < CP_ARRAY_LEN(frame_names); i++)
        if (strcmp(tag, frame_names[i].tag) == 0)
            return frame_names[i].frame;
    return tag; /* a tag added later is its own frame */
}

void cp_record_init(cp_record *r)
{
    memset(r, 0, sizeof *r);
    cp_arena_init(&r->arena);
}

void cp_record_finish(cp_record *r)
{
    cp_arena_finish(&r->arena);
    memset(r, 0, sizeof *r);
}

/* A frame being hashed: one hasher per part. */
typedef struct acc {
    const char *frame;
    const char *source;
    cp_hasher text, style, geometry, crop, photo;
    bool has_photo;
    double *baselines;
    size_t n_baselines, cap_baselines;
} acc;

static void hash_color(cp_hasher *h, cp_color c, double opacity)
{
    cp_hasher_u64(h, cp_color_key(&c));
    cp_hasher_u64(h, (uint64_t)lround(opacity * 1000));
}

/* fonts: described once for the whole record. */
static void add_item(acc *a, const cp_item *it, cp_font_memo *fonts)
{
    cp_hasher_u64(&a->style, it->kind);
    hash_color(&a->style, it->color, it->opacity);
    cp_hasher_pt(&a->geometry, it->x);
    cp_hasher_pt(&a->geometry, it->y);
    cp_hasher_pt(&a->geometry, it->w);
    switch (it->kind) {
    case CP_ITEM_RECT:
        cp_hasher_pt(&a->geometry, it->h);
        break;
    case CP_ITEM_LINE:
        cp_hasher_pt(&a->geometry, it->x1);
        cp_hasher_pt(&a->geometry, it->y1);
        cp_hasher_pt(&a->style, it->stroke_pt);
        break;
    case CP_ITEM_DOT:
        cp_hasher_u64(&a->style, it->ring);
        cp_hasher_pt(&a->style, it->stroke_pt);
        break;
    case CP_ITEM_TEXT:
        cp_hasher_str(&a->text, it->text);
        cp_hasher_pt(&a->style, it->angle);
        cp_line_hash(&a->style, it->line, fonts); /* what "restyled" means */
        if (strcmp(it->tag ? it->tag : "", "pseudonym") != 0) {
            cp_grow((void **)&a->baselines, &a->cap_baselines, a->n_baselines + 1,
                    sizeof *a->baselines);
            a->baselines[a->n_baselines++] = it->y;
        }
        break;
    case CP_ITEM_SVG:
        /* A logo: where it sits and its file's bytes (a new logo is a "new file"). */
        cp_hasher_pt(&a->geometry, it->h);
        if (it->svg) {
            cp_hasher_u64(&a->photo, it->svg->hash);
            a->has_photo = true;
        }
        break;
    case CP_ITEM_IMAGE:
        cp_hasher_pt(&a->geometry, it->h);
        cp_hasher_pt(&a->crop, it->img_x - it->x);
        cp_hasher_pt(&a->crop, it->img_y - it->y);
        cp_hasher_pt(&a->crop, it->img_w);
        cp_hasher_pt(&a->crop, it->img_h);
        if (it->image) {
            cp_hasher_u64(&a->photo, cp_image_bytes_hash(it->image));
            a->has_photo = true;
        }
        break;
    case CP_ITEM_PAGE:
        /* A page drawn small (contact sheets): where, and everything it draws. */
        cp_hasher_pt(&a->geometry, it->h);
        if (it->page)
            cp_hasher_u64(&a->style, cp_page_hash(it->page));
        break;
    }
}

static int count_lines(const acc *a)
{
    int n = 0;
    for (size_t i = 0; i < a->n_baselines; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = fabs(a->baselines[j] - a->baselines[i]) < 0.5;
        n += !seen;
    }
    return n;
}

static void acc_close(acc *a, cp_record *r, const char *prefix, cp_rec_frame *f)
{
    memset(f, 0, sizeof *f);
    f->frame = cp_arena_strdup(&r->arena, a->frame);
    f->name = cp_arena_printf(&r->arena, "%s %s", prefix, a->frame);
    f->source = a->source ? cp_arena_strdup(&r->arena, a->source) : NULL;
    f->text = cp_hasher_digest(&a->text);
    f->style = cp_hasher_digest(&a->style);
    f->geometry = cp_hasher_digest(&a->geometry);
    f->crop = cp_hasher_digest(&a->crop);
    f->photo = a->has_photo ? cp_hasher_digest(&a->photo) : 0;
    f->has_photo = a->has_photo;
    f->lines = count_lines(a);
    cp_hasher h;
    cp_hasher_init(&h);
    uint64_t parts[] = {f->text, f->style, f->geometry, f->crop, f->photo};
    for (size_t i = 0; i < CP_ARRAY_LEN(parts); i++)
        cp_hasher_u64(&h, parts[i]);
    f->hash = cp_hasher_digest(&h);
    cp_hasher_finish(&h);
    cp_hasher_finish(&a->text);
    cp_hasher_finish(&a->style);
    cp_hasher_finish(&a->geometry);
    cp_hasher_finish(&a->crop);
    cp_hasher_finish(&a->photo);
    free(a->baselines);
}

static void build_page(cp_record *r, const cp_page *p, const char *prefix, cp_font_memo *fonts,
                       cp_rec_page *out)
{
    acc *accs = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < p->n; i++) {
        const cp_item *it = &p->items[i];
        const char *frame = cp_record_frame_of(it->tag);
        if (!frame)
            continue;
        size_t k = 0;
        while (k < n && strcmp(accs[k].frame, frame) != 0)
            k++;
        if (k == n) {
            cp_grow((void **)&accs, &cap, n + 1, sizeof *accs);
            memset(&accs[n], 0, sizeof *accs);
            accs[n].frame = frame;
            cp_hasher *parts[] = {&accs[n].text, &accs[n].style, &accs[n].geometry, &accs[n].crop,
                                  &accs[n].photo};
            for (size_t j = 0; j < CP_ARRAY_LEN(parts); j++)
                cp_hasher_init(parts[j]);
            n++;
        }
        if (!accs[k].source && it->src.file)
            accs[k].source = it->src.line
                                 ? cp_arena_printf(&r->arena, "%s:%d", it->src.file, it->src.line)
                                 : it->src.file;
        add_item(&accs[k], it, fonts);
    }
    out->label = cp_arena_strdup(&r->arena, p->label ? p->label : "");
    out->frames = cp_arena_alloc(&r->arena, (n ? n : 1) * sizeof *out->frames);
    out->n_frames = n;
    cp_hasher h;
    cp_hasher_init(&h);
    for (size_t k = 0; k < n; k++) {
        acc_close(&accs[k], r, prefix ? prefix : out->label, &out->frames[k]);
        cp_hasher_str(&h, out->frames[k].frame);
        cp_hasher_u64(&h, out->frames[k].hash);
    }
    out->hash = cp_hasher_digest(&h);
    cp_hasher_finish(&h);
    free(accs);
}

/* "2026-11-28T14:02:11+01:00" in local time. */
static const char *iso_local(cp_arena *a, time_t t)
{
    struct tm tm;
    localtime_r(&t, &tm);
    char buf[40], off[8];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    strftime(off, sizeof off, "%z", &tm);
    if (strlen(off) == 5)
        return cp_arena_printf(a, "%s%.3s:%s", buf, off, off + 3);
    return cp_arena_printf(a, "%sZ", buf);
}

/* What the page's decorations (the items a record leaves out) and its boxes draw, with its key
 * and place: equal values draw equal PDF pages (a reused page holds only its decorations). */
static uint64_t drawn_key(const cp_page *p)
{
    cp_page deco = *p;
    deco.items = cp_xcalloc(p->n ? p->n : 1, sizeof *deco.items);
    deco.n = deco.cap = 0;
    for (size_t i = 0; i < p->n; i++)
        if (!cp_record_frame_of(p->items[i].tag))
            deco.items[deco.n++] = p->items[i];
    cp_hasher h;
    cp_hasher_init(&h);
    cp_hasher_u64(&h, p->key);
    cp_hasher_u64(&h, (uint64_t)p->which << 32 | (uint32_t)p->part);
    cp_hasher_u64(&h, cp_page_hash(&deco));
    uint64_t v = cp_hasher_digest(&h);
    cp_hasher_finish(&h);
    free(deco.items);
    return v;
}

/* The frames of a reused page: those its page had in the record it was reused from. */
static bool copy_page(cp_record *r, const cp_rec_doc *from, const cp_page *p, const char *prefix,
                      cp_rec_page *out)
{
    const cp_rec_page *src = NULL;
    for (size_t i = 0; from && i < from->n_pages && !src; i++)
        if (from->pages[i].keyed && from->pages[i].which == p->which &&
            from->pages[i].part == p->part && from->pages[i].key == p->key)
            src = &from->pages[i];
    if (!src)
        return false;
    *out = *src;
    out->label = cp_arena_strdup(&r->arena, p->label ? p->label : "");
    out->frames =
        cp_arena_alloc(&r->arena, (src->n_frames ? src->n_frames : 1) * sizeof *out->frames);
    for (size_t k = 0; k < src->n_frames; k++) {
        const cp_rec_frame *f = &src->frames[k];
        out->frames[k] = *f;
        out->frames[k].frame = cp_arena_strdup(&r->arena, f->frame);
        out->frames[k].name =
            cp_arena_printf(&r->arena, "%s %s", prefix ? prefix : out->label, f->frame);
        out->frames[k].source = f->source ? cp_arena_strdup(&r->arena, f->source) : NULL;
    }
    return true;
}

void cp_record_build(cp_record *r, const cp_record_input *docs, size_t n, int proof, time_t date,
                     const char *mode, const char *generator, const char *manifest)
{
    r->version = CP_RECORD_VERSION;
    r->proof = proof;
    r->date = iso_local(&r->arena, date);
    r->mode = cp_arena_strdup(&r->arena, mode);
    r->generator = cp_arena_strdup(&r->arena, generator);
    r->manifest = cp_arena_strdup(&r->arena, manifest);
    r->docs = cp_arena_alloc(&r->arena, (n ? n : 1) * sizeof *r->docs);
    r->n_docs = n;
    cp_font_memo fonts = {.n = 0};
    for (size_t i = 0; i < n; i++) {
        cp_rec_doc *d = &r->docs[i];
        d->kind = cp_arena_strdup(&r->arena, docs[i].kind);
        d->file = cp_arena_strdup(&r->arena, docs[i].file);
        d->n_pages = docs[i].doc->n_pages;
        d->pages = cp_arena_alloc(&r->arena, (d->n_pages ? d->n_pages : 1) * sizeof *d->pages);
        const cp_record *from = docs[i].reused_from;
        for (size_t p = 0; p < d->n_pages; p++) {
            const cp_page *pg = &docs[i].doc->pages[p];
            if (!pg->reused || !copy_page(r, from && i < from->n_docs ? &from->docs[i] : NULL, pg,
                                          docs[i].prefix, &d->pages[p]))
                build_page(r, pg, docs[i].prefix, &fonts, &d->pages[p]);
            d->pages[p].keyed = pg->keyed;
            d->pages[p].which = pg->which;
            d->pages[p].part = pg->part;
            d->pages[p].key = pg->key;
            d->pages[p].drawn = pg->keyed ? drawn_key(pg) : 0;
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Comparing: one frame name across the pages of a document. */

typedef struct agg {
    const char *name, *frame;
    uint64_t all, text, style, geometry, crop, photo;
    bool has_photo;
    int lines, pages;
} agg;

typedef struct aggs {
    agg *items;
    size_t n, cap;
} aggs;

static void fold(uint64_t *into, uint64_t v)
{
    uint64_t pair[2] = {*into, v};
    *into = cp_hash_bytes(pair, sizeof pair);
}

static void aggregate(const cp_rec_doc *d, aggs *out)
{
    memset(out, 0, sizeof *out);
    for (size_t p = 0; p < d->n_pages; p++) {
        for (size_t f = 0; f < d->pages[p].n_frames; f++) {
            const cp_rec_frame *fr = &d->pages[p].frames[f];
            size_t k = 0;
            while (k < out->n && strcmp(out->items[k].name, fr->name) != 0)
                k++;
            if (k == out->n) {
                cp_grow((void **)&out->items, &out->cap, out->n + 1, sizeof *out->items);
                out->items[out->n++] = (agg){fr->name, fr->frame};
            }
            agg *a = &out->items[k];
            fold(&a->all, fr->hash);
            fold(&a->text, fr->text);
            fold(&a->style, fr->style);
            fold(&a->geometry, fr->geometry);
            fold(&a->crop, fr->crop);
            if (fr->has_photo)
                fold(&a->photo, fr->photo);
            a->has_photo |= fr->has_photo;
            a->lines += fr->lines;
            a->pages++;
        }
    }
}

static const agg *find_agg(const aggs *as, const char *name)
{
    for (size_t i = 0; i < as->n; i++)
        if (strcmp(as->items[i].name, name) == 0)
            return &as->items[i];
    return NULL;
}

/* Why a frame differs, in a few words. */
static const char *reason(cp_arena *ar, const agg *o, const agg *n)
{
    const char *r;
    if (n->has_photo && (!o->has_photo || o->photo != n->photo))
        r = "new file";
    else if (o->has_photo && !n->has_photo)
        r = "photo missing";
    else if (o->text != n->text) {
        int d = n->lines - o->lines;
        r = d == 0 ? "reset"
                   : cp_arena_printf(ar, "reset: %d line%s %s", abs(d), abs(d) == 1 ? "" : "s",
                                     d > 0 ? "longer" : "shorter");
    } else if (o->style != n->style)
        r = "restyled";
    else if (o->geometry != n->geometry)
        r = "moved";
    else if (o->crop != n->crop)
        r = "recropped";
    else
        r = "changed";
    if (o->pages != n->pages)
        r = cp_arena_printf(ar, "%s, now on %d page%s", r, n->pages, n->pages == 1 ? "" : "s");
    return r;
}

static void add_change(cp_changes *c, size_t *cap, const char *name, const char *frame,
                       const char *why, size_t doc)
{
    cp_grow((void **)&c->items, cap, c->n + 1, sizeof *c->items);
    c->items[c->n++] =
        (cp_change){cp_arena_strdup(&c->arena, name), cp_arena_strdup(&c->arena, frame), why, doc};
}

/* "2026-11-28T14:02:11+01:00" -> "2026-11-28 14:02". */
static const char *short_date(cp_arena *a, const char *iso)
{
    if (!iso || strlen(iso) < 16 || iso[10] != 'T')
        return iso ? cp_arena_strdup(a, iso) : "?";
    char *s = cp_arena_strndup(a, iso, 16);
    s[10] = ' ';
    return s;
}

static void compare_docs(const cp_rec_doc *od, const cp_rec_doc *nd, size_t doc, cp_changes *out,
                         size_t *cap)
{
    aggs oa = {0}, na = {0};
    if (od)
        aggregate(od, &oa);
    if (nd)
        aggregate(nd, &na);
    for (size_t i = 0; i < na.n; i++) {
        const agg *n = &na.items[i], *o = find_agg(&oa, n->name);
        if (!o)
            add_change(out, cap, n->name, n->frame, "new", doc);
        else if (o->all != n->all || o->pages != n->pages)
            add_change(out, cap, n->name, n->frame, reason(&out->arena, o, n), doc);
    }
    for (size_t i = 0; i < oa.n; i++)
        if (!find_agg(&na, oa.items[i].name))
            add_change(out, cap, oa.items[i].name, oa.items[i].frame, "removed", (size_t)-1);
    free(oa.items);
    free(na.items);
}

static const cp_rec_doc *doc_of_kind(const cp_record *r, const char *kind)
{
    for (size_t i = 0; i < r->n_docs; i++)
        if (strcmp(r->docs[i].kind, kind) == 0)
            return &r->docs[i];
    return NULL;
}

void cp_record_compare(const cp_record *old, const cp_record *now, cp_changes *out)
{
    memset(out, 0, sizeof *out);
    cp_arena_init(&out->arena);
    out->since_proof = old->proof;
    out->since_date = short_date(&out->arena, old->date);
    size_t cap = 0;
    for (size_t i = 0; i < now->n_docs; i++)
        compare_docs(doc_of_kind(old, now->docs[i].kind), &now->docs[i], i, out, &cap);
    for (size_t i = 0; i < old->n_docs; i++)
        if (!doc_of_kind(now, old->docs[i].kind))
            compare_docs(&old->docs[i], NULL, (size_t)-1, out, &cap);
}

void cp_changes_finish(cp_changes *c)
{
    free(c->items);
    cp_arena_finish(&c->arena);
    memset(c, 0, sizeof *c);
}

char *cp_changes_report(const cp_changes *c)
{
    cp_strbuf b;
    cp_strbuf_init(&b);
    if (c->n == 0) {
        cp_strbuf_printf(&b, "no changes since proof %d (%s)", c->since_proof, c->since_date);
        return cp_strbuf_steal(&b);
    }
    cp_strbuf_printf(&b, "changed since proof %d (%s): ", c->since_proof, c->since_date);
    for (size_t i = 0; i < c->n; i++)
        cp_strbuf_printf(&b, "%s%s (%s)", i ? ", " : "", c->items[i].name, c->items[i].reason);
    return cp_strbuf_steal(&b);
}
