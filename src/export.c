/* calpress export: social media images and the screen PDF. */
#define _POSIX_C_SOURCE 200809L
#include "export.h"
#include "base/path.h"
#include "base/util.h"
#include "config.h"
#include "image/encode.h"
#include "layout/social.h"
#include "render/render.h"
#include "sheet.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Screen PDFs: 150 ppi is sharp on a laptop at full page and keeps the sample under 5 MB. */
#define WEB_PPI      150.0
#define JPEG_QUALITY 90
/* Instagram's width; the page image keeps the page's shape. */
#define SOCIAL_W 1080

/* File names stay English and ASCII whatever the calendar's language. */
static const char *const month_slugs[12] = {"january",   "february", "march",    "april",
                                            "may",       "june",     "july",     "august",
                                            "september", "october",  "november", "december"};

/* A page without what belongs to a proof or to the printer: the watermark, the overlay, the
 * slug line; trimmed (no bleed, no marks). Its items are shallow copies: free(p->items) only. */
static cp_page clean_page(const cp_page *src)
{
    cp_page p = *src;
    p.items = cp_xcalloc(src->n ? src->n : 1, sizeof *p.items);
    p.n = p.cap = 0;
    for (size_t i = 0; i < src->n; i++) {
        const char *tag = src->items[i].tag ? src->items[i].tag : "";
        if (strcmp(tag, "watermark") == 0 || strcmp(tag, "overlay") == 0 ||
            strcmp(tag, "slug") == 0)
            continue;
        p.items[p.n++] = src->items[i];
    }
    p.cap = src->n;
    p.bleed = p.slug = 0;
    p.crop_marks = p.registration_marks = p.color_bar = false;
    return p;
}

static void free_clean(cp_doc *doc)
{
    for (size_t i = 0; i < doc->n_pages; i++)
        free(doc->pages[i].items);
    free(doc->pages);
    memset(doc, 0, sizeof *doc);
}

/* Writes data through a temporary file beside path and a rename. */
static bool write_whole(const char *path, const unsigned char *data, size_t len, cp_diags *d)
{
    size_t n = strlen(path) + 8;
    char *tmp = cp_xmalloc(n);
    snprintf(tmp, n, "%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    bool ok = f && fwrite(data, 1, len, f) == len;
    ok = f && fclose(f) == 0 && ok;
    if (!f && fd >= 0)
        close(fd);
    if (ok) {
        mode_t mask = umask(0);
        umask(mask);
        chmod(tmp, 0666 & ~mask);
        ok = rename(tmp, path) == 0;
    }
    if (!ok) {
        cp_error(d, cp_pos_file(path), "cannot write the image: %s", strerror(errno));
        if (fd >= 0)
            unlink(tmp);
    }
    free(tmp);
    return ok;
}

/* Draws page (trimmed) onto a white w x h raster and writes it as an sRGB JPEG. */
static bool page_jpeg(const cp_page *page, int w, int h, const char *path, cp_render_cache *rc,
                      const unsigned char *icc, size_t icc_len, cp_diags *d)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    double k = w / page->trim_w;
    cairo_scale(cr, k, k);
    cairo_translate(cr, -(page->slug + page->bleed), -(page->slug + page->bleed));
    cp_render_opts opts = {.raster = true, .raster_dpi = 72 * k};
    bool ok = cp_render_page(cr, page, &opts, rc, d);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    unsigned char *rgb = cp_xmalloc((size_t)w * (size_t)h * 3);
    const unsigned char *px = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; ok && y < h; y++) {
        const uint32_t *row = (const uint32_t *)(const void *)(px + (size_t)y * (size_t)stride);
        for (int x = 0; x < w; x++) {
            unsigned char *o = rgb + ((size_t)y * w + x) * 3;
            o[0] = (unsigned char)(row[x] >> 16);
            o[1] = (unsigned char)(row[x] >> 8);
            o[2] = (unsigned char)row[x];
        }
    }
    cairo_surface_destroy(s);
    size_t len = 0;
    unsigned char *jpeg =
        ok ? cp_image_encode_jpeg(rgb, w, h, JPEG_QUALITY, icc, icc_len, &len) : NULL;
    free(rgb);
    if (ok && !jpeg)
        cp_error(d, cp_pos_file(path), "cannot encode the image as JPEG");
    ok = jpeg && write_whole(path, jpeg, len, d);
    free(jpeg);
    return ok;
}

