/* Output files: temporary files beside their targets, checked writes, a locked folder, an
 * all-or-nothing commit, and clean-up on signals. See outfile.h. */
#define _GNU_SOURCE /* O_TMPFILE, renameat2, AT_EMPTY_PATH, flock, getrandom */
#include "base/outfile.h"
#include "base/hash.h"
#include "base/readset.h"
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- Clean-up on signals ------------------------------------------------------------------ */

/* A name to remove if a signal ends the process: a file in the folder dirfd, or a folder by its
 * path (dirfd < 0). Nodes live in the structs that own the names. The list changes only with
 * the signals blocked, so the handler always sees it whole. */
typedef struct cleanup_node {
    struct cleanup_node *next;
    int dirfd;
    const char *name;
} cleanup_node;

static cleanup_node *volatile cleanup_list;
static const int cleanup_signals[] = {SIGINT, SIGTERM, SIGHUP};

/* Async-signal-safe: unlinkat, raise, and reads of a list nobody is changing. */
static void on_signal(int sig)
{
    int saved = errno;
    for (cleanup_node *n = cleanup_list; n; n = n->next)
        if (n->dirfd >= 0)
            unlinkat(n->dirfd, n->name, 0);
    /* Folders last, deepest first (the list holds the newest first). */
    for (cleanup_node *n = cleanup_list; n; n = n->next)
        if (n->dirfd < 0)
            unlinkat(AT_FDCWD, n->name, AT_REMOVEDIR);
    errno = saved;
    /* SA_RESETHAND restored the default action; the signal is blocked until we return. */
    raise(sig);
}

static void block_signals(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < CP_ARRAY_LEN(cleanup_signals); i++)
        sigaddset(&set, cleanup_signals[i]);
    sigprocmask(SIG_BLOCK, &set, old);
}

static void restore_signals(const sigset_t *old)
{
    sigprocmask(SIG_SETMASK, old, NULL);
}

