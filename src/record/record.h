/* The build record: what each frame of each page showed in one render, as hashes, kept beside
 * the PDFs in DIR/.calpress/build.json (docs/cli.md#the-build-record). Comparing two records says
 * what changed between two proofs, in the designer's words ("March body (reset: 2 lines
 * longer)"); --mark-changes outlines those frames on the proof. */
#ifndef CP_RECORD_H
#define CP_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/arena.h"
#include "base/diag.h"
#include "layout/display.h"
#include "layout/layout.h"
#include "layout/text.h"

/* The version this calpress writes; records of a later version are not read. */
#define CP_RECORD_VERSION 2
/* The tag of the items --mark-changes adds (never part of a frame's hash). */
#define CP_RECORD_MARK_TAG "changes"

/* One frame of one page: a group of display items (the tags "name" and "pseudonym" are the
 * frame "name"; "day", "weekday" and "rule" are the "grid"), hashed without the slug, the
 * watermark, the overlay and the change marks. */
typedef struct cp_rec_frame {
    const char *name;   /* designer-facing: "March body", "press release headline" */
    const char *frame;  /* the frame's words without the page: "body" */
    const char *source; /* "stories/neha.yaml:6", where its content came from; NULL if unknown */
    uint64_t hash;      /* everything below together */
    uint64_t text;      /* the lines' text as set (line breaks included) */
    uint64_t style;     /* fonts, sizes, glyphs and their advances, colours */
    uint64_t geometry;  /* positions and sizes, to 1/100 pt */
    uint64_t crop;      /* photos: where the picture lies in its frame */
    uint64_t photo;     /* photos: the bytes of the file(s) */
    bool has_photo;
    int lines; /* lines of text (distinct baselines) */
} cp_rec_frame;

typedef struct cp_rec_page {
    const char *label; /* "cover", "January", "press 1" */
    uint64_t hash;     /* the page's frames together */
    cp_rec_frame *frames;
    size_t n_frames;
    /* Version 2, for the next render's reuse (keyed false when not recorded): the page `which`
     * it belongs to (as cp_lc_cached numbers them) and its number there, the key of its inputs,
     * and `drawn`, what its PDF page shows: the key with the decorations (slug, watermark,
     * overlay, marks) and the page's position in the file. */
    bool keyed;
    int which, part;
    uint64_t key, drawn;
} cp_rec_page;

typedef struct cp_rec_doc {
    const char *kind; /* "calendar" or "press release" */
    const char *file; /* "calendar.pdf" */
    cp_rec_page *pages;
    size_t n_pages;
    /* Version 2: the PDF as written (have_pdf false when not recorded): the next render reuses
     * its pages only if the file is still exactly this one. */
    bool have_pdf;
    long long pdf_bytes, pdf_mtime_s, pdf_mtime_ns;
    uint64_t pdf_hash; /* XXH3 of the whole file */
} cp_rec_doc;

typedef struct cp_record {
    cp_arena arena; /* every string and array below */
    int version;
    int proof;             /* 1 for the first render into a folder, then one more each render */
    const char *date;      /* ISO 8601 with the UTC offset: "2026-11-28T14:02:11+01:00" */
    const char *mode;      /* "proof" or "press" */
    const char *generator; /* "calpress 0.1.0" */
    const char *manifest;  /* as given on the command line */
    cp_rec_doc *docs;
    size_t n_docs;
    /* Version 2 (have_reuse false when not recorded: --press, watch, several manifests): the
     * hash of everything a reused page depends on besides its key (options, output intent,
     * never-print lists, build date, calpress version), and every page's kept layout: its
     * boxes and its diagnostics. Built: kept's arrays are borrowed from the run; loaded: in
     * the record's arena. */
    bool have_reuse;
    uint64_t context;
    cp_kept_pages kept;
} cp_record;

/* A document to describe: its display list, kind and file name. `prefix` names its frames
 * ("press release" gives "press release headline" on every page); NULL names them after each
 * page's label ("March body"). */
typedef struct cp_record_input {
    const char *kind, *file, *prefix;
    const cp_doc *doc;
    /* Pages marked reused take their frames from this record's document of the same index
     * (the page of the same which, part and key); NULL when none is reused. */
    const cp_record *reused_from;
} cp_record_input;

void cp_record_init(cp_record *r);
void cp_record_finish(cp_record *r);

