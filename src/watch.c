/* calpress watch: render, then render again whenever a file the manifest read changes. The
 * folders of those files are watched with inotify (an editor's save-by-rename replaces the file,
 * which a watch on the file itself would lose); events settle for 150 ms before a build. */
#define _POSIX_C_SOURCE 200809L
#include "watch.h"
#include "base/hash.h"
#include "base/path.h"
#include "base/strbuf.h"
#include "base/util.h"
#include "image/image.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEBOUNCE_MS 150
#define EVENTS                                                                                     \
    (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_MODIFY |            \
     IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)

const char watch_usage[] =
    "usage: calpress watch MANIFEST [-o DIR] [--proof | --press] [--overlay] [--placeholders]\n"
    "                      [--mark-changes] [--icc PROFILE.icc [--condition NAME]]\n"
    "\n"
    "Renders as render does, then watches every file the manifest reads (the manifest, the\n"
    "stories, the press release, the layouts, the photos, the ICC profile) and renders again\n"
    "whenever one changes. Each build prints one line: the time, the files that changed and\n"
    "the result. A build with errors prints them and leaves the last good PDFs in place.\n"
    "Ctrl-C ends it. The options are render's.\n";

void watch_state_init(watch_state *w)
{
    memset(w, 0, sizeof *w);
    cp_photo_cache_init(&w->photos);
    cp_inputs_init(&w->inputs);
    w->pages = cp_page_cache_new();
}

static void pdf_forget(watch_pdf *p)
{
    free(p->path);
    free(p->pages);
    free(p->pending);
    memset(p, 0, sizeof *p);
}

void watch_state_finish(watch_state *w)
{
    for (int k = 0; k < 2; k++)
        pdf_forget(&w->pdfs[k]);
    /* Cached pages hold Pango lines of the typesetter's context: release them first. */
    cp_page_cache_free(w->pages);
    cp_photo_cache_finish(&w->photos);
    if (w->have_ts)
        cp_typesetter_finish(&w->ts);
    cp_fonts_free(w->fonts);
    cp_inputs_finish(&w->inputs);
    free(w->report);
    memset(w, 0, sizeof *w);
}

cp_typesetter *watch_state_begin(watch_state *w, const char *fonts_dir, const char *hyphen_dir,
                                 cp_arena *a, cp_diags *d)
{
    if (!w->fonts && !(w->fonts = cp_fonts_new(fonts_dir, d)))
        return NULL;
    if (w->have_ts) {
        cp_typesetter_rebind(&w->ts, a, d);
    } else {
        cp_typesetter_init(&w->ts, w->fonts, hyphen_dir, CP_DRAW_PDF, a, d);
        w->have_ts = true;
    }
    cp_photo_cache_next_build(&w->photos, &w->inputs);
    cp_page_cache_begin_build(w->pages);
    return &w->ts;
}

/* ------------------------------------------------------------------------------------------ */
/* PDFs patched page by page. */

/* The metadata but its dates: a patched file takes them from the pages drawn for it (a file with
 * no page drawn again keeps those of the build that drew it, which made the same file). */
static uint64_t meta_hash(const cp_pdf_meta *m)
{
    cp_hasher h;
    cp_hasher_init(&h);
    const char *s[] = {m->title,   m->author, m->subject,  m->keywords,
                       m->creator, m->lang,   m->icc_path, m->icc_condition};
    for (size_t i = 0; i < CP_ARRAY_LEN(s); i++)
        cp_hasher_str(&h, s[i]);
    struct stat st;
    if (m->icc_path && stat(m->icc_path, &st) == 0) { /* a new profile is a new output intent */
        cp_hasher_u64(&h, (uint64_t)st.st_ino);
        cp_hasher_u64(&h, (uint64_t)st.st_size);
        cp_hasher_u64(&h, (uint64_t)st.st_mtim.tv_sec);
        cp_hasher_u64(&h, (uint64_t)st.st_mtim.tv_nsec);
    }
    uint64_t v = cp_hasher_digest(&h);
    cp_hasher_finish(&h);
    return v;
}

