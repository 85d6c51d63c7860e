/* A fault injector for the robustness tests, loaded with LD_PRELOAD: makes chosen file-system
 * calls on files in one folder fail or wait, so the tests can reach the error paths of a write
 * (full disk at fsync, a failing rename half-way through a pair) that a real disk rarely shows.
 *
 *   CP_FAULT_DIR=/abs/folder   only calls on files in this folder (or on the folder) count
 *   CP_FAULT=ITEM,ITEM,...     where ITEM is one of
 *     fail:OP:N:ERRNO          the Nth counted call of OP fails with ERRNO (a name or a number)
 *     delay:OP:MS[:N]          every counted call of OP (or only the Nth) waits MS milliseconds
 *     gate:OP:N                the Nth counted call of OP waits until the file $CP_FAULT_GATE
 *                              exists (at most 5 minutes)
 *     notmpfile                open(O_TMPFILE) fails with EOPNOTSUPP (as on vfat or NFS)
 *     noexchange               renameat2(RENAME_EXCHANGE) fails with EINVAL
 *     nolink                   linkat of an existing name fails with EPERM
 *     nodirlock                flock on a folder fails with ENOLCK (as on NFS)
 *   OP: write, fsync (a file), fsyncdir (the folder), close, rename (any of the rename calls),
 *   link, fchmod. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { OP_WRITE, OP_FSYNC, OP_FSYNCDIR, OP_CLOSE, OP_RENAME, OP_LINK, OP_FCHMOD, N_OPS };
static const char *const op_names[N_OPS] = {"write",  "fsync", "fsyncdir", "close",
                                            "rename", "link",  "fchmod"};

static struct {
    bool loaded;
    char dir[PATH_MAX];
    int fail_at[N_OPS], fail_errno[N_OPS], delay_ms[N_OPS], delay_at[N_OPS], gate_at[N_OPS];
    int count[N_OPS];
    bool notmpfile, noexchange, nolink, nodirlock;
} cfg;

static int errno_by_name(const char *s)
{
    static const struct {
        const char *name;
        int value;
    } names[] = {{"EIO", EIO},       {"ENOSPC", ENOSPC}, {"EDQUOT", EDQUOT}, {"EFBIG", EFBIG},
                 {"EACCES", EACCES}, {"EPERM", EPERM},   {"EROFS", EROFS},   {"EXDEV", EXDEV}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(names[i].name, s) == 0)
            return names[i].value;
    return atoi(s) ? atoi(s) : EIO;
}

static int op_by_name(const char *s, size_t n)
{
    for (int i = 0; i < N_OPS; i++)
        if (strlen(op_names[i]) == n && strncmp(op_names[i], s, n) == 0)
            return i;
    return -1;
}

static void load(void)
{
    if (cfg.loaded)
        return;
    cfg.loaded = true;
    const char *dir = getenv("CP_FAULT_DIR"), *spec = getenv("CP_FAULT");
    if (dir)
        snprintf(cfg.dir, sizeof cfg.dir, "%s", dir);
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", spec ? spec : "");
    for (char *save = NULL, *item = strtok_r(buf, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
        if (strcmp(item, "notmpfile") == 0)
            cfg.notmpfile = true;
        else if (strcmp(item, "noexchange") == 0)
            cfg.noexchange = true;
        else if (strcmp(item, "nolink") == 0)
            cfg.nolink = true;
        else if (strcmp(item, "nodirlock") == 0)
            cfg.nodirlock = true;
        else if (strncmp(item, "fail:", 5) == 0 || strncmp(item, "delay:", 6) == 0 ||
                 strncmp(item, "gate:", 5) == 0) {
            bool fail = item[0] == 'f';
            char *op = strchr(item, ':') + 1, *rest = strchr(op, ':');
            int k = rest ? op_by_name(op, (size_t)(rest - op)) : -1;
            if (k < 0) {
                fprintf(stderr, "faultshim: bad item '%s'\n", item);
                abort();
            }
            if (item[0] == 'g') {
                cfg.gate_at[k] = atoi(rest + 1);
            } else if (fail) {
                char *e = strchr(rest + 1, ':');
                cfg.fail_at[k] = atoi(rest + 1);
                cfg.fail_errno[k] = e ? errno_by_name(e + 1) : EIO;
            } else {
                char *nth = strchr(rest + 1, ':');
                cfg.delay_ms[k] = atoi(rest + 1);
                cfg.delay_at[k] = nth ? atoi(nth + 1) : 0;
            }
        } else {
            fprintf(stderr, "faultshim: bad item '%s'\n", item);
            abort();
        }
    }
}

/* True when path is the folder itself (*is_dir) or a file directly inside it. */
static bool in_scope_path(const char *path, bool *is_dir)
{
    size_t n = strlen(cfg.dir);
    if (!n || strncmp(path, cfg.dir, n) != 0)
        return false;
    if (is_dir)
        *is_dir = path[n] == '\0';
    return path[n] == '\0' || path[n] == '/';
}

static bool in_scope_fd(int fd, bool *is_dir)
{
    char link[64], path[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0)
        return false;
    path[n] = '\0';
    return in_scope_path(path, is_dir);
}

