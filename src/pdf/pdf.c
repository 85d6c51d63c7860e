/* PDF surface drawing into a scratch file (or memory), then the hand-over to an output set. */
#define _GNU_SOURCE /* O_TMPFILE, mkostemp */
#include "pdf/internal.h"
#include "base/hash.h"
#include "base/path.h"
#include "base/strbuf.h"
#include "base/util.h"
#include "render/render.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* cairo's output is kept in memory up to SPILL bytes (photos are stand-ins, so a calendar's is
 * about half a megabyte); past that (photos cairo embeds as pixels) it goes on in a scratch file,
 * gathered into writes of SCRATCH_BUF. */
#define SPILL       (4 * 1024 * 1024)
#define SCRATCH_BUF (256 * 1024)

/* Where cairo's bytes go: memory, then a scratch file if they outgrow it; hashed as they come,
 * for the document ID. */
typedef struct drawn {
    cp_strbuf mem;
    bool spill;               /* may go to a scratch file (else all in memory) */
    int fd;                   /* the scratch file, or -1 */
    const char *dir, *target; /* the scratch file's folder, the output file's path */
    int err; /* errno of the first failed write to fd; -1: no scratch file (reported) */
    cp_diags *d;
    cp_hasher hash;
    unsigned char *buf; /* SCRATCH_BUF bytes not yet written to fd */
    size_t len;
} drawn;

/* Writes the gathered bytes into the scratch file; false (with err set) once a write failed. */
static bool drawn_flush(drawn *out)
{
    if (!out->err)
        out->err = cp_write_all(out->fd, out->buf, out->len);
    out->len = 0;
    return !out->err;
}

static int scratch_file(const char *dir, cp_diags *d);

/* $TMPDIR, else /tmp. */
static const char *scratch_dir(void)
{
    const char *tmp = getenv("TMPDIR");
    return tmp && *tmp ? tmp : "/tmp";
}

/* From memory to a scratch file: what is in memory goes first. */
static bool drawn_spill(drawn *out)
{
    out->fd = scratch_file(out->dir, out->d);
    if (out->fd < 0) {
        out->err = -1; /* reported */
        return false;
    }
    out->buf = cp_xmalloc(SCRATCH_BUF);
    out->err = cp_write_all(out->fd, out->mem.data, out->mem.len);
    cp_strbuf_finish(&out->mem);
    cp_strbuf_init(&out->mem);
    return !out->err;
}

static cairo_status_t to_drawn(void *closure, const unsigned char *data, unsigned int len)
{
    drawn *out = closure;
    if (out->err)
        return CAIRO_STATUS_WRITE_ERROR;
    cp_hasher_bytes(&out->hash, data, len);
    if (out->fd < 0 && (!out->spill || out->mem.len + len <= SPILL)) {
        cp_strbuf_add(&out->mem, data, len);
        return CAIRO_STATUS_SUCCESS;
    }
    if (out->fd < 0 && !drawn_spill(out))
        return CAIRO_STATUS_WRITE_ERROR;
    while (len && !out->err) {
        size_t n = SCRATCH_BUF - out->len < len ? SCRATCH_BUF - out->len : len;
        memcpy(out->buf + out->len, data, n);
        out->len += n;
        data += n;
        len -= (unsigned int)n;
        if (out->len == SCRATCH_BUF)
            drawn_flush(out);
    }
    return out->err ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* A failed write into the scratch file, reported as a write of the output file it is for (the
 * disk is full, the file too large): true if that was what stopped cairo. */
static bool write_failed(const drawn *pdf, cp_diags *d)
{
    if (!pdf->err)
        return false;
    if (pdf->err < 0)
        return true;
    cp_error(d, cp_pos_file(pdf->target),
             "cannot write: %s (cairo's output, in a scratch file in %s)", strerror(pdf->err),
             pdf->dir);
    return true;
}

static void iso_date(time_t t, char *buf, size_t n)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Draws every page with cairo into pdf. */
static bool draw(const cp_doc *doc, const cp_pdf_meta *meta, drawn *pdf, cp_diags *d)
{
    if (doc->n_pages == 0) {
        cp_error(d, (cp_pos){NULL, 0, 0}, "nothing to write: the document has no pages");
        return false;
    }
    const cp_page *p0 = &doc->pages[0];
    double m0 = 2 * (p0->bleed + p0->slug);
    cairo_surface_t *s =
        cairo_pdf_surface_create_for_stream(to_drawn, pdf, p0->trim_w + m0, p0->trim_h + m0);
    cairo_pdf_surface_restrict_to_version(s, CAIRO_PDF_VERSION_1_5);
    if (meta->title)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, meta->title);
    if (meta->author)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, meta->author);
    if (meta->creator)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, meta->creator);
    char date[32];
    iso_date(meta->date, date, sizeof date);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, date);
    cairo_t *cr = cairo_create(s);
    cp_render_cache *rc = cp_render_cache_new();
    cp_render_opts opts = {
        .raster = false, .colours = meta->colours, .max_ppi = meta->max_image_ppi};
    bool ok = true;
    for (size_t i = 0; i < doc->n_pages && ok; i++) {
        const cp_page *p = &doc->pages[i];
        double m = 2 * (p->bleed + p->slug);
        cairo_pdf_surface_set_size(s, p->trim_w + m, p->trim_h + m);
        ok = cp_render_page(cr, p, &opts, rc, d);
        cairo_show_page(cr);
        if (ok && cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
            if (!write_failed(pdf, d))
                cp_error(d, (cp_pos){NULL, 0, 0}, "cairo failed on page %zu: %s", i + 1,
                         cairo_status_to_string(cairo_status(cr)));
            ok = false;
        }
    }
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_status_t st = cairo_surface_status(s);
    if (ok && st != CAIRO_STATUS_SUCCESS) {
        if (!write_failed(pdf, d))
            cp_error(d, (cp_pos){NULL, 0, 0}, "cairo could not finish the PDF: %s",
                     cairo_status_to_string(st));
        ok = false;
    }
    cairo_surface_destroy(s);
    cp_render_cache_free(rc);
    if (ok && pdf->fd >= 0 && !drawn_flush(pdf)) {
        write_failed(pdf, d);
        ok = false;
    }
    return ok;
}

