/* Counts the threads a process starts, for e2e/fcsync: loaded with LD_PRELOAD, it passes every
 * pthread_create on to the C library and, at exit, writes how many there were into the file
 * $CP_THREADS_OUT ("threads N"). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static atomic_int started;

int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
    int (*next)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
    *(void **)&next = dlsym(RTLD_NEXT, "pthread_create");
    if (!next)
        abort();
    atomic_fetch_add(&started, 1);
    return next(t, attr, fn, arg);
}

__attribute__((destructor)) static void report(void)
{
    const char *path = getenv("CP_THREADS_OUT");
    FILE *f = path ? fopen(path, "w") : NULL;
    if (f) {
        fprintf(f, "threads %d\n", atomic_load(&started));
        fclose(f);
    }
}
