/* The focus analysis (focus.cpp with OpenCV) as a module loaded on first use: OpenCV and its
 * dependencies (protobuf, LAPACK, TBB) cost every run 7 MB of memory and their start-up, and
 * most runs find every photo's analysis in the focus cache. */
#define _GNU_SOURCE
#include "config.h"
#include "image/focus.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef bool (*analyse_fn)(const cp_focus_pixels *, const char *, cp_focus *, char *, size_t);

/* The module beside the program (a build folder), in the library folder of the prefix the
 * program is installed in, in the configured one, or in the build folder (tests). */
static void *open_module(char *why, size_t why_len)
{
    char exe[PATH_MAX], path[PATH_MAX + 64];
    const char *dirs[4] = {NULL, NULL, CP_MODULE_DIR, CP_BUILD_MODULE_DIR};
    char rel[PATH_MAX + 64];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            dirs[0] = exe;
            snprintf(rel, sizeof rel, "%s/../%s/calpress", exe, CP_MODULE_LIBDIR);
            dirs[1] = rel;
        }
    }
    snprintf(why, why_len, "the focus analysis module %s is not installed", CP_FOCUS_MODULE);
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        if (!dirs[i])
            continue;
        snprintf(path, sizeof path, "%s/%s", dirs[i], CP_FOCUS_MODULE);
        if (access(path, R_OK) != 0)
            continue;
        void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (h)
            return h;
        snprintf(why, why_len, "cannot load %s: %s", path, dlerror());
    }
    return NULL;
}

bool cp_focus_analyse(const cp_focus_pixels *px, const char *cascade, cp_focus *out, char *err,
                      size_t err_len)
{
    static analyse_fn fn;
    static bool tried;
    static char why[PATH_MAX + 128];
    if (!tried) {
        tried = true;
        void *h = open_module(why, sizeof why);
        void *sym = h ? dlsym(h, CP_FOCUS_MODULE_ENTRY) : NULL;
        if (h && !sym)
            snprintf(why, sizeof why, "%s has no %s", CP_FOCUS_MODULE, CP_FOCUS_MODULE_ENTRY);
        memcpy(&fn, &sym, sizeof fn);
    }
    if (!fn) {
        memset(out, 0, sizeof *out);
        snprintf(err, err_len, "%s", why);
        return false;
    }
    return fn(px, cascade, out, err, err_len);
}
