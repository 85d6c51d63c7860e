/* Pages kept between builds (watch): a page whose inputs are unchanged is copied, not laid out. */
#define _POSIX_C_SOURCE 200809L
#include "base/hash.h"
#include "base/util.h"
#include "layout/layout.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* A photo placed on a cached page: the item is pointed at the cache's current image on reuse. */
typedef struct image_ref {
    size_t page, item;
    const char *path; /* in the entry's strings */
} image_ref;

typedef struct saved_diag {
    cp_severity sev;
    cp_pos pos; /* file in the entry's strings */
    const char *msg;
} saved_diag;

/* The arena of a build whose pages are cached: their items' strings (text, tags, labels,
 * sources, whatever layout points at) live there, so it is kept while any of them is. */
typedef struct arena_ref {
    cp_arena arena;
    int refs;
} arena_ref;

static void arena_unref(arena_ref *a)
{
    if (a && --a->refs == 0) {
        cp_arena_finish(&a->arena);
        free(a);
    }
}

typedef struct cache_entry {
    int which;        /* the page: 0 cover, 1..12 a month, 13 back, 14 the press release */
    uint64_t key;     /* its inputs: files by content, photos, options */
    arena_ref *build; /* the arena of the build that laid the pages out (a reference) */
    cp_arena strings; /* the entry's own: image paths, saved diagnostics */
    cp_doc doc;       /* copies of the pages, sharing the build's strings */
    image_ref *images;
    size_t n_images;
    saved_diag *diags; /* the warnings its layout gave, given again on reuse */
    size_t n_diags;
    int placeholders;
} cache_entry;

struct cp_page_cache {
    cache_entry *entries;
    size_t n, cap;
    arena_ref *current; /* the build under way's arena, once it is handed over */
};

cp_page_cache *cp_page_cache_new(void)
{
    return cp_xcalloc(1, sizeof(cp_page_cache));
}

static void entry_free(cache_entry *e)
{
    cp_doc_finish(&e->doc);
    free(e->images);
    free(e->diags);
    cp_arena_finish(&e->strings);
    arena_unref(e->build);
}

void cp_page_cache_free(cp_page_cache *pc)
{
    if (!pc)
        return;
    for (size_t i = 0; i < pc->n; i++)
        entry_free(&pc->entries[i]);
    arena_unref(pc->current);
    free(pc->entries);
    free(pc);
}

void cp_page_cache_begin_build(cp_page_cache *pc)
{
    arena_unref(pc->current);
    pc->current = cp_xcalloc(1, sizeof *pc->current);
    pc->current->refs = 1; /* the build's own, given up in cp_page_cache_end_build */
}

void cp_page_cache_end_build(cp_page_cache *pc, cp_arena *a)
{
    if (!pc->current)
        return;
    pc->current->arena = *a; /* the blocks move over; a is left empty */
    cp_arena_init(a);
    arena_unref(pc->current);
    pc->current = NULL;
}

static bool hash_file(cp_hasher *h, const cp_layout_ctx *lc, const char *path)
{
    const cp_input *in = cp_inputs_lookup(lc->inputs, path);
    if (!in || !in->read)
        return false;
    cp_hasher_str(h, path);
    cp_hasher_u64(h, in->hash);
    return true;
}

/* A file's bytes' hash, read now: a logo. */
static bool file_hash(const char *path, uint64_t *v)
{
    size_t len = 0;
    char *data = cp_read_file(path, &len);
    if (!data)
        return false;
    *v = cp_hash_bytes(data, len);
    free(data);
    return true;
}

/* The content key of a photo a render's layout has not opened (its page may be reused): opened
 * into the cache now, as open_photos would, so once only. A photo that cannot be opened says
 * nothing here and is not cached: the layout that opens it says why. */