static void signals_init(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    /* A file-size limit then makes write() fail with EFBIG instead of killing the process. */
    signal(SIGXFSZ, SIG_IGN);
    struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESETHAND};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < CP_ARRAY_LEN(cleanup_signals); i++)
        sigaddset(&sa.sa_mask, cleanup_signals[i]);
    for (size_t i = 0; i < CP_ARRAY_LEN(cleanup_signals); i++) {
        struct sigaction old;
        /* A signal the caller ignores (nohup, a background job) stays ignored. */
        if (sigaction(cleanup_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(cleanup_signals[i], &sa, NULL);
    }
}

/* Call with the signals blocked. */
static void cleanup_push(cleanup_node *n, int dirfd, const char *name)
{
    n->dirfd = dirfd;
    n->name = name;
    n->next = cleanup_list;
    cleanup_list = n;
}

/* Call with the signals blocked. */
static void cleanup_drop(cleanup_node *n)
{
    for (cleanup_node *volatile *p = &cleanup_list; *p; p = &(*p)->next) {
        if (*p == n) {
            *p = n->next;
            break;
        }
    }
    n->next = NULL;
}

/* ---- Sets and files ----------------------------------------------------------------------- */

typedef enum swap_state {
    SWAP_NONE,      /* the target is as it was */
    SWAP_CREATED,   /* the new file is at a name that did not exist */
    SWAP_EXCHANGED, /* new and old swapped names: the old file is at temp */
    SWAP_BACKED_UP, /* the old file is kept at backup, the new one is in place */
} swap_state;

struct cp_outfile {
    char *name;                /* the target's name in the folder */
    char *path;                /* DIR/NAME, for messages */
    int fd;                    /* the temporary file, until it is closed */
    char temp[NAME_MAX + 1];   /* its name once it has one, else "" */
    char backup[NAME_MAX + 1]; /* where the old file waits without RENAME_EXCHANGE, else "" */
    cleanup_node node;         /* temp, while it exists */
    size_t size;               /* bytes written */
    cp_hasher hash;            /* of the bytes written */
    bool failed, existed;
    mode_t mode; /* for the new file */
    swap_state state;
};

struct cp_outset {
    char *dir;
    int dirfd, lock_fd;
    cleanup_node lock_node;
    cleanup_node **made; /* folders this set created, in order of creation */
    size_t n_made, cap_made, n_registered;
    bool tried_lock, locked; /* made folders may go only under the lock, or if never tried */
    cp_outfile **files;
    size_t n, cap;
    bool committed;
};

static bool file_error(cp_outfile *f, cp_diags *d, const char *what, int err)
{
    cp_error(d, cp_pos_file(f->path), "%s: %s", what, strerror(err));
    f->failed = true;
    return false;
}

/* A problem with the target itself, reported without an errno. */
static bool file_problem(cp_outfile *f, cp_diags *d, const char *what)
{
    cp_error(d, cp_pos_file(f->path), "%s", what);
    f->failed = true;
    return false;
}

/* ".NAME.XXXXXX" with six random letters and digits. */
static void temp_name(const char *name, char out[NAME_MAX + 1])
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    unsigned char r[6];
    if (getrandom(r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
        static unsigned long long counter;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        unsigned long long x = (unsigned long long)ts.tv_nsec ^ (unsigned long long)ts.tv_sec ^
                               ((unsigned long long)getpid() << 20) ^
                               (++counter * 0x9E3779B97F4A7C15ull);
        for (size_t i = 0; i < sizeof r; i++)
            r[i] = (unsigned char)(x >> (8 * i));
    }
    char suffix[7];
    for (size_t i = 0; i < sizeof r; i++)
        suffix[i] = abc[r[i] % (sizeof abc - 1)];
    suffix[6] = '\0';
    snprintf(out, NAME_MAX + 1, ".%s.%s", name, suffix);
}

/* True when entry is a temporary file name of target: ".NAME.XXXXXX". */
static bool is_temp_of(const char *entry, const char *target)
{
    size_t n = strlen(target);
    if (strlen(entry) != n + CP_OUTFILE_TEMP_EXTRA || entry[0] != '.' ||
        strncmp(entry + 1, target, n) != 0 || entry[n + 1] != '.')
        return false;
    for (const char *p = entry + n + 2; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
            return false;
    return true;
}

static bool fsync_folder(const char *path, cp_diags *d)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int err = fd < 0 ? errno : fsync(fd) != 0 ? errno : 0;
    if (fd >= 0)
        close(fd);
    if (err)
        cp_error(d, cp_pos_file(path), "cannot write the folder to disk (fsync): %s",
                 strerror(err));
    return !err;
}

static bool note_made(cp_outset *s, const char *path, cp_diags *d)
{
    /* Registered for the signal handler only once the folder is locked (register_made). */
    cleanup_node *n = cp_xcalloc(1, sizeof *n);
    n->name = cp_xstrdup(path);
    cp_grow((void **)&s->made, &s->cap_made, s->n_made + 1, sizeof *s->made);
    s->made[s->n_made++] = n;
    /* The new folder's entry in its parent must reach the disk too. */
    char *parent = cp_xstrdup(path);
    char *slash = strrchr(parent, '/');
    if (slash)
        *(slash == parent ? slash + 1 : slash) = '\0';
    bool ok = fsync_folder(slash ? parent : ".", d);
    free(parent);
    return ok;
}

/* mkdir -p, remembering what it made. */
static bool make_dirs(cp_outset *s, cp_diags *d)
{
    char *path = cp_xstrdup(s->dir);
    bool ok = true;
    for (char *p = path + 1; ok; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        struct stat st;
        if (mkdir(path, 0777) == 0) {
            ok = note_made(s, path, d);
        } else if (errno != EEXIST) {
            int err = errno;
            if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
                cp_error(d, cp_pos_file(s->dir), "cannot create the folder '%s': %s", path,
                         strerror(err));
                ok = false;
            }
        }
        *p = c;
        if (c == '\0')
            break;
    }
    free(path);
    return ok;
}

static void say_waiting(const cp_outset *s)
{
    fprintf(stderr, "calpress: waiting for another calpress writing into '%s'\n", s->dir);
}

/* Where a folder cannot be locked (NFS): a lock file in it. The file may be removed by the run
 * that holds it (at its end): a lock taken on a file that is no longer the folder's is retried. */
