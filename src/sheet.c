/* calpress sheet: crops.pdf, contact-sheet.pdf and contact-sheet.png. */
#include "sheet.h"
#include "base/path.h"
#include "image/focus.h"
#include "layout/cropcheck.h"
#include "layout/neverprint.h"
#include "layout/sheets.h"
#include "render/render.h"

#include <stdio.h>
#include <string.h>

/* Photos on the sheets: sharp on screen and in print-outs, small enough to e-mail. */
#define SHEET_PPI 150.0
/* The contact sheet's PNG: A3 landscape at 100 dpi is 1654 x 1169 pixels. */
#define CONTACT_PNG_DPI 100.0

bool cp_sheet_never_print(cp_layout_ctx *lc, const char *list, const cp_doc *const *docs,
                          const char *const *names, size_t n, cp_diags *d)
{
    const cp_str *key = &lc->cal->never_print;
    if (!list && !key->s)
        return true;
    cp_never_print np;
    cp_never_print_init(&np);
    bool ok = !list || cp_never_print_load(&np, list, (cp_pos){NULL, 0, 0}, "--never-print", d);
    ok = (!key->s || cp_never_print_load(&np, key->s, key->pos, "never_print", d)) && ok;
    if (ok) {
        cp_np_check c;
        cp_np_check_init(&c, lc, &np);
        for (size_t i = 0; i < n; i++)
            cp_np_check_doc(&c, docs[i], names[i]);
        ok = c.found == 0;
        cp_np_check_finish(&c);
    }
    cp_never_print_finish(&np);
    return ok;
}

static void print_written(const cp_pdf_out *o)
{
    printf("wrote %s (%d page%s, %.*f %s)\n", o->path, o->pages, o->pages == 1 ? "" : "s",
           o->bytes >= 1000000 ? 1 : 0, o->bytes >= 1000000 ? o->bytes / 1e6 : o->bytes / 1e3,
           o->bytes >= 1000000 ? "MB" : "kB");
}

/* One line per photo: what the crop sheet shows in detail, for the terminal. */
static void print_photos(cp_layout_ctx *lc)
{
    cp_crops *c = cp_crops_lookup(lc);
    int analysed, cached;
    double ms;
    cp_focus_cache_stats(c->cache, &analysed, &cached, &ms);
    for (size_t i = 0; i < c->n; i++) {
        const cp_placement *pl = &c->items[i];
        const cp_focus *fo = pl->focus;
        printf("  %-10s %-24s focus %-6s %2d face%s %4.0f ppi  %s\n", pl->page,
               pl->photo->given ? pl->photo->given : cp_path_basename(pl->photo->path.s),
               cp_focus_source_name(pl->source), fo ? fo->n_faces : 0,
               fo && fo->n_faces == 1 ? " " : "s", pl->ppi,
               !fo          ? "not analysed"
               : fo->cached ? "cached"
                            : "analysed");
    }
    printf("photos: %d analysed (%.0f ms of CPU, %.0f ms each), %d from the cache\n", analysed, ms,
           analysed ? ms / analysed : 0.0, cached);
}

/* The contact sheet's pages as PNG: contact-sheet.png, or -1.png, -2.png ... */
static bool write_pngs(const cp_sheet_job *job, const cp_doc *contact, cp_diags *d)
{
    cp_render_cache *rc = cp_render_cache_new();
    bool ok = true;
    for (size_t i = 0; i < contact->n_pages && ok; i++) {
        char name[64];
        if (contact->n_pages == 1)
            snprintf(name, sizeof name, "contact-sheet.png");
        else
            snprintf(name, sizeof name, "contact-sheet-%zu.png", i + 1);
        const char *path = cp_path_join(job->lc->arena, job->dir, name);
        ok = cp_render_png(&contact->pages[i], CONTACT_PNG_DPI, path, rc, d);
        if (ok && !job->quiet)
            printf("wrote %s\n", path);
    }
    cp_render_cache_free(rc);
    return ok;
}

static bool write_pdfs(const cp_sheet_job *job, const cp_doc *crops, const cp_doc *contact,
                       cp_diags *d)
{
    cp_arena *a = job->lc->arena;
    cp_pdf_meta meta = *job->meta;
    meta.icc_path = NULL; /* sheets are for screens and office printers: sRGB */
    meta.icc_condition = NULL;
    meta.max_image_ppi = SHEET_PPI;
    cp_pdf_meta cmeta = meta;
    meta.title = crops->title;
    meta.subject = "Crop sheet";
    cmeta.title = contact->title;
    cmeta.subject = "Contact sheet";
    cp_pdf_out outs[2];
    memset(outs, 0, sizeof outs);
    bool ok = crops->n_pages > 0 || (cp_error(d, cp_pos_file(job->lc->cal->manifest),
                                              "no photo is placed: the crop sheet would be empty"),
                                     false);
    ok = ok && cp_pdf_prepare(crops, cp_path_join(a, job->dir, "crops.pdf"), &meta, &outs[0], d) &&
         cp_pdf_prepare(contact, cp_path_join(a, job->dir, "contact-sheet.pdf"), &cmeta, &outs[1],
                        d);
    for (int i = 0; i < 2 && ok; i++)
        ok = cp_pdf_commit(&outs[i], d);
    for (int i = 0; i < 2 && ok && !job->quiet; i++)
        print_written(&outs[i]);
    for (int i = 0; i < 2; i++)
        cp_pdf_discard(&outs[i]);
    return ok;
}

bool cp_sheet_write(const cp_sheet_job *job, cp_diags *d)
{
    cp_doc crops, contact;
    cp_doc_init(&crops);
    cp_doc_init(&contact);
    cp_layout_crop_sheet(job->lc, &crops);
    const cp_doc *docs[2] = {job->calendar, job->press};
    const char *names[2] = {"Calendar", "Press release"};
    cp_layout_contact_sheet(job->lc, docs, names, 2, &contact);
    const cp_doc *sheets[2] = {&crops, &contact};
    const char *files[2] = {"crops.pdf", "contact-sheet.pdf"};
    bool ok = !cp_diags_failed(d) &&
              cp_sheet_never_print(job->lc, job->never_print, sheets, files, 2, d) &&
              write_pdfs(job, &crops, &contact, d) && write_pngs(job, &contact, d);
    if (ok && !job->quiet)
        print_photos(job->lc);
    cp_doc_finish(&crops);
    cp_doc_finish(&contact);
    return ok;
}
