/* calpress watch: renders, then renders again whenever a file the manifest read changes, with
 * fonts, shaping caches, photos and unchanged pages kept warm between builds (src/watch.c), and
 * the parts of src/main.c it shares with render. */
#ifndef CP_WATCH_H
#define CP_WATCH_H

#include <stdbool.h>
#include <time.h>

#include "base/inputs.h"
#include "fonts/fonts.h"
#include "layout/layout.h"
#include "layout/text.h"
#include "pdf/pdf.h"

/* A PDF watch wrote, and what its pages show: the next build draws only the pages that differ. */
typedef struct watch_pdf {
    char *path;      /* NULL until written */
    uint64_t *pages; /* each page's cp_page_hash */
    size_t n_pages;
    uint64_t meta; /* its metadata and output intent, but the dates */
    unsigned long long dev, ino, size;
    long long mtime_s, mtime_ns; /* the file as written: anything else there is made whole */
    uint64_t *pending;           /* the hashes of the build under way */
    size_t n_pending;
} watch_pdf;

/* What watch keeps from one build to the next. */
typedef struct watch_state {
    cp_fonts *fonts; /* NULL until the first build that gets as far as fonts */
    cp_typesetter ts;
    bool have_ts;
    cp_photo_cache photos;
    cp_page_cache *pages;
    cp_inputs inputs;  /* the files the current build read or looked for */
    watch_pdf pdfs[2]; /* the calendar's, the press release's */
    /* What the last build did, for its one-line summary. */
    char *report; /* "proof 8: changed since proof 7 (...): ..."; NULL when it wrote nothing */
    int laid_out, reused, placeholders;
    int drawn, all_pages; /* PDF pages drawn again, of all pages */
} watch_state;

void watch_state_init(watch_state *w);
void watch_state_finish(watch_state *w);
/* The typesetter for the next build (fonts set up on first use, from fonts_dir), pointed at its
 * arena and diagnostics; NULL after reporting a font set-up error. Starts the photo cache's
 * next build. Borrowed from w. */
cp_typesetter *watch_state_begin(watch_state *w, const char *fonts_dir, const char *hyphen_dir,
                                 cp_arena *a, cp_diags *d);

/* Writes document k's PDF (0 the calendar, 1 the press release) as the file name of the output
 * set s, as cp_pdf_write does; when the last build wrote the file at path (the set's DIR/name)
 * and at most half its pages differ, by drawing only those again (cp_pdf_write_patch). */
bool watch_write_pdf(watch_state *w, int k, const cp_doc *doc, cp_outset *s, const char *name,
                     const char *path, const cp_pdf_meta *meta, cp_pdf_written *out, cp_diags *d);
/* After both PDFs are in place: remembers what document k's holds. */
void watch_pdf_written(watch_state *w, int k, const char *path, const cp_pdf_meta *meta);

/* From src/main.c: the parsed command line of render (and of watch, which takes the same
 * options), opaque here. */
typedef struct options options;
/* Parses argv as `command` does. NULL when the run is over: *status is then the exit status (0
 * after --help, 2 after a usage error already printed). Free with cli_options_free. */
options *cli_options_new(const char *name, int argc, char **argv, int *status);
void cli_options_free(options *o);
const char *cli_options_manifest(const options *o);
const char *cli_options_out_dir(const options *o);
/* One render as `calpress render` does it, quietly, with w's warm caches: returns the exit
 * status and leaves its summary in w. */
int render_with(const options *o, watch_state *w);

/* The commands of src/watch.c and src/diff.c, and their usage texts. */
int cmd_watch(int argc, char **argv);
int cmd_diff(int argc, char **argv);
extern const char watch_usage[];
extern const char diff_usage[];

#endif
