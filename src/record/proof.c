/* The proof folder's record (DIR/.calpress/build.json) and the marks of --mark-changes. */
#define _POSIX_C_SOURCE 200809L
#include "base/hash.h"
#include "base/path.h"
#include "base/strbuf.h"
#include "base/util.h"
#include "record/record.h"

#include <errno.h>
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Gives every error in tmp to d as a warning, with `then` added: a build record that cannot be
 * read or written never fails a render. */
static void as_warnings(cp_diags *d, const cp_diags *tmp, const char *then)
{
    for (size_t i = 0; i < tmp->n; i++) {
        const cp_diag *g = &tmp->items[i];
        cp_warning(d, (cp_pos){g->file, g->line, g->col}, "%s; %s", g->msg, then);
    }
}

void cp_proof_begin(cp_proof *p, const char *out_dir, const cp_record_input *docs, size_t n,
                    time_t date, const char *mode, const char *generator, const char *manifest,
                    cp_diags *d)
{
    memset(p, 0, sizeof *p);
    size_t len = strlen(out_dir) + 32;
    p->path = cp_xmalloc(len);
    snprintf(p->path, len, "%s/.calpress/build.json", out_dir);
    cp_record_init(&p->old);
    cp_record_init(&p->now);
    if (access(p->path, F_OK) == 0) {
        cp_diags tmp;
        cp_diags_init(&tmp);
        p->have_old = cp_record_load(&p->old, p->path, &tmp);
        as_warnings(d, &tmp, "this proof starts the numbering again at 1");
        cp_diags_finish(&tmp);
    }
    cp_record_build(&p->now, docs, n, p->have_old ? p->old.proof + 1 : 1, date, mode, generator,
                    manifest);
    if (p->have_old)
        cp_record_compare(&p->old, &p->now, &p->changes);
}

bool cp_proof_commit(cp_proof *p, cp_diags *d)
{
    cp_diags tmp;
    cp_diags_init(&tmp);
    char *dir = cp_xstrdup(p->path);
    *strrchr(dir, '/') = '\0';
    bool ok = true;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        cp_error(&tmp, cp_pos_file(dir), "cannot create the build record's folder: %s",
                 strerror(errno));
        ok = false;
    }
    free(dir);
    ok = ok && cp_record_save(&p->now, p->path, &tmp);
    as_warnings(d, &tmp, "the next render cannot say what changed");
    cp_diags_finish(&tmp);
    return ok;
}

/* The file at path as the record notes it: size, modification time and XXH3 of its bytes. Read
 * with plain stdio: the old PDF is an output, not an input the run may not write over. */
static bool pdf_stamp(const char *path, long long *bytes, long long *sec, long long *nsec,
                      uint64_t *hash)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        if (f)
            fclose(f);
        return false;
    }
    cp_hasher h;
    cp_hasher_init(&h);
    char *buf = cp_xmalloc(1 << 16);
    long long len = 0;
    size_t n;
    while ((n = fread(buf, 1, 1 << 16, f)) > 0) {
        cp_hasher_bytes(&h, buf, n);
        len += (long long)n;
    }
    bool ok = !ferror(f);
    fclose(f);
    free(buf);
    *hash = cp_hasher_digest(&h);
    cp_hasher_finish(&h);
    *bytes = len;
    *sec = (long long)st.st_mtim.tv_sec;
    *nsec = (long long)st.st_mtim.tv_nsec;
    return ok && (long long)st.st_size == len;
}

bool cp_record_stamp_pdf(cp_record *r, size_t doc, const char *path)
{
    cp_rec_doc *d = &r->docs[doc];
    d->have_pdf = pdf_stamp(path, &d->pdf_bytes, &d->pdf_mtime_s, &d->pdf_mtime_ns, &d->pdf_hash);
    return d->have_pdf;
}

bool cp_record_stamp_written(cp_record *r, size_t doc, const char *path, size_t bytes,
                             uint64_t hash)
{
    cp_rec_doc *d = &r->docs[doc];
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (long long)st.st_size != (long long)bytes)
        return cp_record_stamp_pdf(r, doc, path);
    d->pdf_bytes = (long long)bytes;
    d->pdf_mtime_s = (long long)st.st_mtim.tv_sec;
    d->pdf_mtime_ns = (long long)st.st_mtim.tv_nsec;
    d->pdf_hash = hash;
    d->have_pdf = true;
    return true;
}

