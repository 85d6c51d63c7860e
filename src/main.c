/* calpress: command line, exit codes and wiring of the layers. */
#define _POSIX_C_SOURCE 200809L
#include "base/arena.h"
#include "base/diag.h"
#include "base/inputs.h"
#include "base/readset.h"
#include "base/outfile.h"
#include "base/path.h"
#include "base/util.h"
#include "config.h"
#include "fonts/fonts.h"
#include "layout/layout.h"
#include "manifest/manifest.h"
#include "model/neverprint.h"
#include "model/richtext.h"
#include "pdf/pdf.h"
#include "record/record.h"
#include "render/render.h"
#include "watch.h"

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2 };

struct options {
    const char *manifest;
    const char *out_dir;
    bool quiet;
    bool press;        /* --press: clean pages, preflight findings are errors */
    bool overlay;      /* --overlay: trim, bleed and safe lines on proofs */
    bool placeholders; /* --placeholders: missing photos drawn as labelled boxes on proofs */
    const char *icc, *condition;
    const char *dump_layout; /* check: write the display list here ("-" for stdout) */
    double dpi;              /* preview */
    const char *never_print; /* --never-print: a list of words no output may carry */
    bool mark_changes;       /* render, watch: outline what changed since the last proof */
    const char *pages;       /* preview --pages: "3,5-7,p1" */
    bool trim;               /* preview --trim: the trimmed page only */
};

typedef struct command {
    const char *name;
    const char *summary;
    const char *usage;
    int (*run)(int argc, char **argv);
} command;

static int cmd_render(int argc, char **argv);
static int cmd_check(int argc, char **argv);
static int cmd_preview(int argc, char **argv);
static int cmd_help(int argc, char **argv);
typedef struct page_list page_list;
static bool page_list_parse(const char *spec, page_list *out);

static const command commands[] = {
    {"render", "lay out a manifest and write the calendar and press-release PDFs",
     "usage: calpress render MANIFEST [-o DIR] [--proof | --press] [--overlay] [--placeholders]\n"
     "                       [--mark-changes] [--icc PROFILE.icc [--condition NAME]]\n"
     "                       [--never-print FILE] [--quiet]\n"
     "\n"
     "Writes DIR/calendar.pdf and DIR/press-release.pdf (DIR defaults to 'out'; the manifest's\n"
     "output: section may rename the files). Both PDFs are written to temporary files and\n"
     "replace the old pair together when complete: a failed or stopped run leaves earlier output\n"
     "untouched. Two runs into one folder take turns. Then it writes the build record\n"
     "DIR/.calpress/build.json and says what changed since the last proof in DIR.\n"
     "\n"
     "  -o, --output DIR    folder for the PDFs (created if missing)\n"
     "  --proof             proof pages (the default): a light PROOF watermark\n"
     "  --press             pages for the printer: no watermark, and every preflight\n"
     "                      finding (photo resolution, colour) is an error\n"
     "  --overlay           with --proof: draw the trim, bleed and safe area\n"
     "  --placeholders      with --proof: draw a missing or unreadable photo as a\n"
     "                      labelled box (the proof is marked incomplete)\n"
     "  --mark-changes      with --proof: outline every frame that changed since the last\n"
     "                      proof in DIR, and list the changes in the slug\n"
     "  --icc FILE          the printer's ICC profile for the output intent (default sRGB)\n"
     "  --condition NAME    its printing condition identifier, e.g. FOGRA39\n"
     "  --never-print FILE  real names and places that must appear nowhere (one a line):\n"
     "                      any found is an error (see docs/safety.md)\n"
     "  -q, --quiet         print nothing but errors and warnings (no notes on what was\n"
     "                      removed from photos, no 'wrote' lines)\n",
     cmd_render},
    {"check", "load, validate and lay out a manifest; write nothing; print a copy-fit report",
     "usage: calpress check MANIFEST [--press | --placeholders] [--icc PROFILE.icc]\n"
     "                      [--never-print FILE] [--dump-layout FILE] [--quiet]\n"
     "\n"
     "Reports every problem in the manifest and the files it names, then lays out every page\n"
     "and prints, for each text frame, the lines used of the lines available, the size set,\n"
     "about how many more words fit, and notes (shrunk to fit, runts, loose lines).\n"
     "\n"
     "  --press             check as for the printer: preflight findings are errors\n"
     "  --placeholders      accept missing photos (as render --placeholders does)\n"
     "  --icc FILE          check against the printer's ICC profile, as render would\n"
     "  --never-print FILE  real names and places that must appear nowhere (one a line)\n"
     "  --dump-layout FILE  also write the display list as text ('-' for standard output)\n"
     "  -q, --quiet         no notes on what is removed from photos (errors, warnings and\n"
     "                      the report are still printed)\n",
     cmd_check},
    {"preview", "draw the pages as PNG images (quick looks, no PDF)",
     "usage: calpress preview MANIFEST [-o DIR] [--dpi N] [--pages LIST] [--trim] [--press]\n"
     "                        [--placeholders] [--never-print FILE]\n"
     "\n"
     "Lays the manifest out as render does and draws every page, bleed and slug included, as\n"
     "DIR/calendar-NN.png and DIR/press-release-N.png (DIR defaults to 'out/preview').\n"
     "\n"
     "  -o, --output DIR   folder for the images (created if missing)\n"
     "  --dpi N            resolution, 10..600 (default 40)\n"
     "  --pages LIST       only these pages: calendar page numbers (1 the cover, 2 January,\n"
     "                     ... 14 the back) and press-release pages as p1, p2, ...;\n"
     "                     e.g. 3,5-7 or 2,p1\n"
     "  --trim             draw the trimmed page only: no bleed, slug or marks\n"
     "  --press            pages as for the printer: no watermark, and every preflight\n"
     "                     finding is an error\n"
     "  --placeholders     draw a missing or unreadable photo as a labelled box\n"
     "  --never-print FILE real names and places that must appear nowhere (one a line)\n",
     cmd_preview},
    {"watch", "render, then render again whenever a file the manifest reads changes", watch_usage,
     cmd_watch},
    {"diff", "say what changed between two renders (two output folders or build records)",
     diff_usage, cmd_diff},
    {"help", "show help for a command", "usage: calpress help [COMMAND]\n", cmd_help},
};

