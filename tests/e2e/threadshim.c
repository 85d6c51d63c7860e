/* Counts the threads a process starts, the font sets fontconfig matches and sorts for Pango, the
 * glyphs FreeType loads and the texts HarfBuzz shapes, for e2e/fcsync and e2e/textmemo: loaded
 * with LD_PRELOAD, it passes every pthread_create, FcFontSetMatch, FcFontSetSort, FT_Load_Glyph
 * and hb_shape_full on to its library and, at exit, writes how many there were into the file
 * $CP_THREADS_OUT ("threads N matches M sorts S glyphloads G shapings H"). FreeType's and
 * HarfBuzz's types are only passed on: they are declared by their sizes here. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fontconfig/fontconfig.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static atomic_int started, matches, sorts, glyph_loads, shapings;

int FT_Load_Glyph(void *face, unsigned int glyph_index, int load_flags);
int hb_shape_full(void *font, void *buffer, const void *features, unsigned int num_features,
                  const char *const *shapers);

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

int FT_Load_Glyph(void *face, unsigned int glyph_index, int load_flags)
{
    int (*next)(void *, unsigned int, int);
    *(void **)&next = next_of("FT_Load_Glyph");
    atomic_fetch_add(&glyph_loads, 1);
    return next(face, glyph_index, load_flags);
}

int hb_shape_full(void *font, void *buffer, const void *features, unsigned int num_features,
                  const char *const *shapers)
{
    int (*next)(void *, void *, const void *, unsigned int, const char *const *);
    *(void **)&next = next_of("hb_shape_full");
    atomic_fetch_add(&shapings, 1);
    return next(font, buffer, features, num_features, shapers);
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
        fprintf(f, "threads %d matches %d sorts %d glyphloads %d shapings %d\n",
                atomic_load(&started), atomic_load(&matches), atomic_load(&sorts),
                atomic_load(&glyph_loads), atomic_load(&shapings));
        fclose(f);
    }
}
