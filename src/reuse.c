/* render's reuse of the last proof's pages: the build record keeps each page's key, boxes and
 * diagnostics, and where the PDFs are still the files it describes, pages with unchanged keys are
 * put in place from the old PDF (pdf/patch.c) instead of being laid out and drawn again. */
#define _POSIX_C_SOURCE 200809L
#include "reuse.h"
#include "base/hash.h"
#include "base/util.h"
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void reuse_init(reuse_state *rs, bool keep, bool fresh, const char *out_dir)
{
    memset(rs, 0, sizeof *rs);
    rs->keep = keep;
    cp_record_init(&rs->old);
    cp_inputs_init(&rs->inputs);
    if (!keep || fresh)
        return;
    size_t n = strlen(out_dir) + 32;
    char *path = cp_xmalloc(n);
    snprintf(path, n, "%s/.calpress/build.json", out_dir);
    cp_diags tmp; /* a damaged record: the change report says so */
    cp_diags_init(&tmp);
    bool ok = access(path, F_OK) == 0 && cp_record_load(&rs->old, path, &tmp);
    cp_diags_finish(&tmp);
    free(path);
    /* Only a proof record of this very calpress: another version may lay out otherwise. */
    rs->have_old = ok && rs->old.version == CP_RECORD_VERSION && rs->old.have_reuse &&
                   rs->old.generator && strcmp(rs->old.generator, "calpress " CP_VERSION) == 0 &&
                   rs->old.mode && strcmp(rs->old.mode, "proof") == 0 && rs->old.n_docs == 2;
}

void reuse_finish(reuse_state *rs)
{
    cp_record_finish(&rs->old);
    cp_inputs_finish(&rs->inputs);
    free(rs->kept.items);
    memset(rs, 0, sizeof *rs);
}

void reuse_attach(reuse_state *rs, cp_layout_ctx *lc, uint64_t context, const char *const paths[2],
                  cp_arena *a)
{
    if (!rs->keep)
        return;
    rs->context = context;
    rs->kept.arena = a;
    lc->keep = &rs->kept;
    rs->reusing = rs->have_old && rs->old.context == context &&
                  cp_record_pdf_intact(&rs->old, 0, paths[0], true) &&
                  cp_record_pdf_intact(&rs->old, 1, paths[1], true);
    if (rs->reusing)
        lc->reuse_from = &rs->old.kept;
}

/* Which pages of doc are drawn again; false if a reused page is not the old file's page at its
 * place (or the old file has another number of pages). */
static bool pages_to_draw(const reuse_state *rs, int k, const cp_record *now, const cp_doc *doc,
                          bool *changed, size_t *n_changed)
{
    const cp_rec_doc *old = &rs->old.docs[k], *cur = &now->docs[k];
    if (old->n_pages != doc->n_pages || cur->n_pages != doc->n_pages)
        return false;
    *n_changed = 0;
    for (size_t i = 0; i < doc->n_pages; i++) {
        const cp_rec_page *o = &old->pages[i], *c = &cur->pages[i];
        bool same = o->keyed && c->keyed && o->drawn == c->drawn;
        if (doc->pages[i].reused && !same)
            return false;
        changed[i] = !same;
        *n_changed += changed[i];
    }
    return true;
}

/* The old PDF again, byte for byte, when none of its pages is drawn again: what a render of
 * the same pages made (and cheaper than a pass through qpdf). Read with plain stdio: the old
 * PDF is an output, not an input the run may not write over. */
static bool copy_old(cp_outset *s, const char *name, const char *path, cp_pdf_written *out,
                     int pages, cp_diags *d)
{
    memset(out, 0, sizeof *out);
    cp_outfile *f = cp_outset_add(s, name, d);
    if (!f)
        return false;
    FILE *in = fopen(path, "rb");
    struct stat st;
    bool read_ok = in && fstat(fileno(in), &st) == 0 && st.st_size >= 0;
    /* In pieces: a PNG calendar's PDF is over 100 MB. */
    size_t cap = 1 << 20, total = 0, n;
    char *buf = cp_xmalloc(cap);
    bool wrote = true; /* cp_outfile_write reports its own failure */
    while (read_ok && wrote && (n = fread(buf, 1, cap, in)) > 0) {
        wrote = cp_outfile_write(f, buf, n, d);
        total += n;
    }
    read_ok = read_ok && (!wrote || (!ferror(in) && total == (size_t)st.st_size));
    if (!read_ok)
        cp_error(d, cp_pos_file(path), "cannot read the last proof's PDF again");
    bool ok = read_ok && wrote;
    if (in)
        fclose(in);
    free(buf);
    out->pages = ok ? pages : 0;
    out->bytes = ok ? cp_outfile_size(f) : 0;
    out->hash = ok ? cp_outfile_hash(f) : 0;
    return ok;
}

bool reuse_write_pdf(reuse_state *rs, int k, const cp_record *now, const cp_doc *doc, cp_outset *s,
                     const char *name, const char *path, const cp_pdf_meta *meta,
                     cp_pdf_written *out, cp_diags *d)
{
    size_t reused = 0;
    for (size_t i = 0; i < doc->n_pages; i++)
        reused += doc->pages[i].reused;
    if (k == 0)
        rs->drawn = rs->pages = 0;
    rs->pages += (int)doc->n_pages;
    if (!reused) {
        rs->drawn += (int)doc->n_pages;
        return cp_pdf_write(s, name, doc, meta, out, d);
    }
    bool *changed = cp_xcalloc(doc->n_pages ? doc->n_pages : 1, sizeof *changed);
    size_t n_changed = 0;
    /* The file is checked again (its size and time: its bytes were read before the layout) now
     * the folder is locked: another run may have replaced it since. */
    bool ok = rs->reusing && pages_to_draw(rs, k, now, doc, changed, &n_changed) &&
              cp_record_pdf_intact(&rs->old, (size_t)k, path, false);
    if (!ok) {
        rs->failed = true;
        free(changed);
        return false;
    }
    rs->drawn += (int)n_changed;
    ok = n_changed ? cp_pdf_write_patch(s, name, doc, changed, meta, out, d)
                   : copy_old(s, name, path, out, (int)doc->n_pages, d);
    free(changed);
    return ok;
}

void reuse_note(reuse_state *rs, cp_record *now, const char *const paths[2],
                const cp_pdf_written written[2])
{
    if (!rs->keep || !rs->kept.arena)
        return;
    now->have_reuse = true;
    now->context = rs->context;
    now->kept = rs->kept; /* borrowed: the record is saved before the run ends */
    for (size_t i = 0; i < 2 && i < now->n_docs; i++)
        cp_record_stamp_written(now, i, paths[i], written[i].bytes, written[i].hash);
}

void reuse_hash_file(cp_hasher *h, const char *path)
{
    cp_hasher_str(h, path);
    size_t len = 0;
    char *data = path ? cp_read_file(path, &len) : NULL;
    cp_hasher_u64(h, data ? cp_hash_bytes(data, len) : 0);
    free(data);
}