static void usage_all(FILE *out)
{
    fprintf(out, "usage: calpress COMMAND [ARGS]\n\n"
                 "calpress turns a YAML manifest of twelve monthly stories into a print-ready A3\n"
                 "wall calendar PDF and a matching A4 press release.\n\ncommands:\n");
    for (size_t i = 0; i < CP_ARRAY_LEN(commands); i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n  calpress --version    print the version\n"
                 "  calpress help COMMAND  details of a command\n"
                 "\nexit status: 0 success (warnings allowed), 1 errors in the input or while "
                 "writing\n(nothing written), 2 usage errors.\n");
}

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < CP_ARRAY_LEN(commands); i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static int usage_error(const command *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int usage_error(const command *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "calpress: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n%s", c ? c->usage : "usage: calpress COMMAND [ARGS]\n");
    return EXIT_USAGE;
}

static int parse_options(const command *c, int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    bool preview = strcmp(c->name, "preview") == 0;
    o->out_dir = preview ? "out/preview" : "out";
    o->dpi = 40;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        /* --name=value is the same as --name value. */
        const char *eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
        char name[64];
        const char *inline_value = NULL;
        if (eq && (size_t)(eq - a) < sizeof name) {
            memcpy(name, a, (size_t)(eq - a));
            name[eq - a] = '\0';
            a = name;
            inline_value = eq + 1;
        }
#define NEXT_VALUE() (inline_value ? inline_value : (++i < argc ? argv[i] : NULL))
        bool render = strcmp(c->name, "render") == 0 || strcmp(c->name, "watch") == 0;
        bool writes = render || preview;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(c->usage, stdout);
            return -1;
        } else if (writes && (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0)) {
            const char *v = NEXT_VALUE();
            if (!v)
                return usage_error(c, "%s needs a folder", a);
            o->out_dir = v;
        } else if (preview && strcmp(a, "--dpi") == 0) {
            char *end;
            const char *v = NEXT_VALUE();
            if (!v)
                return usage_error(c, "%s needs a number", a);
            o->dpi = strtod(v, &end);
            if (*end || o->dpi < 10 || o->dpi > 600)
                return usage_error(c, "--dpi must be 10..600 (got '%s')", v);
        } else if (!preview && (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)) {
            o->quiet = true;
        } else if (strcmp(a, "--press") == 0) {
            o->press = true;
        } else if (render && strcmp(a, "--proof") == 0) {
            o->press = false;
        } else if (render && strcmp(a, "--overlay") == 0) {
            o->overlay = true;
        } else if (render && strcmp(a, "--mark-changes") == 0) {
            o->mark_changes = true;
        } else if (preview && strcmp(a, "--trim") == 0) {
            o->trim = true;
        } else if (preview && strcmp(a, "--pages") == 0) {
            const char *v = NEXT_VALUE();
            if (!v || !page_list_parse(v, NULL))
                return usage_error(c, "--pages needs a list such as 3,5-7 or 2,p1 (got '%s')",
                                   v ? v : "");
            o->pages = v;
        } else if (strcmp(a, "--placeholders") == 0) {
            o->placeholders = true;
        } else if (!preview && (strcmp(a, "--icc") == 0 || strcmp(a, "--condition") == 0)) {
            const char *v = NEXT_VALUE();
            if (!v)
                return usage_error(c, "%s needs a value", a);
            *(a[2] == 'i' ? &o->icc : &o->condition) = v;
        } else if (strcmp(c->name, "check") == 0 && strcmp(a, "--dump-layout") == 0) {
            const char *v = NEXT_VALUE();
            if (!v)
                return usage_error(c, "%s needs a file", a);
            o->dump_layout = v;
        } else if (strcmp(a, "--never-print") == 0) {
            const char *v = NEXT_VALUE();
            if (!v || !v[0])
                return usage_error(c, "%s needs a file", a);
            o->never_print = v;
        } else if (inline_value) {
            return usage_error(c, "option '%s' takes no value", a);
        } else if (a[0] == '-' && a[1]) {
            return usage_error(c, "unknown option '%s'", a);
        } else if (!o->manifest) {
            o->manifest = a;
        } else {
            return usage_error(c, "unexpected argument '%s'", a);
        }
    }