bool cp_record_pdf_intact(const cp_record *r, size_t doc, const char *path, bool read)
{
    if (doc >= r->n_docs || !r->docs[doc].have_pdf)
        return false;
    const cp_rec_doc *d = &r->docs[doc];
    long long bytes, sec, nsec;
    uint64_t hash;
    /* Size and time first: a changed file is usually told without reading it. */
    struct stat st;
    if (stat(path, &st) != 0 || (long long)st.st_size != d->pdf_bytes ||
        (long long)st.st_mtim.tv_sec != d->pdf_mtime_s ||
        (long long)st.st_mtim.tv_nsec != d->pdf_mtime_ns)
        return false;
    return !read || (pdf_stamp(path, &bytes, &sec, &nsec, &hash) && bytes == d->pdf_bytes &&
                     hash == d->pdf_hash);
}

char *cp_proof_report(const cp_proof *p, const char *out_dir)
{
    if (!p->have_old) {
        size_t n = strlen(out_dir) + 64;
        char *s = cp_xmalloc(n);
        snprintf(s, n, "proof %d: no earlier proof in %s to compare with", p->now.proof, out_dir);
        return s;
    }
    char *report = cp_changes_report(&p->changes);
    size_t n = strlen(report) + 32;
    char *s = cp_xmalloc(n);
    snprintf(s, n, "proof %d: %s", p->now.proof, report);
    free(report);
    return s;
}

void cp_proof_finish(cp_proof *p)
{
    if (p->have_old)
        cp_changes_finish(&p->changes);
    cp_record_finish(&p->old);
    cp_record_finish(&p->now);
    free(p->path);
    memset(p, 0, sizeof *p);
}

/* ------------------------------------------------------------------------------------------ */
/* --mark-changes */

#define MARK_COLOR ((cp_color){0.93, 0.40, 0.0})

/* The box an item covers, in page points. */
static void item_box(const cp_item *it, double *x0, double *y0, double *x1, double *y1)
{
    switch (it->kind) {
    case CP_ITEM_LINE:
        *x0 = fmin(it->x, it->x1) - it->stroke_pt / 2;
        *x1 = fmax(it->x, it->x1) + it->stroke_pt / 2;
        *y0 = fmin(it->y, it->y1) - it->stroke_pt / 2;
        *y1 = fmax(it->y, it->y1) + it->stroke_pt / 2;
        break;
    case CP_ITEM_DOT:
        *x0 = it->x - it->w;
        *x1 = it->x + it->w;
        *y0 = it->y - it->w;
        *y1 = it->y + it->w;
        break;
    case CP_ITEM_TEXT: {
        PangoRectangle logical = {0, 0, 0, 0};
        if (it->line)
            pango_layout_line_get_extents(it->line, NULL, &logical);
        *x0 = it->x;
        *x1 = it->x + it->w;
        *y0 = it->y + logical.y / (double)PANGO_SCALE;
        *y1 = *y0 + logical.height / (double)PANGO_SCALE;
        break;
    }
    default: /* rectangles, and photos by their visible frame */
        *x0 = it->x;
        *x1 = it->x + it->w;
        *y0 = it->y;
        *y1 = it->y + it->h;
        break;
    }
}

/* A thin rectangle around a frame's items on this page, kept inside the trim so it shows on
 * the trimmed sheet even around a photo that bleeds. */
static void outline(cp_page *page, const char *frame)
{
    double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
    for (size_t i = 0; i < page->n; i++) {
        const char *f = cp_record_frame_of(page->items[i].tag);
        if (!f || strcmp(f, frame) != 0)
            continue;
        double a, b, c, e;
        item_box(&page->items[i], &a, &b, &c, &e);
        x0 = fmin(x0, a);
        y0 = fmin(y0, b);
        x1 = fmax(x1, c);
        y1 = fmax(y1, e);
    }
    if (x1 < x0)
        return;
    const double pad = 2, inset = 1.5, w = 0.75;
    x0 = fmax(x0 - pad, inset);
    y0 = fmax(y0 - pad, inset);
    x1 = fmin(x1 + pad, page->trim_w - inset);
    y1 = fmin(y1 + pad, page->trim_h - inset);
    cp_page_line(page, CP_RECORD_MARK_TAG, x0, y0, x1, y0, w, MARK_COLOR);
    cp_page_line(page, CP_RECORD_MARK_TAG, x1, y0, x1, y1, w, MARK_COLOR);
    cp_page_line(page, CP_RECORD_MARK_TAG, x1, y1, x0, y1, w, MARK_COLOR);
    cp_page_line(page, CP_RECORD_MARK_TAG, x0, y1, x0, y0, w, MARK_COLOR);
}