/* True if path is still the file written last, as it was written. */
static bool still_written(const watch_pdf *p, const char *path)
{
    struct stat st;
    return p->path && strcmp(p->path, path) == 0 && stat(path, &st) == 0 &&
           (unsigned long long)st.st_dev == p->dev && (unsigned long long)st.st_ino == p->ino &&
           (unsigned long long)st.st_size == p->size && st.st_mtim.tv_sec == p->mtime_s &&
           st.st_mtim.tv_nsec == p->mtime_ns;
}

bool watch_write_pdf(watch_state *w, int k, const cp_doc *doc, cp_outset *s, const char *name,
                     const char *path, const cp_pdf_meta *meta, cp_pdf_written *out, cp_diags *d)
{
    watch_pdf *p = &w->pdfs[k];
    free(p->pending);
    p->pending = cp_xcalloc(doc->n_pages ? doc->n_pages : 1, sizeof *p->pending);
    p->n_pending = doc->n_pages;
    bool *changed = cp_xcalloc(doc->n_pages ? doc->n_pages : 1, sizeof *changed);
    size_t n_changed = 0;
    bool same = still_written(p, path) && p->n_pages == doc->n_pages && p->meta == meta_hash(meta);
    for (size_t i = 0; i < doc->n_pages; i++) {
        p->pending[i] = cp_page_hash(&doc->pages[i]);
        changed[i] = !same || p->pending[i] != p->pages[i];
        n_changed += changed[i];
    }

    bool ok;
    if (same && n_changed * 2 <= doc->n_pages) {
        ok = cp_pdf_write_patch(s, name, doc, changed, meta, out, d);
    } else {
        ok = cp_pdf_write(s, name, doc, meta, out, d);
        n_changed = doc->n_pages;
    }
    free(changed);
    if (k == 0)
        w->drawn = w->all_pages = 0;
    w->drawn += (int)n_changed;
    w->all_pages += (int)doc->n_pages;
    return ok;
}

void watch_pdf_written(watch_state *w, int k, const char *path, const cp_pdf_meta *meta)
{
    watch_pdf *p = &w->pdfs[k];
    struct stat st;
    if (!p->pending || stat(path, &st) != 0) {
        pdf_forget(p);
        return;
    }
    free(p->path);
    free(p->pages);
    p->path = cp_xstrdup(path);
    p->pages = p->pending;
    p->n_pages = p->n_pending;
    p->pending = NULL;
    p->meta = meta_hash(meta);
    p->dev = (unsigned long long)st.st_dev;
    p->ino = (unsigned long long)st.st_ino;
    p->size = (unsigned long long)st.st_size;
    p->mtime_s = st.st_mtim.tv_sec;
    p->mtime_ns = st.st_mtim.tv_nsec;
}

/* ------------------------------------------------------------------------------------------ */
/* The files watched, by their folders. */

typedef struct watched {
    char *path; /* as the loader spelled it */
    char *base; /* its last component, as inotify names it */
    char *dir;
    int wd;     /* the folder's watch, -1 when it could not be watched (yet) */
    bool fresh; /* watched since the last build: it may have changed before */
} watched;

typedef struct watcher {
    int fd;
    watched *files;
    size_t n, cap;
    cp_inputs set; /* the paths watched */
} watcher;

static void watch_file(watcher *wt, watched *f)
{
    if (f->wd < 0)
        f->wd = inotify_add_watch(wt->fd, f->dir, EVENTS);
}

