/* render into a folder that holds the last proof: pages whose inputs are unchanged are neither
 * laid out nor drawn again, but taken from the last render's PDF and build record
 * (docs/cli.md#reusing-the-last-proof). The parts of src/main.c's render that reuse needs. */
#ifndef CP_REUSE_H
#define CP_REUSE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/hash.h"
#include "base/inputs.h"
#include "layout/layout.h"
#include "pdf/pdf.h"
#include "record/record.h"

typedef struct reuse_state {
    bool keep;     /* this run keeps its pages in its record (a proof of one manifest) */
    cp_record old; /* the folder's record, when it can be reused from (have_old) */
    bool have_old;
    cp_inputs inputs;   /* the files the run read, by content: the pages' keys */
    cp_kept_pages kept; /* this run's pages for its record (strings in the run's arena) */
    uint64_t context;   /* this run's reuse context (set by the caller before the layout) */
    bool reusing;       /* pages may be reused: the layout was given old.kept */
    bool failed;        /* a reused page cannot be put in place: the run starts again whole */
    int drawn, pages;   /* PDF pages drawn in this run, of all */
} reuse_state;

/* keep: whether this run keeps its pages for the next one; fresh: reuse nothing. Reads
 * DIR/.calpress/build.json if it is a record this calpress wrote with kept pages (a damaged one
 * is left to the change report to warn about). */
void reuse_init(reuse_state *rs, bool keep, bool fresh, const char *out_dir);
void reuse_finish(reuse_state *rs);

/* Before the layout: gives lc the kept pages to reuse when the old record's context is
 * `context` and both PDFs at paths are still the files it describes; and always (when keeping)
 * where to keep this run's pages, in arena a. */
void reuse_attach(reuse_state *rs, cp_layout_ctx *lc, uint64_t context, const char *const paths[2],
                  cp_arena *a);

/* Writes document k as the output set's file `name` (path: its place, the old file until the
 * set is committed): drawn whole when no page is reused, else the old PDF with only the pages
 * laid out in this run drawn again. When a reused page is not the old file's page at the same
 * place (its decorations or position differ), sets rs->failed and returns false without a
 * diagnostic: the caller renders again, reusing nothing. */
bool reuse_write_pdf(reuse_state *rs, int k, const cp_record *now, const cp_doc *doc, cp_outset *s,
                     const char *name, const char *path, const cp_pdf_meta *meta,
                     cp_pdf_written *out, cp_diags *d);

/* After both PDFs are in place, before the record is saved: the record keeps the pages, the
 * context and the PDFs' stamps. */
void reuse_note(reuse_state *rs, cp_record *now, const char *const paths[2],
                const cp_pdf_written written[2]);

/* A file's contents for a context hash: its path and bytes' hash (0 when unreadable). */
void reuse_hash_file(cp_hasher *h, const char *path);

#endif