#undef NEXT_VALUE
    if (!o->manifest)
        return usage_error(c, "%s needs a MANIFEST file", c->name);
    if (!o->out_dir[0])
        return usage_error(c, "%s", "the output folder is empty");
    if (cp_path_has_control(o->out_dir))
        return usage_error(c, "%s", "the output folder's name has a control character");
    if (o->dump_layout && cp_path_has_control(o->dump_layout))
        return usage_error(c, "%s", "the --dump-layout file's name has a control character");
    if (o->overlay && o->press)
        return usage_error(c, "%s", "--overlay is for proofs; it cannot go with --press");
    if (o->placeholders && o->press)
        return usage_error(c, "%s", "--placeholders is for proofs; the printer needs every photo");
    if (o->mark_changes && o->press)
        return usage_error(c, "%s", "--mark-changes is for proofs; it cannot go with --press");
    if (o->condition && !o->icc)
        return usage_error(c, "%s", "--condition names the printing condition of --icc");
    return 0;
}

/* Where layouts/ and fonts/ live: $CALPRESS_DATADIR, the source tree when run from a build
 * folder, PREFIX/share/calpress beside the installed binary, or the configured prefix. */
static const char *data_dir(cp_arena *a)
{
    const char *env = getenv("CALPRESS_DATADIR");
    if (env && env[0])
        return env;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *dir = cp_path_dirname(a, exe);
        if (cp_path_is_file(cp_arena_printf(a, "%s/CMakeCache.txt", dir)) &&
            cp_path_is_dir(CP_SOURCE_DATADIR "/layouts"))
            return CP_SOURCE_DATADIR;
        char *rel = cp_arena_printf(a, "%s/../share/calpress", dir);
        if (cp_path_is_dir(cp_arena_printf(a, "%s/layouts", rel)))
            return rel;
    }
    return CP_DATADIR;
}

/* The build date: SOURCE_DATE_EPOCH, else the manifest's date:, else now. */
static time_t build_date(const cp_calendar *cal, cp_diags *d)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && sde[0]) {
        char *end;
        errno = 0;
        long long v = strtoll(sde, &end, 10);
        /* PDF dates have four-digit years: 9999-12-31 23:59:59 UTC is the last one. */
        if (!errno && !*end && v >= 0 && v <= 253402300799LL)
            return (time_t)v;
        if (!errno && !*end && v > 253402300799LL)
            cp_warning(d, (cp_pos){NULL, 0, 0},
                       "ignoring SOURCE_DATE_EPOCH='%s' (after 9999-12-31; PDF dates have "
                       "four-digit years)",
                       sde);
        else
            cp_warning(d, (cp_pos){NULL, 0, 0}, "ignoring SOURCE_DATE_EPOCH='%s' (not a number)",
                       sde);
    }
    if (cal->build_date.year)
        return (time_t)cp_date_to_days(cal->build_date) * 86400;
    return time(NULL);
}

typedef struct run {
    cp_arena arena;
    cp_diags diags;
    cp_calendar cal;
    bool have_cal;
    cp_fonts *fonts;
    cp_typesetter ts;
    bool have_ts;
    cp_photo_cache photos;
    cp_layout_ctx lc;
    bool have_lc;
    cp_doc calendar, press;
    cp_pdf_meta meta; /* the calendar's metadata and output intent */
    time_t date;
    char date_text[32];
    watch_state *warm; /* watch: fonts, typesetter, photos and pages kept between builds */
} run;

static void run_init(run *r)
{
    memset(r, 0, sizeof *r);
    cp_arena_init(&r->arena);
    cp_diags_init(&r->diags);
    cp_photo_cache_init(&r->photos);
    cp_doc_init(&r->calendar);
    cp_doc_init(&r->press);
    cp_readset_start(); /* no output may be written over a file the run reads */
}

static void run_finish(run *r)
{
    cp_doc_finish(&r->calendar);
    cp_doc_finish(&r->press);
    if (r->have_lc)
        cp_layout_ctx_finish(&r->lc);
    cp_photo_cache_finish(&r->photos);
    if (r->have_ts)
        cp_typesetter_finish(&r->ts);
    cp_fonts_free(r->fonts);
    if (r->have_cal)
        cp_calendar_finish(&r->cal);
    cp_diags_finish(&r->diags);
    if (r->warm) /* pages kept for the next build point into this run's arena */
        cp_page_cache_end_build(r->warm->pages, &r->arena);
    cp_arena_finish(&r->arena);
    cp_readset_clear();
}