static bool photo_key(cp_layout_ctx *lc, const cp_photo *ph, uint64_t *v)
{
    cp_diags quiet;
    cp_diags_init(&quiet);
    const cp_image *img =
        cp_photo_cache_lookup(lc->photos, ph->path.s, ph->given, ph->path.pos, &quiet);
    if (img)
        *v = cp_image_content_key(img);
    cp_diags_finish(&quiet);
    return img != NULL;
}

static bool hash_photo(cp_hasher *h, cp_layout_ctx *lc, const cp_photo *ph)
{
    cp_hasher_str(h, ph->path.s);
    cp_hasher_u64(h, ph->missing);
    if (!ph->path.s || ph->missing)
        return true;
    uint64_t v;
    if (lc->page_cache ? !cp_photo_cache_check(lc->photos, ph->path.s, &v)
                       : !cp_photo_cache_key(lc->photos, ph->path.s, &v) && !photo_key(lc, ph, &v))
        return false;
    cp_hasher_u64(h, v);
    return true;
}

/* True if path is a file that belongs to one page (a story, the press release, a photo, the
 * logo) rather than to every page. */
static bool page_own(const cp_calendar *cal, const char *path)
{
    const char *own[] = {cal->press.file, cal->press.logo.s, cal->cover_photo.path.s};
    for (size_t i = 0; i < CP_ARRAY_LEN(own); i++)
        if (own[i] && strcmp(own[i], path) == 0)
            return true;
    for (int m = 0; m < 12; m++)
        if ((cal->months[m].file && strcmp(cal->months[m].file, path) == 0) ||
            (cal->months[m].photo.path.s && strcmp(cal->months[m].photo.path.s, path) == 0))
            return true;
    return false;
}

/* Every file the loader read besides the pages' own (holiday imports, the never-print list, an
 * included file, ...): a page depends on them all. */
static void hash_shared(cp_hasher *h, const cp_layout_ctx *lc)
{
    for (size_t i = 0; lc->inputs && i < lc->n_shared_inputs && i < lc->inputs->n; i++) {
        const cp_input *in = &lc->inputs->items[i];
        if (page_own(lc->cal, in->path))
            continue;
        cp_hasher_str(h, in->path);
        cp_hasher_u64(h, (uint64_t)in->exists << 1 | (uint64_t)in->read);
        cp_hasher_u64(h, in->read ? in->hash : 0);
    }
}

/* The key of page `which`: the files it is made from (by content), its photos and the options.
 * False when an input's content is unknown: the page is then laid out. */
static bool page_key(cp_layout_ctx *lc, int which, uint64_t *key)
{
    const cp_calendar *cal = lc->cal;
    cp_hasher h;
    cp_hasher_init(&h);
    cp_hasher_u64(&h, (uint64_t)which);
    cp_hasher_u64(&h, (uint64_t)lc->opts.proof << 2 | (uint64_t)lc->opts.overlay << 1 |
                          (uint64_t)lc->opts.placeholders);
    bool ok = hash_file(&h, lc, cal->manifest);
    hash_shared(&h, lc);
    /* A layout and every layout it extends. */
    const cp_layout *l = which == 14 ? &cal->press_layout : &cal->layout;
    for (int i = 0; i < l->n_files; i++)
        ok = ok && hash_file(&h, lc, l->files[i]);
    if (which == 14) {
        ok = ok && hash_file(&h, lc, cal->press.file);
        uint64_t v = 0; /* the logo by its bytes (a missing one is the layout's error) */
        cp_hasher_str(&h, cal->press.logo.s);
        if (cal->press.logo.s)
            ok = ok && file_hash(cal->press.logo.s, &v);
        cp_hasher_u64(&h, v);
    } else {
        if (which == 0)
            ok = ok && hash_photo(&h, lc, &cal->cover_photo);
        else if (which <= 12)
            ok = ok && hash_file(&h, lc, cal->months[which - 1].file) &&
                 hash_photo(&h, lc, &cal->months[which - 1].photo);
        else /* the back lists every month's name and photo credit: those, not their files */
            for (int m = 0; m < 12; m++) {
                cp_hasher_str(&h, cal->months[m].name.s);
                cp_hasher_u64(&h, cal->months[m].pseudonym);
                cp_hasher_str(&h, cal->months[m].photo.credit.s);
            }
    }
    *key = cp_hasher_digest(&h);
    cp_hasher_finish(&h);
    return ok;
}

