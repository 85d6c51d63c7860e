/* calpress export: social media images and the screen PDF. */
#define _POSIX_C_SOURCE 200809L
#include "export.h"
#include "base/path.h"
#include "base/util.h"
#include "config.h"
#include "image/encode.h"
#include "layout/social.h"
#include "render/render.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    p.marks = NULL;
    p.n_marks = p.cap_marks = 0;
    return p;
}

static void free_clean(cp_doc *doc)
{
    for (size_t i = 0; i < doc->n_pages; i++)
        free(doc->pages[i].items);
    free(doc->pages);
    memset(doc, 0, sizeof *doc);
}

/* Draws page (trimmed) onto a white w x h raster and adds it to the set as an sRGB JPEG. */
static bool page_jpeg(const cp_page *page, int w, int h, cp_outset *set, const char *name,
                      cp_render_cache *rc, cp_colours *colours, const unsigned char *icc,
                      size_t icc_len, cp_diags *d)
{
    cp_outfile *f = cp_outset_add(set, name, d);
    if (!f)
        return false;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_status_t st = cairo_surface_status(s);
    if (st != CAIRO_STATUS_SUCCESS) {
        cp_error(d, cp_pos_file(cp_outfile_path(f)), "cannot draw the image (%d x %d pixels): %s",
                 w, h, cairo_status_to_string(st));
        cairo_surface_destroy(s);
        return false;
    }
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    double k = w / page->trim_w;
    cairo_scale(cr, k, k);
    cairo_translate(cr, -(page->slug + page->bleed), -(page->slug + page->bleed));
    cp_render_opts opts = {.raster = true, .raster_dpi = 72 * k, .colours = colours};
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
        cp_error(d, cp_pos_file(cp_outfile_path(f)), "cannot encode the image as JPEG");
    ok = jpeg && cp_outfile_write(f, jpeg, len, d);
    free(jpeg);
    return ok;
}

/* Debian's sRGB profile, for the social images; NULL after reporting an error. */
static unsigned char *srgb_profile(size_t *len, cp_diags *d)
{
    const char *path = CP_ICC_DIR "/sRGB.icc";
    cp_file_error err;
    unsigned char *icc = (unsigned char *)cp_file_read(path, &cp_file_icc, len, &err);
    if (!icc)
        cp_error(d, cp_pos_file(path),
                 "cannot read the sRGB profile for the images: %s (install icc-profiles-free)",
                 err.text);
    return icc;
}

/* The month pages of the calendar (cover first, the back last) and two cards each, as JPEGs
 * into the set (DIR/social). */
static bool social(const cp_export_job *job, cp_outset *set, int *written, cp_diags *d)
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
    cp_np_target target = {&cards, "social images", NULL};
    bool ok = !cp_diags_failed(d) && cp_pdf_never_print_check(lc, job->never_print, &target, 1, d);
    size_t icc_len = 0;
    unsigned char *icc = ok ? srgb_profile(&icc_len, d) : NULL;
    ok = ok && icc;
    cp_render_cache *rc = cp_render_cache_new();
    for (int m = 1; m <= 12 && ok; m++) {
        cp_page page = clean_page(&job->calendar->pages[m]);
        const char *stem = cp_arena_printf(lc->arena, "%02d-%s", m, month_slugs[m - 1]);
        int h = (int)(SOCIAL_W * page.trim_h / page.trim_w + 0.5);
        ok = page_jpeg(&page, SOCIAL_W, h, set, cp_arena_printf(lc->arena, "%s-page.jpg", stem), rc,
                       job->meta->colours, icc, icc_len, d);
        free(page.items);
        for (int k = 0; k < 2 && ok; k++) {
            const cp_page *card = &cards.pages[2 * (m - 1) + k];
            int cw = (int)card->trim_w, ch = (int)card->trim_h;
            ok = page_jpeg(card, cw, ch, set,
                           cp_arena_printf(lc->arena, "%s-%dx%d.jpg", stem, cw, ch), rc,
                           job->meta->colours, icc, icc_len, d);
        }
        *written += ok ? 3 : 0;
    }
    cp_render_cache_free(rc);
    free(icc);
    cp_doc_finish(&cards);
    return ok;
}

/* The calendar for screens into the set: trimmed clean pages, sRGB, photos resampled to
 * WEB_PPI. Its name goes to *name. */
static bool web(const cp_export_job *job, cp_outset *set, const char **name, cp_pdf_written *out,
                cp_diags *d)
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
    meta.icc_pos = (cp_pos){NULL, 0, 0};
    meta.max_image_ppi = WEB_PPI;
    const char *cal = lc->cal->out_calendar.s;
    size_t stem = strlen(cal) > 4 && strcmp(cal + strlen(cal) - 4, ".pdf") == 0 ? strlen(cal) - 4
                                                                                : strlen(cal);
    *name = cp_arena_printf(lc->arena, "%.*s-web.pdf", (int)stem, cal);
    bool ok = cp_pdf_write(set, *name, &doc, &meta, out, d);
    free_clean(&doc);
    return ok;
}

bool cp_export_write(const cp_export_job *job, cp_diags *d)
{
    cp_arena *a = job->lc->arena;
    const char *social_dir = cp_path_join(a, job->dir, "social");
    /* Every file is made in its folder's set first; the sets are committed only when all are
     * complete, so an error leaves both folders as they were. */
    cp_outset *sets[2] = {NULL, NULL};
    int images = 0;
    const char *web_name = NULL;
    cp_pdf_written web_out = {0};
    bool ok = true;
    if (job->social) {
        sets[0] = cp_outset_open(social_dir, true, d);
        ok = sets[0] && social(job, sets[0], &images, d);
    }
    if (job->web && ok) {
        sets[1] = cp_outset_open(job->dir, true, d);
        ok = sets[1] && web(job, sets[1], &web_name, &web_out, d);
    }
    for (int i = 0; i < 2 && ok; i++)
        ok = !sets[i] || cp_outset_commit(sets[i], d);
    for (int i = 0; i < 2; i++)
        cp_outset_free(sets[i]);
    if (ok && !job->quiet && job->social)
        printf("wrote %d images to %s (sRGB JPEG)\n", images, social_dir);
    if (ok && !job->quiet && job->web)
        printf("wrote %s (%d pages, %.1f MB, photos at %.0f ppi)\n",
               cp_path_join(a, job->dir, web_name), web_out.pages, web_out.bytes / 1e6, WEB_PPI);
    return ok;
}