/* The label: the changes of this page, shortened to fit `room` points. */
static void label(cp_page *page, const char *text, const char *brief, cp_typesetter *ts,
                  const cp_style *style)
{
    cp_style st = *style;
    st.size_pt = 6;
    st.leading_pt = 7;
    st.tracking = 20;
    st.uppercase = false;
    st.color = MARK_COLOR;
    bool slug = page->slug >= 6 * CP_PT_PER_MM;
    /* In the top slug, left of the registration target at its centre. */
    double x = 10 * CP_PT_PER_MM, room = page->trim_w / 2 - x - 8 * CP_PT_PER_MM;
    double y = slug ? -page->bleed - 6 * CP_PT_PER_MM + 4 : 6 * CP_PT_PER_MM;
    const char *s = cp_measure(ts, &st, "en", text) <= room ? text : brief;
    char *cut = NULL;
    if (cp_measure(ts, &st, "en", s) > room) {
        /* The longest start of it that fits with an ellipsis, cut between characters. */
        size_t lo = 0, hi = strlen(s);
        cut = cp_xmalloc(hi + 4);
        while (lo + 1 < hi) {
            size_t mid = (lo + hi) / 2;
            while (mid > lo && ((unsigned char)s[mid] & 0xC0) == 0x80)
                mid--;
            if (mid == lo)
                break;
            snprintf(cut, hi + 4, "%.*s\xE2\x80\xA6", (int)mid, s);
            if (cp_measure(ts, &st, "en", cut) <= room)
                lo = mid;
            else
                hi = mid;
        }
        snprintf(cut, strlen(s) + 4, "%.*s\xE2\x80\xA6", (int)lo, s);
        s = cut;
    }
    cp_text_req req = {&st, "en", 1e5, NULL, {NULL, 0, 0}, "change marks", true};
    cp_block b;
    cp_set_plain(ts, &req, s, &b);
    if (b.n)
        b.lines[0].baseline = 0;
    cp_block_place(&b, page, CP_RECORD_MARK_TAG, x, y, st.color);
    cp_block_finish(&b);
    free(cut);
}

void cp_record_mark(cp_doc *doc, const char *prefix, size_t doc_index, const cp_changes *c,
                    cp_typesetter *ts, const cp_style *style)
{
    for (size_t p = 0; p < doc->n_pages; p++) {
        cp_page *page = &doc->pages[p];
        cp_strbuf full, brief;
        cp_strbuf_init(&full);
        cp_strbuf_init(&brief);
        for (size_t k = 0; k < c->n; k++) {
            const cp_change *ch = &c->items[k];
            if (ch->doc != doc_index)
                continue;
            char *name = g_strdup_printf("%s %s", prefix ? prefix : page->label, ch->frame);
            bool here = strcmp(name, ch->name) == 0;
            g_free(name);
            size_t before = page->n;
            if (here)
                outline(page, ch->frame);
            if (!here || page->n == before)
                continue;
            cp_strbuf_printf(&full, "%s%s (%s)", full.len ? " \xC2\xB7 " : "", ch->frame,
                             ch->reason);
            cp_strbuf_printf(&brief, "%s%s", brief.len ? ", " : "", ch->frame);
        }
        if (full.len) {
            char *t = g_strdup_printf("CHANGED SINCE PROOF %d (%s): %s", c->since_proof,
                                      c->since_date, full.data);
            char *t2 = g_strdup_printf("CHANGED SINCE PROOF %d: %s", c->since_proof, brief.data);
            label(page, t, t2, ts, style);
            g_free(t);
            g_free(t2);
        }
        cp_strbuf_finish(&full);
        cp_strbuf_finish(&brief);
    }
}
