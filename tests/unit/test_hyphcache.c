/* The compiled hyphenation dictionaries of the cache folder (layout/hyphcache.h, base/cache.h):
 * the first load parses and stores an image, the next loads it, and both hyphenate every word
 * exactly as libhyphen's own parse does; a damaged, cut or stale image is never used. The
 * dictionaries are copies of the system's, in a fresh folder with the cache beside them. */
#define _POSIX_C_SOURCE 200809L
#include "harness.h"
#include "base/cache.h"
#include "config.h"
#include "layout/hyphcache.h"

#include <dirent.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmp[] = "/tmp/calpress-hyphcache-XXXXXX";

static const char *const words[] = {
    "rehabilitation", "responsibility", "extraordinary", "hyphenation", "supervisor",
    "measurements",   "recruits",       "boutique",      "classroom",   "delivery",
    "schedules",      "trafficking",    "organisation",  "kolkata",     "independence",
    "পরিবর্তন",        "অনুষ্ঠান",         "स्वतंत्रता",       "प्रशिक्षण",     "नमस्ते",
};

/* The hyphenation points of every word under dict, as one string. */
static void points(HyphenDict *dict, char *out, size_t cap)
{
    out[0] = '\0';
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        const char *w = words[i];
        int n = (int)strlen(w);
        char hy[256] = {0};
        char **rep = NULL;
        int *pos = NULL, *cut = NULL;
        hnj_hyphen_hyphenate3(dict, w, n, hy, NULL, &rep, &pos, &cut, 2, 3, 2, 3);
        for (int k = 0; k < n; k++)
            hy[k] = (char)('0' + (hy[k] & 1));
        hy[n] = '\0';
        if (rep) {
            for (int k = 0; k < n; k++)
                free(rep[k]);
            free(rep);
            free(pos);
            free(cut);
        }
        strncat(out, hy, cap - strlen(out) - 2);
        strcat(out, " ");
    }
}

static char *cache_file(void)
{
    static char path[512];
    DIR *d = opendir(cp_cache_dir());
    path[0] = '\0';
    for (struct dirent *e; d && (e = readdir(d));)
        if (strncmp(e->d_name, "hyph-", 5) == 0)
            snprintf(path, sizeof path, "%s/%s", cp_cache_dir(), e->d_name);
    if (d)
        closedir(d);
    return path;
}

static void copy(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    char buf[4096];
    size_t n;
    while (in && out && (n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, out);
    if (in)
        fclose(in);
    if (out)
        fclose(out);
}

/* Loads the dictionary at path through the cache: its points, and whether it came from there. */
static bool load(const char *path, char *got, size_t cap)
{
    void *block;
    HyphenDict *d = cp_hyph_dict_load(path, &block);
    CHECK(d != NULL, "%s loads", path);
    if (d)
        points(d, got, cap);
    cp_hyph_dict_free(d, block);
    return block != NULL;
}

static void test_language(const char *file)
{
    char src[512], dic[512], want[4096], got[4096];
    snprintf(src, sizeof src, "%s/%s", CP_HYPHEN_DIR, file);
    snprintf(dic, sizeof dic, "%s/%s", tmp, file);
    copy(src, dic);
    HyphenDict *plain = hnj_hyphen_load(dic);
    CHECK(plain != NULL, "%s parses", file);
    if (!plain)
        return;
    points(plain, want, sizeof want);
    hnj_hyphen_free(plain);

    CHECK(!load(dic, got, sizeof got), "%s: the first load parses the file", file);
    CHECK_STR(got, want);
    char *image = cache_file();
    CHECK(image[0] != '\0', "%s: an image is stored in the cache", file);
    CHECK(load(dic, got, sizeof got), "%s: the second load maps the image", file);
    CHECK_STR(got, want);

    /* One byte changed in the middle: the image's hash no longer matches. */
    struct stat st;
    stat(image, &st);
    int fd = open(image, O_RDWR);
    unsigned char b;
    CHECK(pread(fd, &b, 1, st.st_size / 2) == 1, "read a byte of the image");
    b ^= 0x5a;
    CHECK(pwrite(fd, &b, 1, st.st_size / 2) == 1, "damage a byte of the image");
    close(fd);
    CHECK(!load(dic, got, sizeof got), "%s: a damaged image is not used", file);
    CHECK_STR(got, want);
    CHECK(load(dic, got, sizeof got), "%s: the image was stored again", file);

    /* Cut short. */
    CHECK(truncate(image, st.st_size - 100) == 0, "cut the image");
    CHECK(!load(dic, got, sizeof got), "%s: a cut image is not used", file);
    CHECK_STR(got, want);

    /* The dictionary changed (its time, as an edit would): the old image is stale. */
    CHECK(load(dic, got, sizeof got), "%s: stored again after the cut", file);
    struct timespec times[2] = {{0, UTIME_OMIT}, {1000000000, 0}};
    utimensat(AT_FDCWD, dic, times, 0);
    CHECK(!load(dic, got, sizeof got), "%s: a dictionary changed since is parsed again", file);
    CHECK_STR(got, want);
    unlink(image);
    unlink(dic);
}

/* CALPRESS_CACHE_DIR=off: no cache folder (in a child, as the folder is found once). */
static void test_off(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        setenv("CALPRESS_CACHE_DIR", "off", 1);
        _exit(cp_cache_dir() == NULL ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "CALPRESS_CACHE_DIR=off: no cache");
}

int main(void)
{
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return 1;
    }
    test_off();
    char dir[600];
    snprintf(dir, sizeof dir, "%s/cache/calpress", tmp);
    setenv("CALPRESS_CACHE_DIR", dir, 1);
    CHECK(cp_cache_dir() != NULL, "the cache folder is made");
    test_language("hyph_en_US.dic");
    test_language("hyph_bn_IN.dic");
    test_language("hyph_hi_IN.dic");
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmp);
    return cp_test_summary("unit/hyphcache");
}
