/* Finding and loading calpress's modules (module.h). */
#define _GNU_SOURCE
#include "base/module.h"
#include "config.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *open_module(const char *file, char *why, size_t why_len)
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
    snprintf(why, why_len, "the module %s is not installed", file);
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        if (!dirs[i])
            continue;
        snprintf(path, sizeof path, "%s/%s", dirs[i], file);
        if (access(path, R_OK) != 0)
            continue;
        void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (h)
            return h;
        snprintf(why, why_len, "cannot load %s: %s", path, dlerror());
    }
    return NULL;
}

void *cp_module_symbol(const char *file, const char *entry, char *why, size_t why_len)
{
    void *h = open_module(file, why, why_len);
    void *sym = h ? dlsym(h, entry) : NULL;
    if (h && !sym)
        snprintf(why, why_len, "%s has no %s", file, entry);
    return sym;
}

void *cp_module_entry_get(cp_module_entry *e)
{
    if (!e->tried) {
        e->tried = true;
        e->sym = cp_module_symbol(e->file, e->entry, e->why, sizeof e->why);
    }
    return e->sym;
}

void *cp_module_next(void **slot, const char *name)
{
    void *f = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    if (!f) {
        f = dlsym(RTLD_NEXT, name);
        if (!f) {
            fprintf(stderr, "calpress: the library's %s is not found\n", name);
            abort();
        }
        __atomic_store_n(slot, f, __ATOMIC_RELEASE);
    }
    return f;
}