static bool lock_file(cp_outset *s, cp_diags *d)
{
    for (;;) {
        int fd =
            openat(s->dirfd, CP_OUTSET_LOCK_NAME, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
        if (fd < 0) {
            cp_error(d, cp_pos_file(s->dir), "cannot write into the folder: %s", strerror(errno));
            return false;
        }
        int r = flock(fd, LOCK_EX | LOCK_NB);
        if (r != 0 && errno == EWOULDBLOCK) {
            say_waiting(s);
            while ((r = flock(fd, LOCK_EX)) != 0 && errno == EINTR)
                ;
        }
        if (r != 0) {
            cp_error(d, cp_pos_file(s->dir), "cannot lock the folder (%s): %s", CP_OUTSET_LOCK_NAME,
                     strerror(errno));
            close(fd);
            return false;
        }
        struct stat held, now;
        if (fstat(fd, &held) == 0 &&
            fstatat(s->dirfd, CP_OUTSET_LOCK_NAME, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
            held.st_dev == now.st_dev && held.st_ino == now.st_ino) {
            sigset_t old;
            block_signals(&old);
            s->lock_fd = fd;
            cleanup_push(&s->lock_node, s->dirfd, CP_OUTSET_LOCK_NAME);
            restore_signals(&old);
            return true;
        }
        close(fd);
    }
}

/* Takes the folder's lock, waiting for another run: flock on the folder itself, so that nothing
 * is left on disk even by a killed run; else a lock file. */
static bool lock_dir(cp_outset *s, cp_diags *d)
{
    if (flock(s->dirfd, LOCK_EX | LOCK_NB) == 0)
        return true;
    if (errno != EWOULDBLOCK)
        return lock_file(s, d);
    say_waiting(s);
    int r;
    while ((r = flock(s->dirfd, LOCK_EX)) != 0 && errno == EINTR)
        ;
    if (r != 0)
        cp_error(d, cp_pos_file(s->dir), "cannot lock the folder: %s", strerror(errno));
    return r == 0;
}

/* True when the folder open at s->dirfd is still the one at s->dir: a run that made it and then
 * failed removes it again, perhaps while this one waited for its lock. */
static bool still_there(const cp_outset *s)
{
    struct stat held, now;
    return fstat(s->dirfd, &held) == 0 && stat(s->dir, &now) == 0 && held.st_dev == now.st_dev &&
           held.st_ino == now.st_ino;
}

/* Removes the lock file, if any, while still holding its lock: a run waiting on it will see it
 * is gone and retry. */
static void remove_lock_file(cp_outset *s)
{
    if (s->lock_fd < 0)
        return;
    sigset_t old;
    block_signals(&old);
    unlinkat(s->dirfd, CP_OUTSET_LOCK_NAME, 0);
    cleanup_drop(&s->lock_node);
    restore_signals(&old);
}

/* Releases the folder's lock by closing what holds it. */
static void unlock(cp_outset *s)
{
    if (s->lock_fd >= 0)
        close(s->lock_fd);
    if (s->dirfd >= 0)
        close(s->dirfd);
    s->lock_fd = s->dirfd = -1;
}

/* The folders this set made may go if a signal ends the run, now that the lock is held: before,
 * another run may be writing unnamed files into one that looks empty. */
static void register_made(cp_outset *s)
{
    sigset_t old;
    block_signals(&old);
    for (; s->n_registered < s->n_made; s->n_registered++)
        cleanup_push(s->made[s->n_registered], -1, s->made[s->n_registered]->name);
    restore_signals(&old);
}

/* Makes (if asked), opens and locks the folder. */
static bool open_dir(cp_outset *s, bool make_dir, cp_diags *d)
{
    for (int tries = 0; tries < 100; tries++) {
        if (make_dir && !make_dirs(s, d))
            return false;
        s->dirfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (s->dirfd < 0) {
            cp_error(d, cp_pos_file(s->dir), "cannot open the folder: %s", strerror(errno));
            return false;
        }
        s->tried_lock = true;
        if (!lock_dir(s, d))
            return false;
        if (still_there(s)) {
            s->locked = true;
            register_made(s);
            return true;
        }
        remove_lock_file(s);
        unlock(s);
    }
    cp_error(d, cp_pos_file(s->dir), "the folder keeps disappearing");
    return false;
}

cp_outset *cp_outset_open(const char *dir, bool make_dir, cp_diags *d)
{
    signals_init();
    cp_outset *s = cp_xcalloc(1, sizeof *s);
    s->dir = cp_xstrdup(dir);
    for (size_t n = strlen(s->dir); n > 1 && s->dir[n - 1] == '/'; n--)
        s->dir[n - 1] = '\0';
    s->dirfd = s->lock_fd = -1;
    if (!open_dir(s, make_dir, d)) {
        cp_outset_free(s);
        return NULL;
    }
    return s;
}

/* A named temporary file, for file systems without O_TMPFILE. */
static int create_named(cp_outset *s, cp_outfile *f)
{
    for (int tries = 0; tries < 100; tries++) {
        sigset_t old;
        block_signals(&old);
        temp_name(f->name, f->temp);
        int fd =
            openat(s->dirfd, f->temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        int err = errno;
        if (fd >= 0)
            cleanup_push(&f->node, s->dirfd, f->temp);
        else
            f->temp[0] = '\0';
        restore_signals(&old);
        if (fd >= 0 || err != EEXIST) {
            errno = err;
            return fd;
        }
    }
    errno = EEXIST;
    return -1;
}

cp_outfile *cp_outset_add(cp_outset *s, const char *name, cp_diags *d)
{
    cp_outfile *f = cp_xcalloc(1, sizeof *f);
    cp_hasher_init(&f->hash);
    f->name = cp_xstrdup(name);
    size_t n = strlen(s->dir) + strlen(name) + 2;
    f->path = cp_xmalloc(n);
    snprintf(f->path, n, "%s%s%s", s->dir, strcmp(s->dir, "/") == 0 ? "" : "/", name);
    f->fd = -1;
    cp_grow((void **)&s->files, &s->cap, s->n + 1, sizeof *s->files);
    s->files[s->n++] = f;
    if (!name[0] || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        file_problem(f, d, "is not a file name");
        return NULL;
    }
    if (strlen(name) + CP_OUTFILE_TEMP_EXTRA > NAME_MAX) {
        file_error(f, d, "cannot create a temporary file beside it", ENAMETOOLONG);
        return NULL;
    }
    f->fd = openat(s->dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
    if (f->fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL))
        f->fd = create_named(s, f);
    if (f->fd < 0) {
        file_error(f, d, "cannot create a temporary file beside it", errno);
        return NULL;
    }
    return f;
}

bool cp_outfile_write(cp_outfile *f, const void *data, size_t len, cp_diags *d)
{
    if (f->failed)
        return false;
    int err = cp_write_all(f->fd, data, len);
    if (err)
        return file_error(f, d, "cannot write", err);
    f->size += len;
    cp_hasher_bytes(&f->hash, data, len);
    return true;
}

size_t cp_outfile_size(const cp_outfile *f)
{
    return f->size;
}

uint64_t cp_outfile_hash(const cp_outfile *f)
{
    return cp_hasher_digest(&f->hash);
}

const char *cp_outfile_path(const cp_outfile *f)
{
    return f->path;
}

/* What is at the target now: nothing, or a file that may be replaced (its mode is kept). */
static bool check_target(cp_outset *s, cp_outfile *f, cp_diags *d)
{
    mode_t mask = umask(0);
    umask(mask);
    f->mode = 0666 & ~mask;
    f->existed = false;
    struct stat st, resolved;
    if (fstatat(s->dirfd, f->name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno == ENOENT ? true : file_error(f, d, "cannot look at the file", errno);
    bool resolves = fstatat(s->dirfd, f->name, &resolved, 0) == 0;
    if (cp_readset_has(st.st_dev, st.st_ino) ||
        (resolves && cp_readset_has(resolved.st_dev, resolved.st_ino)))
        return file_problem(f, d, "the run reads this file: refusing to write over it");
    if (S_ISDIR(st.st_mode))
        return file_problem(f, d, "is a folder: cannot replace it with a file");
    if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
        return file_problem(f, d, "is not a regular file: cannot replace it");
    if (S_ISREG(st.st_mode) && faccessat(s->dirfd, f->name, W_OK, AT_EACCESS) != 0 &&
        (errno == EACCES || errno == EPERM || errno == EROFS))
        return file_problem(f, d, "is read-only: cannot replace it");
    if (S_ISREG(st.st_mode))
        f->mode = st.st_mode & 0777;
    f->existed = true;
    return true;
}

/* Gives an unnamed (O_TMPFILE) file its temporary name. */
static bool link_temp(cp_outset *s, cp_outfile *f, cp_diags *d)
{
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", f->fd);
    for (int tries = 0; tries < 100; tries++) {
        sigset_t old;
        block_signals(&old);
        temp_name(f->name, f->temp);
        int r = linkat(AT_FDCWD, proc, s->dirfd, f->temp, AT_SYMLINK_FOLLOW);
        if (r != 0 && errno == ENOENT) /* no /proc: needs CAP_DAC_READ_SEARCH */
            r = linkat(f->fd, "", s->dirfd, f->temp, AT_EMPTY_PATH);
        int err = errno;
        if (r == 0)
            cleanup_push(&f->node, s->dirfd, f->temp);
        else
            f->temp[0] = '\0';
        restore_signals(&old);
        if (r == 0)
            return true;
        if (err != EEXIST)
            return file_error(f, d, "cannot create the file", err);
    }
    return file_error(f, d, "cannot create the file", EEXIST);
}

/* The mode, and the data on the disk. */
static bool flush(cp_outfile *f, cp_diags *d)
{
    if (fchmod(f->fd, f->mode) != 0)
        return file_error(f, d, "cannot set the file's permissions", errno);
    if (fsync(f->fd) != 0)
        return file_error(f, d, "cannot write (fsync)", errno);
    return true;
}

/* A name, and closed: ready to be swapped in. Done for every file after every flush, so that an
 * unnamed file gets its name only an instant before the swap (a SIGKILL leaves nothing). */
static bool name_and_close(cp_outset *s, cp_outfile *f, cp_diags *d)
{
    if (!f->temp[0] && !link_temp(s, f, d))
        return false;
    int fd = f->fd;
    f->fd = -1;
    if (close(fd) != 0)
        return file_error(f, d, "cannot write (close)", errno);
    return true;
}

/* Without RENAME_EXCHANGE: the old file is kept under a second name, by a hard link where the
 * file system has them, else by a rename (a moment without the target). */
static bool back_up(cp_outset *s, cp_outfile *f, bool *moved)
{
    for (int tries = 0; tries < 100; tries++) {
        temp_name(f->name, f->backup);
        *moved = false;
        if (linkat(s->dirfd, f->name, s->dirfd, f->backup, 0) == 0)
            return true;
        if (errno == EEXIST)
            continue;
        *moved = true;
        if (renameat(s->dirfd, f->name, s->dirfd, f->backup) == 0)
            return true;
        if (errno != EEXIST)
            break;
    }
    f->backup[0] = '\0';
    return false;
}

/* Puts f's new file at its name, keeping the old one; on failure the target is unchanged. */
static bool swap_in_one(cp_outset *s, cp_outfile *f, cp_diags *d)
{
    int dfd = s->dirfd;
    if (!f->existed) {
        if (renameat(dfd, f->temp, dfd, f->name) != 0)
            return file_error(f, d, "cannot create the file", errno);
        f->state = SWAP_CREATED;
        return true;
    }
    if (renameat2(dfd, f->temp, dfd, f->name, RENAME_EXCHANGE) == 0) {
        f->state = SWAP_EXCHANGED;
        return true;
    }
    if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
        return file_error(f, d, "cannot replace the file", errno);
    bool moved;
    if (!back_up(s, f, &moved))
        return file_error(f, d, "cannot keep the earlier file while replacing it", errno);
    if (renameat(dfd, f->temp, dfd, f->name) != 0) {
        int err = errno;
        if (moved ? renameat(dfd, f->backup, dfd, f->name) : unlinkat(dfd, f->backup, 0))
            cp_error(d, cp_pos_file(f->path),
                     "could not put the earlier file back (it is '%s'): %s", f->backup,
                     strerror(errno));
        f->backup[0] = '\0';
        return file_error(f, d, "cannot replace the file", err);
    }
    f->state = SWAP_BACKED_UP;
    return true;
}

/* Undoes swap_in_one. */
static bool swap_out_one(cp_outset *s, cp_outfile *f, cp_diags *d)
{
    int dfd = s->dirfd, r = 0;
    if (f->state == SWAP_CREATED)
        r = renameat(dfd, f->name, dfd, f->temp);
    else if (f->state == SWAP_EXCHANGED)
        r = renameat2(dfd, f->temp, dfd, f->name, RENAME_EXCHANGE);
    else if (f->state == SWAP_BACKED_UP)
        r = renameat(dfd, f->backup, dfd, f->name);
    if (r != 0) {
        cp_error(d, cp_pos_file(f->path), "could not put the earlier file back: %s",
                 strerror(errno));
        return false;
    }
    if (f->state == SWAP_BACKED_UP) {
        /* The old file went back over the new one: neither extra name is left. */
        f->backup[0] = f->temp[0] = '\0';
        cleanup_drop(&f->node);
    }
    f->state = SWAP_NONE;
    return true;
}

/* Every file in, then the folder on the disk; else every file back out. Signals blocked. */
static bool swap_in(cp_outset *s, cp_diags *d)
{
    size_t i = 0;
    bool ok = true;
    for (; i < s->n && ok; i++)
        ok = swap_in_one(s, s->files[i], d);
    if (ok && fsync(s->dirfd) != 0) {
        cp_error(d, cp_pos_file(s->dir), "cannot write the folder to disk (fsync): %s",
                 strerror(errno));
        ok = false;
    }
    if (!ok) {
        bool back = true;
        while (i-- > 0)
            back = swap_out_one(s, s->files[i], d) && back;
        if (back)
            cp_note(d, cp_pos_file(s->dir), "the earlier files are as they were");
    }
    return ok;
}

/* After a commit: the old files (kept until now) and stale temporary files of earlier killed
 * runs go. The lock means no live calpress owns a temporary file of these names. */
static void remove_leftovers(cp_outset *s)
{
    for (size_t i = 0; i < s->n; i++) {
        cp_outfile *f = s->files[i];
        if (f->state == SWAP_EXCHANGED)
            unlinkat(s->dirfd, f->temp, 0);
        if (f->state == SWAP_BACKED_UP)
            unlinkat(s->dirfd, f->backup, 0);
        f->temp[0] = f->backup[0] = '\0';
        cleanup_drop(&f->node);
    }
    int fd = openat(s->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
    if (!dir) {
        if (fd >= 0)
            close(fd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        for (size_t i = 0; i < s->n; i++) {
            struct stat st;
            if (is_temp_of(e->d_name, s->files[i]->name) &&
                fstatat(s->dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                S_ISREG(st.st_mode)) {
                unlinkat(s->dirfd, e->d_name, 0);
                break;
            }
        }
    }
    closedir(dir);
}

bool cp_outset_commit(cp_outset *s, cp_diags *d)
{
    bool ok = true;
    for (size_t i = 0; i < s->n; i++)
        ok = ok && !s->files[i]->failed;
    if (!ok)
        return false;
    /* Every target is checked before anything is replaced, and every problem reported. */
    for (size_t i = 0; i < s->n; i++)
        ok = check_target(s, s->files[i], d) && ok;
    for (size_t i = 0; i < s->n && ok; i++)
        ok = flush(s->files[i], d);
    for (size_t i = 0; i < s->n && ok; i++)
        ok = name_and_close(s, s->files[i], d);
    if (!ok)
        return false;
    /* From the first rename to the last, a signal would leave a mixed set: it waits. */
    sigset_t old;
    block_signals(&old);
    ok = swap_in(s, d);
    if (ok) {
        remove_leftovers(s);
        s->committed = true;
    }
    restore_signals(&old);
    return ok;
}

void cp_outset_free(cp_outset *s)
{
    if (!s)
        return;
    sigset_t old;
    block_signals(&old);
    for (size_t i = 0; i < s->n; i++) {
        cp_outfile *f = s->files[i];
        if (f->fd >= 0)
            close(f->fd);
        if (f->temp[0])
            unlinkat(s->dirfd, f->temp, 0);
        cleanup_drop(&f->node);
        cp_hasher_finish(&f->hash);
        free(f->name);
        free(f->path);
        free(f);
    }
    remove_lock_file(s);
    /* Still holding the lock, so that no run waiting for it starts writing into a folder that
     * is about to go (it sees the folder gone, and makes it anew). */
    bool may_remove = !s->committed && (s->locked || !s->tried_lock);
    for (size_t i = s->n_made; i-- > 0;) {
        if (may_remove)
            rmdir(s->made[i]->name);
        cleanup_drop(s->made[i]);
        free((char *)s->made[i]->name);
        free(s->made[i]);
    }
    unlock(s);
    restore_signals(&old);
    free(s->made);
    free(s->files);
    free(s->dir);
    free(s);
}

/* Straight into a device or FIFO: nothing to replace atomically. */
static bool write_device(const char *path, const void *data, size_t len, cp_diags *d)
{
    int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    int err = fd < 0 ? errno : cp_write_all(fd, data, len);
    if (fd >= 0 && close(fd) != 0 && !err)
        err = errno;
    if (err)
        cp_error(d, cp_pos_file(path), "cannot write: %s", strerror(err));
    return !err;
}

bool cp_outfile_save(const char *path, const void *data, size_t len, cp_diags *d)
{
    signals_init();
    struct stat st;
    if (stat(path, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)))
        return write_device(path, data, len, d);
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    char *dir = slash ? cp_xstrdup(path) : cp_xstrdup(".");
    if (slash)
        dir[slash == path ? 1 : slash - path] = '\0';
    cp_outset *s = cp_outset_open(dir, false, d);
    cp_outfile *f = s ? cp_outset_add(s, name, d) : NULL;
    bool ok = f && cp_outfile_write(f, data, len, d) && cp_outset_commit(s, d);
    cp_outset_free(s);
    free(dir);
    return ok;
}