static bool output_intent(run *r, const options *o, cp_pdf_meta *meta);

/* Loads and lays out everything, and checks the output intent; true when there were no errors.
 * The intent is checked even when the layout failed, so that every finding comes in one run. */
static bool load_and_lay_out(run *r, const options *o)
{
    const char *manifest = o->manifest;
    r->diags.press = o->press;
    const char *dir = data_dir(&r->arena);
    const char *dirs[] = {dir, NULL};
    cp_manifest_opts mo = {dirs, o->placeholders, r->warm ? &r->warm->inputs : NULL};
    if (r->warm && o->icc)
        cp_inputs_note(&r->warm->inputs, o->icc, true);
    if (!cp_manifest_load(&r->cal, &r->arena, &r->diags, manifest, &mo))
        return false;
    r->have_cal = true;
    cp_typesetter *ts = &r->ts;
    cp_photo_cache *photos = &r->photos;
    if (r->warm) {
        ts = watch_state_begin(r->warm, cp_arena_printf(&r->arena, "%s/fonts", dir), CP_HYPHEN_DIR,
                               &r->arena, &r->diags);
        if (!ts)
            return false;
        photos = &r->warm->photos;
    } else {
        r->fonts = cp_fonts_new(cp_arena_printf(&r->arena, "%s/fonts", dir), &r->diags);
        if (!r->fonts)
            return false;
        cp_typesetter_init(&r->ts, r->fonts, CP_HYPHEN_DIR, &r->arena, &r->diags);
        r->have_ts = true;
    }
    r->date = build_date(&r->cal, &r->diags);
    struct tm tm;
    gmtime_r(&r->date, &tm);
    strftime(r->date_text, sizeof r->date_text, "%Y-%m-%d", &tm);
    cp_layout_opts lo = {!o->press, o->overlay, o->placeholders, r->date_text,
                         "calpress " CP_VERSION};
    cp_layout_ctx_init(&r->lc, ts, &r->cal, photos, &lo);
    r->have_lc = true;
    if (r->warm) {
        r->lc.page_cache = r->warm->pages;
        r->lc.inputs = &r->warm->inputs;
    }
    if (cp_diags_failed(&r->diags))
        return false;
    if (cp_layout_calendar(&r->lc, &r->calendar))
        cp_layout_decorate(&r->lc, &r->calendar, &r->cal.layout, r->cal.out_calendar.s);
    if (cp_layout_press(&r->lc, &r->press))
        cp_layout_decorate(&r->lc, &r->press, &r->cal.press_layout, r->cal.out_press.s);
    if (!o->quiet) /* what the PDFs leave out of the photos (GPS, camera serial, ...) */
        cp_image_report_found(r->photos.images, r->photos.n, &r->diags);
    return output_intent(r, o, &r->meta) && !cp_diags_failed(&r->diags);
}

static int finish_run(run *r, int status)
{
    cp_diags_print(&r->diags, stderr);
    if (status == EXIT_INPUT && r->diags.n_errors)
        fprintf(stderr, "calpress: %zu error%s; nothing was written\n", r->diags.n_errors,
                r->diags.n_errors == 1 ? "" : "s");
    run_finish(r);
    return status;
}

/* The calendar's PDF metadata and output intent (the manifest's, or --icc), its profile read
 * and checked, and the preflight that depends on it. False after reporting an error. */
static bool output_intent(run *r, const options *o, cp_pdf_meta *meta)
{
    const cp_calendar *cal = &r->cal;
    *meta = (cp_pdf_meta){cal->title.s,           cal->organisation.s,
                          cal->subtitle.s,        NULL,
                          "calpress " CP_VERSION, r->date,
                          cal->language.s,        cal->icc_profile.s,
                          cal->icc_condition.s,   cal->icc_profile.pos};
    if (o->icc) {
        meta->icc_path = o->icc;
        meta->icc_condition = o->condition;
        meta->icc_pos = (cp_pos){NULL, 0, 0};
    }
    int n = cp_pdf_profile_components(meta, &r->diags);
    if (!n)
        return false;
    if (o->press && !meta->icc_path)
        cp_warning(&r->diags, (cp_pos){NULL, 0, 0},
                   "the output intent is sRGB, a monitor profile; ask the printer for the "
                   "profile of their press and paper (e.g. FOGRA39, FOGRA51) and give it with "
                   "--icc or the manifest's output_intent");
    /* A CMYK photo under an RGB intent holds ink values for a press nobody named. */
    for (size_t i = 0; n != 4 && i < r->lc.photos->n; i++) {
        const cp_image *img = r->lc.photos->images[i];
        if (img->cmyk && cp_photo_cache_used(r->lc.photos, i))
            cp_preflight(&r->diags, img->at,
                         "photo '%s' is a CMYK JPEG but the output intent is not CMYK: its inks "
                         "were separated for an unnamed press; give the printer's profile with "
                         "--icc, or supply the photo in RGB",
                         img->name);
    }
    return !cp_diags_failed(&r->diags);
}

