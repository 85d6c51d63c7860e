/* The cache folder between runs: where it is, and whole-file reads and atomic writes. */
#define _POSIX_C_SOURCE 200809L
#include "base/cache.h"
#include "base/hash.h"
#include "base/readset.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char cache_path[PATH_MAX];
static const char *cache_dir_found;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static bool cache_readonly;

void cp_cache_readonly(void)
{
    cache_readonly = true;
}

/* mkdir -p of a path, each new folder private to the user. */
static int make_dirs(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int r = mkdir(path, 0700);
        *p = '/';
        if (r != 0 && errno != EEXIST)
            return -1;
    }
    return mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

static void find_cache_dir(void)
{
    const char *env = getenv("CALPRESS_CACHE_DIR");
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    int n;
    if (env && env[0])
        n = strcmp(env, "off") == 0 ? -1 : snprintf(cache_path, sizeof cache_path, "%s", env);
    else if (xdg && xdg[0] == '/')
        n = snprintf(cache_path, sizeof cache_path, "%s/calpress", xdg);
    else if (home && home[0] == '/')
        n = snprintf(cache_path, sizeof cache_path, "%s/.cache/calpress", home);
    else
        n = -1;
    if (n <= 0 || (size_t)n >= sizeof cache_path - 64 || make_dirs(cache_path) != 0)
        return;
    struct stat st;
    if (stat(cache_path, &st) == 0 && S_ISDIR(st.st_mode) && access(cache_path, W_OK) == 0)
        cache_dir_found = cache_path;
}

const char *cp_cache_dir(void)
{
    pthread_once(&cache_once, find_cache_dir);
    return cache_dir_found;
}

unsigned char *cp_cache_load(const char *name, size_t max, size_t *len)
{
    const char *dir = cp_cache_dir();
    if (!dir)
        return NULL;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unsigned long long size;
    cp_file_error err;
    int fd = cp_file_open_own(path, &size, &err);
    if (fd < 0)
        return NULL;
    unsigned char *buf = NULL;
    size_t have = 0, cap = 0;
    bool over = false;
    bool ok = size <= max && cp_file_read_rest(fd, &buf, &have, &cap, max, &over, &err) && !over;
    close(fd);
    if (!ok) {
        free(buf);
        return NULL;
    }
    *len = have;
    return buf;
}

void cp_cache_remove(const char *name)
{
    const char *dir = cp_cache_dir();
    if (!dir || cache_readonly)
        return;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && !cp_readset_has(st.st_dev, st.st_ino))
        unlink(path);
}

void cp_cache_store(const char *name, const void *data, size_t len)
{
    const char *dir = cp_cache_dir();
    if (!dir || cache_readonly)
        return;
    char path[PATH_MAX], tmp[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, name);
    struct stat st;
    if (lstat(path, &st) == 0 && (!S_ISREG(st.st_mode) || cp_readset_has(st.st_dev, st.st_ino)))
        return; /* not a cache file of ours, or one this run reads as input */
    int fd = mkstemp(tmp);
    if (fd < 0)
        return;
    bool ok = cp_write_all(fd, data, len) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0)
        unlink(tmp);
}

void *cp_cache_load_records(const char *name, const char magic[8], uint32_t version, size_t size,
                            size_t max, size_t *n)
{
    *n = 0;
    size_t len = 0;
    unsigned char *buf = cp_cache_load(name, 16 + max * size + 8, &len);
    void *records = NULL;
    uint32_t v, count;
    uint64_t sum;
    if (buf && len >= 24 && memcmp(buf, magic, 8) == 0) {
        memcpy(&v, buf + 8, 4);
        memcpy(&count, buf + 12, 4);
        memcpy(&sum, buf + len - 8, 8);
        if (v == version && count <= max && len == 16 + (size_t)count * size + 8 &&
            sum == cp_hash_bytes(buf, len - 8)) {
            records = cp_xmalloc(count ? count * size : 1);
            memcpy(records, buf + 16, count * size);
            *n = count;
        }
    }
    free(buf);
    return records;
}

void cp_cache_store_records(const char *name, const char magic[8], uint32_t version,
                            const void *records, size_t size, size_t n)
{
    size_t len = 16 + n * size + 8;
    unsigned char *buf = cp_xmalloc(len);
    uint32_t count = (uint32_t)n;
    memcpy(buf, magic, 8);
    memcpy(buf + 8, &version, 4);
    memcpy(buf + 12, &count, 4);
    if (n)
        memcpy(buf + 16, records, n * size);
    uint64_t sum = cp_hash_bytes(buf, len - 8);
    memcpy(buf + len - 8, &sum, 8);
    cp_cache_store(name, buf, len);
    free(buf);
}
