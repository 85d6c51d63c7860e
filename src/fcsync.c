/* Pango 1.50 (Debian 12) starts two threads for every font pattern it meets, a font description
 * at a size in a language: one runs FcFontSetMatch, the other FcFontSetSort, each on its own copy
 * of the font set, and the caller waits for the first at once (pangofc-fontmap.c,
 * pango_fc_patterns_new). A calendar meets some 70 patterns: 146 threads a render, each made,
 * scheduled and torn down for a few hundred microseconds of work, a tenth of a render's CPU
 * time and a fifth of a check's.
 *
 * calpress defines g_thread_new in the program, so that the dynamic linker binds Pango's calls
 * to it (the program's symbols come first, and it exports them for its modules). A thread Pango
 * names "[pango] FcFontSet..." runs at once in the calling thread instead, to the same end: its
 * function stores its result under the patterns' mutex and signals a condition nobody waits on
 * yet, and the caller gets a reference to its own thread to release. Every other thread is made
 * by GLib's own g_thread_new, "[pango] FcInit" too: Pango starts it holding the mutex its
 * function takes. Fonts, layout and PDFs are byte for byte the same either way
 * (tests/e2e/test_fcsync.py); CALPRESS_PANGO_THREADS=on gives Pango its threads back. With a
 * Pango that no longer starts these threads nothing here is called. */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

GThread *g_thread_new(const gchar *name, GThreadFunc func, gpointer data)
{
    static const char fc[] = "[pango] FcFontSet";
    const char *keep = getenv("CALPRESS_PANGO_THREADS");
    if (name && strncmp(name, fc, sizeof fc - 1) == 0 && !(keep && strcmp(keep, "on") == 0)) {
        func(data);
        return g_thread_ref(g_thread_self());
    }
    GThread *(*glib_new)(const gchar *, GThreadFunc, gpointer);
    *(void **)&glib_new = dlsym(RTLD_NEXT, "g_thread_new");
    if (!glib_new) /* cannot be: GLib is linked in */
        g_error("calpress: GLib's g_thread_new is not found");
    return glib_new(name, func, data);
}