static bool in_scope_at(int dirfd, const char *name)
{
    char dir[PATH_MAX], path[2 * PATH_MAX];
    if (name[0] == '/')
        return in_scope_path(name, NULL);
    if (dirfd == AT_FDCWD) {
        if (!getcwd(dir, sizeof dir))
            return false;
    } else {
        char link[64];
        snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
        ssize_t n = readlink(link, dir, sizeof dir - 1);
        if (n <= 0)
            return false;
        dir[n] = '\0';
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return in_scope_path(path, NULL);
}

/* Counts a call of op in scope: waits if asked, and returns the errno to fail with (0 = go on). */
static void wait_for_gate(void)
{
    const char *gate = getenv("CP_FAULT_GATE");
    struct timespec ts = {0, 10 * 1000000L};
    for (int i = 0; gate && i < 30000 && access(gate, F_OK) != 0; i++)
        nanosleep(&ts, NULL);
}

static int count(int op)
{
    if (cfg.gate_at[op] && cfg.gate_at[op] == cfg.count[op] + 1)
        wait_for_gate();
    if (cfg.delay_ms[op] && (!cfg.delay_at[op] || cfg.delay_at[op] == cfg.count[op] + 1)) {
        struct timespec ts = {cfg.delay_ms[op] / 1000, (cfg.delay_ms[op] % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    cfg.count[op]++;
    return cfg.fail_at[op] && cfg.count[op] == cfg.fail_at[op] ? cfg.fail_errno[op] : 0;
}

#define REAL(type, name, ...)                                                                      \
    static type (*real_##name)(__VA_ARGS__);                                                       \
    if (!real_##name) {                                                                            \
        void *sym = dlsym(RTLD_NEXT, #name);                                                       \
        memcpy(&real_##name, &sym, sizeof sym);                                                    \
    }

ssize_t write(int fd, const void *buf, size_t n)
{
    REAL(ssize_t, write, int, const void *, size_t);
    load();
    int e = fd > 2 && in_scope_fd(fd, NULL) ? count(OP_WRITE) : 0;
    if (e) {
        errno = e;
        return -1;
    }
    return real_write(fd, buf, n);
}

int fsync(int fd)
{
    REAL(int, fsync, int);
    load();
    bool dir = false;
    int e = in_scope_fd(fd, &dir) ? count(dir ? OP_FSYNCDIR : OP_FSYNC) : 0;
    if (e) {
        errno = e;
        return -1;
    }
    return real_fsync(fd);
}

int close(int fd)
{
    REAL(int, close, int);
    load();
    bool dir = false;
    int e = fd > 2 && in_scope_fd(fd, &dir) && !dir ? count(OP_CLOSE) : 0;
    int r = real_close(fd);
    if (e) {
        errno = e; /* the descriptor is gone all the same, as with a real failing close */
        return -1;
    }
    return r;
}

int fchmod(int fd, mode_t mode)
{
    REAL(int, fchmod, int, mode_t);
    load();
    int e = in_scope_fd(fd, NULL) ? count(OP_FCHMOD) : 0;
    if (e) {
        errno = e;
        return -1;
    }
    return real_fchmod(fd, mode);
}

int renameat2(int od, const char *o, int nd, const char *n, unsigned flags)
{
    REAL(int, renameat2, int, const char *, int, const char *, unsigned);
    load();
    if (cfg.noexchange && (flags & RENAME_EXCHANGE)) {
        errno = EINVAL;
        return -1;
    }
    int e = in_scope_at(nd, n) ? count(OP_RENAME) : 0;
    if (e) {
        errno = e;
        return -1;
    }
    return real_renameat2(od, o, nd, n, flags);
}

int renameat(int od, const char *o, int nd, const char *n)
{
    REAL(int, renameat, int, const char *, int, const char *);
    load();
    int e = in_scope_at(nd, n) ? count(OP_RENAME) : 0;
    if (e) {
        errno = e;
        return -1;
    }
    return real_renameat(od, o, nd, n);
}

int rename(const char *o, const char *n)
{
    REAL(int, rename, const char *, const char *);
    load();
    int e = in_scope_at(AT_FDCWD, n) ? count(OP_RENAME) : 0;
    if (e) {
        errno = e;
        return -1;
    }
    return real_rename(o, n);
}

int linkat(int od, const char *o, int nd, const char *n, int flags)
{
    REAL(int, linkat, int, const char *, int, const char *, int);
    load();
    /* A link from an existing name (not from an unnamed O_TMPFILE via /proc or AT_EMPTY_PATH). */
    if (cfg.nolink && !(flags & AT_EMPTY_PATH) && strncmp(o, "/proc/", 6) != 0) {
        errno = EPERM;
        return -1;
    }
    int e = in_scope_at(nd, n) ? count(OP_LINK) : 0;
    if (e) {
        errno = e;
        return -1;
    }
    return real_linkat(od, o, nd, n, flags);
}

int flock(int fd, int op)
{
    REAL(int, flock, int, int);
    load();
    struct stat st;
    if (cfg.nodirlock && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        errno = ENOLCK;
        return -1;
    }
    return real_flock(fd, op);
}

static int open_common(int dirfd, const char *path, int flags, mode_t mode)
{
    REAL(int, openat, int, const char *, int, ...);
    load();
    if (cfg.notmpfile && (flags & O_TMPFILE) == O_TMPFILE) {
        errno = EOPNOTSUPP;
        return -1;
    }
    return real_openat(dirfd, path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
    mode_t mode = 0;
    if (flags & O_CREAT || (flags & O_TMPFILE) == O_TMPFILE) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    return open_common(dirfd, path, flags, mode);
}

int open(const char *path, int flags, ...)
{
    mode_t mode = 0;
    if (flags & O_CREAT || (flags & O_TMPFILE) == O_TMPFILE) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    return open_common(AT_FDCWD, path, flags, mode);
}