/* An unnamed scratch file for cairo's output in dir, gone when closed; -1 after reporting. The
 * scratch file is in $TMPDIR (else /tmp), not beside the output: the output's disk needs room
 * for the new files only, as before. */
static int scratch_file(const char *dir, cp_diags *d)
{
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        cp_strbuf path;
        cp_strbuf_init(&path);
        cp_strbuf_printf(&path, "%s/calpress-XXXXXX", dir);
        fd = mkostemp(path.data, O_CLOEXEC);
        if (fd >= 0)
            unlink(path.data);
        cp_strbuf_finish(&path);
    }
    if (fd < 0)
        cp_error(d, cp_pos_file(dir), "cannot make a scratch file in '%s': %s", dir,
                 strerror(errno));
    return fd;
}

int cp_pdf_scratch(cp_diags *d)
{
    return scratch_file(scratch_dir(), d);
}

/* cairo writes into memory (or a scratch file, when its output is large), qpdf reads it from
 * there and the finished PDF goes into f as it is made: the photos go from the image layer's
 * memory into f once (their stand-ins are filled as qpdf writes), and cairo's bytes are hashed
 * once, as cairo makes them, for the document ID. */
bool cp_pdf_write(cp_outset *s, const char *name, const cp_doc *doc, const cp_pdf_meta *meta,
                  cp_pdf_written *out, cp_diags *d)
{
    memset(out, 0, sizeof *out);
    /* The module first: without it, drawing every page would be for nothing. */
    const cp_pdf_post_api *post = cp_pdf_post(d);
    if (!post)
        return false;
    cp_outfile *f = cp_outset_add(s, name, d);
    if (!f)
        return false;
    drawn pdf = {
        .spill = true, .fd = -1, .dir = scratch_dir(), .target = cp_outfile_path(f), .d = d};
    cp_strbuf_init(&pdf.mem);
    cp_hasher_init(&pdf.hash);
    bool ok = draw(doc, meta, &pdf, d);
    free(pdf.buf);
    if (ok) {
        unsigned char hash[16];
        cp_hasher_digest128(&pdf.hash, hash);
        char path[40];
        snprintf(path, sizeof path, "/proc/self/fd/%d", pdf.fd);
        ok = post->postprocess_drawn(pdf.fd >= 0 ? NULL : pdf.mem.data, pdf.mem.len,
                                     pdf.fd >= 0 ? path : NULL, hash, doc, meta, f, &out->pages, d);
    }
    cp_hasher_finish(&pdf.hash);
    cp_strbuf_finish(&pdf.mem);
    if (pdf.fd >= 0)
        close(pdf.fd);
    out->bytes = ok ? cp_outfile_size(f) : 0;
    out->hash = ok ? cp_outfile_hash(f) : 0;
    return ok;
}

static bool to_strbuf(void *ctx, const void *data, size_t len, cp_diags *d)
{
    (void)d;
    cp_strbuf_add(ctx, data, len);
    return true;
}

bool cp_pdf_make(const cp_doc *doc, const cp_pdf_meta *meta, cp_strbuf *out, int *pages,
                 cp_diags *d)
{
    drawn to = {.fd = -1, .d = d};
    cp_strbuf_init(&to.mem);
    cp_hasher_init(&to.hash);
    const cp_pdf_post_api *post = cp_pdf_post(d);
    bool ok = post && draw(doc, meta, &to, d) &&
              post->postprocess(to.mem.data, to.mem.len, doc, meta, to_strbuf, out, pages, d);
    cp_hasher_finish(&to.hash);
    cp_strbuf_finish(&to.mem);
    return ok;
}

const char *cp_pdf_condition_name(const cp_pdf_meta *meta)
{
    /* Never the profile's folder: it would carry a user's home and project names. */
    return meta->icc_condition ? meta->icc_condition
           : meta->icc_path    ? cp_path_basename(meta->icc_path)
                               : "sRGB IEC61966-2.1";
}
