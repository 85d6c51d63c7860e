/* A proof's screen colours of cmyk() values, kept between runs (image/colour.c): a run whose
 * colours are all known makes no LittleCMS transform, and every colour comes out to the bit as
 * the transform gives it; a damaged file, or one holding a value that is not a number, is not
 * used; another profile has its own file; a press run makes its transforms anyway and keeps
 * what the file held.
 * usage: test_colours FOGRA39L.icc */
#define _DEFAULT_SOURCE /* mkdtemp */
#include "harness.h"
#include "base/cache.h"
#include "base/util.h"
#include "image/colour.h"
#include "image/internal.h"

#include <dirent.h>
#include <lcms2.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char tmp[] = "/tmp/calpress-colours-XXXXXX";
static char cache[600];

static const cp_color colours[] = {
    {.cmyk = true, .c = 0, .m = 0.8, .y = 0.85, .k = 0.4},
    {.cmyk = true, .c = 0, .m = 0, .y = 0, .k = 1},
    {.cmyk = true, .c = 1, .m = 0, .y = 0, .k = 0},
};

/* The sRGB profile as a file, the intent of a proof. */
static cp_profile *srgb_profile(cp_diags *d)
{
    char path[700];
    snprintf(path, sizeof path, "%s/srgb.icc", tmp);
    cmsHPROFILE p = cmsCreate_sRGBProfile();
    CHECK(p && cmsSaveProfileToFile(p, path), "the sRGB profile is written");
    cmsCloseProfile(p);
    return cp_profile_load(path, cp_pos_file(path), d);
}

/* The screen colour of colours[i] straight from a transform made here, as colour.c makes it. */
static void reference(const cp_profile *fogra, size_t i, double rgb[3])
{
    cmsHPROFILE srgb = cmsCreate_sRGBProfile();
    cmsHTRANSFORM t =
        cmsCreateTransform(fogra->lcms, TYPE_CMYK_DBL, srgb, TYPE_RGB_DBL,
                           INTENT_RELATIVE_COLORIMETRIC, cmsFLAGS_BLACKPOINTCOMPENSATION);
    const cp_color *c = &colours[i];
    double in[4] = {c->c * 100, c->m * 100, c->y * 100, c->k * 100};
    cmsDoTransform(t, in, rgb, 1);
    for (int k = 0; k < 3; k++)
        rgb[k] = rgb[k] < 0 ? 0 : rgb[k] > 1 ? 1 : rgb[k];
    cmsDeleteTransform(t);
    cmsCloseProfile(srgb);
}

/* A cache file of screen colours, or "" (called while there is one). */
static void memo_file(char *out, size_t n) /* n: at least 1200 */
{
    out[0] = '\0';
    DIR *dir = opendir(cache);
    struct dirent *e;
    while (dir && (e = readdir(dir)))
        if (strncmp(e->d_name, "screen-colours-", 15) == 0)
            snprintf(out, n, "%.600s/%.255s", cache, e->d_name);
    if (dir)
        closedir(dir);
}

/* A proof's colours (a press run's when intent is CMYK): colours[from..to) shown, each equal to
 * the reference; returns how many transforms the run made. */
static int run_from(const cp_profile *intent, const cp_profile *fogra, size_t from, size_t to,
                    const char *what)
{
    cp_diags d;
    cp_diags_init(&d);
    cp_colours *cv = cp_colours_new(intent, intent->n == 4 ? NULL : fogra, &d);
    CHECK(cv != NULL && d.n_errors == 0, "%s: the colours are made", what);
    if (!cv)
        return -1;
    CHECK(cp_colours_can_show_cmyk(cv), "%s: cmyk() colours can be shown", what);
    for (size_t i = from; i < to; i++) {
        double got[3], want[3];
        cp_colours_screen(cv, &colours[i], got);
        reference(fogra, i, want);
        CHECK(memcmp(got, want, sizeof got) == 0,
              "%s: colour %zu shows as the transform gives it, to the bit", what, i);
    }
    int made = cp_colours_screen_transforms(cv);
    cp_colours_free(cv);
    cp_diags_finish(&d);
    return made;
}

static int proof_run(const cp_profile *srgb, const cp_profile *fogra, size_t n, const char *what)
{
    return run_from(srgb, fogra, 0, n, what);
}