/* The press release's metadata: the calendar's, with its own title and subject. */
static void press_meta(run *r, const cp_pdf_meta *meta, cp_pdf_meta *pmeta)
{
    *pmeta = *meta;
    /* The document title is the headline as a reader sees it: markup gone, quotes curly. */
    cp_richtext hl;
    cp_richtext_parse(&r->arena, r->cal.press.headline.s, CP_RICH_SMART, &hl);
    pmeta->title = cp_richtext_plain(&r->arena, &hl);
    pmeta->subject = "Press release";
}

/* The never-print lists (--never-print and the manifest's never_print, together) searched for
 * in both documents' set text and, when meta is given, their metadata. False after reporting
 * a match or an unreadable list. */
static bool never_print(run *r, const options *o, const cp_pdf_meta *meta)
{
    const cp_str *key = &r->cal.never_print;
    if (!o->never_print && !key->s)
        return true;
    if (r->warm) { /* watch builds again when a list changes */
        if (o->never_print)
            cp_inputs_note(&r->warm->inputs, o->never_print, true);
        if (key->s)
            cp_inputs_note(&r->warm->inputs, key->s, true);
    }
    cp_never_print np;
    cp_never_print_init(&np);
    bool ok = !o->never_print || cp_never_print_load(&np, o->never_print, (cp_pos){NULL, 0, 0},
                                                     "--never-print", &r->diags);
    ok = (!key->s || cp_never_print_load(&np, key->s, key->pos, "never_print", &r->diags)) && ok;
    if (ok) {
        cp_np_check c;
        cp_np_check_init(&c, &r->lc, &np);
        cp_np_check_doc(&c, &r->calendar, r->cal.out_calendar.s);
        cp_np_check_doc(&c, &r->press, r->cal.out_press.s);
        if (meta) {
            cp_pdf_meta pmeta;
            press_meta(r, meta, &pmeta);
            cp_pdf_never_print(&c, meta, r->cal.out_calendar.s);
            cp_pdf_never_print(&c, &pmeta, r->cal.out_press.s);
        }
        ok = c.found == 0;
        cp_np_check_finish(&c);
    }
    cp_never_print_finish(&np);
    return ok;
}

/* The common start of the commands that write: options, the manifest laid out. The output folder
 * is made only when there is something to write (base/outfile.h). Returns -1 to go on, else the
 * exit status (with r already finished). */
static int begin_run(const options *o, run *r, watch_state *w);

static int begin_writing(const char *name, int argc, char **argv, options *o, run *r)
{
    int rc = parse_options(find_command(name), argc, argv, o);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    return begin_run(o, r, NULL);
}

/* The same once the options are parsed; w (watch) keeps fonts, photos and pages warm. */
static int begin_run(const options *o, run *r, watch_state *w)
{
    run_init(r);
    r->warm = w;
    if (!load_and_lay_out(r, o))
        return finish_run(r, EXIT_INPUT);
    return -1;
}

/* When this proof is made: SOURCE_DATE_EPOCH (for reproducible records), else now. */
static time_t proof_time(void)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    char *end;
    long long v = sde && sde[0] ? strtoll(sde, &end, 10) : -1;
    return v >= 0 && !*end ? (time_t)v : time(NULL);
}

/* Describes the laid-out documents as the next proof in the output folder, compares them with
 * the last one and, with --mark-changes, outlines what changed. */
static void begin_proof(run *r, const options *o, cp_proof *p)
{
    const cp_calendar *cal = &r->cal;
    cp_image_hash_fn known = r->warm ? watch_image_hash : NULL;
    cp_record_input docs[2] = {
        {"calendar", cal->out_calendar.s, NULL, &r->calendar, known, r->warm},
        {"press release", cal->out_press.s, "press release", &r->press, known, r->warm}};
    cp_proof_begin(p, o->out_dir, docs, 2, proof_time(), o->press ? "press" : "proof",
                   "calpress " CP_VERSION, o->manifest, &r->diags);
    if (!o->mark_changes)
        return;
    if (!p->have_old) {
        cp_warning(&r->diags, (cp_pos){NULL, 0, 0},
                   "--mark-changes: there is no earlier proof in %s to compare with; nothing is "
                   "marked",
                   o->out_dir);
        return;
    }
    const cp_style *cs = cp_layout_lookup_style(&cal->layout, "footer");
    const cp_style *ps = cp_layout_lookup_style(&cal->press_layout, "footer");
    if (!ps)
        ps = cp_layout_lookup_style(&cal->press_layout, "folio");
    if (cs)
        cp_record_mark(&r->calendar, NULL, 0, &p->changes, r->lc.ts, cs);
    if (ps)
        cp_record_mark(&r->press, "press release", 1, &p->changes, r->lc.ts, ps);
}

