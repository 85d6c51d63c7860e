/* Finding and loading calpress's modules (module.h). */
#define _GNU_SOURCE
#include "base/module.h"
#include "config.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A module and the libraries it brings (qpdf, GnuTLS, p11-kit...) look their own symbols up in
 * their own scope first: otherwise each of their 20,000 relocations searches the program's 66
 * libraries before theirs (15 M instructions of every render). What they call back in the program
 * is found after. The sanitizers' runtimes refuse RTLD_DEEPBIND (it would bypass their
 * interceptors), so their builds load modules as before. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define MODULE_FLAGS (RTLD_NOW | RTLD_LOCAL)
#else
#define MODULE_FLAGS (RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND)
#endif

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
        void *h = dlopen(path, MODULE_FLAGS);
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