/* The month pages of the calendar (cover first, the back last) and two cards each. */
static bool social(const cp_export_job *job, const char *dir, cp_diags *d)
{
    cp_layout_ctx *lc = job->lc;
    if (job->calendar->n_pages < 13) {
        cp_error(d, cp_pos_file(lc->cal->manifest), "the calendar has no twelve month pages");
        return false;
    }
    cp_doc cards;
    cp_doc_init(&cards);
    for (int m = 1; m <= 12; m++) {
        cp_layout_social(lc, &cards, m, SOCIAL_W, SOCIAL_W);
        cp_layout_social(lc, &cards, m, SOCIAL_W, SOCIAL_W * 5 / 4);
    }
    const cp_doc *docs[1] = {&cards};
    const char *names[1] = {"social images"};
    bool ok = !cp_diags_failed(d) && cp_sheet_never_print(lc, job->never_print, docs, names, 1, d);
    size_t icc_len = 0;
    unsigned char *icc = (unsigned char *)cp_read_file(CP_ICC_DIR "/sRGB.icc", &icc_len);
    cp_render_cache *rc = cp_render_cache_new();
    int written = 0;
    for (int m = 1; m <= 12 && ok; m++) {
        cp_page page = clean_page(&job->calendar->pages[m]);
        const char *stem = cp_arena_printf(lc->arena, "%s/%02d-%s", dir, m, month_slugs[m - 1]);
        int h = (int)(SOCIAL_W * page.trim_h / page.trim_w + 0.5);
        ok = page_jpeg(&page, SOCIAL_W, h, cp_arena_printf(lc->arena, "%s-page.jpg", stem), rc, icc,
                       icc_len, d);
        free(page.items);
        for (int k = 0; k < 2 && ok; k++) {
            const cp_page *card = &cards.pages[2 * (m - 1) + k];
            int cw = (int)card->trim_w, ch = (int)card->trim_h;
            ok = page_jpeg(card, cw, ch, cp_arena_printf(lc->arena, "%s-%dx%d.jpg", stem, cw, ch),
                           rc, icc, icc_len, d);
        }
        written += ok ? 3 : 0;
    }
    cp_render_cache_free(rc);
    free(icc);
    cp_doc_finish(&cards);
    if (ok && !job->quiet)
        printf("wrote %d images to %s (sRGB JPEG)\n", written, dir);
    return ok;
}

/* The calendar for screens: trimmed clean pages, sRGB, photos resampled to WEB_PPI. */
static bool web(const cp_export_job *job, cp_diags *d)
{
    cp_layout_ctx *lc = job->lc;
    cp_doc doc;
    cp_doc_init(&doc);
    doc.title = job->calendar->title;
    doc.pages = cp_xcalloc(job->calendar->n_pages ? job->calendar->n_pages : 1, sizeof *doc.pages);
    for (size_t i = 0; i < job->calendar->n_pages; i++)
        doc.pages[doc.n_pages++] = clean_page(&job->calendar->pages[i]);
    doc.cap_pages = doc.n_pages;
    cp_pdf_meta meta = *job->meta;
    meta.icc_path = NULL;
    meta.icc_condition = NULL;
    meta.max_image_ppi = WEB_PPI;
    const char *name = lc->cal->out_calendar.s;
    size_t stem = strlen(name) > 4 && strcmp(name + strlen(name) - 4, ".pdf") == 0
                      ? strlen(name) - 4
                      : strlen(name);
    const char *path = cp_path_join(lc->arena, job->dir,
                                    cp_arena_printf(lc->arena, "%.*s-web.pdf", (int)stem, name));
    cp_pdf_out out;
    bool ok = cp_pdf_prepare(&doc, path, &meta, &out, d) && cp_pdf_commit(&out, d);
    if (ok && !job->quiet)
        printf("wrote %s (%d pages, %.1f MB, photos at %.0f ppi)\n", out.path, out.pages,
               out.bytes / 1e6, WEB_PPI);
    cp_pdf_discard(&out);
    free_clean(&doc);
    return ok;
}

static bool make_folder(const char *dir, cp_diags *d)
{
    if (mkdir(dir, 0777) == 0 || errno == EEXIST)
        return true;
    cp_error(d, cp_pos_file(dir), "cannot create the folder: %s", strerror(errno));
    return false;
}

bool cp_export_write(const cp_export_job *job, cp_diags *d)
{
    bool ok = true;
    if (job->social) {
        const char *dir = cp_path_join(job->lc->arena, job->dir, "social");
        ok = make_folder(dir, d) && social(job, dir, d);
    }
    if (job->web && ok)
        ok = web(job, d);
    return ok;
}