/* After both PDFs are in place: the record beside them, and what changed. */
static void end_proof(run *r, const options *o, cp_proof *p, watch_state *w)
{
    cp_proof_commit(p, &r->diags);
    char *report = cp_proof_report(p, o->out_dir);
    if (w) {
        free(w->report);
        w->report = report;
        w->laid_out = r->lc.pages_laid_out;
        w->reused = r->lc.pages_reused;
        w->placeholders = r->lc.placeholders;
        return;
    }
    if (!o->quiet)
        printf("%s\n", report);
    free(report);
}

/* A PDF made whole, or in watch drawn again only where the last build's differs. */
static bool prepare_pdf(run *r, watch_state *w, int k, const char *path, const cp_pdf_meta *meta,
                        cp_pdf_out *out)
{
    const cp_doc *doc = k == 0 ? &r->calendar : &r->press;
    if (w)
        return watch_prepare_pdf(w, k, doc, path, meta, out, &r->diags);
    return cp_pdf_prepare(doc, path, meta, out, &r->diags);
}

/* watch's way to the two PDFs: each drawn (again only where it changed) into a temporary file
 * beside it and renamed over it; the folder is made first if need be. */
static bool watch_write_pdfs(run *r, watch_state *w, const char *dir, const char *const paths[2],
                             const cp_pdf_meta *const metas[2], cp_pdf_written written[2])
{
    cp_pdf_out outs[2];
    memset(outs, 0, sizeof outs);
    cp_outset *set = cp_outset_open(dir, true, &r->diags); /* makes the folder, takes the lock */
    bool ok = set != NULL;
    for (int i = 0; i < 2 && ok; i++)
        ok = prepare_pdf(r, w, i, paths[i], metas[i], &outs[i]);
    for (int i = 0; i < 2 && ok; i++)
        ok = cp_pdf_commit(&outs[i], &r->diags);
    for (int i = 0; i < 2; i++) {
        written[i] = (cp_pdf_written){.pages = outs[i].pages, .bytes = outs[i].bytes};
        cp_pdf_discard(&outs[i]);
    }
    cp_outset_free(set);
    return ok;
}

options *cli_options_new(const char *name, int argc, char **argv, int *status)
{
    options *o = cp_xmalloc(sizeof *o);
    int rc = parse_options(find_command(name), argc, argv, o);
    if (rc) {
        *status = rc < 0 ? EXIT_OK : rc;
        free(o);
        return NULL;
    }
    return o;
}

void cli_options_free(options *o)
{
    free(o);
}

const char *cli_options_manifest(const options *o)
{
    return o->manifest;
}

const char *cli_options_out_dir(const options *o)
{
    return o->out_dir;
}

/* DIR/NAME and its temporary name must fit in a path; said at the manifest line naming the file. */
static bool output_paths_fit(const char *dir, const cp_str *const names[2], cp_diags *d)
{
    bool ok = true;
    for (int i = 0; i < 2; i++) {
        size_t n = strlen(dir) + 1 + strlen(names[i]->s) + CP_OUTFILE_TEMP_EXTRA;
        if (n >= PATH_MAX) {
            cp_error(d, names[i]->pos.file ? names[i]->pos : cp_pos_file(dir),
                     "the output path '%s/%s' is longer than the system allows (%zu bytes with "
                     "its temporary name; at most %d)",
                     dir, names[i]->s, n, PATH_MAX - 1);
            ok = false;
        }
    }
    return ok;
}

/* Both PDFs into the output folder as a unit (base/outfile.h): the folder is made only now, and
 * removed again if this run made it and the writing fails. */
static bool write_pdfs(const char *dir, const cp_str *const names[2], const cp_doc *const docs[2],
                       const cp_pdf_meta *const metas[2], cp_pdf_written out[2], cp_diags *d)
{
    cp_outset *set = cp_outset_open(dir, true, d);
    bool ok = set != NULL;
    for (int i = 0; i < 2 && ok; i++)
        ok = cp_pdf_write(set, names[i]->s, docs[i], metas[i], &out[i], d);
    ok = ok && cp_outset_commit(set, d);
    cp_outset_free(set);
    return ok;
}

static int cmd_render(int argc, char **argv)
{
    options o;
    int rc = parse_options(find_command("render"), argc, argv, &o);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    return render_with(&o, NULL);
}

