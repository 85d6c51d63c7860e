/* The helper process for the second core: plans recorded in a fork, sent over a pipe, followed
 * by the run. A shared word says which page the run is on, so the helper stops where they meet.
 *
 * CALPRESS_WORKER: unset or "off" (no helper: the default, see docs/performance.md), "on", or
 * "first" (for tests: the run waits until the helper has done every page, so that every page is
 * set from plans). CALPRESS_WORKER_REPORT set: the run says how many pages it followed. */
#define _DEFAULT_SOURCE
#include "worker.h"
#include "base/cache.h"
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

enum { N_PAGES = 15 }; /* cp_layout_page's numbers: 0..13 the calendar, 14 the press release */

/* One record on the pipe: a plan of a page, or (end set) the page is complete. */
typedef struct wire {
    int32_t page, kind, k, end;
    uint64_t fp;
} wire;

struct cp_worker {
    pid_t pid;
    int fd;                   /* the pipe's read end, non-blocking */
    volatile int32_t *shared; /* the page the run is on (mapped shared) */
    bool wait_all;            /* CALPRESS_WORKER=first */
    cp_plans pages[N_PAGES];  /* the helper's plans, by page (recording, to append to) */
    bool done[N_PAGES];
    unsigned char buf[sizeof(wire) * 64];
    size_t have;
    bool eof;
    cp_plans follow; /* what the typesetter follows on the current page */
    cp_layout_ctx *lc;
    int followed;  /* pages that had the helper's plans */
    int following; /* the page whose plans the typesetter follows, or -1 */
    int kept;      /* pages whose every paragraph was set from its plan */
};

/* True when the process runs one thread (fork would copy a lock another thread holds). */
static bool single_threaded(void)
{
    DIR *d = opendir("/proc/self/task");
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n == 1;
}

static void send_all(int fd, const void *data, size_t len)
{
    const unsigned char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            _exit(0); /* the run has gone: so has the reason to go on */
        p += w;
        len -= (size_t)w;
    }
}

/* The helper: pages from the last backwards, each one's plans sent when it is complete. */
static _Noreturn void helper(int fd, volatile int32_t *shared, void (*setup)(void *, cp_plans *),
                             cp_worker_page_fn page, void *ctx)
{
    signal(SIGPIPE, SIG_IGN);
    cp_cache_readonly(); /* a kill must not leave a half-written cache file */
    cp_plans record;
    cp_plans_init(&record, true);
    setup(ctx, &record);
    for (int which = N_PAGES - 1; which >= 0 && which > *shared; which--) {
        cp_plans_reset(&record);
        page(ctx, which);
        wire *w = cp_xmalloc((record.n + 1) * sizeof *w);
        for (size_t i = 0; i < record.n; i++)
            w[i] = (wire){which, record.items[i].kind, record.items[i].k, 0, record.items[i].fp};
        w[record.n] = (wire){which, 0, 0, 1, 0};
        send_all(fd, w, (record.n + 1) * sizeof *w);
        free(w);
    }
    _exit(0);
}

cp_worker *cp_worker_start(void (*setup)(void *ctx, cp_plans *record), cp_worker_page_fn page,
                           void *ctx)
{
    const char *env = getenv("CALPRESS_WORKER");
    bool first = env && strcmp(env, "first") == 0;
    if (!first && !(env && strcmp(env, "on") == 0))
        return NULL;
    if (!single_threaded())
        return NULL;
    int fds[2];
    if (pipe(fds) != 0)
        return NULL;
    void *map =
        mmap(NULL, sizeof(int32_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED) {
        close(fds[0]);
        close(fds[1]);
        return NULL;
    }
    volatile int32_t *shared = map;
    *shared = -1;
    fflush(NULL); /* nothing buffered is written twice */
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        helper(fds[1], shared, setup, page, ctx);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        munmap(map, sizeof(int32_t));
        return NULL;
    }
    cp_worker *w = cp_xcalloc(1, sizeof *w);
    w->pid = pid;
    w->fd = fds[0];
    w->shared = shared;
    w->wait_all = first;
    w->following = -1;
    fcntl(w->fd, F_SETFL, fcntl(w->fd, F_GETFL) | O_NONBLOCK);
    for (int i = 0; i < N_PAGES; i++)
        cp_plans_init(&w->pages[i], true);
    cp_plans_init(&w->follow, false);
    return w;
}

/* Files the records that have arrived; blocks for more when `block` (until the pipe closes). */
static void drain(cp_worker *w, bool block)
{
    while (!w->eof) {
        if (block) {
            struct pollfd p = {w->fd, POLLIN, 0};
            if (poll(&p, 1, -1) < 0 && errno != EINTR)
                break;
        }
        ssize_t r = read(w->fd, w->buf + w->have, sizeof w->buf - w->have);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && !block)
            return;
        if (r <= 0) {
            w->eof = r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
            continue;
        }
        w->have += (size_t)r;
        size_t used = 0;
        for (; w->have - used >= sizeof(wire); used += sizeof(wire)) {
            wire rec;
            memcpy(&rec, w->buf + used, sizeof rec);
            if (rec.page < 0 || rec.page >= N_PAGES)
                continue;
            if (rec.end)
                w->done[rec.page] = true;
            else
                cp_plans_put(&w->pages[rec.page], &(cp_plan){rec.fp, rec.kind, rec.k});
        }
        memmove(w->buf, w->buf + used, w->have - used);
        w->have -= used;
    }
}

/* The page the typesetter followed plans on is complete: it kept to them when it took every
 * plan and never searched (the helper set its paragraphs as the run did). */
static void end_page(cp_worker *w)
{
    if (w->following >= 0 && !w->follow.lost && w->follow.next == w->follow.n)
        w->kept++;
    w->following = -1;
}

/* Before page `which`: the helper stops short of it; if it has done it, the run follows. */
static void before_page(void *ctx, int which)
{
    cp_worker *w = ctx;
    end_page(w);
    if (which < 0 || which >= N_PAGES)
        return;
    drain(w, w->wait_all); /* "first": the helper does every page, then ends */
    if (*w->shared < which)
        *w->shared = which;
    cp_plans_reset(&w->follow);
    if (w->done[which]) {
        cp_plans *p = &w->pages[which];
        for (size_t i = 0; i < p->n; i++) {
            cp_grow((void **)&w->follow.items, &w->follow.cap, w->follow.n + 1, sizeof(cp_plan));
            w->follow.items[w->follow.n++] = p->items[i];
        }
        w->followed++;
        w->following = which;
    } else {
        w->follow.lost = true; /* the helper has not got here: search */
    }
}

void cp_worker_attach(cp_worker *w, cp_layout_ctx *lc)
{
    w->lc = lc;
    lc->before_page = before_page;
    lc->before_page_ctx = w;
    lc->ts->plans = &w->follow;
}

int cp_worker_pages_followed(const cp_worker *w)
{
    return w ? w->followed : 0;
}

void cp_worker_finish(cp_worker *w)
{
    if (!w)
        return;
    end_page(w);
    if (w->lc) {
        w->lc->before_page = NULL;
        w->lc->ts->plans = NULL;
    }
    *w->shared = N_PAGES;
    kill(w->pid, SIGKILL);
    while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    close(w->fd);
    munmap((void *)w->shared, sizeof(int32_t));
    if (getenv("CALPRESS_WORKER_REPORT"))
        fprintf(stderr, "calpress: worker: %d pages set from the helper's plans, %d kept to them\n",
                w->followed, w->kept);
    for (int i = 0; i < N_PAGES; i++)
        cp_plans_finish(&w->pages[i]);
    cp_plans_finish(&w->follow);
    free(w);
}