/* Watches exactly the files of wt->set: new ones from now on, those gone no longer. */
static void watcher_sync(watcher *wt)
{
    for (size_t i = 0; i < wt->n;) {
        if (cp_inputs_lookup(&wt->set, wt->files[i].path)) {
            i++;
            continue;
        }
        int wd = wt->files[i].wd;
        free(wt->files[i].path);
        free(wt->files[i].base);
        free(wt->files[i].dir);
        wt->files[i] = wt->files[--wt->n];
        bool shared = false;
        for (size_t j = 0; j < wt->n && !shared; j++)
            shared = wt->files[j].wd == wd;
        if (wd >= 0 && !shared)
            inotify_rm_watch(wt->fd, wd);
    }
    for (size_t i = 0; i < wt->set.n; i++) {
        const char *path = wt->set.items[i].path;
        size_t k = 0;
        while (k < wt->n && strcmp(wt->files[k].path, path) != 0)
            k++;
        if (k == wt->n) {
            cp_grow((void **)&wt->files, &wt->cap, wt->n + 1, sizeof *wt->files);
            watched *f = &wt->files[wt->n++];
            const char *slash = strrchr(path, '/');
            f->path = cp_xstrdup(path);
            f->base = cp_xstrdup(slash ? slash + 1 : path);
            f->dir =
                slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : cp_xstrdup(".");
            f->wd = -1;
            f->fresh = true;
        }
        watch_file(wt, &wt->files[k]);
    }
}

static void watcher_finish(watcher *wt)
{
    for (size_t i = 0; i < wt->n; i++) {
        free(wt->files[i].path);
        free(wt->files[i].base);
        free(wt->files[i].dir);
    }
    free(wt->files);
    cp_inputs_finish(&wt->set);
    if (wt->fd >= 0)
        close(wt->fd);
}

/* Reads the pending events; the names of the watched files they touch are added to
 * `changed`. Returns true if any were. */
static bool read_events(watcher *wt, cp_inputs *changed)
{
    _Alignas(struct inotify_event) char buf[16384];
    bool any = false;
    for (;;) {
        ssize_t len = read(wt->fd, buf, sizeof buf);
        if (len <= 0)
            return any;
        for (char *p = buf; p < buf + len;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            p += sizeof *ev + ev->len;
            if (ev->mask & IN_Q_OVERFLOW) {
                cp_inputs_note(changed, "(many files)", true);
                any = true;
            }
            for (size_t i = 0; i < wt->n; i++) {
                watched *f = &wt->files[i];
                if (f->wd != ev->wd)
                    continue;
                if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF))
                    f->wd = -1; /* the folder went: watched again when it is back */
                if (ev->len && strcmp(f->base, ev->name) == 0) {
                    cp_inputs_note(changed, f->base, true);
                    any = true;
                }
            }
        }
    }
}

/* ------------------------------------------------------------------------------------------ */

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* One build and its line: "[14:02:03] neha.yaml: built in 84 ms (1 of 15 pages laid out, 1 of
 * 15 drawn): proof 8: changed since proof 7 (...): January body (reset: 1 line longer)". */
static void print_build(const watch_state *w, const options *o, const char *what, int rc, double ms)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char when[16];
    strftime(when, sizeof when, "%H:%M:%S", &tm);
    if (rc == 0 && w->report)
        printf("[%s] %s: built in %.0f ms (%d of %d pages laid out, %d of %d drawn)%s: %s\n", when,
               what, ms, w->laid_out, w->laid_out + w->reused, w->drawn, w->all_pages,
               w->placeholders ? ", INCOMPLETE PROOF" : "", w->report);
    else
        printf("[%s] %s: not built (errors above); %s keeps the last good PDFs\n", when, what,
               cli_options_out_dir(o));
    fflush(stdout);
}

/* True if a file changed between the build reading it and its folder being watched. */
static bool changed_since_read(const watched *f, const cp_inputs *read)
{
    const cp_input *in = cp_inputs_lookup(read, f->path);
    if (!in)
        return false;
    if (!in->read)
        return in->exists != (access(f->path, R_OK) == 0);
    if (in->photo) {
        cp_diags quiet;
        cp_diags_init(&quiet);
        cp_image *img = cp_image_open(f->path, f->path, (cp_pos){0}, &quiet);
        bool changed = !img || cp_image_content_key(img) != in->hash;
        cp_image_free(img);
        cp_diags_finish(&quiet);
        return changed;
    }
    size_t len;
    char *data = cp_read_file(f->path, &len);
    bool changed = !data || cp_hash_bytes(data, len) != in->hash;
    free(data);
    return changed;
}

