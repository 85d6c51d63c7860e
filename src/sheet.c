/* calpress sheet: crops.pdf, contact-sheet.pdf and contact-sheet.png. */
#include "sheet.h"
#include "base/path.h"
#include "image/focus.h"
#include "layout/cropcheck.h"
#include "layout/sheets.h"
#include "render/render.h"

#include <stdio.h>
#include <string.h>

/* Photos on the sheets: sharp on screen and in print-outs, small enough to e-mail. */
#define SHEET_PPI 150.0
/* The contact sheet's PNG: A3 landscape at 100 dpi is 1654 x 1169 pixels. */
#define CONTACT_PNG_DPI 100.0

static void print_written(const char *path, const cp_pdf_written *o)
{
    printf("wrote %s (%d page%s, %.*f %s)\n", path, o->pages, o->pages == 1 ? "" : "s",
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

/* The sheets' metadata: the calendar's, sRGB (sheets are for screens and office printers), its
 * photos resampled to SHEET_PPI. */
static void sheet_metas(const cp_sheet_job *job, const cp_doc *crops, const cp_doc *contact,
                        cp_pdf_meta metas[2])
{
    cp_pdf_meta meta = *job->meta;
    meta.icc_path = NULL;
    meta.icc_condition = NULL;
    meta.icc_pos = (cp_pos){NULL, 0, 0};
    meta.max_image_ppi = SHEET_PPI;
    metas[0] = metas[1] = meta;
    metas[0].title = crops->title;
    metas[0].subject = "Crop sheet";
    metas[1].title = contact->title;
    metas[1].subject = "Contact sheet";
}

/* The file name of the contact sheet's page i: contact-sheet.png, or -1.png, -2.png ... */
static const char *png_name(const cp_doc *contact, size_t i, char *buf, size_t size)
{
    if (contact->n_pages == 1)
        snprintf(buf, size, "contact-sheet.png");
    else
        snprintf(buf, size, "contact-sheet-%zu.png", i + 1);
    return buf;
}

/* The contact sheet's pages as PNG, into the set. */
static bool add_pngs(cp_outset *set, const cp_doc *contact, cp_colours *colours, cp_diags *d)
{
    cp_render_cache *rc = cp_render_cache_new();
    bool ok = true;
    for (size_t i = 0; i < contact->n_pages && ok; i++) {
        char name[64];
        cp_outfile *f = cp_outset_add(set, png_name(contact, i, name, sizeof name), d);
        ok = f && cp_render_png(&contact->pages[i], CONTACT_PNG_DPI, f, rc, colours, d);
    }
    cp_render_cache_free(rc);
    return ok;
}

/* Both PDFs and the PNGs into the output folder as one set (base/outfile.h): all are put in
 * place together, or none is and the folder keeps what it held. */
static bool write_sheets(const cp_sheet_job *job, const cp_doc *crops, const cp_doc *contact,
                         const cp_pdf_meta metas[2], cp_diags *d)
{
    if (crops->n_pages == 0) {
        cp_error(d, cp_pos_file(job->lc->cal->manifest),
                 "no photo is placed: the crop sheet would be empty");
        return false;
    }
    cp_pdf_written outs[2];
    memset(outs, 0, sizeof outs);
    cp_outset *set = cp_outset_open(job->dir, true, d);
    bool ok = set && cp_pdf_write(set, "crops.pdf", crops, &metas[0], &outs[0], d) &&
              cp_pdf_write(set, "contact-sheet.pdf", contact, &metas[1], &outs[1], d) &&
              add_pngs(set, contact, metas[1].colours, d) && cp_outset_commit(set, d);
    cp_outset_free(set);
    if (!ok || job->quiet)
        return ok;
    cp_arena *a = job->lc->arena;
    print_written(cp_path_join(a, job->dir, "crops.pdf"), &outs[0]);
    print_written(cp_path_join(a, job->dir, "contact-sheet.pdf"), &outs[1]);
    for (size_t i = 0; i < contact->n_pages; i++) {
        char name[64];
        printf("wrote %s\n", cp_path_join(a, job->dir, png_name(contact, i, name, sizeof name)));
    }
    return true;
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
    cp_pdf_meta metas[2];
    sheet_metas(job, &crops, &contact, metas);
    /* The PNGs show what contact-sheet.pdf shows. */
    cp_np_target targets[2] = {{&crops, "crops.pdf", &metas[0]},
                               {&contact, "contact-sheet.pdf", &metas[1]}};
    bool ok = !cp_diags_failed(d) &&
              cp_pdf_never_print_check(job->lc, job->never_print, targets, 2, d) &&
              write_sheets(job, &crops, &contact, metas, d);
    if (ok && !job->quiet)
        print_photos(job->lc);
    cp_doc_finish(&crops);
    cp_doc_finish(&contact);
    return ok;
}