int render_with(const options *opts, watch_state *w)
{
    options o = *opts;
    o.quiet = o.quiet || w; /* watch prints one line a build */
    run r;
    int rc = begin_run(&o, &r, w);
    if (rc >= 0)
        return rc;
    const cp_calendar *cal = &r.cal;
    const cp_str *names[2] = {&cal->out_calendar, &cal->out_press};
    const cp_pdf_meta meta = r.meta;
    cp_pdf_meta pmeta;
    press_meta(&r, &meta, &pmeta);
    if (!output_paths_fit(o.out_dir, names, &r.diags) || !never_print(&r, &o, &meta))
        return finish_run(&r, EXIT_INPUT);
    const char *paths[2] = {cp_path_join(&r.arena, o.out_dir, cal->out_calendar.s),
                            cp_path_join(&r.arena, o.out_dir, cal->out_press.s)};
    cp_proof proof;
    begin_proof(&r, &o, &proof);
    const cp_doc *docs[2] = {&r.calendar, &r.press};
    const cp_pdf_meta *metas[2] = {&meta, &pmeta};
    cp_pdf_written outs[2];
    bool ok = w ? watch_write_pdfs(&r, w, o.out_dir, paths, metas, outs)
                : write_pdfs(o.out_dir, names, docs, metas, outs, &r.diags);
    if (ok && !o.quiet) {
        for (int i = 0; i < 2; i++)
            printf("wrote %s (%d page%s, %.*f %s)\n",
                   cp_path_join(&r.arena, o.out_dir, names[i]->s), outs[i].pages,
                   outs[i].pages == 1 ? "" : "s", outs[i].bytes >= 1000000 ? 1 : 0,
                   outs[i].bytes >= 1000000 ? outs[i].bytes / 1e6 : outs[i].bytes / 1e3,
                   outs[i].bytes >= 1000000 ? "MB" : "kB");
        if (r.lc.placeholders)
            printf("INCOMPLETE PROOF: %d photo%s drawn as placeholder%s\n", r.lc.placeholders,
                   r.lc.placeholders == 1 ? " is" : "s are", r.lc.placeholders == 1 ? "" : "s");
    }
    if (ok)
        end_proof(&r, &o, &proof, w);
    for (int i = 0; i < 2 && ok && w; i++)
        watch_pdf_written(w, i, paths[i], metas[i]);
    cp_proof_finish(&proof);
    return finish_run(&r, ok ? EXIT_OK : EXIT_INPUT);
}

static void print_fit_report(const cp_fit_reports *fits)
{
    printf("%-10s %-12s %9s %10s %10s  %s\n", "page", "frame", "lines", "size", "room", "notes");
    for (size_t i = 0; i < fits->n; i++) {
        const cp_fit_report *f = &fits->items[i];
        char lines[32], size[32], room[32], notes[64] = "";
        snprintf(lines, sizeof lines, "%d/%d", f->lines_used, f->lines_available);
        snprintf(size, sizeof size, "%.2fpt", f->size_pt);
        snprintf(room, sizeof room, "~%d words", f->words_left);
        if (f->shrunk)
            snprintf(notes + strlen(notes), sizeof notes - strlen(notes), "shrunk from %.2fpt ",
                     f->nominal_pt);
        else if (f->size_pt > f->nominal_pt + 0.001)
            snprintf(notes + strlen(notes), sizeof notes - strlen(notes), "grown from %.2fpt ",
                     f->nominal_pt);
        if (f->tightened)
            snprintf(notes + strlen(notes), sizeof notes - strlen(notes),
                     "leading %.2fpt (from %.2fpt) ", f->leading_pt, f->nominal_leading_pt);
        if (f->runts)
            snprintf(notes + strlen(notes), sizeof notes - strlen(notes), "%d runt%s ", f->runts,
                     f->runts == 1 ? "" : "s");
        if (f->loose)
            snprintf(notes + strlen(notes), sizeof notes - strlen(notes), "%d loose ", f->loose);
        size_t nl = strlen(notes);
        while (nl && notes[nl - 1] == ' ')
            notes[--nl] = '\0';
        printf("%-10s %-12s %9s %10s %10s%s%s\n", f->page, f->frame, lines, size,
               f->lines_used < f->lines_available ? room : "full", nl ? "  " : "", notes);
    }
}

/* The display list as text, to standard output or (atomically, never over an input) to a file. */
static bool write_dump(run *r, const char *target)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m) {
        cp_error(&r->diags, (cp_pos){NULL, 0, 0}, "cannot make the layout dump: %s",
                 strerror(errno));
        return false;
    }
    cp_doc_dump(&r->calendar, m);
    cp_doc_dump(&r->press, m);
    if (fclose(m) != 0) {
        cp_error(&r->diags, (cp_pos){NULL, 0, 0}, "cannot make the layout dump: %s",
                 strerror(errno));
        free(text);
        return false;
    }
    bool ok = true;
    if (strcmp(target, "-") == 0) {
        fwrite(text, 1, len, stdout);
        if (fflush(stdout) != 0 || ferror(stdout)) {
            cp_error(&r->diags, (cp_pos){NULL, 0, 0}, "cannot write to standard output: %s",
                     strerror(errno));
            ok = false;
        }
    } else {
        ok = cp_outfile_save(target, text, len, &r->diags);
    }
    free(text);
    return ok;
}

static int cmd_check(int argc, char **argv)
{
    options o;
    int rc = parse_options(find_command("check"), argc, argv, &o);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    run r;
    run_init(&r);
    bool ok = load_and_lay_out(&r, &o);
    ok = ok && never_print(&r, &o, &r.meta);
    if (ok) {
        print_fit_report(&r.lc.fits);
        printf("%s: OK: calendar %zu pages, press release %zu page%s\n", o.manifest,
               r.calendar.n_pages, r.press.n_pages, r.press.n_pages == 1 ? "" : "s");
    }
    if (ok && o.dump_layout)
        ok = write_dump(&r, o.dump_layout);
    return finish_run(&r, ok ? EXIT_OK : EXIT_INPUT);
}

