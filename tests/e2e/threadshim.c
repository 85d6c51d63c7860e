/* Counts the threads a process starts and the font sets fontconfig matches and sorts for Pango,
 * for e2e/fcsync: loaded with LD_PRELOAD, it passes every pthread_create, FcFontSetMatch and
 * FcFontSetSort on to its library and, at exit, writes how many there were into the file
 * $CP_THREADS_OUT ("threads N matches M sorts S"). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fontconfig/fontconfig.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static atomic_int started, matches, sorts;

static void *next_of(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);
    if (!f)
        abort();
    return f;
}

FcPattern *FcFontSetMatch(FcConfig *config, FcFontSet **sets, int nsets, FcPattern *p,
                          FcResult *result)
{
    FcPattern *(*next)(FcConfig *, FcFontSet **, int, FcPattern *, FcResult *);
    *(void **)&next = next_of("FcFontSetMatch");
    atomic_fetch_add(&matches, 1);
    return next(config, sets, nsets, p, result);
}

FcFontSet *FcFontSetSort(FcConfig *config, FcFontSet **sets, int nsets, FcPattern *p, FcBool trim,
                         FcCharSet **csp, FcResult *result)
{
    FcFontSet *(*next)(FcConfig *, FcFontSet **, int, FcPattern *, FcBool, FcCharSet **,
                       FcResult *);
    *(void **)&next = next_of("FcFontSetSort");
    atomic_fetch_add(&sorts, 1);
    return next(config, sets, nsets, p, trim, csp, result);
}

int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
    int (*next)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
    *(void **)&next = next_of("pthread_create");
    atomic_fetch_add(&started, 1);
    return next(t, attr, fn, arg);
}

__attribute__((destructor)) static void report(void)
{
    const char *path = getenv("CP_THREADS_OUT");
    FILE *f = path ? fopen(path, "w") : NULL;
    if (f) {
        fprintf(f, "threads %d matches %d sorts %d\n", atomic_load(&started), atomic_load(&matches),
                atomic_load(&sorts));
        fclose(f);
    }
}