/* Describes n documents as proof number `proof`, made at `date`. */
void cp_record_build(cp_record *r, const cp_record_input *docs, size_t n, int proof, time_t date,
                     const char *mode, const char *generator, const char *manifest);

/* Reads a record written by any calpress up to CP_RECORD_VERSION into r (initialised here; finish
 * it in any case). On failure reports an error at path (what is wrong with it) and returns false
 * with r empty. */
bool cp_record_load(cp_record *r, const char *path, cp_diags *d);
/* Notes the PDF of document `doc` as written at path (size, time, hash of its bytes) for the
 * next render's reuse; false if it cannot be read (then nothing is noted). */
bool cp_record_stamp_pdf(cp_record *r, size_t doc, const char *path);
/* The same for a PDF this run wrote at path, its bytes and their hash known from the writing:
 * the file is read again only if its size is not `bytes`. */
bool cp_record_stamp_written(cp_record *r, size_t doc, const char *path, size_t bytes,
                             uint64_t hash);
/* True if path is still the PDF r noted for document `doc`: same size and time, and with
 * `read`, the same hash of its bytes. */
bool cp_record_pdf_intact(const cp_record *r, size_t doc, const char *path, bool read);
/* Writes r as JSON to path through a temporary file beside it, renamed when complete. */
bool cp_record_save(const cp_record *r, const char *path, cp_diags *d);

/* A frame that differs between two records. */
typedef struct cp_change {
    const char *name;   /* "March body" (in the newer record, else the older) */
    const char *frame;  /* "body" */
    const char *reason; /* "reset: 2 lines longer", "new file", "moved", ... */
    size_t doc;         /* the document in the newer record, or (size_t)-1 when removed */
} cp_change;

typedef struct cp_changes {
    cp_arena arena;
    cp_change *items;
    size_t n;
    int since_proof;        /* the older record's proof number */
    const char *since_date; /* its date as "2026-11-28 14:02" */
} cp_changes;

/* Compares two records, frame by frame in the newer one's order (frames of one name on several
 * pages, such as a press release's body, compare as one). Release with cp_changes_finish. */
void cp_record_compare(const cp_record *old, const cp_record *now, cp_changes *out);
void cp_changes_finish(cp_changes *c);
/* "changed since proof 7 (2026-11-28 14:02): March body (reset: 2 lines longer), April photo
 * (new file)" or "no changes since proof 7 (2026-11-28 14:02)"; malloc'd, owned by the caller. */
char *cp_changes_report(const cp_changes *c);

/* The designer's words for an item's tag ("pseudonym" -> "name", "day" -> "grid"), or NULL for
 * the items a record leaves out (slug, watermark, overlay, change marks). */
const char *cp_record_frame_of(const char *tag);

/* --mark-changes: outlines on doc (the newer record's document number doc_index, whose frames
 * are named with `prefix` as in cp_record_input) every frame that changed, in a thin coloured
 * line, and lists the changes of each such page in small type in its top slug (on pages without
 * a slug, at the top of the page). `style` is the layout's style for small print (the slug's);
 * its family is used at 6 pt. */
void cp_record_mark(cp_doc *doc, const char *prefix, size_t doc_index, const cp_changes *c,
                    cp_typesetter *ts, const cp_style *style);

/* The proof folder: DIR/.calpress/build.json read before a render and written after it. */
typedef struct cp_proof {
    char *path;    /* DIR/.calpress/build.json, owned */
    cp_record old; /* the last render's record (when have_old) */
    bool have_old;
    cp_record now;      /* this render's */
    cp_changes changes; /* when have_old */
} cp_proof;

/* Reads DIR's record (a damaged or newer one is a warning, and numbering starts again), then
 * describes docs as the next proof and compares. date: when the proof is made. */
void cp_proof_begin(cp_proof *p, const char *out_dir, const cp_record_input *docs, size_t n,
                    time_t date, const char *mode, const char *generator, const char *manifest,
                    cp_diags *d);
/* Writes this render's record; call only after both PDFs are in place. A failure is a warning
 * (the PDFs are good; the next render cannot say what changed) and returns false. */
bool cp_proof_commit(cp_proof *p, cp_diags *d);
/* The report line for this render: "proof 8: changed since proof 7 (...): ..." or "proof 1 (the
 * first in DIR)"; malloc'd, owned by the caller. */
char *cp_proof_report(const cp_proof *p, const char *out_dir);
void cp_proof_finish(cp_proof *p);

#endif