/* preview --pages: calendar page numbers (1 the cover) and press-release pages (p1, p2-3). */
struct page_list {
    struct {
        bool press;
        int from, to;
    } ranges[64];
    size_t n;
};

/* Parses "3,5-7,p1"; out may be NULL to check the syntax only. */
static bool page_list_parse(const char *spec, page_list *out)
{
    page_list tmp;
    if (!out)
        out = &tmp;
    out->n = 0;
    const char *p = spec;
    for (;;) {
        while (*p == ' ')
            p++;
        bool press = *p == 'p' || *p == 'P';
        p += press;
        char *end;
        long from = strtol(p, &end, 10), to = from;
        if (end == p || from < 1 || from > 9999 || out->n == CP_ARRAY_LEN(out->ranges))
            return false;
        p = end;
        if (*p == '-') {
            p += 1 + (press && (p[1] == 'p' || p[1] == 'P'));
            to = strtol(p, &end, 10);
            if (end == p || to < from || to > 9999)
                return false;
            p = end;
        }
        out->ranges[out->n].press = press;
        out->ranges[out->n].from = (int)from;
        out->ranges[out->n++].to = (int)to;
        while (*p == ' ')
            p++;
        if (*p == '\0')
            return true;
        if (*p++ != ',')
            return false;
    }
}

static bool page_list_has(const page_list *l, bool press, size_t page)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->ranges[i].press == press && (int)page >= l->ranges[i].from &&
            (int)page <= l->ranges[i].to)
            return true;
    return false;
}

/* Every page asked for exists: reports the first that does not. */
static bool page_list_check(const page_list *l, size_t calendar_pages, size_t press_pages,
                            cp_diags *d)
{
    for (size_t i = 0; i < l->n; i++) {
        bool press = l->ranges[i].press;
        size_t have = press ? press_pages : calendar_pages;
        if ((size_t)l->ranges[i].to > have) {
            cp_error(d, (cp_pos){NULL, 0, 0},
                     "--pages asks for %s page %s%d, but it has %zu page%s",
                     press ? "press-release" : "calendar", press ? "p" : "", l->ranges[i].to, have,
                     have == 1 ? "" : "s");
            return false;
        }
    }
    return true;
}

static int cmd_preview(int argc, char **argv)
{
    options o;
    run r;
    int rc = begin_writing("preview", argc, argv, &o, &r);
    if (rc >= 0)
        return rc;
    if (!never_print(&r, &o, NULL))
        return finish_run(&r, EXIT_INPUT);
    const cp_doc *docs[2] = {&r.calendar, &r.press};
    const char *stems[2] = {"calendar", "press-release"};
    page_list sel = {.n = 0};
    if (o.pages && (!page_list_parse(o.pages, &sel) ||
                    !page_list_check(&sel, r.calendar.n_pages, r.press.n_pages, &r.diags)))
        return finish_run(&r, EXIT_INPUT);
    cp_render_cache *cache = cp_render_cache_new();
    /* Every image goes into a temporary file; all of them replace their predecessors together at
     * the end, or none does (base/outfile.h). */
    cp_outset *set = cp_outset_open(o.out_dir, true, &r.diags);
    bool ok = set != NULL;
    int written = 0;
    for (int k = 0; k < 2 && ok; k++) {
        for (size_t i = 0; i < docs[k]->n_pages && ok; i++) {
            if (o.pages && !page_list_has(&sel, k == 1, i + 1))
                continue;
            const char *name = cp_arena_printf(&r.arena, "%s-%0*zu.png", stems[k],
                                               docs[k]->n_pages > 9 ? 2 : 1, i + 1);
            cp_outfile *f = cp_outset_add(set, name, &r.diags);
            ok = f && cp_render_png_area(&docs[k]->pages[i], o.dpi, o.trim, f, cache, &r.diags);
            written += ok;
        }
    }
    ok = ok && cp_outset_commit(set, &r.diags);
    cp_outset_free(set);
    cp_render_cache_free(cache);
    if (ok)
        printf("wrote %d image%s to %s (%.0f dpi%s)\n", written, written == 1 ? "" : "s", o.out_dir,
               o.dpi, o.trim ? ", trimmed" : "");
    return finish_run(&r, ok ? EXIT_OK : EXIT_INPUT);
}

static int cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        usage_all(stdout);
        return EXIT_OK;
    }
    const command *c = find_command(argv[1]);
    if (!c)
        return usage_error(NULL, "no command '%s'", argv[1]);
    fputs(c->usage, stdout);
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage_all(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage_all(stdout);
        return EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("calpress %s\n", CP_VERSION);
        return EXIT_OK;
    }
    const command *c = find_command(cmd);
    if (!c)
        return usage_error(NULL, "unknown command '%s' (try 'calpress --help')", cmd);
    return c->run(argc - 1, argv + 1);
}
