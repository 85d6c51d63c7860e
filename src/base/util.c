/* Allocation that aborts on exhaustion, checked reading of input files and edit distance. */
#define _POSIX_C_SOURCE 200809L
#include "base/util.h"
#include "base/readset.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

_Noreturn void cp_out_of_memory(size_t n)
{
    fprintf(stderr, "calpress: fatal: out of memory (%zu bytes)\n", n);
    abort();
}

void *cp_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        cp_out_of_memory(n);
    return p;
}

void *cp_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        cp_out_of_memory(n * size);
    return p;
}

void *cp_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        cp_out_of_memory(n);
    return q;
}

char *cp_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = cp_xmalloc(n);
    memcpy(d, s, n);
    return d;
}

void *cp_xmemdup(const void *p, size_t n)
{
    void *d = cp_xmalloc(n);
    memcpy(d, p, n);
    return d;
}

bool cp_size_mul(size_t a, size_t b, size_t *out)
{
    if (b && a > SIZE_MAX / b)
        return false;
    *out = a * b;
    return true;
}

bool cp_size_mul3(size_t a, size_t b, size_t c, size_t *out)
{
    size_t ab;
    return cp_size_mul(a, b, &ab) && cp_size_mul(ab, c, out);
}

void cp_grow(void **items, size_t *cap, size_t need, size_t elem_size)
{
    if (need <= *cap)
        return;
    size_t c = *cap ? *cap : 8;
    while (c < need) {
        if (c > SIZE_MAX / 2)
            cp_out_of_memory(SIZE_MAX);
        c *= 2;
    }
    size_t bytes;
    if (!cp_size_mul(c, elem_size, &bytes))
        cp_out_of_memory(SIZE_MAX);
    *items = cp_xrealloc(*items, bytes);
    *cap = c;
}

const cp_file_kind cp_file_yaml = {"a YAML file", (size_t)16 << 20};
const cp_file_kind cp_file_photo = {"a photo", (size_t)512 << 20};
const cp_file_kind cp_file_icc = {"an ICC profile", (size_t)16 << 20};

const char *cp_format_bytes(unsigned long long n, char *buf, size_t size)
{
    if (n >= (1ull << 30))
        snprintf(buf, size, "%.1f GiB", (double)n / (1ull << 30));
    else if (n >= (1ull << 20))
        snprintf(buf, size, "%.1f MiB", (double)n / (1ull << 20));
    else if (n >= 1024)
        snprintf(buf, size, "%.1f KiB", (double)n / 1024);
    else
        snprintf(buf, size, "%llu bytes", n);
    return buf;
}

/* The reason a file of this mode is refused, or NULL for a regular file. */
static const char *not_regular(mode_t mode)
{
    if (S_ISREG(mode))
        return NULL;
    if (S_ISDIR(mode))
        return "it is a folder, not a regular file";
    if (S_ISFIFO(mode))
        return "it is a named pipe (FIFO), not a regular file";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "it is a device, not a regular file";
    if (S_ISSOCK(mode))
        return "it is a socket, not a regular file";
    return "it is not a regular file";
}

static int fail(cp_file_error *err, const char *text)
{
    snprintf(err->text, sizeof err->text, "%s", text);
    return -1;
}

int cp_file_open(const char *path, unsigned long long *size, cp_file_error *err)
{
    int fd = cp_file_open_own(path, size, err);
    if (fd >= 0)
        cp_readset_note_fd(fd); /* no output may be written over it */
    return fd;
}

int cp_file_open_own(const char *path, unsigned long long *size, cp_file_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return fail(err, strerror(errno));
    if (not_regular(st.st_mode))
        return fail(err, not_regular(st.st_mode));
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return fail(err, strerror(errno));
    /* The path may name something else by now: judge what was opened. */
    if (fstat(fd, &st) != 0 || not_regular(st.st_mode)) {
        int e = errno;
        const char *why = not_regular(st.st_mode);
        close(fd);
        return fail(err, why ? why : strerror(e));
    }
    *size = st.st_size > 0 ? (unsigned long long)st.st_size : 0;
    return fd;
}

bool cp_file_read_more(int fd, unsigned char **buf, size_t *len, size_t *cap, size_t want,
                       bool *eof, cp_file_error *err)
{
    *eof = false;
    if (want > *cap) {
        *buf = cp_xrealloc(*buf, want);
        *cap = want;
    }
    while (*len < want) {
        ssize_t got = read(fd, *buf + *len, want - *len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            fail(err, strerror(errno));
            return false;
        }
        if (got == 0) {
            *eof = true;
            break;
        }
        *len += (size_t)got;
    }
    return true;
}

bool cp_file_read_rest(int fd, unsigned char **buf, size_t *len, size_t *cap, size_t max,
                       bool *over, cp_file_error *err)
{
    /* Reads in growing steps up to one byte past max: that byte tells a file over the limit. */
    bool eof = false;
    *over = false;
    while (!eof && *len <= max) {
        size_t room = max + 1 - *len, step = *len > 65536 ? *len : 65536;
        if (!cp_file_read_more(fd, buf, len, cap, *len + (step < room ? step : room), &eof, err))
            return false;
    }
    *over = *len > max;
    return true;
}

char *cp_file_read(const char *path, const cp_file_kind *kind, size_t *len_out, cp_file_error *err)
{
    unsigned long long size;
    int fd = cp_file_open(path, &size, err);
    if (fd < 0)
        return NULL;
    char a[32], b[32];
    if (size > kind->max_bytes) {
        close(fd);
        snprintf(err->text, sizeof err->text, "it is %s, over the %s limit for %s",
                 cp_format_bytes(size, a, sizeof a), cp_format_bytes(kind->max_bytes, b, sizeof b),
                 kind->what);
        return NULL;
    }
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0;
    bool eof = false, over = false;
    /* The size fstat gave and one byte more: a file that grew since is read on, to the limit. */
    bool ok = cp_file_read_more(fd, &buf, &len, &cap, (size_t)size + 1, &eof, err);
    if (ok && !eof)
        ok = cp_file_read_rest(fd, &buf, &len, &cap, kind->max_bytes, &over, err);
    close(fd);
    if (ok && over) {
        snprintf(err->text, sizeof err->text, "it is over the %s limit for %s",
                 cp_format_bytes(kind->max_bytes, b, sizeof b), kind->what);
        ok = false;
    }
    if (!ok) {
        free(buf);
        return NULL;
    }
    buf = cp_xrealloc(buf, len + 1);
    buf[len] = '\0';
    if (len_out)
        *len_out = len;
    return (char *)buf;
}

/* write() until done; 0 or the errno. */
int cp_write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t n = write(fd, p, len < ((size_t)1 << 30) ? len : ((size_t)1 << 30));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno;
        if (n == 0)
            return EIO;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

char *cp_read_file(const char *path, size_t *len_out)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return NULL;
    if (!S_ISREG(st.st_mode)) {
        errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        return NULL;
    }
    if ((unsigned long long)st.st_size > cp_file_yaml.max_bytes) {
        errno = EFBIG;
        return NULL;
    }
    cp_file_error err;
    char *buf = cp_file_read(path, &cp_file_yaml, len_out, &err);
    if (!buf)
        errno = EIO;
    return buf;
}

size_t cp_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return (size_t)-1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = diag + cost;
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}