static cache_entry *find_entry(cp_page_cache *pc, int which)
{
    for (size_t i = 0; i < pc->n; i++)
        if (pc->entries[i].which == which)
            return &pc->entries[i];
    return NULL;
}

static void add_diag(cp_diags *d, cp_severity sev, cp_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void add_diag(cp_diags *d, cp_severity sev, cp_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cp_diag_add(d, sev, pos, fmt, ap);
    va_end(ap);
}

static bool same_diag(const cp_diag *a, const saved_diag *b)
{
    return a->sev == b->sev && a->line == b->pos.line && a->col == b->pos.col &&
           strcmp(a->msg, b->msg) == 0 &&
           (a->file && b->pos.file ? strcmp(a->file, b->pos.file) == 0 : a->file == b->pos.file);
}

/* Copies the cached pages into doc if their key matches and their photos are at hand. */
static bool reuse(cp_layout_ctx *lc, cp_doc *doc, int which, uint64_t key)
{
    cache_entry *e = find_entry(lc->page_cache, which);
    if (!e || e->key != key)
        return false;
    const cp_image **imgs = cp_xcalloc(e->n_images ? e->n_images : 1, sizeof *imgs);
    bool ok = true;
    for (size_t i = 0; i < e->n_images && ok; i++) {
        uint64_t h;
        imgs[i] = cp_photo_cache_check(lc->photos, e->images[i].path, &h);
        ok = imgs[i] != NULL;
    }
    size_t first = doc->n_pages;
    for (size_t i = 0; i < e->doc.n_pages && ok; i++) {
        const cp_page *src = &e->doc.pages[i];
        cp_page *p =
            cp_doc_add_page(doc, src->label, src->trim_w, src->trim_h, src->bleed, src->slug);
        cp_page_copy(p, src);
    }
    for (size_t i = 0; i < e->n_images && ok; i++)
        doc->pages[first + e->images[i].page].items[e->images[i].item].image = imgs[i];
    free(imgs);
    if (!ok)
        return false;
    size_t before = lc->diags->n;
    for (size_t i = 0; i < e->n_diags; i++) {
        bool dup = false;
        for (size_t j = 0; j < before && !dup; j++)
            dup = same_diag(&lc->diags->items[j], &e->diags[i]);
        if (!dup)
            add_diag(lc->diags, e->diags[i].sev, e->diags[i].pos, "%s", e->diags[i].msg);
    }
    lc->placeholders += e->placeholders;
    return true;
}

/* Keeps copies of doc's pages from `first` on, with the diagnostics given since `diag0`. */
static void store(cp_layout_ctx *lc, const cp_doc *doc, size_t first, int which, uint64_t key,
                  size_t diag0, int placeholders)
{
    cp_page_cache *pc = lc->page_cache;
    cache_entry *e = find_entry(pc, which);
    if (e) {
        entry_free(e);
    } else {
        cp_grow((void **)&pc->entries, &pc->cap, pc->n + 1, sizeof *pc->entries);
        e = &pc->entries[pc->n++];
    }
    memset(e, 0, sizeof *e);
    e->which = which;
    e->key = key;
    e->placeholders = placeholders;
    e->build = pc->current;
    pc->current->refs++;
    cp_arena_init(&e->strings);
    cp_doc_init(&e->doc);
    size_t cap_images = 0;
    for (size_t i = first; i < doc->n_pages; i++) {
        const cp_page *src = &doc->pages[i];
        cp_page *p = cp_doc_add_page(&e->doc, NULL, 0, 0, 0, 0);
        cp_page_copy(p, src);
        for (size_t j = 0; j < p->n; j++) {
            if (p->items[j].kind != CP_ITEM_IMAGE || !p->items[j].image)
                continue;
            cp_grow((void **)&e->images, &cap_images, e->n_images + 1, sizeof *e->images);
            e->images[e->n_images++] =
                (image_ref){i - first, j, cp_arena_strdup(&e->strings, p->items[j].image->path)};
        }
    }
    const cp_diags *d = lc->diags;
    e->diags = cp_xcalloc(d->n > diag0 ? d->n - diag0 : 1, sizeof *e->diags);
    for (size_t i = diag0; i < d->n; i++) {
        const cp_diag *g = &d->items[i];
        e->diags[e->n_diags++] =
            (saved_diag){g->sev,
                         {g->file ? cp_arena_strdup(&e->strings, g->file) : NULL, g->line, g->col},
                         cp_arena_strdup(&e->strings, g->msg)};
    }
}

/* Marks doc's pages from `first` on as page `which`'s, with its key. */
static void mark_pages(cp_doc *doc, size_t first, int which, uint64_t key, bool keyed, bool reused)
{
    for (size_t i = first; i < doc->n_pages; i++) {
        cp_page *p = &doc->pages[i];
        p->which = which;
        p->part = (int)(i - first);
        p->key = key;
        p->keyed = keyed;
        p->reused = reused;
    }
}

static const cp_kept_page *find_kept(const cp_kept_pages *k, int which)
{
    for (size_t i = 0; k && i < k->n; i++)
        if (k->items[i].which == which)
            return &k->items[i];
    return NULL;
}

/* Keeps page `which` for the next render: its boxes, its diagnostics since diag0. */
static void keep_page(cp_layout_ctx *lc, const cp_doc *doc, size_t first, int which, uint64_t key,
                      size_t diag0, int placeholders)
{
    cp_kept_pages *k = lc->keep;
    cp_arena *a = k->arena;
    cp_grow((void **)&k->items, &k->cap, k->n + 1, sizeof *k->items);
    cp_kept_page *e = &k->items[k->n++];
    *e = (cp_kept_page){.which = which, .key = key, .placeholders = placeholders};
    e->n_boxes = doc->n_pages - first;
    e->boxes = cp_arena_alloc(a, (e->n_boxes ? e->n_boxes : 1) * sizeof *e->boxes);
    for (size_t i = 0; i < e->n_boxes; i++) {
        const cp_page *p = &doc->pages[first + i];
        e->boxes[i] = (cp_kept_box){.label = cp_arena_strdup(a, p->label ? p->label : ""),
                                    .trim_w = p->trim_w,
                                    .trim_h = p->trim_h,
                                    .bleed = p->bleed,
                                    .slug = p->slug,
                                    .crop_marks = p->crop_marks,
                                    .registration_marks = p->registration_marks,
                                    .color_bar = p->color_bar};
    }
    const cp_diags *d = lc->diags;
    e->n_diags = d->n > diag0 ? d->n - diag0 : 0;
    e->diags = cp_arena_alloc(a, (e->n_diags ? e->n_diags : 1) * sizeof *e->diags);
    for (size_t i = 0; i < e->n_diags; i++) {
        const cp_diag *g = &d->items[diag0 + i];
        e->diags[i] = (cp_kept_diag){.sev = g->sev,
                                     .pos = {.file = g->file ? cp_arena_strdup(a, g->file) : NULL,
                                             .line = g->line,
                                             .col = g->col},
                                     .msg = cp_arena_strdup(a, g->msg)};
    }
}

/* The photos a page's layout opens, opened as it would (their messages are among the page's
 * kept diagnostics): the checks over every photo of a run see the same photos in the same
 * order as a render that lays every page out. */
static void open_photos(cp_layout_ctx *lc, int which)
{
    const cp_calendar *cal = lc->cal;
    const cp_photo *ph = which == 0                  ? &cal->cover_photo
                         : which >= 1 && which <= 12 ? &cal->months[which - 1].photo
                                                     : NULL;
    cp_diags tmp;
    cp_diags_init(&tmp);
    if (ph && ph->path.s && !ph->missing)
        cp_photo_cache_lookup(lc->photos, ph->path.s, ph->given, ph->path.pos, &tmp);
    const cp_press_release *pr = &cal->press;
    if (which == 14 && pr->logo.s &&
        cp_layout_lookup_frame(&cal->press_layout, "press", "logo")) { /* as press.c's logo() */
        const char *name = pr->logo_given ? pr->logo_given : pr->logo.s;
        const char *dot = strrchr(pr->logo.s, '.');
        if (dot && g_ascii_strcasecmp(dot, ".svg") == 0)
            cp_photo_cache_lookup_svg(lc->photos, pr->logo.s, name, pr->logo.pos, &tmp);
        else
            cp_photo_cache_lookup(lc->photos, pr->logo.s, name, pr->logo.pos, &tmp);
    }
    cp_diags_finish(&tmp);
}

/* Adds page `which` as the last render kept it (empty pages marked reused) when its key is
 * unchanged, and gives its diagnostics again. */
static bool reuse_kept(cp_layout_ctx *lc, cp_doc *doc, int which, uint64_t key)
{
    const cp_kept_page *e = find_kept(lc->reuse_from, which);
    if (!e || e->key != key || e->n_boxes == 0)
        return false;
    open_photos(lc, which);
    size_t first = doc->n_pages;
    for (size_t i = 0; i < e->n_boxes; i++) {
        const cp_kept_box *b = &e->boxes[i];
        cp_page *p = cp_doc_add_page(doc, cp_arena_strdup(lc->arena, b->label), b->trim_w,
                                     b->trim_h, b->bleed, b->slug);
        p->crop_marks = b->crop_marks;
        p->registration_marks = b->registration_marks;
        p->color_bar = b->color_bar;
    }
    mark_pages(doc, first, which, key, true, true);
    size_t diag0 = lc->diags->n;
    for (size_t i = 0; i < e->n_diags; i++)
        add_diag(lc->diags, e->diags[i].sev, e->diags[i].pos, "%s", e->diags[i].msg);
    lc->placeholders += e->placeholders;
    if (lc->keep)
        keep_page(lc, doc, first, which, key, diag0, e->placeholders);
    return true;
}

void cp_lc_cached(cp_layout_ctx *lc, cp_doc *doc, int which, cp_lc_page_fn fn)
{
    if (!lc->shared_counted) { /* what the loader read, before any page opens a photo */
        lc->n_shared_inputs = lc->inputs ? lc->inputs->n : 0;
        lc->shared_counted = true;
    }
    uint64_t key;
    size_t first = doc->n_pages, diag0 = lc->diags->n, errors = lc->diags->n_errors;
    if (lc->page_cache && page_key(lc, which, &key) && reuse(lc, doc, which, key)) {
        lc->pages_reused++;
        mark_pages(doc, first, which, key, true, false);
        if (lc->keep)
            keep_page(lc, doc, first, which, key, diag0, 0);
        return;
    }
    if (lc->reuse_from && page_key(lc, which, &key) && reuse_kept(lc, doc, which, key)) {
        lc->pages_reused++;
        return;
    }
    int placeholders = lc->placeholders;
    if (lc->before_page)
        lc->before_page(lc->before_page_ctx, which);
    fn(lc, doc, which);
    lc->pages_laid_out++;
    bool wanted = lc->page_cache || lc->keep;
    /* The key is taken again: the layout opened the page's photos, so their hashes are known. */
    bool keyed = wanted && lc->diags->n_errors == errors && page_key(lc, which, &key);
    mark_pages(doc, first, which, keyed ? key : 0, keyed, false);
    if (keyed && lc->page_cache && lc->page_cache->current)
        store(lc, doc, first, which, key, diag0, lc->placeholders - placeholders);
    if (keyed && lc->keep)
        keep_page(lc, doc, first, which, key, diag0, lc->placeholders - placeholders);
}