/* A build, then the files to watch: what it read, and after a failed build also what the last
 * one read (a build stopped by an error in one story has not read the others). Files watched
 * for the first time that changed meanwhile are added to `changed`: true if there are any. */
static bool build_and_watch(watch_state *w, watcher *wt, const options *o, const char *what,
                            cp_inputs *changed)
{
    free(w->report);
    w->report = NULL;
    cp_inputs_clear(&w->inputs);
    double t0 = now_ms();
    int rc = render_with(o, w);
    double ms = now_ms() - t0;
    if (rc == 0)
        cp_inputs_clear(&wt->set);
    cp_inputs_merge(&wt->set, &w->inputs);
    cp_inputs_note(&wt->set, cli_options_manifest(o), true);
    watcher_sync(wt);
    bool stale = false;
    for (size_t i = 0; i < wt->n; i++) {
        if (wt->files[i].fresh && changed_since_read(&wt->files[i], &w->inputs)) {
            cp_inputs_note(changed, wt->files[i].base, true);
            stale = true;
        }
        wt->files[i].fresh = false;
    }
    /* Printed once the files are watched: an edit after this line is seen. */
    print_build(w, o, what, rc, ms);
    return stale;
}

/* Waits for a change to settle; false when a signal asks to stop. */
static bool wait_for_change(watcher *wt, int sfd, cp_inputs *changed)
{
    struct pollfd fds[2] = {{wt->fd, POLLIN, 0}, {sfd, POLLIN, 0}};
    bool seen = false;
    for (;;) {
        int n = poll(fds, 2, seen ? DEBOUNCE_MS : -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || fds[1].revents)
            return false;
        if (n == 0)
            return true; /* quiet for DEBOUNCE_MS after a change */
        if (fds[0].revents && read_events(wt, changed))
            seen = true;
    }
}

int cmd_watch(int argc, char **argv)
{
    int status;
    options *o = cli_options_new("watch", argc, argv, &status);
    if (!o)
        return status;
    const char *manifest = cli_options_manifest(o);
    if (access(manifest, R_OK) != 0) {
        fprintf(stderr, "%s: error: cannot read the manifest: %s\n", manifest, strerror(errno));
        cli_options_free(o);
        return 1;
    }
    /* Ctrl-C and SIGTERM are taken between builds, never in one: no temporary file is left. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigprocmask(SIG_BLOCK, &stop, NULL);
    int sfd = signalfd(-1, &stop, SFD_CLOEXEC);
    watcher wt = {inotify_init1(IN_NONBLOCK | IN_CLOEXEC), NULL, 0, 0, {0}};
    cp_inputs_init(&wt.set);
    if (wt.fd < 0 || sfd < 0) {
        fprintf(stderr, "calpress: error: cannot watch files: %s\n", strerror(errno));
        watcher_finish(&wt);
        cli_options_free(o);
        return 1;
    }
    watch_state w;
    watch_state_init(&w);
    printf("watching %s; Ctrl-C stops\n", manifest);
    fflush(stdout);
    cp_inputs changed;
    cp_inputs_init(&changed);
    bool stale = build_and_watch(&w, &wt, o, "first build", &changed);
    while (stale || wait_for_change(&wt, sfd, &changed)) {
        cp_strbuf names;
        cp_strbuf_init(&names);
        for (size_t i = 0; i < changed.n; i++)
            cp_strbuf_printf(&names, "%s%s", i ? ", " : "", changed.items[i].path);
        cp_inputs_clear(&changed);
        stale = build_and_watch(&w, &wt, o, names.data, &changed);
        cp_strbuf_finish(&names);
    }
    cp_inputs_finish(&changed);
    printf("stopped\n");
    watch_state_finish(&w);
    watcher_finish(&wt);
    close(sfd);
    cli_options_free(o);
    return 0;
}