/* The FOGRA39 profile with another creation date: the same colours, other bytes. */
static cp_profile *redated(const char *path, cp_diags *d)
{
    size_t len = 0;
    char *data = cp_read_file(path, &len);
    char out[700];
    snprintf(out, sizeof out, "%s/redated.icc", tmp);
    FILE *f = fopen(out, "wb");
    bool ok = data && len > 132 && f;
    if (ok) {
        data[25] ^= 1; /* the year's low byte */
        ok = fwrite(data, 1, len, f) == len;
    }
    if (f)
        fclose(f);
    free(data);
    CHECK(ok, "a redated copy of the profile is written");
    return ok ? cp_profile_load(out, cp_pos_file(out), d) : NULL;
}

/* Puts a NaN in the first colour kept in the cache file memo, with a checksum that holds. */
static bool poison(const char *memo)
{
    const char *name = strrchr(memo, '/');
    size_t n = 0;
    double(*v)[7] =
        name ? cp_cache_load_records(name + 1, "CPSCRN\0\0", 1, sizeof *v, 4096, &n) : NULL;
    if (!v || n == 0) {
        free(v);
        return false;
    }
    v[0][5] = NAN;
    cp_cache_store_records(name + 1, "CPSCRN\0\0", 1, v, sizeof *v, n);
    free(v);
    return true;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_colours FOGRA39L.icc\n");
        return 2;
    }
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(cache, sizeof cache, "%s/cache", tmp);
    setenv("CALPRESS_CACHE_DIR", cache, 1);
    CHECK(cp_cache_dir() != NULL, "the cache folder is made");
    cp_diags d;
    cp_diags_init(&d);
    cp_profile *fogra = cp_profile_load(argv[1], cp_pos_file(argv[1]), &d);
    cp_profile *srgb = srgb_profile(&d);
    CHECK(fogra && srgb, "the profiles load");
    if (!fogra || !srgb)
        return cp_test_summary("unit/colours");

    CHECK_INT(proof_run(srgb, fogra, 1, "first run"), 1);
    char memo[1200];
    memo_file(memo, sizeof memo);
    CHECK(memo[0] != '\0', "the first run keeps its screen colours in the cache folder");
    CHECK_INT(proof_run(srgb, fogra, 1, "the same colour again"), 0);
    /* Press: the intent's transforms are made whatever the cache holds, and its screen colours
     * join the kept ones. */
    CHECK_INT(run_from(fogra, fogra, 1, 2, "a press run"), 1);
    CHECK_INT(proof_run(srgb, fogra, 2, "the proof's and the press run's colours kept"), 0);
    CHECK_INT(proof_run(srgb, fogra, 3, "a colour not kept"), 1);
    CHECK_INT(proof_run(srgb, fogra, 3, "all three kept"), 0);
    CHECK_INT(proof_run(srgb, fogra, 0, "no colour asked"), 0);
    cp_profile *other = redated(argv[1], &d);
    CHECK(other && other->n == 4, "the redated profile loads");
    if (other) {
        CHECK_INT(proof_run(srgb, other, 3, "another profile's bytes"), 1);
        CHECK_INT(proof_run(srgb, other, 3, "that profile again"), 0);
        cp_profile_free(other);
    }
    CHECK_INT(proof_run(srgb, fogra, 3, "the first profile's colours are still kept"), 0);

    /* A changed byte: the checksum fails, the file is not used. */
    FILE *f = fopen(memo, "r+b");
    CHECK(f && fseek(f, 20, SEEK_SET) == 0 && fputc(0x5A, f) != EOF, "the file is damaged");
    if (f)
        fclose(f);
    CHECK_INT(proof_run(srgb, fogra, 3, "a damaged file"), 1);
    CHECK_INT(proof_run(srgb, fogra, 3, "written again whole"), 0);

    /* A cut file is not used either. */
    CHECK(truncate(memo, 40) == 0, "the file is cut");
    CHECK_INT(proof_run(srgb, fogra, 1, "a cut file"), 1);

    /* A value that is not a number, under a good checksum: the file is not used. */
    CHECK(poison(memo), "a NaN is put in the file");
    CHECK_INT(proof_run(srgb, fogra, 1, "a file holding a NaN"), 1);

    cp_profile_free(srgb);
    cp_profile_free(fogra);
    cp_diags_finish(&d);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmp);
    return cp_test_summary("unit/colours");
}
