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

/* The folders a module is looked for in, in order (NULL where there is none): beside the
 * program, the library folder of the prefix it is installed in, the configured one, the build
 * folder. */
typedef struct module_dirs {
    const char *dir[4];
    char exe[PATH_MAX], rel[PATH_MAX + 64];
} module_dirs;

static void find_dirs(module_dirs *m)
{
    m->dir[0] = m->dir[1] = NULL;
    m->dir[2] = CP_MODULE_DIR;
    m->dir[3] = CP_BUILD_MODULE_DIR;
    ssize_t n = readlink("/proc/self/exe", m->exe, sizeof m->exe - 1);
    if (n <= 0)
        return;
    m->exe[n] = '\0';
    char *slash = strrchr(m->exe, '/');
    if (!slash)
        return;
    *slash = '\0';
    m->dir[0] = m->exe;
    snprintf(m->rel, sizeof m->rel, "%s/../%s/calpress", m->exe, CP_MODULE_LIBDIR);
    m->dir[1] = m->rel;
}

bool cp_module_find(const char *file, char *path, size_t len)
{
    module_dirs m;
    find_dirs(&m);
    for (size_t i = 0; i < sizeof m.dir / sizeof *m.dir; i++) {
        if (!m.dir[i])
            continue;
        snprintf(path, len, "%s/%s", m.dir[i], file);
        if (access(path, R_OK) == 0)
            return true;
    }
    return false;
}

static void *open_module(const char *file, char *why, size_t why_len)
{
    module_dirs m;
    find_dirs(&m);
    char path[PATH_MAX + 64];
    snprintf(why, why_len, "the module %s is not installed", file);
    for (size_t i = 0; i < sizeof m.dir / sizeof *m.dir; i++) {
        if (!m.dir[i])
            continue;
        snprintf(path, sizeof path, "%s/%s", m.dir[i], file);
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
