/* Pango 1.50 (Debian 12) starts two threads for every font pattern it meets, a font description
 * at a size in a language: one runs FcFontSetMatch, the other FcFontSetSort, each on its own copy
 * of the font set, and the caller waits for the first at once (pangofc-fontmap.c,
 * pango_fc_patterns_new). A calendar meets some 70 patterns: 146 threads a render, each made,
 * scheduled and torn down for a few hundred microseconds of work, a tenth of a render's CPU
 * time and a fifth of a check's.
 *
 * calpress defines g_thread_new in the program, so that the dynamic linker binds Pango's calls
 * to it (the program's symbols come first, and it exports them for its modules). A thread Pango
 * names "[pango] FcFontSetMatch" runs at once in the calling thread instead, to the same end:
 * its function stores its result under the patterns' mutex and signals a condition nobody waits
 * on yet, and the caller gets a reference to its own thread to release. Every other thread is
 * made by GLib's own g_thread_new, "[pango] FcInit" too: Pango starts it holding the mutex its
 * function takes.
 *
 * "[pango] FcFontSetSort" is put off: its sorted list is only the fallback fonts, for a
 * character the best match lacks, and most patterns never need one (the sort is a third more
 * work than the match). Pango waits for it with g_cond_wait on the patterns' condition, which
 * calpress defines too: a thread that waits while sorts are put off releases the mutex, runs
 * them (its own first, the newest first) until one signals the condition waited on, takes the
 * mutex again and returns, as a spurious wake-up would; Pango tests its condition again. Sorts
 * never waited for are never run; what they hold (the font map, its configuration, their font
 * set copies) stays reachable from the list until the process ends, after cp_fonts_free too.
 *
 * Fonts, layout and PDFs are byte for byte the same either way (tests/e2e/test_fcsync.py);
 * CALPRESS_PANGO_THREADS=on gives Pango its threads back. With a Pango that no longer starts
 * these threads nothing here is called but a g_cond_wait with nothing put off, which is GLib's. */
#include "base/module.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

typedef struct deferred {
    GThreadFunc func;
    gpointer data;
    GThread *owner; /* the thread that put it off: it runs its own first */
} deferred;

static GMutex pending_lock;
static deferred *pending; /* under pending_lock */
static size_t n_pending, cap_pending;
static gint any_pending; /* n_pending != 0, read without the lock */

/* The condition a sort run here signalled, in the thread running it. */
static __thread GCond *signalled;
static __thread gboolean running_deferred;

/* GLib's own definitions of the functions defined here. */
static void *glib_thread_new, *glib_cond_signal, *glib_cond_wait;

static gboolean pango_threads_on(void)
{
    const char *keep = getenv("CALPRESS_PANGO_THREADS");
    return keep && strcmp(keep, "on") == 0;
}

static void defer(GThreadFunc func, gpointer data)
{
    g_mutex_lock(&pending_lock);
    if (n_pending == cap_pending) {
        cap_pending = cap_pending ? 2 * cap_pending : 32;
        pending = g_renew(deferred, pending, cap_pending);
    }
    pending[n_pending++] = (deferred){.func = func, .data = data, .owner = g_thread_self()};
    g_atomic_int_set(&any_pending, 1);
    g_mutex_unlock(&pending_lock);
}

/* Takes the newest sort this thread put off, else the newest any thread put off (a sort is
 * safe to run in any thread: Pango gave each its own thread); false if none. */
static gboolean take(deferred *out)
{
    GThread *self = g_thread_self();
    g_mutex_lock(&pending_lock);
    size_t at = n_pending;
    for (size_t i = n_pending; i-- > 0 && at == n_pending;)
        if (pending[i].owner == self)
            at = i;
    if (at == n_pending && n_pending > 0)
        at = n_pending - 1;
    gboolean found = at < n_pending;
    if (found) {
        *out = pending[at];
        memmove(pending + at, pending + at + 1, (n_pending - at - 1) * sizeof *pending);
        n_pending--;
    }
    g_atomic_int_set(&any_pending, n_pending != 0);
    g_mutex_unlock(&pending_lock);
    return found;
}

GThread *g_thread_new(const gchar *name, GThreadFunc func, gpointer data)
{
    static const char match[] = "[pango] FcFontSetMatch", sort[] = "[pango] FcFontSetSort";
    if (name && (strcmp(name, match) == 0 || strcmp(name, sort) == 0) && !pango_threads_on()) {
        if (strcmp(name, sort) == 0)
            defer(func, data);
        else
            func(data);
        return g_thread_ref(g_thread_self());
    }
    GThread *(*glib_new)(const gchar *, GThreadFunc, gpointer);
    *(void **)&glib_new = cp_module_next(&glib_thread_new, "g_thread_new");
    return glib_new(name, func, data);
}

void g_cond_signal(GCond *cond)
{
    void (*glib_signal)(GCond *);
    *(void **)&glib_signal = cp_module_next(&glib_cond_signal, "g_cond_signal");
    if (running_deferred)
        signalled = cond;
    glib_signal(cond);
}

void g_cond_wait(GCond *cond, GMutex *mutex)
{
    void (*glib_wait)(GCond *, GMutex *);
    if (g_atomic_int_get(&any_pending) && !running_deferred) {
        deferred d;
        gboolean unlocked = FALSE;
        while (take(&d)) {
            if (!unlocked) {
                g_mutex_unlock(mutex);
                unlocked = TRUE;
            }
            signalled = NULL;
            running_deferred = TRUE;
            d.func(d.data);
            running_deferred = FALSE;
            if (signalled == cond)
                break;
        }
        if (unlocked) {
            g_mutex_lock(mutex);
            return; /* a spurious wake-up: the caller tests its condition again */
        }
    }
    *(void **)&glib_wait = cp_module_next(&glib_cond_wait, "g_cond_wait");
    glib_wait(cond, mutex);
}
